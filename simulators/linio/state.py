"""What one simulated seller holds: products, feeds, orders, webhooks, quota counters.

Feed processing applies Seller Center's rules to each product and records per-SKU errors
the way FeedStatus reports them (field problems in the platform's wording, "Field X (for
Seller SKU: S) with value 'v' has a problem: …", which FeedStatus sends without a
SellerSku element); orders follow the item status machine of spec §4.2 with the post-sale
statuses, refuse illegal transitions with the platform's codes, and move stock: a pending
item reserves one unit (ReservedStock), ready-to-ship deducts it from Quantity, a cancel
releases it (or gives it back when already deducted). Everything is in memory and keyed
by id, so a 5,000-SKU load costs dictionary lookups, not scans; `saved()` / `restore()` give
the part a restart keeps (the sandbox writes it under `DATA_DIR/sandbox/`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import re
import uuid
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from simulators.linio.catalog_data import (
    BRANDS,
    COUNTRY_CURRENCIES,
    COUNTRY_ZONES,
    SHIPMENT_PROVIDERS,
    all_categories,
    attributes_for,
)
from simulators.linio.envelope import Refused

MAX_IMAGES = 8
PRODUCT_STATUSES = ("active", "inactive", "deleted")
ITEM_STATUSES = (
    "pending",
    "canceled",
    "ready_to_ship",
    "delivered",
    "returned",
    "shipped",
    "failed",
    # Post-sale (Falabella v600 order flow, GetStatistics counters).
    "return_shipped_by_customer",
    "return_waiting_for_approval",
    "return_rejected",
)
# Stock each status holds: pending reserves, ready_to_ship and later have deducted.
DEDUCTED = frozenset({"ready_to_ship", "shipped", "delivered", "failed"})


@dataclass
class SimSeller:
    user_id: str
    api_key: str = field(repr=False)
    seller_id: str
    country: str = "MX"


@dataclass
class SimFeed:
    feed_id: str
    action: str
    records: list[dict[str, Any]]
    created_at: dt.datetime
    status: str = "Queued"
    updated_at: dt.datetime | None = None
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # code, message, sku
    warnings: list[tuple[str, str, str]] = field(default_factory=list)  # code, message, sku
    sequence: int = 0  # submission order: what existed when the feed arrived

    @property
    def failed_skus(self) -> set[str]:
        return {sku for _, _, sku in self.errors}


@dataclass
class SimItem:
    order_item_id: str
    order_id: str
    sku: str
    name: str
    price: Decimal
    created_at: dt.datetime
    status: str = "pending"
    package_id: str | None = None
    tracking_code: str | None = None
    shipment_provider: str | None = None
    preselected_provider: str | None = None  # chosen by Linio at checkout (E080 if changed)
    invoice_number: str | None = None
    reason: str | None = None
    reason_detail: str | None = None
    processable: bool = True  # False while Linio waits for the payment (IsProcessable 0)
    updated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def touch(self) -> None:
        self.updated_at = dt.datetime.now(dt.UTC)


@dataclass
class SimOrder:
    order_id: str
    order_number: str
    created_at: dt.datetime
    customer: dict[str, str]
    address: dict[str, str]
    items: list[SimItem]
    payment_method: str = "CreditCard"

    @property
    def updated_at(self) -> dt.datetime:
        return max([self.created_at, *(i.updated_at for i in self.items)])

    @property
    def price(self) -> Decimal:
        return sum((i.price for i in self.items), Decimal("0"))


# Transitions done by Linio, the carrier or the customer, not by the seller's API calls.
PLATFORM_MOVES: dict[str, frozenset[str]] = {
    "pending": frozenset({"canceled"}),
    "ready_to_ship": frozenset({"shipped", "canceled"}),
    "shipped": frozenset({"delivered", "failed", "returned"}),
    "delivered": frozenset({"returned", "return_shipped_by_customer"}),
    "return_shipped_by_customer": frozenset({"return_waiting_for_approval"}),
    "return_waiting_for_approval": frozenset({"returned", "return_rejected"}),
}
# Moves the seller reports for its own carrier (target -> statuses it may leave).
SELLER_MOVES: dict[str, frozenset[str]] = {
    "shipped": frozenset({"ready_to_ship"}),
    "delivered": frozenset({"shipped"}),
    "failed": frozenset({"shipped"}),
}

_ids = itertools.count(3_100_000)
_sequence = itertools.count(1)


def problem(field_name: str, sku: str, value: Any, why: str) -> str:
    """The platform's wording for a field problem (mobly FeedStatusWithErrors fixture)."""
    shown = "" if value is None else str(value)
    return f"Field {field_name} (for Seller SKU: {sku}) with value '{shown}' has a problem: {why}"


