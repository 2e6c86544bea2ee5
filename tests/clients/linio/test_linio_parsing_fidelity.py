# ruff: noqa: E501  (reference XML kept verbatim)
"""What the real Seller Center sends, parsed (fidelity audit D1, D2, D4, D6, D11–D14 and the
field cases e021, e080, feed-control-chars, getorders-updatedafter-offset-dropped). Pure."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import xmltodict

from clients.errors import AuthError, ItemError, NotFoundError, PermanentError
from clients.linio import bodies
from clients.linio import responses as r
from clients.linio.account import LinioAccount, zone_for
from clients.linio.dates import localized, naive_filter, offset_filter
from clients.linio.models import Order, normalize_item_status

MX = ZoneInfo("America/Mexico_City")

# cases/e021-fob-not-enabled.xml
E021 = """<?xml version="1.0" encoding="UTF-8"?>
<ErrorResponse>
  <Head>
    <RequestAction>SetStatusToReadyToShip</RequestAction>
    <ErrorType>Sender</ErrorType>
    <ErrorCode>21</ErrorCode>
    <ErrorMessage>E021: OMS Api Error Occurred</ErrorMessage>
  </Head>
  <Body/>
</ErrorResponse>"""
# cases/e080-preselected-shipment-provider.xml
E080 = """<?xml version="1.0" encoding="UTF-8"?>
<ErrorResponse>
  <Head>
    <RequestAction>SetStatusToReadyToShip</RequestAction>
    <ErrorType>Sender</ErrorType>
    <ErrorCode>80</ErrorCode>
    <ErrorMessage>E080: Not allowed to change the preselected shipment provider</ErrorMessage>
  </Head>
  <Body/>
</ErrorResponse>"""
# mobly/sellercenter-sdk FeedStatusWithErrors.xml: SKU only inside the message, CDATA.
FEED_WITH_ERRORS = """<?xml version="1.0" encoding="UTF-8"?>
<SuccessResponse>
  <Head><RequestId/><RequestAction>FeedStatus</RequestAction><ResponseType>FeedDetail</ResponseType>
  <Timestamp>2016-08-05T10:51:52-0300</Timestamp><RequestParameters><FeedID>a</FeedID></RequestParameters></Head>
  <Body><FeedDetail><Feed>a</Feed><Status>Finished</Status><Action>ProductCreate</Action>
  <CreationDate>2016-08-05 10:48:22</CreationDate><UpdatedDate>2016-08-05 10:48:55</UpdatedDate>
  <Source>api</Source><TotalRecords>2</TotalRecords><ProcessedRecords>2</ProcessedRecords>
  <FailedRecords>2</FailedRecords>
  <FeedErrors>
    <Error><Code>0</Code><Message><![CDATA[Field Capacity (for Seller SKU: 1000030588) with value 'Invalid Field' has a problem: Please enter a number]]></Message></Error>
    <Error><Code>0</Code><Message><![CDATA[Seller SKU 'ABC-2' not found]]></Message><OrderId>77</OrderId><OrderItemId>78</OrderItemId></Error>
  </FeedErrors>
  <FeedWarnings>
    <Warning><Code>1</Code><Message>Field Images (for Seller SKU: IMG-1) with value '10' has a problem: the rest were rejected</Message></Warning>
  </FeedWarnings>
  </FeedDetail></Body>
