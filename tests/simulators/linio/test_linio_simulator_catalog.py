"""Feeds, products and reference data of the simulator, over real HTTP with signed requests:
a valid ProductCreate ends Finished and readable; invalid products get per-SKU errors."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import re
from collections.abc import AsyncIterator
from typing import Any
from xml.sax.saxutils import escape

import aiohttp
import pytest

from simulators.linio import LinioSimulator, SimSeller
from simulators.linio.testing import SellerCenterCaller, serving

SELLER = SimSeller(user_id="ops@acme.mx", api_key="key-123", seller_id="ACME01")
FIELDS = {
    "Name": "Sofá {sku}",
    "PrimaryCategory": "2001",
    "Description": "<p>Cómodo & firme</p>",
    "Brand": "Acme",
    "Price": "1000.00",
    "Quantity": "5",
}
DATA = {"ConditionType": "Nuevo", "PackageWeight": "3"}


def product_xml(sku: str, data: dict[str, str] | None = None, **fields: str | None) -> str:
    """One <Product>; a field given as None is left out, text is escaped once."""
    merged = {**FIELDS, **fields}
    parts = [f"<SellerSku>{escape(sku)}</SellerSku>"]
    parts += [f"<{k}>{escape(v.format(sku=sku))}</{k}>" for k, v in merged.items() if v is not None]
    product_data = DATA if data is None else data
    if product_data:
        inner = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in product_data.items())
        parts.append(f"<ProductData>{inner}</ProductData>")
    return f"<Product>{''.join(parts)}</Product>"


def request(*products: str) -> str:
    return f"<Request>{''.join(products)}</Request>"


def images_xml(sku: str, count: int) -> str:
    images = "".join(
        f"<Image>https://img.example.com/{sku}/{i}.jpg?a=1&amp;b=2</Image>" for i in range(count)
    )
    return f"<ProductImage><SellerSku>{sku}</SellerSku><Images>{images}</Images></ProductImage>"


@pytest.fixture
async def sim() -> AsyncIterator[LinioSimulator]:
    async with LinioSimulator([SELLER], feed_delay=0.02, feed_quota=(500, 1.0)) as simulator:
        yield simulator


@pytest.fixture
async def caller(sim: LinioSimulator) -> AsyncIterator[SellerCenterCaller]:
    async with aiohttp.ClientSession() as session:
        yield SellerCenterCaller(sim.url, SELLER, session)


async def feed(caller: SellerCenterCaller, action: str, body: str) -> str:
    answer = await caller.call(action, body=body)
    assert answer.status == 200, answer.text
    assert answer.head["RequestAction"] == action and answer.body is None
    return answer.head["RequestId"]


async def detail(caller: SellerCenterCaller, feed_id: str) -> dict[str, Any]:
    answer = await caller.call("FeedStatus", FeedID=feed_id)
    assert answer.head["RequestParameters"] == {"FeedID": feed_id}
    return answer.body["FeedDetail"]


def errors_of(node: dict[str, Any]) -> dict[str, list[str]]:
    found = (node.get("FeedErrors") or {}).get("Error") or []
    found = found if isinstance(found, list) else [found]
    by_sku: dict[str, list[str]] = {}
    for error in found:
        # Field problems name their SKU only in the message, as the platform's do.
        named = re.search(r"\(for Seller SKU: ([^)]*)\)", error["Message"])
        sku = error.get("SellerSku") or (named.group(1) if named else "")
        by_sku.setdefault(sku or "", []).append(error["Message"])
    return by_sku


async def products(caller: SellerCenterCaller, **params: str) -> list[dict[str, Any]]:
    answer = await caller.call("GetProducts", **params)
    assert answer.status == 200, answer.text
    found = (answer.body or {}).get("Products", {}).get("Product", []) if answer.body else []
    return found if isinstance(found, list) else [found]


async def test_valid_create_goes_queued_processing_finished_and_is_readable() -> None:
    async with serving([SELLER], feed_delay=2.0) as (sim, caller):
        feed_id = await feed(caller, "ProductCreate", request(product_xml("SOFA-1")))
        # Read each stage once, when the simulator is in it: three API calls whatever the
        # machine's speed (polling every few ms met the real 30-per-3-s limit: E429).
        seen = [(await detail(caller, feed_id))["Status"]]
        stored_feed = sim.feeds(SELLER.user_id)[feed_id]
        for _ in range(2000):  # in-process look, no request
            if stored_feed.status != "Queued":
                break
            await asyncio.sleep(0.005)
        seen.append((await detail(caller, feed_id))["Status"])
        await sim.settle()
        seen.append((await detail(caller, feed_id))["Status"])
        assert seen == ["Queued", "Processing", "Finished"]
        node = await detail(caller, feed_id)
        assert (node["Action"], node["TotalRecords"], node["ProcessedRecords"]) == (
            "ProductCreate",
            "1",
            "1",
        )
        assert node["FailedRecords"] == "0" and "FeedErrors" not in node
        [stored] = await products(caller, SkuSellerList='["SOFA-1"]')
        assert stored["Name"] == "Sofá SOFA-1"
        assert stored["Description"] == "<p>Cómodo & firme</p>"  # escaped exactly once
        assert stored["PrimaryCategory"] == "Cocina"  # the name in answers, the id in requests
        assert stored["ProductData"] == DATA and stored["Status"] == "active"
        assert sim.products(SELLER.user_id)["SOFA-1"]["Price"] == "1000.00"


async def test_invalid_products_get_per_sku_errors(
    sim: LinioSimulator, caller: SellerCenterCaller
) -> None:
    body = request(
        product_xml("OK-1"),
        product_xml("NO-COLOR", PrimaryCategory="2002"),
        product_xml("BAD-COLOR", PrimaryCategory="2002", data={**DATA, "Color": "Verde"}),
        product_xml("NO-CONDITION", data={"PackageWeight": "1"}),
        product_xml("BRAND", Brand="NoSuchBrand"),
        product_xml("CATEGORY", PrimaryCategory="999999"),
        product_xml("SALE-EQ", SalePrice="1000.00"),
        product_xml("SALE-GT", SalePrice="1500.00"),
        product_xml("NEGATIVE", Quantity="-1"),
        product_xml("NO-NAME", Name=None),
        product_xml("", Name="x"),
    )
    feed_id = await feed(caller, "ProductCreate", body)
    await sim.settle()
    node = await detail(caller, feed_id)
    assert node["Status"] == "Finished"
    errors = errors_of(node)
    assert "OK-1" not in errors
    assert errors["NO-COLOR"] == [
        "Field Color (for Seller SKU: NO-COLOR) with value '' has a problem: "
        "Color is mandatory for category Muebles"
    ]
    assert errors["BAD-COLOR"] == [
        "Field Color (for Seller SKU: BAD-COLOR) with value 'Verde' has a problem: "
        "Invalid value 'Verde' for Color, expected one of: Negro, Blanco, Café"
    ]
    assert errors["NO-CONDITION"] == [
        "Field ConditionType (for Seller SKU: NO-CONDITION) with value '' has a problem: "
        "ConditionType is mandatory for category Cocina"
    ]
    assert errors["BRAND"] == ["Brand 'NoSuchBrand' does not exist"]
    assert errors["CATEGORY"] == ["Category '999999' does not exist"]
    assert errors["SALE-EQ"] == errors["SALE-GT"] == ["SalePrice must be lower than Price"]
    assert errors["NEGATIVE"] == ["Negative value is not allowed"]
    assert errors["NO-NAME"] == ["Field Name cannot be empty"]
    assert errors[""] == ["SellerSku cannot be empty"]
    assert node["FailedRecords"] == str(len(errors)) and node["TotalRecords"] == "11"
    codes = {e.get("SellerSku") or "": e["Code"] for e in node["FeedErrors"]["Error"]}
    assert codes[""] == "0" and codes["BRAND"] == "1"  # as in FeedStatus.ProductCreate.xml
    assert [p["SellerSku"] for p in await products(caller)] == ["OK-1"]


async def test_update_is_partial_and_unknown_skus_fail(
    sim: LinioSimulator, caller: SellerCenterCaller
) -> None:
    await feed(caller, "ProductCreate", request(product_xml("U-1"), product_xml("U-2")))
    update = request(
        "<Product><SellerSku>U-1</SellerSku><Price>900.00</Price><SalePrice>799.00</SalePrice>"
        "<ProductData><PackageWeight>4</PackageWeight></ProductData></Product>",
        "<Product><SellerSku>U-2</SellerSku><SalePrice>2000.00</SalePrice></Product>",
        "<Product><SellerSku>GHOST</SellerSku><Quantity>1</Quantity></Product>",
    )
    feed_id = await feed(caller, "ProductUpdate", update)
    await sim.settle()
    errors = errors_of(await detail(caller, feed_id))
    assert errors == {
        "U-2": ["SalePrice must be lower than Price"],
        "GHOST": ["Seller SKU 'GHOST' not found"],
    }
    [u1, u2] = await products(caller, SkuSellerList='["U-1","U-2"]')
    assert (u1["Price"], u1["SalePrice"], u1["Name"]) == ("900.00", "799.00", "Sofá U-1")
    assert u1["ProductData"] == {"ConditionType": "Nuevo", "PackageWeight": "4"}
    assert (u2["Price"], u2["SalePrice"]) == ("1000.00", None)  # a failed update changes nothing


async def test_create_of_an_existing_sku_fails(
    sim: LinioSimulator, caller: SellerCenterCaller
) -> None:
    await feed(caller, "ProductCreate", request(product_xml("DUP")))
    second = await feed(caller, "ProductCreate", request(product_xml("DUP", Price="5.00")))
    await sim.settle()
    assert errors_of(await detail(caller, second)) == {"DUP": ["Seller SKU 'DUP' already exists"]}
    assert sim.products(SELLER.user_id)["DUP"]["Price"] == "1000.00"


async def test_images_replace_and_are_limited_to_eight(
    sim: LinioSimulator, caller: SellerCenterCaller
) -> None:
    await feed(caller, "ProductCreate", request(product_xml("IMG")))
    await sim.settle()  # images go after the product exists (onProductCreated)
    await feed(caller, "Image", request(images_xml("IMG", 5)))
    two = await feed(caller, "Image", request(images_xml("IMG", 2)))
    await sim.settle()
    [stored] = await products(caller, SkuSellerList='["IMG"]')
    assert stored["Images"]["Image"] == [
        "https://img.example.com/IMG/0.jpg?a=1&b=2",
        "https://img.example.com/IMG/1.jpg?a=1&b=2",
    ]
    assert stored["MainImage"] == "https://img.example.com/IMG/0.jpg?a=1&b=2"
    assert "FeedWarnings" not in await detail(caller, two)
    too_many = await feed(caller, "Image", request(images_xml("IMG", 9), images_xml("NOPE", 1)))
    await sim.settle()
    node = await detail(caller, too_many)
    assert errors_of(node) == {"NOPE": ["Seller SKU 'NOPE' not found"]}
    # Beyond 8 the rest are rejected with a warning; the SKU keeps the first 8.
    assert node["FeedWarnings"]["Warning"] == {
        "Code": "1",
        "Message": "Field Images (for Seller SKU: IMG) with value '9' has a problem: "
        "A product can have at most 8 images, got 9; the rest were rejected",
    }
    [stored] = await products(caller, SkuSellerList='["IMG"]')
    assert len(stored["Images"]["Image"]) == 8


async def test_remove_moves_the_product_to_deleted(
    sim: LinioSimulator, caller: SellerCenterCaller
) -> None:
    await feed(caller, "ProductCreate", request(product_xml("GONE"), product_xml("STAYS")))
    removal = await feed(
        caller, "ProductRemove", request(product_xml("GONE"), product_xml("NEVER"))
    )
    await sim.settle()
    assert errors_of(await detail(caller, removal)) == {"NEVER": ["Seller SKU 'NEVER' not found"]}
    assert [p["SellerSku"] for p in await products(caller)] == ["STAYS"]
    [deleted] = await products(caller, Filter="deleted")
    assert (deleted["SellerSku"], deleted["Status"]) == ("GONE", "deleted")


async def test_more_than_the_maximum_is_refused_synchronously() -> None:
    async with serving([SELLER], max_products_per_request=3) as (sim, caller):
        body = request(*(product_xml(f"S{i}") for i in range(4)))
        answer = await caller.call("ProductCreate", body=body)
        assert (answer.status, answer.error) == (400, ("1000", "Format Error Detected"))
        detail_node = answer.document["ErrorResponse"]["Body"]["ErrorDetail"]
        assert detail_node["Field"] == "Product" and detail_node["Value"] == "4"
        assert sim.feeds(SELLER.user_id) == {}
        assert (await caller.call("ProductCreate", body="")).error == ("30", "E030: Empty Request")
        assert (await caller.call("ProductCreate", body="<Request><Pro")).error == (
            "5",
            "E005: Invalid Request Format",
        )


async def test_the_default_maximum_is_1000_products() -> None:
    async with serving([SELLER], feed_delay=0.0) as (sim, caller):
        ok = await caller.call(
            "ProductCreate", body=request(*(product_xml(f"K{i}") for i in range(1000)))
        )
        assert ok.status == 200
        refused = await caller.call(
            "ProductCreate", body=request(*(product_xml(f"L{i}") for i in range(1001)))
        )
        assert refused.error[0] == "1000"
        await sim.settle()
        assert len(sim.products(SELLER.user_id)) == 1000


async def test_get_products_filters_and_pages(
    sim: LinioSimulator, caller: SellerCenterCaller
) -> None:
    await feed(caller, "ProductCreate", request(*(product_xml(f"P-{i}") for i in range(5))))
    await sim.settle()
    middle = dt.datetime.now(dt.UTC)
    await asyncio.sleep(0.01)
    await feed(
        caller,
        "ProductCreate",
        request(product_xml("LATE", Name="Lámpara", Quantity="0", Status="inactive")),
    )
    await feed(
        caller,
        "ProductUpdate",
        request("<Product><SellerSku>P-1</SellerSku><Quantity>0</Quantity></Product>"),
    )
    await feed(caller, "Image", request(images_xml("P-2", 1)))
    await sim.settle()
    skus = lambda found: [p["SellerSku"] for p in found]  # noqa: E731
    assert skus(await products(caller)) == ["P-0", "P-1", "P-2", "P-3", "P-4", "LATE"]
    assert skus(await products(caller, Limit="2", Offset="1")) == ["P-1", "P-2"]
    assert skus(await products(caller, Search="lámp")) == ["LATE"]
    assert skus(await products(caller, SkuSellerList='["P-4","NOPE","P-0"]')) == ["P-4", "P-0"]
    stamp = middle.isoformat(timespec="microseconds")
    assert skus(await products(caller, CreatedAfter=stamp)) == ["LATE"]
    assert skus(await products(caller, CreatedBefore=stamp)) == [f"P-{i}" for i in range(5)]
    assert skus(await products(caller, UpdatedAfter=stamp)) == ["P-1", "P-2", "LATE"]
    assert skus(await products(caller, Filter="inactive")) == ["LATE"]
    assert skus(await products(caller, Filter="sold-out")) == ["P-1"]
    assert skus(await products(caller, Filter="live")) == ["P-2"]
    assert "P-2" not in skus(await products(caller, Filter="image-missing"))
    bad_date = await caller.call("GetProducts", CreatedAfter="ayer")
    assert bad_date.error == ("17", "E017: Invalid Date Format")
    assert (await caller.call("GetProducts", Limit="0")).error == ("19", 'E019: "0" Invalid Limit')
    assert (await caller.call("GetProducts", Offset="-1")).error == (
        "14",
        'E014: "-1" Invalid Offset',
    )


async def test_qc_status(sim: LinioSimulator, caller: SellerCenterCaller) -> None:
    await feed(caller, "ProductCreate", request(product_xml("QC-1"), product_xml("QC-2")))
    await sim.settle()
    answer = await caller.call("GetQcStatus", SkuSellerList='["QC-2","NOPE"]')
    assert answer.head["ResponseType"] == "State"
    assert answer.body["Status"]["State"] == {"SellerSKU": "QC-2", "Status": "approved"}
    page = await caller.call("GetQcStatus", Limit="1", Offset="1")
    assert page.body["Status"]["State"]["SellerSKU"] == "QC-2"


async def test_feed_list_offset_list_count_and_cancel(
    sim: LinioSimulator, caller: SellerCenterCaller
) -> None:
    first = await feed(
        caller, "ProductCreate", request(product_xml("F-1"), product_xml("F-X", Brand="Nope"))
    )
    await sim.settle()
    # a feed that stays queued long enough to be canceled
    async with serving([SELLER], feed_delay=5.0) as (_, slow_caller):
        queued = await feed(slow_caller, "ProductCreate", request(product_xml("C-1")))
        cancel = await slow_caller.call("FeedCancel", body="", FeedID=queued)
        assert cancel.status == 200 and cancel.head["RequestParameters"] == {"FeedID": queued}
        assert (await detail(slow_caller, queued))["Status"] == "Canceled"
        again = await slow_caller.call("FeedCancel", body="", FeedID=queued)
        assert again.error == ("13", "E013: Invalid Feed Status")
        count = (await slow_caller.call("FeedCount")).body["FeedCount"]
        assert count == {
            "Total": "1",
            "Queued": "0",
            "Processing": "0",
            "Finished": "0",
            "Canceled": "1",
        }
    second = await feed(caller, "ProductUpdate", request(product_xml("F-1", Price="1.00")))
    await sim.settle()
    listed = (await caller.call("FeedList")).body["Feed"]
    assert [f["Feed"] for f in listed] == [second, first]  # newest first
    report = listed[1]["FailureReports"]
    assert report["MimeType"] == "text/csv"
    assert "Brand 'Nope' does not exist" in base64.b64decode(report["File"]).decode()
    assert listed[0]["FailureReports"] is None  # empty when nothing failed
    page = (await caller.call("FeedOffsetList", Offset="1", PageSize="1", Status="Finished")).body
    assert page["Feed"]["Feed"] == first
    assert (await caller.call("FeedOffsetList", Status="Done")).error[0] == "13"
    assert (await caller.call("FeedOffsetList", PageSize="0")).error == (
        "15",
        "E015: Invalid PageSize",
    )
    assert (await caller.call("FeedStatus", FeedID="nope")).error == ("12", "E012: Invalid Feed ID")
    assert (await caller.call("FeedCancel", body="", FeedID="nope")).error[0] == "12"
    counts = (await caller.call("FeedCount")).body["FeedCount"]
    assert (counts["Total"], counts["Finished"]) == ("2", "2")


async def test_reference_data(caller: SellerCenterCaller) -> None:
    tree = (await caller.call("GetCategoryTree")).body["Categories"]["Category"]
    assert [c["CategoryId"] for c in tree] == ["1000", "2000", "3000"]
    phones = tree[0]["Children"]["Category"][0]
    assert (phones["Name"], phones["Children"]) == ("Celulares", None)
    attributes = (await caller.call("GetCategoryAttributes", PrimaryCategory="2002")).body[
        "Attribute"
    ]
    by_feed = {a["FeedName"]: a for a in attributes}
    assert by_feed["Color"]["isMandatory"] == "1" and by_feed["Color"]["InputType"] == "dropdown"
    assert [o["Name"] for o in by_feed["Color"]["Options"]["Option"]] == ["Negro", "Blanco", "Café"]
    assert (
        by_feed["TaxClass"]["AttributeType"] == "system"
        and by_feed["TaxClass"]["isMandatory"] == "0"
    )
    assert by_feed["TaxClass"]["Name"] == "tax_class"
    unknown = await caller.call("GetCategoryAttributes", PrimaryCategory="42")
    assert unknown.error[0] == "57"
    brands = (await caller.call("GetBrands")).body["Brands"]["Brand"]
    assert "Acme" in {b["Name"] for b in brands}
    providers = (await caller.call("GetShipmentProviders")).body["ShipmentProviders"][
        "ShipmentProvider"
    ]
    assert "{{{TRACKING_NR}}}" in providers[0]["TrackingUrl"]
    reasons = (await caller.call("GetFailureReasons", body="")).body["Reasons"]["Reason"]
    assert {"Type": "canceled", "Name": "Wrong address"} in reasons
    sets = (await caller.call("GetCategoriesByAttributeSet", AttributeSet=json.dumps(["2"]))).body
    assert sets["AttributeSets"]["AttributeSet"]["Categories"]["Category"]["CategoryId"] == "2000"
