"""What fault tests count on the Linio simulator and read from the overview API."""

from __future__ import annotations

import collections
from typing import Any

import aiohttp

from simulators.linio.server import LinioSimulator


def item_successes(linio: LinioSimulator, action: str) -> collections.Counter[str]:
    """Linio OrderItemId → successful `action` calls naming it (`OrderItemId` or
    `OrderItemIds`), counted as Seller Center received them."""
    counts: collections.Counter[str] = collections.Counter()
    for request in linio.requests:
        if request.action != action or request.status != 200:
            continue
        query = dict(request.query)
        ids = [query.get("OrderItemId", ""), *query.get("OrderItemIds", "").strip("[]").split(",")]
        for item_id in (i.strip().strip('"') for i in ids):
            if item_id:
                counts[item_id] += 1
    return counts


async def overview_card(base_url: str, admin: tuple[str, str], store_id: str) -> dict[str, Any]:
    """The store's card of the dashboard's overview API (orders per state, queues, dead
    letters); an empty card while the API cannot answer (503 during a broker outage)."""
    auth = {"Authorization": aiohttp.encode_basic_auth(*admin)}
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{base_url}/admin/api/overview", headers=auth) as response,
    ):
        if response.status != 200:
            return {"orders": {}, "queues": {}}
        body = await response.json()
    [card] = [c for c in body["stores"] if c["store_id"] == store_id]
    return card
