"""The one retry decision: the error's class says retry, wait or dead-letter now.

A table of pure cases (no server), then the case the shape issue names: a wrong Seller
Center API key is dead-lettered after ONE attempt, with a seller log that says what to fix,
on both brokers, through the real client pool against the Seller Center simulator.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import aio_pika
import aiohttp
import pybreaker
import pytest
from pymongo.errors import AutoReconnect

from app.broker import Message, Reject, RetryPolicy, Wait, queue_name
from app.broker.base import classify, decide
from app.runtime import Runtime, open_runtime
from app.settings import Settings
from clients.errors import (
    AuthError,
    CircuitOpenError,
    ItemError,
    PermanentError,
    ThrottledError,
    TransientError,
)
from clients.outbound import OutboundHostDenied
from domain.errors import entry
from domain.stores import StoreCredentials
from domain.work import MalformedWork, parse_work
from simulators.linio import LinioSimulator, SimSeller
from tests.conftest import acme_store

POLICY = RetryPolicy(max_attempts=10, base_delay=1.0, max_delay=300.0, item_attempts=3)


def _message(attempt: int = 1, **headers: object) -> Message:
    return Message(id="m1", queue="catalog.acme-mx", body={}, attempt=attempt, headers=headers)


@pytest.mark.parametrize(
    ("exc", "kind", "action"),
    [
        (AuthError("E009 Access Denied", code="E009"), "config", "dead"),
        (OutboundHostDenied("https://evil.example.com/"), "config", "dead"),
        (PermanentError("E014 invalid value"), "rejected", "dead"),
        (MalformedWork("no store_id"), "rejected", "dead"),
        (Reject("never"), "rejected", "dead"),
        (ThrottledError("E429", retry_after=7.0), "throttled", "retry"),
        (CircuitOpenError("open"), "unavailable", "retry"),
        (pybreaker.CircuitBreakerError("open"), "unavailable", "retry"),
        (TransientError("502"), "transient", "retry"),
        (aiohttp.ClientConnectionError("reset"), "transient", "retry"),
        (TimeoutError(), "transient", "retry"),
        (AutoReconnect("primary gone"), "transient", "retry"),
        (ItemError("E021 FOB not enabled", code="E021"), "item", "retry"),
        (KeyError("a bug of ours"), "bug", "retry"),
    ],
)
def test_the_error_class_decides(exc: BaseException, kind: str, action: str) -> None:
    decision = decide(_message(), exc, POLICY)
    assert (classify(exc)[0], decision.action) == (kind, action)
    assert decision.kind == kind


def test_throttling_waits_its_retry_after_without_using_an_attempt() -> None:
    decision = decide(_message(attempt=4), ThrottledError("E429", retry_after=42.0), POLICY)
    assert decision.action == "retry" and not decision.counts
    assert decision.delay >= 42.0


def test_an_outage_never_dead_letters_however_long_it_lasts() -> None:
    message = _message(attempt=1, **{"x-waits": 500})
    decision = decide(message, CircuitOpenError("Seller Center down"), POLICY)
    assert decision.action == "retry" and not decision.counts
    assert decision.delay <= POLICY.max_delay * 1.1  # waits at the cap, forever


def test_transient_errors_get_at_least_ten_attempts() -> None:
    for attempt in range(1, 10):
        assert decide(_message(attempt=attempt), TransientError("503"), POLICY).action == "retry"
    assert decide(_message(attempt=10), TransientError("503"), POLICY).action == "dead"


def test_an_item_error_gets_a_few_tries_then_becomes_a_seller_action() -> None:
    error = ItemError("E021", code="E021")
    assert decide(_message(attempt=2), error, POLICY).action == "retry"
    assert decide(_message(attempt=3), error, POLICY).action == "dead"


SELLER = SimSeller(user_id="ops@acme.mx", api_key="the-right-key-0123456789", seller_id="ACME01")


@pytest.fixture
async def seller_center() -> AsyncIterator[LinioSimulator]:
    async with LinioSimulator([SELLER]) as simulator:
        yield simulator


async def test_a_wrong_seller_center_key_is_dead_lettered_after_one_attempt(
    broker_settings: Settings, seller_center: LinioSimulator
) -> None:
    settings = broker_settings.with_(retry_base_delay=5.0, retry_max_delay=5.0)
    store = acme_store(
        store_id=f"wrongkey-{uuid.uuid4().hex[:8]}",
        linio_user_id=SELLER.user_id,
        linio_seller_id=SELLER.seller_id,
        linio_base_url=seller_center.url,
        credentials=StoreCredentials(linio_api_key="a-wrong-key-9876543210"),
    )
    calls: list[int] = []
    async with open_runtime(settings) as runtime:
        await runtime.stores.upsert(store)
        queue = queue_name("catalog", store.store_id)

        async def handler(message: Message) -> None:
            parse_work(message.body)
            calls.append(message.attempt)
            stored = await runtime.stores.get(message.store_id)
            assert stored is not None
            await runtime.clients.linio(stored).get_brands()

        await runtime.broker.publish(
            queue, {"kind": "sku", "store_id": store.store_id, "sku_id": "42"}
        )
        await runtime.broker.consume(queue, handler)
        letters = await _wait_for_dead_letter(runtime, store.store_id)
        logs = await runtime.seller_log.find(store_id=store.store_id)
        await runtime.broker.stop_consuming(queue)
        await _cleanup(runtime, settings, store.store_id)

    assert calls == [1]  # one attempt, no retry
    [letter] = letters
    assert letter["attempts"] == 1 and letter["headers"]["x-failure-kind"] == "config"
    [log] = logs
    linio_auth = entry("linio_auth")
    assert log["code"] == "linio_auth" and log["Status"] == "error"
    assert log["Action"]["es"] == linio_auth.action.es and "API key" in log["Action"]["en"]
    assert "a-wrong-key-9876543210" not in repr(log) + repr(letter)


async def _wait_for_dead_letter(runtime: Runtime, store_id: str) -> list[dict[str, object]]:
    for _ in range(400):
        letters = await runtime.dead_letters.list(store_id=store_id)
        if letters and await runtime.seller_log.find(store_id=store_id):
            return letters
        await asyncio.sleep(0.025)
    raise AssertionError("the message was never dead-lettered")


async def _cleanup(runtime: Runtime, settings: Settings, store_id: str) -> None:
    if not settings.amqp_url:
        return
    connection = await aio_pika.connect(settings.amqp_url)
    async with connection:
        channel = await connection.channel()
        for suffix in ("", ".retry", ".dead"):
            await channel.queue_delete(f"catalog.{store_id}{suffix}")


def test_work_waiting_for_another_process_uses_no_attempt() -> None:
    """Another process holds the order's claim: the message comes back after the wait
    (growing), however many times, and is never dead-lettered for it."""
    policy = RetryPolicy(max_attempts=10, base_delay=1.0, max_delay=300.0)
    message = Message(id="m", queue=queue_name("order-status", "acme-mx"), body={}, attempt=10)
    decision = decide(message, Wait("claimed elsewhere", retry_after=3.0), policy)
    assert (decision.action, decision.counts, decision.kind) == ("retry", False, "waiting")
    assert decision.delay >= 3.0
