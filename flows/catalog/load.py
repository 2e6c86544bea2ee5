"""The initial load and reconciliation of a store's catalog (spec §2.9, issue 9, issue 19).

One GetProducts census of Seller Center (which SellerSkus it already has: adopted, never
created twice, CLARIFICATIONS §6), then the trade policy's SKU ids paged from VTEX and
published as lot messages of up to `LOT_MAX_SKUS` (`SkuLotWork`, marked as covered by the
census); progress on the store (`domain.catalog.loads`). A failure while listing is
recorded and raised: the message is retried, the listing starts over and SKUs already
evaluated since are skipped as done.
"""

from __future__ import annotations

import datetime as dt

import structlog

from app.broker import Broker, queue_name
from app.client_pool import ClientPool
from clients.errors import ClientError
from domain.catalog.loads import InitialLoads
from domain.catalog.states import SkuStates
from domain.stores import Store
from domain.work import LOT_MAX_SKUS, lots_of

log = structlog.get_logger(__name__)

CENSUS_PAGE = 1000


class CatalogLoad:
    """See the module docstring. `lot_size`: SKUs per lot message."""

    def __init__(
        self,
        *,
        clients: ClientPool,
        broker: Broker,
        states: SkuStates,
        loads: InitialLoads,
        lot_size: int = LOT_MAX_SKUS,
    ) -> None:
        self._clients = clients
        self._broker = broker
        self._states = states
        self._loads = loads
        self._lot_size = lot_size

    async def initial_load(self, store: Store) -> None:
        """Census of Seller Center, then the trade policy's SKU ids as lot messages."""
        sid = store.store_id
        current = await self._loads.current(sid)
        if current is None or current.get("listing_done"):
            current = await self._loads.start(sid)
        started_at = current["started_at"]
        if started_at.tzinfo is None:
            started_at = started_at.replace(tzinfo=dt.UTC)
        census = await self._census(store)
        queue = queue_name("catalog", sid)
        listed = queued = 0
        page: list[str] = []

        async def flush() -> None:
            nonlocal queued
            # Asked for when the load began: a SKU read since (a retried listing, a
            # notification meanwhile) is done already.
            at = started_at.isoformat()
            lots = lots_of(sid, page, census=census, size=self._lot_size, at=at)
            if not lots:
                return
            await self._broker.publish_many([(queue, lot.to_body()) for lot in lots])
            queued += len(page)
            page.clear()
            await self._loads.listed(sid, listed, queued, done=False)

        try:
            async for sku_id in self._clients.vtex(store).sku_ids(store.sales_channel):
                listed += 1
                page.append(sku_id)
                if len(page) >= self._lot_size:
                    await flush()
            await flush()
        except Exception as exc:
            await self._loads.failed(sid, f"{type(exc).__name__}: {exc}")
            raise  # retried: the listing starts over, SKUs evaluated since are done
        await self._loads.listed(sid, listed, queued, done=True)
        log.info("initial_load_listed", store=sid, skus=listed)

    async def _census(self, store: Store) -> bool:
        """Which SellerSkus Seller Center already has (adoption, CLARIFICATIONS §6), read
        once for the whole load instead of one GetProducts per SKU. SellerSku equals the
        VTEX SKU id under the default `seller_sku_source`; the SKUs found are linked."""
        linio = self._clients.linio(store)
        found: list[tuple[str, str | None]] = []
        try:
            async for product in linio.iter_products(page_size=CENSUS_PAGE):
                found.append((product.seller_sku, product.shop_sku))
        except ClientError as exc:
            # Seller Center unavailable: the load goes on; the lots then look their SKUs up
            # (GetProducts, one per 100) before a create, retried until it is back.
            log.warning("initial_load_census_skipped", store=store.store_id, error=str(exc))
            return False
        await self._states.mark_census(store.store_id, found)
        return True
