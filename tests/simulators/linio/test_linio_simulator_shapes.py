"""Element for element: each simulator reply has the element paths of the real Seller Center
reply in `spec/linio-fixtures/` — nothing invented, nothing missing (bar the optional
elements named per case) — and the Head fields in the fixtures' order."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import xmltodict
from aiohttp import web

from simulators.linio import LinioSimulator, SimSeller
from simulators.linio.testing import Answer, SellerCenterCaller, serving

SELLER = SimSeller(user_id="ops@acme.mx", api_key="key-123", seller_id="ACME01")
PRODUCT = (
    "<Product><SellerSku>{sku}</SellerSku><Name>Silla</Name><Variation>M</Variation>"
    "<PrimaryCategory>2001</PrimaryCategory><Description>&lt;b&gt;d&lt;/b&gt;</Description>"
    "<Brand>Acme</Brand><Price>200.00</Price><SalePrice>150.00</SalePrice>"
    "<SaleStartDate>2026-01-01 00:00:00</SaleStartDate><SaleEndDate>2026-02-01 00:00:00"
    "</SaleEndDate><ProductId>7501234567890</ProductId><TaxClass>IVA 16%</TaxClass>"
    "<Quantity>4</Quantity><Categories>2001,2000</Categories><ProductData>"
    "<ConditionType>Nuevo</ConditionType><PackageWidth>5</PackageWidth>"
    "<PackageLength>5</PackageLength><PackageHeight>5</PackageHeight>"
    "<PackageWeight>1</PackageWeight><ShortDescription>1,2</ShortDescription></ProductData>"
    "</Product>"
)
IMAGES = (
    "<Request><ProductImage><SellerSku>{sku}</SellerSku><Images><Image>https://i/1.jpg</Image>"
    "<Image>https://i/2.jpg</Image></Images></ProductImage></Request>"
)


def paths(node: Any, prefix: str = "") -> set[str]:
    """Every element path of a parsed document; list positions and text are ignored."""
    found: set[str] = set()
    if isinstance(node, list):
        for entry in node:
            found |= paths(entry, prefix)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key.startswith(("@", "#")):
                continue
            here = f"{prefix}/{key}"
            found.add(here)
            found |= paths(value, here)
    return found


@dataclass
class World:
    sim: LinioSimulator
    caller: SellerCenterCaller
    order_id: str
    item_ids: list[str]
    good_feed: str
    failed_feed: str
    fixtures: Path


@pytest.fixture
async def world(fixtures_dir: Path) -> AsyncIterator[World]:
    async with serving([SELLER], feed_delay=0.0, rate_limit=(1000, 1.0)) as (sim, caller):
        good = await caller.call(
            "ProductCreate",
            body=f"<Request>{PRODUCT.format(sku='S-1')}{PRODUCT.format(sku='S-2')}</Request>",
        )
        await sim.settle()
        await caller.call("Image", body=IMAGES.format(sku="S-1"))
        await caller.call("Image", body=IMAGES.format(sku="S-2"))
        failed = await caller.call(
            "ProductUpdate",
            body="<Request><Product><SellerSku>NOPE</SellerSku></Product></Request>",
        )
        order = sim.add_order(SELLER.user_id, [("S-1", 1, "150.00"), ("S-2", 1, "150.00")])
        await sim.settle()
        yield World(
            sim,
            caller,
            order.order_id,
            [i.order_item_id for i in order.items],
            good.head["RequestId"],
            failed.head["RequestId"],
            fixtures_dir / "linio",
        )


def compare(
    world: World,
    fixture: str,
    answer: Answer,
    optional: frozenset[str] = frozenset(),
    extra: frozenset[str] = frozenset(),
) -> None:
    """`optional`: fixture elements the platform omits when empty; `extra`: documented
    elements the fixture happens not to show (e.g. GetOrders' Head/TotalCount [PUB])."""
    assert answer.status in (200, 400), answer.text
    expected = xmltodict.parse((world.fixtures / fixture).read_text())
    got = answer.document
    invented = paths(got) - paths(expected) - extra
    assert invented == set(), f"{fixture}: elements the platform never sends"
    assert paths(expected) - optional - paths(got) == set(), f"{fixture}: missing elements"
    root = next(iter(expected))
    if root == "SuccessResponse" and expected[root]["Head"]:
        assert list(got[root]["Head"])[:4] == list(expected[root]["Head"])[:4]


async def test_catalog_replies(world: World) -> None:
    c = world.caller
    compare(world, "GetBrands.success.xml", await c.call("GetBrands"))
    compare(world, "GetCategoryTree.success.xml", await c.call("GetCategoryTree"))
    compare(
        world,
        "GetCategoryAttributes.success.xml",
        await c.call("GetCategoryAttributes", PrimaryCategory="1001"),
    )
    compare(
        world,
        "GetCategoriesByAttributeSet.success.xml",
        await c.call("GetCategoriesByAttributeSet", AttributeSet="[1]"),
    )
    compare(world, "GetShipmentProviders.success.xml", await c.call("GetShipmentProviders"))
    compare(world, "GetFailureReasons.success.xml", await c.call("GetFailureReasons"))
    stock = "/SuccessResponse/Body/Products/Product/"
    compare(
        world,
        "GetProducts.success.xml",
        await c.call("GetProducts"),
        # Stock fields of the docs' GetProducts table the fixture does not show (audit D2).
        extra=frozenset(
            stock + name
            for name in (
                "ReservedStock",
                "RealTimeStock",
                "FulfillmentBySellable",
                "FulfillmentByNonSellable",
            )
        ),
    )
    compare(
        world,
        "GetQcStatus.success.xml",
        await c.call("GetQcStatus"),
        optional=frozenset(
            {
                "/SuccessResponse/Body/Status/State/DataChanged",
                "/SuccessResponse/Body/Status/State/Reason",
            }
        ),
    )


async def test_feed_replies(world: World) -> None:
    c = world.caller
    product = f"<Request>{PRODUCT.format(sku='S-9')}</Request>"
    compare(world, "ProductCreate.success.xml", await c.call("ProductCreate", body=product))
    compare(world, "ProductUpdate.success.xml", await c.call("ProductUpdate", body=product))
    compare(world, "ProductRemove.success.xml", await c.call("ProductRemove", body=product))
    compare(world, "Image.success.xml", await c.call("Image", body=IMAGES.format(sku="S-1")))
    compare(
        world, "FeedStatus.ProductUpdate.xml", await c.call("FeedStatus", FeedID=world.failed_feed)
    )
    clean = await c.call("FeedStatus", FeedID=world.good_feed)
    compare(
        world,
        "FeedStatus.ProductCreate.xml",
        clean,
        optional=frozenset(  # a feed without errors has no FeedErrors
            {
                "/SuccessResponse/Body/FeedDetail/FeedErrors",
                "/SuccessResponse/Body/FeedDetail/FeedErrors/Error",
                "/SuccessResponse/Body/FeedDetail/FeedErrors/Error/Code",
                "/SuccessResponse/Body/FeedDetail/FeedErrors/Error/Message",
                "/SuccessResponse/Body/FeedDetail/FeedErrors/Error/SellerSku",
            }
        ),
    )
    await world.sim.settle()
    compare(world, "FeedList.success.xml", await c.call("FeedList"))
    compare(world, "FeedCount.success.xml", await c.call("FeedCount"))
    async with serving([SELLER], feed_delay=5.0) as (_, queued):
        feed_id = (await queued.call("ProductCreate", body=product)).head["RequestId"]
        compare(
            world,
            "FeedCancel.success.xml",
            await queued.call("FeedCancel", body="", FeedID=feed_id),
        )


async def test_order_replies(world: World) -> None:
    c, ids = world.caller, world.item_ids
    compare(world, "GetOrder.success.xml", await c.call("GetOrder", OrderId=world.order_id))
    orders = await c.call("GetOrders")
    compare(
        world,
        "GetOrders.success.xml",
        orders,
        extra=frozenset({"/SuccessResponse/Head/TotalCount"}),
    )
    assert orders.head["TotalCount"] == "1"
    compare(
        world, "GetOrderItems.success.xml", await c.call("GetOrderItems", OrderId=world.order_id)
    )
    compare(
        world,
        "GetMultipleOrderItems.success.xml",
        await c.call("GetMultipleOrderItems", OrderIdList=f"[{world.order_id}]"),
    )
    compare(
        world,
        "SetStatusToPackedByMarketplace.success.xml",
        await c.call("SetStatusToPackedByMarketplace", body="", OrderItemIds=json.dumps(ids)),
    )
    compare(
        world,
        "SetStatusToReadyToShip.success.xml",
        await c.call("SetStatusToReadyToShip", body="", OrderItemIds=json.dumps(ids)),
    )
    compare(
        world,
        "SetInvoiceNumber.success.xml",
        await c.call("SetInvoiceNumber", body="", OrderItemId=ids[0], InvoiceNumber="A-1"),
    )
    compare(
        world,
        "GetDocument.success.xml",
        await c.call("GetDocument", DocumentType="invoice", OrderItemIds=f"[{ids[0]}]"),
    )


async def test_error_replies_match_the_fixtures_exactly(world: World) -> None:
    c = world.caller
    for fixture, answer in (
        ("ErrorResponse.E012.FeedStatus.xml", await c.call("FeedStatus", FeedID="x")),
        (
            "ErrorResponse.E020.GetDocument.xml",
            await c.call("GetDocument", DocumentType="invoice", OrderItemIds="[65758123]"),
        ),
    ):
        expected = xmltodict.parse((world.fixtures / fixture).read_text())
        assert answer.status == 400
        assert answer.document == expected  # same elements, same text, same order


async def test_webhook_replies(world: World, callback_server: Any) -> None:
    c = world.caller

    async def ok(request: web.Request) -> web.Response:
        return web.Response()

    url = await callback_server("/x", ok)
    body = (
        f"<Request><Webhook><CallbackUrl>{url}</CallbackUrl><Events><Event>onOrderCreated"
        "</Event></Events></Webhook></Request>"
    )
    created = await c.call("CreateWebhook", body=body)
    compare(world, "CreateWebhook.success.xml", created)
    compare(world, "GetWebhooks.success.xml", await c.call("GetWebhooks"))
    compare(world, "GetWebhookEntities.success.gsc.xml", await c.call("GetWebhookEntities"))
    webhook_id = created.body["Webhook"]["WebhookId"]
    deleted = await c.call(
        "DeleteWebhook", body=f"<Request><Webhook>{webhook_id}</Webhook></Request>"
    )
    compare(world, "DeleteWebhook.success.xml", deleted)
