"""/docs and /redoc load Swagger UI and ReDoc from this server (packaged assets), not a CDN."""

from __future__ import annotations

import re

import httpx
import pytest

from service.api.docs import ASSETS_URL, assets_dir

pytestmark = pytest.mark.skipif(assets_dir() is None, reason="fastapi-offline is not installed")

_URL_ATTR = re.compile(r"""(?:src|href|url)\s*[=:]\s*['"]([^'"]+)['"]""", re.IGNORECASE)


def _external(page: str) -> list[str]:
    return [u for u in _URL_ATTR.findall(page) if re.match(r"(?:https?:)?//", u)]


@pytest.mark.parametrize(
    ("path", "assets"),
    [
        ("/docs", ["swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"]),
        ("/redoc", ["redoc.standalone.js", "favicon.png"]),
    ],
)
async def test_docs_pages_use_local_assets(
    client: httpx.AsyncClient, path: str, assets: list[str]
) -> None:
    r = await client.get(path)
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    page = r.text
    assert "/openapi.json" in page
    assert _external(page) == []
    assert "cdn.jsdelivr" not in page and "fonts.googleapis" not in page
    for name in assets:
        assert f"{ASSETS_URL}/{name}" in page
        asset = await client.get(f"{ASSETS_URL}/{name}")
        assert asset.status_code == 200 and len(asset.content) > 1000, name


async def test_swagger_oauth2_redirect(client: httpx.AsyncClient) -> None:
    r = await client.get("/docs/oauth2-redirect")
    assert r.status_code == 200
