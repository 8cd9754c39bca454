"""The web viewer: one static page (HTML + JS + CSS, no build chain) served at `/`."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

from service.render.html import RESULT_CSS

STATIC_DIR = Path(__file__).resolve().parents[2] / "web" / "static"
# The result's styles live with reconciliation.html, which inlines them; the viewer links them.
RESULT_CSS_PATH = Path(__file__).resolve().parents[2] / "render" / "templates" / RESULT_CSS

# The page only ever loads its own script/style and talks to this origin; article text is
# inserted with textContent, and the policy forbids inline script as a second line of defence.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

router = APIRouter(include_in_schema=False)


@router.get("/")
async def index() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html", headers=SECURITY_HEADERS)


@router.get(f"/static/{RESULT_CSS}")
async def result_css() -> FileResponse:
    return FileResponse(RESULT_CSS_PATH, media_type="text/css", headers=SECURITY_HEADERS)


class ViewerStaticFiles(StaticFiles):
    """The viewer's static files, served with the same security headers as the page (so
    `/static/index.html` opened directly gets the viewer's CSP too)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.update(SECURITY_HEADERS)
        return response
