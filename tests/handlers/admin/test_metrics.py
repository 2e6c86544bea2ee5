"""`/metrics`: Prometheus text format behind METRICS_TOKEN."""

from __future__ import annotations

import datetime as dt

from aiohttp.test_utils import TestClient
from prometheus_client.parser import text_string_to_metric_families

from app.broker import Message, queue_name
from app.runtime import Runtime
from app.seller_window import SELLER_WINDOWS, SharedWindow
from app.storage import FEEDS, ORDERS, SKU_STATES
from clients.feed_quota import FeedQuota
from domain.catalog.feeds import FeedQuotaLedger
from domain.stores import StoreCredentials
from tests.handlers.admin.conftest import METRICS_TOKEN

T0 = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)


async def test_metrics_need_the_token_and_count_what_the_flows_wrote(
    service: TestClient, runtime: Runtime, make_store: object
) -> None:
    store = make_store(  # type: ignore[operator]
        linio_seller_id="ACME01", credentials=StoreCredentials(linio_api_key="k" * 20)
    )
    await runtime.stores.upsert(store)
    runtime.clients.linio(store)  # the process's Seller Center client for the store
    assert (await service.get("/metrics")).status == 401
    wrong = await service.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert (await wrong.json())["error"]["code"] == "metrics_unauthorized"
    await runtime.storage.db[SKU_STATES].insert_many(
        [
            {
                "store_id": "acme-mx",
                "sku_id": "1",
                "status": "live",
                "stages": {"notified": T0, "live": T0 + dt.timedelta(seconds=4)},
            },
            {
                "store_id": "acme-mx",
                "sku_id": "2",
                "status": "live",
                "stages": {"notified": T0, "live": T0 + dt.timedelta(seconds=40)},
            },
            {"store_id": "acme-mx", "sku_id": "3", "status": "pending"},
        ]
    )
    # Linio's CreatedAt is Mexico City's wall clock without an offset (UTC-6 in November):
    # 10:00:00 there is 16:00:00 UTC; VTEX named its order 16:00:30 UTC → a 30-s lag.
    placed = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=10)
    linio_wall = (placed - dt.timedelta(seconds=30, hours=6)).replace(tzinfo=None)
    await runtime.storage.db[ORDERS].insert_one(
        {
            "store_id": "acme-mx",
            "linio_order_id": "1",
            "state": "approved",
            "vtex_order_id": "LMX-1-01",
            "created_at": placed - dt.timedelta(seconds=20),
            "updated_at": placed,
            "linio": {"created_at": linio_wall},
            "timeline": [
                {"event": "vtex_answered", "at": placed, "vtex_order_id": "LMX-1-01"},
                {
                    "event": "vtex_answered",
                    "at": placed + dt.timedelta(hours=1),
                    "vtex_order_id": "x",
                },
            ],
        }
    )
    asked = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)).isoformat()
    await runtime.broker.publish(queue_name("price", "acme-mx"), {"kind": "sku", "at": asked})
    # two processes' windows over the same seller: their calls add up in the database
    for _ in range(3):
        async with SharedWindow(runtime.storage.db[SELLER_WINDOWS], "mx:ACME01").slot():
            pass
    async with SharedWindow(runtime.storage.db[SELLER_WINDOWS], "mx:ACME01").slot():
        pass
    ledger = FeedQuotaLedger(runtime.storage.db)
    await ledger.save("acme-mx", FeedQuota(50, 120.0), country="MX", sent=2)
    await runtime.storage.db[FEEDS].insert_many(
        [
            {"store_id": "acme-mx", "feed_id": "F1", "status": "Finished"},
            {"store_id": "acme-mx", "feed_id": "F2", "status": "Finished"},
            {"store_id": "acme-mx", "feed_id": "F3", "status": "Error"},
        ]
    )
    await runtime.dead_letters.record(
        Message(id="d1", queue=queue_name("order", "acme-mx"), body={}), "gave up"
    )
    response = await service.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    text = await response.text()
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    assert samples[("vtex_linio_skus", (("state", "live"), ("store", "acme-mx")))] == 2
    # the listener counted the test's own writes (untagged: "other") and the scrape's reads
    written = ("vtex_linio_db_documents_written_total", (("collection", "sku_states"),))
    assert samples[(written[0], (*written[1], ("pipeline", "other")))] >= 3
    finds = [
        v
        for (name, labels), v in samples.items()
        if name == "vtex_linio_db_commands_total"
        and dict(labels).get("pipeline") == "status"
        and dict(labels).get("command") in ("find", "aggregate")
    ]
    assert finds and all(v > 0 for v in finds)
    assert samples[("vtex_linio_skus", (("state", "pending"), ("store", "acme-mx")))] == 1
    assert samples[("vtex_linio_orders", (("state", "approved"), ("store", "acme-mx")))] == 1
    assert samples[("vtex_linio_queue_depth", (("queue", "price"), ("store", "acme-mx")))] == 1
    assert samples[("vtex_linio_dead_letters", (("queue", "order"), ("store", "acme-mx")))] == 1
    assert samples[("vtex_linio_feed_quota_left", (("store", "acme-mx"),))] == 50
    assert samples[("vtex_linio_feeds_sent_today", (("store", "acme-mx"),))] == 2
    assert samples[("vtex_linio_feeds", (("status", "Finished"), ("store", "acme-mx")))] == 2
    assert samples[("vtex_linio_seller_center_calls_total", (("seller", "mx:ACME01"),))] == 4
    assert samples[("vtex_linio_seller_center_calls_in_window", (("seller", "mx:ACME01"),))] >= 1
    age = (
        "vtex_linio_queue_oldest_message_age_seconds",
        (("queue", "price"), ("store", "acme-mx")),
    )
    assert samples[age] >= 120
    assert samples[("vtex_linio_price_guard_held", (("store", "acme-mx"),))] == 0
    order_lag = "vtex_linio_order_lag_seconds"
    assert samples[(f"{order_lag}_count", (("store", "acme-mx"),))] == 1
    assert samples[(f"{order_lag}_sum", (("store", "acme-mx"),))] == 30
    assert "# TYPE vtex_linio_breaker_state gauge" in text  # this process's breakers
    lag = "vtex_linio_sku_sync_lag_seconds"
    assert samples[(f"{lag}_count", (("store", "acme-mx"),))] == 2
    assert samples[(f"{lag}_bucket", (("le", "5.0"), ("store", "acme-mx")))] == 1
    assert samples[(f"{lag}_sum", (("store", "acme-mx"),))] == 44
