"""Group commit for catalog notifications.

Each request hands its notification to the intake and waits; one background task takes
everything that arrived meanwhile and publishes it in one go (a persistent, confirmed
message is the durable record of the notification), then answers every waiting request.
Under a storm batches grow by themselves, so the broker and the database see a few large
operations instead of thousands of small ones.

Coalescing here is only ever safe: a notification is dropped when an identical message
(same store, SKU and queue) is still waiting undelivered, because the consumer has not read
VTEX yet and will see the newer change too. Marking SKUs pending for the dashboard happens
after the answer, merged per SKU, in small chunks (a mark costs the embedded database about
1 ms per SKU, and a large bulk would hold the next batch's journal write behind it). A
notification whose every message was coalesced finds its SKU already pending: its mark (the
count and the latest notification) is merged in memory and written at most every
`LAZY_MARK_SECONDS`, so a storm of repeats costs the database nothing per request
(bench/REPORT.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from dataclasses import dataclass, field

import structlog

from app.broker import Broker, queue_name
from clients.vtex.inbound import CatalogNotification
from domain.catalog.states import SkuStates, work_for

log = structlog.get_logger(__name__)

MAX_BATCH = 1000
MARK_CHUNK = 20
LAZY_MARK_SECONDS = 5.0

# (store, last notification, received at, count) per (store, SKU)
Note = tuple[str, CatalogNotification, dt.datetime, int]
MARK_ATTEMPTS = 5


@dataclass
class Intake:
    """What happened to one notification."""

    queued: list[str] = field(default_factory=list)
    coalesced: list[str] = field(default_factory=list)


@dataclass
class _Pending:
    store_id: str
    notification: CatalogNotification
    received_at: dt.datetime
    future: asyncio.Future[Intake]


class IntakeUnavailable(RuntimeError):
    """Queueing failed; the caller answers 503 so VTEX retries."""


class NotificationIntake:
    def __init__(self, states: SkuStates, broker: Broker) -> None:
        self._states = states
        self._broker = broker
        self._pending: list[_Pending] = []
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        # SKU -> (store, last notification, received at, count), written in the background
        self._to_mark: dict[tuple[str, str], Note] = {}
        # the same for notifications that were entirely coalesced: written every few seconds
        self._lazy_marks: dict[tuple[str, str], Note] = {}
        self._lazy_since = time.monotonic()
        self._lazy_due = asyncio.Event()
        self._marker: asyncio.Task[None] | None = None

    async def submit(self, store_id: str, notification: CatalogNotification) -> Intake:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="notification-intake")
        future: asyncio.Future[Intake] = asyncio.get_running_loop().create_future()
        self._pending.append(_Pending(store_id, notification, dt.datetime.now(dt.UTC), future))
        self._wakeup.set()
        return await future

    async def flush(self) -> None:
        """Wait until every accepted notification is also marked pending (tests, shutdown)."""
        while (
            self._pending
            or self._to_mark
            or self._lazy_marks
            or (self._marker and not self._marker.done())
        ):
            self._promote_lazy_marks()
            if self._marker is not None and not self._marker.done():
                await asyncio.wait({self._marker})
            elif self._to_mark:
                self._start_marker()
            else:
                await asyncio.sleep(0.005)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.flush(), timeout=10)
        for task in (self._task, self._marker):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        for item in self._pending:
            if not item.future.done():
                item.future.set_exception(IntakeUnavailable("the service is shutting down"))
        self._pending.clear()

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._pending:
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                await self._process(batch)

    async def _process(self, batch: list[_Pending]) -> None:
        items: list[tuple[str, dict[str, object]]] = []
        keys: list[str] = []
        owners: list[tuple[int, str]] = []  # (batch index, context) per message
        for index, pending in enumerate(batch):
            at = pending.received_at.isoformat()
            for work in work_for(pending.store_id, pending.notification, at):
                queue = queue_name(work.queue_context, pending.store_id)
                items.append((queue, work.to_body()))
                keys.append(work.dedupe_key() or "")
                owners.append((index, work.queue_context))
        try:
            ids = await self._broker.publish_many(items, dedupe_keys=keys)
        except Exception as exc:
            log.warning("notification_publish_failed", error=str(exc), batch=len(batch))
            for pending in batch:
                if not pending.future.done():
                    pending.future.set_exception(
                        IntakeUnavailable("the notification could not be queued")
                    )
            return
        outcomes = [Intake() for _ in batch]
        for (index, context), message_id in zip(owners, ids, strict=True):
            target = outcomes[index].queued if message_id else outcomes[index].coalesced
            target.append(context)
        for pending, outcome in zip(batch, outcomes, strict=True):
            key = (pending.store_id, pending.notification.sku_id)
            note = (pending.store_id, pending.notification, pending.received_at, 1)
            lazy = bool(outcome.coalesced) and not outcome.queued
            _merge(self._lazy_marks if lazy else self._to_mark, key, note)
            if not pending.future.done():
                pending.future.set_result(outcome)
        if time.monotonic() - self._lazy_since >= LAZY_MARK_SECONDS:
            self._promote_lazy_marks()
        self._start_marker()

    def _promote_lazy_marks(self) -> None:
        for key, note in self._lazy_marks.items():
            _merge(self._to_mark, key, note)
        self._lazy_marks.clear()
        self._lazy_since = time.monotonic()
        self._lazy_due.set()

    def _start_marker(self) -> None:
        wanted = self._to_mark or self._lazy_marks
        if wanted and (self._marker is None or self._marker.done()):
            self._marker = asyncio.create_task(self._mark(), name="mark-pending")

    async def _mark(self) -> None:
        """Write pending marks in chunks. A chunk that fails is retried one SKU at a time,
        so one poison record fails alone: only a SKU whose own write failed MARK_ATTEMPTS
        times is dropped (its message is durable; the consumer still processes it)."""
        while True:
            await self._mark_now()
            if not self._lazy_marks:
                return
            self._lazy_due.clear()
            wait = LAZY_MARK_SECONDS - (time.monotonic() - self._lazy_since)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lazy_due.wait(), timeout=max(0.0, wait))
            self._promote_lazy_marks()

    async def _mark_now(self) -> None:
        failures: dict[tuple[str, str], int] = {}
        while self._to_mark:
            # Small chunks, so the next batch's publish is never stuck behind a big write.
            keys = list(self._to_mark)[:MARK_CHUNK]
            notes = {k: self._to_mark.pop(k) for k in keys}
            try:
                await self._states.mark_pending(list(notes.values()))
                continue
            except Exception as exc:  # the messages are durable; the view must still converge
                log.warning("mark_pending_failed", error=str(exc)[:200], skus=len(notes))
            for key, note in notes.items():
                try:
                    await self._states.mark_pending([note])
                except Exception as exc:
                    failures[key] = failures.get(key, 0) + 1
                    if failures[key] >= MARK_ATTEMPTS:
                        log.error(
                            "mark_pending_dropped",
                            store=key[0],
                            sku=key[1],
                            error=str(exc)[:200],
                            attempts=failures[key],
                        )
                        continue
                    _merge(self._to_mark, key, note, newer=False)  # keep newer notes
            if self._to_mark:
                await asyncio.sleep(0.05 * max(failures.values(), default=1))


def _merge(
    marks: dict[tuple[str, str], Note], key: tuple[str, str], note: Note, *, newer: bool = True
) -> None:
    """Add `note` to the SKU's mark: counts add up, the latest notification wins (`note` is
    the newer one unless `newer` is False)."""
    held = marks.get(key)
    if held is None:
        marks[key] = note
        return
    latest = note if newer else held
    marks[key] = (latest[0], latest[1], latest[2], held[3] + note[3])
