"""Every real Seller Center reply in spec/linio-fixtures parsed, with the values its index
lists (fixtures-index.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import xmltodict

from clients.errors import (
    AuthError,
    ClientError,
    ConfigError,
    NotFoundError,
    PermanentError,
    TransientError,
)
from clients.linio import bodies as build
from clients.linio import responses as r
from tests.conftest import FIXTURES_DIR

FIXTURES = FIXTURES_DIR / "linio"


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
    # Unknown feed or order item ids are NotFound (still permanent); the synthetic ones not.
    assert isinstance(info.value, NotFoundError) == (code in ("E012", "E020"))


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

    [attribute_set] = r.parse_attribute_sets(env("GetCategoriesByAttributeSet.success.xml"))
    assert (attribute_set.attribute_set_id, attribute_set.name) == ("3", "home_living")
    assert attribute_set.global_identifier == "HL"
    [home] = attribute_set.categories
    assert [(c.category_id, c.name) for c in home.walk()] == [
        ("390", "Home & Living"),
        ("2931", "Large Appliances"),
        ("2949", "Fridge & Freezers"),
        ("2948", "Washing Machine"),
        ("2947", "Microwave"),
    ]
    assert all(c.global_identifier is None and c.attribute_set_id is None for c in home.walk())
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
    assert r.parse_invoice_number(env("SetInvoiceNumber.success.xml")) == r.InvoiceNumber(
        "1", "123132465465465465456"
    )
    ok, failed = r.parse_imei(env("SetImei.success.xml"))
    assert (ok.order_item_id, ok.imei, ok.success) == ("3631813", "1231321321321", True)
    assert (failed.order_item_id, failed.imei, failed.success) == ("3631814", None, False)
    assert failed.message == "Denied. The order has already a package assigned."
    tracking = env("GetTrackingCode.success.xml")
    assert tracking.request_parameters == {
        "packageId": "10f9780b-380c-4625-8024-b166ece74453",
        "shipping_provider_name": "chilexpress",
    }
    assert r.parse_tracking_code(tracking) == r.TrackingCode(
        "10f9780b-380c-4625-8024-b166ece74453", "MOCKED_be834cdb-551f-4d03-bea7-38d255c4b13b"
    )


def test_seller() -> None:
    stats = r.parse_statistics(env("GetStatistics.success.xml"))
    assert stats.products_total == 6053 and stats.orders_total == 3449
    assert stats.products_by_status == {
        "Active": 5036,
        "All": 5963,
        "Deleted": 90,
        "ImageMissing": 1156,
        "Inactive": 927,
        "Live": 1486,
        "Pending": 103,
        "PoorQuality": 1790,
        "SoldOut": 2084,
    }
    assert len(stats.orders_by_status) == 17
    assert (stats.orders_by_status["Canceled"], stats.orders_by_status["Delivered"]) == (436, 2824)
    assert stats.orders_by_status["NoExtInvoiceKey"] == 3113
    assert stats.order_items_pending == {"Today": 1, "Yesterday": 1, "Older": 3}
    health = stats.account_health
    assert list(health) == ["Day", "Week", "Month", "Alltime"]
    assert health["Day"]["TwoDaysShippedPercentage"] == r.HealthRating(Decimal("0.00"), "bad")
    assert health["Month"]["TwoDaysShippedPercentage"] == r.HealthRating(
        Decimal("64.00"), "improvable"
    )
    assert health["Alltime"]["CancellationPercentage"] == r.HealthRating(
        Decimal("3.00"), "improvable"
    )

    seller = r.parse_seller(env("GetSellerByUser.success.xml"))
    assert (seller.short_code, seller.company_name, seller.seller_name) == (
        "TEST123",
        "testCompanyName",
        "testSeller",
    )
    assert seller.email_address == "testSeller@falabella.cl"
    assert seller.api_key == "testApiKey123" and "testApiKey123" not in repr(seller)


def _request(raw: bytes | str) -> dict:
    """A request body as data, root renamed to Request (the SDK test uses <Products>)."""
    document = xmltodict.parse(raw.strip())
    return {"Request": next(iter(document.values()))}


def test_product_request_matches_the_sdk_fixture() -> None:
    built = build.products_xml(
        [
            {
                "SellerSku": "BLACK_BAG_TEST",
                "Name": "Black Leather bagskasd",
                "Variation": "M",
                "Status": "active",
                "PrimaryCategory": "7080",
                "Description": "<p>Womens black <b>leather & bag</b>, with ample space. Can be "
                "worn over the shoulder, or remove straps to carry in your hand.asdasd</p>",
                "Brand": "Apple",
                "Price": 30000,
                "ProductId": "123456783",
                "TaxClass": "IVA 19%",
                "Quantity": 0,
                "SalePrice": None,  # None is left out: partial updates send only what changes
                "ProductData": {
                    "ConditionType": "Nuevo",
                    "PackageHeight": 1,
                    "PackageWidth": 1,
                    "PackageLength": 1,
                    "PackageWeight": 1,
                    "ShortDescription": "Short description & ampersand",
                    "MultiOption": ["Option one", "Option two"],
                },
            }
        ]
    )
    assert _request(built) == _request(load("ProductCreate.request.special-chars.xml"))
    # Escaped exactly once: the markup travels as text, the ampersand as &amp;.
    assert "&lt;p&gt;Womens black &lt;b&gt;leather &amp; bag&lt;/b&gt;" in built
    assert "&amp;amp;" not in built
    expected = _request(load("ProductCreate.request.special-chars.xml"))
    product = expected["Request"]["Product"]
    assert product["Description"].startswith("<p>Womens black <b>leather & bag</b>")
    assert product["ProductData"]["MultiOption"] == "Option one,Option two"
    exact = build.products_xml(
        [
            {
                "SellerSku": "P",
                "Price": Decimal("30000.00"),
                "ProductData": {"PackageWeight": Decimal("0.125"), "IsGift": False},
            }
        ]
    )
    assert "<Price>30000.00</Price>" in exact and "<PackageWeight>0.125</PackageWeight>" in exact
    assert "<IsGift>0</IsGift>" in exact
    with pytest.raises(ValueError, match="SellerSku"):
        build.products_xml([{"Name": "no sku"}])
    with pytest.raises(ValueError, match="at most 1000"):
        build.products_xml([{"SellerSku": f"S{i}"} for i in range(1001)])


def test_image_and_imei_requests() -> None:
    built = build.images_xml({"SKU": ["https://fakeimg.pl/350x200/?text=World&font=lobster"]})
    assert _request(built) == _request(load("Image.request.xml"))
    assert "?text=World&amp;font=lobster" in built
    image = _request(load("Image.request.xml"))["Request"]["ProductImage"]
    assert image["Images"]["Image"] == "https://fakeimg.pl/350x200/?text=World&font=lobster"
    imei = _request(load("SetImei.request.xml"))["Request"]["OrderItem"]
    assert imei == {"OrderItemId": "6750999", "Imei": "weqweqwe-123123"}


def test_webhooks() -> None:
    hooks = r.parse_webhooks(env("GetWebhooks.success.xml"))
    assert hooks == [
        r.Webhook(
            "7dffaa4e-1713-42c2-84ba-1d2fbd4537ab",
            "http://localhost/callbacks/1",
            "web",
            ("onProductCreated",),
        ),
        r.Webhook(
            "fbfe60be-b282-4bc1-9e4d-2147c686d1a8",
            "http://localhost/callbacks/2k",
            "api",
            ("onOrderCreated",),
        ),
    ]
    events = r.parse_webhook_entities(env("GetWebhookEntities.success.xml"))
    assert {(e.entity, e.name, e.alias) for e in events} == {
        ("Feed", "Completed", "onFeedCompleted"),
        ("Feed", "Created", "onFeedCreated"),
        ("Metrics", "Updated", "onMetricsUpdated"),
        ("Order", "Created", "onOrderCreated"),
        ("Order", "StatusChanged", "onOrderItemsStatusChanged"),
        ("Product", "Created", "onProductCreated"),
        ("Product", "QcStatusChanged", "onProductQcStatusChanged"),
        ("Product", "Updated", "onProductUpdated"),
        ("Statistics", "Updated", "onStatisticsUpdated"),
    }
    gsc = r.parse_webhook_entities(env("GetWebhookEntities.success.gsc.xml"))
    assert len(gsc) == 9 and {e.entity for e in gsc} == {"Feed", "Order", "Product", "Statistics"}
    assert ("Order", "ItemsStatusChanged", "onOrderItemsStatusChanged") in {
        (e.entity, e.name, e.alias) for e in gsc
    }
    assert ("Order", "ReturnStatusChanged", "onReturnStatusChanged") in {
        (e.entity, e.name, e.alias) for e in gsc
    }
    created = r.parse_created_webhook(env("CreateWebhook.success.xml"))
    assert created.webhook_id == "aa7e85d6-f3ee-4138-bc43-469a69b74bee"
    assert created.created_at == dt.datetime(
        2022, 12, 29, 8, 52, 26, tzinfo=dt.timezone(dt.timedelta(hours=-3))
    )
    deleted = env("DeleteWebhook.success.xml")
    assert (deleted.action, deleted.response_type, deleted.body) == ("DeleteWebhook", None, None)

    status = r.parse_webhook_callback(load("webhook.onOrderItemsStatusChanged.json"))
    assert status.event == "onOrderItemsStatusChanged"
    assert status.payload == {"OrderId": 190, "OrderItemsId": [2, 3]}
    assert (status.order_id, status.order_item_ids) == ("190", ("2", "3"))
    for name, event in (
        ("webhook.onFeedCreated.json", "onFeedCreated"),
        ("webhook.onFeedCompleted.json", "onFeedCompleted"),
    ):
        callback = r.parse_webhook_callback(load(name))
        assert callback.event == event
        assert callback.feed_id == "829a8d2a-d370-4fa6-8613-8554f43d5fed"
    with pytest.raises(PermanentError):
        r.parse_webhook_callback(b"<html>not json</html>")


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


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (503, TransientError),  # maintenance page
        (502, TransientError),
        (None, TransientError),  # no status: a cut connection's leftovers
        (408, TransientError),
        (400, PermanentError),  # the web server refused this request: no breaker, no retry
        (413, PermanentError),
        (414, PermanentError),
        (404, ConfigError),  # not Seller Center at this URL
        (401, AuthError),
    ],
)
def test_replies_that_are_not_seller_center_xml_are_classified_by_status(
    status: int | None, kind: type[Exception]
) -> None:
    page = "<html><body><h1>Bad Request</h1></body></html>"
    with pytest.raises(kind) as info:
        r.parse_envelope(page, status=status, action="GetOrder")
    assert type(info.value) is kind
    # Only passing faults may count against a breaker (CLARIFICATIONS §3).
    assert info.value.retryable == (kind is TransientError)
