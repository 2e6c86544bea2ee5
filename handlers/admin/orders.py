"""`/admin/orders`: the order ledger with counts per state; per order its timeline across
both systems, VTEX's results, invoices, documents to download and a retry (a
`LinioOrderWork` with source `replay`). Buyers' personal data is shown masked."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from app.admin_auth import action, api, page
from app.http_errors import ApiError
from app.web_keys import BROKER, STORES
from domain.dashboard import LogFilter, OrderFilter
from domain.personal_data import mask_personal
from domain.store_rules import divergence_tolerance
from domain.work import LinioOrderWork
from handlers.admin.common import flash, list_page, local_path, reader, render

HIDDEN = frozenset({"_id", "timeline", "linio", "vtex_results", "invoices", "documents"})


def events(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The order's timeline, oldest first: the ledger's `timeline` entries, VTEX's
    processing results and the invoices, each as {at, side, event, details}."""
    out: list[dict[str, Any]] = []
    for item in doc.get("timeline") or []:
        if isinstance(item, Mapping):
            details = {k: v for k, v in item.items() if k not in ("event", "at")}
            side = "vtex" if str(item.get("event", "")).startswith("vtex") else "linio"
            if item.get("event") in ("state_changed", "problems", "placement_reserved"):
                side = "connector"
            out.append(
                {
                    "at": item.get("at"),
                    "side": side,
                    "event": item.get("event"),
                    **{"details": mask_personal(details)},
                }
            )
    for result in doc.get("vtex_results") or []:
        if isinstance(result, Mapping):
            out.append(
                {
                    "at": result.get("at"),
                    "side": "vtex",
                    "event": f"vtex_result {result.get('code', '')}",
                    "details": {
                        k: v for k, v in result.items() if k in ("flow", "success", "errors")
                    },
                }
            )
    for invoice in doc.get("invoices") or []:
        if isinstance(invoice, Mapping):
            out.append(
                {
                    "at": invoice.get("received_at"),
                    "side": "vtex",
                    "event": f"invoice {invoice.get('invoice_number', '')}",
                    "details": {k: invoice.get(k) for k in ("type", "tracking_number", "courier")},
                }
            )
    return sorted(out, key=lambda e: str(e["at"] or ""))


def documents(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Stored documents as {name, content_type, data}: the order consumer keeps Seller
    Center's GetDocument answers as `documents: [{type, mime_type, file (base64), items,
    at}]` (shipping label, Linio's invoice); each gets a stable name `<type>-<n>`."""
    shown = []
    for n, item in enumerate(doc.get("documents") or [], 1):
        if not isinstance(item, Mapping):
            continue
        kind = str(item.get("type") or "document")
        shown.append(
            {
                "name": str(item.get("name") or f"{kind}-{n}"),
                "content_type": item.get("content_type") or item.get("mime_type"),
                "data": item.get("data") if item.get("data") is not None else item.get("file"),
                "at": item.get("at"),
            }
        )
    return shown


@page
async def orders_page(request: web.Request) -> web.Response:
    return await list_page(request, OrderFilter, "orders.html")


async def _order(request: web.Request, store: str, order_id: str) -> dict[str, Any]:
    doc = await reader(request).order(store, order_id)
    if doc is None:
        raise ApiError("unknown_order", order_id=order_id)
    return doc


@page
async def order_page(request: web.Request) -> web.Response:
    store, order_id = request.match_info["store_id"], request.match_info["order_id"]
    doc = await _order(request, store, order_id)
    read = reader(request)
    logs = await read.log_page(LogFilter(store=store, order=order_id), size=20)
    fields = {k: v for k, v in doc.items() if k not in HIDDEN}
    store_doc = await request.app[STORES].get(store)
    return await render(
        request,
        "order.html",
        doc=doc,
        fields=mask_personal(fields),
        linio=mask_personal(doc.get("linio") or {}),
        steps=events(doc),
        documents=documents(doc),
        logs=logs.entries,
        divergence=divergence_tolerance(store_doc) if store_doc else None,
        markup_fixed=store_doc.markup_fixed if store_doc else "0",
    )


@api
async def order_document(request: web.Request) -> web.Response:
    store, order_id = request.match_info["store_id"], request.match_info["order_id"]
    name = request.match_info["name"]
    doc = await _order(request, store, order_id)
    found = next((d for d in documents(doc) if d["name"] == name), None)
    if found is None or found.get("data") is None:
        raise ApiError("unknown_document", order_id=order_id, name=name)
    data = found["data"]
    body = data if isinstance(data, bytes) else base64.b64decode(str(data))
    safe = "".join(c for c in name if c.isalnum() or c in "._-") or "document"
    return web.Response(
        body=body,
        content_type=str(found.get("content_type") or "application/octet-stream"),
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )


@action
async def order_retry(request: web.Request) -> web.StreamResponse:
    """Read the Linio order again and bring VTEX up to date (`LinioOrderWork`, replay)."""
    form = await request.post()
    store, order_id = str(form.get("store_id", "")), str(form.get("linio_order_id", ""))
    await _order(request, store, order_id)
    await request.app[BROKER].publish_work(
        LinioOrderWork(store, linio_order_id=order_id, source="replay")
    )
    await flash(request, key="orders.retried", order=order_id)
    raise web.HTTPFound(local_path(str(form.get("next", "")), f"/admin/orders/{store}/{order_id}"))
