"""Coalescing never loses a change: the two places it happens, on real storage and broker."""

import asyncio
import datetime as dt

import pytest

from app.broker import Message, queue_name
from app.runtime import Runtime
from clients.vtex.inbound import parse_catalog_notification
from domain.catalog.states import Evaluation, Reading, SentSku, SkuResult, content_hash


def note(sku: str, **flags: bool):
    return parse_catalog_notification({"IdSku": sku, "An": "acme", "IdAffiliate": "LMX", **flags})


async def test_consumer_skips_only_what_a_later_finished_read_already_covered(
    runtime: Runtime,
) -> None:
    states = runtime.sku_states
    before_first_read = dt.datetime.now(dt.UTC)
    await asyncio.sleep(0.01)
    reading, _ = await states.begin_reading("acme-mx", "1", "catalog", before_first_read)
    assert reading == Reading.FRESH
    # That read has not finished (another consumer's, or one cut half way by a crash or a
    # lost channel): a change notified before it comes back later, never taken for done.
    reading, _ = await states.begin_reading("acme-mx", "1", "catalog", before_first_read)
    assert reading == Reading.BUSY
    # Once the read is evaluated, a notification received before it started is covered.
    await states.set_fields("acme-mx", "1", {"evaluated_at": dt.datetime.now(dt.UTC)})
    reading, _ = await states.begin_reading("acme-mx", "1", "catalog", before_first_read)
    assert reading == Reading.DONE
    # A notification received after the read started must be processed.
    await asyncio.sleep(0.01)
    after = dt.datetime.now(dt.UTC)
    reading, _ = await states.begin_reading("acme-mx", "1", "catalog", after)
    assert reading == Reading.FRESH
    # Contexts are independent.
    reading, _ = await states.begin_reading("acme-mx", "1", "price", before_first_read)
    assert reading == Reading.FRESH


async def test_a_read_cut_half_way_is_read_again_after_its_lease(runtime: Runtime) -> None:
    states = runtime.sku_states
    notified = dt.datetime.now(dt.UTC)
    await asyncio.sleep(0.01)
    reading, _ = await states.begin_reading("acme-mx", "2", "catalog", notified)
    assert reading == Reading.FRESH  # ... and that read is cut before its evaluation
    reading, _ = await states.begin_reading("acme-mx", "2", "catalog", notified)
    assert reading == Reading.BUSY
    await asyncio.sleep(0.05)
    lease = dt.timedelta(seconds=0.05)
    reading, _ = await states.begin_reading("acme-mx", "2", "catalog", notified, lease=lease)
    assert reading == Reading.FRESH


async def test_intake_coalesces_only_while_the_message_waits(runtime: Runtime) -> None:
    intake, broker = runtime.intake, runtime.broker
    first = await intake.submit("acme-mx", note("9", StockModified=True))
    second = await intake.submit("acme-mx", note("9", StockModified=True))
    assert (first.queued, second.coalesced) == (["stock"], ["stock"])
    taken = asyncio.Event()
    release = asyncio.Event()

    async def slow_consumer(message: Message) -> None:
        taken.set()
        await release.wait()

    await broker.consume(queue_name("stock", "acme-mx"), slow_consumer, prefetch=1)
    await asyncio.wait_for(taken.wait(), 5)
    # The consumer has the message and may already have read VTEX: a new change needs
    # its own message.
    third = await intake.submit("acme-mx", note("9", StockModified=True))
    assert third.queued == ["stock"]
    release.set()
    await intake.flush()
    state = await runtime.sku_states.get("acme-mx", "9")
    assert state["notifications"] == 3 and state["status"] == "pending"


async def test_intake_batches_concurrent_notifications(runtime: Runtime) -> None:
    outcomes = await asyncio.gather(
        *(
            runtime.intake.submit("acme-mx", note(str(i), PriceModified=True, StockModified=True))
            for i in range(200)
        )
    )
    assert all(o.queued == ["price", "stock"] for o in outcomes)
    assert await runtime.broker.depth(queue_name("price", "acme-mx")) == 200
    await runtime.intake.flush()
    assert await runtime.storage.db.sku_states.count_documents({"status": "pending"}) == 200


