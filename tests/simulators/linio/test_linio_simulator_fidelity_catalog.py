"""The simulator's catalog behaves like the real Seller Center (fidelity audit D3, D4, D9,
D10, D11 and the field case feed-control-chars-in-description), with raw signed calls."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

from simulators.linio import SimSeller
from simulators.linio.testing import SellerCenterCaller, serving

SELLER = SimSeller(user_id="ops@acme.mx", api_key="sc-key-catalog", seller_id="ACME01")
FIELDS = (
    "<Name>Polera básica</Name><PrimaryCategory>{category}</PrimaryCategory>"
    "<Description>{description}</Description><Brand>Genérica</Brand><Price>9990.00</Price>"
    "<Quantity>5</Quantity>{extra}<ProductData><ConditionType>Nuevo</ConditionType>"
    "<PackageWeight>0.3</PackageWeight>{data}</ProductData>"
)


def product(
    sku: str,
    *,
    category: str = "2001",
    description: str = "Algodón",
    extra: str = "",
    data: str = "",
) -> str:
    fields = FIELDS.format(category=category, description=description, extra=extra, data=data)
    return f"<Product><SellerSku>{sku}</SellerSku>{fields}</Product>"


def request(*products: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><Request>{"".join(products)}</Request>'


def images(sku: str, count: int) -> str:
    urls = "".join(f"<Image>https://img.example.com/{sku}/{i}.jpg</Image>" for i in range(count))
    image = f"<ProductImage><SellerSku>{sku}</SellerSku><Images>{urls}</Images></ProductImage>"
    return f"<Request>{image}</Request>"


async def feed_detail(caller: SellerCenterCaller, feed_id: str) -> dict[str, Any]:
    return (await caller.call("FeedStatus", FeedID=feed_id)).body["FeedDetail"]


def listed(node: Any) -> list[Any]:
    return node if isinstance(node, list) else [node]


async def test_field_errors_name_the_sku_only_in_the_platforms_wording() -> None:
    async with serving([SELLER], feed_delay=0.01) as (sim, caller):
        answer = await caller.call(
            "ProductCreate",
            body=request(product("NO-COLOR", category="2002"), product("OK-1")),
        )
        await sim.settle()
        node = await feed_detail(caller, answer.head["RequestId"])
        error = node["FeedErrors"]["Error"]
        assert error == {
            "Code": "1",
            "Message": "Field Color (for Seller SKU: NO-COLOR) with value '' has a problem: "
            "Color is mandatory for category Muebles",
        }  # no SellerSku element: the SKU is only in the message
        assert node["FailedRecords"] == "1"


async def test_option_attributes_list_their_allowed_values() -> None:
    async with serving([SELLER], feed_delay=0.01) as (sim, caller):
        attributes = (await caller.call("GetCategoryAttributes", PrimaryCategory="2002")).body
        color = next(a for a in attributes["Attribute"] if a["FeedName"] == "Color")
        assert color["AttributeType"] == "option" and color["isMandatory"] == "1"
        assert [o["Name"] for o in color["Options"]["Option"]] == ["Negro", "Blanco", "Café"]
        bad = product("VERDE", category="2002", data="<Color>Verde</Color>")
        good = product("NEGRO", category="2002", data="<Color>Negro</Color>")
        answer = await caller.call("ProductCreate", body=request(bad, good))
        await sim.settle()
        error = (await feed_detail(caller, answer.head["RequestId"]))["FeedErrors"]["Error"]
        assert "expected one of: Negro, Blanco, Café" in error["Message"]
        assert set(sim.products(SELLER.user_id)) == {"NEGRO"}


async def test_unknown_parent_sku_is_refused() -> None:
    async with serving([SELLER], feed_delay=0.01) as (sim, caller):
        parent = product("PARENT-1")
        child = product("CHILD-1", extra="<ParentSku>PARENT-1</ParentSku>")
        ghost = product("CHILD-2", extra="<ParentSku>GHOST-PARENT</ParentSku>")
        answer = await caller.call("ProductCreate", body=request(parent, child, ghost))
        await sim.settle()
        error = (await feed_detail(caller, answer.head["RequestId"]))["FeedErrors"]["Error"]
        assert error["Message"] == (
            "Field ParentSku (for Seller SKU: CHILD-2) with value 'GHOST-PARENT' has a "
            "problem: the parent product does not exist"
        )
        assert set(sim.products(SELLER.user_id)) == {"PARENT-1", "CHILD-1"}


async def test_images_sent_before_the_product_exists_are_refused() -> None:
    async with serving([SELLER], feed_delay=0.01) as (sim, caller):
        state = sim.state(SELLER.user_id)
        async with state.feed_lock:  # hold processing: both feeds arrive before either runs
            created = await caller.call("ProductCreate", body=request(product("EARLY")))
            early = await caller.call("Image", body=images("EARLY", 2))
        await sim.settle()
        assert (await feed_detail(caller, created.head["RequestId"])).get("FeedErrors") is None
        error = (await feed_detail(caller, early.head["RequestId"]))["FeedErrors"]["Error"]
        assert "did not exist yet" in error["Message"] and "EARLY" in error["Message"]
        assert sim.products(SELLER.user_id)["EARLY"]["Images"] == []
        later = await caller.call("Image", body=images("EARLY", 10))  # after onProductCreated
        await sim.settle()
        node = await feed_detail(caller, later.head["RequestId"])
        assert node.get("FeedErrors") is None
        assert "at most 8 images, got 10" in node["FeedWarnings"]["Warning"]["Message"]
        assert len(sim.products(SELLER.user_id)["EARLY"]["Images"]) == 8


async def test_a_feed_can_end_in_error_without_feed_completed(callback_server: Any) -> None:
    seen: list[dict[str, Any]] = []

    async def receive(request: web.Request) -> web.Response:
        seen.append(await request.json())
        return web.Response()

    async with serving([SELLER], feed_delay=0.01) as (sim, caller):
        url = await callback_server("/hook", receive)
        hook = (
            f"<Request><Webhook><CallbackUrl>{url}</CallbackUrl><Events>"
            "<Event>onFeedCreated</Event><Event>onFeedCompleted</Event></Events></Webhook>"
            "</Request>"
        )
        assert (await caller.call("CreateWebhook", body=hook)).status == 200
        sim.faults.feed_error_next(1)
        answer = await caller.call("ProductCreate", body=request(product("LOST")))
        await sim.settle()
        node = await feed_detail(caller, answer.head["RequestId"])
        assert node["Status"] == "Error" and "LOST" not in sim.products(SELLER.user_id)
        listed_error = await caller.call("FeedOffsetList", Status="Error")
        assert listed_error.body["Feed"]["Feed"] == answer.head["RequestId"]
    assert [e["event"] for e in seen] == ["onFeedCreated"]


async def test_quality_control_is_asynchronous_with_its_webhook(callback_server: Any) -> None:
    seen: list[dict[str, Any]] = []

    async def receive(request: web.Request) -> web.Response:
        seen.append(await request.json())
        return web.Response()

    async with serving([SELLER], feed_delay=0.01, qc_delay=0.05) as (sim, caller):
        url = await callback_server("/hook", receive)
        events = "".join(
            f"<Event>{e}</Event>"
            for e in ("onProductCreated", "onProductQcStatusChanged", "onProductUpdated")
        )
        hook = (
            f"<Request><Webhook><CallbackUrl>{url}</CallbackUrl><Events>{events}</Events>"
            "</Webhook></Request>"
        )
        assert (await caller.call("CreateWebhook", body=hook)).status == 200
        sim.reject_qc(SELLER.user_id, "QC-BAD", "Wrong Description; Wrong Translation")
        await caller.call("ProductCreate", body=request(product("QC-OK"), product("QC-BAD")))
        await sim.settle()
        states = (await caller.call("GetQcStatus")).body["Status"]["State"]
        assert states == [
            {"SellerSKU": "QC-OK", "Status": "approved"},
            {
                "SellerSKU": "QC-BAD",
                "Status": "rejected",
                "Reason": "Wrong Description; Wrong Translation",
            },
        ]
        rejected = await caller.call("GetProducts", Filter="rejected")
        assert rejected.body["Products"]["Product"]["SellerSku"] == "QC-BAD"
        await caller.call(
            "ProductUpdate",
            body=request("<Product><SellerSku>QC-OK</SellerSku><Quantity>3</Quantity></Product>"),
        )
        await sim.settle()
    assert seen == [
        {"event": "onProductCreated", "payload": {"SellerSkus": ["QC-OK", "QC-BAD"]}},
        {"event": "onProductQcStatusChanged", "payload": {"SellerSkus": ["QC-OK", "QC-BAD"]}},
        {"event": "onProductUpdated", "payload": {"SellerSkus": ["QC-OK"]}},
    ]


async def test_quality_control_starts_pending(callback_server: Any) -> None:
    created = asyncio.Event()

    async def receive(request: web.Request) -> web.Response:
        created.set()
        return web.Response()

    async with serving([SELLER], feed_delay=0.01, qc_delay=600.0) as (_sim, caller):
        url = await callback_server("/hook", receive)
        hook = (
            f"<Request><Webhook><CallbackUrl>{url}</CallbackUrl><Events>"
            "<Event>onProductCreated</Event></Events></Webhook></Request>"
        )
        assert (await caller.call("CreateWebhook", body=hook)).status == 200
        await caller.call("ProductCreate", body=request(product("WAIT")))
        await asyncio.wait_for(created.wait(), timeout=30)
        states = (await caller.call("GetQcStatus", SkuSellerList=json.dumps(["WAIT"]))).body
        assert states["Status"]["State"] == {"SellerSKU": "WAIT", "Status": "pending"}
        pending = await caller.call("GetProducts", Filter="pending")
        assert pending.body["Products"]["Product"]["SellerSku"] == "WAIT"


async def test_a_body_with_characters_xml_forbids_is_refused_whole() -> None:
    """cases/feed-control-chars-in-description.json: the platform's parser refuses the
    whole body (E005), the clean SKU of the same batch included."""
    async with serving([SELLER], feed_delay=0.01) as (sim, caller):
        clean = product("SKU-OK")
        dirty = product("SKU-CTRL", description="Lavar a mano\u000bNo usar secadora\u001f")
        answer = await caller.call("ProductCreate", body=request(clean, dirty))
        assert answer.error == ("5", "E005: Invalid Request Format")
        as_reference = product("SKU-CTRL", description="Lavar a mano&#11;No usar secadora")
        assert (await caller.call("ProductCreate", body=request(clean, as_reference))).error[
            0
        ] == "5"
        await sim.settle()
        assert sim.products(SELLER.user_id) == {}
        assert (await caller.call("ProductCreate", body=request(clean))).status == 200
