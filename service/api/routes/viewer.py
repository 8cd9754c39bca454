"""The web viewer: one static page (HTML + JS + CSS, no build chain) served at `/`, and
`POST /v1/render`, which renders a result with the template reconciliation.html uses (so the
viewer and the standalone page show the same text)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

from service.api.deps import Authorized
from service.render.html import RESULT_CSS, render_result
from service.schemas import Reconciliation

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


@router.post("/v1/render", dependencies=[Authorized], response_class=HTMLResponse)
def render(rec: Reconciliation) -> HTMLResponse:
    """The result as an HTML fragment (a plain `def`: rendering is CPU work, off the loop)."""
    return HTMLResponse(render_result(rec), headers=SECURITY_HEADERS)


class ViewerStaticFiles(StaticFiles):
    """The viewer's static files, served with the same security headers as the page (so
    `/static/index.html` opened directly gets the viewer's CSP too)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.update(SECURITY_HEADERS)
        return response
