"""Sandbox mode (SANDBOX=1): the service runs against its own VTEX and Linio simulators.

A seller or a reviewer can try the whole connector without accounts: `serve` starts both
simulators on loopback, creates a demo store wired to them, registers the affiliate in
the simulated VTEX and this service's webhook in the simulated Seller Center (every event:
orders, feeds, products, quality control), so a catalog change there reaches this service
like a real one, and `demo_orders` makes Linio buyers order (paid and unpaid) so orders
flow end to end. It also publishes the demo catalog by itself (issue 9):

- mappings for every demo category but one (`DEMO_UNMAPPED_CATEGORY`, "Sin clasificar"),
  which shows E4 and its release: map it in the simulated Mapper (or the dashboard) and its
  SKUs go out with no new notification; every brand; the attributes the Linio categories
  require (`seed_demo_mappings`);
- the connector registered in the simulated VTEX Mapper, Linio's tree sent;
- an initial load: every valid SKU ends live on the Seller Center simulator, every faulty
  one with its reason in the seller log, all counted by `GET /api/stores/{store}/status`.

Both simulators keep their state under `DATA_DIR/sandbox/` (`simulators.persistence`), so a
restart on the same DATA_DIR is a real restart: Seller Center still has what it accepted
(products, feeds half processed, orders, webhooks) and VTEX its catalog and orders; the
demo catalog is not generated again and the demo orders are placed once, on the first
start. The initial load of every start then re-checks the store against Seller Center.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal

import structlog

from app.runtime import Runtime
from clients.linio.client import LinioClient
from domain.mappings import MapperRegistrations, Mappings
from domain.stores import Store, StoreCredentials
from domain.work import StoreWork
from simulators.linio import LinioSimulator, SimSeller
from simulators.linio.catalog_data import BRANDS as LINIO_BRANDS
from simulators.linio.connect import sandbox_client
from simulators.vtex import DEFAULT_APP_TOKEN, VtexSimulator
from simulators.vtex.catalog import SimCatalog

log = structlog.get_logger(__name__)

SANDBOX_STORE = "sandbox-mx"
SANDBOX_SKUS = 200

# The demo mappings between the two simulators' data: VTEX leaf category → Linio category.
DEMO_CATEGORIES: dict[str, str] = {
    "11": "1001",
    "12": "3001",
    "13": "1003",
    "21": "2001",
    "22": "2002",
    "31": "3001",
    "32": "3001",
    "41": "3001",
    "42": "3001",
}
DEMO_UNMAPPED_CATEGORY = "51"  # left unmapped on purpose (E4 and its release)
DEMO_UNMAPPED_TARGET = "3001"  # where to map it to see its SKUs go out
# Linio attribute (FeedName) ← VTEX specification, with value translations.
DEMO_ATTRIBUTES: dict[str, tuple[str, dict[str, str]]] = {
    "Model": ("Memoria interna", {}),
    "Color": ("Color", {"Nogal": "Café", "Gris": "Negro", "Azul": "Negro"}),
}


async def seed_demo_mappings(mappings: Mappings, store_id: str, catalog: SimCatalog) -> None:
    """Map the VTEX simulator's catalog onto the Linio simulator's: categories (all but
    `DEMO_UNMAPPED_CATEGORY`), every brand (Linio's own name when it has it, else
    "Genérica") and the attributes the Linio categories require."""
    linio_brands = {name: brand_id for brand_id, name, _ in LINIO_BRANDS}
    generic = linio_brands["Genérica"]
    brands = {str(b.id): linio_brands.get(b.name, generic) for b in catalog.brands.values()}
    names = {
        vtex: next(n for n, i in linio_brands.items() if i == lid) for vtex, lid in brands.items()
    }
    await mappings.save("category", [store_id], DEMO_CATEGORIES, source="sandbox")
    await mappings.save("brand", [store_id], brands, source="sandbox", names=names)
    for feed_name, (specification, values) in DEMO_ATTRIBUTES.items():
        await mappings.save_attribute(
            store_id,
            vtex_field=specification,
            linio_field=feed_name,
            values=values,
            source="sandbox",
        )


def demo_store(
    store_id: str,
    vtex: VtexSimulator,
    linio: LinioSimulator,
    seller: SimSeller,
    *,
    name: str,
    email: str,
) -> Store:
    """A Mexican store wired to both simulators, as the sandbox and the benchmark use it:
    `store_id`, `name`, `email` as given; VTEX: `vtex`'s account, URL and app key (with the
    simulator's app token), its catalog's trade policy as sales channel, affiliate "LMX";
    Linio: `seller`'s user id, seller id and API key on `linio`."""
    return Store(
        store_id=store_id,
        account=vtex.account,
        affiliate_id="LMX",
        sales_channel=vtex.catalog.trade_policy,
        country="MX",
        name=name,
        linio_user_id=seller.user_id,
        linio_seller_id=seller.seller_id,
        email=email,
        vtex_base_url=vtex.url,
        linio_base_url=linio.url,
        credentials=StoreCredentials(
            linio_api_key=seller.api_key,
            vtex_app_key=vtex.app_key,
            vtex_app_token=DEFAULT_APP_TOKEN,
        ),
    )


