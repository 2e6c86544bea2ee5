"""The seller's dashboard pages (Jinja through aiohttp-jinja2), in Spanish and English."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web

from app.http_errors import ApiError
from app.i18n import pick_language, translate
from app.web_keys import DEAD_LETTERS, SETTINGS, STORES


def page_context(request: web.Request, **values: Any) -> dict[str, Any]:
    lang = pick_language(request.query.get("lang"), request.headers.get("Accept-Language"))
    return {"lang": lang, "t": lambda key: translate(key, lang), **values}


async def stores_page(request: web.Request) -> web.Response:
    base = request.app[SETTINGS].public_base_url
    rows = []
    for store in await request.app[STORES].list():
        search, connector = store.endpoints(base)
        rows.append(
            {
                "store": store,
                "search_endpoint": search,
                "connector_endpoint": connector,
                "dead_letters": await request.app[DEAD_LETTERS].count(store_id=store.store_id),
            }
        )
    return aiohttp_jinja2.render_template(
        "stores.html", request, page_context(request, stores=rows)
    )


async def rotate_token(request: web.Request) -> web.Response:
    """`POST /admin/stores/{storeId}/rotate-token`: a new secret for the store's URLs.

    Only from the dashboard's own pages (a cross-site form is refused by its Origin), then
    back to the store list, which shows the new URLs to paste into VTEX.
    """
    settings = request.app[SETTINGS]
    origin = request.headers.get("Origin")
    if origin is not None and origin.rstrip("/") != _origin(settings.public_base_url):
        raise ApiError("cross_site_request")
    store = await request.app[STORES].rotate_token(request.match_info["storeId"])
    if store is None:
        raise ApiError("unknown_store", account=request.match_info["storeId"])
    raise web.HTTPSeeOther("/admin")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
