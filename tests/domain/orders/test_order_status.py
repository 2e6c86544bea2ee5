"""VTEX invoice / tracking / cancel ↔ Seller Center steps."""

from __future__ import annotations

import pytest
from orders_data import provider

from clients.linio.models import FailureReason
from domain.orders.machine import Event
from domain.orders.status import (
    PlacedLine,
    cancel_reason,
    invoice_steps,
    linio_cancel_steps,
    linio_event,
    provider_refused,
    return_invoice,
    shipment_step,
    tracking_valid,
    vtex_cancel_steps,
)

LINES = [PlacedLine("101", ("11", "12"), 34990), PlacedLine("102", ("13",), 5000)]


def test_partial_invoices_go_per_item():
    first = invoice_steps("F-1", [{"id": "101", "quantity": 1, "price": 34990}], LINES)
    assert first.calls == (("11", "F-1"),) and not first.complete
    second = invoice_steps(
        "F-2",
        [{"id": "101", "quantity": 1}, {"id": "102", "quantity": "1"}],
        LINES,
        invoiced=["11"],
    )
    assert second.item_ids == ("12", "13") and second.complete


def test_an_invoice_without_items_covers_every_remaining_item():
    steps = invoice_steps("F-1", [], LINES, invoiced=["12"], cancelled=["13"])
    assert steps.calls == (("11", "F-1"),) and steps.complete


def test_an_invoice_naming_unknown_skus_is_a_problem():
    steps = invoice_steps("F-1", [{"id": "999", "quantity": 1}], LINES)
    assert steps.calls == ()
    assert [p.code for p in steps.problems] == ["order.invoice_items_unknown"]
    assert "999" in steps.problems[0].render("es")


PROVIDERS = [
    provider("Estafeta", "/^[0-9]{10}$/", "1234567890"),
    provider("DHL", None),
    provider("Linio Express", "/^LX[0-9]+$/"),
]


@pytest.mark.parametrize(
    ("courier", "tracking", "mapping", "expected"),
    [
        (
            "Estafeta Express",
            "1234567890",
            {"estafeta express": "Estafeta"},
            ("Estafeta", "1234567890"),
        ),
        ("ESTAFETA", "1234567890", {}, ("Estafeta", "1234567890")),  # same name, any case
        ("dhl", "anything-goes", {}, ("DHL", "anything-goes")),  # no regex: accepted
    ],
)
def test_tracking_reaches_linio_with_the_mapped_provider(courier, tracking, mapping, expected):
    step, problems = shipment_step(
        ["11", "12"],
        courier=courier,
        tracking_number=tracking,
        courier_map=mapping,
        providers=PROVIDERS,
    )
    assert problems == ()
    assert (step.shipping_provider, step.tracking_number) == expected
    assert step.item_ids == ("11", "12") and step.delivery_type == "dropship"


def test_an_unmapped_courier_is_a_seller_action_naming_the_providers():
    step, problems = shipment_step(
        ["11"], courier="Paquetexpress", tracking_number="1", courier_map={}, providers=PROVIDERS
    )
    assert step is None
    assert problems[0].code == "order.courier_unmapped"
    assert "Estafeta, DHL, Linio Express" in problems[0].render("es")


def test_a_tracking_number_is_checked_against_the_providers_regex():
    step, problems = shipment_step(
        ["11"], courier="Estafeta", tracking_number="12AB", courier_map={}, providers=PROVIDERS
    )
    assert step is None and problems[0].code == "order.tracking_invalid"
    assert "1234567890" in problems[0].render("en")  # the provider's example
    assert tracking_valid("LX123", PROVIDERS[2]) and not tracking_valid("LX", PROVIDERS[2])


def test_orders_with_linio_guides_keep_linios_provider():
    step, problems = shipment_step(
        ["11"],
        courier="whatever",
        tracking_number=None,
        courier_map={},
        providers=[],
        automatic_guide=True,
    )
    assert problems == () and step.shipping_provider is None and step.tracking_number is None


def test_e080_preselected_provider_becomes_a_seller_action():
    # Seller Center: "E080: Not allowed to change the preselected shipment provider".
    problem = provider_refused(
        order_id="2190",
        courier="Estafeta Express",
        provider="Estafeta",
        providers=["DHL", "Estafeta"],
    )
    text = problem.render("es")
    assert "Estafeta Express" in text and "DHL, Estafeta" in text
    from domain.errors import entry

    assert entry(problem.code).retry is False


def test_cancel_reason_prefers_out_of_stock():
    reasons = [
        FailureReason("canceled", "Wrong address"),
        FailureReason("canceled", "Out of stock"),
        FailureReason("returned", "Damaged"),
    ]
    assert cancel_reason(reasons) == "Out of stock"
    assert cancel_reason([FailureReason("canceled", "Wrong address")]) == "Wrong address"
    assert cancel_reason([FailureReason("returned", "Damaged")]) is None


def test_a_vtex_cancel_cancels_pending_items_only():
    steps = linio_cancel_steps(
        {"11": "pending", "12": "ready_to_ship", "13": "canceled"}, "Out of stock"
    )
    assert steps.calls == (("11", "Out of stock"),)
    assert steps.refused == ("12",) and steps.refused_status == "ready_to_ship"
    assert steps.already == ("13",)


@pytest.mark.parametrize(
    ("status", "cancel", "returns", "already"),
    [
        ("ready-for-handling", True, False, False),
        ("handling", True, False, False),
        ("invoiced", True, True, False),
        ("canceled", False, False, True),
    ],
)
def test_a_linio_cancel_reaches_vtex(status, cancel, returns, already):
    steps = vtex_cancel_steps(
        status, LINES, invoice_number="DEV-2190", issued_at="2026-11-29T00:00:00Z"
    )
    assert (steps.cancel, steps.return_invoice is not None, steps.already) == (
        cancel,
        returns,
        already,
    )
    if returns:
        assert steps.return_invoice["type"] == "Input"
        assert steps.return_invoice["invoiceValue"] == 2 * 34990 + 5000


def test_a_return_on_linio_makes_a_return_invoice_for_the_returned_items():
    body = return_invoice("DEV-1", LINES, ["12"], issued_at="2026-11-29T00:00:00Z")
    assert body["items"] == [{"id": "101", "quantity": 1, "price": 34990}]
    assert body["invoiceValue"] == 34990


@pytest.mark.parametrize(
    ("statuses", "event"),
    [
        ({"1": "canceled", "2": "canceled"}, Event.LINIO_CANCEL),
        ({"1": "canceled", "2": "pending"}, None),
        ({"1": "pending"}, None),
        ({"1": "ready_to_ship", "2": "ready_to_ship"}, Event.LINIO_READY_TO_SHIP),
        ({"1": "shipped", "2": "ready_to_ship"}, Event.LINIO_SHIPPED),
        ({"1": "delivered"}, Event.LINIO_DELIVERED),
        ({"1": "failed"}, Event.LINIO_FAILED_DELIVERY),
        ({"1": "returned", "2": "delivered"}, Event.LINIO_RETURNED),
        ({"1": "return_waiting_for_approval"}, None),
    ],
)
def test_linio_statuses_become_one_event(statuses, event):
    assert linio_event(statuses) == event
