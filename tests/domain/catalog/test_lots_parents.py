"""Variations after their parent in a plan, and the words that say Seller Center lacks a
parent (pure functions, no server)."""

from __future__ import annotations

from domain.catalog.feed_recovery import parent_missing, parent_named
from domain.catalog.lots import Change, Pending, coalesce, plan


def create(sku: str, version: int, parent: str | None = None) -> Pending:
    fields = {"Name": f"Producto {sku}", "Price": "10", "ParentSku": parent or sku}
    return coalesce(None, Change(sku, "create", fields, version))


def test_a_variation_staged_before_its_parent_goes_after_it_in_the_feed() -> None:
    # The child's change is older (staged first), which used to put it first in the feed.
    child, parent = create("C", 1, parent="P"), create("P", 2)
    [feed] = plan([child, parent], on_linio=[], in_flight=[], feed_slots=5)
    assert feed.action == "ProductCreate" and feed.seller_skus == ["P", "C"]


def test_a_variation_waits_while_its_parent_create_is_in_flight_or_left_for_later() -> None:
    child = create("C", 1, parent="P")
    assert plan([child], on_linio=[], in_flight=["P"], feed_slots=5) == []
    # The parent's create does not fit the plan (one feed, and it lingers): the child waits.
    parent = create("P", 2)
    assert plan([child, parent], on_linio=[], in_flight=[], feed_slots=5, now=1, linger=10) == []
    # The parent on Linio already, or not staged at all: the child goes.
    [feed] = plan([child], on_linio=["P"], in_flight=[], feed_slots=5)
    assert feed.seller_skus == ["C"]
    [feed] = plan([child], on_linio=[], in_flight=[], feed_slots=5)
    assert feed.seller_skus == ["C"]


def test_an_update_of_a_variation_waits_for_its_parent_create() -> None:
    child = coalesce(None, Change("C", "content", {"Name": "Nuevo", "ParentSku": "P"}, 5))
    parent = create("P", 2)
    feeds = plan([child, parent], on_linio=["C"], in_flight=[], feed_slots=5)
    assert [(f.action, f.seller_skus) for f in feeds] == [("ProductCreate", ["P"])]
    feeds = plan([child], on_linio=["C", "P"], in_flight=[], feed_slots=5)
    assert [(f.action, f.seller_skus) for f in feeds] == [("ProductUpdate", ["C"])]


def test_parent_missing_reads_seller_centers_words_only() -> None:
    words = (
        "Field ParentSku (for Seller SKU: C) with value 'P' has a problem: "
        "the parent product does not exist"
    )
    assert parent_missing([words]) and parent_named(words) == "P"
    assert not parent_missing([words, "Brand 'X' does not exist"])  # a data problem too
    assert not parent_missing(["Seller SKU 'C' not found"]) and not parent_missing([])
    assert parent_named("Seller SKU 'C' not found") is None
