"""Typed Seller Center entities. Money is Decimal, ids that may carry leading zeros or
exceed 64 bits stay strings. The pure parsers leave dates without a zone naive (Seller
Center sends the seller country's wall-clock time); `LinioClient` returns them aware in
that zone (`clients.linio.dates.localized`), so they can go back into a filter."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from clients.redact import MASK


@dataclass(frozen=True)
class Brand:
    brand_id: str
    name: str
    global_identifier: str | None


@dataclass(frozen=True)
class Category:
    category_id: str
    name: str
    global_identifier: str | None
    attribute_set_id: str | None
    children: tuple[Category, ...] = ()

    def walk(self) -> list[Category]:
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found


@dataclass(frozen=True)
class AttributeSet:
    attribute_set_id: str
    name: str
    global_identifier: str | None
    categories: tuple[Category, ...] = ()


@dataclass(frozen=True)
class AttributeOption:
    name: str
    global_identifier: str | None
    is_default: bool


@dataclass(frozen=True)
class Attribute:
    label: str
    name: str
    feed_name: str
    global_identifier: str | None
    group_name: str | None
    is_mandatory: bool
    is_global: bool
    description: str | None
    product_type: str | None
    input_type: str | None
    attribute_type: str | None
    example_value: str | None
    max_length: int | None
    options: tuple[AttributeOption, ...] = ()


@dataclass(frozen=True)
class BusinessUnit:
    business_unit: str
    operator_code: str
    price: Decimal | None
    special_price: Decimal | None
    special_from: dt.datetime | None
    special_to: dt.datetime | None
    stock: int | None
    status: str | None
    is_published: bool


@dataclass(frozen=True)
class Product:
    seller_sku: str
    shop_sku: str | None = None
    product_sin: str | None = None
    name: str | None = None
    variation: str | None = None
    parent_sku: str | None = None
    quantity: int | None = None  # sellable stock in the seller's warehouse (what we set)
    # Available = Quantity + FulfillmentBySellable - ReservedStock - RealTimeStock (docs,
    # GetProducts field table); ReservedStock is held by pending orders.
    available: int | None = None
    price: Decimal | None = None
    sale_price: Decimal | None = None
    sale_start: dt.datetime | None = None
    sale_end: dt.datetime | None = None
    status: str | None = None
    product_id: str | None = None
    url: str | None = None
    main_image: str | None = None
    images: tuple[str, ...] = ()
    description: str | None = None
    tax_class: str | None = None
    brand: str | None = None
    primary_category: str | None = None
    categories: tuple[str, ...] = ()
    product_data: dict[str, str | None] = field(default_factory=dict)
    qc_status: str | None = None
    business_units: tuple[BusinessUnit, ...] = ()
    reserved_stock: int | None = None
    real_time_stock: int | None = None
    fulfillment_by_sellable: int | None = None
    fulfillment_by_non_sellable: int | None = None


@dataclass(frozen=True)
class QcState:
    seller_sku: str
    status: str
    data_changed: bool | None
    reason: str | None


@dataclass(frozen=True)
class FeedError:
    """One FeedErrors/Error or FeedWarnings/Warning. `seller_sku` comes from the SellerSku
    element or, when the platform only names it in the message, from the message."""

    code: str | None
    message: str
    seller_sku: str | None
    order_id: str | None = None
    order_item_id: str | None = None


@dataclass(frozen=True)
class Feed:
    feed_id: str | None
    status: str | None
    action: str | None
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    source: str | None
    total_records: int
    processed_records: int
    failed_records: int
    failure_report: tuple[str, str] | None = None  # (mime type, base64 content)
    errors: tuple[FeedError, ...] = ()
    warnings: tuple[FeedError, ...] = ()

    @property
    def finished(self) -> bool:
        return self.status in ("Finished", "Canceled", "Error")

    @property
    def valid(self) -> bool:
        """A feed record without id or status cannot be followed (seen in real responses)."""
        return bool(self.feed_id and self.status)


@dataclass(frozen=True)
class FeedCount:
    total: int
    queued: int
    processing: int
    finished: int
    canceled: int


# Order item statuses (spec §4.1 and the post-sale ones of Falabella's v600 order flow).
ITEM_STATUSES = (
    "pending",
    "ready_to_ship",
    "shipped",
    "delivered",
    "failed",
    "canceled",
    "returned",
    "return_shipped_by_customer",
    "return_waiting_for_approval",
    "return_rejected",
)
# Spellings the platform's own pages use for the post-sale statuses.
_STATUS_ALIASES = {
    "return_ship_by_customer": "return_shipped_by_customer",
    "return_awaiting_for_approval": "return_waiting_for_approval",
    "return_awaiting_approval": "return_waiting_for_approval",
    "return waiting for approval": "return_waiting_for_approval",
    "return shipped by customer": "return_shipped_by_customer",
    "cancelled": "canceled",
}


def normalize_item_status(status: str | None) -> str | None:
    """One spelling per status (lower case, `return_waiting_for_approval`…); an unknown
    status is kept as sent (lower case) so a new one is recorded, never refused."""
    if status is None:
        return None
    lowered = status.strip().lower()
    return _STATUS_ALIASES.get(lowered, lowered)


@dataclass(frozen=True)
class Address:
    first_name: str | None
    last_name: str | None
    phone: str | None
    phone2: str | None
    lines: tuple[str, ...]
    email: str | None
    city: str | None
    ward: str | None
    region: str | None
    post_code: str | None
    country: str | None


@dataclass(frozen=True)
class Order:
    order_id: str
    order_number: str | None
    customer_first_name: str | None
    customer_last_name: str | None
    payment_method: str | None
    remarks: str | None
    delivery_info: str | None
    price: Decimal | None
    gift_option: bool
    gift_message: str | None
    voucher_code: str | None
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    address_updated_at: dt.datetime | None
    billing: Address | None
    shipping: Address | None
    national_registration_number: str | None
    items_count: int | None
    promised_shipping_time: dt.datetime | None
    extra_attributes: dict[str, Any] | str | None
    statuses: tuple[str, ...]
    invoice_required: bool | None = None
    shipping_type: str | None = None
    operator_code: str | None = None
    items: tuple[OrderItem, ...] = ()


@dataclass(frozen=True)
class OrderItem:
    order_item_id: str
    order_id: str | None
    shop_id: str | None
    name: str | None
    sku: str | None
    variation: str | None
    shop_sku: str | None
    shipping_type: str | None
    item_price: Decimal | None
    paid_price: Decimal | None
    currency: str | None
    tax_amount: Decimal | None
    cod_collectable_amount: Decimal | None
    shipping_amount: Decimal | None
    shipping_service_cost: Decimal | None
    voucher_amount: Decimal | None
    voucher_code: str | None
    status: str | None
    is_processable: bool
    shipment_provider: str | None
    tracking_code: str | None
    tracking_code_pre: str | None
    reason: str | None
    reason_detail: str | None
    purchase_order_id: str | None
    purchase_order_number: str | None
    package_id: str | None
    promised_shipping_time: dt.datetime | None
    extra_attributes: dict[str, Any] | str | None
    shipping_provider_type: str | None
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    return_status: str | None
    imei: str | None = None


@dataclass(frozen=True)
class PackedItem:
    order_item_id: str | None
    purchase_order_id: str | None
    purchase_order_number: str | None
    package_id: str | None


@dataclass(frozen=True)
class FailureReason:
    type: str
    name: str


@dataclass(frozen=True)
class Document:
    document_type: str
    mime_type: str
    file: str  # base64

    def content(self) -> bytes:
        """The document itself; b"" when Seller Center sent something that is not base64."""
        try:
            return base64.b64decode(self.file, validate=True)
        except (binascii.Error, ValueError):
            return b""


@dataclass(frozen=True)
class InvoiceNumber:
    order_item_id: str | None
    invoice_number: str | None  # a string: Linio invoice numbers exceed 64-bit integers


@dataclass(frozen=True)
class TrackingCode:
    dispatch_id: str | None
    tracking_number: str | None


@dataclass(frozen=True)
class ShipmentProvider:
    name: str
    default: bool
    api_integration: bool
    cod: bool
    tracking_code_regex: str | None
    tracking_code_example: str | None
    tracking_url: str | None
    delivery_options: tuple[str, ...]


@dataclass(frozen=True)
class Webhook:
    webhook_id: str
    callback_url: str | None
    source: str | None
    events: tuple[str, ...]


@dataclass(frozen=True)
class WebhookEvent:
    entity: str
    name: str
    alias: str


@dataclass(frozen=True)
class ImeiResult:
    order_item_id: str
    imei: str | None
    success: bool
    message: str | None


@dataclass(frozen=True)
class CreatedWebhook:
    webhook_id: str
    created_at: dt.datetime | None


ORDER_ID_DIGITS = 20
"""Seller Center ids are positive whole numbers; 20 digits hold any 64-bit one."""


def seller_center_id(value: Any) -> str | None:
    """`value` as a Seller Center numeric id (`3100000` or `"3100000"`, surrounding blanks
    ignored), or None when it is not one (bool, float, negative, text, too long)."""
    if isinstance(value, bool):
        return None
    text = str(value).strip() if isinstance(value, int | str) else ""
    if not (0 < len(text) <= ORDER_ID_DIGITS and text.isascii() and text.isdigit()):
        return None
    return text if int(text) > 0 else None


@dataclass(frozen=True)
class WebhookCallback:
    """What Seller Center POSTs to a webhook URL. Only a hint: re-read the order or feed,
    because deliveries are retried for 30 days and arrive out of order."""

    event: str
    payload: dict[str, Any]

    @property
    def order_id(self) -> str | None:
        """Seller Center's `OrderId` (a positive whole number, sent as a number or as its
        digits); None for anything else, which names no order we could re-read."""
        return seller_center_id(self.payload.get("OrderId"))

    @property
    def order_item_ids(self) -> tuple[str, ...]:
        # Sources disagree on the key's spelling; accept each of them.
        for key in ("OrderItemsId", "OrderItemIds", "OrderItemId"):
            value = self.payload.get(key)
            if value not in (None, ""):
                values = value if isinstance(value, list) else [value]
                return tuple(str(v) for v in values)
        return ()

    @property
    def feed_id(self) -> str | None:
        value = self.payload.get("Feed")
        return None if value in (None, "") else str(value)

    @property
    def seller_skus(self) -> tuple[str, ...]:
        """Product events carry `{"SellerSkus": [...]}`, several SKUs per event (docs);
        a single `SellerSku` (older simulators, hand-made tests) is read too."""
        for key in ("SellerSkus", "SellerSku"):
            value = self.payload.get(key)
            if value not in (None, ""):
                values = value if isinstance(value, list) else [value]
                return tuple(str(v) for v in values if v not in (None, ""))
        return ()

    @property
    def new_status(self) -> str | None:
        """onOrderItemsStatusChanged's `NewStatus`, one spelling per status."""
        value = self.payload.get("NewStatus")
        return normalize_item_status(str(value)) if value not in (None, "") else None

    @property
    def order_number(self) -> str | None:
        """onOrderCreated's `OrderNr` (the number the seller searches in Seller Center)."""
        value = self.payload.get("OrderNr", self.payload.get("OrderNumber"))
        return None if value in (None, "") else str(value)


@dataclass(frozen=True)
class Seller:
    """GetSellerByUser: carries the API key, which never shows in a repr or a log."""

    short_code: str | None
    company_name: str | None
    seller_name: str | None
    email_address: str | None
    api_key: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        key = MASK if self.api_key else None
        return (
            f"Seller(short_code={self.short_code!r}, company_name={self.company_name!r}, "
            f"seller_name={self.seller_name!r}, email_address={self.email_address!r}, "
            f"api_key={key!r})"
        )


@dataclass(frozen=True)
class HealthRating:
    percentage: Decimal | None
    text: str | None


@dataclass(frozen=True)
class Statistics:
    products_by_status: dict[str, int | None]
    products_total: int | None
    orders_by_status: dict[str, int | None]
    orders_total: int | None
    order_items_pending: dict[str, int | None]
    # period (Day, Week, Month, Alltime) -> metric (TwoDaysShippedPercentage, ...) -> rating
    account_health: dict[str, dict[str, HealthRating]]


@dataclass(frozen=True)
class OrdersPage:
    """One GetOrders page; ``total_count`` is Head/TotalCount when Seller Center sends it."""

    orders: tuple[Order, ...]
    total_count: int | None
