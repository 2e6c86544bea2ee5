"""The simulator refuses what Seller Center refuses, exactly; raw signed requests, no client."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import xmltodict
from aiohttp import web

from clients.linio.signing import signature, string_to_sign
from simulators.linio import LinioSimulator, SimSeller

SELLER = SimSeller(user_id="ops@acme.mx", api_key="key-123", seller_id="ACME01")
UA = {"User-Agent": "ACME01/Python/3.11"}


@pytest.fixture
async def sim() -> AsyncIterator[LinioSimulator]:
    async with LinioSimulator(
        [SELLER],
        feed_delay=0.01,
        rate_limit=(30, 3.0),
        feed_quota=(3, 60.0),
        webhook_retry_delays=(0.05, 0.05),
    ) as s:
        yield s


def query(
    action: str, *, key: str = SELLER.api_key, when: dt.datetime | None = None, **params: str
) -> str:
    values = {
        "Action": action,
        "Format": "XML",
        "Version": "1.0",
        "UserID": SELLER.user_id,
        "Timestamp": (when or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        **params,
    }
    return f"{string_to_sign(values)}&Signature={signature(values, key)}"


async def call(
    sim: LinioSimulator, q: str, *, body: str | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as http,
        http.request(
            "POST" if body is not None else "GET",
            f"{sim.url}?{q}",
            data=body,
            headers=UA if headers is None else headers,
        ) as response,
    ):
        return response.status, xmltodict.parse(await response.text())


def error(document: dict[str, Any]) -> tuple[str, str]:
    head = document["ErrorResponse"]["Head"]
    return head["ErrorCode"], head["ErrorMessage"]


async def test_identity_checks(sim: LinioSimulator) -> None:
    status, doc = await call(sim, query("GetBrands", key="wrong"))
    assert status == 400 and error(doc) == ("7", "E007: Login failed. Signature mismatching")
    stale = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    status, doc = await call(sim, query("GetBrands", when=stale))
    assert error(doc)[1] == "E003: Timestamp has expired"
    status, doc = await call(sim, query("GetBrands"), headers={"User-Agent": ""})
    assert error(doc)[0] == "9"
    status, doc = await call(sim, query("GetBrands"), headers={"User-Agent": "OTHER/Py/3"})
    assert error(doc)[0] == "9"
    tampered = query("GetOrders", Limit="10").replace("Limit=10", "Limit=11")
    assert error((await call(sim, tampered))[1])[0] == "7"
    status, doc = await call(sim, query("GetBrands"))
    assert status == 200 and doc["SuccessResponse"]["Head"]["RequestAction"] == "GetBrands"
    assert len(doc["SuccessResponse"]["Head"]["Timestamp"]) == 24  # offset without colon


async def test_31st_request_inside_3_seconds(sim: LinioSimulator) -> None:
    results = await asyncio.gather(*(call(sim, query("GetBrands")) for _ in range(31)))
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * 30 + [429]
    [refused] = [doc for status, doc in results if status == 429]
    assert error(refused) == ("429", "E429: Too many requests")


async def test_feed_quota_and_limits(sim: LinioSimulator) -> None:
    body = "<Request><Product><SellerSku>S1</SellerSku><Name>N</Name></Product></Request>"
    for _ in range(3):
        assert (await call(sim, query("ProductUpdate"), body=body))[0] == 200
    status, doc = await call(sim, query("ProductUpdate"), body=body)
    assert status == 429 and "feeds" in error(doc)[1]


async def test_feed_validation_and_limits() -> None:
    async with LinioSimulator([SELLER], feed_delay=0.0, max_products_per_request=2) as sim:
        products = "".join(f"<Product><SellerSku>S{i}</SellerSku></Product>" for i in range(3))
        status, doc = await call(sim, query("ProductCreate"), body=f"<Request>{products}</Request>")
        assert status == 400 and error(doc)[0] == "1000"
        product = (
            "<Product><SellerSku>{sku}</SellerSku><Name>Mesa</Name>"
            "<PrimaryCategory>{category}</PrimaryCategory><Description>d</Description>"
            "<Brand>Acme</Brand><Price>100.00</Price><ProductData><ConditionType>Nuevo"
            "</ConditionType><PackageWeight>3</PackageWeight></ProductData></Product>"
        )
        create = (
            f"<Request>{product.format(sku='S1', category='2002')}"
            f"{product.format(sku='S2', category='2001')}</Request>"
        )
        _, doc = await call(sim, query("ProductCreate"), body=create)
        feed_id = doc["SuccessResponse"]["Head"]["RequestId"]
        images = "".join(f"<Image>https://i/{i}.jpg</Image>" for i in range(9))
        await sim.settle()  # images only once the product exists
        _, image_doc = await call(
            sim,
            query("Image"),
            body=(
                f"<Request><ProductImage><SellerSku>S2</SellerSku><Images>{images}</Images>"
                "</ProductImage></Request>"
            ),
        )
        await sim.settle()
        _, status_doc = await call(sim, query("FeedStatus", FeedID=feed_id))
        detail = status_doc["SuccessResponse"]["Body"]["FeedDetail"]
        assert detail["Status"] == "Finished" and detail["FailedRecords"] == "1"
        assert "Color is mandatory" in detail["FeedErrors"]["Error"]["Message"]
        image_feed = image_doc["SuccessResponse"]["Head"]["RequestId"]
        image = sim.feeds(SELLER.user_id)[image_feed]
        assert not image.errors and "at most 8 images" in image.warnings[0][1]
        assert set(sim.products(SELLER.user_id)) == {"S2"}


async def test_illegal_status_transitions(sim: LinioSimulator) -> None:
    order = sim.add_order(SELLER.user_id, [("S1", 1, "10.00")])
    item = order.items[0].order_item_id
    status, doc = await call(
        sim,
        query("SetStatusToReadyToShip", OrderItemIds=f"[{item}]", DeliveryType="dropship"),
        body="",
    )
    assert status == 200
    status, doc = await call(
        sim, query("SetStatusToCanceled", OrderItemId=item, Reason="Wrong address"), body=""
    )
    assert error(doc)[0] == "28"
    status, doc = await call(
        sim,
        query("SetStatusToPackedByMarketplace", OrderItemIds=f"[{item}]", DeliveryType="dropship"),
        body="",
    )
    assert error(doc)[0] == "73"
    status, doc = await call(
        sim, query("SetStatusToReadyToShip", OrderItemIds="[1]", DeliveryType="teleport"), body=""
    )
    assert error(doc)[0] == "24"
    sim.set_item_status(SELLER.user_id, item, "shipped")
    with pytest.raises(Exception, match="E028"):
        sim.set_item_status(SELLER.user_id, item, "pending")


async def test_webhooks_are_retried_until_accepted(
    sim: LinioSimulator, callback_server: Any
) -> None:
    answers = [500, 200]
    seen: list[dict[str, Any]] = []

    async def receiver(request: web.Request) -> web.Response:
        seen.append(await request.json())
        return web.Response(status=answers.pop(0) if answers else 200)

    url = await callback_server("/hook", receiver)
    body = (
        f"<Request><Webhook><CallbackUrl>{url}</CallbackUrl>"
        "<Events><Event>onOrderCreated</Event><Event>onOrderItemsStatusChanged</Event>"
        "</Events></Webhook></Request>"
    )
    status, _ = await call(sim, query("CreateWebhook"), body=body)
    assert status == 200
    status, _ = await call(sim, query("CreateWebhook"), body=body)
    assert status == 400  # a callback URL can be registered only once
    order = sim.add_order(SELLER.user_id, [("S1", 1, "10.00")])
    await sim.settle()
    assert len(seen) == 2 and seen[0] == seen[1]  # failed once, retried
    assert seen[0]["payload"]["OrderId"] == int(order.order_id)
    assert [d["status"] for d in sim.webhook_deliveries] == [500, 200]
