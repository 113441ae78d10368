"""Small fits of the command-centre issue: capacity written as people write it, a refused
action answered with a redirect that says why, a clerk told why a stage cannot be finished,
and a bad holiday notice explained in Chinese line by line."""

from __future__ import annotations

from typing import Any

from page_helpers import csrf_of, page_sign_in, post_form

from factories import receive
from gridconnect.api.pages.notice_problems import in_chinese


def test_capacity_and_voltage_read_800_kilovolt_amperes_at_10_kilovolts(
    client: Any, staff: Any, services: Any
) -> None:
    app = receive(services, "hv")
    page_sign_in(client, "clerk_xa")
    page = client.get(f"/workbench/applications/{app.id}").text
    assert "800 千伏安 · 10 千伏" in page
    assert "kVA" not in page


def test_a_refused_advance_redirects_and_says_why_so_a_refresh_posts_nothing(
    client: Any, staff: Any, services: Any
) -> None:
    app = receive(services)
    path = f"/workbench/applications/{app.id}"
    page_sign_in(client, "clerk_xa")
    page = client.get(path).text
    assert "资料齐全后可办结本环节" in page

    refused = post_form(client, f"{path}/actions/advance", {}, from_page=path)
    assert refused.status_code == 303
    assert refused.headers["location"] == f"{path}?refused=missing_documents"
    assert "本环节资料尚未齐全，不能办结" in client.get(refused.headers["location"]).text


def test_a_bad_notice_file_is_explained_in_chinese_line_by_line(client: Any, staff: Any) -> None:
    page_sign_in(client, "admin")
    bad = (
        'year = 2027\n[notice]\ntitle = "x"\nnumber = ""\npublished = 2026-12-01\n'
        '[[holidays]]\nname = "元旦"\ndates = [2027-01-01]\n'
        '[[adjusted_workdays]]\nfor = "元旦"\ndate = 2027-01-05\n'
    )
    response = client.post(
        "/admin/calendar",
        data={"csrf_token": csrf_of(client, "/admin")},
        files={"file": ("2027.toml", bad.encode(), "text/plain")},
    )
    assert response.status_code == 422
    assert "第 11 行：调休上班日 2027-01-05 是星期二，不是星期六或星期日" in response.text
    assert "Tuesday" not in response.text


def test_every_kind_of_notice_problem_reads_in_chinese() -> None:
    english = [
        "unknown key 'x' in the file",
        "missing key 'dates' in holidays",
        "notice.title must be a non-empty string",
        "notice.published must be a TOML date like 2026-01-01, not 'soon'",
        "2026-05-01 is outside the file's year 2027",
        "2027-10-01 is listed twice as a holiday",
        "year 2040 is outside the supported range 2020–2035",
        "'holidays' must be a list of tables",
    ]
    for reason in english:
        translated = in_chinese(reason)
        assert translated != reason
        assert not any(word in translated for word in ("must", "missing", "listed", "outside"))