</SuccessResponse>"""


def test_e021_is_an_item_level_error_not_an_outage() -> None:
    with pytest.raises(ItemError) as info:
        r.parse_envelope(E021, status=400, action="SetStatusToReadyToShip")
    assert info.value.code == "E021" and info.value.retryable
    assert "OMS Api Error Occurred" in info.value.message
    # A platform-side E021 (ErrorType Platform) is still the platform being down.
    platform = E021.replace("<ErrorType>Sender</ErrorType>", "<ErrorType>Platform</ErrorType>")
    with pytest.raises(r.TransientError):
        r.parse_envelope(platform, status=500)


def test_e080_needs_a_seller_action_and_is_not_retried() -> None:
    with pytest.raises(PermanentError) as info:
        r.parse_envelope(E080, status=400)
    assert info.value.code == "E080" and not info.value.retryable
    assert not isinstance(info.value, ItemError)


def test_feed_errors_are_attributed_to_the_sku_the_message_names() -> None:
    feed = r.parse_feed_status(r.parse_envelope(FEED_WITH_ERRORS))
    assert [(e.code, e.seller_sku) for e in feed.errors] == [("0", "1000030588"), ("0", "ABC-2")]
    assert feed.errors[0].message.startswith("Field Capacity (for Seller SKU: 1000030588)")
    assert (feed.errors[1].order_id, feed.errors[1].order_item_id) == ("77", "78")  # GFG Go
    assert [(w.code, w.seller_sku) for w in feed.warnings] == [("1", "IMG-1")]
    assert r.sku_in_message("Brand 'X' does not exist") is None


def test_feed_ending_in_error_is_finished() -> None:
    errored = FEED_WITH_ERRORS.replace("<Status>Finished</Status>", "<Status>Error</Status>")
    feed = r.parse_feed_status(r.parse_envelope(errored))
    assert feed.status == "Error" and feed.finished


def test_stock_fields_are_kept() -> None:
    node = xmltodict.parse(
        "<Product><SellerSku>S</SellerSku><Quantity>7</Quantity><ReservedStock>2</ReservedStock>"
        "<RealTimeStock>0</RealTimeStock><FulfillmentBySellable>1</FulfillmentBySellable>"
        "<FulfillmentByNonSellable>0</FulfillmentByNonSellable><Available>6</Available></Product>"
    )["Product"]
    product = r.parse_product(node)
    assert (product.quantity, product.reserved_stock, product.available) == (7, 2, 6)
    assert (product.real_time_stock, product.fulfillment_by_sellable) == (0, 1)


def test_both_attribute_spellings() -> None:
    gfg = json.dumps(
        {
            "SuccessResponse": {
                "Head": {"RequestId": "", "RequestAction": "GetCategoryAttributes"},
                "Body": {
                    "Attribute": {
                        "Name": "color",
                        "FeedName": "Color",
                        "IsMandatory": "1",
                        "AttributeType": "option",
                        "Options": {"Option": {"Name": "Rojo", "IsDefault": "1"}},
                    }
                },
            }
        }
    )
    [attribute] = r.parse_category_attributes(r.parse_envelope(gfg))
    assert attribute.is_mandatory and attribute.attribute_type == "option"
    assert [(o.name, o.is_default) for o in attribute.options] == [("Rojo", True)]


def test_json_replies_parse_like_xml_ones() -> None:
    xml = r.parse_envelope(
        "<SuccessResponse><Head><RequestId/><RequestAction>GetOrderItems</RequestAction>"
        "<ResponseType>OrderItems</ResponseType><Timestamp>2026-11-29T13:45:56-0600</Timestamp>"
        "</Head><Body><OrderItems><OrderItem><OrderItemId>1</OrderItemId><Status>pending"
        "</Status></OrderItem></OrderItems></Body></SuccessResponse>"
    )
    one_element = json.dumps(
        {
            "SuccessResponse": {
                "Head": {
                    "RequestId": "",
                    "RequestAction": "GetOrderItems",
                    "ResponseType": "OrderItems",
                    "Timestamp": "2026-11-29T13:45:56-0600",
                },
                "Body": {"OrderItems": {"OrderItem": {"OrderItemId": "1", "Status": "pending"}}},
            }
        }
    )
    from_json = r.parse_envelope(one_element)
    assert (from_json.action, from_json.timestamp) == (xml.action, xml.timestamp)
    assert r.parse_order_items(from_json) == r.parse_order_items(xml)
    error = json.dumps(
        {
            "ErrorResponse": {
                "Head": {
                    "RequestAction": "GetOrder",
                    "ErrorType": "Sender",
                    "ErrorCode": "16",
                    "ErrorMessage": "E016: Invalid Order ID",
                },
                "Body": "",
            }
        }
    )
    with pytest.raises(NotFoundError) as info:
        r.parse_envelope(error, status=400)
    assert info.value.code == "E016"


def test_a_401_page_asks_for_the_staging_credentials() -> None:
    with pytest.raises(AuthError) as info:
        r.parse_envelope("<html><body>401 Authorization Required</body></html>", status=401)
    assert info.value.code == "HTTP_BASIC" and "HTTP Basic" in info.value.message
    account = LinioAccount("u@acme.co", "k" * 20, "S1", "CO", "staging", ("linio", "s3cret"))
    assert "s3cret" not in repr(account)


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("return_ship_by_customer", "return_shipped_by_customer"),
        ("Return_awaiting_for_approval", "return_waiting_for_approval"),
        ("return_waiting_for_approval", "return_waiting_for_approval"),
        ("return_rejected", "return_rejected"),
        ("Shipped", "shipped"),
        ("something_new", "something_new"),
    ],
)
def test_post_sale_statuses_have_one_spelling(sent: str, expected: str) -> None:
    assert normalize_item_status(sent) == expected
    node = xmltodict.parse(
        f"<OrderItem><OrderItemId>1</OrderItemId><Status>{sent}</Status></OrderItem>"
    )
    assert r.parse_order_item(node["OrderItem"]).status == expected


def test_one_instant_is_one_filter() -> None:
    """cases/getorders-updatedafter-offset-dropped.md."""
    in_utc = dt.datetime(2024, 5, 2, 12, 0, tzinfo=dt.UTC)
    in_mx = dt.datetime(2024, 5, 2, 6, 0, tzinfo=MX)  # the same instant
    assert naive_filter(in_utc, MX) == naive_filter(in_mx, MX) == "2024-05-02T06:00:00"
    assert offset_filter(in_utc, MX) == offset_filter(in_mx, MX) == "2024-05-02T06:00:00-06:00"
    bogota = zone_for("co")
    assert naive_filter(in_utc, bogota) == "2024-05-02T07:00:00"
    with pytest.raises(ValueError, match="zona horaria"):
        naive_filter(dt.datetime(2024, 5, 2, 12, 0), MX)
    with pytest.raises(ValueError):
        offset_filter(dt.datetime(2024, 5, 2, 12, 0), MX)


def test_entity_dates_become_aware_in_the_sellers_zone() -> None:
    # GetOrder.success.xml (CO): CreatedAt local, AddressUpdatedAt UTC, 5 h apart.
    node = xmltodict.parse(
        "<Order><OrderId>1</OrderId><CreatedAt>2018-08-27 08:48:20</CreatedAt>"
        "<AddressUpdatedAt>2018-08-27 13:48:20</AddressUpdatedAt></Order>"
    )["Order"]
    order = localized(r.parse_order(node), zone_for("CO"))
    assert isinstance(order, Order)
    assert order.created_at == order.address_updated_at  # one instant
    assert order.created_at is not None and order.created_at.utcoffset() == dt.timedelta(hours=-5)
    untouched = r.parse_order(xmltodict.parse("<Order><OrderId>2</OrderId></Order>")["Order"])
    assert localized(untouched, MX) is untouched


def test_feed_bodies_never_carry_characters_xml_forbids() -> None:
    """cases/feed-control-chars-in-description.json."""
    products = [
        {"SellerSku": "SKU-OK", "Name": "Polera básica", "Brand": "Generica",
         "PrimaryCategory": "1", "Description": "Algodón", "Price": "9990.00", "Quantity": 5},
        {"SellerSku": "SKU-CTRL", "Name": "Polera básica", "Brand": "Generica",
         "PrimaryCategory": "1", "Description": "Lavar a mano\u000bNo usar secadora\u001f",
         "Price": "9990.00", "Quantity": 5},
    ]  # fmt: skip
    body = bodies.products_xml(products)
    parsed = xmltodict.parse(body)["Request"]["Product"]  # well-formed XML 1.0
    assert parsed[1]["Description"] == "Lavar a mano No usar secadora"
    assert parsed[0]["Description"] == "Algodón"
    assert bodies.xml_safe("a\x00b\ufffec\ud800d\x0ce") == "abcd e"
    assert bodies.xml_safe("tab\tnew\nline\r") == "tab\tnew\nline\r"
