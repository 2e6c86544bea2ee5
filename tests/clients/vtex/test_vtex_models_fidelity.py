"""VTEX responses as the platform really shapes them (audit fidelity-vtex #4, #10, #15)."""

from __future__ import annotations

from clients.vtex.models import parse_simulation, parse_sku_context

# Field case "simulation-stockbalance-zero": the second SKU is returned priced, with
# stockBalance 0 and no SLA, and without an "availability" field (fulfillment answers
# carry none).
STOCKBALANCE_ZERO = {
    "items": [
        {"id": "2000037", "requestIndex": 0, "quantity": 1, "seller": "1", "price": 67203,
         "listPrice": 67203, "priceTags": [], "measurementUnit": "un", "unitMultiplier": 1},
        {"id": "2000038", "requestIndex": 1, "quantity": 1, "seller": "1", "price": 15990,
         "listPrice": 19990, "priceTags": [], "measurementUnit": "un", "unitMultiplier": 1},
    ],
    "logisticsInfo": [
        {"itemIndex": 0, "quantity": 1, "shipsTo": ["MEX"], "stockBalance": 199,
         "slas": [{"id": "Normal", "name": "Normal", "price": 0, "shippingEstimate": "3bd",
                   "deliveryChannel": "delivery"}]},
        {"itemIndex": 1, "quantity": 1, "shipsTo": ["MEX"], "slas": [], "stockBalance": 0,
         "deliveryChannels": [{"id": "delivery", "stockBalance": 0}]},
    ],
}  # fmt: skip


def test_stock_balance_zero_and_no_sla_is_unavailable() -> None:
    simulation = parse_simulation(STOCKBALANCE_ZERO)
    assert simulation.available("2000037")
    assert not simulation.available("2000038")
    item = simulation.items["2000038"]
    assert (item.price, item.list_price, item.stock_balance, item.slas) == (15990, 19990, 0, ())


def test_availability_needs_stock_and_an_sla() -> None:
    sla = {"id": "Normal", "name": "Normal", "price": 0, "shippingEstimate": "3bd"}
    body = {
        "items": [
            {"id": "1", "quantity": 0, "price": 100},  # HC-catalog: quantity 0
            {"id": "2", "quantity": 1, "price": 100},  # stock but no SLA for the address
            {"id": "3", "quantity": 1, "price": 100},  # checkout style: no stockBalance
            {"id": "4", "quantity": 1, "price": 100, "availability": "withoutStock"},
        ],
        "logisticsInfo": [
            {"itemIndex": 0, "stockBalance": 0, "slas": []},
            {"itemIndex": 1, "stockBalance": 5, "slas": []},
            {"itemIndex": 2, "slas": [sla]},
            {"itemIndex": 3, "stockBalance": 5, "slas": [sla]},
        ],
    }
    simulation = parse_simulation(body)
    assert [simulation.available(s) for s in "1234"] == [False, False, True, False]
    assert simulation.items["3"].stock_balance is None


def test_duplicate_lines_of_one_sku_add_up_and_price_definition_wins() -> None:
    sla = {"id": "Normal", "name": "Normal", "price": 0, "shippingEstimate": "3bd"}
    body = {
        "items": [
            {"id": "9", "quantity": 2, "price": 1000, "sellingPrice": 999,
             "priceDefinition": {"calculatedSellingPrice": 1000, "total": 2000}},
            {"id": "9", "quantity": 1, "price": 1000, "sellingPrice": 0},  # a gift line
        ],
        "logisticsInfo": [
            {"itemIndex": 0, "stockBalance": 3, "slas": [sla]},
            {"itemIndex": 1, "stockBalance": 3, "slas": [sla]},
        ],
    }  # fmt: skip
    item = parse_simulation(body).items["9"]
    assert (item.quantity, item.selling_price, item.stock_balance) == (3, 1000, 3)


def test_sku_ref_id_never_falls_back_to_the_product_ref_id() -> None:
    base = {"Id": 1, "ProductId": 10, "ProductRefId": "0987", "IsActive": True}
    first = parse_sku_context({**base, "AlternateIds": {}})
    second = parse_sku_context({**base, "Id": 2, "AlternateIds": {"RefId": "0987-B"}})
    assert first.ref_id is None and first.product_ref_id == "0987"
    assert second.ref_id == "0987-B" and second.product_ref_id == "0987"
