"""Units Linio still reserves for orders VTEX already holds, read from the order ledger in
lots (CLARIFICATIONS §4, §9): the `reserved_units` input of `offer_quantity`.

VTEX's stock balance already lost the units of a Linio order placed in VTEX; while Linio still
reserves them (the item is `pending` there) its `Available` is `Quantity − ReservedStock`, so
they are added back to `Quantity` (`domain.catalog.quantity`). The ledger's own query
(`OrderLedger.reserved_on_linio`) reads a set of SellerSkus in one command per 50
(`app.storage.IN_CHUNK`); this module only decides how many SellerSkus go in one read:

- `units(store_id, seller_skus)`: the lot at hand, read now (price/stock batches,
  reconciliation's pages).
- `ask(store_id, seller_sku)`: for flows that evaluate one SKU per message (the catalog's
  first offer). The SellerSku joins the store's open lot at once, before the evaluation's
  VTEX reads; the lot is read when its first member needs the answer (after its reads) or
  when it holds `lot_size` SellerSkus, so the evaluations running together share one ledger
  read and none waits longer than its own read. A member answering later than `max_age`
  seconds after its lot was read reads again (with the open lot), so no answer is older
  than that.

An error of the ledger read (database down) is raised to every member of the lot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from app.storage import IN_CHUNK
from domain.orders.ledger import OrderLedger

Ask = Callable[[], Awaitable[int]]
"""The answer to `LinioReservations.ask`: awaiting it gives the SellerSku's reserved units."""


@dataclass
class _Lot:
    store_id: str
    seller_skus: set[str] = field(default_factory=set)
    read: asyncio.Task[dict[str, int]] | None = None
    read_at: float = 0.0


class LinioReservations:
    """SellerSku → whole units reserved on Linio for orders VTEX holds (module docstring)."""

    def __init__(
        self, ledger: OrderLedger, *, lot_size: int = IN_CHUNK, max_age: float = 1.0
    ) -> None:
        self._ledger = ledger
        self._lot_size = lot_size
        self._max_age = max_age
        self._open: dict[str, _Lot] = {}

    async def units(self, store_id: str, seller_skus: Iterable[str]) -> dict[str, int]:
        """SellerSku → reserved units for these SellerSkus (those without any left out)."""
        return await self._ledger.reserved_on_linio(store_id, seller_skus)

    def ask(self, store_id: str, seller_sku: str) -> Ask:
        """Join the store's open lot now; await the result when the units are needed."""
        lot = self._join(store_id, seller_sku)
        return partial(self._answer, lot, seller_sku)

    def _join(self, store_id: str, seller_sku: str) -> _Lot:
        lot = self._open.get(store_id)
        if lot is None:
            lot = self._open[store_id] = _Lot(store_id)
        lot.seller_skus.add(seller_sku)
        if len(lot.seller_skus) >= self._lot_size:
            self._read(lot)
        return lot

    def _read(self, lot: _Lot) -> asyncio.Task[dict[str, int]]:
        """Close the lot (later asks open another) and start its one ledger read."""
        if lot.read is None:
            if self._open.get(lot.store_id) is lot:
                del self._open[lot.store_id]
            loop = asyncio.get_running_loop()
            lot.read_at = loop.time()
            lot.read = loop.create_task(self.units(lot.store_id, sorted(lot.seller_skus)))
            lot.read.add_done_callback(_retrieve)
        return lot.read

    async def _answer(self, lot: _Lot, seller_sku: str) -> int:
        read = self._read(lot)
        if asyncio.get_running_loop().time() - lot.read_at > self._max_age:
            lot = self._join(lot.store_id, seller_sku)  # read long ago: read again
            read = self._read(lot)
        units = await asyncio.shield(read)  # one member cancelled never cancels the read
        return units.get(seller_sku, 0)


def _retrieve(task: asyncio.Task[dict[str, int]]) -> None:
    """A failed read whose members all gave up is not reported as never retrieved."""
    if not task.cancelled():
        task.exception()
