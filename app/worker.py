"""The worker role: one consumer per (context, store) queue, kept in step with the stores.

Queues per store mean one store's notification storm waits in its own queue while every
other store's consumers keep their own prefetch window: no store starves another. New
stores (imported, or configured from VTEX) are picked up by a periodic sync.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Mapping

import structlog

from app.broker import queue_name
from app.db_counts import PERIODIC, pipeline
from app.runtime import Runtime
from handlers.consumers import ConsumerFactory, ScheduleFactory

log = structlog.get_logger(__name__)

REPLAY_INTERVAL = 60.0  # seconds between looks for dead letters of passing faults
WATCH_INTERVAL = 5.0  # seconds between two rounds of the consumer watchdog


class Worker:
    def __init__(
        self,
        runtime: Runtime,
        consumers: Mapping[str, ConsumerFactory],
        *,
        schedules: Mapping[str, ScheduleFactory] | None = None,
        sync_interval: float = 5.0,
    ) -> None:
        self.runtime = runtime
        self._schedules = [factory(**runtime.resources()) for factory in (schedules or {}).values()]
        self._handlers = {
            context: factory(**runtime.resources()) for context, factory in consumers.items()
        }
        self._sync_interval = sync_interval
        self._consuming: set[str] = set()
        self._task: asyncio.Task[None] | None = None
        self._watch: asyncio.Task[None] | None = None

    @property
    def queues(self) -> set[str]:
        return set(self._consuming)

    async def sync(self) -> None:
        """Start consuming the queues of every store not yet consumed."""
        for store_id in await self.runtime.stores.ids():
            for context, handler in self._handlers.items():
                name = queue_name(context, store_id)
                if name not in self._consuming:
                    # A handler may ask for its own prefetch (the feed owner: 1).
                    prefetch = getattr(handler, "prefetch", None)
                    await self.runtime.broker.consume(name, handler, prefetch=prefetch)
                    self._consuming.add(name)
                    log.info("consuming", queue=name)

    async def start(self) -> None:
        await self.sync()
        for schedule in self._schedules:
            schedule.start()
        with pipeline(PERIODIC):  # time-driven: counted apart (`app.db_counts`)
            self._task = asyncio.create_task(self._sync_forever(), name="worker-sync")
            self._watch = asyncio.create_task(self._watch_forever(), name="worker-watchdog")

    async def watch(self) -> list[str]:
        """One round of the watchdog: consumers the broker stopped delivering to are started
        again (`Broker.ensure_consumers`), then this process's heartbeats are written
        (`app.broker.heartbeats`). Returns the queues restored."""
        restored = await self.runtime.broker.ensure_consumers()
        await self.runtime.heartbeats.beat(self.runtime.broker.activity)
        return restored

    async def _watch_forever(self) -> None:
        while True:
            await asyncio.sleep(WATCH_INTERVAL)
            try:
                await self.watch()
            except Exception as exc:  # a broker or DB hiccup must not kill the watchdog
                log.warning("worker_watch_failed", error=str(exc)[:200])

    async def _sync_forever(self) -> None:
        last_replay = 0.0
        while True:
            await asyncio.sleep(self._sync_interval)
            try:
                await self.sync()
                if time.monotonic() - last_replay >= REPLAY_INTERVAL:
                    last_replay = time.monotonic()
                    replayed = await self.runtime.dead_letters.replay_passing_faults(
                        self.runtime.broker
                    )
                    if replayed:
                        log.info("dead_letters_replayed", messages=len(replayed))
            except Exception as exc:  # a broker or DB hiccup must not kill the worker
                log.warning("worker_sync_failed", error=str(exc))

    async def stop(self) -> None:
        for schedule in self._schedules:
            await schedule.stop()
        for task in (self._task, self._watch):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        for name in list(self._consuming):
            await self.runtime.broker.stop_consuming(name)
        self._consuming.clear()
        with contextlib.suppress(Exception):  # detached, as the web process should know
            await self.runtime.heartbeats.beat(self.runtime.broker.activity)
