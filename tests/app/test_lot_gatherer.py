"""`LotGatherer` on both real brokers (CLARIFICATIONS §9): the messages a consumer holds
together run as one lot, a lot closes at its item limit, and each message keeps its own
outcome (acknowledged once, or retried alone with its attempts)."""

from __future__ import annotations

import collections
import uuid
from collections.abc import Mapping

from app.broker import Message, queue_name
from app.broker.lots import LotGatherer
from app.runtime import Runtime
from clients.errors import TransientError
from tests.reliability.waits import until


async def test_messages_held_together_run_as_few_lots_each_settled_once(
    broker_runtime: Runtime, store_id: str
) -> None:
    broker = broker_runtime.broker
    queue = queue_name("catalog", store_id)
    lots: list[list[str]] = []
    handled: collections.Counter[str] = collections.Counter()

    async def run_lot(messages: list[Message]) -> Mapping[str, BaseException]:
        lots.append([m.body["sku"] for m in messages])
        return {}

    gather = LotGatherer(run_lot, max_items=500, max_wait=0.3)

    async def handler(message: Message) -> None:
        await gather.submit(store_id, message)
        handled[message.body["sku"]] += 1

    await broker.publish_many([(queue, {"sku": str(n)}) for n in range(40)])
    await broker.consume(queue, handler, prefetch=50)
    await until(lambda: len(handled) == 40, "every message handled")
    assert set(handled.values()) == {1}
    assert len(lots) < 40 and sum(len(lot) for lot in lots) == 40


async def test_a_lot_closes_at_its_item_limit(broker_runtime: Runtime, store_id: str) -> None:
    broker = broker_runtime.broker
    queue = queue_name("catalog", store_id)
    sizes: list[int] = []

    async def run_lot(messages: list[Message]) -> Mapping[str, BaseException]:
        sizes.append(sum(m.body["items"] for m in messages))
        return {}

    gather = LotGatherer(run_lot, max_items=500, max_wait=5.0)

    async def handler(message: Message) -> None:
        await gather.submit(store_id, message, items=message.body["items"])

    await broker.publish_many([(queue, {"items": 200}) for _ in range(6)])
    await broker.consume(queue, handler, prefetch=10)
    await until(lambda: sum(sizes) == 1200, "every item run")
    assert max(sizes) <= 500  # never more than the limit, without waiting 5 s for more


async def test_a_message_that_failed_in_its_lot_is_retried_alone(
    broker_runtime: Runtime, store_id: str
) -> None:
    broker = broker_runtime.broker
    queue = queue_name("catalog", store_id)
    seen: collections.Counter[str] = collections.Counter()
    done: set[str] = set()
    bad = uuid.uuid4().hex

    async def run_lot(messages: list[Message]) -> Mapping[str, BaseException]:
        errors: dict[str, BaseException] = {}
        for message in messages:
            seen[message.body["sku"]] += 1
            if message.body["sku"] == bad and seen[bad] == 1:
                errors[message.id] = TransientError("VTEX answered 503 for this SKU once")
        return errors

    gather = LotGatherer(run_lot, max_items=500, max_wait=0.2)

    async def handler(message: Message) -> None:
        await gather.submit(store_id, message)
        done.add(message.body["sku"])

    await broker.publish_many([(queue, {"sku": s}) for s in ["a", "b", bad, "c"]])
    await broker.consume(queue, handler, prefetch=10)
    await until(lambda: done == {"a", "b", "c", bad}, "every message done")
    assert seen["a"] == seen["b"] == seen["c"] == 1  # the others ran once
    assert seen[bad] == 2  # the failed one again, alone
