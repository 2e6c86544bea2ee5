"""RabbitMQ refusing work: a route answers 503 `broker_unavailable` (never 500), and what it
started says so (issue 23; the review found 500s on every route but the notification's).

RabbitMQ in a vhost of the test's own refuses every publish to the store's catalog queue
(a `max-length 0, reject-publish` policy: what a full or protected queue does); the broker
gives up after its `reconnect_timeout`, shortened here to one second.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from app.runtime import open_runtime
from app.settings import Settings
from app.web import create_app
from domain.stores import Store
from tests.reliability.rabbit_faults import own_vhost, rabbitmqctl

pytestmark = pytest.mark.rabbitmq


async def test_a_refused_publish_answers_503_and_the_load_says_it_was_not_queued(
    settings: Settings, rabbit_url: str, make_store: Callable[..., Store]
) -> None:
    store = make_store()
    with own_vhost(rabbit_url) as url:
        vhost = url.rsplit("/", 1)[1]
        async with open_runtime(settings.with_(amqp_url=url)) as runtime:
            await runtime.stores.upsert(store)
            runtime.broker.reconnect_timeout = 1.0  # type: ignore[attr-defined]
            rabbitmqctl(
                "set_policy",
                "-p",
                vhost,
                "refuse",
                rf"^catalog\.{store.store_id}$",
                '{"max-length": 0, "overflow": "reject-publish"}',
                "--apply-to",
                "queues",
            )
            client = TestClient(TestServer(create_app(settings, runtime=runtime)))
            await client.start_server()
            try:
                auth = {
                    "Authorization": aiohttp.encode_basic_auth(
                        settings.admin_user, settings.admin_password
                    )
                }
                response = await client.post(f"/api/stores/{store.store_id}/load", headers=auth)
                body: dict[str, Any] = await response.json()
                assert response.status == 503, body
                assert body["error"]["code"] == "broker_unavailable"
                assert response.headers["Retry-After"] == "5"
                load = await runtime.loads.current(store.store_id)
                assert load is not None and "not queued" in load.get("error", "")
            finally:
                await client.close()
