"""RabbitMQ broker through aio-pika.

Topology per work queue `Q` (all durable, messages persistent, publisher confirms on):
- `Q`: the work; consumed with a per-queue channel and prefetch, so stores are isolated.
- `Q.retry`: no consumer; a failed message is re-published here with a per-message TTL and
  dead-letters back into `Q` when it expires (RabbitMQ 3.10 has no delay plugin).
- `Q.dead`: messages that exhausted their attempts or were rejected; a recorder consumes it
  into MongoDB (`dead_letters`) where the dashboard shows and replays them.
The attempt number travels in our own `x-attempt` header (newer RabbitMQ releases ignore a
client-set `x-death`), cross-checked with the `x-death` count.

Broker faults (issue 23, `docs/reliability.md`): aio-pika's robust connection reconnects and
restores channels and consumers, but not always: a channel whose restore failed while the
broker was away stays closed, and a publish on it used to wait forever, so every handler
that publishes held its delivery and the consumer, still attached, acknowledged nothing. So:
every publish has a time limit and, when it fails while the connection is up, the publish
channel is replaced; a message whose settlement cannot be published goes back to the queue;
and `ensure_consumers` (the worker's watchdog, every few seconds) compares each consumer
with what the channel and RabbitMQ say (consumer tag registered, `consumer_count`) and
starts again the ones that are gone (reconnects, broker-cancelled consumers, a deleted
queue, the single-active-consumer hand-over).
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
from aio_pika.exceptions import AMQPError, ChannelNotFoundEntity, DeliveryError, PublishError
from aiormq.exceptions import ChannelInvalidStateError

from app.broker.base import (
    Broker,
    BrokerUnavailable,
    DeadLetterSink,
    Handler,
    Message,
    QueueActivity,
    QueueStats,
    RetryPolicy,
    decide,
    delivering,
    failure_headers,
    log_decision,
)
from app.broker.journal import decode, encode
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
        super().__init__()
        self.url = url
        self.policy = policy
        self._sink = dead_letter_sink
        self._prefetch = prefetch
        self._connection: AbstractRobustConnection | None = None
        self._publish_channel: AbstractChannel | None = None
        self._watch_channel: AbstractChannel | None = None
        self._declared: set[str] = set()
        self._consumers: dict[str, list[tuple[AbstractChannel, AbstractQueue, str]]] = {}
        self._handlers: dict[str, tuple[Handler, int | None]] = {}
        self._suspect: dict[str, int] = {}  # queue -> watchdog rounds found not consuming
        self._in_flight: dict[str, set[asyncio.Task[Any]]] = {}
        self._lock = asyncio.Lock()
        self._channel_lock = asyncio.Lock()
        self._watch_lock = asyncio.Lock()
        self.reconnect_timeout = 30.0
        """Seconds a publish keeps trying across a lost connection before it raises."""
        self.publish_timeout = 10.0
        """Seconds one publish (with its confirm) may take; then the channel is suspect."""

    async def start(self) -> None:
        if self._connection is not None:
            return
        self._connection = await aio_pika.connect_robust(self.url, timeout=10)
        self._publish_channel = await self._open_publish_channel()

    async def _open_publish_channel(self) -> AbstractChannel:
        assert self._connection is not None, "broker not started"
        # on_return_raises: a message to a queue that no longer exists (deleted by an
        # operator) raises instead of vanishing; `_send` declares the queue again.
        return await asyncio.wait_for(
            self._connection.channel(publisher_confirms=True, on_return_raises=True),
            self.publish_timeout,
        )

    async def close(self) -> None:
        for name in list(self._consumers):
            await self.stop_consuming(name)
        self._handlers.clear()
        if self._connection is not None:
            await self._connection.close()
        self._connection = None
        self._publish_channel = None
        self._watch_channel = None
        self._declared.clear()

    @property
    def _channel(self) -> AbstractChannel:
        if self._publish_channel is None:
            raise RuntimeError("broker not started")
        return self._publish_channel

    @property
    def _connected(self) -> bool:
        connection = self._connection
        return connection is not None and not connection.is_closed and connection.connected.is_set()

    async def _renew_publish_channel(self, broken: AbstractChannel) -> None:
        """Replace the publish channel after a failure, if the connection is up and nobody
        replaced it yet. While the connection is down, aio-pika's reconnect restores it."""
        async with self._channel_lock:
            if self._publish_channel is not broken or not self._connected:
                return
            try:
                fresh = await self._open_publish_channel()
            except (AMQPError, ConnectionError, RuntimeError, TimeoutError) as exc:
                log.info("broker_channel_renew_failed", error=str(exc)[:200])
                return
            self._publish_channel = fresh
        log.warning("broker_publish_channel_renewed")
        await _close_quietly(broken)

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
        """Publish with confirm, each try within `publish_timeout`; across a dropped
        connection wait for the robust reconnect, a channel that fails while the connection
        is up is replaced, a queue that is gone is declared again. Raises the last error
        after `reconnect_timeout` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.reconnect_timeout
        waiting_since: float | None = None
        said_at = 0.0
        while True:
            channel = self._channel
            try:
                async with asyncio.timeout(self.publish_timeout):
                    await channel.default_exchange.publish(
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
                if waiting_since is not None:
                    waited = round(loop.time() - waiting_since, 1)
                    log.info("publish_resumed", queue=routing_key, waited_s=waited)
                return
            except (AMQPError, ConnectionError, RuntimeError, TimeoutError) as exc:
                if loop.time() > deadline:
                    raise BrokerUnavailable(
                        f"{routing_key}: no confirm within {self.reconnect_timeout:.0f} s "
                        f"({type(exc).__name__})"
                    ) from exc
                if loop.time() - said_at >= 5.0:
                    # Once when it starts waiting, then every 5 s: not a line per try.
                    log.info("publish_waiting_for_broker", queue=routing_key, error=repr(exc)[:200])
                    said_at = loop.time()
                    waiting_since = waiting_since or said_at
                if isinstance(exc, PublishError):  # returned: the queue is gone; declare it
                    await self._declare_again(routing_key)
                elif not isinstance(exc, DeliveryError):  # refused (nack) is not the channel's
                    await self._renew_publish_channel(channel)
                await asyncio.sleep(0.25)

    async def _declare_again(self, routing_key: str) -> None:
        """The work queue `routing_key` belongs to (itself, or `Q` of `Q.retry`/`Q.dead`),
        declared again with its retry and dead-letter queues."""
        queue = routing_key.removesuffix(".retry").removesuffix(".dead")
        self._declared.discard(queue)
        with contextlib.suppress(AMQPError, ConnectionError, RuntimeError, TimeoutError):
            await asyncio.wait_for(self.declare(queue), self.publish_timeout)

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
        here; consumers skip what became redundant (SkuStates.begin_reading)."""
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
        self._handlers[queue] = (handler, prefetch)
        await self._attach(queue, handler, prefetch)

    async def _attach(self, queue: str, handler: Handler, prefetch: int | None) -> None:
        """Open the work and dead-letter channels of `queue` and consume both."""
        assert self._connection is not None, "broker not started"
        await self.declare(queue)
        work_channel = await self._connection.channel()
        await work_channel.set_qos(prefetch_count=prefetch or self._prefetch)
        work_queue = await work_channel.declare_queue(
            queue, durable=True, arguments=queue_arguments(queue)
        )

        in_flight = self._in_flight.setdefault(queue, set())

        async def on_work(incoming: AbstractIncomingMessage) -> None:
            # The handler runs in a task of ours: aiormq cancels the tasks of a channel that
            # closes (a broker restart, a cut), and a handler cut between two of its writes
            # left work half done that the redelivery then took for done. Now it finishes;
            # its acknowledgement is lost with the channel and the redelivery is redundant.
            # Only `stop_consuming` cancels it (after `drain_timeout`).
            with delivering(queue):  # the task runs in a copy of this context
                task = asyncio.create_task(self._on_message(queue, incoming, handler))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
            await asyncio.shield(task)

        async def on_dead(incoming: AbstractIncomingMessage) -> None:
            with delivering(queue):
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
        self._activity(queue).attached = True

    async def stop_consuming(self, queue: str) -> None:
        """Stop taking messages from `queue`, let the ones in hand finish (up to
        `drain_timeout` seconds; the rest are cancelled and go back to the queue
        unacknowledged), then close its channels."""
        consumers = self._consumers.pop(queue, [])
        self._handlers.pop(queue, None)
        self._suspect.pop(queue, None)
        self._activity(queue).attached = False
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
        activity = self._activity(queue)
        activity.took()
        message.progress = activity.progressed
        try:
            await handler(message)
        except asyncio.CancelledError:
            # Back to the queue; when the channel is already gone RabbitMQ requeues every
            # unacknowledged message by itself.
            activity.dropped()
            with contextlib.suppress(AMQPError, ChannelInvalidStateError):
                await incoming.nack(requeue=True)
            raise
        except Exception as exc:
            try:
                await self._settle_failure(queue, message, exc)
            except Exception as settle_exc:  # the retry/dead queue unreachable: back it goes
                activity.dropped()
                log.warning(
                    "message_requeued", queue=queue, id=message.id, error=str(settle_exc)[:200]
                )
                with contextlib.suppress(AMQPError, ChannelInvalidStateError, ConnectionError):
                    await incoming.nack(requeue=True)
                return
        await self._ack(incoming, activity)

    async def _settle_failure(self, queue: str, message: Message, exc: BaseException) -> None:
        """Publish a failed message to `Q.retry` (with its delay) or `Q.dead`."""
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

    async def _ack(self, incoming: AbstractIncomingMessage, activity: QueueActivity) -> None:
        """Acknowledge; on a channel that is gone the broker has already requeued it (the
        work is done again: at-least-once, every handler is idempotent)."""
        try:
            await incoming.ack()
        except (AMQPError, ChannelInvalidStateError, ConnectionError) as exc:
            activity.dropped()
            log.info("ack_lost_with_channel", queue=incoming.routing_key, error=str(exc)[:200])
            return
        activity.settled_one()

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

    async def _watch(self) -> AbstractChannel:
        """The channel for passive declares and peeks (never the publish channel: RabbitMQ
        closes a channel that asks for a missing queue), reopened when it was closed."""
        async with self._channel_lock:
            channel = self._watch_channel
            if channel is None or channel.is_closed:
                assert self._connection is not None, "broker not started"
                channel = await asyncio.wait_for(
                    self._connection.channel(publisher_confirms=False), self.publish_timeout
                )
                self._watch_channel = channel
            return channel

    async def _passive(self, queue: str) -> AbstractQueue | None:
        """`queue` declared passively (its counts in `declaration_result`); None when it
        does not exist. Not registered for restore (robust=False). One at a time: a missing
        queue closes the channel, and every declare in flight on it with it: callers hold
        `_watch_lock`."""
        channel = await self._watch()
        try:
            return await channel.declare_queue(
                queue, passive=True, robust=False, timeout=self.publish_timeout
            )
        except ChannelNotFoundEntity:
            self._declared.discard(queue)
            return None

    async def depth(self, queue: str) -> int:
        return (await self.queue_stats(queue)).waiting or 0

    async def queue_stats(self, queue: str) -> QueueStats:
        """RabbitMQ's counts for `queue` (ready messages, consumers of every process); a
        queue that does not exist yet has 0 and 0."""
        async with self._watch_lock:
            declared = await self._passive(queue)
        if declared is None:
            return QueueStats(waiting=0, consumers=0)
        result = declared.declaration_result
        return QueueStats(
            waiting=int(result.message_count or 0), consumers=int(result.consumer_count or 0)
        )

    async def oldest_at(self, queue: str) -> str | None:
        """Peeks at the head of the queue: takes its first ready message without
        acknowledging it and hands it back at once (RabbitMQ puts a requeued message back
        in its place; its `redelivered` flag, which nothing here reads, is set). Messages
        already delivered to a consumer are not waiting and not seen."""
        async with self._watch_lock:
            declared = await self._passive(queue)
            if declared is None:
                return None
            incoming = await declared.get(no_ack=False, fail=False, timeout=self.publish_timeout)
            if incoming is None:
                return None
            try:
                at = _loads(incoming.body).get("at")
            except ValueError:
                at = None
            finally:
                await incoming.nack(requeue=True)
        return str(at) if at else None

    async def _consuming(self, queue: str) -> bool:
        """Whether this process's consumers of `queue` still receive: their channels open
        and their consumer tags registered on them (a tag the broker cancelled is gone)."""
        for channel, _, tag in self._consumers.get(queue, []):
            if channel.is_closed:
                return False
            try:
                underlay = await asyncio.wait_for(channel.get_underlay_channel(), 1)
            except (AMQPError, RuntimeError, TimeoutError):
                return False
            if tag not in underlay.consumers:
                return False
        return bool(self._consumers.get(queue))

    async def ensure_consumers(self) -> list[str]:
        """The watchdog's round (see the module docstring). A queue whose consumer is not
        receiving, or that RabbitMQ counts without consumers (or no longer has), two rounds
        in a row (the first may be aio-pika's own restore under way), is consumed again on
        new channels. Nothing is done while the connection is down."""
        if not self._connected:
            return []
        restored = []
        for queue in list(self._handlers):
            healthy = await self._consuming(queue)
            if healthy:
                try:
                    async with self._watch_lock:
                        stats = await self._passive(queue)
                except (AMQPError, ConnectionError, RuntimeError, TimeoutError):
                    continue  # the broker is going away: the next round sees
                healthy = stats is not None and (stats.declaration_result.consumer_count or 0) > 0
            if healthy:
                self._suspect.pop(queue, None)
                continue
            self._suspect[queue] = self._suspect.get(queue, 0) + 1
            if self._suspect[queue] < 2:
                continue
            if await self._reattach(queue):
                restored.append(queue)
        return restored

    async def _reattach(self, queue: str) -> bool:
        """Close `queue`'s consumer channels (their unacknowledged messages go back to the
        queue) and consume it again with the same handler. Messages in hand finish on their
        own; their acknowledgements are lost with the channel (the work is redone)."""
        handler, prefetch = self._handlers[queue]
        for channel, _, _ in self._consumers.pop(queue, []):
            await _close_quietly(channel)
        self._activity(queue).attached = False
        self._declared.discard(queue)
        try:
            await asyncio.wait_for(self._attach(queue, handler, prefetch), 3 * self.publish_timeout)
        except (AMQPError, ConnectionError, RuntimeError, TimeoutError) as exc:
            log.warning("consumer_restore_failed", queue=queue, error=str(exc)[:200])
            return False
        self._suspect.pop(queue, None)
        log.warning("consumer_restored", queue=queue)
        return True

    async def ping(self) -> dict[str, Any]:
        """ok while connected; False from a lost connection until aio-pika's reconnect
        (a robust connection is not "closed" while it reconnects)."""
        return {"ok": self._connected, "kind": self.kind}


async def _close_quietly(channel: AbstractChannel) -> None:
    """Close a channel that may be broken already, within a few seconds, whatever happens."""
    with contextlib.suppress(Exception):
        await asyncio.wait_for(channel.close(), 5)


def _dumps(body: dict[str, Any]) -> bytes:
    return encode(body).encode("utf-8")


def _loads(raw: bytes) -> dict[str, Any]:
    return decode(raw.decode("utf-8"))
