"""`/admin/mappings`: categories, brands and attribute values of a store; edit a row, import
and export the plugin's CSV files (`domain/importer.py`'s checks: all rows or none), and
the SKUs waiting on a missing mapping. Saving a mapping releases the SKUs that waited on
it (`Mappings.save` / `save_attribute`: each gets a `SkuWork` and is evaluated again).

Picking from Linio: `?linio=1` reads the store's Linio category tree (GetCategoryTree) and
`?linio_category=<id>` that category's attributes (GetCategoryAttributes), both through
the store's pooled Seller Center client — so they count against the seller's shared
request budget (CLARIFICATIONS §2) — and `ReferenceCache` (a day), so the picker costs
one call per store and category a day. Without `linio=1` the page shows the tree only when
it is cached and never calls Seller Center."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from aiohttp import web

from app.admin_auth import action, api, page
from app.http_errors import ApiError
from app.web_keys import BROKER, CLIENTS, REFERENCE_CACHE, STORAGE, STORES
from clients.errors import ClientError
from clients.redact import mask_text
from domain.dashboard import MAPPING_KINDS
from domain.importer import ImportFailed, import_directory
from domain.mappings import (
    ANY_CATEGORY,
    InvalidMapping,
    Mappings,
    brand_key,
    category_key,
    checked_ids,
    parse_values,
)
from handlers.admin.common import flash, reader, render, store_ids, url

LINIO_ID = re.compile(r"^[\w.-]{1,64}$")

CSV_FILES = {"category": "categories.csv", "brand": "brands.csv"}
ID_KINDS = tuple(CSV_FILES)


async def _store(request: web.Request, store_id: str) -> str:
    if not store_id or await request.app[STORES].get(store_id) is None:
        raise ApiError("unknown_store", account=store_id)
    return store_id


@page
async def mappings_page(request: web.Request) -> web.Response:
    ids = await store_ids(request)
    store = request.query.get("store") or (ids[0] if ids else "")
    kind = request.query.get("kind", "category")
    kind = kind if kind in MAPPING_KINDS else "category"
    read = reader(request)
    picker = await linio_picker(request, store) if store in ids else {}
    return await render(
        request,
        "mappings.html",
        picker=picker,
        store=store,
        kind=kind,
        kinds=tuple(MAPPING_KINDS),
        rows=await read.mappings(kind, store) if store else [],
        waiting=await read.waiting_summary(store) if store else [],
        stores=ids,
        edit=dict(request.query),
    )


async def linio_picker(request: web.Request, store_id: str) -> dict[str, Any]:
    """What the page offers to pick from Linio: `tree` ([{id, path, leaf}] or None),
    `category` (the Linio category asked for), its `attributes` (mandatory first) and
    `problem` (the catalogue's `linio_reference_failed` when Seller Center failed)."""
    cache = request.app[REFERENCE_CACHE]
    category = request.query.get("linio_category", "").strip()
    category = category if LINIO_ID.match(category) else ""
    out: dict[str, Any] = {"tree": None, "category": category, "attributes": (), "problem": None}
    store = await request.app[STORES].get(store_id)
    if store is None:
        return out
    try:
        if request.query.get("linio") == "1":
            client = request.app[CLIENTS].linio(store)
            out["tree"] = await cache.category_tree(store_id, client.get_category_tree)
        else:
            out["tree"] = await cache.category_tree(store_id)
        if category:
            client = request.app[CLIENTS].linio(store)
            found = await cache.category_attributes(
                store_id, category, client.get_category_attributes
            )
            out["attributes"] = sorted(found, key=lambda a: (not a.is_mandatory, a.feed_name))
    except ClientError as exc:  # ConfigError too: a store without its Seller Center key
        out["problem"] = {"detail": mask_text(str(exc), store.secrets())[:300]}
    return out


@action
async def mapping_save(request: web.Request) -> web.StreamResponse:
    form = {k: str(v) for k, v in (await request.post()).items()}
    store = await _store(request, form.get("store", ""))
    kind = form.get("kind", "")
    mappings = Mappings(request.app[STORAGE].db, request.app[BROKER])
    try:
        if kind == "attribute":
            vtex_field, linio_field = form.get("vtex_field", ""), form.get("linio_attribute", "")
            if not vtex_field.strip() or not linio_field.strip():
                raise InvalidMapping("the VTEX specification and the Linio attribute are needed")
            released = await mappings.save_attribute(
                store,
                vtex_field=vtex_field.strip(),
                linio_field=linio_field.strip(),
                category=form.get("category", "").strip() or ANY_CATEGORY,
                values=parse_values(form.get("values", "")),
            )
        elif kind in ID_KINDS:
            vtex_id, linio_id = checked_ids(form.get("vtex_id", ""), form.get("linio_id", ""))
            released = await mappings.save(kind, [store], {vtex_id: linio_id}, source="dashboard")
        else:
            raise InvalidMapping(f"kind must be one of {', '.join(ID_KINDS)} or attribute")
    except InvalidMapping as exc:
        raise ApiError("invalid_mapping", detail=str(exc)) from None
    await flash(request, key="mappings.saved", released=released)
    raise web.HTTPFound(url("/admin/mappings", store=store, kind=kind))


@action
async def mappings_import(request: web.Request) -> web.StreamResponse:
    """Upload `categories.csv` or `brands.csv` (the plugin's columns) for a store."""
    form = await request.post()
    store = await _store(request, str(form.get("store", "")))
    kind = str(form.get("kind", ""))
    upload = form.get("file")
    if kind not in CSV_FILES or not hasattr(upload, "file"):
        raise ApiError("invalid_mapping", detail="choose categories or brands and a CSV file")
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, CSV_FILES[kind]).write_bytes(upload.file.read())  # type: ignore[union-attr]
        try:
            report = await import_directory(
                Path(tmp), request.app[STORAGE].db, request.app[STORES], store_id=store
            )
        except ImportFailed as exc:
            raise ApiError(
                "import_failed",
                detail="; ".join(str(p) for p in exc.problems[:20]),
                details={"problems": [str(p) for p in exc.problems]},
            ) from None
    count = report.categories if kind == "category" else report.brands
    key = category_key if kind == "category" else brand_key
    rows = await reader(request).mappings(kind, store)
    released = await Mappings(request.app[STORAGE].db, request.app[BROKER]).release(
        store, [key(str(r.get("vtex_id"))) for r in rows]
    )
    await flash(request, key="mappings.imported", count=count, released=released)
    raise web.HTTPFound(url("/admin/mappings", store=store, kind=kind))


@api
async def mappings_export(request: web.Request) -> web.Response:
    store = await _store(request, request.query.get("store", ""))
    kind = request.match_info["kind"]
    if kind not in ID_KINDS:
        raise ApiError("not_found")
    text = await Mappings(request.app[STORAGE].db).export_csv(kind, store)
    return web.Response(
        text=text,
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{CSV_FILES[kind]}"'},
    )
