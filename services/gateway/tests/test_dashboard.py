"""``/app``: the dashboard's files, public, with the API's security headers and a strict policy
of their own; the page keeps no credential in Web Storage. (It is driven in a browser in
``tests/browser/``.)"""

from __future__ import annotations

import re
from pathlib import Path

from services.gateway.tests.conftest import Harness

STATIC = (
    Path(__file__).resolve().parents[1] / "src/insightbus/gateway/entrypoints/http/dashboard_static"
)


def _policies(header_values: list[str]) -> list[dict[str, str]]:
    """Each Content-Security-Policy header as {directive: sources}."""
    policies = []
    for value in header_values:
        directives = (d.strip().split(None, 1) for d in value.split(";") if d.strip())
        policies.append({d[0]: d[1] if len(d) > 1 else "" for d in directives})
    return policies


async def test_the_page_is_served_with_the_security_headers(harness: Harness) -> None:
    redirect = await harness.client.get("/app")
    assert redirect.status_code == 308 and redirect.headers["location"] == "/app/"

    r = await harness.client.get("/app/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="./js/app.js">' in r.text
    # No token is needed for the files; the data they fetch needs one.
    assert "authorization" not in r.request.headers
    assert (await harness.client.get("/api/v1/sessions")).status_code == 401

    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-frame-options"] == "DENY"
    policies = _policies(r.headers.get_list("content-security-policy"))
    # The API's policy is there as on every answer, and the page's own: 'self' only.
    assert {"frame-ancestors": "'none'"} in policies
    page = next(p for p in policies if "default-src" in p)
    assert page["default-src"] == "'none'"
    for directive in ("script-src", "style-src", "connect-src", "img-src"):
        assert page[directive] == "'self'", directive
    assert page["frame-ancestors"] == "'none'"
    assert not any("unsafe" in v or "*" in v or ":" in v for v in page.values()), page


async def test_every_file_is_served_and_nothing_else(harness: Harness) -> None:
    files = sorted(p for p in STATIC.rglob("*") if p.is_file())
    assert {p.suffix for p in files} <= {".html", ".css", ".js", ".svg"}
    for path in files:
        name = path.relative_to(STATIC).as_posix()
        r = await harness.client.get(f"/app/{name}")
        assert r.status_code == 200, name
        assert r.content == path.read_bytes()
        assert "default-src 'none'" in r.headers["content-security-policy"]
        if path.suffix == ".js":
            assert r.headers["content-type"].startswith("text/javascript")
    for missing in ("/app/nope.js", "/app/../pyproject.toml", "/app/%2e%2e/bootstrap.py"):
        r = await harness.client.get(missing)
        assert r.status_code == 404, missing
        assert r.json()["success"] is False


def _js_files() -> list[Path]:
    files = sorted(STATIC.rglob("*.js"))
    assert files
    return files


def test_no_script_uses_web_storage_or_inline_code() -> None:
    for path in _js_files():
        text = path.read_text()
        for forbidden in (
            "localStorage",
            "sessionStorage",
            "document.cookie",
            "innerHTML",
            "eval(",
        ):
            assert forbidden not in text, f"{path.name}: {forbidden}"
    html = (STATIC / "index.html").read_text()
    # The page's CSP forbids inline code and styles: none in the markup.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script"
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
    assert "http://" not in html and "https://" not in html.replace('placeholder="https://', "")
