"""Stalled queues are never silent (issue 23): one check read by the log, /ready, the
overview and /metrics.

A queue is:

- `unattended` when messages wait and no consumer of any process is attached to it (a
  worker that could not come back after a broker fault, or no worker running);
- `stalled` when no consumer has made progress on it for `QUEUE_STALL_SECONDS`
  (acknowledged a message, or said that the message it holds is still being worked on:
  `Message.progress`) while live consumers hold messages, or messages have waited as long;
- `ok` otherwise (an empty queue is always ok).

A queue is reported bad only once it has been judged so for `GRACE` seconds (a worker
that starts or comes back attaches and beats within one watchdog round).

The web process runs `QueueMonitor` every few seconds: it reads every store's queues from
the broker (`Broker.queue_stats`: waiting messages, consumers) and the consumers'
heartbeats (`app.broker.heartbeats`), logs `queue_stalled` / `queue_unattended` (warning)
when a queue turns bad and `queue_recovered` when it is good again, and keeps the last
result for /ready, the overview and /metrics, so none of them asks the broker itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

import structlog

from app.broker.base import Broker
from app.broker.heartbeats import ConsumerHeartbeats, QueueBeat
from app.broker.names import OnQueue
from app.db_counts import PERIODIC, pipeline

log = structlog.get_logger(__name__)

QueueState = Literal["ok", "stalled", "unattended", "unknown"]
CHECK_INTERVAL = 5.0  # seconds between two checks
GRACE = 10.0
"""Seconds a queue must be judged bad before it is reported: a worker starting or coming
back attaches and writes its first heartbeat within one watchdog round (5 s)."""
LIVE_WITHIN = 15.0  # seconds: a heartbeat older than this is a process that died or froze


@dataclass(frozen=True)
class QueueHealth(OnQueue):
    """One queue at one check. `waiting`: ready messages (RabbitMQ's count); `held`:
    messages in the hands of live consumers (their heartbeats). Ages in seconds (None:
    unknown or nothing to measure): `waited_s`, how long the oldest waiting message has
    waited; `idle_s`, since a consumer last made progress on this queue or took work after
    being idle (None: never)."""

    queue: str
    state: QueueState
    waiting: int | None
    consumers: int | None
    waited_s: float | None = None
    idle_s: float | None = None
    held: int = 0

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
    held: int = 0,
) -> QueueHealth:
    """The state of one queue from its counts and ages (see the module docstring): work
    (waiting or held) with no consumer is `unattended`; work that has not moved for
    `stall_seconds` (messages held that long, or waiting that long) is `stalled`."""
    if waiting is None:
        state: QueueState = "unknown"
    elif waiting == 0 and held == 0:
        state = "ok"
    elif consumers == 0 and waiting > 0:
        state = "unattended"
    elif (idle_s is None or idle_s > stall_seconds) and (
        held > 0 or (waited_s or 0.0) > stall_seconds
    ):
        state = "stalled"
    else:
        state = "ok"
    return QueueHealth(queue, state, waiting, consumers, waited_s, idle_s, held)


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
        grace: float = GRACE,
    ) -> None:
        self.broker = broker
        self.heartbeats = heartbeats
        self.queues = queues
        self.stall_seconds = stall_seconds
        self.interval = interval
        self.grace = grace
        self._judged_bad: dict[str, tuple[QueueState, float]] = {}  # queue -> (state, since)
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
            beats = await self.heartbeats.read(names, live_within=LIVE_WITHIN)
            now, mono = dt.datetime.now(dt.UTC), time.monotonic()
            result = []
            for queue, stat in zip(names, stats, strict=True):
                if isinstance(stat, BaseException):
                    result.append(QueueHealth(queue, "unknown", None, None))
                    continue
                beat = beats.get(queue) or QueueBeat()
                waiting = stat.waiting or 0
                if not waiting:
                    self._first_waiting.pop(queue, None)
                first = self._first_waiting.setdefault(queue, mono) if waiting else mono
                last = beat.last_progress
                idle_s = (now - last).total_seconds() if last is not None else None
                waited_s = mono - first
                if waiting and (idle_s is None or idle_s > self.stall_seconds):
                    # Only a queue that may be stalled is peeked at (a get and a requeue).
                    waited_s = max(waited_s, await self._oldest_wait(queue, now) or 0.0)
                judged = judge(
                    queue,
                    waiting,
                    stat.consumers,
                    waited_s if waiting else None,
                    idle_s,
                    self.stall_seconds,
                    beat.held,
                )
                result.append(self._debounced(judged, mono))
            self._report(result)
            self.last, self.checked_at = result, time.monotonic()
            return result

    def _debounced(self, health: QueueHealth, mono: float) -> QueueHealth:
        """`health`, or `ok` while it has been bad for less than `grace` seconds."""
        if not health.bad:
            self._judged_bad.pop(health.queue, None)
            return health
        state, since = self._judged_bad.get(health.queue, (health.state, mono))
        if state != health.state:
            since = mono
        self._judged_bad[health.queue] = (health.state, since)
        if mono - since < self.grace:
            return dataclasses.replace(health, state="ok")
        return health

    def _report(self, result: list[QueueHealth]) -> None:
        for health in result:
            before = self._bad.get(health.queue)
            if health.bad and before != health.state:
                log.warning(
                    f"queue_{health.state}",
                    queue=health.queue,
                    waiting=health.waiting,
                    held=health.held,
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
            with pipeline(PERIODIC):  # time-driven: counted apart (`app.db_counts`)
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