def sellable_price(catalog: SimCatalog, sku_id: int) -> Decimal | None:
    """The price (in currency units, as Linio takes it) at which the VTEX simulator offers
    the SKU in its trade policy; None when it does not offer it there."""
    price, _ = catalog.availability(catalog.sku(sku_id), catalog.trade_policy)  # type: ignore[arg-type]
    return None if price is None else Decimal(price.price) / 100


@dataclass
class Sandbox:
    vtex: VtexSimulator
    linio: LinioSimulator
    store: Store
    seller: SimSeller
    restored: bool = False  # the simulators found their state of an earlier start

    def demo_orders(self, *, paid: int = 2, unpaid: int = 1) -> list[str]:
        """Linio orders of sellable SKUs at their VTEX price (SellerSku = VTEX SKU id);
        the unpaid ones become paid with `linio.mark_paid`. Returns the Linio order ids."""
        catalog = self.vtex.catalog
        made = []
        for n, sku_id in enumerate(catalog.healthy_sku_ids()[: paid + unpaid]):
            price = sellable_price(catalog, sku_id)
            if price is None:
                continue
            order = self.linio.add_order(
                self.seller.user_id, [(str(sku_id), 1, price)], paid=n < paid
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
    kept = runtime.settings.data_dir / "sandbox"
    async with AsyncExitStack() as stack:
        vtex = await stack.enter_async_context(
            VtexSimulator("sandbox", seed=1, state_file=kept / "vtex.pickle")
        )
        linio = await stack.enter_async_context(
            LinioSimulator([seller], state_file=kept / "linio.pickle")
        )
        if not vtex.restored:
            vtex.catalog.generate(n_skus=SANDBOX_SKUS, faulty_share=0.1)
            vtex.persist()
        existing = await runtime.stores.get(SANDBOX_STORE)
        store = demo_store(
            SANDBOX_STORE, vtex, linio, seller, name="Sandbox", email="sandbox@example.com"
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
        # One webhook, every event (orders, feeds, products, quality control): Seller
        # Center registers a URL once.
        await _register_webhook(
            sandbox_client(linio.url, runtime.http, seller),
            f"{runtime.settings.public_base_url}/linio/{store.notification_token}/webhook",
        )
        await publish_demo_catalog(runtime, store, vtex.catalog)
        restored = vtex.restored and linio.restored
        yield Sandbox(vtex=vtex, linio=linio, store=store, seller=seller, restored=restored)


async def _register_webhook(client: LinioClient, url: str) -> None:
    """Our one webhook on the simulated Seller Center: kept when a restart finds it
    registered already (a URL registers once), replaced when the service's URL changed."""
    hooks = await client.get_webhooks()
    if any(h.callback_url == url for h in hooks):
        return
    for hook in hooks:
        await client.delete_webhook(hook.webhook_id)
    await client.create_webhook(url)


async def publish_demo_catalog(runtime: Runtime, store: Store, catalog: SimCatalog) -> None:
    """Mappings, the Mapper registration with Linio's tree, then an initial load."""
    from handlers.vtex_mapper import register_store

    base = runtime.settings.public_base_url.rstrip("/")
    await seed_demo_mappings(runtime.mappings, store.store_id, catalog)
    registrations = MapperRegistrations(runtime.storage.db)
    await register_store(store, runtime.clients, registrations, base_url=base)
    await runtime.loads.start(store.store_id)
    await runtime.broker.publish_work(StoreWork(store.store_id, action="initial_load"))
    log.info("sandbox_demo_catalog_queued", store=store.store_id)
