"""The order ledger against the real (embedded) database."""

from __future__ import annotations

import asyncio

from app.runtime import Runtime


async def test_simultaneous_first_sightings_make_one_order_and_each_gets_it(
    runtime: Runtime,
) -> None:
    """A webhook, the poller and a redelivery may see a new order at the same moment: one
    ledger entry, every caller gets the document (SecantusDB may answer such a racing
    upsert with nothing), every sighting is on its timeline."""
    ledger = runtime.ledger

    async def sighting(order: int, source: str) -> dict:
        return await ledger.seen(
            "acme-mx",
            f"linio-{order}",
            order_number=f"30{order}",
            statuses={"1": "pending"},
            paid=True,
            source=source,
            linio={"items": []},
        )

    for order in range(20):
        docs = await asyncio.gather(
            *(sighting(order, s) for s in ("webhook", "poll", "redelivery"))
        )
        assert all(doc["state"] == "received" for doc in docs)
        assert len({doc["_id"] for doc in docs}) == 1
        stored = await ledger.get("acme-mx", f"linio-{order}")
        assert stored is not None and len(stored["timeline"]) == 3
