"""Inbound Seller Center webhook payloads read into typed events (audit D3, D5)."""

from __future__ import annotations

import json

import pytest

from clients.errors import PermanentError
from clients.linio import responses
from clients.linio.webhooks import (
    FeedEvent,
    OrderCreatedEvent,
    OrderItemsStatusEvent,
    OtherEvent,
    ProductEvent,
    parse_webhook_callback,
    parse_webhook_event,
)


def body(event: str, payload: object) -> bytes:
    return json.dumps({"event": event, "payload": payload}).encode()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            body("onProductCreated", {"SellerSkus": ["SKU-1", "SKU-2"]}),
            ProductEvent("onProductCreated", ("SKU-1", "SKU-2")),
        ),
        (
            body("onProductUpdated", {"SellerSkus": ["SKU-3"]}),
            ProductEvent("onProductUpdated", ("SKU-3",)),
        ),
        (
            body("onProductQcStatusChanged", {"SellerSkus": ["A", "B", "C"]}),
            ProductEvent("onProductQcStatusChanged", ("A", "B", "C")),
        ),
        (
            body("onOrderCreated", {"OrderId": 3100000, "OrderNr": "203100000"}),
            OrderCreatedEvent("3100000", "203100000"),
        ),
        (
            body(
                "onOrderItemsStatusChanged",
                {"OrderId": 190, "OrderItemIds": [2, 3], "NewStatus": "ready_to_ship"},
            ),
            OrderItemsStatusEvent("190", ("2", "3"), "ready_to_ship"),
        ),
        (  # the SDK unit test's spelling, still read
            body("onOrderItemsStatusChanged", {"OrderId": 190, "OrderItemsId": [2, 3]}),
            OrderItemsStatusEvent("190", ("2", "3"), None),
        ),
        (  # the post-sale spellings of the platform's pages normalised
            body(
                "onOrderItemsStatusChanged",
                {"OrderId": 1, "OrderItemIds": [4], "NewStatus": "Return_awaiting_for_approval"},
            ),
            OrderItemsStatusEvent("1", ("4",), "return_waiting_for_approval"),
        ),
        (body("onFeedCompleted", {"Feed": "e1f2"}), FeedEvent("onFeedCompleted", "e1f2")),
        (
            body("onStatisticsUpdated", {"Anything": 1}),
            OtherEvent("onStatisticsUpdated", {"Anything": 1}),
        ),
    ],
)
def test_documented_payloads_become_typed_events(raw: bytes, expected: object) -> None:
    assert parse_webhook_event(raw) == expected


def test_callback_accessors() -> None:
    product = parse_webhook_callback(body("onProductCreated", {"SellerSkus": ["X", "Y"]}))
    assert product.seller_skus == ("X", "Y") and product.order_id is None
    order = parse_webhook_callback(body("onOrderCreated", {"OrderId": 7, "OrderNr": "207"}))
    assert (order.order_id, order.order_number) == ("7", "207")
    status = parse_webhook_callback(
        body(
            "onOrderItemsStatusChanged", {"OrderId": 7, "OrderItemIds": [8], "NewStatus": "shipped"}
        )
    )
    assert (status.order_item_ids, status.new_status) == (("8",), "shipped")
    # The module the rest of the code imported it from keeps working.
    assert responses.parse_webhook_callback is parse_webhook_callback


@pytest.mark.parametrize(
    "raw",
    [
        b"<html>not json</html>",
        json.dumps({"payload": {}}).encode(),
        body("onProductCreated", {"SellerSku": ""}),
        body("onFeedCompleted", {}),
        body("onOrderCreated", {"OrderNr": "1"}),
    ],
)
def test_malformed_payloads_are_permanent_errors(raw: bytes) -> None:
    with pytest.raises(PermanentError):
        parse_webhook_event(raw)


def test_a_redelivered_event_is_the_same_event() -> None:
    """cases/webhook-onordercreated-redelivered.json: at-least-once delivery; the typed
    events are equal and hashable, so a receiver can key its idempotency on them."""
    first = parse_webhook_event(body("onOrderCreated", {"OrderId": 190}))
    again = parse_webhook_event(body("onOrderCreated", {"OrderId": 190}))
    assert first == again == OrderCreatedEvent("190", None)
    assert len({first, again}) == 1
