"""Public and customer pages over HTTP: home, standards, applying, and reading my application."""

from __future__ import annotations

from page_helpers import LV_FORM, apply_online, csrf_of, post_form


def test_home_page_links_to_applying_checking_status_and_the_standards(client):
    page = client.get("/")
    assert page.status_code == 200
    assert 'lang="zh-CN"' in page.text
    for link in ('href="/apply"', 'href="/status"', 'href="/standards"'):
        assert link in page.text


def test_service_standards_list_every_stage_document_limit_and_fee_from_the_policy(client, policy):
    page = client.get("/standards").text
    for kind in policy.kinds.values():
        assert kind.name in page
        for stage in kind.stages:
            assert stage.name in page
            for document in stage.documents:
                assert document.name in page
    assert "全过程办电时间" in page
    assert "个工作日以内" in page
    assert "零投资" in page


def test_pages_use_no_resource_from_the_internet(client):
    for path in ("/", "/standards", "/apply", "/status", "/login"):
        text = client.get(path).text
        assert "http://" not in text, path
        assert "https://" not in text, path
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/static/app.js").status_code == 200


def test_a_valid_online_application_shows_its_number_and_the_code_to_keep(client):
    number, code = apply_online(client)
    done = client.get("/apply/done").text
    assert "请务必保存查询码" in done
    assert len(code.replace("-", "")) == 16
    my = client.get("/my")
    assert my.status_code == 200
    assert number in my.text
    assert "业务受理" in my.text
    assert 'aria-current="step"' in my.text


def test_an_invalid_application_keeps_what_was_typed_and_says_what_to_fix_by_each_field(client):
    typed = {**LV_FORM, "customer.phone": "12345", "capacity": "abc", "address": " "}
    response = post_form(client, "/apply", typed)
    assert response.status_code == 422
    page = response.text
    assert "请填写11位手机号码" in page
    assert "报装容量须为大于0的数字" in page
    assert "请填写用电地址" in page
    assert 'value="12345"' in page
    assert 'value="abc"' in page
    assert 'value="张三丰"' in page
    assert "610102199001011234" in page


def test_an_application_form_without_the_csrf_token_is_refused(client, engine):
    csrf_of(client, "/apply")  # the browser has its anchor cookie, but the form has no token
    response = client.post("/apply", data=LV_FORM, follow_redirects=False)
    assert response.status_code == 403
    assert "表单已过期" in response.text
    from sqlalchemy import text

    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM application")).scalar_one() == 0


def test_the_customer_sees_masked_data_stages_missing_documents_and_deadlines(client):
    number, code = apply_online(client)
    client.cookies.clear()
    response = post_form(client, "/status", {"number": number, "code": code})
    assert response.status_code == 303
    page = client.get("/my").text
    assert "张**" in page
    assert "张三丰" not in page
    assert "138****8000" in page
    assert "用电人有效身份证件" in page
    assert "用电地址物权证件" in page
    assert "全过程办电时间" in page
    assert "剩余 " in page
    assert "（含）前办结" in page


def test_a_wrong_access_code_is_answered_next_to_the_field_and_the_sixth_gets_429(client):
    number, _code = apply_online(client)
    client.cookies.clear()
    for _ in range(5):
        response = post_form(client, "/status", {"number": number, "code": "AAAA-BBBB-CCCC-DDDD"})
        assert response.status_code == 404
        assert "申请编号或查询码不正确" in response.text
        assert f'value="{number}"' in response.text
    response = post_form(client, "/status", {"number": number, "code": "AAAA-BBBB-CCCC-DDDD"})
    assert response.status_code == 429
    assert "15分钟后再试" in response.text


def test_my_application_without_a_proven_code_goes_to_the_status_form(client):
    response = client.get("/my", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/status"


def test_the_standards_page_draws_each_kind_s_flow_from_the_machine(client, services):
    page = client.get("/standards").text
    for kind in services.policy.kinds.values():
        assert f"{kind.name}办理流程" in page
        for stage in kind.stages:
            assert f'data-state="{stage.code}"' in page
    assert page.count('<svg class="flow"') == len(services.policy.kinds)
