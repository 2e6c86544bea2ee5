"""Fulfillment simulation: which items VTEX would sell, at what price, with what stock and SLAs.

VTEX's rules that matter most to a connector (SellerFF, HC-catalog example):

- an SKU that cannot be sold at all (inactive, outside the trade policy, without price) is
  simply missing from ``items``;
- a priced SKU without stock IS returned, with ``quantity: 0``, ``stockBalance: 0`` and no
  SLA; with some stock, ``quantity`` is capped at the stock;
- without a destination (``postalCode`` and ``country``) there is no SLA and VTEX documents
  the stock balance as 0 (``ShippingRules.stock_without_address`` = False, the default);
- the fulfillment answer has no ``availability`` field; the checkout one
  (``/api/checkout/pub/…``) has it and no ``stockBalance``.

Money is in cents; ``logisticsInfo[].itemIndex`` points into the response items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulators.vtex.catalog import SimCatalog


@dataclass
class Sla:
    id: str
    price: int
    shipping_estimate: str
    delivery_channel: str = "delivery"


@dataclass
class ShippingRules:
    """Which postal codes the seller's carriers serve and how."""

    unserved_postal_prefixes: tuple[str, ...] = ("99",)
    stock_without_address: bool = False
    """True: answer the real stock balance to a simulation without postal code and country
    (what VTEX may do for affiliates, unverified); False: 0, as SellerFF documents."""
    slas: list[Sla] = field(
        default_factory=lambda: [Sla("Normal", 2990, "5bd"), Sla("Express", 5990, "2bd")]
    )

    def serves(self, postal_code: str) -> bool:
        digits = postal_code.replace("-", "").strip()
        return bool(digits) and not digits.startswith(self.unserved_postal_prefixes)

    def sla_named(self, name: str) -> Sla | None:
        return next((s for s in self.slas if s.id == name), None)


def _sla_json(sla: Sla) -> dict[str, Any]:
    return {
        "id": sla.id,
        "deliveryChannel": sla.delivery_channel,
        "name": sla.id,
        "deliveryIds": [
            {
                "courierId": "1",
                "warehouseId": "1_1",
                "dockId": "1",
                "courierName": "Transportadora",
                "quantity": 1,
            }
        ],
        "shippingEstimate": sla.shipping_estimate,
        "shippingEstimateDate": None,
        "lockTTL": None,
        "availableDeliveryWindows": [],
        "deliveryWindow": None,
        "price": sla.price,
        "listPrice": sla.price,
        "tax": 0,
        "pickupStoreInfo": {
            "isPickupStore": False,
            "friendlyName": None,
            "address": None,
            "additionalInfo": None,
            "dockId": None,
        },
        "pickupPointId": None,
        "pickupDistance": 0.0,
        "polygonName": None,
        "transitTime": sla.shipping_estimate,
    }


def simulate(
    catalog: SimCatalog,
    shipping: ShippingRules,
    sales_channel: str,
    body: dict[str, Any],
    *,
    checkout: bool = False,
) -> dict[str, Any]:
    """The response of ``POST /api/fulfillment/pvt/orderForms/simulation`` (``checkout``:
    of ``POST /api/checkout/pub/orderForms/simulation``)."""
    postal_code = body.get("postalCode") or None
    country = body.get("country") or None
    has_address = postal_code is not None and country is not None
    served = postal_code is not None and shipping.serves(str(postal_code))
    items: list[dict[str, Any]] = []
    logistics: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    total = 0
    for request_index, wanted in enumerate(body.get("items") or []):
        sku = catalog.sku(wanted.get("id"))
        price, stock = catalog.availability(sku, sales_channel) if sku else (None, 0)
        if price is None:
            messages.append(
                {
                    "code": "ORD027",
                    "text": f"Item {wanted.get('id')} not found or unavailable",
                    "status": "error",
                }
            )
            continue
        if not has_address and not shipping.stock_without_address:
            stock = 0
        wanted_quantity = int(wanted.get("quantity") or 1)
        quantity = max(0, min(wanted_quantity, stock))
        total += price.price * quantity
        item = {
            "id": str(sku.id),
            "requestIndex": request_index,
            "quantity": quantity,
            "seller": str(wanted.get("seller") or "1"),
            "sellerChain": ["1"],
            "tax": 0,
            "priceValidUntil": "2099-12-31T23:59:59Z",
            "price": price.price,
            "listPrice": price.list_price,
            "rewardValue": 0,
            "sellingPrice": price.price,
            "offerings": [],
            "priceTags": [],
            "measurementUnit": "un",
            "unitMultiplier": 1.0,
            "parentItemIndex": None,
            "parentAssemblyBinding": None,
            "priceDefinition": {
                "calculatedSellingPrice": price.price,
                "total": price.price * quantity,
                "sellingPrices": [{"value": price.price, "quantity": quantity}],
            },
            "merchantName": None,
            "attachmentOfferings": [],
        }
        if checkout:
            item["availability"] = "available" if quantity > 0 else "withoutStock"
        items.append(item)
        slas = [_sla_json(s) for s in shipping.slas] if served and quantity > 0 else []
        info: dict[str, Any] = {
            "itemIndex": len(items) - 1,
            "quantity": quantity,
            "shipsTo": [country] if country else ["CHL"],
            "slas": slas,
        }
        if not checkout:
            info["stockBalance"] = stock
            info["deliveryChannels"] = [{"id": "delivery", "stockBalance": stock}]
        logistics.append(info)
    return {
        "items": items,
        "ratesAndBenefitsData": None,
        "paymentData": None,
        "selectableGifts": [],
        "marketingData": None,
        "postalCode": postal_code,
        "country": country,
        "logisticsInfo": logistics,
        "messages": messages,
        "purchaseConditions": None,
        "pickupPoints": [],
        "subscriptionData": None,
        "totals": [{"id": "Items", "name": "Total de los ítems", "value": total}],
        "itemMetadata": None,
        "geoCoordinates": body.get("geoCoordinates") or [],
    }
