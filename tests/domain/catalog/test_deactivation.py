"""Deactivation by the store's choice, the Status we intend on Linio, and what a confirmed
removal cleans (issue 10 "Deactivation", "Read-back")."""

from __future__ import annotations

from typing import Any

import pytest

from app.runtime import Runtime
from clients.linio.models import Product
from domain.catalog.deactivation import (
    DEACTIVATION,
    deactivation_change,
    intended_status,
    status_fix,
    still_live,
)
from domain.catalog.prices import intended_drift
from domain.catalog.states import SentSku, SkuResult


def test_each_choice_stages_its_own_change() -> None:
    assert deactivation_change("inactive") == (
        "deactivate",
        {"Quantity": "0", "Status": "inactive"},
    )
    assert deactivation_change("remove") == ("remove", {})
    _, fields = deactivation_change("inactive")
    fields["Quantity"] = "9"  # a copy: the constant stays
    assert DEACTIVATION["Quantity"] == "0"


@pytest.mark.parametrize(
    ("status", "quantity", "live"),
    [("active", 0, True), (None, 0, True), ("inactive", 3, True), ("inactive", 0, False),
     ("inactive", None, False)],
)  # fmt: skip
def test_a_sku_taken_offline_is_live_when_active_or_with_stock(
    status: str | None, quantity: int | None, live: bool
) -> None:
    assert still_live(status, quantity) is live


def test_the_intended_status_follows_our_deactivation_and_the_status_last_sent() -> None:
    assert intended_status({}) == "active"
    assert intended_status({"status": "pending", "last_status": "active"}) == "active"
    assert intended_status({"status": "deactivated"}) == "inactive"
    assert intended_status({"status": "skipped", "last_status": "inactive"}) == "inactive"
    assert status_fix("inactive") == ("deactivate", {"Status": "inactive"})
    assert status_fix("active") == ("content", {"Status": "active"})


def _product(**fields: Any) -> Product:
    return Product(seller_sku="S-1", **fields)


def test_read_back_compares_the_status_the_feed_carried() -> None:
    state = {"last_status": "inactive", "last_stock": "0"}
    versions = {"Status": 7, "Quantity": 7}
    fixes = intended_drift(state, _product(status="active", quantity=0), versions)
    assert fixes == {"deactivate": ({"Status": "inactive"}, 7)}
    assert intended_drift(state, _product(status="inactive", quantity=0), versions) == {}
    # A feed without Status does not judge it.
    assert intended_drift(state, _product(status="active", quantity=0), {"Quantity": 7}) == {}


def test_the_store_settings_are_checked(make_store: Any) -> None:
    assert make_store().validate() == []
    assert make_store().deactivation == "inactive"
    assert make_store(deactivation="remove").validate() == []
    assert any("deactivation" in p for p in make_store(deactivation="delete").validate())
    assert any("call reserve" in p for p in make_store(reconcile_call_reserve=30).validate())
    assert any("feed reserve" in p for p in make_store(reconcile_feed_reserve=-1).validate())


async def test_a_confirmed_removal_cleans_the_mapping_and_a_refused_one_keeps_it(
    runtime: Runtime,
) -> None:
    states = runtime.sku_states
    for sku in ("1", "2"):
        fields = {"Name": "Celular", "Price": "10.00", "Quantity": 3, "Status": "active"}
        await states.record_sent(
            "acme-mx", "F1", "ProductCreate", [SentSku(sku, f"S-{sku}", fields)]
        )
        await states.record_results(
            "acme-mx", "F1", "ProductCreate", [SkuResult(sku, f"S-{sku}", "accepted")]
        )
    assert (await states.get("acme-mx", "1") or {}).get("last_status") == "active"
    await states.record_sent(
        "acme-mx", "F2", "ProductRemove", [SentSku("1", "S-1", {}), SentSku("2", "S-2", {})]
    )
    await states.record_results(
        "acme-mx",
        "F2",
        "ProductRemove",
        [SkuResult("1", "S-1", "accepted"), SkuResult("2", "S-2", "rejected", ("E9",))],
    )
    removed = await states.get("acme-mx", "1") or {}
    assert removed["on_linio"] is False and "removed_at" in removed
    assert not {"seller_sku", "last_price", "last_stock", "last_status"} & set(removed)
    kept = await states.get("acme-mx", "2") or {}
    assert kept["on_linio"] is True and kept["seller_sku"] == "S-2"
    assert kept["last_stock"] == 3
