"""``/app``: the live dashboard, static files shipped in this package (``dashboard_static/``).

The files are public; every piece of data the page shows it fetches from the API with the
user's token, which it keeps in memory only. No build step: plain HTML, CSS and ES modules.

The API's security headers (``insightbus.common.web.security``) are added to these answers as
to every other, ``frame-ancestors 'none'`` included; the page adds a policy of its own on top,
``'self'`` only. A browser enforces every policy it gets, so the page's can only narrow what
the API's allows, never widen it.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse, Response

from insightbus.common.errors import NotFound

router = APIRouter(include_in_schema=False)

STATIC = Path(__file__).parent / "dashboard_static"

#: No inline script or style, nothing from another origin; the socket is same-origin
#: (CSP Level 3's 'self' covers ws: and wss: on the page's own host and port).
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
)

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
}


def _files() -> dict[str, Path]:
    """What may be served: the shipped files and nothing else (no path from the URL is
    ever joined to the file system)."""
    return {
        path.relative_to(STATIC).as_posix(): path
        for path in STATIC.rglob("*")
        if path.is_file() and path.suffix in _TYPES
    }


_SERVED = _files()


def _answer(name: str) -> Response:
    path = _SERVED.get(name)
    if path is None:
        raise NotFound("file")
    return FileResponse(
        path,
        media_type=_TYPES[path.suffix],
        headers={
            "content-security-policy": CONTENT_SECURITY_POLICY,
            "cache-control": "no-cache",
        },
    )


@router.get("/app")
async def app_root() -> Response:
    # Relative URLs in the page (./app.js) resolve against /app/.
    return RedirectResponse("/app/", status_code=308)


@router.get("/app/")
async def app_index() -> Response:
    return _answer("index.html")


@router.get("/app/{name:path}")
async def app_file(name: str) -> Response:
    return _answer(name)
