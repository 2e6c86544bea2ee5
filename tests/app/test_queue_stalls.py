"""A stalled queue is never silent (issue 23): on both brokers, a consumer that holds its
message and makes no progress turns /ready degraded, the overview red and the /metrics
gauge to 1 within the stall setting, and all of them clear once it moves again; a queue
with work and no consumer at all is `unattended` the same way.

The brokers and the web app are the real ones; the consumer is a test handler that waits
for an event (what a handler stuck on a call that never returns looks like from outside).
The worker's part (heartbeats) is `Worker.watch`'s call, made here at the moments a worker
would.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aio_pika
import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from app.broker import Message, queue_name
from app.runtime import Runtime, open_runtime
from app.settings import Settings
from app.web import create_app
from domain.stores import Store

STALL_SECONDS = 1.0


@pytest.fixture
async def rig(
    broker_settings: Settings, make_store: Callable[..., Store]
) -> AsyncIterator[tuple[Runtime, TestClient, Store]]:
    settings = broker_settings.with_(queue_stall_seconds=STALL_SECONDS)
    suffix = uuid.uuid4().hex[:8]
    store = make_store(store_id=f"stall-{suffix}", account=f"stall{suffix}")
    async with open_runtime(settings) as runtime:
        runtime.queue_monitor.interval = 0.2
        runtime.queue_monitor.grace = 0.5
        await runtime.stores.upsert(store)
        client = TestClient(TestServer(create_app(settings, runtime=runtime)))
        await client.start_server()
        try:
            yield runtime, client, store
        finally:
            await client.close()
            queue = queue_name("order-status", store.store_id)
            await runtime.broker.stop_consuming(queue)
            if settings.amqp_url:  # leave the shared vhost as it was
                await _delete(settings.amqp_url, [queue, f"{queue}.retry", f"{queue}.dead"])


async def _delete(url: str, queues: list[str]) -> None:
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        for name in queues:
            await channel.queue_delete(name)


async def _until(read: Callable[[], Awaitable[Any]], ok: Callable[[Any], bool], what: str) -> Any:
    """Read until `ok(value)`; a hang guard, not a speed check."""
    deadline = asyncio.get_running_loop().time() + 30
    while not ok(value := await read()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"hang guard: {what}; last {value}")
        await asyncio.sleep(0.1)
    return value


def _admin(runtime: Runtime) -> dict[str, str]:
    settings = runtime.settings
    return {
        "Authorization": aiohttp.encode_basic_auth(settings.admin_user, settings.admin_password)
    }


async def _ready(client: TestClient) -> dict[str, Any]:
    response = await client.get("/ready")
    assert response.status == 200
    return await response.json()


async def _alerts(client: TestClient, runtime: Runtime, store: Store) -> list[dict[str, Any]]:
    response = await client.get("/admin/api/overview", headers=_admin(runtime))
    body = await response.json()
    [card] = [c for c in body["stores"] if c["store_id"] == store.store_id]
    return card["queue_alerts"]


async def _gauges(client: TestClient, runtime: Runtime, store: Store) -> dict[str, float]:
    token = runtime.settings.metrics_token
    response = await client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    found = {}
    for family in text_string_to_metric_families(await response.text()):
        for sample in family.samples:
            labels = sample.labels
            if labels.get("store") == store.store_id and labels.get("queue") == "order-status":
                found[f"{sample.name}:{labels.get('state', '')}"] = sample.value
    return found


async def test_a_stuck_consumer_is_reported_stalled_then_recovered_and_a_queue_without_consumer_unattended(  # noqa: E501
    rig: tuple[Runtime, TestClient, Store],
) -> None:
    runtime, client, store = rig
    broker, queue = runtime.broker, queue_name("order-status", store.store_id)
    release, handled = asyncio.Event(), []

    async def stuck(message: Message) -> None:
        await release.wait()
        handled.append(message.body["n"])

    await broker.consume(queue, stuck, prefetch=1)
    at = dt.datetime.now(dt.UTC).isoformat()
    for n in range(3):
        await broker.publish(queue, {"n": n, "at": at})
    await runtime.heartbeats.beat(broker.activity)  # the worker's watchdog round
    assert (await _ready(client))["status"] in ("ready", "degraded")

    body = await _until(
        lambda: _ready(client), lambda b: b["status"] == "degraded", "/ready degraded"
    )
    assert body["checks"]["queues"]["stalled"] == 1, body
    [alert] = await _alerts(client, runtime, store)
    assert (alert["context"], alert["state"], alert["waiting"]) == ("order-status", "stalled", 2)
    gauges = await _gauges(client, runtime, store)
    assert gauges["vtex_linio_queue_stalled:stalled"] == 1.0
    assert gauges["vtex_linio_queue_consumers:"] >= 1
    page = await client.get("/admin", params={"lang": "en"}, headers=_admin(runtime))
    text = await page.text()
    assert "Queue “order-status” is stalled: no process has made progress for" in text
    assert "(messages waiting: 2; held by a worker: 1)" in text

    release.set()
    await _until(lambda: _depth(runtime, queue), lambda d: d == 0, "the queue drained")
    await _until(lambda: _settled(handled), lambda n: n == 3, "every message handled")
    await runtime.heartbeats.beat(broker.activity)
    await _until(lambda: _ready(client), lambda b: b["status"] == "ready", "/ready ready")
    assert await _alerts(client, runtime, store) == []
    assert (await _gauges(client, runtime, store))["vtex_linio_queue_stalled:stalled"] == 0.0

    # No consumer at all (a worker that could not come back): unattended.
    await broker.stop_consuming(queue)
    await runtime.heartbeats.beat(broker.activity)
    await broker.publish(queue, {"n": 3, "at": dt.datetime.now(dt.UTC).isoformat()})
    body = await _until(
        lambda: _ready(client), lambda b: b["checks"]["queues"]["unattended"] == 1, "unattended"
    )
    assert body["status"] == "degraded"
    [alert] = await _alerts(client, runtime, store)
    assert alert["state"] == "unattended"
    assert (await _gauges(client, runtime, store))["vtex_linio_queue_stalled:unattended"] == 1.0


async def _depth(runtime: Runtime, queue: str) -> int:
    return await runtime.broker.depth(queue)


async def _settled(handled: list[int]) -> int:
    return len(handled)


async def test_a_single_message_held_by_a_stuck_consumer_is_stalled(
    rig: tuple[Runtime, TestClient, Store],
) -> None:
    """Nothing waits (the one message is in the consumer's hands), yet nothing moves: the
    heartbeat of a live process holding it makes the queue stalled."""
    runtime, client, store = rig
    broker, queue = runtime.broker, queue_name("order-status", store.store_id)
    release = asyncio.Event()

    async def stuck(message: Message) -> None:
        await release.wait()

    await broker.consume(queue, stuck, prefetch=1)
    await broker.publish(queue, {"n": 0, "at": dt.datetime.now(dt.UTC).isoformat()})
    await _until(lambda: _held(runtime, queue), lambda n: n == 1, "the message in hand")

    async def beat_and_read() -> dict[str, Any]:  # the worker's round, then /ready
        await runtime.heartbeats.beat(broker.activity)
        return await _ready(client)

    body = await _until(beat_and_read, lambda b: b["status"] == "degraded", "stalled")
    assert body["checks"]["queues"] == {**body["checks"]["queues"], "stalled": 1, "waiting": 0}
    release.set()
    await _until(beat_and_read, lambda b: b["status"] == "ready", "/ready ready again")


async def _held(runtime: Runtime, queue: str) -> int:
    return runtime.broker.activity[queue].in_hand if queue in runtime.broker.activity else 0
