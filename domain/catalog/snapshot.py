"""`SkuSnapshot`: everything the catalog core needs to judge and transform one SKU.

The catalog consumer builds it (spec §2.4 steps c–h: Get SKU and context, the product when
needed, the simulation to the store's destination, the stored mappings, the Linio category's
attributes from GetCategoryAttributes, the store's rules) and hands it to the pure functions
`validate.validate(snapshot)` and `transform.transform(snapshot)`. Nothing here reads a
database or the network; `now` is given, so results are reproducible.

Units: VTEX money in the models is integer cents (`prices.cents_to_decimal` converts it, in
one place); `StoreRules` money (`markup_fixed`) is a Decimal in currency units; weights and
dimensions arrive in the store's units (`weight_unit`, `dimension_unit`) and leave as kg and
cm. `now` is an aware datetime; `time_zone` is the seller country's zone, in which Seller
Center reads sale dates (`linio-seller-center.md` §3.1, §9.3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from clients.linio.models import Attribute
from clients.vtex.models import Product, SimulatedItem, SkuContext

SellerSkuSource = Literal["sku_id", "ref_id"]
Rounding = Literal["half_up", "up", "down"]
WeightUnit = Literal["g", "kg"]
DimensionUnit = Literal["cm", "mm", "m"]

COUNTRY_TIME_ZONES: dict[str, str] = {
    "MX": "America/Mexico_City",
    "CL": "America/Santiago",
    "CO": "America/Bogota",
    "PE": "America/Lima",
}
"""Linio country → the zone Seller Center's local dates are in."""

COUNTRY_CURRENCY_DECIMALS: dict[str, int] = {"MX": 2, "CL": 0, "CO": 0, "PE": 2}
"""Decimals of the country's currency as prices are shown (MXN, CLP, COP, PEN)."""


@dataclass(frozen=True)
class StoreRules:
    """The store's catalog settings (CLARIFICATIONS §4 and §6).

    - `seller_sku_source`: which VTEX value becomes SellerSku (default the SKU id, as Linio's
      own plugin does; or the SKU's RefId).
    - `markup_percent` (e.g. `Decimal("10")` = +10 %) then `markup_fixed` (currency units)
      apply to Price and SalePrice; `currency_decimals` and `rounding` round both.
    - `safety_stock`: units kept back from Linio.
    - `price_drop_guard_percent`: hold a price that drops more than this percent from the
      last price sent (None = no guard).
    - `tax_class`: Linio TaxClass option the seller chose (None = not sent).
    - `weight_unit`, `dimension_unit`: the units the VTEX account stores (VTEX's default
      weight unit is grams, dimensions centimetres).
    - `time_zone`: zone of the seller's country (see `COUNTRY_TIME_ZONES`).
    """

    seller_sku_source: SellerSkuSource = "sku_id"
    markup_percent: Decimal = Decimal(0)
    markup_fixed: Decimal = Decimal(0)
    currency_decimals: int = 2
    rounding: Rounding = "half_up"
    safety_stock: int = 0
    price_drop_guard_percent: Decimal | None = None
    tax_class: str | None = None
    weight_unit: WeightUnit = "g"
    dimension_unit: DimensionUnit = "cm"
    time_zone: str = "UTC"

    def seller_sku_of(self, sku_id: str, ref_id: str | None) -> str | None:
        """The SellerSku of a VTEX SKU (`seller_sku_source`): its id, or its RefId (None
        when that is empty)."""
        if self.seller_sku_source == "ref_id":
            return (ref_id or "").strip() or None
        return str(sku_id)

    @classmethod
    def for_country(cls, country: str, **settings: object) -> StoreRules:
        """Rules with the country's zone and currency decimals, overridden by `settings`."""
        base: dict[str, object] = {
            "time_zone": COUNTRY_TIME_ZONES.get(country, "UTC"),
            "currency_decimals": COUNTRY_CURRENCY_DECIMALS.get(country, 2),
        }
        return cls(**{**base, **settings})  # type: ignore[arg-type]