async def test_feed_side_of_the_states_table(runtime: Runtime) -> None:

    states = runtime.sku_states
    await states.stamp("acme-mx", "5", "read")
    with pytest.raises(ValueError):
        await states.stamp("acme-mx", "5", "teleported")
    fields = {"Name": "Celular", "Price": "10.00", "Quantity": 3}
    await states.record_sent("acme-mx", "F1", "ProductCreate", [SentSku("5", "S-5", fields)])
    assert await states.on_linio("acme-mx", ["S-5"]) == set()
    await states.record_results(
        "acme-mx", "F1", "ProductCreate", [SkuResult("5", "S-5", "accepted")]
    )
    doc = await states.get("acme-mx", "5")
    assert doc is not None
    assert set(doc["stages"]) == {"read", "sent", "confirmed", "live"}
    assert (doc["last_price"], doc["last_stock"]) == ({"Price": "10.00"}, 3)
    assert doc["content_hash"] == content_hash({"Name": "Celular", "Price": "99"})  # price apart
    assert doc["content_hash"] != content_hash({"Name": "Otro"})
    assert doc["feed_ids"] == ["F1"] and doc["last_result"]["result"] == "accepted"
    assert await states.on_linio("acme-mx", ["S-5", "S-6"]) == {"S-5"}


async def test_on_linio_answers_for_any_number_of_skus(runtime: Runtime) -> None:
    """The feed owner asks with every staged SellerSku (thousands during a load): answered
    in `$in` chunks, `on_linio` checked on each document."""
    states = runtime.sku_states
    for n in range(130):
        await states.link("acme-mx", str(n), f"S{n}", on_linio=True if n % 2 else None)
    asked = [f"S{n}" for n in range(130)] + ["S1", "unknown"]
    assert await states.on_linio("acme-mx", asked) == {f"S{n}" for n in range(1, 130, 2)}
    assert await states.on_linio("other-store", asked) == set()
    assert await states.on_linio("acme-mx", []) == set()


async def test_a_late_mark_never_hides_a_newer_evaluation_and_price_leaves_the_status(
    runtime: Runtime,
) -> None:
    """A catalog notification shows the SKU pending only until a read that began after it
    is written with its evaluation; a mark written late (a storm's chunk, a coalesced
    repeat's lazy mark) carries its received time and changes nothing then. A price or
    stock notification never changes the catalog status of a SKU already seen."""
    states = runtime.sku_states
    received = dt.datetime.now(dt.UTC)
    later = received + dt.timedelta(seconds=1)
    await states.evaluated_many(
        "acme-mx", [Evaluation("5", "staged", read_at=later, fields={"catalog_hash": "h"})]
    )
    notified = parse_catalog_notification(
        {"IdSku": "5", "An": "acme", "IdAffiliate": "LMX", "HasStockKeepingUnitModified": True}
    )
    await states.mark_pending([("acme-mx", notified, received, 1)])  # written late
    state = await states.get("acme-mx", "5") or {}
    assert state["status"] == "staged" and state["notifications"] == 1
    priced = parse_catalog_notification(
        {"IdSku": "5", "An": "acme", "IdAffiliate": "LMX", "PriceModified": True}
    )
    await states.mark_pending([("acme-mx", priced, later + dt.timedelta(seconds=1), 1)])
    assert (await states.get("acme-mx", "5") or {})["status"] == "staged"
    await states.mark_pending([("acme-mx", notified, later + dt.timedelta(seconds=2), 1)])
    state = await states.get("acme-mx", "5") or {}
    assert state["status"] == "pending" and state["notifications"] == 3
    shown = state["stages"]["notified"]  # BSON keeps milliseconds
    assert (
        abs(shown.replace(tzinfo=dt.UTC) - (later + dt.timedelta(seconds=2))).total_seconds()
        < 0.001
    )
