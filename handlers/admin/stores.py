"""`/admin/stores`: each store's configuration without secrets, the URLs to paste into VTEX,
the Seller Center webhook URL and a button that registers it (CreateWebhook through the
store's pooled client), store rules (a form rendered from `domain.store_rules.rule_fields`,
with CLARIFICATIONS §4's price-divergence note when a markup is set), the courier and
postal-code maps (edit a row, CSV import and export; CLARIFICATIONS §5), activate /
deactivate, and the initial load (a `StoreWork(action="initial_load")`) with its progress
read from the SKU states."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any, NoReturn
from urllib.parse import quote

from aiohttp import web

from app.admin_auth import action, api, page
from app.http_errors import ApiError
from app.storage import SKU_STATES
from app.storage import STORES as STORES_COLLECTION
from app.web_keys import BROKER, CLIENTS, DEAD_LETTERS, SETTINGS, STORAGE, STORES
from clients.errors import ClientError
from clients.redact import mask_text
from domain.dashboard import DashboardNotes
from domain.store_rules import (
    STORE_MAPS,
    MapProblem,
    divergence_tolerance,
    edit_map,
    map_csv,
    parse_map_csv,
    parse_rules,
    rule_fields,
    rule_values,
)
from domain.stores import Store
from domain.work import StoreWork
from handlers.admin.common import flash, reader, render

HIDDEN_FIELDS = frozenset(
    {
        "credentials",
        "notification_token",
        "vtex_base_url",
        "linio_base_url",
        *STORE_MAPS,
        *(f.name for f in rule_fields()),
    }
)


def webhook_url(store: Store, base_url: str) -> str:
    """Where Seller Center sends this store's webhooks (`/linio/{token}/webhook`,
    CLARIFICATIONS §1)."""
    return f"{base_url}/linio/{quote(store.notification_token, safe='')}/webhook"


def config(store: Store) -> dict[str, Any]:
    """The store's settings a seller may read: no credentials, no token."""
    values = {
        f.name: getattr(store, f.name)
        for f in dataclasses.fields(store)
        if f.name not in HIDDEN_FIELDS
    }
    values["credentials"] = {k: bool(v) for k, v in dataclasses.asdict(store.credentials).items()}
    return values


async def _get(request: web.Request, store_id: str) -> Store:
    store = await request.app[STORES].get(store_id)
    if store is None:
        raise ApiError("unknown_store", account=store_id)
    return store


@page
async def stores_page(request: web.Request) -> web.Response:
    base = request.app[SETTINGS].public_base_url
    db = request.app[STORAGE].db
    read = reader(request)
    rows = []
    for store in await request.app[STORES].list():
        search, connector = store.endpoints(base)
        raw = await db[STORES_COLLECTION].find_one({"store_id": store.store_id}) or {}
        rows.append(
            {
                "store": store,
                "config": config(store),
                "rules": rule_values(store),
                "divergence": divergence_tolerance(store),
                "maps": {kind: getattr(store, kind) or {} for kind in STORE_MAPS},
                "search_endpoint": search,
                "connector_endpoint": connector,
                "webhook_url": webhook_url(store, base),
                "webhook": raw.get("linio_webhook"),
                "initial_load": raw.get("initial_load"),
                "skus": await read.count_by(SKU_STATES, "status", store.store_id),
                "dead_letters": await request.app[DEAD_LETTERS].count(store_id=store.store_id),
            }
        )
    return await render(
        request,
        "stores.html",
        stores=rows,
        rule_fields=rule_fields(),
        map_columns=STORE_MAPS,
    )


@action
async def store_active(request: web.Request) -> web.StreamResponse:
    store = await _get(request, request.match_info["store_id"])
    active = (await request.post()).get("active") == "1"
    await request.app[STORES].set_active(store.store_id, active)
    if not active:
        request.app[CLIENTS].forget(store.store_id)
    await flash(
        request, key="stores.activated" if active else "stores.deactivated", store=store.store_id
    )
    raise web.HTTPFound("/admin/stores")


@action
async def store_load(request: web.Request) -> web.StreamResponse:
    """Ask for the initial load of the store's catalog; progress shows on the page."""
    store = await _get(request, request.match_info["store_id"])
    work = StoreWork(store.store_id, action="initial_load")
    await request.app[BROKER].publish_work(work)
    await DashboardNotes(request.app[STORAGE].db).store_note(
        store.store_id, "initial_load", {"requested_at": dt.datetime.now(dt.UTC), "at": work.at}
    )
    await flash(request, key="stores.load_requested", store=store.store_id)
    raise web.HTTPFound("/admin/stores")


