"""Placement: a Linio order → the body VTEX needs to create it (spec §3.3, §3.4.1, §3.6).

Two pure steps around the one VTEX call the consumer makes in between:

1. `plan(order, items, sku_map, settings)`: lines (field table in `fields.py`), totals,
   the destination to simulate with, and every transformation problem at once (log I).
2. `place(plan, simulation, settings, inactive=…)`: checks each VTEX SKU came back from the
   simulation with stock and an SLA (log D) and is active (log F), then builds the Channel
   Order API body (`method="channel"`, §3.4.1) or the fulfillment-order body for stores on
   the older method (`method="fulfillment"`, §3.6, an array of one order). Problems are
   again all listed; no body is built while any remains.

Prices are the ones paid on Linio (CLARIFICATIONS §4): VTEX's simulated price is only kept
beside them (`Placement.vtex_prices`) for the ledger and the divergence explanation.
Orders shipped with Linio's guides are FOB (Scenario 7: `isFob`, empty `selectedSla`).
Addresses without a postal code are resolved per country (`POSTAL_CODE_RULES`): Mexico
requires it; in Chile, Peru and Colombia VTEX's shipping policies use a code per commune /
district / city, taken from the store's postal-code table — never silently skipped.

Buyers' personal data is masked by `domain.personal_data` wherever it leaves the ledger
(CLARIFICATIONS §5).

Pure module: standard library and the error catalogue only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from domain.errors import entry
from domain.orders.fields import (
    OrderLine,
    OrderTotals,
    live_items,
    order_lines,
    order_totals,
    paid_unit_cents,
)

if TYPE_CHECKING:
    from clients.linio.models import Address, Order, OrderItem
    from clients.vtex.models import Simulation, Sla

Method = Literal["channel", "fulfillment"]
Letter = Literal["I", "D", "F"]

ISO3 = {"MX": "MEX", "CL": "CHL", "CO": "COL", "PE": "PER", "AR": "ARG"}

POSTAL_CODE_RULES: dict[str, Literal["required", "by_city"]] = {
    "MX": "required",
    "AR": "required",
    "CL": "by_city",  # commune (comuna): VTEX Chile ships by a code per commune
    "PE": "by_city",  # district (ubigeo)
    "CO": "by_city",  # city (DANE): Colombian buyers rarely give a postal code
}


@dataclass(frozen=True)
class Problem:
    """One reason the order cannot be placed: catalogue `code`, VTEX log `letter`, and the
    values for the catalogue's placeholders."""

    code: str
    letter: Letter
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str = "es") -> str:
        return entry(self.code).render(lang, **self.params)


def render_problems(problems: Iterable[Problem], lang: str = "es") -> str:
    """All problems in one text, numbered (VTEX: list every error at once)."""
    return " ".join(f"{n}. {p.render(lang)}" for n, p in enumerate(problems, 1))


@dataclass(frozen=True)
class PlacementSettings:
    """What the store decides. `connector_endpoint` carries no query string (VTEX rule);
    `postal_codes` maps a normalised city (see `normalise`) to the postal code VTEX's
    shipping policies use for it."""

    connector_name: str
    connector_endpoint: str
    affiliate_id: str
    sales_channel: str
    country: str
    fob: bool = False
    method: Method = "channel"
    marketplace_services_endpoint: str | None = None
    lock_ttl: str = "2d"
    seller_id: str = "1"
    postal_codes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Destination:
    postal_code: str | None
    country: str  # ISO 3166-1 alpha-3, as VTEX wants it


@dataclass(frozen=True)
class Plan:
    """Step 1's result. `vtex_skus[i]` is the VTEX SKU of `lines[i]` (None when unmapped)."""

    marketplace_order_id: str
    linio_order_id: str
    lines: tuple[OrderLine, ...]
    vtex_skus: tuple[str | None, ...]
    totals: OrderTotals
    paid: bool
    destination: Destination | None
    address: dict[str, Any]
    client: dict[str, Any]
    payment_method: str | None
    problems: tuple[Problem, ...]

    @property
    def nothing_to_place(self) -> bool:
        return not self.lines and not self.problems

    def simulation_items(self) -> list[tuple[str, int]]:
        """(VTEX SKU, quantity) summed over lines, for the simulation with destination."""
        quantities: dict[str, int] = {}
        for sku, line in zip(self.vtex_skus, self.lines, strict=True):
            if sku:
                quantities[sku] = quantities.get(sku, 0) + line.quantity
        return list(quantities.items())


