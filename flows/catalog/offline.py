"""Taking SKUs off Linio (spec §2.9, issue 10): one SKU VTEX no longer offers, or a store.

- `deactivate(store, sku_id)`: stock 0 and inactive on Linio when Linio has the SKU, or a
  ProductRemove where the store chose removal (`Store.deactivation`); logged once
  (`catalog.taken_offline_inactive` / `_removed`); the state says `deactivated`. The next
  evaluation of a SKU VTEX offers again restores it (content with `Status=active`, or a
  new create).
- `take_offline(store, sku_id, state, version)`: stage the store's way of taking it off.
- `deactivate_store(store)`: every SKU Linio has goes inactive with stock 0 — always
  inactive, even where the store chose removal for single SKUs: switching a store off is
  undone by switching it on, and a removal would lose the listings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from domain.catalog.deactivation import deactivation_change
from domain.catalog.feeds import FeedScheduler, version_now
from domain.catalog.states import Evaluation, SkuStates
from domain.mappings import Mappings
from domain.seller_log import LogEntry, SellerLog
from domain.stores import Store
from flows.catalog.evaluate import DIRECTION, OPERATION


class CatalogOffline:
    """See the module docstring."""

    def __init__(
        self,
        *,
        states: SkuStates,
        durable_states: SkuStates,
        scheduler: FeedScheduler,
        mappings: Mappings,
        seller_log: SellerLog,
    ) -> None:
        self._states = states
        self._durable = durable_states
        self._scheduler = scheduler
        self._mappings = mappings
        self._log = seller_log

    async def deactivate(self, store: Store, sku_id: str) -> None:
        """Stock 0 and inactive on Linio, when Linio has the SKU; the state says so."""
        version = version_now()
        state = await self._states.get(store.store_id, sku_id) or {}
        fields: dict[str, Any] = {}
        if state.get("on_linio"):
            fields = await self.take_offline(store, sku_id, state, version, write=False)
            if state.get("status") != "deactivated":  # once, not on every repeat
                how = "removed" if store.deactivation == "remove" else "inactive"
                await self._log.write(
                    LogEntry(
                        store_id=store.store_id,
                        operation=OPERATION,
                        direction=DIRECTION,
                        code=f"catalog.taken_offline_{how}",
                        params={"sku_id": sku_id},
                        flow="catalog",
                        sku_id=sku_id,
                    ),
                    secrets=store.secrets(),
                )
        if state.get("waiting_on"):
            await self._mappings.stop_waiting(store.store_id, sku_id)
        await self._durable.evaluated_many(
            store.store_id, [Evaluation(sku_id, "deactivated", fields=fields)]
        )

    async def take_offline(
        self,
        store: Store,
        sku_id: str,
        state: dict[str, Any],
        version: int,
        *,
        mode: str | None = None,
        write: bool = True,
    ) -> dict[str, Any]:
        """Stage the store's way of taking the SKU off (`domain.catalog.deactivation`):
        inactive with stock 0, or a ProductRemove (mapping cleaned on Linio's confirmation).
        `mode` overrides the store's choice. Returns the state fields it implies
        (`catalog_hash` cleared, `removal_at`), written now unless `write` is False (the
        caller writes them with its evaluation)."""
        seller_sku = str(state.get("seller_sku") or sku_id)
        kind, changes = deactivation_change(mode or store.deactivation)
        await self._scheduler.stage(
            store.store_id, seller_sku, kind, changes, version, sku_id=sku_id
        )
        fields: dict[str, Any] = {"catalog_hash": None}
        if kind == "remove":
            fields["removal_at"] = dt.datetime.now(dt.UTC)
        if write:
            await self._states.set_fields(store.store_id, sku_id, fields)
        return fields

    async def deactivate_store(self, store: Store) -> None:
        """Every SKU Linio has goes inactive with stock 0 (module docstring). Progress:
        `SkuStates.offline_progress`."""
        version = version_now()
        evaluations = []
        for state in await self._states.published(store.store_id):
            fields = await self.take_offline(
                store, state["sku_id"], state, version, mode="inactive", write=False
            )
            evaluations.append(Evaluation(state["sku_id"], "deactivated", fields=fields))
        await self._durable.evaluated_many(store.store_id, evaluations)
