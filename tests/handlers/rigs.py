"""Setup shared by the end-to-end tests of `handlers/`: waiting for a condition and a store
wired to the VTEX and Seller Center simulators."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from domain.stores import Store, StoreCredentials
from simulators.linio import LinioSimulator, SimSeller
from simulators.vtex import VtexSimulator
from tests.conftest import acme_store


async def until(condition: Callable[[], Awaitable[bool]], timeout: float = 60.0) -> None:
    """Wait for a condition with a generous deadline (never a timing assertion)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await condition():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


def simulated_store(
    vtex: VtexSimulator, linio: LinioSimulator, seller: SimSeller, **overrides: Any
) -> Store:
    """`acme_store` (VTEX account acme, affiliate LMX, Linio Mexico) wired to the simulators:
    `vtex`'s trade policy sold on `linio` as `seller`, with both sides' credentials."""
    return acme_store(
        sales_channel=vtex.catalog.trade_policy,
        linio_user_id=seller.user_id,
        linio_seller_id=seller.seller_id,
        vtex_base_url=vtex.url,
        linio_base_url=linio.url,
        credentials=StoreCredentials(
            linio_api_key=seller.api_key,
            vtex_app_key=vtex.app_key,
            vtex_app_token=vtex.auth_headers()["X-VTEX-API-AppToken"],
        ),
        **overrides,
    )
