"""`/admin/dead-letters`: what failed for good, why (the catalogue's explanation of its
failure kind) and what to do; replay one, or every dead letter of a filter
(`DeadLetters.replay`: published again with a fresh attempt budget)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from app.admin_auth import action, page
from app.broker import CONTEXTS
from app.broker.dead_letters import DeadLetterNotFound
from app.http_errors import ApiError
from app.web_keys import BROKER, DEAD_LETTERS
from domain.dashboard import DeadLetterFilter
from domain.errors.platform import dead_letter_code
from handlers.admin.common import flash, reader, render, store_ids, url

REPLAY_CAP = 1000


def explanation(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The catalogue code and parameters that explain this dead letter to the seller."""
    headers = doc.get("headers") or {}
    code = dead_letter_code(
        str(headers.get("x-failure-kind", "bug")),
        headers.get("x-platform"),
        headers.get("x-error-code"),
    )
    return {
        "code": code,
        "params": {"store": doc.get("store_id", ""), "detail": str(doc.get("reason", ""))[:500]},
    }


@page
async def dead_letters_page(request: web.Request) -> web.Response:
    flt = DeadLetterFilter.from_query(request.query)
    docs = await reader(request).dead_letters(flt)
    return await render(
        request,
        "dead_letters.html",
        flt=flt,
        filter_query=flt.as_query(),
        rows=[{"doc": doc, **explanation(doc)} for doc in docs],
        stores=await store_ids(request),
        contexts=CONTEXTS,
    )


@action
async def dead_letters_replay(request: web.Request) -> web.StreamResponse:
    """`message_id` given: replay that one; else every dead letter of the form's filter."""
    form = await request.post()
    flt = DeadLetterFilter.from_query({k: str(v) for k, v in form.items()})
    broker, dead = request.app[BROKER], request.app[DEAD_LETTERS]
    message_id = str(form.get("message_id", ""))
    if message_id:
        try:
            await dead.replay(message_id, broker)
        except DeadLetterNotFound:
            raise ApiError("unknown_dead_letter", message_id=message_id) from None
        replayed = 1
    else:
        replayed = 0
        for doc in await reader(request).dead_letters(flt, limit=REPLAY_CAP):
            try:
                await dead.replay(doc["message_id"], broker)
            except DeadLetterNotFound:  # replayed meanwhile by someone else
                continue
            replayed += 1
    await flash(request, key="dead.replayed", count=replayed)
    raise web.HTTPFound(url("/admin/dead-letters", flt.as_query()))
