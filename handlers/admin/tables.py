"""`/tables/fields` and `/tables/errors`: public pages VTEX asks for in the connector's
documentation, rendered from the field table (`domain/catalog/fields.py`) and the error
catalogue (`domain.errors.CATALOGUE`); HTML for browsers, JSON when `Accept` prefers it.

Per Linio category, the field page lists its mandatory attributes from the reference cache
the catalog flow fills with GetCategoryAttributes (`domain.mappings.ReferenceCache`); until
a flow has read one the page says so.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from app.storage import REFERENCE_CACHE
from app.web_keys import REFERENCE_CACHE as REFERENCE_CACHE_KEY
from app.web_keys import STORAGE
from domain.catalog import fields as field_table
from domain.errors import CATALOGUE
from handlers.admin.common import language, render


def wants_json(request: web.Request) -> bool:
    """True when `Accept` ranks JSON above HTML (or names JSON alone)."""
    accept = request.headers.get("Accept", "")
    best: tuple[float, str] = (0.0, "html")
    for part in accept.split(","):
        kind, *params = [p.strip() for p in part.split(";")]
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if kind in ("application/json", "text/html") and quality > best[0]:
            best = (quality, "json" if kind == "application/json" else "html")
    return best[1] == "json"


async def mandatory_attributes(request: web.Request) -> list[dict[str, Any]]:
    """Per Linio category the catalog flow or the mappings page has read
    (GetCategoryAttributes, cached in `reference_cache` by `domain.mappings.ReferenceCache`),
    its mandatory attributes and its path in Linio's tree when that is cached too; an empty
    list until one was read."""
    query = {"_id": {"$regex": "^linio-attributes:"}}
    cursor = request.app[STORAGE].db[REFERENCE_CACHE].find(query).sort("_id", 1)
    out = []
    names: dict[str, dict[str, str]] = {}  # store → category id → path, from a cached tree
    async for doc in cursor.limit(2000):
        _, store_id, category_id = str(doc["_id"]).split(":", 2)
        if store_id not in names:
            tree = await request.app[REFERENCE_CACHE_KEY].category_tree(store_id) or []
            names[store_id] = {c["id"]: c["path"] for c in tree}
        mandatory = [
            {
                "name": a.get("name", ""),
                "feed_name": a.get("feed_name", ""),
                "label": a.get("label", ""),
            }
            for a in doc.get("value") or []
            if a.get("is_mandatory")
        ]
        out.append(
            {
                "store": store_id,
                "category_id": category_id,
                "name": names[store_id].get(category_id, ""),
                "mandatory": mandatory,
            }
        )
    return out


async def fields_table(request: web.Request) -> web.Response:
    lang = language(request)
    rows = field_table.as_rows(lang)  # type: ignore[arg-type]
    columns = field_table.columns(lang)  # type: ignore[arg-type]
    categories = await mandatory_attributes(request)
    if wants_json(request):
        return web.json_response(
            {"lang": lang, "columns": columns, "rows": rows, "categories": categories}
        )
    return await render(
        request, "table_fields.html", rows=rows, columns=columns, categories=categories
    )


def error_rows(lang: str) -> list[dict[str, Any]]:
    return [
        {
            "code": item.code,
            "flow": item.flow,
            "http_status": item.http_status,
            "log_status": item.log_status,
            "when": item.when.get(lang),
            "message": item.message.get(lang),
            "action": item.action.get(lang),
            "retry": item.retry,
        }
        for item in CATALOGUE.values()
    ]


async def errors_table(request: web.Request) -> web.Response:
    lang = language(request)
    rows = error_rows(lang)
    if wants_json(request):
        return web.json_response({"lang": lang, "rows": rows})
    return await render(request, "table_errors.html", rows=rows)
