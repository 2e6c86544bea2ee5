"""What one simulated seller holds: products, feeds, orders, webhooks, quota counters.

Feed processing applies Seller Center's rules to each product and records per-SKU errors
the way FeedStatus reports them; orders follow the item status machine of spec §4.2 and
refuse illegal transitions.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import uuid
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from simulators.linio.catalog_data import BRANDS, all_categories, attributes_for

MAX_IMAGES = 8


class Refused(Exception):
    """An action refused with Seller Center's error code and message."""

    def __init__(self, code: int, message: str, status: int = 400, kind: str = "Sender") -> None:
        super().__init__(message)
        self.code, self.message, self.status, self.kind = code, message, status, kind


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


@dataclass
class SimItem:
    order_item_id: str
    order_id: str
    sku: str
    name: str
    price: Decimal
    status: str = "pending"
    package_id: str | None = None
    tracking_code: str | None = None
    shipment_provider: str | None = None
    invoice_number: str | None = None
    reason: str | None = None
    updated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


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


# Transitions done by Linio or the carrier, not by the seller.
PLATFORM_MOVES: dict[str, frozenset[str]] = {
    "ready_to_ship": frozenset({"shipped", "canceled"}),
    "shipped": frozenset({"delivered", "failed", "returned"}),
    "pending": frozenset({"canceled"}),
    "delivered": frozenset({"returned"}),
}


