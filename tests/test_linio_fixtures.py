"""Every real Seller Center reply in spec/linio-fixtures parsed, with the values its index
lists (fixtures-index.md)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from clients.errors import ClientError, PermanentError
from clients.linio import responses as r

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "spec" / "linio-fixtures"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def env(name: str) -> r.Envelope:
    return r.parse_envelope(load(name))


def test_every_fixture_is_covered() -> None:
    names = {p.name for p in FIXTURES.iterdir() if p.name != "fixtures-index.md"}
    source = Path(__file__).read_text()
    missing = sorted(n for n in names if f'"{n}"' not in source)
    assert not missing, missing


@pytest.mark.parametrize(
    ("name", "action", "code", "message"),
    [
        ("ErrorResponse.E0125.xml", "GetOrder", "E125", "E0125: Test Error"),
        (
            "ErrorResponse.E020.GetDocument.xml",
            "GetDocument",
            "E020",
            'E020: "65758123" Invalid Order Item ID',
        ),
        ("ErrorResponse.E012.FeedStatus.xml", "FeedStatus", "E012", "E012: Invalid Feed ID"),
        ("ErrorResponse.E01.code105.xml", "GetOrder", "E105", "E01: Error Message"),
        ("ErrorResponse.E01.non-numeric-code.xml", "GetOrder", "E001", "E01: Error Message"),
        ("ErrorResponse.SetStatusToCanceled.no-error-fields.xml", None, None, "without details"),
    ],
)
def test_error_responses(name: str, action: str | None, code: str | None, message: str) -> None:
    with pytest.raises(PermanentError) as info:
        r.parse_envelope(load(name), status=400)
    assert info.value.code == code and message in str(info.value)
    assert not info.value.details


def test_generic_envelope_and_feed_submissions() -> None:
    empty = env("SuccessResponse.empty-head-body.xml")
    assert empty.action is None and empty.body is None
    for name, feed_id, action in (
        ("ProductCreate.success.xml", "cb106552-87f3-450b-aa8b-412246a24b34", "ProductCreate"),
        ("ProductUpdate.success.xml", "cb106552-87f3-450b-aa8b-412246a24b34", "ProductUpdate"),
        ("ProductRemove.success.xml", "f8bf8d09-1647-4136-b405-03c44f228cf5", "ProductRemove"),
        ("Image.success.xml", "cb106552-87f3-450b-aa8b-412246a24b34", "Image"),
    ):
        e = env(name)
        assert (e.request_id, e.action, e.response_type, e.body) == (feed_id, action, None, None)
    assert env("ProductCreate.success.xml").timestamp == dt.datetime(
        2016, 6, 22, 4, 40, 14, tzinfo=dt.timezone(dt.timedelta(hours=2))
    )
    invoice_doc = env("SetInvoiceDocument.success.xml")
    assert invoice_doc.request_id == "abdcd887-5c53-4636-8799-9b6f4b0176d7"
    cancel = env("FeedCancel.success.xml")
    assert cancel.request_parameters["FeedID"] == "c685b76e-180d-484c-b0ef-7e9aee9e3f98"
    assert env("DeleteWebhook.success.xml").action == "DeleteWebhook"


def test_brands_categories_attributes() -> None:
    assert r.parse_brands(env("GetBrands.success.xml")) == [
        r.Brand("1", "Commodore", "commodore"),
        r.Brand("2", "Atari", None),
    ]
    [root] = r.parse_category_tree(env("GetCategoryTree.success.xml"))
    assert [
        (c.category_id, c.name, c.global_identifier, c.attribute_set_id) for c in root.walk()
    ] == [
        ("2790", "Quadrilaterals", "QUADRILATER", "1"),
        ("589", "Rectangles", "RECTANGLE", "1"),
        ("603", "Squares", "SQUARE", "2"),
    ]
    [alone] = r.parse_category_tree(env("GetCategoryTree.no-children.xml"))
    assert alone.children == ()
    [one] = r.parse_category_tree(env("GetCategoryTree.one-child.xml"))
    assert [c.category_id for c in one.children] == ["589"]
    [two] = r.parse_category_tree(env("GetCategoryTree.two-children.xml"))
    assert [(c.category_id, c.global_identifier) for c in two.children] == [
        ("589", "RECTANGLE"),
        ("590", "RHOMBOIDS"),
    ]

    attributes = r.parse_category_attributes(env("GetCategoryAttributes.success.xml"))
    assert [a.feed_name for a in attributes] == ["TaxClass", "Name", "Brand", "Model"]
    tax = attributes[0]
    assert (tax.label, tax.name, tax.global_identifier, tax.group_name) == (
        "Taxes",
        "tax_class",
        "101010200240",
        "Garantía y Envío",
    )
    assert tax.is_mandatory and tax.is_global and tax.max_length is None
    assert [(o.name, o.is_default) for o in tax.options] == [
        ("10.50%", True),
        ("21%", False),
        ("0%", False),
    ]
    assert attributes[1].max_length == 255 and attributes[1].input_type == "textfield"
    assert "doesn't" in (attributes[2].description or "")
    assert not attributes[3].is_mandatory and attributes[3].attribute_type == "value"
    assert sum(a.is_mandatory for a in attributes) == 3
    assert r.parse_category_attributes(env("GetCategoryAttributes.empty.xml")) == []

    [(set_id, set_name, gid, tree)] = r.parse_attribute_sets(
        env("GetCategoriesByAttributeSet.success.xml")
    )
    assert (set_id, set_name, gid) == ("3", "home_living", "HL")
    names = [c.name for c in tree[0].walk()]
    assert names[0] == "Home & Living" and len(names) == 5 and "Microwave" in names
    assert r.parse_attribute_sets(env("GetCategoriesByAttributeSet.empty.xml")) == []


def test_documents_and_shipment_providers() -> None:
    assert r.parse_documents(env("GetDocument.success.xml")) == [
        r.Document("invoice", "text/html", "kJPHRkIHWxlPd")
    ]
    [gdex] = r.parse_shipment_providers(env("GetShipmentProviders.success.xml"))
    assert (gdex.name, gdex.default, gdex.cod) == ("GDEX", False, False)
    assert gdex.tracking_code_regex == "/^[0-9]{20}$/"
    assert gdex.tracking_url.endswith("capture={{{TRACKING_NR}}}")
    assert gdex.delivery_options == ("express", "standard", "economy")


def test_feeds() -> None:
    first, second = r.parse_feed_list(env("FeedList.success.xml"))
    assert (first.feed_id, first.status, first.action, first.total_records) == (
        "829a8d2a-d370-4fa6-8613-8554f43d5fed",
        "Processing",
        "ProductCreate",
        9999,
    )
    assert first.created_at == dt.datetime(2013, 10, 23, 15, 43, 26)
    assert first.updated_at is None and first.failure_report is None
    assert second.failed_records == 10 and second.failure_report[0] == "text/csv"
    ok, bad = r.parse_feed_list(env("FeedList.invalid-missing-status.xml"))
    assert ok.valid and ok.status == "Processing" and not bad.valid
    assert bad.failed_records == 10
    no_id, good = r.parse_feed_list(env("FeedList.invalid-missing-feed-id.xml"))
    assert not no_id.valid and good.valid and good.failed_records == 10

    created = r.parse_feed_status(env("FeedStatus.ProductCreate.xml"))
    assert (
        created.status,
        created.total_records,
        created.processed_records,
        created.failed_records,
    ) == ("Finished", 1232, 1190, 114)
    assert created.errors == (r.FeedError("0", "SellerSku cannot be empty", None),)
    updated = r.parse_feed_status(env("FeedStatus.ProductUpdate.xml"))
    assert updated.action == "ProductUpdate" and len(updated.errors) == 3
    assert updated.errors[1].message == "Seller SKU \\'9788441418011\\' not found"
    assert updated.errors[1].seller_sku == "9788441418011"
    assert r.parse_feed_count(env("FeedCount.success.xml")) == r.FeedCount(5, 4, 3, 2, 1)


def test_products() -> None:
    p1, p2, p3 = r.parse_products(env("GetProducts.success.xml"))
    assert (p1.seller_sku, p1.shop_sku, p1.product_sin, p1.quantity) == (
        "jasku-10001",
        "A89AS7A7S99",
        "SAU8SAY87AS",
        1000,
    )
    assert p1.price == Decimal("22000.00") and p1.sale_price == Decimal("20000.00")
    assert p1.sale_start == dt.datetime(2019, 1, 23) and len(p1.images) == 3
    assert p1.description == "fdsfdsfds<span></span>" and p1.categories == ("1232", "32132")
    assert p1.product_data["ShortDescription"] == "1,2,3,4" and p1.url is None
    assert p2.name is None and p2.primary_category == "Andadores de seguridad"
    assert p3.product_data["ConditionType"] == "Reacondicionado"

    c1, c2, c3 = r.parse_products(env("GetProducts.categories-with-commas.xml"))
    assert c1.categories == ("Sillas Portabebes para Bicicletas",)
    assert c2.categories == ("Collares, arneses y correas para perros", "Arneses para perros")
    assert c3.categories == ("TV, Audio y Video", "Smart TV") and c3.variation == "XL"

    complete = r.parse_products(env("GetProducts.success.complete.xml"))
    assert [p.name for p in complete] == ["jasku-10001", "jasku-1000123", "jasku-10003"]
    units = r.parse_products(env("GetProducts.global-business-units.xml"))
    assert [p.name for p in units] == ["jasku-10001", "jasku-100031", "jasku-10003"]
    [bu] = units[0].business_units
    assert (bu.operator_code, bu.price, bu.special_price, bu.stock, bu.is_published) == (
        "facl",
        Decimal("1599.00"),
        Decimal("1200.00"),
        100,
        True,
    )
    assert units[0].qc_status == "approved" and units[0].price is None

    co = r.parse_fragment(load("Product.fragment.linio-co.xml"), r.parse_product)
    assert co.name == "Prueba atributo T&B Prueba atributo T&B" and co.sale_price is None
    assert co.brand == "Hasbro" and co.categories == () and len(co.images) == 2
    assert list(co.product_data)[:2] == ["ShortDescription", "Color"]
    assert len(co.product_data) == 10 and co.product_data["PackageWeight"] == "0.5"


def test_quality_control() -> None:
    states = r.parse_qc_status(env("GetQcStatus.success.xml"))
    assert len(states) == 6 and states[0] == r.QcState("TestProduct2030", "approved", True, None)
    assert [s.reason for s in states if s.status == "rejected"] == [
        "Wrong Description; Wrong Translation",
        "Price Not Reasonable; Image Corrupt",
    ]
    invalid = r.parse_qc_status(env("GetQcStatus.with-invalid-states.xml"))
    assert len(invalid) == 6 and sum(s.status == "rejected" for s in invalid) == 2


def test_orders() -> None:
    [order] = r.parse_orders(env("GetOrder.success.xml"))
    assert (order.order_id, order.order_number, order.price) == (
        "4687503",
        "206125233",
        Decimal("61800.00"),
    )
    assert order.statuses == ("delivered", "pending") and order.gift_option is False
    assert order.billing.lines == ("Johannisstr. 20",) and order.billing.post_code == "10117"
    assert order.shipping.lines == ("Charlottenstraße 4",)
    assert order.promised_shipping_time == dt.datetime(2018, 8, 28, 16, 0)
    assert order.extra_attributes is None and order.invoice_required is None
    [falabella] = r.parse_orders(env("GetOrder.success.falabella-fields.xml"))
    assert (falabella.invoice_required, falabella.shipping_type, falabella.operator_code) == (
        True,
        "Dropshipping",
        "FACL",
    )
    orders = r.parse_orders(env("GetOrders.success.xml"))
    assert sum(o.price for o in orders) == Decimal("187606.85")
    assert orders[1].statuses == ("delivered", "canceled")
    lines = r.parse_orders(env("GetOrders.success.address-lines.xml"))
    assert lines[0].billing.lines[1:] == ("address2", "address3", "address4", "address5")
    assert lines[0].invoice_required is False
    fragment = r.parse_fragment(load("Order.fragment.xml"), r.parse_order)
    assert fragment.extra_attributes == "Extra atrubutte" and fragment.gift_option is True

    [item] = r.parse_order_items(env("GetOrderItems.success.xml"))
    assert (item.order_item_id, item.order_id, item.sku, item.currency) == (
        "6750999",
        "4758978",
        "DJFKLJOEDKLFJ",
        "COP",
    )
    assert item.paid_price == Decimal("89900.00") and item.cod_collectable_amount is None
    assert item.package_id == "1000414030800" and item.is_processable
    [with_imei] = r.parse_order_items(env("GetOrderItems.success.imei.xml"))
    assert with_imei.imei == "weqweqwe-123123"
    extra = r.parse_fragment(load("OrderItem.fragment.extra-attributes.xml"), r.parse_order_item)
    assert extra.extra_attributes == {"color": "red", "isGift": "true"}
    assert extra.cod_collectable_amount is None and extra.return_status == "approved"

    multiple = r.parse_multiple_order_items(env("GetMultipleOrderItems.success.xml"))
    assert [(o.order_id, [i.order_item_id for i in o.items]) for o in multiple] == [
        ("4687503", ["6653173"]),
        ("4687808", ["6653602"]),
    ]
    assert all(i.order_id == o.order_id for o in multiple for i in o.items)
    assert multiple[1].items[0].paid_price == Decimal("119903.23")

    assert r.parse_packed_items(env("SetStatusToPackedByMarketplace.success.xml")) == [
        r.PackedItem("1", "123456", "ABC-123456", "MPDS-200131783-9800")
    ]
    assert r.parse_packed_items(env("SetStatusToReadyToShip.success.xml")) == [
        r.PackedItem(None, "123456", "ABC-123456", None)
    ]
    assert [x.name for x in r.parse_failure_reasons(env("GetFailureReasons.success.xml"))] == [
        "Sourcing team couldn't find items",
        "Wrong address",
    ]
    assert r.parse_invoice_number(env("SetInvoiceNumber.success.xml")) == (
        "1",
        "123132465465465465456",
    )
    ok, failed = r.parse_imei(env("SetImei.success.xml"))
    assert ok.success and not failed.success and "package assigned" in failed.message
    tracking = env("GetTrackingCode.success.xml")
    assert tracking.request_parameters["shipping_provider_name"] == "chilexpress"
    assert tracking.body["TrackingCode"]["TrackingNumber"].startswith("MOCKED_")


def test_seller_and_requests() -> None:
    stats = env("GetStatistics.success.xml").body
    assert stats["Products"]["Total"] == "6053" and stats["Orders"]["Total"] == "3449"
    seller = env("GetSellerByUser.success.xml").body["Seller"]
    assert seller["ShortCode"] == "TEST123"
    request = r._load(load("ProductCreate.request.special-chars.xml"))
    product = next(iter(request.values()))["Product"]
    assert product["Description"].startswith("<p>Womens black <b>leather & bag</b>")
    image = r._load(load("Image.request.xml"))["Request"]["ProductImage"]
    assert image["Images"]["Image"] == "https://fakeimg.pl/350x200/?text=World&font=lobster"
    imei = r._load(load("SetImei.request.xml"))["Request"]["OrderItem"]
    assert imei == {"OrderItemId": "6750999", "Imei": "weqweqwe-123123"}


def test_webhooks() -> None:
    hooks = r.parse_webhooks(env("GetWebhooks.success.xml"))
    assert [(h.webhook_id[:8], h.source, h.events) for h in hooks] == [
        ("7dffaa4e", "web", ("onProductCreated",)),
        ("fbfe60be", "api", ("onOrderCreated",)),
    ]
    events = r.parse_webhook_entities(env("GetWebhookEntities.success.xml"))
    assert len(events) == 9 and len({e.entity for e in events}) == 5
    gsc = r.parse_webhook_entities(env("GetWebhookEntities.success.gsc.xml"))
    assert ("Order", "ItemsStatusChanged", "onOrderItemsStatusChanged") in {
        (e.entity, e.name, e.alias) for e in gsc
    }
    webhook_id, created = r.parse_created_webhook(env("CreateWebhook.success.xml"))
    assert webhook_id == "aa7e85d6-f3ee-4138-bc43-469a69b74bee" and created.year == 2022
    callback = json.loads(load("webhook.onOrderItemsStatusChanged.json"))
    assert callback == {
        "event": "onOrderItemsStatusChanged",
        "payload": {"OrderId": 190, "OrderItemsId": [2, 3]},
    }
    for name in ("webhook.onFeedCreated.json", "webhook.onFeedCompleted.json"):
        assert json.loads(load(name))["payload"]["Feed"] == "829a8d2a-d370-4fa6-8613-8554f43d5fed"


def test_json_invoice_endpoint() -> None:
    ok = r.parse_envelope(load("SetInvoicePDF.success.json"))
    assert ok.body["message"] == "Invoice Uploaded Successfully"
    assert ok.body["data"]["operatorCode"] == "FACL"
    with pytest.raises(PermanentError) as info:
        r.parse_envelope(load("SetInvoicePDF.error.json"), status=400)
    assert "Bad Request" in str(info.value)


@pytest.mark.parametrize(
    ("body", "status", "kind"),
    [
        (b"<html><body>Maintenance</body></html>", 503, "TransientError"),
        (b"", 502, "TransientError"),
        (b"Service Unavailable", 503, "TransientError"),
        (
            b"<ErrorResponse><Head><ErrorType>Platform</ErrorType><ErrorCode>1</ErrorCode>"
            b"<ErrorMessage>E001: x</ErrorMessage></Head><Body/></ErrorResponse>",
            500,
            "TransientError",
        ),
        (
            b"<ErrorResponse><Head><ErrorType>Sender</ErrorType><ErrorCode>7</ErrorCode>"
            b"<ErrorMessage>E007: Login failed. Signature mismatching</ErrorMessage></Head>"
            b"<Body/></ErrorResponse>",
            400,
            "AuthError",
        ),
        (
            b"<ErrorResponse><Head><ErrorType>Sender</ErrorType><ErrorCode>429</ErrorCode>"
            b"<ErrorMessage>E429: Too many requests</ErrorMessage></Head><Body/></ErrorResponse>",
            429,
            "ThrottledError",
        ),
        (
            b"<ErrorResponse><Head><ErrorType>Sender</ErrorType><ErrorCode>1000</ErrorCode>"
            b"<ErrorMessage>Format Error Detected</ErrorMessage></Head><Body><ErrorDetail>"
            b"<Field>StandardPrice</Field><Message>bad</Message><Value>10.0x</Value>"
            b"<SellerSku>S1</SellerSku></ErrorDetail><ErrorDetail><Field>Name</Field>"
            b"<Message>empty</Message></ErrorDetail></Body></ErrorResponse>",
            400,
            "PermanentError",
        ),
    ],
)
def test_error_classes(body: bytes, status: int, kind: str) -> None:
    with pytest.raises(ClientError) as info:
        r.parse_envelope(body, status=status, action="ProductUpdate")
    assert type(info.value).__name__ == kind
    if kind == "PermanentError":
        assert [(d.field, d.value, d.seller_sku) for d in info.value.details] == [
            ("StandardPrice", "10.0x", "S1"),
            ("Name", None, None),
        ]
