"""`/admin/skus`: the states table with counts per state, a timeline per SKU from its stage
timestamps, its problems and recent log entries; retry or resend one SKU, retry every SKU of
a filter (each publishes a typed `SkuWork`), and the price guard's held SKUs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from app.admin_auth import action, page
from app.broker import queue_name
from app.http_errors import ApiError
from app.web_keys import BROKER, STORAGE
from domain.catalog.offers import OfferStates
from domain.dashboard import STAGES, DashboardNotes, LogFilter, SkuFilter
from domain.errors import CATALOGUE
from domain.work import SkuAction, SkuWork
from handlers.admin.common import flash, language, list_page, local_path, reader, render, url
from handlers.price_approval import flows_of

RESEND_ACTIONS: tuple[SkuAction, ...] = ("upsert", "price", "stock")


def timeline(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The stages the SKU reached, in `STAGES` order, with seconds since the previous one.
    Unknown stages (a flow added one) follow the known ones."""
    stages = dict(doc.get("stages") or {})
    qc = doc.get("qc") or {}
    if isinstance(qc, Mapping) and qc.get("at") and "qc" not in stages:
        stages["qc"] = qc["at"]
    if not stages and doc.get("notified_at"):
        stages["notified"] = doc["notified_at"]
    order = [s for s in STAGES if s in stages] + sorted(s for s in stages if s not in STAGES)
    steps, previous = [], None
    for stage in order:
        at = stages[stage]
        took = None
        if previous is not None and hasattr(at, "timestamp") and hasattr(previous, "timestamp"):
            took = round(at.timestamp() - previous.timestamp(), 3)
        steps.append({"stage": stage, "at": at, "took": took})
        previous = at if hasattr(at, "timestamp") else previous
    return steps


def problems(doc: Mapping[str, Any], lang: str) -> list[dict[str, str]]:
    """The SKU's problems as the seller reads them: catalogue message and action per code."""
    shown = []
    for item in doc.get("problems") or []:
        if not isinstance(item, Mapping):
            shown.append({"code": "", "message": str(item), "action": ""})
            continue
        code = str(item.get("code", ""))
        params = {k: str(v) for k, v in (item.get("params") or {}).items()}
        params.update({k: str(item[k]) for k in ("linio_field", "vtex_field") if k in item})
        entry = CATALOGUE.get(code)
        try:
            message = entry.render(lang, **params) if entry else str(item.get("message", code))
            todo = entry.render_action(lang, **params) if entry else ""
        except KeyError:
            message, todo = code, ""
        shown.append({"code": code, "message": message, "action": todo})
    return shown


@page
async def skus_page(request: web.Request) -> web.Response:
    store = SkuFilter.from_query(request.query).store
    return await list_page(
        request,
        SkuFilter,
        "skus.html",
        held=await reader(request).price_guard_held(store),
        stages_order=STAGES,
    )


@page
async def sku_page(request: web.Request) -> web.Response:
    store, sku_id = request.match_info["store_id"], request.match_info["sku_id"]
    read = reader(request)
    doc = await read.sku(store, sku_id)
    if doc is None:
        raise ApiError("unknown_sku", store=store, sku_id=sku_id)
    logs = await read.log_page(LogFilter(store=store, sku=sku_id), size=20)
    return await render(
        request,
        "sku.html",
        doc=doc,
        steps=timeline(doc),
        problems=problems(doc, language(request)),
        logs=logs.entries,
    )


async def _publish(request: web.Request, docs: list[Mapping[str, Any]], resend: bool) -> int:
    """One `SkuWork` per SKU (and action); returns how many messages were queued."""
    works = [
        SkuWork(
            str(doc["store_id"]),
            sku_id=str(doc["sku_id"]),
            product_id=doc.get("product_id"),
            action=act,
        )
        for doc in docs
        for act in (RESEND_ACTIONS if resend else ("upsert",))
    ]
    if not works:
        return 0
    if resend:  # forget what was last sent, so the feed sends every field again
        await DashboardNotes(request.app[STORAGE].db).forget_sent(docs)
    await request.app[BROKER].publish_many(
        [(queue_name(w.queue_context, w.store_id), w.to_body()) for w in works],
        dedupe_keys=[w.dedupe_key() for w in works],
    )
    return len(works)


@action
async def sku_retry(request: web.Request) -> web.StreamResponse:
    """Retry (`mode=retry`: read from VTEX and publish again) or resend (`mode=resend`:
    also forget what was last sent) one SKU."""
    form = await request.post()
    store, sku_id = str(form.get("store_id", "")), str(form.get("sku_id", ""))
    doc = await reader(request).sku(store, sku_id)
    if doc is None:
        raise ApiError("unknown_sku", store=store, sku_id=sku_id)
    resend = form.get("mode") == "resend"
    await _publish(request, [doc], resend)
    await flash(request, key="skus.resent" if resend else "skus.retried", sku=sku_id)
    raise web.HTTPFound(local_path(str(form.get("next", "")), f"/admin/skus/{store}/{sku_id}"))


@action
async def skus_bulk_retry(request: web.Request) -> web.StreamResponse:
    """Retry every SKU of the filter in the form (store, status, SKU, problem), at most
    `BULK_CAP`."""
    form = await request.post()
    flt = SkuFilter.from_query({k: str(v) for k, v in form.items()})
    docs = await reader(request).sku_ids(flt)
    await _publish(request, docs, resend=False)
    await flash(request, key="skus.bulk_retried", count=len(docs))
    raise web.HTTPFound(url("/admin/skus", flt.as_query()))


@action
async def price_guard_decide(request: web.Request) -> web.StreamResponse:
    """Approve (`decision=approve`: the held price is staged for Seller Center as it was
    read, `PriceStockFlow.approve_price`) or reject (`decision=reject`: the hold is
    dropped and Linio keeps the price last sent; a later VTEX price that drops as much is
    held again) a price the store's price-drop guard held."""
    form = await request.post()
    store, sku_id = str(form.get("store_id", "")), str(form.get("sku_id", ""))
    decision = str(form.get("decision", ""))
    if decision not in ("approve", "reject"):
        raise ApiError("bad_request", detail="decision must be approve or reject")
    if decision == "approve":
        done = await flows_of(request.app).approve_price(store, sku_id)
    else:
        state = await reader(request).sku(store, sku_id)
        done = bool(state and state.get("price_hold"))
        if done:
            await OfferStates(request.app[STORAGE].db).drop_hold(store, sku_id)
    if not done:
        raise ApiError("no_held_price", store_id=store, sku_id=sku_id)
    key = "skus.price_approved" if decision == "approve" else "skus.price_rejected"
    await flash(request, key=key, sku=sku_id)
    raise web.HTTPFound(local_path(str(form.get("next", "")), url("/admin/skus", store=store)))