_ids = itertools.count(3_100_000)


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
        self.feeds: dict[str, SimFeed] = {}
        self.orders: dict[str, SimOrder] = {}
        self.items: dict[str, SimItem] = {}
        self.webhooks: dict[str, dict[str, Any]] = {}
        self.arrivals: deque[float] = deque()  # request times inside the rate-limit window
        self.quota_capacity, self.quota_interval = quota
        self.quota_tokens = float(self.quota_capacity)
        self.quota_stamp: float | None = None
        self.feed_lock = asyncio.Lock()

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
        self.feeds[feed.feed_id] = feed
        return feed

    def process(self, feed: SimFeed) -> None:
        """Apply the feed record by record; invalid records become FeedErrors."""
        handler = {
            "ProductCreate": self._create,
            "ProductUpdate": self._update,
            "ProductRemove": self._remove,
            "Image": self._images,
        }[feed.action]
        for record in feed.records:
            sku = str(record.get("SellerSku") or "")
            problems = handler(sku, record)
            feed.errors.extend(("1", p, sku) for p in problems)
        feed.status = "Finished"
        feed.updated_at = dt.datetime.now(dt.UTC)

    def _validate(self, sku: str, product: dict[str, Any]) -> list[str]:
        problems = []
        if not sku:
            return ["SellerSku cannot be empty"]
        for name in ("Name", "Description", "Brand", "PrimaryCategory", "Price"):
            if not product.get(name):
                problems.append(f"Field {name} cannot be empty")
        brand = str(product.get("Brand") or "")
        if brand and brand.lower() not in self.brands:
            problems.append(f"Brand '{brand}' does not exist")
        category = self.categories.get(str(product.get("PrimaryCategory") or ""))
        if product.get("PrimaryCategory") and category is None:
            problems.append(f"Category '{product['PrimaryCategory']}' does not exist")
        if category is not None:
            data = product.get("ProductData") or {}
            for attribute in attributes_for(category):
                if (
                    attribute.mandatory
                    and attribute.attribute_type == "value"
                    and not data.get(attribute.feed_name)
                ):
                    problems.append(
                        f"Field {attribute.feed_name} is mandatory for category {category.name}"
                    )
                value = data.get(attribute.feed_name)
                if value and attribute.options and value not in attribute.options:
                    problems.append(f"Invalid value '{value}' for {attribute.feed_name}")
        price, sale = _money(product.get("Price")), _money(product.get("SalePrice"))
        if product.get("Price") and (price is None or price <= 0):
            problems.append("Price must be a positive number")
        if sale is not None and price is not None and sale >= price:
            problems.append("SalePrice must be lower than Price")
        quantity = product.get("Quantity")
        if quantity is not None and (not str(quantity).lstrip("-").isdigit() or int(quantity) < 0):
            problems.append("Negative value is not allowed")
        return problems

    def _create(self, sku: str, record: dict[str, Any]) -> list[str]:
        problems = self._validate(sku, record)
        if not problems:
            now = dt.datetime.now(dt.UTC)
            self.products[sku] = {
                **record,
                "Status": record.get("Status") or "active",
                "QcStatus": "approved",
                "Images": [],
                "CreatedAt": now,
                "UpdatedAt": now,
                "ShopSku": f"LN{abs(hash(sku)) % 10**10}",
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
        problems = self._validate(sku, merged)
        if not problems:
            merged["UpdatedAt"] = dt.datetime.now(dt.UTC)
            self.products[sku] = merged
        return problems

    def _remove(self, sku: str, record: dict[str, Any]) -> list[str]:
        if self.products.pop(sku, None) is None:
            return [f"Seller SKU '{sku}' not found"]
        return []

    def _images(self, sku: str, record: dict[str, Any]) -> list[str]:
        product = self.products.get(sku)
        if product is None:
            return [f"Seller SKU '{sku}' not found"]
        images = record.get("Images") or []
        if len(images) > MAX_IMAGES:
            return [f"A product can have at most {MAX_IMAGES} images, got {len(images)}"]
        product["Images"] = list(images)
        product["UpdatedAt"] = dt.datetime.now(dt.UTC)
        return []

    # --- orders ------------------------------------------------------------------------------

    def add_order(self, lines: list[tuple[str, int, Decimal]]) -> SimOrder:
        """An order placed by a Linio customer: (seller SKU, quantity, unit price) per line."""
        order_id = str(next(_ids))
        now = dt.datetime.now(dt.UTC)
        items = []
        for sku, quantity, price in lines:
            name = str(self.products.get(sku, {}).get("Name") or sku)
            for _ in range(quantity):
                item = SimItem(str(next(_ids)), order_id, sku, name, Decimal(price))
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

    def pack(
        self, item_ids: list[str], provider: str | None, tracking: str | None
    ) -> list[SimItem]:
        items = [self.item(i) for i in item_ids]
        if len({i.order_id for i in items}) > 1:
            raise Refused(29, "E029: Items must be from the same order")
        for item in items:
            if item.status != "pending":
                raise Refused(73, "E073: All order items must have status Pending or Ready To Ship")
        package = f"MPDS-{items[0].order_id}-{len(self.items)}"
        for item in items:
            item.package_id, item.shipment_provider = package, provider or item.shipment_provider
            item.tracking_code = tracking or item.tracking_code
            item.updated_at = dt.datetime.now(dt.UTC)
        return items

    def ready_to_ship(
        self, item_ids: list[str], provider: str | None, tracking: str | None
    ) -> list[SimItem]:
        items = [self.item(i) for i in item_ids]
        for item in items:
            if item.status not in ("pending", "ready_to_ship"):
                raise Refused(73, "E073: All order items must have status Pending or Ready To Ship")
        for item in items:
            item.status = "ready_to_ship"
            item.package_id = item.package_id or f"MPDS-{item.order_id}-{item.order_item_id}"
            item.shipment_provider = provider or item.shipment_provider
            item.tracking_code = tracking or item.tracking_code
            item.updated_at = dt.datetime.now(dt.UTC)
        return items

    def cancel(self, item_id: str, reason: str, reasons: set[str]) -> SimItem:
        item = self.item(item_id)
        if reason not in reasons:
            raise Refused(22, f"E022: Invalid reason '{reason}'")
        if item.status != "pending":
            raise Refused(
                28, f"E028: Cannot set status to canceled for an item in status {item.status}"
            )
        item.status, item.reason = "canceled", reason
        item.updated_at = dt.datetime.now(dt.UTC)
        return item

    def platform_move(self, item_id: str, status: str) -> SimItem:
        """Transitions done by Linio or the carrier (shipped, delivered, customer cancel)."""
        item = self.item(item_id)
        if status not in PLATFORM_MOVES.get(item.status, frozenset()):
            raise Refused(28, f"E028: Cannot move an item from {item.status} to {status}")
        item.status = status
        item.updated_at = dt.datetime.now(dt.UTC)
        return item
