"""What both brokers share: the message, the handler contract and the retry decision.

A handler returns normally to acknowledge. Raising `Reject` sends the message straight to
the dead letters (retrying cannot help); any other exception schedules a retry with a
growing delay until `max_attempts`, then dead-letters it (VTEX asks for at least 10
attempts on 5xx before a message goes to the dead-letter queue).
"""

from __future__ import annotations

import abc
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.broker.names import split_queue_name


class Reject(Exception):
    """Raised by a handler when the message can never succeed; it is dead-lettered now."""


@dataclass
class Message:
    id: str
    queue: str
    body: dict[str, Any]
    attempt: int = 1
    headers: dict[str, Any] = field(default_factory=dict)

    @property
    def context(self) -> str:
        return split_queue_name(self.queue)[0]

    @property
    def store_id(self) -> str:
        return split_queue_name(self.queue)[1]


Handler = Callable[[Message], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 10
    base_delay: float = 1.0
    max_delay: float = 300.0

    def delay(self, attempt: int) -> float:
        """Delay before attempt `attempt + 1`: exponential with ±10 % jitter, capped."""
        raw = min(self.max_delay, self.base_delay * (2 ** max(0, attempt - 1)))
        return raw * random.uniform(0.9, 1.1)

    def exhausted(self, attempt: int) -> bool:
        return attempt >= self.max_attempts


@dataclass(frozen=True)
class Decision:
    action: str  # "retry" | "dead"
    delay: float = 0.0
    reason: str = ""


def decide(message: Message, exc: BaseException, policy: RetryPolicy) -> Decision:
    reason = f"{type(exc).__name__}: {exc}"[:2000]
    if isinstance(exc, Reject):
        return Decision("dead", reason=reason)
    if policy.exhausted(message.attempt):
        return Decision("dead", reason=f"gave up after {message.attempt} attempts; last: {reason}")
    return Decision("retry", delay=policy.delay(message.attempt), reason=reason)


DeadLetterSink = Callable[[Message, str], Awaitable[None]]


class Broker(abc.ABC):
    """Publish to and consume from named work queues; retries and dead letters included."""

    kind: str = "abstract"

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

    @abc.abstractmethod
    async def ping(self) -> dict[str, Any]: ...