@action
async def store_webhook(request: web.Request) -> web.StreamResponse:
    """Register the store's webhook URL in Seller Center (CreateWebhook, every event)."""
    store = await _get(request, request.match_info["store_id"])
    target = webhook_url(store, request.app[SETTINGS].public_base_url)
    try:
        webhook_id = await request.app[CLIENTS].linio(store).create_webhook(target)
    except ClientError as exc:
        detail = mask_text(str(exc), store.secrets())[:300]
        await flash(request, code="webhook_failed", detail=detail)
        raise web.HTTPFound("/admin/stores") from None
    await DashboardNotes(request.app[STORAGE].db).store_note(
        store.store_id,
        "linio_webhook",
        {"id": webhook_id, "registered_at": dt.datetime.now(dt.UTC)},
    )
    await flash(request, key="stores.webhook_registered", store=store.store_id, id=webhook_id)
    raise web.HTTPFound("/admin/stores")


@action
async def store_rotate_token(request: web.Request) -> web.StreamResponse:
    """A new secret for the store's URLs (the old ones stop working at once); the page then
    shows the new URLs to paste into VTEX and Seller Center."""
    store = await request.app[STORES].rotate_token(request.match_info["store_id"])
    if store is None:
        raise ApiError("unknown_store", account=request.match_info["store_id"])
    await flash(request, key="stores.rotated", store=store.store_id)
    raise web.HTTPSeeOther("/admin/stores")


def _back(store_id: str) -> str:
    return f"/admin/stores#store-{store_id}"


@action
async def store_rules(request: web.Request) -> web.StreamResponse:
    """Save the store's rules (every `rule_fields()` input of the form), all or none: each
    value that cannot be saved is flashed with its catalogue message."""
    store = await _get(request, request.match_info["store_id"])
    form = {k: str(v) for k, v in (await request.post()).items()}
    values, problems = parse_rules(form)
    if problems:
        for problem in problems:
            await flash(request, code=problem.code, **problem.params)
        raise web.HTTPSeeOther(_back(store.store_id))
    await request.app[STORES].set_fields(store.store_id, values)
    await flash(request, key="stores.rules_saved", store=store.store_id)
    raise web.HTTPSeeOther(_back(store.store_id))


def _kind(request: web.Request) -> str:
    kind = request.match_info["kind"]
    if kind not in STORE_MAPS:
        raise ApiError("not_found")
    return kind


async def _save_map(
    request: web.Request, store: Store, kind: str, new_map: Callable[[], dict[str, str]]
) -> NoReturn:
    """Save the map `new_map()` builds as the store's `kind` map and go back to the store; a
    `MapProblem` it raises is flashed with its catalogue message and nothing is saved."""
    try:
        values = new_map()
    except MapProblem as exc:
        await flash(request, code=exc.code, **exc.params)
        raise web.HTTPSeeOther(_back(store.store_id)) from None
    await request.app[STORES].set_fields(store.store_id, {kind: values})
    await flash(request, key=f"stores.{kind}_saved", store=store.store_id, count=len(values))
    raise web.HTTPSeeOther(_back(store.store_id))


@action
async def store_map_edit(request: web.Request) -> web.StreamResponse:
    """Set one row of the store's courier map or postal-code map (`key`, `value`); an empty
    value deletes the row."""
    store = await _get(request, request.match_info["store_id"])
    kind = _kind(request)
    form = await request.post()
    key, value = str(form.get("key", "")), str(form.get("value", ""))
    await _save_map(request, store, kind, lambda: edit_map(getattr(store, kind) or {}, key, value))


@action
async def store_map_import(request: web.Request) -> web.StreamResponse:
    """Replace the store's courier map or postal-code map by an uploaded CSV (columns
    `STORE_MAPS[kind]`), the whole file or nothing."""
    store = await _get(request, request.match_info["store_id"])
    kind = _kind(request)
    upload = (await request.post()).get("file")
    if not hasattr(upload, "file"):
        raise ApiError("store_map_columns", columns=",".join(STORE_MAPS[kind]))
    text = upload.file.read().decode("utf-8-sig", errors="replace")  # type: ignore[union-attr]
    await _save_map(request, store, kind, lambda: parse_map_csv(kind, text))


@api
async def store_map_export(request: web.Request) -> web.Response:
    """The store's courier map or postal-code map as CSV (the import's format)."""
    store = await _get(request, request.match_info["store_id"])
    kind = _kind(request)
    return web.Response(
        text=map_csv(kind, getattr(store, kind) or {}),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{store.store_id}-{kind}.csv"'},
    )
