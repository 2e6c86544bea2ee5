"""The in-process broker: the embedded default when AMQP_URL is unset.

Same contract as RabbitMQ: per-queue consumers (so one store's backlog never blocks another
store's queue), growing retry delays, dead letters after `max_attempts`. Messages are
journaled (`app.broker.journal`: SQLite under DATA_DIR) until acknowledged, so a restart
of the process loses nothing: on start the journal is replayed into the queues. A publish
returns once its message is durable.

Settlements are written in batches (`ACK_FLUSH_SECONDS`, one transaction for every
acknowledgement and counted retry of the interval); a crash in between redelivers those
few already-done messages, which at-least-once delivery allows (every handler is
idempotent), or gives a retried message back the attempt it just used; stopping flushes
them. A wait (throttled, breaker open, another process holds the work) is not journaled at
all: it uses no attempt, so after a crash the message is simply tried again at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Sequence
from typing import Any

import structlog
from pymongo.asynchronous.collection import AsyncCollection

from app.broker.base import (
    Broker,
    DeadLetterSink,
    Handler,
    Message,
    QueueStats,
    RetryPolicy,
    decide,
    delivering,
    failure_headers,
    log_decision,
)
from app.broker.journal import Entry, Journal

log = structlog.get_logger(__name__)

LEGACY_JOURNAL = "broker_journal"
"""The MongoDB collection that journaled messages before version 2026-12; adopted into the
SQLite journal (then dropped) on the first start."""
ACK_FLUSH_SECONDS = 0.05


class InProcessBroker(Broker):
    kind = "in-process"

    def __init__(
        self,
        *,
        policy: RetryPolicy,
        dead_letter_sink: DeadLetterSink,
        journal: Journal,
        legacy_journal: AsyncCollection | None = None,
        prefetch: int = 50,
    ) -> None:
        super().__init__()
        self.policy = policy
        self._sink = dead_letter_sink
        self._journal = journal
        self._legacy = legacy_journal
        self._prefetch = prefetch
        self._queues: dict[str, asyncio.Queue[Message]] = {}
        self._workers: dict[str, list[asyncio.Task[None]]] = {}
        self._delivering: set[asyncio.Task[Any]] = set()  # workers with a message in hand
        self._stopping: set[str] = set()
        self._timers: set[asyncio.TimerHandle] = set()
        self._waiting: dict[str, str] = {}  # dedupe key -> id of the undelivered message
        self._acked: dict[str, None] = {}  # ids done, still in the journal (ordered set)
        self._retried: dict[str, Entry] = {}  # counted retries not yet journaled, by id
        self._ack_flush: asyncio.Task[None] | None = None
        self._started = False

    def _queue(self, name: str) -> asyncio.Queue[Message]:
        if name not in self._queues:
            self._queues[name] = asyncio.Queue()
        return self._queues[name]

    async def start(self) -> None:
        if self._started:
            return
        await self._journal.open()
        await self._adopt_legacy()
        now = time.time()
        entries = await self._journal.entries()
        for entry in entries:
            message = Message(
                id=entry.id,
                queue=entry.queue,
                body=entry.body,
                attempt=entry.attempt,
                headers=entry.headers,
            )
            key = message.headers.get("x-dedupe")
            if key and message.attempt == 1:
                self._waiting[key] = message.id
            self._enqueue(message, max(0.0, entry.available_at - now))
        self._started = True
        if entries:
            log.info("broker_journal_restored", messages=len(entries))

    async def _adopt_legacy(self) -> None:
        """Move what an older version left in the MongoDB journal into this one, then drop
        that collection (a crash in between adopts the same messages again: same ids)."""
        if self._legacy is None:
            return
        entries = [
            Entry(
                id=doc["_id"],
                queue=doc["queue"],
                body=doc["body"],
                attempt=doc.get("attempt", 1),
                headers=doc.get("headers", {}),
                available_at=doc.get("available_at", time.time()),
            )
            async for doc in self._legacy.find({}).sort("seq", 1)
        ]
        await self._journal.put(entries)
        await self._legacy.drop()
        if entries:
            log.info("broker_journal_adopted", messages=len(entries))

    async def close(self) -> None:
        for name in list(self._workers):
            await self.stop_consuming(name)
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        await self.flush_acks()
        await self._journal.close()
        self._started = False

    async def publish(
        self,
        queue: str,
        body: dict[str, Any],
        *,
        message_id: str | None = None,
        headers: dict[str, Any] | None = None,
    ) -> str:
        message = Message(
            id=message_id or uuid.uuid4().hex, queue=queue, body=body, headers=dict(headers or {})
        )
        self._acked.pop(message.id, None)  # the id published again: not to be deleted
        self._retried.pop(message.id, None)
        await self._journal.put([_entry(message, time.time())])
        self._enqueue(message, 0.0)
        return message.id

    async def publish_many(
        self,
        items: Sequence[tuple[str, dict[str, Any]]],
        *,
        dedupe_keys: Sequence[str | None] | None = None,
    ) -> list[str | None]:
        keys = list(dedupe_keys) if dedupe_keys is not None else [None] * len(items)
        result: list[str | None] = []
        messages: list[Message] = []
        for (queue, body), key in zip(items, keys, strict=True):
            if key is not None and key in self._waiting:
                result.append(None)
                continue
            message = Message(
                id=uuid.uuid4().hex,
                queue=queue,
                body=body,
                headers={"x-dedupe": key} if key else {},
            )
            if key is not None:
                self._waiting[key] = message.id
            messages.append(message)
            result.append(message.id)
        if messages:
            now = time.time()
            try:
                await self._journal.put([_entry(m, now) for m in messages])
            except Exception:
                for m in messages:
                    self._waiting.pop(m.headers.get("x-dedupe", ""), None)
                raise
        for message in messages:
            self._enqueue(message, 0.0)
        return result

    def _enqueue(self, message: Message, delay: float) -> None:
        queue = self._queue(message.queue)
        if delay <= 0:
            queue.put_nowait(message)
            return
        loop = asyncio.get_running_loop()
        timer: asyncio.TimerHandle

        def _due() -> None:
            self._timers.discard(timer)
            queue.put_nowait(message)

        timer = loop.call_later(delay, _due)
        self._timers.add(timer)

    async def consume(self, queue: str, handler: Handler, *, prefetch: int | None = None) -> None:
        if queue in self._workers:
            return
        count = prefetch or self._prefetch
        self._activity(queue).attached = True
        self._workers[queue] = [
            asyncio.create_task(self._work(queue, handler), name=f"consume:{queue}:{i}")
            for i in range(count)
        ]

    async def stop_consuming(self, queue: str) -> None:
        """Stop taking messages from `queue`, let the ones in hand finish (up to
        `drain_timeout` seconds; the rest are cancelled and go back to the queue), as the
        RabbitMQ broker does."""
        tasks = self._workers.pop(queue, [])
        self._activity(queue).attached = False
        self._stopping.add(queue)
        try:
            idle = [task for task in tasks if task not in self._delivering]
            for task in idle:
                task.cancel()
            busy = [task for task in tasks if task in self._delivering]
            if busy:
                _, unfinished = await asyncio.wait(busy, timeout=self.drain_timeout)
                for task in unfinished:
                    task.cancel()
                if unfinished:
                    log.warning("consumer_drain_cut", queue=queue, requeued=len(unfinished))
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        finally:
            self._stopping.discard(queue)

    async def _work(self, name: str, handler: Handler) -> None:
        queue = self._queue(name)
        activity = self._activity(name)
        me = asyncio.current_task()
        while name not in self._stopping:
            message = await queue.get()
            key = message.headers.get("x-dedupe")
            if key and self._waiting.get(key) == message.id:
                del self._waiting[key]
            self._delivering.add(me)
            activity.took()
            message.progress = activity.progressed
            try:
                await self._deliver(message, handler)
                activity.settled_one()
            except asyncio.CancelledError:
                activity.dropped()
                queue.put_nowait(message)  # not acknowledged: it stays for the next consumer
                raise
            except Exception as exc:  # the journal write failed: keep the message, try later
                activity.dropped()
                log.warning("message_settle_failed", queue=name, id=message.id, error=str(exc))
                self._enqueue(message, self.policy.delay(message.attempt))
            finally:
                self._delivering.discard(me)

    async def _deliver(self, message: Message, handler: Handler) -> None:
        with delivering(message.queue):
            try:
                await handler(message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                await self._settle_failure(message, exc)
            else:
                await self._ack(message)

    async def _ack(self, message: Message) -> None:
        self._retried.pop(message.id, None)
        self._acked[message.id] = None
        self._flush_later()

    def _flush_later(self) -> None:
        if self._ack_flush is None or self._ack_flush.done():
            self._ack_flush = asyncio.create_task(self._flush_soon(), name="broker-ack-flush")

    async def _flush_soon(self) -> None:
        await asyncio.sleep(ACK_FLUSH_SECONDS)
        await self.flush_acks()

    async def flush_acks(self) -> None:
        """Journal the settlements now: delete the acknowledged messages, keep the counted
        retries' attempt and due time. A failed write keeps them for the next flush (until
        then a restart would redeliver them, or give back the attempt)."""
        while self._acked or self._retried:
            ids, retried = list(self._acked), dict(self._retried)
            try:
                await self._journal.settle(retried.values(), ids)
            except Exception as exc:  # the disk refused: the next settlement flushes again
                log.warning("broker_ack_flush_failed", messages=len(ids), error=str(exc))
                return
            for done in ids:
                self._acked.pop(done, None)
            for message_id, entry in retried.items():
                if self._retried.get(message_id) is entry:
                    del self._retried[message_id]

    async def _settle_failure(self, message: Message, exc: BaseException) -> None:
        decision = decide(message, exc, self.policy)
        headers = {**message.headers, **failure_headers(message, decision)}
        if decision.action == "dead":
            log_decision(message, decision, exc, attempt=message.attempt)
            message.headers = headers
            await self._sink(message, decision.reason)
            await self._ack(message)
            return
        retry = Message(
            id=message.id,
            queue=message.queue,
            body=message.body,
            attempt=message.attempt + 1 if decision.counts else message.attempt,
            headers=headers,
        )
        log_decision(message, decision, exc, attempt=retry.attempt)
        if decision.counts:  # a wait is not journaled (see the module's docstring)
            self._retried[message.id] = _entry(retry, time.time() + decision.delay)
            self._flush_later()
        self._enqueue(retry, decision.delay)

    async def depth(self, queue: str) -> int:
        return self._queue(queue).qsize()

    async def queue_stats(self, queue: str) -> QueueStats:
        """Waiting messages, and 1 consumer while this process consumes the queue (the
        in-process broker has no other)."""
        return QueueStats(waiting=self._queue(queue).qsize(), consumers=int(queue in self._workers))

    async def oldest_at(self, queue: str) -> str | None:
        waiting = self._queues.get(queue)
        if waiting is None or waiting.empty():
            return None
        head = waiting._queue[0]  # type: ignore[attr-defined]  # asyncio.Queue has no peek
        at = head.body.get("at") if isinstance(head.body, dict) else None
        return str(at) if at else None

    async def ping(self) -> dict[str, Any]:
        return {"ok": self._started, "kind": self.kind, "queues": len(self._queues)}


def _entry(message: Message, available_at: float) -> Entry:
    return Entry(
        id=message.id,
        queue=message.queue,
        body=message.body,
        attempt=message.attempt,
        headers=message.headers,
        available_at=available_at,
    )
