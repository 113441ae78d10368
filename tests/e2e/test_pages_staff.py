"""Staff pages over HTTP: sign-in, the workbench, one application, the dashboard, admin."""

from __future__ import annotations

import re
from datetime import timedelta

from page_helpers import LV_FORM, csrf_of, page_sign_in, post_form

from factories import receive
from gridconnect.api.auth import SESSION_COOKIE


def _version(page: str) -> str:
    found = re.search(r'name="expected_version" value="(\d+)"', page)
    assert found, "no expected_version on the page"
    return found.group(1)


def test_signing_in_sets_an_httponly_samesite_lax_session_cookie(client, staff):
    token = csrf_of(client, "/login")
    response = client.post(
        "/login",
        data={"username": "clerk_xa", "password": staff["clerk_xa"], "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/workbench"
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith(SESSION_COOKIE + "="))
    assert "HttpOnly" in session
    assert "SameSite=lax" in session
    assert "Path=/" in session


def test_a_wrong_password_is_refused_with_a_message_and_no_session(client, staff):
    response = post_form(client, "/login", {"username": "clerk_xa", "password": "wrong-one"})
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_a_login_form_without_the_csrf_token_is_refused(client, staff):
    client.get("/login")
    response = client.post("/login", data={"username": "clerk_xa", "password": staff["clerk_xa"]})
    assert response.status_code == 403


def test_logging_out_ends_the_session(client, staff):
    page_sign_in(client, "clerk_xa")
    assert client.get("/workbench").status_code == 200
    response = post_form(client, "/logout", {}, from_page="/workbench")
    assert response.status_code == 303
    after = client.get("/workbench", follow_redirects=False)
    assert after.status_code == 303
    assert after.headers["location"].startswith("/login?next=/workbench")


def test_the_workbench_needs_a_login_and_shows_the_queue_most_urgent_first(client, staff, services):
    assert client.get("/workbench", follow_redirects=False).status_code == 303
    later = receive(services, "lv_nonresidential")
    real_now = services.now
    services.now = lambda: real_now() - timedelta(days=7)  # received a week earlier
    sooner = receive(services, "lv_nonresidential")
    services.now = real_now
    receive(services, "lv_nonresidential", city="榆林")  # outside clerk_xa's cities
    page_sign_in(client, "clerk_xa")
    page = client.get("/workbench").text
    assert page.index(sooner.number) < page.index(later.number)
    assert "榆林" not in page.split('id="queue"')[1]
    assert "剩余／超期" in page


def test_an_overdue_application_reads_days_past_due_never_a_negative_count(client, staff, services):
    real_now = services.now
    services.now = lambda: real_now() - timedelta(days=60)  # far past its 15 working days
    late = receive(services, "lv_nonresidential")
    services.now = real_now
    page_sign_in(client, "clerk_xa")
    rows = client.get("/workbench").text.split("<tr")
    [row] = [chunk for chunk in rows if late.number in chunk]
    assert "超期 " in row
    assert "个工作日" in row
    assert "（含）前" in row
    assert "剩余 -" not in row
    detail = client.get(f"/workbench/applications/{late.id}").text
    assert "（含）前办结" in detail
    assert "剩余 -" not in detail


def test_the_workbench_filters_by_stage_and_status(client, staff, services):
    lv = receive(services, "lv_nonresidential")
    hv = receive(services, "hv")
    page_sign_in(client, "clerk_xa")
    assert hv.number in client.get("/workbench?stage=acceptance").text
    cancelled = client.get("/workbench?status=cancelled").text
    assert lv.number not in cancelled
    assert hv.number not in cancelled


def test_a_clerk_registers_a_hall_application_and_lands_on_its_page(client, staff):
    page_sign_in(client, "clerk_xa")
    response = post_form(
        client,
        "/workbench/new",
        {**LV_FORM, "kind": "hv", "capacity": "800", "voltage_kv": "10", "supply": "single"},
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "申请已登记受理" in page
    assert "用电工程项目批准文件" in page


def test_the_hall_form_says_what_to_fix_for_high_voltage(client, staff):
    page_sign_in(client, "clerk_xa")
    response = post_form(client, "/workbench/new", {**LV_FORM, "kind": "hv"})
    assert response.status_code == 422
    assert "高压用户请选择10千伏及以上的供电电压" in response.text
    assert "高压用户请选择单电源或双电源" in response.text


def test_the_document_list_offers_exactly_the_current_stage_whitelist(client, staff, services):
    app = receive(services, "hv")
    page_sign_in(client, "clerk_xa")
    page = client.get(f"/workbench/applications/{app.id}").text
    form = page.split('id="document-form"')[1].split("</form>")[0]
    offered = re.findall(r'<option value="([a-z_]+)"', form)
    assert offered == [d.code for d in services.policy.whitelist("hv", "acceptance")]


def test_a_clerk_records_both_documents_and_advances_the_application(client, staff, services):
    app = receive(services, "lv_nonresidential")
    page_sign_in(client, "clerk_xa")
    path = f"/workbench/applications/{app.id}"
    assert "/actions/advance" not in client.get(path).text
    for doc in ("identity_document", "property_certificate"):
        page = client.get(path).text
        response = post_form(
            client,
            f"{path}/documents",
            {
                "doc_type": doc,
                "source": "e_license",
                "reference": f"EL-{doc}",
                "expected_version": _version(page),
            },
            from_page=path,
        )
        assert response.status_code == 303, response.text
    page = client.get(path).text
    assert "本环节资料已齐全" in page
    assert "/actions/advance" in page
    response = post_form(
        client, f"{path}/actions/advance", {"expected_version": _version(page)}, from_page=path
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert re.search(r'id="current-stage">装表接电<', page)
    assert "进入下一环节" in page  # the audit trail


def test_an_e_licence_without_its_reference_is_refused_next_to_the_field(client, staff, services):
    app = receive(services, "lv_nonresidential")
    page_sign_in(client, "clerk_xa")
    path = f"/workbench/applications/{app.id}"
    response = post_form(
        client,
        f"{path}/documents",
        {"doc_type": "identity_document", "source": "e_license"},
        from_page=path,
    )
    assert response.status_code == 422
    assert "电子证照方式须填写证照编号" in response.text


def test_someone_elses_change_shows_a_conflict_message_with_a_reload_not_an_error(
    client, staff, services
):
    app = receive(services, "lv_nonresidential")
    page_sign_in(client, "clerk_xa")
    path = f"/workbench/applications/{app.id}"
    stale = _version(client.get(path).text)
    from gridconnect.services.applications import perform

    perform(services, app.id, "suspend", "clerk_other", reason_code="customer_requested_wait")
    response = post_form(
        client,
        f"{path}/actions/suspend",
        {"expected_version": stale, "reason_code": "customer_construction"},
        from_page=path,
    )
    assert response.status_code == 409
    assert "此申请已被他人更新，请刷新后重试" in response.text
    assert f'href="{path}"' in response.text
    assert "<html" in response.text


def test_an_application_outside_the_clerks_scope_is_a_404_page(client, staff, services):
    app = receive(services, "lv_nonresidential", city="榆林")
    page_sign_in(client, "clerk_xa")
    response = client.get(f"/workbench/applications/{app.id}")
    assert response.status_code == 404
    assert "未找到申请" in response.text


def test_a_clerk_cannot_open_the_supervisor_dashboard_or_administration(client, staff):
    page_sign_in(client, "clerk_xa")
    assert client.get("/supervisor").status_code == 403
    assert client.get("/admin").status_code == 403


def test_a_supervisor_acknowledges_a_breach_alert_and_sees_the_breach_listed(
    client, staff, services, engine
):
    from gridconnect.services.sla_scan import scan

    app = receive(services, "lv_nonresidential")
    scan(engine, now=app.received_at + timedelta(days=60))
    base = services.now
    services.now = lambda: base() + timedelta(days=60)
    page_sign_in(client, "supervisor_xa")
    page = client.get("/supervisor").text
    assert app.number in page.split('id="alerts"')[1]
    assert app.number in page.split('id="breaches"')[1]
    # the full process and acceptance (1 working day) are both breached: acknowledge each
    alert_ids = re.findall(r"/supervisor/alerts/(\d+)/ack", page)
    assert len(alert_ids) == 2
    for alert_id in alert_ids:
        response = post_form(
            client, f"/supervisor/alerts/{alert_id}/ack", {}, from_page="/supervisor"
        )
        assert response.status_code == 303
    assert 'id="no-alerts"' in client.get("/supervisor").text


def test_the_dashboard_shows_this_months_on_time_rate_by_city_and_stage(client, staff, services):
    from factories import advance_to_end

    advance_to_end(services, receive(services, "lv_nonresidential"))
    page_sign_in(client, "supervisor_xa")
    page = client.get("/supervisor").text
    assert 'id="chart-city"' in page
    assert 'id="chart-stage"' in page
    assert "100.0%" in page


def test_the_admin_page_lists_calendar_years_with_their_source(client, staff):
    page_sign_in(client, "admin")
    page = client.get("/admin").text
    assert "国务院通知" in page
    assert "按法定规则估算" in page


def test_a_bad_notice_file_is_refused_with_its_problems_line_by_line(client, staff):
    page_sign_in(client, "admin")
    bad = 'year = 2027\n[notice]\ntitle = "x"\npublished = "not a date"\n'
    token = csrf_of(client, "/admin")
    response = client.post(
        "/admin/calendar",
        data={"csrf_token": token},
        files={"file": ("2027.toml", bad.encode(), "text/plain")},
    )
    assert response.status_code == 422
    assert "通知文件有误" in response.text
    assert re.search(r"<li>第 \d+ 行：", response.text)


def test_the_dashboard_shows_this_months_figures_and_offers_them_as_a_spreadsheet(
    client, staff, services
):
    from io import BytesIO

    from openpyxl import load_workbook

    from factories import advance_to_end

    advance_to_end(services, receive(services, "lv_nonresidential"))
    receive(services, "lv_residential")
    receive(services, "lv_residential", city="榆林")  # outside the supervisor's cities
    page_sign_in(client, "supervisor_xa")
    figures = client.get("/supervisor").text.split('id="month-figures"')[1].split("</section>")[0]
    assert re.search(r"<th>受理</th><td>2</td>", figures)
    assert re.search(r"<th>送电</th><td>1</td>", figures)
    download = client.get("/supervisor/report.xlsx")
    assert download.status_code == 200
    assert download.headers["content-disposition"].endswith('.xlsx"')
    workbook = load_workbook(BytesIO(download.content), read_only=True)
    first = workbook[workbook.sheetnames[0]]
    rows = [list(r) for r in first.iter_rows(values_only=True)]
    header, total = rows[0], rows[1]
    assert total[header.index(next(h for h in header if "受理" in str(h)))] == 2


def test_the_admin_page_shows_the_enforced_flow_of_every_kind(client, staff, services):
    page_sign_in(client, "admin")
    page = client.get("/admin").text
    flows = page.split('id="flows"')[1].split("</section>")[0]
    assert flows.count("<svg") == len(services.policy.kinds)
    assert 'data-state="completion_inspection"' in flows
