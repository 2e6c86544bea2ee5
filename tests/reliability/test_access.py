"""Access to the routes that change state: the store's secret in the path, checked first.

A caller without the store's token changes nothing (not even with a valid token of another
store); an order cannot be grown past its per-order limits; no order ends answering 500.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from app.runtime import Runtime
from app.storage import ORDERS
from domain.orders import ledger
from domain.stores import Store


@pytest.fixture
async def stores(runtime: Runtime, make_store: Any) -> tuple[Store, Store]:
    acme = make_store()
    other = make_store(store_id="other-mx", account="other")
    for store in (acme, other):
        await runtime.stores.upsert(store)
    await runtime.storage.db[ORDERS].insert_one(
        {"store_id": "acme-mx", "linio_order_id": "123456", "vtex_order_id": "LMX-123456-01"}
    )
    return acme, other


def _routes(token: str) -> list[tuple[str, dict[str, Any] | None]]:
    root = f"/vtex/{token}"
    result = {
        "flow": "PlaceOrder",
        "code": "SOI001",
        "success": True,
        "marketplaceOrderId": "123456",
        "operationId": "x",
        "fields": {"mainOrderId": "ATTACKER-1"},
    }
    return [
        (f"{root}/order-integration/notification/processing-result", result),
        (f"{root}/pub/orders/LMX-123456-01/invoice", {"invoiceNumber": "NF-1"}),
        (f"{root}/pvt/orders/LMX-123456-01/invoice/NF-1", {"trackingNumber": "T"}),
        (f"{root}/pub/orders/LMX-123456-01/invoice/NF-1/tracking", {"isDelivered": True}),
        (f"{root}/pvt/orders/LMX-123456-01/cancel", None),
    ]


async def test_forged_callbacks_change_nothing(
    service: TestClient, runtime: Runtime, stores: tuple[Store, Store]
) -> None:
    _, other = stores
    before = await runtime.storage.db[ORDERS].find_one({"linio_order_id": "123456"})
    for token in ("", "forged-token-0000000000000000", other.notification_token):
        for url, body in _routes(token):
            response = await service.post(url, json=body) if body else await service.post(url)
            assert response.status == 404, (url, await response.text())
    # The old unauthenticated paths are gone.
    for url in ("/pub/orders/LMX-123456-01/invoice", "/pvt/orders/LMX-123456-01/cancel"):
        assert (await service.post(url, json={"invoiceNumber": "NF-1"})).status == 404
    after = await runtime.storage.db[ORDERS].find_one({"linio_order_id": "123456"})
    assert after == before
    assert await runtime.dead_letters.count() == 0


async def test_an_order_cannot_grow_past_its_limits(
    service: TestClient, runtime: Runtime, stores: tuple[Store, Store], monkeypatch: Any
) -> None:
    acme, _ = stores
    monkeypatch.setattr(ledger, "MAX_INVOICES", 3)
    root = f"/vtex/{acme.notification_token}/pub/orders/LMX-123456-01"
    for n in range(3):
        assert (await service.post(f"{root}/invoice", json={"invoiceNumber": f"NF-{n}"})).ok
    refused = await service.post(f"{root}/invoice", json={"invoiceNumber": "NF-9"})
    assert refused.status == 409
    assert (await refused.json())["error"]["code"] == "order_limit_reached"
    # A known invoice still takes its tracking: the order keeps working.
    tracking = await service.post(f"{root}/invoice/NF-0", json={"trackingNumber": "TRK1"})
    assert tracking.status == 200
    events = {"isDelivered": False, "events": [{"description": "x"}] * 201}
    too_many = await service.post(f"{root}/invoice/NF-0/tracking", json=events)
    assert too_many.status == 409
    order = await runtime.storage.db[ORDERS].find_one({"linio_order_id": "123456"})
    assert len(order["invoices"]) == 3


async def test_order_document_size_is_bounded(
    service: TestClient, runtime: Runtime, stores: tuple[Store, Store], monkeypatch: Any
) -> None:
    acme, _ = stores
    monkeypatch.setattr(ledger, "MAX_ORDER_BYTES", 64 * 1024)
    root = f"/vtex/{acme.notification_token}/pub/orders/LMX-123456-01"
    item = {"id": "1", "description": "x" * 400}
    statuses = []
    for n in range(12):
        body = {"invoiceNumber": f"NF-{n}", "items": [item] * 20}
        response = await service.post(f"{root}/invoice", json=body)
        statuses.append(response.status)
    assert 409 in statuses and 500 not in statuses
    order = await runtime.storage.db[ORDERS].find_one({"linio_order_id": "123456"})
    assert len(json.dumps(order, default=str)) < 80 * 1024
