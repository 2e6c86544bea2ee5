"""The routes VTEX calls, over real HTTP, against a real SecantusDB and the in-process broker."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from aiohttp import encode_basic_auth
from aiohttp.test_utils import TestClient

from app.broker import queue_name
from app.manifest import load_manifest, path_template
from app.runtime import Runtime
from app.storage import ORDERS, SKU_STATES
from domain.seller_log import LogEntry
from domain.stores import Store, StoreCredentials
from tests.handlers.admin.conftest import login, post_form

APP_KEY, APP_TOKEN = "vtexappkey-acme-ABC", "APPTOKEN-0123456789-SECRET"


@pytest.fixture
async def store(runtime: Runtime, make_store: Any) -> Store:
    store = make_store(
        credentials=StoreCredentials(
            linio_api_key="linio-key-123456", vtex_app_key=APP_KEY, vtex_app_token=APP_TOKEN
        ),
    )
    await runtime.stores.upsert(store)
    return store


@pytest.fixture
def client(service: TestClient) -> TestClient:
    return service


def notification(**overrides: Any) -> dict[str, Any]:
    body = {
        "IdSku": "2001773",
        "ProductId": 2001426,
        "An": "acme",
        "IdAffiliate": "LMX",
        "DateModified": "2024-05-02T13:10:00Z",
        "IsActive": True,
        "StockModified": False,
        "PriceModified": False,
        "HasStockKeepingUnitModified": True,
        "HasStockKeepingUnitRemovedFromAffiliate": False,
    }
    body.update(overrides)
    return body


async def depth(runtime: Runtime, context: str, store_id: str = "acme-mx") -> int:
    return await runtime.broker.depth(queue_name(context, store_id))


# --- POST /catalog/notification ------------------------------------------------------------


async def test_notification_is_persisted_queued_and_coalesced(
    client: TestClient, runtime: Runtime, store: Store
) -> None:
    url = f"/catalog/notification?token={store.notification_token}"
    first = await client.post(url, json=notification())
    assert first.status == 200, await first.text()
    assert await first.json() == {
        "accepted": True,
        "store": "acme-mx",
        "sku": "2001773",
        "queued": ["catalog"],
        "coalesced": [],
    }
    await runtime.intake.flush()  # SKU states are marked pending just after the answer
    state = await runtime.storage.db[SKU_STATES].find_one({"sku_id": "2001773"})
    assert state["status"] == "pending" and state["product_id"] == "2001426"
    # Same SKU again while the first message waits: recorded, not queued twice.
    second = await client.post(url, json=notification())
    assert (await second.json())["coalesced"] == ["catalog"]
    assert await depth(runtime, "catalog") == 1
    await runtime.intake.flush()
    state = await runtime.storage.db[SKU_STATES].find_one({"sku_id": "2001773"})
    assert state["notifications"] == 2


async def test_lowercase_spelling_and_string_flags(client: TestClient, store: Store) -> None:
    body = {
        "idSKU": 55,
        "productId": "9",
        "an": "ACME",
        "idAffiliate": "lmx",
        "isActive": "true",
        "HasStockKeepingUnitModified": "false",
    }
    response = await client.post(
        f"/catalog/notification?token={store.notification_token}", json=body
    )
    assert response.status == 200, await response.text()
    assert (await response.json())["sku"] == "55"


async def test_price_stock_and_deactivation_go_to_their_queues(
    client: TestClient, runtime: Runtime, store: Store
) -> None:
    await runtime.storage.db[SKU_STATES].insert_one(
        {"store_id": "acme-mx", "sku_id": "2001773", "published": True}
    )
    url = f"/catalog/notification?token={store.notification_token}"
    response = await client.post(
        url,
        json=notification(
            HasStockKeepingUnitModified=False, PriceModified=True, StockModified=True
        ),
    )
    assert (await response.json())["queued"] == ["price", "stock"]
    assert await depth(runtime, "price") == 1 and await depth(runtime, "stock") == 1
    response = await client.post(url, json=notification(IdSku="77", IsActive=False))
    assert (await response.json())["queued"] == ["catalog"]
    response = await client.post(
        url, json=notification(IdSku="78", HasStockKeepingUnitRemovedFromAffiliate=True)
    )
    assert (await response.json())["queued"] == ["catalog"]


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        (b"{not json", 400, "invalid_json", None),
        (b"[1, 2]", 400, "invalid_notification", "body"),
        (json.dumps(notification(IdSku=True)).encode(), 400, "invalid_notification", "IdSku"),
        (json.dumps(notification(IdSku="12a")).encode(), 400, "invalid_notification", "IdSku"),
        (
            json.dumps(notification(IsActive="yes")).encode(),
            400,
            "invalid_notification",
            "IsActive",
        ),
        (
            json.dumps({"IdSku": "1", "An": "acme"}).encode(),
            400,
            "invalid_notification",
            "IdAffiliate",
        ),
        (json.dumps(notification(An="unknown")).encode(), 409, "store_mismatch", None),
        (json.dumps(notification(IdAffiliate="XYZ")).encode(), 409, "store_mismatch", None),
        (b"[" * 1000 + b"]" * 1000, 400, "invalid_json", None),
        (b'{"IdSku": 1e999999}', 400, "invalid_json", None),
        (b'{"IdSku": NaN}', 400, "invalid_json", None),
        (b"\xef\xbb\xbf{}", 400, "invalid_json", None),
        (
            json.dumps(notification(DateModified="x\ud800")).encode(),
            400,
            "invalid_json",
            None,
        ),
        (json.dumps(notification(An="acme\u0000")).encode(), 400, "invalid_json", None),
        (
            json.dumps(notification(IdSku="\u0661\u0662")).encode(),
            400,
            "invalid_notification",
            "IdSku",
        ),
        (json.dumps(notification(IdSku=10**40)).encode(), 400, "invalid_json", None),
        (json.dumps(notification(Extra=2**63)).encode(), 400, "invalid_json", None),
    ],
)
async def test_bad_notifications_are_refused_and_write_nothing(
    client: TestClient,
    runtime: Runtime,
    store: Store,
    body: bytes,
    status: int,
    code: str,
    field: str | None,
) -> None:
    response = await client.post(
        f"/catalog/notification?token={store.notification_token}",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status == status
    error = (await response.json())["error"]
    assert error["code"] == code and error["message"]
    if field:
        assert error["details"]["field"] == field and field in error["message"]
    await runtime.intake.flush()
    assert await runtime.storage.db[SKU_STATES].count_documents({}) == 0
    assert await depth(runtime, "catalog") == 0


async def test_token_in_the_path_and_the_old_query_form(
    client: TestClient, runtime: Runtime, store: Store
) -> None:
    path = await client.post(
        f"/vtex/{store.notification_token}/catalog/notification", json=notification()
    )
    assert path.status == 200, await path.text()
    assert (await runtime.stores.get("acme-mx")).legacy_endpoint_used is False
    legacy = await client.post(
        f"/catalog/notification?token={store.notification_token}", json=notification(IdSku="9")
    )
    assert legacy.status == 200
    assert (await runtime.stores.get("acme-mx")).legacy_endpoint_used is True


async def test_unknown_store_and_wrong_token_answer_the_same(
    client: TestClient, runtime: Runtime, store: Store
) -> None:
    answers = set()
    for url in (
        "/catalog/notification",
        "/catalog/notification?token=nope",
        "/catalog/notification?token=%C3%A9",
        "/catalog/notification?token=%ff",
        f"/catalog/notification?token={store.notification_token[:-1]}",
        "/vtex/nope/catalog/notification",
        "/vtex/%C3%A9/catalog/notification",
        f"/vtex/{store.notification_token.upper()}/catalog/notification",
    ):
        # The token is checked before the body is read: even a poison body gets the 404.
        response = await client.post(
            url, data=b"[" * 5000 + b"]" * 5000, headers={"Content-Type": "application/json"}
        )
        answers.add((response.status, await response.text()))
    assert len(answers) == 1
    [(status, text)] = answers
    assert status == 404 and json.loads(text)["error"]["code"] == "invalid_store_token"
    assert await runtime.storage.db[SKU_STATES].count_documents({}) == 0


async def test_tokens_are_hashed_at_rest_and_rotate(
    client: TestClient, runtime: Runtime, store: Store
) -> None:
    doc = await runtime.storage.db["stores"].find_one({"store_id": "acme-mx"})
    assert store.notification_token not in json.dumps(doc, default=str)
    assert doc["token_hash"] and doc["token_encrypted"]
    old = store.notification_token
    # A dashboard action: a signed-in session and its CSRF token (tests/handlers/admin).
    csrf = await login(client)
    rotated = await post_form(client, "/admin/stores/acme-mx/rotate-token", csrf)
    assert rotated.status == 303
    new = (await runtime.stores.get("acme-mx")).notification_token
    assert new != old
    gone = await client.post(f"/vtex/{old}/catalog/notification", json=notification())
    assert gone.status == 404
    works = await client.post(f"/vtex/{new}/catalog/notification", json=notification())
    assert works.status == 200
    # A cross-site form carries the cookie but not the token: refused.
    cross_site = await post_form(client, "/admin/stores/acme-mx/rotate-token", None)
    assert cross_site.status == 403
    admin = {"Authorization": encode_basic_auth("admin", "test-admin-password")}
    basic = await client.post(
        "/admin/stores/acme-mx/rotate-token", headers=admin, allow_redirects=False
    )
    assert basic.status == 403  # HTTP Basic never authorises a form action
    assert (await runtime.stores.get("acme-mx")).notification_token == new


async def test_plaintext_tokens_of_older_versions_are_migrated(
    runtime: Runtime, store: Store
) -> None:
    await runtime.storage.db["stores"].update_one(
        {"store_id": "acme-mx"},
        {
            "$set": {"notification_token": "old-plain-token-1234567890"},
            "$unset": {"token_hash": "", "token_encrypted": ""},
        },
    )
    assert await runtime.stores.migrate_tokens() == 1
    doc = await runtime.storage.db["stores"].find_one({"store_id": "acme-mx"})
    assert "notification_token" not in doc
    found = await runtime.stores.by_token("old-plain-token-1234567890")
    assert found is not None and found.store_id == "acme-mx"


# --- store configuration -----------------------------------------------------------------


async def test_store_config_notification_updates_and_deactivates(
    client: TestClient, runtime: Runtime, store: Store
) -> None:
    url = f"/store-config/notification?token={store.notification_token}"
    config = {
        "accountName": "acme",
        "active": True,
        "affiliateId": "LMX",
        "salesChannel": "5",
        "email": "ops@acme.mx",
        "cookie": "eyJhbGciOi-app-token",
        "allowFranchiseAccounts": False,
    }
    response = await client.post(url, json=config)
    assert response.status == 200, await response.text()
    saved = await runtime.stores.get("acme-mx")
    assert saved.sales_channel == "5" and saved.credentials.vtex_cookie == "eyJhbGciOi-app-token"
    assert await depth(runtime, "catalog") == 0  # was already active: no new load

    assert saved.allow_franchise_accounts is False
    response = await client.post(url, json={**config, "active": False})
    assert (await response.json())["queued"] == ["deactivate_store"]
    assert (await runtime.stores.get("acme-mx")).active is False
    response = await client.post(url, json={**config, "active": True})
    assert (await response.json())["queued"] == ["initial_load"]
    assert await depth(runtime, "catalog") == 2


async def test_store_config_bad_input(client: TestClient, runtime: Runtime, store: Store) -> None:
    url = f"/store-config/notification?token={store.notification_token}"
    base = {"accountName": "acme", "active": True, "affiliateId": "LMX", "salesChannel": "3"}
    bad = await client.post(url, json={**base, "affiliateId": "ABE"})
    assert bad.status == 400 and (await bad.json())["error"]["details"]["field"] == "affiliateId"
    bad = await client.post(url, json={**base, "salesChannel": "three"})
    assert bad.status == 400
    other = await client.post(url, json={**base, "accountName": "other"})
    assert other.status == 409
    forbidden = await client.post("/store-config/notification?token=x", json=base)
    assert forbidden.status == 404
    in_path = await client.post(
        f"/vtex/{store.notification_token}/store-config/notification",
        json={**base, "salesChannel": "٣"},
    )
    assert in_path.status == 400  # ASCII digits only
    assert (await runtime.stores.get("acme-mx")).sales_channel == "3"


async def test_store_config_sets_the_price_and_stock_rules(
    client: TestClient, runtime: Runtime, store: Store
) -> None:
    url = f"/store-config/notification?token={store.notification_token}"
    base = {"accountName": "acme", "active": True, "affiliateId": "LMX", "salesChannel": "3"}
    rules = {
        "markupPercent": 12.5,
        "markupFixed": "3",
        "rounding": "up",
        "safetyStock": 2,
        "priceDropGuardPercent": "30",
        "reconcileInterval": 900,
        "reconcileBudget": "200",
    }
    response = await client.post(url, json={**base, **rules})
    assert response.status == 200, await response.text()
    saved = await runtime.stores.get("acme-mx")
    assert saved is not None
    got = saved.rules()
    assert (got.markup_percent, got.markup_fixed, got.rounding) == (
        Decimal("12.5"),
        Decimal("3"),
        "up",
    )
    assert (got.safety_stock, got.price_drop_guard_percent) == (2, Decimal("30"))
    assert (saved.reconcile_interval, saved.reconcile_budget) == (900, 200)
    # Absent keys keep the rules; an empty guard switches it off.
    await client.post(url, json={**base, "priceDropGuardPercent": ""})
    saved = await runtime.stores.get("acme-mx")
    assert saved is not None and saved.rules().price_drop_guard_percent is None
    assert saved.rules().markup_percent == Decimal("12.5")
    bad = await client.post(url, json={**base, "markupPercent": "-5"})
    assert bad.status == 400
    assert (await bad.json())["error"]["details"]["field"] == "markupPercent"


async def test_get_config_template_contract(
    client: TestClient, runtime: Runtime, store: Store
) -> None:
    manifest = load_manifest()
    url = f"/_v/{manifest.vendor}/{manifest.name}/config"
    missing = await client.get(url)
    assert missing.status == 400
    assert (await missing.json())["error"]["message"] == "AppKey and AppToken are required"
    wrong = await client.get(url, headers={"appkey": APP_KEY, "apptoken": "wrong"})
    assert wrong.status == 403
    assert APP_TOKEN not in await wrong.text()
    ok = await client.get(
        url, headers={"X-VTEX-API-AppKey": APP_KEY, "X-VTEX-API-AppToken": APP_TOKEN}
    )
    assert ok.status == 200 and ok.headers["Cache-Control"] == "no-cache, no-store"
    body = await ok.json()
    assert body["accountName"] == "acme" and body["affiliateId"] == "LMX"
    assert body["allowFranchiseAccounts"] is False and body["salesChannel"] == "3"
    assert (await client.get("/_v/other/app/config")).status == 404


# --- orders ------------------------------------------------------------------------------


@pytest.fixture
async def order(runtime: Runtime, store: Store) -> dict[str, Any]:
    doc = {"store_id": "acme-mx", "linio_order_id": "123456", "vtex_order_id": "LMX-123456-01"}
    await runtime.storage.db[ORDERS].insert_one(doc)
    return doc


def vtex(store: Store, path: str) -> str:
    return f"/vtex/{store.notification_token}{path}"


async def test_processing_result_is_recorded_once(
    client: TestClient, runtime: Runtime, order: dict[str, Any], store: Store
) -> None:
    result = {
        "accountName": "acme",
        "success": True,
        "flow": "PlaceOrder",
        "operationId": "op-1",
        "marketplaceOrderId": "123456",
        "code": "SOI001",
        "message": "Order integrated successfully",
        "errors": None,
        "fields": {"mainOrderId": "LMX-123456-01", "franchiseOrderId": None},
    }
    url = vtex(store, "/order-integration/notification/processing-result?an=acme")
    first = await client.post(url, json=result)
    assert first.status == 200 and (await first.json())["duplicate"] is False
    again = await client.post(url, json=result)
    assert (await again.json())["duplicate"] is True
    assert await depth(runtime, "order") == 1
    saved = await runtime.storage.db[ORDERS].find_one({"linio_order_id": "123456"})
    assert saved["vtex_code"] == "SOI001" and len(saved["vtex_results"]) == 1

    bad = await client.post(url, json={**result, "code": None})
    assert bad.status == 400 and (await bad.json())["error"]["details"]["field"] == "code"
    unknown = await client.post(url, json={**result, "marketplaceOrderId": "999"})
    assert unknown.status == 404


async def test_invoice_then_tracking(
    client: TestClient, runtime: Runtime, order: dict[str, Any], store: Store
) -> None:
    invoice = {
        "type": "Output",
        "invoiceNumber": "NF-000123",
        "invoiceValue": 25980,
        "issuanceDate": "2024-05-03T10:00:00Z",
        "invoiceKey": "3524",
        "invoiceUrl": "https://erp.example.com/nf/000123.xml?a=1&b=2",
        "items": [{"id": "2001773", "quantity": 2, "price": 11990}],
    }
    response = await client.post(vtex(store, "/pub/orders/LMX-123456-01/invoice"), json=invoice)
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["orderId"] == "LMX-123456-01" and body["receipt"] and body["date"]
    again = await client.post(vtex(store, "/pvt/orders/LMX-123456-01/invoice"), json=invoice)
    assert (await again.json())["receipt"] == body["receipt"]
    assert (await again.json())["duplicate"] is True
    tracking = await client.post(
        vtex(store, "/pvt/orders/LMX-123456-01/invoice/NF-000123"),
        json={
            "trackingNumber": "TRK1",
            "courier": "Estafeta",
            "trackingUrl": "https://t.example/TRK1",
        },
    )
    assert tracking.status == 200
    delivered = await client.post(
        vtex(store, "/pub/orders/LMX-123456-01/invoice/NF-000123/tracking"),
        json={"isDelivered": True, "events": []},
    )
    assert delivered.status == 200
    assert await depth(runtime, "order-status") == 3  # invoice, tracking, delivered
    saved = await runtime.storage.db[ORDERS].find_one({"linio_order_id": "123456"})
    [stored] = saved["invoices"]
    assert stored["tracking_number"] == "TRK1" and stored["invoice_value"] == 25980
    assert stored["tracking_events"]["isDelivered"] is True


async def test_bad_invoice_changes_nothing(
    client: TestClient, runtime: Runtime, order: dict[str, Any], store: Store
) -> None:
    bad = await client.post(
        vtex(store, "/pub/orders/LMX-123456-01/invoice"),
        json={"invoiceNumber": "NF-1", "invoiceValue": "25.980"},
    )
    assert bad.status == 400
    assert (await bad.json())["error"]["details"]["field"] == "invoiceValue"
    unknown = await client.post(
        vtex(store, "/pub/orders/NOPE-1/invoice"), json={"invoiceNumber": "NF-1"}
    )
    assert unknown.status == 404
    missing = await client.post(
        vtex(store, "/pub/orders/LMX-123456-01/invoice/NF-9/tracking"), json={"isDelivered": "yes"}
    )
    assert missing.status == 400
    saved = await runtime.storage.db[ORDERS].find_one({"linio_order_id": "123456"})
    assert "invoices" not in saved
    assert await depth(runtime, "order-status") == 0


async def test_cancel_answers_the_same_receipt(
    client: TestClient, runtime: Runtime, order: dict[str, Any], store: Store
) -> None:
    first = await client.post(vtex(store, "/pvt/orders/LMX-123456-01/cancel"))
    body = await first.json()
    assert first.status == 200 and set(body) == {"orderId", "receipt", "date"}
    second = await client.post(
        vtex(store, "/pub/orders/LMX-123456-01/cancel"), json={"marketplaceOrderId": "123456"}
    )
    assert (await second.json())["receipt"] == body["receipt"]
    assert await depth(runtime, "order-status") == 1
    assert (await client.post(vtex(store, "/pvt/orders/NOPE/cancel"))).status == 404


async def test_callbacks_find_the_order_by_marketplace_order_id(
    client: TestClient, runtime: Runtime, order: dict[str, Any], store: Store
) -> None:
    """MkpProto addresses the marketplace as `/pvt/orders/{marketplaceOrderId}/…`; the
    invoice is the Orders API example with `invoiceValue` as a string of cents."""
    invoice = {"type": "Output", "invoiceNumber": "7999972", "invoiceValue": "7450",
               "issuanceDate": "2019-02-07T02:00:00.000Z", "invoiceKey": "799",
               "items": [{"id": "1231", "price": 7450, "quantity": 1}]}  # fmt: skip
    response = await client.post(vtex(store, "/pvt/orders/123456/invoice"), json=invoice)
    assert response.status == 200, await response.text()
    assert (await response.json())["orderId"] == "LMX-123456-01"
    cancel = await client.post(
        vtex(store, "/pvt/orders/123456/cancel"), json={"reason": "Sin stock"}
    )
    assert cancel.status == 200
    saved = await runtime.storage.db[ORDERS].find_one({"linio_order_id": "123456"})
    assert saved["invoices"][0]["invoice_value"] == 7450 and saved["cancel"]["receipt"]
    assert await depth(runtime, "order-status") == 2


async def test_a_marketplace_id_shared_by_two_stores_is_resolved_by_the_token(
    client: TestClient, runtime: Runtime, order: dict[str, Any], store: Store, make_store: Any
) -> None:
    chile = make_store(store_id="acme-cl", country="CL", affiliate_id="LCL")
    await runtime.stores.upsert(chile)
    await runtime.storage.db[ORDERS].insert_one(
        {"store_id": "acme-cl", "linio_order_id": "123456", "vtex_order_id": "LCL-123456-01"}
    )
    # The token says which store: the same marketplace id is never ambiguous.
    cl = await client.post(vtex(chile, "/pvt/orders/123456/cancel"), json={"reason": "x"})
    assert cl.status == 200 and (await cl.json())["orderId"] == "LCL-123456-01"
    other = await client.post(vtex(chile, "/pvt/orders/LMX-123456-01/cancel"), json={})
    assert other.status == 404  # Mexico's order is not Chile's to cancel
    by_vtex_id = await client.post(vtex(store, "/pvt/orders/LMX-123456-01/cancel"), json={})
    assert by_vtex_id.status == 200
    assert await depth(runtime, "order-status", "acme-cl") == 1
    assert await depth(runtime, "order-status", "acme-mx") == 1


async def test_unknown_flow_and_codes_are_recorded(
    client: TestClient, runtime: Runtime, order: dict[str, Any], store: Store
) -> None:
    url = vtex(store, "/order-integration/notification/processing-result?an=ACME.myvtex.com")
    result = {"marketplaceOrderId": "123456", "accountName": "acme", "code": "EOI005",
              "flow": "Unknown", "success": False, "operationId": "op-9",
              "errors": [{"source": "Order Integration", "code": "EOI005",
                          "description": "Validation error"}],
              "fields": None, "message": "Validation error"}  # fmt: skip
    response = await client.post(url, json=result)
    assert response.status == 200, await response.text()
    odd = await client.post(url, json={**result, "code": "SOI004", "operationId": "op-10"})
    assert odd.status == 200
    saved = await runtime.storage.db[ORDERS].find_one({"linio_order_id": "123456"})
    assert [r["code"] for r in saved["vtex_results"]] == ["EOI005", "SOI004"]
    assert saved["vtex_results"][0]["flow"] == "Unknown"
    assert saved["vtex_order_id"] == "LMX-123456-01"  # a refusal never unlinks the order


# --- logs --------------------------------------------------------------------------------


async def test_logs_endpoint(client: TestClient, runtime: Runtime, store: Store) -> None:
    for status, code in (("success", "S1"), ("error", "E2"), ("warning", "A3")):
        params = {
            "S1": {"sku_id": "1", "sku_name": "x", "marketplace_id": "1", "link": "-"},
            "E2": {"name": "Linio"},
            "A3": {"fields": "Condition=new"},
        }[code]
        await runtime.seller_log.write(
            LogEntry(
                store_id="acme-mx",
                operation="Price update",
                direction="VTEX to Marketplace",
                status=status,
                code=code,
                params=params,
                content_translated="<x/>",
            )
        )
    today = dt.datetime.now(dt.UTC).date().isoformat()
    auth = {"X-VTEX-API-AppKey": APP_KEY, "X-VTEX-API-AppToken": APP_TOKEN}
    everything = await client.get(f"/acme/logs/?DateAt={today}&status=all", headers=auth)
    messages = (await everything.json())["Messages"]
    assert len(messages) == 3
    assert set(messages[0]) == {
        "id",
        "Operation",
        "Direction",
        "ContentSource",
        "ContentTransalted",
        "ContentDestination",
        "BusinessMessage",
        "Status",
    }
    filtered = await client.get(f"/acme/logs/?DateAt={today}&status=sucess,alert", headers=auth)
    assert sorted(m["Status"] for m in (await filtered.json())["Messages"]) == [
        "success",
        "warning",
    ]
    admin = await client.get(
        f"/acme/logs/?DateAt={today}",
        headers={"Authorization": encode_basic_auth("admin", "test-admin-password")},
    )
    assert len((await admin.json())["Messages"]) == 3
    yesterday = await client.get("/acme/logs/?DateAt=2001-01-01", headers=auth)
    assert (await yesterday.json())["Messages"] == []
    assert (await client.get("/acme/logs/?DateAt=01-01-2001", headers=auth)).status == 400
    assert (await client.get("/acme/logs/?status=fine", headers=auth)).status == 400
    assert (await client.get("/acme/logs/")).status == 401
    assert (
        await client.get("/acme/logs/", headers={**auth, "X-VTEX-API-AppToken": "x"})
    ).status == 403


# --- OpenAPI -----------------------------------------------------------------------------


async def test_openapi_matches_the_routes(client: TestClient) -> None:
    spec = await (await client.get("/openapi.json")).json()
    served = {(path_template(r.path), m.lower()) for r in load_manifest().routes for m in r.methods}
    described = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert described == served
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            answers = operation["responses"]
            assert operation["summary"] and ("200" in answers or "303" in answers), (path, method)
            params = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert params == set(__import__("re").findall(r"{(\w+)}", path)), path
