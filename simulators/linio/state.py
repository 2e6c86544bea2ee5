"""What one simulated seller holds: products, feeds, orders, webhooks, quota counters.

Feed processing applies Seller Center's rules to each product and records per-SKU errors
the way FeedStatus reports them; orders follow the item status machine of spec §4.2 and
refuse illegal transitions with the platform's codes. Everything is in memory and keyed
by id, so a 5,000-SKU load costs dictionary lookups, not scans.
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

from simulators.linio.catalog_data import (
    BRANDS,
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
)


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
    invoice_number: str | None = None
    reason: str | None = None
    reason_detail: str | None = None
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
            feed.errors.extend(("1", problem, sku) for problem in handler(sku, record))
        feed.status = "Finished"
        feed.updated_at = dt.datetime.now(dt.UTC)

    def _validate(self, product: dict[str, Any]) -> list[str]:
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
                        f"Field {attribute.feed_name} is mandatory for category {category.name}"
                    )
                elif value and attribute.options and value not in attribute.options:
                    problems.append(f"Invalid value '{value}' for {attribute.feed_name}")
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
        problems = self._validate(record)
        if not problems:
            now = dt.datetime.now(dt.UTC)
            self.removed.pop(sku, None)
            self.products[sku] = {
                **record,
                "Status": record.get("Status") or "active",
                "QcStatus": "approved",
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
        problems = self._validate(merged)
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

    def _images(self, sku: str, record: dict[str, Any]) -> list[str]:
        product = self.products.get(sku)
        if product is None:
            return [f"Seller SKU '{sku}' not found"]
        images = record.get("Images") or []
        if len(images) > MAX_IMAGES:
            return [f"A product can have at most {MAX_IMAGES} images, got {len(images)}"]
        product["Images"] = list(images)  # Image replaces every earlier image
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
                item = SimItem(str(next(_ids)), order_id, sku, name, Decimal(price), now)
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

    def pack(
        self, item_ids: list[str], provider: str | None, tracking: str | None
    ) -> list[SimItem]:
        """Packed by marketplace: items stay `pending` but get a PackageId (spec §4.2)."""
        items = self._shippable(item_ids, provider, tracking)
        for item in items:
            if item.status != "pending":
                raise Refused(73, "E073: All order items must have status Pending or Ready To Ship")
        package = f"MPDS-{items[0].order_id}-{len(self.items)}"
        for item in items:
            item.package_id, item.shipment_provider = package, provider or item.shipment_provider
            item.tracking_code = tracking or item.tracking_code
            item.touch()
        return items

    def ready_to_ship(
        self, item_ids: list[str], provider: str | None, tracking: str | None
    ) -> list[SimItem]:
        items = self._shippable(item_ids, provider, tracking)
        for item in items:
            if item.status not in ("pending", "ready_to_ship"):
                raise Refused(73, "E073: All order items must have status Pending or Ready To Ship")
        for item in items:
            item.status = "ready_to_ship"
            item.package_id = item.package_id or f"MPDS-{item.order_id}-{item.order_item_id}"
            item.shipment_provider = provider or item.shipment_provider
            item.tracking_code = tracking or item.tracking_code
            item.touch()
        return items

    def cancel(self, item_id: str, reason: str, reasons: set[str], detail: str = "") -> SimItem:
        item = self.item(item_id)
        if reason not in reasons:
            raise Refused(22, f"E022: Invalid reason '{reason}'")
        if item.status != "pending":
            raise Refused(
                28, f"E028: Cannot set status to canceled for an item in status {item.status}"
            )
        item.status, item.reason, item.reason_detail = "canceled", reason, detail or None
        item.touch()
        return item

    def platform_move(self, item_id: str, status: str) -> SimItem:
        """Transitions done by Linio or the carrier (shipped, delivered, customer cancel)."""
        item = self.item(item_id)
        if status not in PLATFORM_MOVES.get(item.status, frozenset()):
            raise Refused(28, f"E028: Cannot move an item from {item.status} to {status}")
        item.status = status
        item.touch()
        return item
