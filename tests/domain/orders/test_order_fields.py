"""The order field table and its money rules (CLARIFICATIONS §5): totals add up."""

from __future__ import annotations

from decimal import Decimal

import pytest
from orders_data import item, order, settings, simulated, simulation

from domain.orders.fields import (
    ORDER_FIELDS,
    cents,
    live_items,
    order_lines,
    order_totals,
    paid_unit_cents,
)
from domain.orders.placement import place, plan


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("100.00", 10000),
        ("99.995", 10000),
        ("0.004", 0),
        ("12990", 1299000),  # CLP: VTEX keeps two decimals for every currency
        (Decimal("349.90"), 34990),
        (None, None),
        ("", None),
    ],
)
def test_cents(value, expected):
    assert cents(value) == expected


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        (item("1", paid="90.00", price="100.00", voucher="10"), 9000),
        (item("1", paid=None, price="100.00", voucher="15.50"), 8450),
        (item("1", paid="0.00", price="100.00", voucher="100"), 0),  # fully paid by voucher
        (item("1", paid=None, price=None), None),
    ],
)
def test_paid_unit_price_is_what_the_buyer_paid(unit, expected):
    assert paid_unit_cents(unit) == expected


def test_units_of_one_sku_become_one_line_keeping_the_item_ids():
    lines = order_lines(
        [
            item("11", "SKU-1", "100.00", shipping="20.00"),
            item("12", "SKU-2", "50.00", shipping="5.00"),
            item("13", "SKU-1", "100.00", shipping="20.00"),
        ]
    )
    assert [(ln.seller_sku, ln.quantity, ln.unit_price, ln.item_ids) for ln in lines] == [
        ("SKU-1", 2, 10000, ("11", "13")),
        ("SKU-2", 1, 5000, ("12",)),
    ]
    assert [ln.shipping for ln in lines] == [4000, 500]


def test_units_paid_differently_split_so_price_times_quantity_is_exact():
    # A voucher applied to one unit only: 100 + 100 + 70 paid.
    units = [
        item("1", paid="100.00", price="100.00"),
        item("2", paid="70.00", price="100.00", voucher="30"),
        item("3", paid="100.00", price="100.00"),
    ]
    lines = order_lines(units)
    assert [(ln.unit_price, ln.quantity) for ln in lines] == [(10000, 2), (7000, 1)]
    assert order_totals(lines).items == 27000
    assert order_totals(lines).vouchers == 3000


def test_cancelled_items_are_not_placed():
    units = [item("1"), item("2", status="canceled")]
    assert [i.order_item_id for i in live_items(units)] == ["1"]


@pytest.mark.parametrize("fob", [False, True])
@pytest.mark.parametrize(
    "units",
    [
        [item("1", paid="349.90", shipping="49.00")],
        [
            item("1", "SKU-1", "199.99", price="249.99", voucher="50", shipping="10.01"),
            item("2", "SKU-1", "199.99", price="249.99", voucher="50", shipping="10.01"),
            item("3", "SKU-2", "0.99", shipping="0.00"),
        ],
    ],
)
def test_the_vtex_body_totals_add_up_to_what_the_buyer_paid(units, fob):
    the_plan = plan(order(), units, {"SKU-1": "101", "SKU-2": "102"}, settings(fob=fob))
    sim = simulation(simulated("101"), simulated("102"))
    body = place(the_plan, sim, settings(fob=fob)).body
    assert body is not None
    items_value = sum(i["price"] * i["quantity"] for i in body["items"])
    freight = sum(li["price"] for li in body["shippingData"]["logisticsInfo"])
    paid = sum(cents(u.paid_price) for u in units)
    shipping = 0 if fob else sum(cents(u.shipping_amount) for u in units)
    assert items_value == paid
    assert freight == shipping
    assert body["marketplacePaymentValue"] == items_value + freight == paid + shipping


def test_every_row_of_the_table_names_a_field_of_the_body_in_both_languages():
    the_plan = plan(order(), [item("1")], {"SKU-1": "101"}, settings())
    body = place(the_plan, simulation(simulated("101")), settings()).body
    assert body is not None
    for row in ORDER_FIELDS:
        top = row.vtex.split(".")[0].split("[")[0]
        assert top in body, row.vtex
        assert row.rule.es != row.rule.en
