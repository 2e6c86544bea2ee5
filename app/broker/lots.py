"""Messages merged into lots on the consumer's side (CLARIFICATIONS §9).

A consumer holds up to its prefetch of messages at once. `LotGatherer` lets the messages
that arrive together be handled as one lot: each message joins the open lot of its key (a
store and an action, say); the lot closes when it holds `max_items` items (SKU ids) or
`max_wait` seconds after its first message, and runs once for all its messages. Each
message's handler returns, or raises, with its own outcome: the broker acknowledges,
retries or dead-letters each message as before, so nothing about delivery changes.

    gather = LotGatherer(run_lot, max_items=500, max_wait=0.3)
    await gather.submit(("acme-mx", "upsert"), message, items=len(sku_ids))

`run_lot(messages)` returns message id → the error of that message (absent: done); an error
it raises is every message's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass, field

from app.broker.base import Message

RunLot = Callable[[list[Message]], Awaitable[Mapping[str, BaseException]]]


@dataclass
class _Lot:
    messages: list[Message] = field(default_factory=list)
    outcomes: list[asyncio.Future[None]] = field(default_factory=list)
    items: int = 0
    timer: asyncio.TimerHandle | None = None


class LotGatherer:
    """See the module docstring."""

    def __init__(
        self,
        run_lot: RunLot,
        *,
        max_items: int = 500,
        max_wait: float = 0.3,
        max_running: int = 4,
    ) -> None:
        """`max_running`: lots run at once; the others wait their turn, their messages held
        (a consumer's prefetch bounds how many messages it holds, not how many lots)."""
        self._run_lot = run_lot
        self._max_items = max_items
        self._max_wait = max_wait
        self._turns = asyncio.Semaphore(max_running)
        self._open: dict[Hashable, _Lot] = {}
        self._running: set[asyncio.Task[None]] = set()

    async def submit(self, key: Hashable, message: Message, *, items: int = 1) -> None:
        """Join `message` (carrying `items` items) to the open lot of `key`; return when the
        lot ran, or raise the message's own error."""
        loop = asyncio.get_running_loop()
        lot = self._open.get(key)
        if lot is not None and lot.items + items > self._max_items:
            self._close(key, lot)
            lot = None
        if lot is None:
            lot = self._open[key] = _Lot()
            lot.timer = loop.call_later(self._max_wait, self._close, key, lot)
        outcome: asyncio.Future[None] = loop.create_future()
        outcome.add_done_callback(_retrieved)
        lot.messages.append(message)
        lot.outcomes.append(outcome)
        lot.items += items
        if lot.items >= self._max_items:
            self._close(key, lot)
        # The lot runs to its end even if this message's handler is cancelled (a consumer
        # stopped): the other messages of the lot still wait for it.
        await asyncio.shield(outcome)

    def _close(self, key: Hashable, lot: _Lot) -> None:
        if self._open.get(key) is lot:
            del self._open[key]
        if lot.timer is not None:
            lot.timer.cancel()
            lot.timer = None
        task = asyncio.get_running_loop().create_task(self._run(lot))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, lot: _Lot) -> None:
        try:
            async with self._turns:
                errors = await self._run_lot(lot.messages)
        except BaseException as exc:  # every message's error (cancelled: theirs too)
            for outcome in lot.outcomes:
                if not outcome.done():
                    outcome.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for message, outcome in zip(lot.messages, lot.outcomes, strict=True):
            if outcome.done():
                continue
            error = errors.get(message.id)
            if error is None:
                outcome.set_result(None)
            else:
                outcome.set_exception(error)


def _retrieved(outcome: asyncio.Future[None]) -> None:
    """An outcome whose handler gave up (cancelled) is not reported as never retrieved."""
    if not outcome.cancelled():
        outcome.exception()
