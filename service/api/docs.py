"""`/docs` (Swagger UI) and `/redoc` served from packaged assets, so they work offline.

FastAPI's own pages load Swagger UI and ReDoc from a CDN. This is FastAPI's self-hosting
recipe (docs_url=None, redoc_url=None, then our own routes with get_swagger_ui_html /
get_redoc_html pointing at local files); the files themselves come from the `fastapi-offline`
package (swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js, favicon.png), mounted at
`/static-docs`. Without that package the pages still load, from the CDN, and say so in the log.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

log = logging.getLogger("rashomon.api")

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
ASSETS_URL = "/static-docs"
ASSET_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png")


def assets_dir() -> Path | None:
    """The directory holding the Swagger UI and ReDoc files, or None if not installed."""
    try:
        import fastapi_offline
    except ImportError:
        return None
    directory = Path(fastapi_offline.__file__).resolve().parent / "static"
    return directory if all((directory / f).is_file() for f in ASSET_FILES) else None


def install_docs(app: FastAPI) -> None:
    """Add /docs, /redoc and the Swagger OAuth2 redirect. Call with an app built with
    docs_url=None and redoc_url=None."""
    directory = assets_dir()
    if directory is not None:
        app.mount(ASSETS_URL, StaticFiles(directory=directory), name="static-docs")
    else:
        log.warning("fastapi-offline is not installed: /docs and /redoc load from a CDN")
    oauth2_url = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"

    def asset(request: Request, name: str) -> str:
        return f"{request.scope.get('root_path', '')}{ASSETS_URL}/{name}"

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        openapi_url = f"{root}{app.openapi_url}"
        title = f"{app.title} - API docs"
        redirect = f"{root}{oauth2_url}"
        params = app.swagger_ui_parameters
        if directory is None:
            return get_swagger_ui_html(
                openapi_url=openapi_url,
                title=title,
                oauth2_redirect_url=redirect,
                swagger_ui_parameters=params,
            )
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=title,
            oauth2_redirect_url=redirect,
            swagger_ui_parameters=params,
            swagger_js_url=asset(request, "swagger-ui-bundle.js"),
            swagger_css_url=asset(request, "swagger-ui.css"),
            swagger_favicon_url=asset(request, "favicon.png"),
        )

    @app.get(oauth2_url, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC_URL, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        openapi_url = f"{root}{app.openapi_url}"
        title = f"{app.title} - API reference"
        if directory is None:
            return get_redoc_html(openapi_url=openapi_url, title=title, with_google_fonts=False)
        return get_redoc_html(
            openapi_url=openapi_url,
            title=title,
            with_google_fonts=False,
            redoc_js_url=asset(request, "redoc.standalone.js"),
            redoc_favicon_url=asset(request, "favicon.png"),
        )
