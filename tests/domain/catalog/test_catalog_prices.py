"""prices.py: CLARIFICATIONS §4 price and stock cases, and the price-drop guard."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from domain.catalog.prices import (
    CLEAR,
    apply_rules,
    cents_to_decimal,
    linio_date,
    price_drop_guard,
    price_stock,
)
from domain.catalog.quantity import SUBTRACTS_RESERVATIONS, offer_quantity
from domain.catalog.snapshot import StoreRules
from tests.domain.catalog.snapshots import NOW, item

D = Decimal


def test_cents_become_decimal_units_exactly() -> None:
    assert cents_to_decimal(19990) == D("199.90")
    assert cents_to_decimal(1) == D("0.01")
    assert cents_to_decimal(0) == D("0.00")


def test_sale_when_the_selling_price_is_lower_than_the_list_price() -> None:
    offer = price_stock(item(price=15990, list_price=19990), StoreRules(), NOW)
    assert (offer.price, offer.sale_price) == (D("199.90"), D("159.90"))
    assert offer.sale_start == NOW
    assert offer.sale_end == dt.datetime(2099, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    assert offer.fields() == {
        "Price": "199.90",
        "SalePrice": "159.90",
        "SaleStartDate": "2026-11-29 15:00:00",
        "SaleEndDate": "2099-12-31 23:59:59",
        "Quantity": "10",
    }
    assert offer.effective == D("159.90")


def test_no_sale_clears_the_sale_fields_explicitly() -> None:
    offer = price_stock(item(price=19990), StoreRules(), NOW)
    fields = offer.fields()
    assert fields["Price"] == "199.90"
    # present and empty: an omitted field would leave an old sale price live on Linio
    assert fields["SalePrice"] == fields["SaleStartDate"] == fields["SaleEndDate"] == CLEAR
    assert "SalePrice" in fields


def test_a_list_price_below_the_selling_price_is_ignored() -> None:
    offer = price_stock(item(price=19990, list_price=9990), StoreRules(), NOW)
    assert (offer.price, offer.sale_price) == (D("199.90"), None)


def test_markup_and_rounding_apply_to_both_prices() -> None:
    rules = StoreRules(markup_percent=D("10"), markup_fixed=D("500"), currency_decimals=0)
    offer = price_stock(item(price=1599000, list_price=1999000), rules, NOW)  # CLP
    # 19990 * 1.10 + 500 = 22489 ; 15990 * 1.10 + 500 = 18089
    assert (offer.price, offer.sale_price) == (D("22489"), D("18089"))
    assert offer.fields()["Price"] == "22489"


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [("half_up", D("110")), ("up", D("110")), ("down", D("109"))],
)
def test_rounding_modes(rounding: str, expected: Decimal) -> None:
    rules = StoreRules(markup_percent=D("10"), currency_decimals=0, rounding=rounding)  # type: ignore[arg-type]
    assert apply_rules(D("99.90"), rules) == expected  # 109.89


def test_rounding_that_eats_the_discount_clears_the_sale() -> None:
    rules = StoreRules(currency_decimals=0)
    offer = price_stock(item(price=9960, list_price=10000), rules, NOW)  # 99.60 vs 100.00
    assert (offer.price, offer.sale_price) == (D("100"), None)
    assert offer.fields()["SalePrice"] == CLEAR


def test_an_expired_or_missing_price_validity_leaves_the_end_date_empty() -> None:
    past = price_stock(
        item(price=15990, list_price=19990, valid_until="2020-01-01T00:00:00Z"), StoreRules(), NOW
    )
    assert past.sale_price == D("159.90") and past.sale_end is None
    assert past.fields()["SaleEndDate"] == CLEAR
    missing = price_stock(item(price=15990, list_price=19990, valid_until=None), StoreRules(), NOW)
    assert missing.sale_end is None


def test_sale_dates_are_written_in_the_seller_country_local_time() -> None:
    rules = StoreRules.for_country("MX")
    offer = price_stock(item(price=15990, list_price=19990), rules, NOW)
    assert offer.fields()["SaleStartDate"] == "2026-11-29 09:00:00"  # UTC-6
    assert linio_date(NOW, "America/Santiago") == "2026-11-29 12:00:00"  # UTC-3 (summer)
    assert StoreRules.for_country("CL").currency_decimals == 0


@pytest.mark.parametrize(
    ("stock", "safety", "reserved", "expected"),
    [
        (10, 0, 0, 10),
        (10, 3, 0, 7),
        (2, 5, 0, 0),  # negative → 0
        (2, 5, 3, 3),  # reserved units are added back, never eaten by safety stock
        (10, 3, 2, 9),
        (0, 0, 0, 0),
        (4, 0, -2, 4),  # a negative count never lowers the stock
    ],
)
def test_quantity_is_balance_minus_safety_stock_plus_reserved(
    stock: int, safety: int, reserved: int, expected: int
) -> None:
    assert offer_quantity(item(stock=stock), safety_stock=safety, reserved_units=reserved) == (
        expected
    )
    offer = price_stock(
        item(stock=stock), StoreRules(safety_stock=safety), NOW, reserved_units=reserved
    )
    assert offer.fields()["Quantity"] == str(expected)  # the offer uses the same formula


def test_a_platform_that_subtracts_reservations_itself_gets_no_reserved_units_back() -> None:
    assert SUBTRACTS_RESERVATIONS["linio"] is False
    assert offer_quantity(item(stock=10), safety_stock=3, reserved_units=2) == 9
    got = offer_quantity(
        item(stock=10), safety_stock=3, reserved_units=2, platform_subtracts_reservations=True
    )
    assert got == 7


def test_without_stock_balance_the_quantity_vtex_can_sell_is_used() -> None:
    assert offer_quantity(item(stock=None, quantity=3), safety_stock=1) == 2


def test_quantity_is_zero_when_vtex_does_not_offer_the_sku() -> None:
    rules = StoreRules()
    assert offer_quantity(None, safety_stock=0, reserved_units=4) == 0
    assert offer_quantity(item(availability="withoutStock"), safety_stock=0) == 0
    assert offer_quantity(item(slas=False), safety_stock=0, reserved_units=4) == 0
    assert offer_quantity(item(slas=True), safety_stock=0) == 10
    offer = price_stock(None, rules, NOW)
    assert offer.price is None and offer.fields() == {"Quantity": "0"}


@pytest.mark.parametrize(
    ("previous", "new", "guard", "send"),
    [
        (None, D("10"), D("20"), True),  # first publication
        (D("100"), D("120"), D("20"), True),  # a rise
        (D("100"), D("80"), D("20"), True),  # exactly the limit
        (D("100"), D("79.99"), D("20"), False),  # beyond the limit
        (D("100"), D("10"), None, True),  # no guard set
    ],
)
def test_price_drop_guard(
    previous: Decimal | None, new: Decimal, guard: Decimal | None, send: bool
) -> None:
    decision = price_drop_guard(previous, new, guard)
    assert decision.send is send
    assert (decision.problem is None) is send


def test_a_held_price_says_why_in_both_languages() -> None:
    decision = price_drop_guard(D("100"), D("50"), D("20"))
    assert decision.drop_percent == D("50.00")
    assert decision.problem is not None and decision.problem.code == "catalog.price_drop_held"
    assert "50.00 %" in decision.problem.render("en")
    assert "límite de 20 %" in decision.problem.render("es")
