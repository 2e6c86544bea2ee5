"""RabbitMQ broker through aio-pika.

Topology per work queue `Q` (all durable, messages persistent, publisher confirms on):
- `Q`: the work; consumed with a per-queue channel and prefetch, so stores are isolated.
- `Q.retry`: no consumer; a failed message is re-published here with a per-message TTL and
  dead-letters back into `Q` when it expires (RabbitMQ 3.10 has no delay plugin).
- `Q.dead`: messages that exhausted their attempts or were rejected; a recorder consumes it
  into MongoDB (`dead_letters`) where the dashboard shows and replays them.
The attempt number travels in our own `x-attempt` header (newer RabbitMQ releases ignore a
client-set `x-death`), cross-checked with the `x-death` count.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Sequence
from typing import Any

import aio_pika
import structlog
from aio_pika.abc import (
    AbstractChannel,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)
from aio_pika.exceptions import AMQPError
from aiormq.exceptions import ChannelInvalidStateError

from app.broker.base import (
    Broker,
    DeadLetterSink,
    Handler,
    Message,
    RetryPolicy,
    decide,
    failure_headers,
    log_decision,
)
from app.broker.names import split_queue_name

log = structlog.get_logger(__name__)


def queue_arguments(queue: str) -> dict[str, Any] | None:
    """Feed queues have one active consumer across every worker process (RabbitMQ's
    single-active-consumer): the seller's feed owner. Others stand by and take over when
    it goes away. Every declaration of a queue must pass the same arguments."""
    if split_queue_name(queue)[0] == "feed":
        return {"x-single-active-consumer": True}
    return None


def _attempt(incoming: AbstractIncomingMessage) -> int:
    headers = incoming.headers or {}
    own = int(headers.get("x-attempt", 1) or 1)
    deaths = headers.get("x-death") or []
    cycles = 0
    for death in deaths if isinstance(deaths, list) else []:
        if isinstance(death, dict) and str(death.get("queue", "")).endswith(".retry"):
            cycles += int(death.get("count", 0) or 0)
    return max(own, cycles + 1)


class RabbitBroker(Broker):
    kind = "rabbitmq"

    def __init__(
        self,
        url: str,
        *,
        policy: RetryPolicy,
        dead_letter_sink: DeadLetterSink,
        prefetch: int = 50,
    ) -> None:
        self.url = url
        self.policy = policy
        self._sink = dead_letter_sink
        self._prefetch = prefetch
        self._connection: AbstractRobustConnection | None = None
        self._publish_channel: AbstractChannel | None = None
        self._declared: set[str] = set()
        self._consumers: dict[str, list[tuple[AbstractChannel, AbstractQueue, str]]] = {}
        self._in_flight: dict[str, set[asyncio.Task[Any]]] = {}
        self._lock = asyncio.Lock()
        self.reconnect_timeout = 30.0

    async def start(self) -> None:
        if self._connection is not None:
            return
        self._connection = await aio_pika.connect_robust(self.url, timeout=10)
        self._publish_channel = await self._connection.channel(publisher_confirms=True)

    async def close(self) -> None:
        for name in list(self._consumers):
            await self.stop_consuming(name)
        if self._connection is not None:
            await self._connection.close()
        self._connection = None
        self._publish_channel = None
        self._declared.clear()

    @property
    def _channel(self) -> AbstractChannel:
        if self._publish_channel is None:
            raise RuntimeError("broker not started")
        return self._publish_channel

    async def declare(self, queue: str) -> None:
        if queue in self._declared:
            return
        async with self._lock:
            if queue in self._declared:
                return
            channel = self._channel
            await channel.declare_queue(queue, durable=True, arguments=queue_arguments(queue))
            await channel.declare_queue(
                f"{queue}.retry",
                durable=True,
                arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": queue},
            )
            await channel.declare_queue(f"{queue}.dead", durable=True)
            self._declared.add(queue)

    async def _send(
        self,
        routing_key: str,
        body: dict[str, Any],
        message_id: str,
        headers: dict[str, Any],
        expiration: float | None = None,
    ) -> None:
        """Publish with confirm; across a dropped connection, wait for the robust reconnect."""
        deadline = asyncio.get_running_loop().time() + self.reconnect_timeout
        while True:
            try:
                await self._channel.default_exchange.publish(
                    aio_pika.Message(
                        body=_dumps(body),
                        content_type="application/json",
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                        message_id=message_id,
                        headers=headers,
                        expiration=expiration,
                    ),
                    routing_key=routing_key,
                )
                return
            except (AMQPError, ConnectionError, RuntimeError) as exc:
                if asyncio.get_running_loop().time() > deadline:
                    raise
                log.info("publish_waiting_for_broker", queue=routing_key, error=str(exc)[:200])
                await asyncio.sleep(0.25)

    async def publish(
        self,
        queue: str,
        body: dict[str, Any],
        *,
        message_id: str | None = None,
        headers: dict[str, Any] | None = None,
    ) -> str:
        await self.declare(queue)
        message_id = message_id or uuid.uuid4().hex
        await self._send(queue, body, message_id, {**(headers or {}), "x-attempt": 1})
        return message_id

    async def publish_many(
        self,
        items: Sequence[tuple[str, dict[str, Any]]],
        *,
        dedupe_keys: Sequence[str | None] | None = None,
    ) -> list[str | None]:
        """Pipelined: all messages in flight at once, each awaited for its confirm.

        RabbitMQ cannot tell whether a message is still waiting, so nothing is dropped
        here; consumers skip what became redundant (SkuStates.begin_processing)."""
        for queue in {q for q, _ in items}:
            await self.declare(queue)
        ids = [uuid.uuid4().hex for _ in items]
        await asyncio.gather(
            *(
                self._send(queue, body, message_id, {"x-attempt": 1})
                for (queue, body), message_id in zip(items, ids, strict=True)
            )
        )
        return list(ids)

    async def consume(self, queue: str, handler: Handler, *, prefetch: int | None = None) -> None:
        if queue in self._consumers:
            return
        assert self._connection is not None, "broker not started"
        await self.declare(queue)
        work_channel = await self._connection.channel()
        await work_channel.set_qos(prefetch_count=prefetch or self._prefetch)
        work_queue = await work_channel.declare_queue(
            queue, durable=True, arguments=queue_arguments(queue)
        )

        in_flight = self._in_flight.setdefault(queue, set())

        async def on_work(incoming: AbstractIncomingMessage) -> None:
            task = asyncio.current_task()
            assert task is not None
            in_flight.add(task)
            try:
                await self._on_message(queue, incoming, handler)
            finally:
                in_flight.discard(task)

        async def on_dead(incoming: AbstractIncomingMessage) -> None:
            await self._on_dead(queue, incoming)

        work_tag = await work_queue.consume(on_work)
        dead_channel = await self._connection.channel()
        await dead_channel.set_qos(prefetch_count=20)
        dead_queue = await dead_channel.declare_queue(f"{queue}.dead", durable=True)
        dead_tag = await dead_queue.consume(on_dead)
        self._consumers[queue] = [
            (work_channel, work_queue, work_tag),
            (dead_channel, dead_queue, dead_tag),
        ]

    async def stop_consuming(self, queue: str) -> None:
        """Stop taking messages from `queue`, let the ones in hand finish (up to
        `drain_timeout` seconds; the rest are cancelled and go back to the queue
        unacknowledged), then close its channels."""
        consumers = self._consumers.pop(queue, [])
        for _, amqp_queue, tag in consumers:
            try:
                await amqp_queue.cancel(tag)
            except Exception as exc:  # connection already gone: nothing left to cancel
                log.debug("consumer_cancel_failed", queue=queue, error=str(exc))
        in_flight = self._in_flight.pop(queue, set())
        if in_flight:
            _, unfinished = await asyncio.wait(in_flight, timeout=self.drain_timeout)
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)
            if unfinished:
                log.warning("consumer_drain_cut", queue=queue, requeued=len(unfinished))
        for channel, _, _ in consumers:
            with contextlib.suppress(Exception):
                await channel.close()

    def _to_message(self, queue: str, incoming: AbstractIncomingMessage) -> Message:
        headers = {k: v for k, v in (incoming.headers or {}).items() if k != "x-death"}
        return Message(
            id=incoming.message_id or uuid.uuid4().hex,
            queue=queue,
            body=_loads(incoming.body),
            attempt=_attempt(incoming),
            headers=headers,
        )

    async def _on_message(
        self, queue: str, incoming: AbstractIncomingMessage, handler: Handler
    ) -> None:
        message = self._to_message(queue, incoming)
        try:
            await handler(message)
        except asyncio.CancelledError:
            # Back to the queue; when the channel is already gone RabbitMQ requeues every
            # unacknowledged message by itself.
            with contextlib.suppress(AMQPError, ChannelInvalidStateError):
                await incoming.nack(requeue=True)
            raise
        except Exception as exc:
            decision = decide(message, exc, self.policy)
            headers = {**message.headers, **failure_headers(message, decision)}
            if decision.action == "retry":
                headers["x-attempt"] = message.attempt + 1 if decision.counts else message.attempt
                await self._send(
                    f"{queue}.retry",
                    message.body,
                    message.id,
                    headers,
                    expiration=max(0.001, decision.delay),
                )
            else:
                headers["x-attempt"] = message.attempt
                await self._send(f"{queue}.dead", message.body, message.id, headers)
            log_decision(message, decision, exc, attempt=headers["x-attempt"])
            await incoming.ack()
        else:
            await incoming.ack()

    async def _on_dead(self, queue: str, incoming: AbstractIncomingMessage) -> None:
        message = self._to_message(queue, incoming)
        message.attempt = int((incoming.headers or {}).get("x-attempt", message.attempt))
        reason = str((incoming.headers or {}).get("x-dead-reason", "dead-lettered"))
        try:
            await self._sink(message, reason)
        except Exception:
            await incoming.nack(requeue=True)
            await asyncio.sleep(1)
            return
        await incoming.ack()

    async def depth(self, queue: str) -> int:
        await self.declare(queue)
        declared = await self._channel.declare_queue(queue, passive=True)
        return int(declared.declaration_result.message_count or 0)

    async def oldest_at(self, queue: str) -> str | None:
        """Peeks at the head of the queue: takes its first ready message without
        acknowledging it and hands it back at once (RabbitMQ puts a requeued message back
        in its place; its `redelivered` flag, which nothing here reads, is set). Messages
        already delivered to a consumer are not waiting and not seen."""
        await self.declare(queue)
        declared = await self._channel.declare_queue(queue, passive=True)
        incoming = await declared.get(no_ack=False, fail=False)
        if incoming is None:
            return None
        try:
            at = _loads(incoming.body).get("at")
        except ValueError:
            at = None
        finally:
            await incoming.nack(requeue=True)
        return str(at) if at else None

    async def ping(self) -> dict[str, Any]:
        connected = self._connection is not None and not self._connection.is_closed
        return {"ok": connected, "kind": self.kind}


def _dumps(body: dict[str, Any]) -> bytes:
    import json

    return json.dumps(body, separators=(",", ":"), default=str).encode("utf-8")


def _loads(raw: bytes) -> dict[str, Any]:
    import json

    value = json.loads(raw.decode("utf-8"))
    return value if isinstance(value, dict) else {"value": value}
