"""`/metrics`: Prometheus text format behind METRICS_TOKEN."""

from __future__ import annotations

import datetime as dt

from aiohttp.test_utils import TestClient
from prometheus_client.parser import text_string_to_metric_families

from app.broker import Message, queue_name
from app.runtime import Runtime
from app.storage import ORDERS, SKU_STATES
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
    await runtime.storage.db[ORDERS].insert_one(
        {"store_id": "acme-mx", "linio_order_id": "1", "state": "approved"}
    )
    await runtime.broker.publish(queue_name("price", "acme-mx"), {"kind": "sku"})
    await runtime.dead_letters.record(
        Message(id="d1", queue=queue_name("order", "acme-mx"), body={}), "gave up"
    )
    response = await service.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(await response.text())
        for s in family.samples
    }
    assert samples[("vtex_linio_skus", (("state", "live"), ("store", "acme-mx")))] == 2
    assert samples[("vtex_linio_skus", (("state", "pending"), ("store", "acme-mx")))] == 1
    assert samples[("vtex_linio_orders", (("state", "approved"), ("store", "acme-mx")))] == 1
    assert samples[("vtex_linio_queue_depth", (("queue", "price"), ("store", "acme-mx")))] == 1
    assert samples[("vtex_linio_dead_letters", (("queue", "order"), ("store", "acme-mx")))] == 1
    assert samples[("vtex_linio_feed_quota_left", (("store", "acme-mx"),))] > 0
    lag = "vtex_linio_sku_sync_lag_seconds"
    assert samples[(f"{lag}_count", (("store", "acme-mx"),))] == 2
    assert samples[(f"{lag}_bucket", (("le", "5.0"), ("store", "acme-mx")))] == 1
    assert samples[(f"{lag}_sum", (("store", "acme-mx"),))] == 44
