"""Price, sale price, sale dates and quantity for Seller Center, from one simulation item.

Follows CLARIFICATIONS §4 exactly (it wins over spec §2.7/§2.8 where they differ):

- `Price` is VTEX's list price when the trade policy's selling price is lower, and
  `SalePrice` that selling price, `SaleStartDate` now, `SaleEndDate` from `priceValidUntil`;
  otherwise `Price` is the selling price and the sale is CLEARED explicitly: the three sale
  fields are sent empty (`CLEAR`), because an omitted field leaves an old sale price live.
- The store's markup (percent, then fixed amount) and rounding to the currency's decimals
  apply to both. When rounding makes the sale price reach the price, there is no discount
  left and the sale is cleared (Seller Center refuses SalePrice ≥ Price).
- `Quantity` comes from the one stock formula, `domain.catalog.quantity.offer_quantity`:
  stock balance − safety stock (never below 0) + units of Linio orders placed in VTEX and
  still reserved on Linio, so one sale is never subtracted twice. A SKU VTEX does not offer
  has 0 (spec §1.6.3, §2.12): left out of the simulation, marked otherwise than available,
  or without any SLA for the store's simulation destination (the consumer simulates with
  one, `Store.simulation_destination`: without it VTEX answers no SLA).

VTEX cents become Decimal in `cents_to_decimal`, the only place that divides by 100. Sale
dates are written in the seller country's local time, `YYYY-MM-DD HH:MM:SS`
(`linio-seller-center.md` §3.1). Also the price-drop guard (peers §5 idea 11): a pure
decision whether a new price may be sent, and the comparisons of an offer with what was
last sent (`price_changed`) or what Seller Center shows (`drift`, `intended_drift`).

Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from clients.linio.models import Product as LinioProduct
from clients.vtex.models import SimulatedItem
from domain.catalog.deactivation import status_fix
from domain.catalog.problems import Problem
from domain.catalog.quantity import offer_quantity
from domain.catalog.snapshot import StoreRules

CLEAR = ""
"""Value sent to clear a Seller Center field (an empty element; None omits the field)."""

_ROUNDING = {"half_up": ROUND_HALF_UP, "up": ROUND_UP, "down": ROUND_DOWN}
LINIO_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


def cents_to_decimal(cents: int) -> Decimal:
    """VTEX integer cents → Decimal currency units (19990 → Decimal('199.90'))."""
    return Decimal(int(cents)).scaleb(-2)


def apply_rules(amount: Decimal, rules: StoreRules) -> Decimal:
    """Markup (percent first, then the fixed amount) and rounding to the currency's
    decimals with the store's rounding mode."""
    marked = amount * (1 + rules.markup_percent / 100) + rules.markup_fixed
    step = Decimal(1).scaleb(-rules.currency_decimals)
    return marked.quantize(step, rounding=_ROUNDING[rules.rounding])


def linio_date(instant: dt.datetime, time_zone: str) -> str:
    """An aware instant as Seller Center's local date text."""
    return instant.astimezone(ZoneInfo(time_zone)).strftime(LINIO_DATE_FORMAT)


@dataclass(frozen=True)
class PriceStock:
    """What Seller Center gets for a SKU's offer.

    `price` is None when the SKU is not sellable (no simulation item): nothing to send but
    `quantity` 0. `sale_*` are None when there is no sale (then `fields` clears them).
    Dates are aware datetimes; `fields` renders them in `time_zone`.
    """

    price: Decimal | None
    sale_price: Decimal | None
    sale_start: dt.datetime | None
    sale_end: dt.datetime | None
    quantity: int
    time_zone: str = "UTC"

    @property
    def effective(self) -> Decimal | None:
        """What a buyer pays now: the sale price when there is one, else the price."""
        return self.sale_price if self.sale_price is not None else self.price

    def fields(self) -> dict[str, str]:
        """Seller Center fields: Price (when known), the sale trio (values or `CLEAR`),
        Quantity."""
        out: dict[str, str] = {}
        if self.price is not None:
            out["Price"] = format(self.price, "f")
            if self.sale_price is not None:
                out["SalePrice"] = format(self.sale_price, "f")
                out["SaleStartDate"] = (
                    linio_date(self.sale_start, self.time_zone) if self.sale_start else CLEAR
                )
                out["SaleEndDate"] = (
                    linio_date(self.sale_end, self.time_zone) if self.sale_end else CLEAR
                )
            else:
                out["SalePrice"] = out["SaleStartDate"] = out["SaleEndDate"] = CLEAR
        out["Quantity"] = str(self.quantity)
        return out


def price_stock(
    item: SimulatedItem | None,
    rules: StoreRules,
    now: dt.datetime,
    *,
    reserved_units: int = 0,
) -> PriceStock:
    """The offer of one SKU from its simulation item (None = VTEX left it out).
    `reserved_units`: whole units Linio still reserves for orders VTEX already holds
    (`LinioReservations`), added to Quantity by `offer_quantity`."""
    units = offer_quantity(item, safety_stock=rules.safety_stock, reserved_units=reserved_units)
    if item is None:
        return PriceStock(None, None, None, None, units, rules.time_zone)
    list_price = cents_to_decimal(item.list_price)
    selling = cents_to_decimal(item.selling_price)
    if selling < list_price:
        price, sale = apply_rules(list_price, rules), apply_rules(selling, rules)
        if sale < price:
            until = item.price_valid_until
            end = until if until is not None and until > now else None
            return PriceStock(price, sale, now, end, units, rules.time_zone)
        return PriceStock(price, None, None, None, units, rules.time_zone)
    return PriceStock(apply_rules(selling, rules), None, None, None, units, rules.time_zone)


