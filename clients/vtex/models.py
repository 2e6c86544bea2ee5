"""Typed views of VTEX responses: the fields the flows use, plus `raw` for the logs.

Money is integer cents, as VTEX sends it. Ids are strings. Parsers are pure functions so
they are tested on plain JSON as well as over HTTP.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class SkuContext:
    sku_id: str
    product_id: str
    name: str
    product_name: str
    description: str
    is_active: bool
    is_product_active: bool
    brand_id: str | None
    brand_name: str
    category_ids: tuple[str, ...]  # root first; the leaf is the last one
    images: tuple[str, ...]
    sales_channels: tuple[str, ...]
    ean: str | None
    ref_id: str | None  # the SKU's own RefId (AlternateIds.RefId); never the product's
    dimensions: dict[str, float]
    specifications: dict[str, tuple[str, ...]]
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)
    product_ref_id: str | None = None  # ProductRefId: shared by every SKU of the product
    # `specifications` joins both levels (the SKU's win on a shared name); VTEX keeps them
    # apart: the product's (ProductSpecifications) and the SKU's own, its variation (Talla…).
    product_specifications: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sku_specifications: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def category_id(self) -> str | None:
        return self.category_ids[-1] if self.category_ids else None

    def in_trade_policy(self, sales_channel: str) -> bool:
        return str(sales_channel) in self.sales_channels


def _specifications(specs: Any) -> dict[str, tuple[str, ...]]:
    return {
        str(spec["FieldName"]): tuple(str(v) for v in spec.get("FieldValues") or [])
        for spec in specs or []
        if spec.get("FieldName")
    }


def parse_sku_context(data: dict[str, Any]) -> SkuContext:
    product_specs = _specifications(data.get("ProductSpecifications"))
    sku_specs = _specifications(data.get("SkuSpecifications"))
    specs = {**product_specs, **sku_specs}
    alternate = data.get("AlternateIds") or {}
    dimension = data.get("Dimension") or {}
    categories = str(data.get("ProductCategoryIds") or "").strip("/")
    return SkuContext(
        sku_id=str(data["Id"]),
        product_id=str(data.get("ProductId", "")),
        name=str(data.get("NameComplete") or data.get("SkuName") or ""),
        product_name=str(data.get("ProductName") or ""),
        description=str(data.get("ProductDescription") or ""),
        is_active=bool(data.get("IsActive")),
        is_product_active=bool(data.get("IsProductActive", True)),
        brand_id=str(data["BrandId"]) if data.get("BrandId") is not None else None,
        brand_name=str(data.get("BrandName") or ""),
        category_ids=tuple(c for c in categories.split("/") if c),
        images=tuple(str(i["ImageUrl"]) for i in data.get("Images") or [] if i.get("ImageUrl")),
        sales_channels=tuple(str(s) for s in data.get("SalesChannels") or []),
        ean=alternate.get("Ean") or None,
        ref_id=_text_or_none(alternate.get("RefId")),
        product_ref_id=_text_or_none(data.get("ProductRefId")),
        dimensions={k: float(v) for k, v in dimension.items() if isinstance(v, int | float)},
        specifications=specs,
        raw=data,
        product_specifications=product_specs,
        sku_specifications=sku_specs,
    )


def _text_or_none(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


@dataclass(frozen=True)
class Product:
    product_id: str
    name: str
    category_id: str | None
    brand_id: str | None
    is_active: bool
    description: str
    ref_id: str | None
    trade_policies: tuple[str, ...] = ()  # productget's ListStoreId
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)


def parse_product(data: dict[str, Any]) -> Product:
    return Product(
        product_id=str(data.get("Id", "")),
        name=str(data.get("Name") or ""),
        category_id=str(data["CategoryId"]) if data.get("CategoryId") is not None else None,
        brand_id=str(data["BrandId"]) if data.get("BrandId") is not None else None,
        is_active=bool(data.get("IsActive")),
        description=str(data.get("Description") or ""),
        ref_id=data.get("RefId") or None,
        trade_policies=tuple(str(s) for s in data.get("ListStoreId") or []),
        raw=data,
    )


@dataclass(frozen=True)
class Sla:
    id: str
    name: str
    price: int
    shipping_estimate: str
    delivery_channel: str


@dataclass(frozen=True)
class SimulatedItem:
    """One SKU of a fulfillment simulation. Money in cents; `quantity` is what VTEX can sell
    of the requested quantity (0 when out of stock); `stock_balance` is None when VTEX sent
    no `stockBalance` (checkout-style answers)."""

    sku_id: str
    price: int
    list_price: int
    selling_price: int
    quantity: int
    stock_balance: int | None
    slas: tuple[Sla, ...]
    availability: str | None = None  # checkout-style answers say "available"/"withoutStock"
    price_valid_until: dt.datetime | None = None  # aware; None when absent or unreadable

    @property
    def sellable(self) -> bool:
        """Stock AND at least one SLA, as VTEX's delivery-validation guide asks: a SKU with
        `quantity: 0`, `stockBalance: 0` or no SLA for the destination cannot be sold."""
        return (
            self.availability in (None, "available")
            and self.quantity > 0
            and (self.stock_balance is None or self.stock_balance > 0)
            and bool(self.slas)
        )


@dataclass(frozen=True)
class Simulation:
    """An SKU missing from `items` is unavailable (VTEX's rule: unpriced or unsellable); an
    SKU present is available only with stock and at least one SLA (`SimulatedItem.sellable`).
    Simulate with a destination (postal code and country): without one VTEX answers no SLA."""

    items: dict[str, SimulatedItem]
    messages: tuple[dict[str, Any], ...] = ()

    def available(self, sku_id: str) -> bool:
        item = self.items.get(str(sku_id))
        return item is not None and item.sellable

    def merged(self, other: Simulation) -> Simulation:
        return Simulation({**self.items, **other.items}, self.messages + other.messages)


def _selling_price(item: dict[str, Any]) -> int:
    """Checkout API: `sellingPrice` is subject to rounding; `priceDefinition
    .calculatedSellingPrice` is the unit price to use when VTEX sends it."""
    definition = item.get("priceDefinition") or {}
    for value in (definition.get("calculatedSellingPrice"), item.get("sellingPrice")):
        if value is not None:
            return int(value)
    return int(item.get("price") or 0)


def parse_simulation(data: dict[str, Any]) -> Simulation:
    """Items keyed by SKU id; several lines of one SKU (a split or a gift line) add their
    quantities and stock comes from the first line."""
    logistics = {int(li.get("itemIndex", -1)): li for li in data.get("logisticsInfo") or []}
    items: dict[str, SimulatedItem] = {}
    for index, item in enumerate(data.get("items") or []):
        info = logistics.get(index, {})
        slas = tuple(
            Sla(
                id=str(s.get("id", "")),
                name=str(s.get("name", "")),
                price=int(s.get("price", 0)),
                shipping_estimate=str(s.get("shippingEstimate", "")),
                delivery_channel=str(s.get("deliveryChannel", "delivery")),
            )
            for s in info.get("slas") or []
        )
        sku_id = str(item["id"])
        stock = info.get("stockBalance")
        parsed = SimulatedItem(
            sku_id=sku_id,
            price=int(item.get("price") or 0),
            list_price=int(item.get("listPrice") or item.get("price") or 0),
            selling_price=_selling_price(item),
            quantity=int(item.get("quantity") or 0),
            stock_balance=int(stock) if stock is not None else None,
            slas=slas,
            availability=str(item["availability"]) if item.get("availability") else None,
            price_valid_until=_instant(item.get("priceValidUntil")),
        )
        earlier = items.get(sku_id)
        if earlier is not None:
            parsed = replace(
                earlier,
                quantity=earlier.quantity + parsed.quantity,
                slas=earlier.slas or parsed.slas,
            )
        items[sku_id] = parsed
    return Simulation(items, tuple(data.get("messages") or []))


def _instant(value: Any) -> dt.datetime | None:
    """An ISO-8601 instant as an aware datetime (UTC when VTEX omits the offset)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class VtexOrder:
    order_id: str
    status: str
    marketplace_order_id: str | None
    value: int
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def invoiced(self) -> bool:
        return self.status == "invoiced"


def parse_order(data: dict[str, Any]) -> VtexOrder:
    return VtexOrder(
        order_id=str(data.get("orderId", "")),
        status=str(data.get("status") or ""),
        marketplace_order_id=data.get("marketplaceOrderId"),
        value=int(data.get("value") or 0),
        raw=data,
    )


@dataclass(frozen=True)
class Receipt:
    """OMS's answer to cancel / invoice: {date, orderId, receipt}."""

    order_id: str
    receipt: str | None
    date: str | None


def parse_receipt(data: Any) -> Receipt:
    data = data if isinstance(data, dict) else {}
    return Receipt(
        order_id=str(data.get("orderId", "")), receipt=data.get("receipt"), date=data.get("date")
    )
