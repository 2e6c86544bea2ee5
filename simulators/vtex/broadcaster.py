"""Catalog changes and the notification VTEX's broadcaster sends to an affiliate.

VTEX documents two spellings of the payload (guides: ``idSKU``/``an``/``isActive``;
Broadcaster: ``IdSku``/``An``/``IsActive``); the simulator sends either, so the connector's
case-insensitive parsing is exercised against both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack

from simulators.vtex.catalog import Price, SimCatalog, Sku, now_iso

STYLES = ("broadcaster", "guide")


PRODUCT_EDITS = frozenset({"description", "product_active", "sales_channels"})


@dataclass
class Change:
    """Which notification flags a catalog edit raises, and where the SKU was before.

    ``product_level``: the edit changed the product, so VTEX notifies every SKU of it
    (HC-catalog: "all SKUs of the changed product even if one of the SKUs has not
    changed"); ``siblings()`` gives those other SKUs' changes."""

    sku: Sku
    price: bool = False
    stock: bool = False
    registration: bool = False
    policies_before: frozenset[str] = frozenset()
    product_level: bool = False

    def siblings(self, catalog: SimCatalog) -> list[Change]:
        if not self.product_level:
            return []
        product = catalog.product_of(self.sku)
        return [
            Change(
                sku,
                registration=self.registration,
                policies_before=self.policies_before,
                product_level=True,
            )
            for sku in catalog.skus.values()
            if sku.product_id == product.id and sku.id != self.sku.id
        ]


class SkuEdits(TypedDict, total=False):
    """What a seller can change on a SKU; prices and stock apply to one trade policy."""

    price: int
    list_price: int
    remove_price: bool
    stock: int
    name: str
    description: str
    active: bool
    product_active: bool
    sales_channels: Iterable[str]  # replaces the product's trade policies


def apply_change(
    catalog: SimCatalog, sku_id: int, *, sales_channel: str, **edits: Unpack[SkuEdits]
) -> Change:
    """Mutate the catalog; with nothing to change it is a "touch" (registration modified)."""
    sku = catalog.sku(sku_id)
    if sku is None:
        raise KeyError(f"SKU {sku_id} does not exist")
    product = catalog.product_of(sku)
    change = Change(sku, policies_before=frozenset(product.sales_channels))
    old = sku.prices.get(sales_channel)
    price, list_price = edits.get("price"), edits.get("list_price")
    if edits.get("remove_price"):
        change.price = sku.prices.pop(sales_channel, None) is not None
    elif price is not None or list_price is not None:
        new_price = price if price is not None else (old.price if old else 0)
        new = Price(new_price, list_price if list_price is not None else new_price)
        change.price = new != old
        sku.prices[sales_channel] = new
    if "stock" in edits:
        change.stock = sku.stock.get(sales_channel, 0) != edits["stock"]
        sku.stock[sales_channel] = edits["stock"]
    if "name" in edits:
        sku.name = edits["name"]
        change.registration = True
    if "description" in edits:
        product.description = edits["description"]
        change.registration = True
    if "active" in edits:
        change.registration |= sku.is_active != edits["active"]
        sku.is_active = edits["active"]
    if "product_active" in edits:
        change.registration |= product.is_active != edits["product_active"]
        product.is_active = edits["product_active"]
    if "sales_channels" in edits:
        product.sales_channels = list(edits["sales_channels"])
    if not edits:
        change.registration = True  # a bare "touch", like reindexing the SKU
    change.product_level = bool(PRODUCT_EDITS & edits.keys())
    sku.modified_at = now_iso()
    if change.product_level:
        for sibling in change.siblings(catalog):
            sibling.sku.modified_at = sku.modified_at
    return change


def notification(
    catalog: SimCatalog, change: Change, affiliate_id: str, sales_channel: str, style: str
) -> dict[str, Any] | None:
    """The payload for one affiliate, or None when the SKU never was in its trade policy."""
    sku = change.sku
    product = catalog.product_of(sku)
    was_in = sales_channel in change.policies_before
    is_in = sales_channel in product.sales_channels
    if not was_in and not is_in:
        return None
    flags = {
        "DateModified": sku.modified_at,
        "StockModified": change.stock,
        "PriceModified": change.price,
        "HasStockKeepingUnitModified": change.registration or (is_in and not was_in),
        "HasStockKeepingUnitRemovedFromAffiliate": was_in and not is_in,
    }
    active = sku.is_active and product.is_active
    if style == "guide":
        head = {
            "idSKU": str(sku.id),
            "productId": product.id,
            "an": catalog.account,
            "idAffiliate": affiliate_id,
            "isActive": active,
        }
    else:
        head = {
            "IdSku": str(sku.id),
            "ProductId": product.id,
            "An": catalog.account,
            "IdAffiliate": affiliate_id,
            "IsActive": active,
        }
    return {**head, **flags}
