"""Seller Center's `Quantity` of a SKU: the one stock formula (CLARIFICATIONS §4, §9).

Every path that decides a `Quantity` goes through `offer_quantity`: the catalog's first offer
(a ProductCreate, or the offer sent with an adopted listing), price/stock updates,
reconciliation and the read-back comparison (`domain.catalog.prices.price_stock` calls it;
the read-back after a feed compares the `Quantity` it computed and we sent, `last_stock`).
The reserved units it adds come from the order ledger in lots
(`domain.catalog.reservations.LinioReservations`).

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping

from clients.vtex.models import SimulatedItem

SUBTRACTS_RESERVATIONS: Mapping[str, bool] = {
    "linio": False,
    "falabella": True,  # UNVERIFIED: Falabella's Stock is said to exclude reserved units
}
"""Per platform: does its stock field already leave out the units it reserves for orders?

- Linio: no. Seller Center's `Available` is `Quantity − ReservedStock`, so the units of an
  order VTEX already holds (VTEX's balance lost them) must be added back to `Quantity`, or one
  sale is subtracted twice (CLARIFICATIONS §4).
- Falabella: yes, per CLARIFICATIONS §9 — not verified against the live API; confirm before
  relying on it.
"""


def offered(item: SimulatedItem | None) -> bool:
    """VTEX offers the SKU in the trade policy: it is in `items`, not marked unavailable, and
    has at least one SLA to the simulation's destination (spec §1.6.3, §2.12). Unlike
    `SimulatedItem.sellable`, zero stock still counts as offered: the SKU is published (or
    kept) with Quantity 0."""
    return item is not None and item.availability in (None, "available") and bool(item.slas)


def offer_quantity(
    item: SimulatedItem | None,
    *,
    safety_stock: int,
    reserved_units: int = 0,
    platform_subtracts_reservations: bool = False,
) -> int:
    """Whole units to set as the platform's stock (`Quantity` on Seller Center).

    - `item`: the SKU's item of VTEX's fulfillment simulation to the store's destination
      (None: VTEX left it out). Its `stock_balance` (VTEX's `stockBalance`, whole units) is
      the stock; absent (checkout-style answers) → the item's `quantity`.
    - `safety_stock`: whole units the store keeps back (`StoreRules.safety_stock`).
    - `reserved_units`: whole units of the platform's orders that VTEX already holds (its
      balance is already lower) and the platform still reserves
      (`OrderLedger.reserved_on_linio`).
    - `platform_subtracts_reservations`: the platform's stock field already excludes the
      units it reserves (`SUBTRACTS_RESERVATIONS`); then `reserved_units` is not added.
      False for Linio (the default).

    Result = max(0, balance − safety stock) + reserved units, never below 0: the reserved
    units are added after the clamp, so safety stock never eats units already sold (the
    platform's available stock is then exactly max(0, balance − safety stock)). 0 when VTEX
    does not offer the SKU (`offered`), whatever is reserved.
    """
    if item is None or not offered(item):
        return 0
    stock = item.stock_balance if item.stock_balance is not None else item.quantity
    units = max(0, int(stock) - int(safety_stock))
    if not platform_subtracts_reservations:
        units += max(0, int(reserved_units))
    return units
