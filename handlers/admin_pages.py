"""The seller's dashboard pages (Jinja through aiohttp-jinja2), in Spanish and English."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

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
