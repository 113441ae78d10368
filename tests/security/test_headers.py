"""Anti-framing and hardening headers on pages and API; no inline script."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from gridconnect.api.pages.web import TEMPLATES_DIR


def test_pages_forbid_framing_inline_script_and_sniffing(client):
    page = client.get("/")
    policy = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    script = re.search(r"script-src ([^;]+)", policy)
    assert script
    assert script.group(1).strip() == "'self'"
    assert "unsafe-inline" not in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["X-Frame-Options"] == "DENY"


def test_the_api_and_errors_carry_them_too(client):
    for answer in (client.get("/api/v1/service-standards"), client.get("/api/v1/users")):
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]


def test_strict_transport_security_only_over_https(app, client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    with TestClient(app, base_url="https://testserver") as secure:
        hsts = secure.get("/").headers["Strict-Transport-Security"]
    assert hsts.startswith("max-age=")
    assert int(hsts.split("=")[1].split(";")[0]) >= 31536000


def test_no_template_holds_inline_script_handlers_or_styles():
    offending = []
    for template in sorted(TEMPLATES_DIR.glob("*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=", r"\sstyle\s*="):
            if re.search(pattern, text, re.IGNORECASE):
                offending.append(f"{template.name}: {pattern}")
    assert offending == []