@dataclass(frozen=True)
class Placement:
    """Step 2's result: `body` to send (None while `problems`), VTEX's price per SKU at
    simulation (cents) and the SLA chosen per line."""

    body: dict[str, Any] | list[dict[str, Any]] | None
    problems: tuple[Problem, ...]
    vtex_prices: dict[str, int]
    slas: tuple[str, ...] = ()

    def letters(self) -> list[Letter]:
        """The VTEX log letters to write, in order, one per kind of problem present."""
        seen: list[Letter] = []
        for problem in self.problems:
            if problem.letter not in seen:
                seen.append(problem.letter)
        return seen


def normalise(text: str | None) -> str:
    """Case- and accent-insensitive key: 'Ñuñoa ' → 'nunoa'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", plain).strip().casefold()


def is_paid(items: Iterable[OrderItem]) -> bool:
    """Linio exposes unpaid orders with items not yet processable; paid = all processable."""
    live = live_items(items)
    return bool(live) and all(i.is_processable for i in live)


def _destination(
    shipping: Address | None, settings: PlacementSettings
) -> tuple[Destination | None, list[Problem]]:
    country = settings.country.upper()
    iso3 = ISO3.get(country, country)
    postal = (shipping.post_code or "").strip() if shipping else ""
    if postal:
        return Destination(postal, iso3), []
    rule = POSTAL_CODE_RULES.get(country, "required")
    city = shipping.city if shipping else None
    region = shipping.region if shipping else None
    if rule == "by_city":
        code = settings.postal_codes.get(normalise(city)) or settings.postal_codes.get(
            normalise(f"{city}, {region}")
        )
        if code:
            return Destination(code, iso3), []
        params = {"city": city or "—", "region": region or "—", "country": country}
        return None, [Problem("order.postal_code_unknown", "I", params)]
    return None, [Problem("order.address_field_missing", "I", {"field": "PostCode"})]


def _address(order: Order, destination: Destination | None) -> dict[str, Any]:
    ship = order.shipping
    lines = list(ship.lines) if ship else []
    receiver = " ".join(
        x for x in ((ship.first_name, ship.last_name) if ship else ()) if x
    ) or " ".join(x for x in (order.customer_first_name, order.customer_last_name) if x)
    return {
        "addressType": "residential",
        "addressId": f"linio-{order.order_id}",
        "receiverName": receiver,
        "postalCode": destination.postal_code if destination else None,
        "city": ship.city if ship else None,
        "state": ship.region if ship else None,
        "country": destination.country if destination else None,
        "street": lines[0] if lines else None,
        "number": None,
        "neighborhood": (ship.ward if ship else None) or None,
        "complement": ", ".join(x for x in lines[1:] if x) or None,
        "reference": None,
    }


def _client(order: Order) -> dict[str, Any]:
    billing, shipping = order.billing, order.shipping
    email = (billing.email if billing else None) or (shipping.email if shipping else None)
    phone = (shipping.phone if shipping else None) or (billing.phone if billing else None)
    return {
        "email": email,
        "firstName": order.customer_first_name,
        "lastName": order.customer_last_name,
        "phone": phone,
        "document": order.national_registration_number,
        "corporateDocument": None,
        "corporatePhone": None,
        "corporateName": None,
        "tradeName": None,
        "stateInscription": None,
    }


def plan(
    order: Order,
    items: Sequence[OrderItem],
    sku_map: Mapping[str, str],
    settings: PlacementSettings,
) -> Plan:
    """Step 1: lines, totals, destination and transformation problems (log I), all at once.

    `items` come from GetOrderItems (one per unit); cancelled ones are left out. `sku_map`
    maps SellerSku → VTEX SKU id for the store.
    """
    live = live_items(items)
    problems: list[Problem] = []
    for item in live:
        if not item.sku:
            problems.append(
                Problem("order.sku_unmapped", "I", {"seller_sku": f"({item.order_item_id})"})
            )
        elif paid_unit_cents(item) is None:
            problems.append(
                Problem(
                    "order.item_without_price",
                    "I",
                    {"order_item_id": item.order_item_id, "seller_sku": item.sku},
                )
            )
    lines = order_lines(live, fob=settings.fob)
    vtex_skus = tuple(sku_map.get(line.seller_sku) for line in lines)
    for sku, line in zip(vtex_skus, lines, strict=True):
        if not sku and not any(p.params.get("seller_sku") == line.seller_sku for p in problems):
            problems.append(Problem("order.sku_unmapped", "I", {"seller_sku": line.seller_sku}))
    destination, where = _destination(order.shipping, settings) if live else (None, [])
    problems.extend(where)
    address = _address(order, destination)
    for key, label in (("street", "Address1"), ("city", "City"), ("receiverName", "FirstName")):
        if live and not address.get(key):
            problems.append(Problem("order.address_field_missing", "I", {"field": label}))
    return Plan(
        marketplace_order_id=order.order_number or order.order_id,
        linio_order_id=order.order_id,
        lines=tuple(lines),
        vtex_skus=vtex_skus,
        totals=order_totals(lines),
        paid=is_paid(items),
        destination=destination,
        address=address,
        client=_client(order),
        payment_method=order.payment_method,
        problems=tuple(problems),
    )


def _cheapest(slas: Iterable[Sla]) -> Sla | None:
    delivery = [s for s in slas if s.delivery_channel in ("delivery", "")]
    return min(delivery, key=lambda s: (s.price, s.shipping_estimate), default=None)


def place(
    the_plan: Plan,
    simulation: Simulation,
    settings: PlacementSettings,
    *,
    inactive: Iterable[str] = (),
) -> Placement:
    """Step 2: check the simulation (D: SKU missing, out of stock, no SLA; F: inactive or
    outside the trade policy per Get SKU and Context) and build the body."""
    problems = list(the_plan.problems)
    inactive_skus = set(inactive)
    vtex_prices: dict[str, int] = {}
    chosen: dict[str, Sla | None] = {}
    postal = the_plan.destination.postal_code if the_plan.destination else None
    by_sku = dict(the_plan.simulation_items())
    seller_sku = {
        sku: line.seller_sku
        for sku, line in zip(the_plan.vtex_skus, the_plan.lines, strict=True)
        if sku
    }
    for sku, quantity in by_sku.items():
        params = {"sku_id": sku, "seller_sku": seller_sku[sku]}
        if sku in inactive_skus:
            problems.append(Problem("order.sku_inactive", "F", params))
            continue
        simulated = simulation.items.get(sku)
        if simulated is None:
            problems.append(Problem("order.sku_not_simulated", "D", params))
            continue
        vtex_prices[sku] = simulated.selling_price or simulated.price
        # `quantity` is what VTEX can sell of the quantity asked; `stockBalance` may be absent.
        stock = simulated.stock_balance if simulated.stock_balance is not None else None
        in_stock = (
            simulated.availability in (None, "available")
            and simulated.quantity >= quantity
            and (stock is None or stock >= quantity)
        )
        if not in_stock:
            shown = min(simulated.quantity, stock) if stock is not None else simulated.quantity
            problems.append(
                Problem(
                    "order.sku_out_of_stock",
                    "D",
                    {"sku_id": sku, "stock": shown, "quantity": quantity},
                )
            )
        sla = _cheapest(simulated.slas)
        chosen[sku] = sla
        if sla is None:
            if settings.fob:
                problems.append(
                    Problem(
                        "order.fob_policy_needed",
                        "D",
                        {
                            "marketplace_order_id": the_plan.marketplace_order_id,
                            "sales_channel": settings.sales_channel,
                        },
                    )
                )
            else:
                problems.append(
                    Problem("order.sku_no_sla", "D", {"sku_id": sku, "postal_code": postal or "—"})
                )
    if problems:
        return Placement(None, tuple(problems), vtex_prices)
    slas = tuple(chosen[sku] for sku in the_plan.vtex_skus if sku)
    build = _channel_body if settings.method == "channel" else _fulfillment_body
    body = build(the_plan, slas, settings)
    names = tuple("" if settings.fob or s is None else s.id or s.name for s in slas)
    return Placement(body, (), vtex_prices, names)


def _logistics(line: OrderLine, sla: Sla | None, settings: PlacementSettings) -> dict[str, Any]:
    return {
        "price": line.shipping,
        "selectedDeliveryChannel": "delivery",
        "selectedSla": "" if settings.fob or sla is None else (sla.id or sla.name),
        "lockTTL": settings.lock_ttl,
        "shippingEstimate": sla.shipping_estimate if sla else "",
        "deliveryIds": [],
    }


def _custom_data(the_plan: Plan) -> dict[str, Any]:
    return {
        "customApps": [
            {
                "id": "linio",
                "major": 1,
                "fields": {
                    "orderId": the_plan.linio_order_id,
                    "orderNumber": the_plan.marketplace_order_id,
                },
            }
        ]
    }


def _channel_body(
    the_plan: Plan, slas: Sequence[Sla | None], settings: PlacementSettings
) -> dict[str, Any]:
    """Channel Order API, spec §3.4.1 (status values lower case, per VTEX's schema)."""
    return {
        "marketplaceOrderId": the_plan.marketplace_order_id,
        "connectorName": settings.connector_name,
        "connectorEndpoint": settings.connector_endpoint,
        "marketplaceOrderStatus": "approved" if the_plan.paid else "new",
        "marketplacePaymentValue": the_plan.totals.payment,
        "marketplaceInterestValue": 0,
        "priceDivergenceAllowanceRate": None,
        "allowFranchises": False,
        "pickupAccountName": None,
        "items": [
            {"id": sku, "price": line.unit_price, "quantity": line.quantity}
            for sku, line in zip(the_plan.vtex_skus, the_plan.lines, strict=True)
        ],
        "clientProfileData": dict(the_plan.client),
        "shippingData": {
            "logisticsInfo": [
                _logistics(line, sla, settings)
                for line, sla in zip(the_plan.lines, slas, strict=True)
            ],
            "selectedAddresses": [
                {**the_plan.address, "geoCoordinates": {"latitude": None, "longitude": None}}
            ],
            "isFob": settings.fob,
            "isMarketplaceFulfillment": False,
            "trackingHints": [],
        },
        "invoiceData": {
            "userPaymentInfo": {
                "paymentMethods": [the_plan.payment_method] if the_plan.payment_method else []
            }
        },
        "customData": _custom_data(the_plan),
        "taxData": [],
        "openTextField": None,
    }


def _fulfillment_body(
    the_plan: Plan, slas: Sequence[Sla | None], settings: PlacementSettings
) -> list[dict[str, Any]]:
    """Fulfillment order (deprecated method, spec §3.6): an array of one order."""
    client = the_plan.client
    address = {**the_plan.address, "geoCoordinates": []}
    return [
        {
            "marketplaceOrderId": the_plan.marketplace_order_id,
            "marketplaceOrderGroup": the_plan.marketplace_order_id,
            "isCreatedAsync": True,
            "marketplaceServicesEndpoint": settings.marketplace_services_endpoint,
            "marketplacePaymentValue": the_plan.totals.payment,
            "marketplacePaymentReferenceValue": the_plan.totals.payment,
            "items": [
                {
                    "id": sku,
                    "price": line.unit_price,
                    "quantity": line.quantity,
                    "seller": settings.seller_id,
                }
                for sku, line in zip(the_plan.vtex_skus, the_plan.lines, strict=True)
            ],
            "clientProfileData": {
                "Email": client["email"],
                "FirstName": client["firstName"],
                "LastName": client["lastName"],
                "Phone": client["phone"],
                "Document": client["document"],
                "DocumentType": None,
                "IsCorporate": False,
                "CorporateDocument": None,
                "CorporateName": None,
                "CorporatePhone": None,
                "StateInscription": None,
                "TradeName": None,
                "UserProfileId": None,
            },
            "shippingData": {
                "address": address,
                "logisticsInfo": [
                    {**_logistics(line, sla, settings), "itemIndex": index}
                    for index, (line, sla) in enumerate(zip(the_plan.lines, slas, strict=True))
                ],
                "selectedAddresses": [address],
                "isFob": settings.fob,
            },
            "customData": _custom_data(the_plan),
            "openTextField": None,
            "paymentData": None,
            "marketingData": None,
        }
    ]
