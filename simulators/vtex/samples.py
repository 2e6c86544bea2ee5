"""Well-formed order bodies priced from the simulated catalog, for tests and the sandbox.

A body built here integrates without price divergence unless ``paid`` says otherwise, so a
test states only what it varies.
"""

from __future__ import annotations

from typing import Any

from simulators.vtex.catalog import SimCatalog

SHIPPING_PRICE = 2990


def _address(postal_code: str) -> dict[str, Any]:
    return {
        "addressType": "residential",
        "addressId": "home",
        "receiverName": "Ana Lima",
        "postalCode": postal_code,
        "city": "Santiago",
        "state": "RM",
        "country": "CHL",
        "street": "Av. Providencia",
        "number": "1000",
        "neighborhood": "Providencia",
        "complement": "",
        "reference": None,
        "geoCoordinates": {"latitude": -33.4263, "longitude": -70.6170},
    }


def _client() -> dict[str, Any]:
    return {
        "email": "ana@example.com",
        "firstName": "Ana",
        "lastName": "Lima",
        "phone": "+56911112222",
        "document": "12345678-5",
        "corporateDocument": None,
        "corporatePhone": None,
        "corporateName": None,
        "tradeName": None,
        "stateInscription": None,
    }


def expected_total(catalog: SimCatalog, sku_ids: list[int], quantity: int = 1) -> int:
    sc = catalog.trade_policy
    items = sum(catalog.skus[s].prices[sc].price * quantity for s in sku_ids)
    return items + SHIPPING_PRICE * len(sku_ids)


def channel_order(
    catalog: SimCatalog,
    sku_ids: list[int],
    *,
    marketplace_order_id: str,
    connector_endpoint: str,
    status: str = "new",
    quantity: int = 1,
    postal_code: str = "7500000",
    paid: int | None = None,
) -> dict[str, Any]:
    """A Channel Order API body (``POST /api/order-integration/orders``)."""
    sc = catalog.trade_policy
    return {
        "marketplaceOrderId": marketplace_order_id,
        "connectorName": "vtex-linio",
        "connectorEndpoint": connector_endpoint,
        "marketplaceOrderStatus": status,
        "marketplacePaymentValue": paid
        if paid is not None
        else expected_total(catalog, sku_ids, quantity),
        "marketplaceInterestValue": 0,
        "priceDivergenceAllowanceRate": None,
        "allowFranchises": False,
        "pickupAccountName": None,
        "items": [
            {"id": str(s), "price": catalog.skus[s].prices[sc].price, "quantity": quantity}
            for s in sku_ids
        ],
        "clientProfileData": _client(),
        "shippingData": {
            "logisticsInfo": [
                {
                    "price": SHIPPING_PRICE,
                    "selectedDeliveryChannel": "delivery",
                    "selectedSla": "Normal",
                    "lockTTL": "2d",
                    "shippingEstimate": "5bd",
                    "deliveryIds": [],
                }
                for _ in sku_ids
            ],
            "selectedAddresses": [_address(postal_code)],
            "isFob": False,
            "isMarketplaceFulfillment": False,
            "trackingHints": [],
        },
        "invoiceData": {"userPaymentInfo": {"paymentMethods": ["creditCardPaymentGroup"]}},
        "customData": None,
        "taxData": [],
        "openTextField": None,
    }


def fulfillment_order(
    catalog: SimCatalog,
    sku_ids: list[int],
    *,
    marketplace_order_id: str,
    services_endpoint: str,
    paid: int | None = None,
    postal_code: str = "7500000",
) -> dict[str, Any]:
    """One element of the deprecated ``POST /api/fulfillment/pvt/orders`` array."""
    sc = catalog.trade_policy
    total = expected_total(catalog, sku_ids)
    return {
        "marketplaceOrderId": marketplace_order_id,
        "marketplaceOrderGroup": marketplace_order_id,
        "marketplaceServicesEndpoint": services_endpoint,
        "marketplacePaymentValue": paid if paid is not None else total,
        "marketplacePaymentReferenceValue": total,
        "isCreatedAsync": False,
        "items": [
            {
                "id": str(s),
                "quantity": 1,
                "seller": "1",
                "price": catalog.skus[s].prices[sc].price,
            }
            for s in sku_ids
        ],
        "clientProfileData": {"Email": "ana@example.com", "FirstName": "Ana", "LastName": "Lima"},
        "shippingData": {
            "address": _address(postal_code),
            "logisticsInfo": [
                {
                    "itemIndex": i,
                    "price": SHIPPING_PRICE,
                    "selectedDeliveryChannel": "delivery",
                    "selectedSla": "Normal",
                    "lockTTL": "1d",
                    "shippingEstimate": "5bd",
                }
                for i, _ in enumerate(sku_ids)
            ],
            "isFob": False,
        },
        "paymentData": None,
        "openTextField": None,
    }
