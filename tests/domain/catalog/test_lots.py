"""Lot control as plain functions: coalescing, planning, settling (no server)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from domain.catalog.lots import (
    IMAGES,
    MAX_ATTEMPTS,
    Change,
    Entry,
    Outcome,
    Pending,
    acknowledge,
    coalesce,
    exhausted,
    moot,
    plan,
    settle,
)


def staged(*changes: Change) -> Pending:
    pending = None
    for change in changes:
        pending = coalesce(pending, change)
    assert pending is not None
    return pending


def test_thousand_changes_to_one_sku_leave_one_entry_with_the_last_value() -> None:
    pending = staged(
        Change("A", "create", {"Name": "Celular", "Price": Decimal("10")}, 1),
        *(Change("A", "price", {"Price": Decimal(n)}, n) for n in range(2, 1002)),
    )
    [feed] = plan([pending], on_linio=[], in_flight=[], feed_slots=5)
    assert feed.action == "ProductCreate"
    assert feed.products() == [{"SellerSku": "A", "Name": "Celular", "Price": Decimal(1001)}]


@pytest.mark.parametrize(
    ("arrivals", "expected"),
    [
        ([(5, 3), (9, 1)], 1),  # newer stock wins
        ([(9, 1), (5, 3)], 1),  # an older read arriving late never overtakes a newer one
        ([(5, 3), (5, 0)], 0),  # same version: last write wins
    ],
)
def test_a_stock_change_is_never_overtaken_by_an_older_one(
    arrivals: list[tuple[int, int]], expected: int
) -> None:
    pending = staged(*(Change("A", "stock", {"Quantity": q}, v) for v, q in arrivals))
    assert pending.fields["Quantity"].value == expected


def test_fields_coalesce_per_field_not_per_change() -> None:
    pending = staged(
        Change("A", "price", {"Price": 10, "SalePrice": 8}, 5),
        Change("A", "price", {"Price": 12}, 3),  # older: only fills nothing
        Change("A", "stock", {"Quantity": 4}, 4),
    )
    assert {k: s.value for k, s in pending.fields.items()} == {
        "Price": 10,
        "SalePrice": 8,
        "Quantity": 4,
    }


@pytest.mark.parametrize("kind", ["price", "stock", "content", "image", "deactivate"])
def test_nothing_but_a_create_goes_out_for_a_sku_linio_lacks(kind: str) -> None:
    fields = {IMAGES: ["https://x/1.jpg"]} if kind == "image" else {"Quantity": 3}
    pending = staged(Change("A", kind, fields, 1))
    assert plan([pending], on_linio=[], in_flight=[], feed_slots=5) == []
    [feed] = plan([pending], on_linio=["A"], in_flight=[], feed_slots=5)
    assert feed.action == ("Image" if kind == "image" else "ProductUpdate")


def test_create_carries_price_and_stock_but_images_wait_for_the_product() -> None:
    pending = staged(
        Change("A", "create", {"Name": "N"}, 1),
        Change("A", "image", {IMAGES: ["https://x/1.jpg"]}, 2),
        Change("A", "stock", {"Quantity": 3}, 3),
    )
    [feed] = plan([pending], on_linio=[], in_flight=[], feed_slots=5)
    assert feed.action == "ProductCreate"
    assert feed.products() == [{"SellerSku": "A", "Name": "N", "Quantity": 3}]
    after = acknowledge(pending, feed.entries[0], Outcome("A", "accepted"))
    assert set(after.fields) == {IMAGES}
    assert plan([after], on_linio=[], in_flight=[], feed_slots=5) == []
    [image] = plan([after], on_linio=["A"], in_flight=[], feed_slots=5)
    assert image.action == "Image" and image.images() == {"A": ["https://x/1.jpg"]}


def test_a_sku_in_flight_is_never_in_a_second_feed() -> None:
    pending = staged(Change("A", "price", {"Price": 1}, 1))
    assert plan([pending], on_linio=["A"], in_flight=["A"], feed_slots=5) == []


def test_feeds_hold_at_most_max_products_and_respect_the_slots() -> None:
    items = [staged(Change(f"S{i}", "price", {"Price": i}, i)) for i in range(25)]
    skus = [p.seller_sku for p in items]
    feeds = plan(items, on_linio=skus, in_flight=[], feed_slots=2, max_products=10)
    assert [len(f.entries) for f in feeds] == [10, 10]
    assert plan(items, on_linio=skus, in_flight=[], feed_slots=0) == []
    with pytest.raises(ValueError):
        plan(items, on_linio=skus, in_flight=[], feed_slots=1, max_products=1001)


def test_priority_zero_stock_and_deactivation_then_price_then_content_then_images() -> None:
    items = [
        staged(Change("content", "content", {"Name": "N"}, 1)),
        staged(Change("image", "image", {IMAGES: ["https://x/1.jpg"]}, 1)),
        staged(Change("price", "price", {"Price": 5}, 1)),
        staged(Change("zero", "stock", {"Quantity": 0}, 9)),
        staged(Change("off", "deactivate", {"Status": "inactive", "Quantity": 0}, 9)),
        staged(Change("stock", "stock", {"Quantity": 4}, 1)),
    ]
    feeds = plan(items, on_linio=[p.seller_sku for p in items], in_flight=[], feed_slots=9)
    assert [(f.action, f.seller_skus) for f in feeds] == [
        ("ProductUpdate", ["zero", "off"]),
        ("ProductUpdate", ["price", "stock"]),
        ("ProductUpdate", ["content"]),
        ("Image", ["image"]),
    ]
    [first] = plan(items, on_linio=[p.seller_sku for p in items], in_flight=[], feed_slots=1)
    assert first.seller_skus == ["zero", "off"]


def test_removal_drops_older_changes_and_a_newer_create_cancels_it() -> None:
    removed = staged(Change("A", "price", {"Price": 1}, 1), Change("A", "remove", {}, 2))
    assert removed.fields == {} and removed.remove == 2
    [feed] = plan([removed], on_linio=["A"], in_flight=[], feed_slots=1)
    assert feed.action == "ProductRemove"
    assert moot(removed, exists=False) and not moot(removed, exists=True)
    back = coalesce(removed, Change("A", "create", {"Name": "N"}, 3))
    assert back.remove is None and back.create == 3


def test_acknowledge_keeps_what_changed_while_the_feed_was_in_flight() -> None:
    pending = staged(Change("A", "price", {"Price": 1}, 1))
    [feed] = plan([pending], on_linio=["A"], in_flight=[], feed_slots=1)
    newer = coalesce(pending, Change("A", "price", {"Price": 2}, 2))
    after = acknowledge(newer, feed.entries[0], Outcome("A", "accepted"))
    assert after.fields["Price"].value == 2
    assert acknowledge(pending, feed.entries[0], Outcome("A", "accepted")).empty


def test_retries_are_counted_and_exhausted() -> None:
    pending = staged(Change("A", "price", {"Price": 1}, 1))
    entry = Entry("A", {"Price": 1}, {"Price": 1})
    for _ in range(MAX_ATTEMPTS):
        assert not exhausted(pending)
        pending = acknowledge(pending, entry, Outcome("A", "retry"))
    assert exhausted(pending) and pending.fields["Price"].value == 1


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("Finished", {"A": "accepted", "B": "rejected", "C": "accepted"}),
        ("Canceled", {"A": "retry", "B": "retry", "C": "retry"}),
        ("Error", {"A": "retry", "B": "retry", "C": "retry"}),
        ("Processing", {}),
        ("Queued", {}),
    ],
)
def test_settle_attributes_each_error_to_its_sku(status: str, expected: dict[str, str]) -> None:
    errors = [("B", "Field Brand is mandatory"), ("B", "Invalid Price"), (None, "stray")]
    outcomes = settle(["A", "B", "C"], status, errors)
    assert {o.seller_sku: o.result for o in outcomes} == expected
    if status == "Finished":
        [b] = [o for o in outcomes if o.seller_sku == "B"]
        assert b.messages == ("Field Brand is mandatory", "Invalid Price")


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        Change("A", "teleport", {}, 1)
    with pytest.raises(ValueError):
        Change("A", "image", {"Name": "x"}, 1)


@pytest.mark.parametrize(
    ("kind", "fields", "age", "goes"),
    [
        ("price", {"Price": 5}, 0.5, False),  # a partial lot lingers for company
        ("price", {"Price": 5}, 3.0, True),  # until its oldest change is old enough
        ("stock", {"Quantity": 0}, 0.5, True),  # zero stock never waits
        ("deactivate", {"Status": "inactive"}, 0.5, True),
    ],
)
def test_partial_lots_linger_unless_urgent(
    kind: str, fields: dict[str, object], age: float, goes: bool
) -> None:
    pending = replace(staged(Change("A", kind, fields, 1)), since=100.0)
    feeds = plan([pending], on_linio=["A"], in_flight=[], feed_slots=1, now=100.0 + age, linger=2.0)
    assert bool(feeds) is goes
    assert plan([pending], on_linio=["A"], in_flight=[], feed_slots=1, now=0.0)  # no linger


def test_a_full_lot_never_lingers() -> None:
    items = [
        replace(staged(Change(f"S{i}", "price", {"Price": i}, i)), since=100.0) for i in range(3)
    ]
    skus = [p.seller_sku for p in items]
    feeds = plan(
        items, on_linio=skus, in_flight=[], feed_slots=5, max_products=2, now=100.0, linger=2.0
    )
    assert [len(f.entries) for f in feeds] == [2]  # the full lot goes, the partial one waits
