"""The consumer watchdog (issue 23 item 1): consumers come back whatever took them away.

Real RabbitMQ, a vhost per test. Each fault is made the way it happens in production: the
broker cancels a consumer when its queue is deleted (an operator, a policy); the broker
closes a channel on a protocol error (PRECONDITION_FAILED); the broker closes every
connection (`close_all_connections`, what a node restart does to clients); a TCP cut.
After each, `Broker.ensure_consumers` (the worker runs it every few seconds) must leave
every queue consumed: RabbitMQ counts a consumer again and new messages are handled once.
For the feed queue (single active consumer), after its owner's connection is cut the other
process takes over, and never do two handle at once.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from app.broker import Message, RetryPolicy
from app.broker.rabbit import RabbitBroker
from tests.reliability.rabbit_faults import (
    Broker,
    close_connections,
    consumer_counts,
    own_vhost,
)
from tests.reliability.tcp_proxy import TcpProxy
from tests.reliability.waits import until

pytestmark = pytest.mark.rabbitmq


@pytest.fixture
def vhost_url(rabbit_url: str) -> Any:
    with own_vhost(rabbit_url) as url:
        yield url


async def _nothing(message: Message, reason: str) -> None:
    return None


def _broker(url: str) -> RabbitBroker:
    return RabbitBroker(
        url, policy=RetryPolicy(base_delay=0.01, max_delay=0.05), dead_letter_sink=_nothing
    )


@pytest.fixture
async def broker(vhost_url: str) -> AsyncIterator[RabbitBroker]:
    started = _broker(vhost_url)
    await started.start()
    yield started
    await started.close()


async def _handled_after_fault(
    broker: RabbitBroker, vhost_url: str, queue: str, fault: Callable[[], Awaitable[None]]
) -> collections.Counter[int]:
    """Consume `queue`, strike, run the watchdog until RabbitMQ counts a consumer again,
    then publish 20 messages; returns how often each was handled (once each expected)."""
    seen: collections.Counter[int] = collections.Counter()

    async def handler(message: Message) -> None:
        seen[message.body["n"]] += 1

    await broker.consume(queue, handler)
    await fault()

    async def consumed_again() -> bool:
        await broker.ensure_consumers()
        return ((await consumer_counts(vhost_url, [queue]))[queue] or 0) >= 1

    await until(consumed_again, f"{queue} consumed again")
    for n in range(20):
        await broker.publish(queue, {"n": n})

    async def all_handled() -> bool:
        await broker.ensure_consumers()
        return len(seen) == 20

    await until(all_handled, "every message handled")
    return seen


async def test_a_consumer_the_broker_cancelled_comes_back(
    broker: RabbitBroker, vhost_url: str
) -> None:
    queue = "catalog.cancelled"

    async def delete_the_queue() -> None:  # RabbitMQ cancels its consumers
        deleter = _broker(vhost_url)
        await deleter.start()
        try:
            channel = await deleter._connection.channel()  # type: ignore[union-attr]
            await channel.queue_delete(queue)
        finally:
            await deleter.close()

    seen = await _handled_after_fault(broker, vhost_url, queue, delete_the_queue)
    assert set(seen.values()) == {1}


async def test_a_consumer_whose_channel_the_broker_closed_comes_back(
    broker: RabbitBroker, vhost_url: str
) -> None:
    queue = "order.closed-channel"

    async def precondition_failed() -> None:  # an unknown delivery tag: channel closed (406)
        channel = broker._consumers[queue][0][0]
        underlay = await channel.get_underlay_channel()
        await underlay.basic_ack(987654)

    seen = await _handled_after_fault(broker, vhost_url, queue, precondition_failed)
    assert set(seen.values()) == {1}


async def test_a_consumer_channel_left_closed_after_a_failed_restore_is_replaced(
    broker: RabbitBroker, vhost_url: str
) -> None:
    """aio-pika restores what it can; a channel whose restore failed while the broker was
    away stays closed (logged as `RobustChannel._on_close ... error`). Closing it from our
    side leaves it in that state: only the watchdog brings the consumer back."""
    queue = "price.given-up"

    async def given_up() -> None:
        for channel, _, _ in broker._consumers[queue]:
            await channel.close()

    seen = await _handled_after_fault(broker, vhost_url, queue, given_up)
    assert set(seen.values()) == {1}


async def test_consumers_come_back_after_the_broker_closed_every_connection(
    broker: RabbitBroker, vhost_url: str
) -> None:
    queue = "stock.forced"

    async def forced() -> None:
        await asyncio.to_thread(close_connections, vhost_url)

    seen = await _handled_after_fault(broker, vhost_url, queue, forced)
    assert set(seen.values()) == {1}


async def test_the_feed_queue_has_one_active_consumer_across_a_cut_and_a_takeover(
    vhost_url: str,
) -> None:
    """Two worker processes consume `feed.<store>` (single active consumer). The active
    one's TCP link is cut: the other takes over, the first comes back as a standby, every
    nudge is handled once and never two at once."""
    host, port = vhost_url.split("@")[1].split("/")[0].split(":")
    proxy = await TcpProxy(host, int(port)).start()
    first, second = (
        _broker(vhost_url.replace(f"{host}:{port}", f"127.0.0.1:{proxy.port}")),
        _broker(vhost_url),
    )
    queue, running, most, seen = "feed.sac", 0, 0, collections.Counter()
    by: collections.Counter[str] = collections.Counter()

    def handler_for(name: str) -> Callable[[Message], Awaitable[None]]:
        async def handle(message: Message) -> None:
            nonlocal running, most
            running += 1
            most = max(most, running)
            await asyncio.sleep(0.01)
            seen[message.body["n"]] += 1
            by[name] += 1
            running -= 1

        return handle

    try:
        await first.start()
        await second.start()
        await first.consume(queue, handler_for("first"), prefetch=1)
        await second.consume(queue, handler_for("second"), prefetch=1)
        for n in range(10):
            await first.publish(queue, {"n": n})
        await until(lambda: len(seen) == 10, "the first nudges handled")
        assert set(by) == {"first"}  # the first consumer to attach is the active one
        # Cut only once RabbitMQ holds every acknowledgement: a nudge whose ack is still on
        # the wire is delivered again after the cut (at-least-once), not handled twice by
        # mistake.
        in_vhost = Broker("rabbitmq", vhost=urlsplit(vhost_url).path.lstrip("/"))

        async def all_acknowledged() -> bool:
            return (await asyncio.to_thread(in_vhost.messages)).get(queue) == 0

        await until(all_acknowledged, "every first nudge acknowledged")
        assert proxy.cut() > 0

        async def both_attached() -> bool:
            await first.ensure_consumers()
            await second.ensure_consumers()
            return ((await consumer_counts(vhost_url, [queue]))[queue] or 0) >= 2

        await until(both_attached, "both consumers attached again")
        for n in range(10, 30):
            await second.publish(queue, {"n": n})
        await until(lambda: len(seen) == 30, "every nudge handled")
        assert by["second"] > 0  # took over
        assert set(seen.values()) == {1}
        assert most == 1  # never two owners at once
    finally:
        await first.close()
        await second.close()
        await proxy.close()
