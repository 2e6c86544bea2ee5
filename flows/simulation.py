"""VTEX's fulfillment simulation of a lot of SKUs (CLARIFICATIONS §9).

`simulate_lot` asks for the store's destination (`Store.simulation_destination`: without one
VTEX answers no SLA) in batches of at most `batch` items, the batches concurrent. An error of
a batch is its SKUs' alone: the rest of the lot goes on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from app.client_pool import ClientPool
from clients.vtex import SimulationItem
from clients.vtex.models import SimulatedItem
from domain.stores import Store

SIMULATION_BATCH = 50
"""Items per simulation call (CLARIFICATIONS §9: at most 50)."""


async def simulate_lot(
    clients: ClientPool, store: Store, sku_ids: Sequence[str], *, batch: int = SIMULATION_BATCH
) -> dict[str, SimulatedItem | Exception]:
    """sku_id → its simulated item, or the error of its batch; a SKU VTEX left out of its
    answer is absent (A1). `batch`: 1 to 50 items per call."""
    if not 1 <= batch <= SIMULATION_BATCH:
        raise ValueError(f"batch must be within 1..{SIMULATION_BATCH}, not {batch}")
    vtex = clients.vtex(store)
    postal, country = store.simulation_destination()
    unique = list(dict.fromkeys(sku_ids))
    batches = [unique[i : i + batch] for i in range(0, len(unique), batch)]

    async def one(part: list[str]) -> dict[str, SimulatedItem | Exception]:
        try:
            simulation = await vtex.simulate(
                [SimulationItem(s, 1, store.vtex_seller_id) for s in part],
                sales_channel=store.sales_channel,
                affiliate_id=store.affiliate_id,
                postal_code=postal,
                country=country,
            )
        except Exception as exc:  # the batch's SKUs fail alone, the lot goes on
            return dict.fromkeys(part, exc)
        return {s: simulation.items[s] for s in part if s in simulation.items}

    answers: dict[str, SimulatedItem | Exception] = {}
    for found in await asyncio.gather(*(one(b) for b in batches)):
        answers.update(found)
    return answers