@dataclass(frozen=True)
class GuardDecision:
    """`send` False means hold the new price; `problem` says why (for the seller log)."""

    send: bool
    drop_percent: Decimal
    problem: Problem | None = None


def price_drop_guard(
    previous: Decimal | None, new: Decimal, guard_percent: Decimal | None
) -> GuardDecision:
    """Whether a new effective price may be sent, given the last one sent.

    Holds when the price falls by MORE than `guard_percent` percent of `previous`. No
    previous price (first publication), no guard, or a rise always sends.
    """
    if previous is None or previous <= 0 or new >= previous:
        return GuardDecision(True, Decimal(0))
    drop = ((previous - new) / previous * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    if guard_percent is None or drop <= guard_percent:
        return GuardDecision(True, drop)
    problem = Problem(
        code="catalog.price_drop_held",
        row="price",
        linio_field="Price",
        vtex_field="items[].sellingPrice",
        params={
            "previous": format(previous, "f"),
            "new": format(new, "f"),
            "drop_percent": format(drop, "f"),
            "guard_percent": format(guard_percent, "f"),
        },
    )
    return GuardDecision(False, drop, problem)


# --- comparisons (price/stock flow, read-back, reconciliation) ------------------------------

PRICE_KEYS = ("Price", "SalePrice", "SaleStartDate", "SaleEndDate")
COMPARED_PRICE_KEYS = ("Price", "SalePrice", "SaleEndDate")  # the start is "now" on every read


def decimal_or_none(value: Any) -> Decimal | None:
    """A Seller Center money value as Decimal; None for none, `CLEAR` or text that is no
    number."""
    if value in (None, CLEAR):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def effective_price(fields: Mapping[str, Any]) -> Decimal | None:
    """The price a buyer pays of Seller Center price fields: SalePrice when there is one,
    else Price (None: neither)."""
    return decimal_or_none(fields.get("SalePrice")) or decimal_or_none(fields.get("Price"))


def price_changed(offer: Mapping[str, Any], last: Mapping[str, Any] | None) -> bool:
    """The offer's price fields differ from the ones last sent (`last_price` of the state)."""
    if not last:
        return True
    for key in COMPARED_PRICE_KEYS:
        new, old = offer.get(key), last.get(key)
        if decimal_or_none(new) is not None or decimal_or_none(old) is not None:
            if key == "SaleEndDate":
                if (new or "") != (old or ""):
                    return True
            elif decimal_or_none(new) != decimal_or_none(old):
                return True
    return False


def drift(offer: PriceStock, product: LinioProduct, now: dt.datetime) -> dict[str, str]:
    """What Linio shows differently from the offer: the kinds (`price`, `stock`) to send
    again, with a short reason each (for the log). Compares the Quantity we set, not
    Available (CLARIFICATIONS §4); a sale that ended before `now` (UTC) is no sale."""
    out: dict[str, str] = {}
    if offer.price is not None:
        if product.price is None or product.price != offer.price:
            out["price"] = f"Price {product.price} ≠ {offer.price}"
        linio_sale = product.sale_price
        if linio_sale is not None and product.sale_end is not None and product.sale_end < now:
            linio_sale = None
        if offer.sale_price != linio_sale:
            out["price"] = f"SalePrice {product.sale_price} ≠ {offer.sale_price}"
    if product.quantity is None or product.quantity != offer.quantity:
        out["stock"] = f"Quantity {product.quantity} ≠ {offer.quantity}"
    return out


def intended_drift(
    state: Mapping[str, Any], product: LinioProduct, versions: Mapping[str, int]
) -> dict[str, tuple[dict[str, Any], int]]:
    """What to send again after a feed: kind → (fields as last sent, the feed's version),
    for the fields the feed carried (`versions`) that Linio shows otherwise: Price and
    SalePrice, the Quantity we set (not Available), the Status."""
    out: dict[str, tuple[dict[str, Any], int]] = {}
    last_status = state.get("last_status")
    if "Status" in versions and last_status and product.status not in (None, last_status):
        kind, fields = status_fix(str(last_status))
        out[kind] = (fields, versions["Status"])
    last_stock = state.get("last_stock")
    if "Quantity" in versions and last_stock is not None:
        if product.quantity is None or str(product.quantity) != str(last_stock):
            out["stock"] = ({"Quantity": str(last_stock)}, versions["Quantity"])
    last_price = state.get("last_price") or {}
    carried = [k for k in PRICE_KEYS if k in versions]
    if carried and last_price:
        wrong = decimal_or_none(last_price.get("Price")) not in (None, product.price)
        if "SalePrice" in last_price and decimal_or_none(last_price.get("SalePrice")) != (
            product.sale_price
        ):
            wrong = True
        if wrong:
            fields = {k: ("" if v is None else v) for k, v in last_price.items()}
            out["price"] = (fields, max(versions[k] for k in carried))
    return out
