"""One poison record fails alone: the pending marks of the rest of its batch are written.

The parsers now refuse text BSON cannot hold, so the poison is built directly (the kind of
fault: any record the bulk write refuses, whatever the reason).
"""

from __future__ import annotations

import asyncio

from app.runtime import Runtime
from app.storage import SKU_STATES
from clients.vtex.inbound import CatalogNotification


def _note(sku: int, date: str = "2024-05-02T13:10:00Z") -> CatalogNotification:
    return CatalogNotification(
        sku_id=str(sku), account="acme", affiliate_id="LMX", date_modified=date,
        stock_modified=True,
    )  # fmt: skip


async def test_a_poison_notification_does_not_wipe_its_batch(runtime: Runtime) -> None:
    notes = [_note(sku) for sku in range(1, 301)]
    notes.insert(150, _note(999, date="x\ud800"))  # UnicodeEncodeError in BSON
    outcomes = await asyncio.gather(*(runtime.intake.submit("acme-mx", n) for n in notes))
    assert len(outcomes) == 301
    await asyncio.wait_for(runtime.intake.flush(), timeout=60)
    marked = await runtime.storage.db[SKU_STATES].count_documents(
        {"store_id": "acme-mx", "status": "pending"}
    )
    assert marked == 300
    assert await runtime.sku_states.get("acme-mx", "999") is None
