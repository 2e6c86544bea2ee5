"""What Seller Center POSTs to a webhook URL, read into one typed event per alias.

Payloads as documented (spec §5 corrected by the fidelity audit D3/D5):

    {"event": "onFeedCreated" | "onFeedCompleted", "payload": {"Feed": "<uuid>"}}
    {"event": "onProductCreated" | "onProductUpdated" | "onProductQcStatusChanged",
     "payload": {"SellerSkus": ["SKU-1", "SKU-2"]}}                  # several SKUs per event
    {"event": "onOrderCreated", "payload": {"OrderId": 3100000, "OrderNr": "203100000"}}
    {"event": "onOrderItemsStatusChanged",
     "payload": {"OrderId": 3100000, "OrderItemIds": [3100001], "NewStatus": "shipped"}}

An event is only a hint: deliveries are retried for 30 days and arrive out of order, so
the receiver re-reads the feed, product or order. A body that is not such JSON raises
`PermanentError` (answer 200 anyway: a 4xx makes Seller Center retry for 30 days).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from clients.errors import PermanentError
from clients.linio.models import WebhookCallback

FEED_EVENTS = ("onFeedCreated", "onFeedCompleted")
PRODUCT_EVENTS = ("onProductCreated", "onProductUpdated", "onProductQcStatusChanged")


@dataclass(frozen=True)
class FeedEvent:
    event: str
    feed_id: str


@dataclass(frozen=True)
class ProductEvent:
    """`seller_skus` to re-read (GetProducts / GetQcStatus); the payload has no status."""

    event: str
    seller_skus: tuple[str, ...]


@dataclass(frozen=True)
class OrderCreatedEvent:
    order_id: str
    order_number: str | None


@dataclass(frozen=True)
class OrderItemsStatusEvent:
    order_id: str | None
    order_item_ids: tuple[str, ...]
    new_status: str | None


@dataclass(frozen=True)
class OtherEvent:
    """An alias this module does not know (onReturnStatusChanged, onStatisticsUpdated…)."""

    event: str
    payload: dict[str, object]


WebhookEventPayload = (
    FeedEvent | ProductEvent | OrderCreatedEvent | OrderItemsStatusEvent | OtherEvent
)


def _bad(reason_es: str, reason_en: str) -> PermanentError:
    return PermanentError(f"{reason_es} / {reason_en}", code="WEBHOOK_PAYLOAD")


def parse_webhook_callback(raw: bytes | str) -> WebhookCallback:
    """The envelope `{"event", "payload"}`; raises PermanentError when it is not that."""
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("event"), str):
        raise _bad(
            "El aviso de Seller Center no es JSON con 'event'.",
            "The Seller Center callback is not JSON with an 'event'.",
        )
    payload = data.get("payload")
    return WebhookCallback(data["event"], payload if isinstance(payload, dict) else {})


def parse_webhook_event(raw: bytes | str) -> WebhookEventPayload:
    """One typed event; PermanentError when a known alias lacks its identifying field."""
    callback = parse_webhook_callback(raw)
    event = callback.event
    if event in FEED_EVENTS:
        if callback.feed_id is None:
            raise _bad(f"{event} sin 'Feed'.", f"{event} without 'Feed'.")
        return FeedEvent(event, callback.feed_id)
    if event in PRODUCT_EVENTS:
        if not callback.seller_skus:
            raise _bad(f"{event} sin 'SellerSkus'.", f"{event} without 'SellerSkus'.")
        return ProductEvent(event, callback.seller_skus)
    if event == "onOrderCreated":
        if callback.order_id is None:
            raise _bad("onOrderCreated sin 'OrderId'.", "onOrderCreated without 'OrderId'.")
        return OrderCreatedEvent(callback.order_id, callback.order_number)
    if event == "onOrderItemsStatusChanged":
        if callback.order_id is None and not callback.order_item_ids:
            raise _bad(
                "onOrderItemsStatusChanged sin pedido ni ítems.",
                "onOrderItemsStatusChanged without order or items.",
            )
        return OrderItemsStatusEvent(
            callback.order_id, callback.order_item_ids, callback.new_status
        )
    return OtherEvent(event, callback.payload)
