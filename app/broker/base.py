"""What both brokers share: the message, the handler contract and the retry decision.

A handler returns normally to acknowledge. A failure goes through `decide`, which reads the
error's class (see its docstring): `Reject`, configuration and rejected-data errors are
dead-lettered at once; throttling and outages wait without using attempts; transient
errors retry with a growing delay until `max_attempts` (VTEX asks for at least 10 attempts
on 5xx before a message goes to the dead-letter queue).
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import structlog

from app.broker.names import CONTEXTS, OnQueue, queue_name, split_queue_name
from app.db_counts import pipeline
from clients.errors import (
    AuthError,
    CircuitOpenError,
    ClientError,
    ItemError,
    PermanentError,
    ThrottledError,
    TransientError,
)
from clients.redact import KNOWN_SECRETS, mask_text
from clients.retry import backoff_delay, translate

log = structlog.get_logger(__name__)


class BrokerUnavailable(TransientError):
    """The broker did not take a message in time (restarting, unreachable, refusing it):
    nothing was queued. A route answers 503 `broker_unavailable`; a consumer's message is
    retried like any passing fault."""


class Wait(Exception):
    """Raised by a handler whose work waits for another's to finish (another process holds
    the order's claim, is reading the SKU): retried after `retry_after` seconds (growing
    with each wait) without using an attempt, as throttling does."""

    def __init__(self, message: str, *, retry_after: float = 2.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Reject(Exception):
    """Raised by a handler when the message can never succeed; it is dead-lettered now.

    `code` names the error-catalogue entry that tells the seller what to fix."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


def _no_progress() -> None:
    return None


@dataclass
class Message(OnQueue):
    id: str
    queue: str
    body: dict[str, Any]
    attempt: int = 1
    headers: dict[str, Any] = field(default_factory=dict)
    progress: Callable[[], None] = field(default=_no_progress, repr=False, compare=False)
    """A handler that holds its message for long (the feed owner's run, up to minutes)
    calls this while it works, so its queue is not reported stalled (`QueueActivity`)."""

    @property
    def waits(self) -> int:
        """Retries that did not use up an attempt (throttled, breaker open, outage)."""
        return int(self.headers.get("x-waits", 0) or 0)


Handler = Callable[[Message], Awaitable[None]]


def delivering(queue: str) -> contextlib.AbstractContextManager[None]:
    """Where a broker delivers a message of `queue` (the handler, its retry or dead
    letter, its acknowledgement): the work is tagged with the queue's context (`catalog`,
    `feed`, `price`, …) as its pipeline, so the database commands and HTTP calls it makes
    are counted there (`app.db_counts`)."""
    return pipeline(split_queue_name(queue)[0])


@dataclass(frozen=True)
class RetryPolicy:
    """The broker's retry budget (settings RETRY_MAX_ATTEMPTS, RETRY_BASE_DELAY,
    RETRY_MAX_DELAY; seconds). `item_attempts` bounds an error that repeats identically for
    one item (CLARIFICATIONS §3): a few tries, then a seller action."""

    max_attempts: int = 10
    base_delay: float = 1.0
    max_delay: float = 300.0
    item_attempts: int = 3

    def delay(self, attempt: int, *, floor: float = 0.0) -> float:
        """Delay before try `attempt + 1`: exponential with ±10 % jitter, capped."""
        return backoff_delay(attempt, base=self.base_delay, cap=self.max_delay, floor=floor)

    def exhausted(self, attempt: int) -> bool:
        return attempt >= self.max_attempts


FailureKind = Literal[
    "config", "rejected", "item", "throttled", "unavailable", "waiting", "transient", "bug"
]


@dataclass(frozen=True)
class Decision:
    """What to do with a failed message.

    - `action`: "retry" (after `delay` seconds) or "dead" (dead-letter now).
    - `counts`: whether this failure uses up one of the message's attempts. Throttling, an
      open breaker and a platform outage do not (CLARIFICATIONS §3): the work waits, its
      delay growing to the cap, and an hour-long Linio outage dead-letters nothing.
    - `kind`: why, for the dead letter and the dashboard; `code`: the catalogue entry.
    """

    action: Literal["retry", "dead"]
    delay: float = 0.0
    reason: str = ""
    counts: bool = True
    kind: FailureKind = "bug"
    code: str | None = None
    platform: str | None = None