@dataclass(frozen=True)
class AttributeMapping:
    """How one Linio attribute (by FeedName) is filled: from the VTEX specification named
    `specification`, each VTEX value translated through `values` (VTEX value → Linio option
    name; a value absent from `values` is used as it is)."""

    specification: str
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SkuSnapshot:
    """One SKU as the core sees it.

    - `sku`: Get SKU and context (`?sc=` the store's trade policy).
    - `product`: the product endpoint's answer when the consumer read it; None otherwise
      (then `sku.is_product_active` and `sku.sales_channels` decide).
    - `simulation`: the SKU's item of the simulation to the store's destination
      (`Store.simulation_destination`); None when VTEX left it out of `items` (A1).
    - `sales_channel`: the store's trade policy id.
    - `product_skus`: VTEX SKU id → RefId of every SKU of the product in the trade policy
      (this one included or not); decides ParentSku and whether Variation is needed.
    - `known_parent_sku`: the ParentSku already sent for this product (state table); kept.
    - `linio_category`: Linio PrimaryCategory id mapped from the VTEX leaf category, None
      when unmapped; `extra_categories`: more Linio category ids for `Categories`.
    - `vtex_category_name`: for messages (E4); the id is used when empty.
    - `linio_brand`: Linio brand name mapped from the VTEX brand, None when unmapped.
    - `attribute_mappings`: Linio FeedName → `AttributeMapping`.
    - `category_attributes`: GetCategoryAttributes of `linio_category` (empty when the
      category is unmapped).
    - `required_specifications`: VTEX product specification names the category requires
      (VTEX's `IsRequired` product specification fields of the category, or ones the
      seller's mapping wants on Linio); a product without a value for one is refused (E1).
      SKU-level specifications are the variation's (see `Variation`).
    - `reserved_units`: whole units of Linio orders placed in VTEX but still reserved on
      Linio (CLARIFICATIONS §4; `LinioReservations`), added back to Quantity by
      `offer_quantity`, the one stock formula.
    - `now`: aware datetime of the evaluation.
    """

    sku: SkuContext
    rules: StoreRules
    sales_channel: str
    now: dt.datetime
    simulation: SimulatedItem | None = None
    product: Product | None = None
    product_skus: Mapping[str, str | None] = field(default_factory=dict)
    known_parent_sku: str | None = None
    linio_category: str | None = None
    extra_categories: tuple[str, ...] = ()
    vtex_category_name: str = ""
    linio_brand: str | None = None
    attribute_mappings: Mapping[str, AttributeMapping] = field(default_factory=dict)
    category_attributes: tuple[Attribute, ...] = ()
    required_specifications: tuple[str, ...] = ()
    reserved_units: int = 0

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("SkuSnapshot.now must be an aware datetime")

    # --- derived facts ----------------------------------------------------------------------
    @property
    def product_active(self) -> bool:
        return self.product.is_active if self.product is not None else self.sku.is_product_active

    @property
    def in_trade_policy(self) -> bool:
        if self.sku.in_trade_policy(self.sales_channel):
            return True
        return self.product is not None and str(self.sales_channel) in self.product.trade_policies

    @property
    def category_label(self) -> str:
        return self.vtex_category_name or (self.sku.category_id or "")

    def seller_sku_of(self, sku_id: str, ref_id: str | None) -> str | None:
        """The SellerSku of a SKU of this store (`StoreRules.seller_sku_of`)."""
        return self.rules.seller_sku_of(sku_id, ref_id)

    @property
    def seller_sku(self) -> str | None:
        return self.seller_sku_of(self.sku.sku_id, self.sku.ref_id)

    @property
    def siblings(self) -> dict[str, str | None]:
        """Every SKU of the product in the trade policy, this one included."""
        return {**dict(self.product_skus), self.sku.sku_id: self.sku.ref_id}

    def attribute(self, feed_name: str) -> Attribute | None:
        for attribute in self.category_attributes:
            if attribute.feed_name == feed_name:
                return attribute
        return None
