"""Fulfillment simulation: which items VTEX would sell, at what price, with what stock and SLAs.

VTEX's rule that matters most to a connector is the silent one: an SKU that cannot be sold
(inactive, outside the trade policy, without price or stock) is simply missing from
``items``. Money is in cents; ``logisticsInfo[].itemIndex`` points into the response items.
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
    catalog: SimCatalog, shipping: ShippingRules, sales_channel: str, body: dict[str, Any]
) -> dict[str, Any]:
    """The response of ``POST /api/fulfillment/pvt/orderForms/simulation``."""
    postal_code = body.get("postalCode") or None
    country = body.get("country") or None
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
        quantity = int(wanted.get("quantity") or 1)
        total += price.price * quantity
        items.append(
            {
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
                "availability": "available",
                "merchantName": None,
                "attachmentOfferings": [],
            }
        )
        slas = [_sla_json(s) for s in shipping.slas] if served else []
        logistics.append(
            {
                "itemIndex": len(items) - 1,
                "quantity": quantity,
                "shipsTo": [country] if country else ["CHL"],
                "slas": slas,
                "stockBalance": stock,
                "deliveryChannels": [{"id": "delivery", "stockBalance": stock}],
            }
        )
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
