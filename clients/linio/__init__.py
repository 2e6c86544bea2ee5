"""Linio Seller Center client: signing, typed replies and errors, the per-seller client.

    client = LinioClient(LinioAccount(user_id, api_key, seller_id, "MX"),
                         session=session, policy=manifest.outbound_policy())
    feed_id = await client.product_create([{"SellerSku": "SKU-1", ...}])

Errors are `clients.errors` classes; replies are the dataclasses of `clients.linio.models`.
Date filters are aware datetimes, sent in the seller country's zone (`dates`); what Seller
Center POSTs to our webhook URL is read by `webhooks.parse_webhook_event`.
"""

from clients.linio.account import LinioAccount, base_url_for
from clients.linio.client import LinioClient
from clients.linio.signing import signature, string_to_sign, user_agent

__all__ = [
    "LinioAccount",
    "LinioClient",
    "base_url_for",
    "signature",
    "string_to_sign",
    "user_agent",
]