def names_sku(message: str) -> bool:
    """True when the message already names its SKU (FeedStatus then omits SellerSku)."""
    return "(for Seller SKU: " in message


def _money(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError):
        return None


class SellerState:
    def __init__(self, seller: SimSeller, quota: tuple[int, float]) -> None:
        self.seller = seller
        self.categories = all_categories()
        self.brands = {name.lower(): (bid, name) for bid, name, _ in BRANDS}
        self.products: dict[str, dict[str, Any]] = {}
        self.removed: dict[str, dict[str, Any]] = {}  # what GetProducts Filter=deleted shows
        self.feeds: dict[str, SimFeed] = {}
        self.orders: dict[str, SimOrder] = {}
        self.items: dict[str, SimItem] = {}
        self.webhooks: dict[str, dict[str, Any]] = {}
        self.arrivals: deque[float] = deque()  # request times inside the rate-limit window
        self.quota_capacity, self.quota_interval = quota
        self.quota_tokens = float(self.quota_capacity)
        self.quota_stamp: float | None = None
        self.feed_lock = asyncio.Lock()
        self.zone = ZoneInfo(COUNTRY_ZONES.get(seller.country.upper(), "UTC"))
        self.currency = COUNTRY_CURRENCIES.get(seller.country.upper(), "MXN")
        self.reserved: dict[str, int] = {}  # SellerSku -> units held by pending items
        self.created_sequence: dict[str, int] = {}  # SellerSku -> when ProductCreate made it
        self.qc_rejections: dict[str, str] = {}  # SellerSku -> Reason QC will give
        # False: the seller's FOB/shipping mode is not enabled on Linio's side, and every
        # SetStatusToReadyToShip answers E021 "OMS Api Error Occurred" (cases/e021).
        self.fob_enabled = True

    # --- what a restart keeps ------------------------------------------------------------

    SAVED = (
        "products",
        "removed",
        "feeds",
        "orders",
        "items",
        "webhooks",
        "reserved",
        "created_sequence",
        "qc_rejections",
        "fob_enabled",
    )

    def saved(self) -> dict[str, Any]:
        """What Seller Center keeps across a restart: products (with QC and images),
        removed products, feeds (records, status, errors), orders and their items,
        webhooks, reservations. Not kept: the rate-limit window and the feed quota's
        level (a restarted simulator starts with a full bucket)."""
        return {name: getattr(self, name) for name in self.SAVED}

    def restore(self, saved: dict[str, Any]) -> None:
        """Take back what `saved()` returned (a later start on the same data), and move
        the id and sequence counters past every restored id so new ones never collide."""
        global _ids, _sequence
        for name in self.SAVED:
            if name in saved:
                setattr(self, name, saved[name])
        used_ids = [int(i) for i in (*self.orders, *self.items) if str(i).isdigit()]
        used_seq = [f.sequence for f in self.feeds.values()] + list(self.created_sequence.values())
        _ids = itertools.count(max([next(_ids), *(i + 1 for i in used_ids)]))
        _sequence = itertools.count(max([next(_sequence), *(q + 1 for q in used_seq)]))

    def unfinished_feeds(self) -> list[SimFeed]:
        """Feeds a restart found Queued or Processing, in submission order: the platform
        goes on with them."""
        waiting = [f for f in self.feeds.values() if f.status in ("Queued", "Processing")]
        return sorted(waiting, key=lambda f: f.sequence)

    def qc_pending(self) -> list[str]:
        """SellerSkus whose quality control was not decided when the state was saved."""
        return [sku for sku, p in self.products.items() if p.get("QcStatus") == "pending"]

    # --- feed quota (token bucket, per seller) ----------------------------------------------

    def take_feed_token(self, now: float) -> bool:
        if self.quota_stamp is not None:
            refill = (now - self.quota_stamp) / self.quota_interval
            self.quota_tokens = min(self.quota_capacity, self.quota_tokens + refill)
        self.quota_stamp = now
        if self.quota_tokens >= 1:
            self.quota_tokens -= 1
            return True
        return False

    # --- feeds -----------------------------------------------------------------------------

    def new_feed(self, action: str, records: list[dict[str, Any]]) -> SimFeed:
        feed = SimFeed(str(uuid.uuid4()), action, records, dt.datetime.now(dt.UTC))
        feed.sequence = next(_sequence)
        self.feeds[feed.feed_id] = feed
        return feed

    def cancel_feed(self, feed_id: str) -> SimFeed:
        feed = self.feeds.get(feed_id)
        if feed is None:
            raise Refused(12, "E012: Invalid Feed ID")
        if feed.status != "Queued":
            raise Refused(13, "E013: Invalid Feed Status")
        feed.status, feed.updated_at = "Canceled", dt.datetime.now(dt.UTC)
        return feed

    def process(self, feed: SimFeed) -> None:
        """Apply the feed record by record; invalid records become FeedErrors."""
        if feed.status == "Canceled":
            return
        handler = {
            "ProductCreate": self._create,
            "ProductUpdate": self._update,
            "ProductRemove": self._remove,
            "Image": self._images,
        }[feed.action]
        for record in feed.records:
            sku = str(record.get("SellerSku") or "")
            if not sku:  # FeedStatus.ProductCreate.xml: code 0, empty SellerSku
                feed.errors.append(("0", "SellerSku cannot be empty", ""))
                continue
            if feed.action == "Image":
                problems = self._images(sku, record, feed)
            else:
                problems = handler(sku, record)
            feed.errors.extend(("1", message, sku) for message in problems)
        feed.status = "Finished"
        feed.updated_at = dt.datetime.now(dt.UTC)

    def fail(self, feed: SimFeed) -> None:
        """The platform gave up on the whole feed: status Error, nothing applied."""
        feed.status, feed.updated_at = "Error", dt.datetime.now(dt.UTC)

    def _validate(self, product: dict[str, Any], sku: str = "") -> list[str]:
        problems = [
            f"Field {name} cannot be empty"
            for name in ("Name", "Description", "Brand", "PrimaryCategory", "Price")
            if not product.get(name)
        ]
        brand = str(product.get("Brand") or "")
        if brand and brand.lower() not in self.brands:
            problems.append(f"Brand '{brand}' does not exist")
        category = self.categories.get(str(product.get("PrimaryCategory") or ""))
        if product.get("PrimaryCategory") and category is None:
            problems.append(f"Category '{product['PrimaryCategory']}' does not exist")
        if category is not None:
            for attribute in attributes_for(category):
                value = attribute.value_in(product)
                if attribute.feed_name in ("Name", "Brand"):
                    continue  # reported above with the platform's own wording
                if attribute.mandatory and not value:
                    problems.append(
                        problem(
                            attribute.feed_name,
                            sku,
                            value,
                            f"{attribute.feed_name} is mandatory for category {category.name}",
                        )
                    )
                elif value and attribute.options and value not in attribute.options:
                    problems.append(
                        problem(
                            attribute.feed_name,
                            sku,
                            value,
                            f"Invalid value '{value}' for {attribute.feed_name}, "
                            f"expected one of: {', '.join(attribute.options)}",
                        )
                    )
        parent = str(product.get("ParentSku") or "")
        if parent and parent != sku and parent not in self.products:
            problems.append(problem("ParentSku", sku, parent, "the parent product does not exist"))
        price, sale = _money(product.get("Price")), _money(product.get("SalePrice"))
        if product.get("Price") and (price is None or price <= 0):
            problems.append("Price must be a positive number")
        if product.get("SalePrice") and (sale is None or sale <= 0):
            problems.append("SalePrice must be a positive number")
        elif sale is not None and price is not None and sale >= price:
            problems.append("SalePrice must be lower than Price")
        quantity = product.get("Quantity")
        if quantity is not None and (not str(quantity).lstrip("-").isdigit() or int(quantity) < 0):
            problems.append("Negative value is not allowed")
        if product.get("Status") and product["Status"] not in PRODUCT_STATUSES:
            problems.append(f"Invalid value '{product['Status']}' for Status")
        return problems

    def _create(self, sku: str, record: dict[str, Any]) -> list[str]:
        if sku in self.products:
            return [f"Seller SKU '{sku}' already exists"]
        problems = self._validate(record, sku)
        if not problems:
            now = dt.datetime.now(dt.UTC)
            self.removed.pop(sku, None)
            self.created_sequence[sku] = next(_sequence)
            self.products[sku] = {
                **record,
                "Status": record.get("Status") or "active",
                "QcStatus": "pending",  # decided later by `decide_qc` (asynchronous QC)
                "Images": [],
                "CreatedAt": now,
                "UpdatedAt": now,
                "ShopSku": f"{sku[:2].upper()}{len(self.products) + 1:08d}LNMX",
            }
        return problems

    def _update(self, sku: str, record: dict[str, Any]) -> list[str]:
        current = self.products.get(sku)
        if current is None:
            return [f"Seller SKU '{sku}' not found"]
        merged = {**current, **{k: v for k, v in record.items() if k != "ProductData"}}
        merged["ProductData"] = {
            **(current.get("ProductData") or {}),
            **(record.get("ProductData") or {}),
        }
        problems = self._validate(merged, sku)
        if not problems:
            merged["UpdatedAt"] = dt.datetime.now(dt.UTC)
            self.products[sku] = merged
        return problems

    def _remove(self, sku: str, record: dict[str, Any]) -> list[str]:
        product = self.products.pop(sku, None)
        if product is None:
            return [f"Seller SKU '{sku}' not found"]
        self.removed[sku] = {**product, "Status": "deleted", "UpdatedAt": dt.datetime.now(dt.UTC)}
        return []

    def _images(self, sku: str, record: dict[str, Any], feed: SimFeed | None = None) -> list[str]:
        """Replaces every image. The product must have existed when the Image feed was
        sent (Linio: wait for onProductCreated before sending images); beyond 8 images
        the rest are dropped with a FeedWarning, the SKU keeps the first 8."""
        product = self.products.get(sku)
        if product is None:
            return [f"Seller SKU '{sku}' not found"]
        created = self.created_sequence.get(sku, 0)
        if feed is not None and created > feed.sequence:
            return [
                problem(
                    "Images",
                    sku,
                    "",
                    "the product did not exist yet when the images were sent; "
                    "send them after onProductCreated",
                )
            ]
        images = list(record.get("Images") or [])
        if len(images) > MAX_IMAGES:
            if feed is not None:
                feed.warnings.append(
                    (
                        "1",
                        problem(
                            "Images",
                            sku,
                            len(images),
                            f"A product can have at most {MAX_IMAGES} images, got "
                            f"{len(images)}; the rest were rejected",
                        ),
                        sku,
                    )
                )
            images = images[:MAX_IMAGES]
        product["Images"] = images  # Image replaces every earlier image
        product["UpdatedAt"] = dt.datetime.now(dt.UTC)
        return []

    # --- quality control and stock -------------------------------------------------------

    def decide_qc(self, skus: list[str]) -> list[str]:
        """QC of products still pending: rejected with the Reason set in `qc_rejections`,
        else approved. Returns the SKUs whose status changed."""
        changed = []
        for sku in skus:
            product = self.products.get(sku)
            if product is None or product.get("QcStatus") != "pending":
                continue
            reason = self.qc_rejections.get(sku)
            product["QcStatus"] = "rejected" if reason else "approved"
            product["QcReason"] = reason or ""
            changed.append(sku)
        return changed

    def stock(self, sku: str) -> tuple[int, int, int]:
        """(Quantity, ReservedStock, Available) as GetProducts reports them:
        Available = Quantity + FulfillmentBySellable - ReservedStock - RealTimeStock, the
        fulfilment and real-time terms being 0 for a dropshipping seller."""
        product = self.products.get(sku) or self.removed.get(sku) or {}
        try:
            quantity = int(product.get("Quantity") or 0)
        except ValueError:
            quantity = 0
        reserved = self.reserved.get(sku, 0)
        return quantity, reserved, max(quantity - reserved, 0)

    def _set_status(self, item: SimItem, status: str) -> None:
        """Every status change goes through here, so stock follows the item."""
        before, sku = item.status, item.sku
        if before == "pending":
            self.reserved[sku] = max(self.reserved.get(sku, 0) - 1, 0)
        if status == "pending":
            self.reserved[sku] = self.reserved.get(sku, 0) + 1
        product = self.products.get(sku)
        if product is not None:
            quantity, _, _ = self.stock(sku)
            if status in DEDUCTED and before not in DEDUCTED:
                product["Quantity"] = str(quantity - 1)
            elif status == "canceled" and before in DEDUCTED:
                product["Quantity"] = str(quantity + 1)  # a cancel gives the unit back
        item.status = status
        item.touch()

    # --- orders ------------------------------------------------------------------------------

    def add_order(
        self,
        lines: list[tuple[str, int, Decimal]],
        shipment_provider: str | None = None,
        *,
        paid: bool = True,
    ) -> SimOrder:
        """An order placed by a Linio customer: (seller SKU, quantity, unit price) per line.
        Its items are pending (each reserves a unit) and already carry the order's
        PackageId (GetOrderItems fixture); `shipment_provider` is Linio's preselection; an
        unpaid one (`paid=False`) has items not yet processable."""
        order_id = str(next(_ids))
        now = dt.datetime.now(dt.UTC)
        package = f"1{order_id}0"
        items = []
        for sku, quantity, price in lines:
            name = str(self.products.get(sku, {}).get("Name") or sku)
            for _ in range(quantity):
                item = SimItem(str(next(_ids)), order_id, sku, name, Decimal(price), now)
                item.package_id = package
                item.shipment_provider = item.preselected_provider = shipment_provider
                self.reserved[sku] = self.reserved.get(sku, 0) + 1
                item.processable = paid
                items.append(item)
                self.items[item.order_item_id] = item
        order = SimOrder(
            order_id,
            f"2{order_id}",
            now,
            {"first": "Ana", "last": "Pérez", "email": "ana@example.com", "phone": "5512345678"},
            {
                "address1": "Av. Reforma 222",
                "city": "Ciudad de México",
                "region": "CDMX",
                "post_code": "06600",
                "country": "Mexico",
            },
            items,
        )
        self.orders[order_id] = order
        return order

    def item(self, item_id: str) -> SimItem:
        item = self.items.get(str(item_id))
        if item is None:
            raise Refused(20, f'E020: "{item_id}" Invalid Order Item ID')
        return item

    def _shippable(
        self, item_ids: list[str], provider: str | None, tracking: str | None
    ) -> list[SimItem]:
        items = [self.item(i) for i in item_ids]
        if len({i.order_id for i in items}) > 1:
            raise Refused(29, "E029: Items must be from the same order")
        if tracking:
            pattern = next((p[2] for p in SHIPMENT_PROVIDERS if p[0] == provider), None)
            if pattern and not re.fullmatch(pattern.strip("/").strip("^$"), tracking):
                raise Refused(26, f"E026: Invalid Tracking Number {tracking}")
        return items

    def _check_provider(self, items: list[SimItem], provider: str | None) -> None:
        for item in items:
            if provider and item.preselected_provider and provider != item.preselected_provider:
                raise Refused(80, "E080: Not allowed to change the preselected shipment provider")

    def pack(
        self, item_ids: list[str], provider: str | None, tracking: str | None
    ) -> list[SimItem]:
        """Packed by marketplace (deprecated on the platform: pending items already carry
        their PackageId): items stay `pending`, provider and tracking recorded."""
        items = self._shippable(item_ids, provider, tracking)
        for item in items:
            if item.status != "pending":
                raise Refused(73, "E073: All order items must have status Pending or Ready To Ship")
        self._check_provider(items, provider)
        package = items[0].package_id or f"1{items[0].order_id}0"
        for item in items:
            item.package_id, item.shipment_provider = package, provider or item.shipment_provider
            item.tracking_code = tracking or item.tracking_code
            item.touch()
        return items

    def ready_to_ship(
        self, item_ids: list[str], provider: str | None, tracking: str | None
    ) -> list[SimItem]:
        """Moves every pending item of the order, not only the ids given (Falabella v600:
        "the status of all products associated with the order will be updated")."""
        items = self._shippable(item_ids, provider, tracking)
        for item in items:
            if item.status not in ("pending", "ready_to_ship"):
                raise Refused(73, "E073: All order items must have status Pending or Ready To Ship")
        if not self.fob_enabled:
            raise Refused(21, "E021: OMS Api Error Occurred")
        self._check_provider(items, provider)
        order = self.orders[items[0].order_id]
        given = {i.order_item_id for i in items}
        moved = [i for i in order.items if i.status == "pending" or i.order_item_id in given]
        for item in moved:
            if item.status == "pending":
                self._set_status(item, "ready_to_ship")
            item.package_id = item.package_id or f"1{item.order_id}0"
            item.shipment_provider = provider or item.shipment_provider
            item.tracking_code = tracking or item.tracking_code
            item.touch()
        return moved

    def cancel(self, item_id: str, reason: str, reasons: set[str], detail: str = "") -> SimItem:
        item = self.item(item_id)
        if reason not in reasons:
            raise Refused(22, f"E022: Invalid reason '{reason}'")
        if item.status != "pending":
            raise Refused(
                28, f"E028: Cannot set status to canceled for an item in status {item.status}"
            )
        item.reason, item.reason_detail = reason, detail or None
        self._set_status(item, "canceled")
        return item

    def seller_move(
        self,
        item_id: str,
        status: str,
        reason: str = "",
        detail: str = "",
        reasons: set[str] = frozenset(),
    ) -> SimItem:
        """SetStatusToShipped / Delivered / FailedDelivery: the seller's own carrier."""
        item = self.item(item_id)
        allowed = SELLER_MOVES[status]
        if status == "failed" and reason not in reasons:
            raise Refused(22, f"E022: Invalid reason '{reason}'")
        if item.status not in allowed:
            raise Refused(
                28, f'E028: It is not possible to set the order item to the status "{status}"'
            )
        if status == "failed":
            item.reason, item.reason_detail = reason, detail or None
        self._set_status(item, status)
        return item

    def platform_move(self, item_id: str, status: str) -> SimItem:
        """Transitions done by Linio, the carrier or the customer (shipped, delivered,
        customer cancel, the post-sale return steps)."""
        item = self.item(item_id)
        if status not in PLATFORM_MOVES.get(item.status, frozenset()):
            raise Refused(28, f"E028: Cannot move an item from {item.status} to {status}")
        self._set_status(item, status)
        return item
