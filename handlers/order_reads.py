"""Order items read in batches: one GetMultipleOrderItems for the orders a process wants at
once, instead of one GetOrderItems each (issue 13).

Every Seller Center call of a seller shares 30 requests per 3 s (CLARIFICATIONS §2), so the
calls per order bound how many orders per second reach VTEX: GetOrder + GetOrderItems is
2 calls (5 orders/s at most); with the items read in batches of up to 100 orders it is
little more than 1. Batching costs no waiting: a store has one batch call in flight at a
time, and the orders asked for meanwhile (while that call waits for its slot in the
window or for its answer) go together in the next one; an order asked for alone goes out
at once.

A batch refused as a whole for a reason that is not passing (E037: one of the ids is not
the seller's) falls back to one GetOrderItems per order, so one bad id fails alone.
Throttling and outages fail the batch's callers, whose messages retry as usual.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from clients.errors import PermanentError
from clients.linio.client import LinioClient
from clients.linio.models import OrderItem

MAX_ORDERS_PER_CALL = 100
"""GetMultipleOrderItems takes at most 100 order ids (E038 beyond)."""

_ALONE = object()  # the batch failed for a reason of one of its ids: read it alone


class OrderItemsReader:
    """`await reader.items(store_id, client, order_id)` → the order's items, read with the
    other orders of the same store asked for at the same time. One per process."""

    def __init__(self, max_batch: int = MAX_ORDERS_PER_CALL) -> None:
        self._max_batch = max_batch
        self._wanted: dict[str, dict[str, list[asyncio.Future[object]]]] = {}
        self._draining: dict[str, asyncio.Task[None]] = {}

    async def items(self, store_id: str, client: LinioClient, order_id: str) -> list[OrderItem]:
        future: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        self._wanted.setdefault(store_id, {}).setdefault(order_id, []).append(future)
        if store_id not in self._draining:
            self._draining[store_id] = asyncio.create_task(
                self._drain(store_id, client), name=f"order-items-{store_id}"
            )
        found = await future
        if found is _ALONE:
            return await client.get_order_items(order_id)
        return found  # type: ignore[return-value]

    async def _drain(self, store_id: str, client: LinioClient) -> None:
        try:
            wanted = self._wanted.setdefault(store_id, {})
            while wanted:
                ids = list(wanted)[: self._max_batch]
                waiters = {order_id: wanted.pop(order_id) for order_id in ids}
                await self._read(client, ids, waiters)
        finally:
            self._draining.pop(store_id, None)

    async def _read(
        self,
        client: LinioClient,
        ids: Sequence[str],
        waiters: dict[str, list[asyncio.Future[object]]],
    ) -> None:
        try:
            if len(ids) == 1:
                results: dict[str, object] = {ids[0]: await client.get_order_items(ids[0])}
            else:
                orders = await client.get_multiple_order_items(ids)
                results = {o.order_id: list(o.items) for o in orders}
        except PermanentError as exc:
            if len(ids) == 1:
                self._fail(waiters, exc)
            else:
                self._settle(waiters, dict.fromkeys(ids, _ALONE))
            return
        except asyncio.CancelledError:
            for futures in waiters.values():
                for future in futures:
                    future.cancel()
            raise
        except Exception as exc:  # throttled, outage: every caller sees it and retries
            self._fail(waiters, exc)
            return
        # An order Seller Center left out of the answer is read alone (it then tells why).
        self._settle(waiters, {i: results.get(i, _ALONE) for i in ids})

    @staticmethod
    def _settle(
        waiters: dict[str, list[asyncio.Future[object]]], results: dict[str, object]
    ) -> None:
        for order_id, futures in waiters.items():
            for future in futures:
                if not future.done():
                    future.set_result(results[order_id])

    @staticmethod
    def _fail(waiters: dict[str, list[asyncio.Future[object]]], exc: Exception) -> None:
        for futures in waiters.values():
            for future in futures:
                if not future.done():
                    future.set_exception(exc)
