"""Stalled queues are never silent (issue 23): one check read by the log, /ready, the
overview and /metrics.

A queue is:

- `unattended` when messages wait and no consumer of any process is attached to it (a
  worker that could not come back after a broker fault, or no worker running);
- `stalled` when messages wait, the oldest has waited longer than `QUEUE_STALL_SECONDS`,
  and no consumer has made progress on it for as long (acknowledged a message, or said
  that the message it holds is still being worked on: `Message.progress`);
- `ok` otherwise (an empty queue is always ok).

The web process runs `QueueMonitor` every few seconds: it reads every store's queues from
the broker (`Broker.queue_stats`: waiting messages, consumers) and the consumers'
heartbeats (`app.broker.heartbeats`), logs `queue_stalled` / `queue_unattended` (warning)
when a queue turns bad and `queue_recovered` when it is good again, and keeps the last
result for /ready, the overview and /metrics, so none of them asks the broker itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

import structlog

from app.broker.base import Broker
from app.broker.heartbeats import ConsumerHeartbeats
from app.broker.names import OnQueue

log = structlog.get_logger(__name__)

QueueState = Literal["ok", "stalled", "unattended", "unknown"]
CHECK_INTERVAL = 5.0  # seconds between two checks


@dataclass(frozen=True)
class QueueHealth(OnQueue):
    """One queue at one check. Ages in seconds (None: unknown or nothing to measure):
    `waited_s`, how long the oldest waiting message has waited; `idle_s`, since a consumer
    last made progress on this queue (None: never)."""

    queue: str
    state: QueueState
    waiting: int | None
    consumers: int | None
    waited_s: float | None = None
    idle_s: float | None = None

    @property
    def bad(self) -> bool:
        return self.state in ("stalled", "unattended")


def judge(
    queue: str,
    waiting: int | None,
    consumers: int | None,
    waited_s: float | None,
    idle_s: float | None,
    stall_seconds: float,
) -> QueueHealth:
    """The state of one queue from its counts and ages (see the module docstring)."""
    if waiting is None:
        state: QueueState = "unknown"
    elif waiting == 0:
        state = "ok"
    elif consumers == 0:
        state = "unattended"
    elif (waited_s or 0.0) > stall_seconds and (idle_s is None or idle_s > stall_seconds):
        state = "stalled"
    else:
        state = "ok"
    return QueueHealth(queue, state, waiting, consumers, waited_s, idle_s)


class QueueMonitor:
    """Checks every queue that `queues()` names; see the module docstring."""

    def __init__(
        self,
        broker: Broker,
        heartbeats: ConsumerHeartbeats,
        queues: Callable[[], Awaitable[list[str]]],
        *,
        stall_seconds: float,
        interval: float = CHECK_INTERVAL,
    ) -> None:
        self.broker = broker
        self.heartbeats = heartbeats
        self.queues = queues
        self.stall_seconds = stall_seconds
        self.interval = interval
        self.last: list[QueueHealth] = []
        self.checked_at: float | None = None  # time.monotonic() of the last check
        self._first_waiting: dict[str, float] = {}  # queue -> when first seen non-empty
        self._bad: dict[str, QueueState] = {}
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def _oldest_wait(self, queue: str, now: dt.datetime) -> float | None:
        try:
            at = await asyncio.wait_for(self.broker.oldest_at(queue), 3)
        except Exception:  # a broker away: the first time seen waiting stands in
            return None
        if not at:
            return None
        try:
            since = dt.datetime.fromisoformat(at)
        except ValueError:
            return None
        if since.tzinfo is None:
            since = since.replace(tzinfo=dt.UTC)
        return max(0.0, (now - since).total_seconds())

    async def check(self) -> list[QueueHealth]:
        """Check every queue now, log what turned bad or good, keep the result."""
        async with self._lock:
            names = await self.queues()
            stats = await asyncio.gather(
                *(asyncio.wait_for(self.broker.queue_stats(q), 5) for q in names),
                return_exceptions=True,
            )
            progress = await self.heartbeats.last_progress(names)
            now, mono = dt.datetime.now(dt.UTC), time.monotonic()
            result = []
            for queue, stat in zip(names, stats, strict=True):
                if isinstance(stat, BaseException):
                    result.append(QueueHealth(queue, "unknown", None, None))
                    continue
                waiting = stat.waiting or 0
                if not waiting:
                    self._first_waiting.pop(queue, None)
                    result.append(QueueHealth(queue, "ok", 0, stat.consumers))
                    continue
                first = self._first_waiting.setdefault(queue, mono)
                last = progress.get(queue)
                idle_s = (now - last).total_seconds() if last is not None else None
                waited_s = mono - first
                if idle_s is None or idle_s > self.stall_seconds:
                    # Only a queue that may be stalled is peeked at (a get and a requeue).
                    waited_s = max(waited_s, await self._oldest_wait(queue, now) or 0.0)
                result.append(
                    judge(queue, waiting, stat.consumers, waited_s, idle_s, self.stall_seconds)
                )
            self._report(result)
            self.last, self.checked_at = result, time.monotonic()
            return result

    def _report(self, result: list[QueueHealth]) -> None:
        for health in result:
            before = self._bad.get(health.queue)
            if health.bad and before != health.state:
                log.warning(
                    f"queue_{health.state}",
                    queue=health.queue,
                    waiting=health.waiting,
                    consumers=health.consumers,
                    waited_s=_round(health.waited_s),
                    idle_s=_round(health.idle_s),
                    stall_seconds=self.stall_seconds,
                )
                self._bad[health.queue] = health.state
            elif not health.bad and before is not None and health.state != "unknown":
                log.info("queue_recovered", queue=health.queue, was=before)
                del self._bad[health.queue]

    async def current(self, max_age: float | None = None) -> list[QueueHealth]:
        """The last check if it is at most `max_age` seconds old (default: two intervals),
        else a new one."""
        limit = 2 * self.interval if max_age is None else max_age
        if self.checked_at is None or time.monotonic() - self.checked_at > limit:
            return await self.check()
        return self.last

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._forever(), name="queue-monitor")

    async def _forever(self) -> None:
        while True:
            try:
                await self.check()
            except Exception as exc:  # the database or the broker away: try again later
                log.info("queue_check_failed", error=str(exc)[:200])
            await asyncio.sleep(self.interval)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
