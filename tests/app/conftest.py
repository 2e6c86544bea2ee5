"""Fixtures of the broker tests: a runtime on each broker and a store of the test's own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from app.runtime import Runtime, open_runtime
from app.settings import Settings
from tests.reliability.rabbit_faults import delete_store_queues


@pytest.fixture
def store_id() -> str:
    return f"s{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def broker_runtime(broker_settings: Settings, store_id: str) -> AsyncIterator[Runtime]:
    """A runtime on the in-process broker, then on RabbitMQ (the store's queues deleted
    afterwards)."""
    async with open_runtime(broker_settings) as runtime:
        yield runtime
    if broker_settings.amqp_url:
        await delete_store_queues(broker_settings.amqp_url, store_id)
