"""VTEX's JSON into typed values, on plain payloads shaped like the documented examples."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from clients.retry import parse_retry_after
from clients.vtex.models import (
    parse_order,
    parse_product,
    parse_receipt,
    parse_simulation,
    parse_sku_context,
)

SKU_AND_CONTEXT = {
    "Id": 2001773,
    "ProductId": 2001426,
    "NameComplete": "Tabla de Picar Redonda Bambú 30 cm",
    "ProductName": "Tabla de Picar Redonda Bambú",
    "ProductDescription": "Tabla de bambú",
    "SkuName": "30 cm",
    "IsActive": True,
    "IsProductActive": False,
    "BrandId": "2000018",
    "BrandName": "Tramontina",
    "Dimension": {"cubicweight": 0.5, "height": 2.0, "length": 30.0, "weight": 800, "width": 30},
    "ProductCategoryIds": "/59/61/",
    "Images": [{"ImageUrl": "https://acme.vteximg.com.br/a.jpg"}, {"ImageName": "no url"}],
    "SalesChannels": [1, 2],
    "AlternateIds": {"Ean": "7891234567895", "RefId": "TAB-30"},
    "ProductSpecifications": [{"FieldName": "Material", "FieldValues": ["Bambú"]}],
    "SkuSpecifications": [{"FieldName": "Tamaño", "FieldValues": ["30 cm"]}],
}


def test_sku_context_keeps_the_fields_the_flows_use() -> None:
    sku = parse_sku_context(SKU_AND_CONTEXT)
    assert (sku.sku_id, sku.product_id, sku.brand_id) == ("2001773", "2001426", "2000018")
    assert sku.category_ids == ("59", "61") and sku.category_id == "61"  # the leaf is last
    assert sku.is_active and not sku.is_product_active
    assert sku.in_trade_policy("2") and not sku.in_trade_policy("3")
    assert sku.images == ("https://acme.vteximg.com.br/a.jpg",)
    assert sku.specifications == {"Material": ("Bambú",), "Tamaño": ("30 cm",)}
    assert (sku.ean, sku.ref_id) == ("7891234567895", "TAB-30")
    assert sku.dimensions["weight"] == 800.0
    assert sku.raw is SKU_AND_CONTEXT and "ProductSpecifications" not in repr(sku)


def test_product_from_both_endpoints() -> None:
    plain = parse_product({"Id": 42, "Name": "Olla", "CategoryId": 61, "IsActive": True})
    assert (plain.product_id, plain.category_id, plain.trade_policies) == ("42", "61", ())
    with_policies = parse_product({"Id": 42, "IsActive": False, "ListStoreId": [1, 2]})
    assert with_policies.trade_policies == ("1", "2") and not with_policies.is_active


def test_simulation_maps_logistics_by_item_index_and_flags_unavailable() -> None:
    simulation = parse_simulation(
        {
            "items": [
                {"id": "11", "requestIndex": 0, "quantity": 1, "price": 1990, "listPrice": 2990},
                {"id": "33", "requestIndex": 2, "quantity": 1, "price": 500},
                {"id": "44", "requestIndex": 3, "price": 700, "availability": "withoutStock"},
            ],
            "logisticsInfo": [
                {"itemIndex": 1, "stockBalance": 0, "slas": []},
                {
                    "itemIndex": 0,
                    "stockBalance": 7,
                    "slas": [
                        {"id": "Normal", "name": "Normal", "price": 3990, "shippingEstimate": "3bd"}
                    ],
                },
            ],
            "messages": [{"code": "ORD027", "text": "Item 22 not found", "status": "error"}],
        }
    )
    first = simulation.items["11"]
    assert (first.price, first.list_price, first.stock_balance) == (1990, 2990, 7)
    assert first.slas[0].price == 3990 and first.slas[0].delivery_channel == "delivery"
    assert simulation.items["33"].list_price == 500  # no listPrice: the price itself
    assert simulation.available("11")
    assert not simulation.available("33")  # no logisticsInfo: no SLA, so not sellable
    assert not simulation.available("22")  # missing from items: unavailable (VTEX's rule)
    assert not simulation.available("44")  # returned, but not available
    assert simulation.messages[0]["code"] == "ORD027"


def test_order_and_receipt() -> None:
    order = parse_order({"orderId": "1-01", "status": "invoiced", "value": 12990})
    assert order.invoiced and order.value == 12990 and order.marketplace_order_id is None
    receipt = parse_receipt({"date": "2026-11-22", "orderId": "1-01", "receipt": "abc"})
    assert (receipt.order_id, receipt.receipt) == ("1-01", "abc")
    assert parse_receipt(None).receipt is None  # start-handling style empty bodies


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, None), ("", None), ("5", 5.0), ("0.25", 0.25), ("-3", 0.0), ("soon", None)],
)
def test_retry_after_seconds(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header) == expected


def test_retry_after_http_date() -> None:
    later = datetime.now(UTC) + timedelta(seconds=90)
    assert parse_retry_after(format_datetime(later, usegmt=True)) == pytest.approx(90, abs=2)
    earlier = datetime.now(UTC) - timedelta(seconds=90)
    assert parse_retry_after(format_datetime(earlier, usegmt=True)) == 0.0
