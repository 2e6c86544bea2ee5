"""Sandbox mode (SANDBOX=1): the service runs against its own VTEX and Linio simulators.

A seller or a reviewer can try the whole connector without accounts: `serve` starts both
simulators on loopback, creates a demo store wired to them, registers the affiliate in
the simulated VTEX and this service's webhook in the simulated Seller Center, so a catalog
change there reaches this service like a real one, and `demo_orders` makes Linio buyers
order (paid and unpaid) so orders flow end to end.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal

from app.runtime import Runtime
from domain.stores import Store, StoreCredentials
from simulators.linio import LinioSimulator, SimSeller
from simulators.linio.connect import sandbox_client
from simulators.vtex import DEFAULT_APP_TOKEN, VtexSimulator

SANDBOX_STORE = "sandbox-mx"
SANDBOX_SKUS = 200


@dataclass
class Sandbox:
    vtex: VtexSimulator
    linio: LinioSimulator
    store: Store
    seller: SimSeller

    def demo_orders(self, *, paid: int = 2, unpaid: int = 1) -> list[str]:
        """Linio orders of sellable SKUs at their VTEX price (SellerSku = VTEX SKU id);
        the unpaid ones become paid with `linio.mark_paid`. Returns the Linio order ids."""
        catalog = self.vtex.catalog
        made = []
        for n, sku_id in enumerate(catalog.healthy_sku_ids()[: paid + unpaid]):
            price, _ = catalog.availability(catalog.sku(sku_id), catalog.trade_policy)
            if price is None:
                continue
            order = self.linio.add_order(
                self.seller.user_id,
                [(str(sku_id), 1, Decimal(price.price) / 100)],
                paid=n < paid,
            )
            made.append(order.order_id)
        return made


@asynccontextmanager
async def run_sandbox(runtime: Runtime) -> AsyncIterator[Sandbox]:
    seller = SimSeller(
        user_id="sandbox@example.com",
        api_key=secrets.token_urlsafe(24),
        seller_id="SANDBOX",
        country="MX",
    )
    async with AsyncExitStack() as stack:
        vtex = await stack.enter_async_context(VtexSimulator("sandbox", seed=1))
        linio = await stack.enter_async_context(LinioSimulator([seller]))
        vtex.catalog.generate(n_skus=SANDBOX_SKUS, faulty_share=0.1)
        existing = await runtime.stores.get(SANDBOX_STORE)
        store = Store(
            store_id=SANDBOX_STORE,
            account="sandbox",
            affiliate_id="LMX",
            sales_channel=vtex.catalog.trade_policy,
            country="MX",
            name="Sandbox",
            linio_user_id=seller.user_id,
            linio_seller_id=seller.seller_id,
            email="sandbox@example.com",
            vtex_base_url=vtex.url,
            linio_base_url=linio.url,
            credentials=StoreCredentials(
                linio_api_key=seller.api_key,
                vtex_app_key=vtex.app_key,
                vtex_app_token=DEFAULT_APP_TOKEN,
            ),
        )
        if existing is not None:
            store.notification_token = existing.notification_token
        await runtime.stores.upsert(store)
        search_endpoint, _ = store.endpoints(runtime.settings.public_base_url)
        vtex.register_affiliate(
            store.affiliate_id,
            sales_channel=store.sales_channel,
            search_uri_endpoint=search_endpoint,
        )
        await sandbox_client(linio.url, runtime.http, seller).create_webhook(
            f"{runtime.settings.public_base_url}/linio/{store.notification_token}/webhook",
            ["onOrderCreated", "onOrderItemsStatusChanged"],
        )
        yield Sandbox(vtex=vtex, linio=linio, store=store, seller=seller)
