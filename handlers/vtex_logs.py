"""`GET /{account}/logs/?DateAt=YYYY-MM-DD&status=…`: VTEX's log endpoint.

The payload is VTEX's documented one, typo included (`ContentTransalted`), and the status
filter accepts VTEX's own spelling `sucess`. Authenticated with one of the account's VTEX
appKey/appToken pairs (what VTEX's integration screens hold) or the dashboard user.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp import web

from app.admin_auth import is_admin
from app.http_errors import ApiError
from app.web_keys import SELLER_LOG, SETTINGS, STORES
from domain.seller_log import STATUSES

STATUS_ALIASES = {"sucess": "success", "warning": "warning", "alert": "alert"}
# VTEX treats Warning and Alert as one severity.
EQUIVALENT = {"warning": ("warning", "alert"), "alert": ("warning", "alert")}


def parse_statuses(raw: str) -> list[str]:
    if raw.strip().lower() in ("", "all"):
        return []
    wanted: set[str] = set()
    for part in raw.split(","):
        name = STATUS_ALIASES.get(part.strip().lower(), part.strip().lower())
        if name not in STATUSES:
            raise ApiError(
                "invalid_status",
                field="status",
                detail=f"{part!r} is not one of all, {', '.join(STATUSES)}",
                details={"field": "status"},
            )
        wanted.update(EQUIVALENT.get(name, (name,)))
    return sorted(wanted)


def parse_day(raw: str | None) -> dt.date:
    if not raw:
        return dt.datetime.now(dt.UTC).date()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ApiError(
            "invalid_date",
            field="DateAt",
            detail=f"{raw!r} must be a date as YYYY-MM-DD",
            details={"field": "DateAt"},
        ) from None


def as_vtex_message(doc: dict[str, Any]) -> dict[str, str]:
    return {
        "id": str(doc["_id"]),
        "Operation": doc.get("Operation", ""),
        "Direction": doc.get("Direction", ""),
        "ContentSource": doc.get("ContentSource", ""),
        "ContentTransalted": doc.get("ContentTranslated", ""),
        "ContentDestination": doc.get("ContentDestination", ""),
        "BusinessMessage": doc.get("BusinessMessage", ""),
        "Status": doc.get("Status", ""),
    }


async def vtex_logs(request: web.Request) -> web.Response:
    account = request.match_info["account"].lower()
    day = parse_day(request.query.get("DateAt"))
    statuses = parse_statuses(request.query.get("status", "all"))
    stores = await request.app[STORES].by_account(account)
    if not is_admin(request, request.app[SETTINGS]):
        key = request.headers.get("X-VTEX-API-AppKey", "")
        token = request.headers.get("X-VTEX-API-AppToken", "")
        if not key or not token:
            raise ApiError("credentials_required")
        if not await request.app[STORES].by_vtex_credentials(key, token, account):
            raise ApiError("invalid_credentials")
    if not stores:
        raise ApiError("unknown_store", account=account)
    messages: list[dict[str, str]] = []
    for store in stores:
        docs = await request.app[SELLER_LOG].find(
            store_id=store.store_id, day=day, statuses=statuses, limit=5000
        )
        messages.extend(as_vtex_message(doc) for doc in docs)
    return web.json_response({"Messages": messages})
