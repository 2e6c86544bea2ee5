"""Store rules and the courier / postal-code maps as the dashboard edits them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.store_rules import (
    MapProblem,
    divergence_tolerance,
    edit_map,
    map_csv,
    parse_map_csv,
    parse_rules,
    rule_fields,
)
from tests.conftest import acme_store


def test_the_rules_are_the_store_fields_marked_as_rules() -> None:
    assert [f.name for f in rule_fields()] == [
        "markup_percent",
        "markup_fixed",
        "rounding",
        "safety_stock",
        "price_drop_guard_percent",
        "reconcile_interval",
        "reconcile_budget",
        "reconcile_call_reserve",
        "reconcile_feed_reserve",
        "deactivation",
    ]
    [rounding] = [f for f in rule_fields() if f.name == "rounding"]
    assert rounding.kind == "choice" and rounding.choices == ("half_up", "up", "down")


def test_parse_rules_types_values_and_names_each_refusal() -> None:
    values, problems = parse_rules(
        {"markup_percent": " 7,50 ", "markup_fixed": "-3", "price_drop_guard_percent": ""}
    )
    assert values == {"markup_percent": "7.5", "markup_fixed": "-3", "price_drop_guard_percent": ""}
    assert problems == []
    _, problems = parse_rules(
        {"markup_percent": "-1", "markup_fixed": "x", "safety_stock": "1.5", "rounding": "near"}
    )
    assert [(p.code, p.params["field"]) for p in problems] == [
        ("store_rule_number", "markup_percent"),
        ("store_rule_amount", "markup_fixed"),
        ("store_rule_choice", "rounding"),
        ("store_rule_integer", "safety_stock"),
    ]
    assert problems[2].params["choices"] == "half_up, up, down"
    assert acme_store(safety_stock=-1).validate() == [
        "safety stock -1 must be a whole number of zero or more"
    ]
    assert acme_store(reconcile_call_reserve=30).validate() == [
        "reconcile call reserve 30 must be a whole number of zero or more up to 29"
    ]
    assert acme_store(deactivation="delete").validate() == [
        "deactivation 'delete' must be one of inactive, remove"
    ]


def test_divergence_tolerance_is_the_markup_percent_when_there_is_a_markup() -> None:
    assert divergence_tolerance(acme_store()) is None
    assert divergence_tolerance(acme_store(markup_percent="12.5")) == Decimal("12.5")
    assert divergence_tolerance(acme_store(markup_fixed="5")) == Decimal("0")


def test_maps_edit_in_place_and_round_trip_through_csv() -> None:
    couriers = edit_map({}, "Envío  Rápido", "Chilexpress")
    couriers = edit_map(couriers, "envío rápido ", "Blue Express")
    assert couriers == {"envío rápido": "Blue Express"}
    assert edit_map(couriers, "ENVÍO RÁPIDO", "") == {}
    text = map_csv("courier_map", {"B": "2", "a": "1"})
    assert text == "vtex_courier,linio_shipment_provider\na,1\nB,2\n"
    assert parse_map_csv("courier_map", text) == {"a": "1", "B": "2"}
    with pytest.raises(MapProblem) as wrong:
        parse_map_csv("postal_codes", text)
    assert wrong.value.code == "store_map_columns"
    with pytest.raises(MapProblem) as short:
        parse_map_csv("postal_codes", "city,postal_code\nÑuñoa,\n")
    assert (short.value.code, short.value.params) == ("store_map_row", {"row": "2"})
