"""A LinioClient wired to the Seller Center simulator (tests, the benchmark, sandbox mode).

The simulator listens on 127.0.0.1, which the production outbound policy refuses; this is
the one place that builds a client with loopback allowed, so nothing else has to.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

import aiohttp

from app.manifest import load_manifest
from clients.linio.account import LinioAccount
from clients.linio.client import LinioClient


class SellerCredentials(Protocol):
    """What the simulator's SimSeller holds (kept structural: clients do not import it)."""

    user_id: str
    api_key: str
    seller_id: str
    country: str


def sandbox_client(
    url: str, session: aiohttp.ClientSession, seller: SellerCredentials, **options: Any
) -> LinioClient:
    """A client for one simulated seller; ``options`` go to `LinioClient` (limiter, quota,
    breakers, timeout, retries, backoff)."""
    account = LinioAccount(seller.user_id, seller.api_key, seller.seller_id, seller.country)
    policy = load_manifest().outbound_policy(allow_loopback=True)
    return LinioClient(account, session=session, policy=policy, base_url=url, **options)


def sample_product(sku: str, **overrides: Any) -> dict[str, Any]:
    """A product the simulator's seeded catalog accepts (category 1001, brand Samsung)."""
    product: dict[str, Any] = {
        "SellerSku": sku,
        "Name": f"Celular {sku}",
        "Status": "active",
        "PrimaryCategory": "1001",
        "Description": "<p>Teléfono & cargador</p>",
        "Brand": "Samsung",
        "Price": Decimal("5999.00"),
        "Quantity": 7,
        "ProductData": {"ConditionType": "Nuevo", "PackageWeight": "0.4", "Model": "S24"},
    }
    product.update(overrides)
    return product