def classify(exc: BaseException) -> tuple[FailureKind, ClientError | None]:
    """The failure kind of `exc`, after mapping foreign errors onto our tree."""
    if isinstance(exc, Reject):
        return "rejected", None
    if isinstance(exc, Wait):
        return "waiting", None
    error = translate(exc)
    if error is None:
        return "bug", None
    if isinstance(error, AuthError):  # ConfigError included
        return "config", error
    if isinstance(error, ItemError):
        return "item", error
    if isinstance(error, PermanentError):
        return "rejected", error
    if isinstance(error, ThrottledError):
        return "throttled", error
    if isinstance(error, CircuitOpenError):
        return "unavailable", error
    if isinstance(error, TransientError):
        return "transient", error
    return "bug", error


def decide(message: Message, exc: BaseException, policy: RetryPolicy) -> Decision:
    """The one retry decision of both brokers (dramatiq's Retries middleware, in one place).

    Config and rejected-data errors are dead-lettered at once (retrying cannot fix a wrong
    API key); an item-level error gets `policy.item_attempts` tries; throttling waits its
    `retry_after` and an open breaker waits out the outage without using attempts; other
    transient errors and our own bugs back off for `policy.max_attempts` tries (VTEX asks
    for at least 10 on 5xx).
    """
    kind, error = classify(exc)
    # Masked by value: an exception text may quote a store's secret (retry headers, dead
    # letters and logs all carry this reason).
    reason = mask_text(f"{type(error or exc).__name__}: {error or exc}", KNOWN_SECRETS.values())
    reason = reason[:2000]
    code = getattr(error or exc, "code", None)
    platform = getattr(error, "platform", None)
    if kind in ("config", "rejected"):
        return Decision("dead", reason=reason, kind=kind, code=code, platform=platform)
    if kind in ("throttled", "unavailable", "waiting"):
        floor = getattr(error or exc, "retry_after", None) or 0.0
        delay = policy.delay(message.waits + 1, floor=min(floor, policy.max_delay))
        return Decision("retry", delay=delay, reason=reason, counts=False, kind=kind, code=code)
    limit = policy.item_attempts if kind == "item" else policy.max_attempts
    if message.attempt >= limit:
        return Decision(
            "dead",
            reason=f"gave up after {message.attempt} attempts; last: {reason}",
            kind=kind,
            code=code,
            platform=platform,
        )
    return Decision("retry", delay=policy.delay(message.attempt), reason=reason, kind=kind)


def log_decision(message: Message, decision: Decision, exc: BaseException, *, attempt: int) -> None:
    """The one log line of a failed message in both brokers: `message_retry_scheduled`
    (info) or `message_dead_lettered` (warning) with the failure kind and reason; a failure
    of kind "bug" (an exception outside our error tree) is logged at error level with its
    traceback, since nobody can fix it from the reason alone. `attempt` is the number the
    message carries onward."""
    fields: dict[str, Any] = {
        "queue": message.queue,
        "id": message.id,
        "attempt": attempt,
        "kind": decision.kind,
        "reason": decision.reason,
    }
    if decision.action == "retry":
        fields["delay"] = round(decision.delay, 3)
    event = "message_retry_scheduled" if decision.action == "retry" else "message_dead_lettered"
    if decision.kind == "bug":
        log.error(event, exc_info=exc, **fields)
    elif decision.action == "retry":
        log.info(event, **fields)
    else:
        log.warning(event, **fields)


def failure_headers(message: Message, decision: Decision) -> dict[str, Any]:
    """Headers a failed message carries onward (retry queue, dead letter): the last error,
    its kind and catalogue code, and the count of waits that used no attempt."""
    headers: dict[str, Any] = {
        "x-last-error": decision.reason[:500],
        "x-failure-kind": decision.kind,
    }
    if decision.code:
        headers["x-error-code"] = decision.code
    if decision.platform:
        headers["x-platform"] = decision.platform
    if decision.action == "retry" and not decision.counts:
        headers["x-waits"] = message.waits + 1
    if decision.action == "dead":
        headers["x-dead-reason"] = decision.reason[:2000]
    return headers


class QueuedWork(Protocol):
    """What `publish_work` needs of a typed message (`domain.work.Work`), structurally, so
    the plumbing does not import the domain."""

    store_id: str

    @property
    def queue_context(self) -> str: ...

    def to_body(self) -> dict[str, Any]: ...


DeadLetterSink = Callable[[Message, str], Awaitable[None]]


