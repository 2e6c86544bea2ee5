"""RabbitMQ connection dropped mid-burst: what was answered 200 is in the queue, once.

The service runs in-process against a real RabbitMQ reached through a TCP proxy the test
cuts; the queue is then read directly from RabbitMQ. 0 lost, 0 duplicated; answers during
the cut are 200 or 503, never 500.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import uuid
from typing import Any

import aio_pika
import pytest
from aiohttp.test_utils import TestClient, TestServer

from app.broker import queue_name
from app.runtime import open_runtime
from app.settings import Settings
from app.web import create_app
from tests.reliability.tcp_proxy import TcpProxy

pytestmark = pytest.mark.rabbitmq


async def _drain(rabbit_url: str, queue: str) -> list[tuple[str, dict[str, Any]]]:
    """(message id, body) of every message in the queue, which is then deleted."""
    connection = await aio_pika.connect(rabbit_url)
    bodies = []
    async with connection:
        channel = await connection.channel()
        amqp_queue = await channel.declare_queue(queue, durable=True)
        while (message := await amqp_queue.get(no_ack=True, fail=False)) is not None:
            bodies.append((message.message_id or "", json.loads(message.body)))
        for name in (queue, f"{queue}.retry", f"{queue}.dead"):
            with contextlib.suppress(Exception):
                await channel.queue_delete(name)
    return bodies


async def test_rabbitmq_connection_dropped_mid_burst_loses_and_duplicates_nothing(
    settings: Settings, rabbit_url: str, make_store: Any
) -> None:
    proxy = await TcpProxy("127.0.0.1", int(rabbit_url.rsplit(":", 1)[1].split("/")[0])).start()
    url = rabbit_url.replace(rabbit_url.split("@")[1].split("/")[0], f"127.0.0.1:{proxy.port}")
    account = f"r{uuid.uuid4().hex[:10]}"
    store = make_store(store_id=f"{account}-mx", account=account)
    statuses: dict[int, int] = {}
    try:
        async with open_runtime(settings.with_(amqp_url=url)) as runtime:
            await runtime.stores.upsert(store)
            client = TestClient(TestServer(create_app(settings, runtime=runtime)))
            await client.start_server()
            try:
                target = f"/vtex/{store.notification_token}/catalog/notification"
                pending = list(range(1, 601))

                async def worker() -> None:
                    while pending:
                        sku = pending.pop(0)
                        body = {
                            "IdSku": str(sku),
                            "An": account,
                            "IdAffiliate": "LMX",
                            "StockModified": True,
                        }
                        response = await client.post(target, json=body)
                        statuses[sku] = response.status

                workers = [asyncio.create_task(worker()) for _ in range(10)]
                while len(statuses) < 150:  # noqa: ASYNC110 - a count, not an event
                    await asyncio.sleep(0.01)
                assert proxy.cut() > 0
                await asyncio.gather(*workers)
            finally:
                await client.close()
    finally:
        await proxy.close()
    counts = collections.Counter(statuses.values())
    assert set(counts) <= {200, 503}, counts
    assert counts[200] >= 150
    messages = await _drain(rabbit_url, queue_name("stock", store.store_id))
    ids_per_sku: dict[int, set[str]] = collections.defaultdict(set)
    for message_id, body in messages:
        ids_per_sku[int(body["sku_id"])].add(message_id)
    accepted = {sku for sku, status in statuses.items() if status == 200}
    assert not accepted - set(ids_per_sku), f"lost: {sorted(accepted - set(ids_per_sku))[:20]}"
    # One unit of work per SKU. A publish whose confirm was lost in the cut is sent again
    # with the SAME message id (at-least-once delivery); consumers treat it as redundant
    # (SkuStates.begin_reading), so it is a redelivery, not duplicated work.
    assert not [sku for sku, ids in ids_per_sku.items() if len(ids) > 1], "duplicated work"
