"""Typed views of VTEX responses: the fields the flows use, plus `raw` for the logs.

Money is integer cents, as VTEX sends it. Ids are strings. Parsers are pure functions so
they are tested on plain JSON as well as over HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    ref_id: str | None
    dimensions: dict[str, float]
    specifications: dict[str, tuple[str, ...]]
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def category_id(self) -> str | None:
        return self.category_ids[-1] if self.category_ids else None

    def in_trade_policy(self, sales_channel: str) -> bool:
        return str(sales_channel) in self.sales_channels


def parse_sku_context(data: dict[str, Any]) -> SkuContext:
    specs: dict[str, tuple[str, ...]] = {}
    for group in ("ProductSpecifications", "SkuSpecifications"):
        for spec in data.get(group) or []:
            name = spec.get("FieldName")
            if name:
                specs[str(name)] = tuple(str(v) for v in spec.get("FieldValues") or [])
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
        ref_id=alternate.get("RefId") or data.get("ProductRefId") or None,
        dimensions={k: float(v) for k, v in dimension.items() if isinstance(v, int | float)},
        specifications=specs,
        raw=data,
    )


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
    sku_id: str
    price: int
    list_price: int
    selling_price: int
    quantity: int
    stock_balance: int
    slas: tuple[Sla, ...]
    availability: str = "available"  # checkout-style answers may say "withoutStock" instead


@dataclass(frozen=True)
class Simulation:
    """An SKU missing from `items` is unavailable (VTEX's rule): push stock 0 for it. An item
    VTEX returns but marks otherwise than "available" counts as unavailable too."""

    items: dict[str, SimulatedItem]
    messages: tuple[dict[str, Any], ...] = ()

    def available(self, sku_id: str) -> bool:
        item = self.items.get(str(sku_id))
        return item is not None and item.availability == "available"

    def merged(self, other: Simulation) -> Simulation:
        return Simulation({**self.items, **other.items}, self.messages + other.messages)


def parse_simulation(data: dict[str, Any]) -> Simulation:
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
        items[sku_id] = SimulatedItem(
            sku_id=sku_id,
            price=int(item.get("price") or 0),
            list_price=int(item.get("listPrice") or item.get("price") or 0),
            selling_price=int(item.get("sellingPrice") or item.get("price") or 0),
            quantity=int(item.get("quantity") or 0),
            stock_balance=int(info.get("stockBalance") or 0),
            slas=slas,
            availability=str(item.get("availability") or "available"),
        )
    return Simulation(items, tuple(data.get("messages") or []))


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