@dataclass
class QueueActivity:
    """What this process's consumer of one queue has done since it started, for the
    heartbeats (`app.broker.heartbeats`) that tell the web process what is stalled.

    `settled` counts messages this consumer finished with (acknowledged: done, sent to a
    retry or dead-lettered); `last_progress_at` is when the last one was, or when a
    handler last said it is still at work (`Message.progress`), epoch seconds (UTC);
    `in_hand` is how many it holds right now; `attached` is whether it is consuming."""

    attached: bool = False
    in_hand: int = 0
    settled: int = 0
    last_progress_at: float | None = None

    def took(self) -> None:
        """A message handed to this consumer. Taking work after being idle starts the clock
        a stall is measured on (as if it had just made progress)."""
        if self.in_hand == 0:
            self.progressed()
        self.in_hand += 1

    def progressed(self) -> None:
        self.last_progress_at = time.time()

    def settled_one(self) -> None:
        self.in_hand = max(0, self.in_hand - 1)
        self.settled += 1
        self.progressed()

    def dropped(self) -> None:
        """A message left our hands unsettled (cancelled, channel gone): the broker has it."""
        self.in_hand = max(0, self.in_hand - 1)


@dataclass(frozen=True)
class QueueStats:
    """A queue as its broker counts it: messages `waiting` (ready, not delivered; retries
    not counted) and `consumers` attached (every process's); None where it cannot tell."""

    waiting: int | None
    consumers: int | None


class Broker(abc.ABC):
    """Publish to and consume from named work queues; retries and dead letters included."""

    kind: str = "abstract"
    drain_timeout: float = 10.0
    """Seconds `stop_consuming` lets the messages in hand finish before it cancels them
    (cancelled ones go back to the queue unacknowledged)."""

    def __init__(self) -> None:
        self.activity: dict[str, QueueActivity] = {}
        """This process's consumers by queue name (see `QueueActivity`)."""

    def _activity(self, queue: str) -> QueueActivity:
        return self.activity.setdefault(queue, QueueActivity())

    @abc.abstractmethod
    async def start(self) -> None: ...

    @abc.abstractmethod
    async def close(self) -> None: ...

    @abc.abstractmethod
    async def publish(
        self,
        queue: str,
        body: dict[str, Any],
        *,
        message_id: str | None = None,
        headers: dict[str, Any] | None = None,
    ) -> str:
        """Durably enqueue; returns the message id once the broker has confirmed it."""

    async def publish_work(self, work: QueuedWork, *, message_id: str | None = None) -> str:
        """Publish one typed message (`domain.work`) to `<context>.<store>`."""
        return await self.publish(
            queue_name(work.queue_context, work.store_id), work.to_body(), message_id=message_id
        )

    async def publish_many(
        self,
        items: Sequence[tuple[str, dict[str, Any]]],
        *,
        dedupe_keys: Sequence[str | None] | None = None,
    ) -> list[str | None]:
        """Publish several (queue, body) messages; brokers override it to pipeline the work.

        A message whose dedupe key matches one still waiting undelivered in its queue is
        dropped (None in the result) by brokers that can see their queues; others publish.
        """
        return [await self.publish(queue, body) for queue, body in items]

    @abc.abstractmethod
    async def consume(self, queue: str, handler: Handler, *, prefetch: int | None = None) -> None:
        """Start delivering messages of `queue` to `handler` (idempotent per queue)."""

    @abc.abstractmethod
    async def stop_consuming(self, queue: str) -> None: ...

    @abc.abstractmethod
    async def depth(self, queue: str) -> int:
        """Messages waiting in `queue` (not counting retries), for the dashboard."""

    async def store_depths(self, store_id: str, *, timeout: float = 3.0) -> dict[str, int | None]:
        """Messages waiting in each of the store's queues, by context; None for a queue the
        broker could not count within `timeout` seconds (a broker away answers nothing:
        pages and the status API show "unknown" rather than fail)."""

        async def one(context: str) -> int | None:
            try:
                return await asyncio.wait_for(self.depth(queue_name(context, store_id)), timeout)
            except Exception:
                return None

        depths = await asyncio.gather(*(one(c) for c in CONTEXTS))
        return dict(zip(CONTEXTS, depths, strict=True))

    async def queue_stats(self, queue: str) -> QueueStats:
        """`queue` as the broker sees it (see `QueueStats`); for stall checks and /ready."""
        return QueueStats(waiting=await self.depth(queue), consumers=None)

    async def ensure_consumers(self) -> list[str]:
        """The watchdog's round (every few seconds, in each consuming process): find the
        consumers of this process that the broker no longer delivers to and start them
        again. Returns the queues restored. Brokers whose consumers cannot be lost return
        []."""
        return []

    async def oldest_at(self, queue: str) -> str | None:
        """The `at` of the oldest message waiting in `queue` (ISO 8601 UTC: when its work
        was asked for, `domain.work.Work.at`), None when the queue is empty or the broker
        cannot tell; for the age-of-oldest-message metric."""
        return None

    @abc.abstractmethod
    async def ping(self) -> dict[str, Any]: ...
