"""Stage 1 of a catalog lot: what VTEX and the store's mappings say about each SKU.

For a lot of SKU ids (spec §2.3–2.5, CLARIFICATIONS §9):

- Get SKU and context (`stockkeepingunitbyid?sc=` the store's trade policy) for every SKU,
  `concurrency` at a time;
- the product's SKU list (ParentSku/Variation) once per product of the lot;
- the fulfillment simulation to the store's destination in batches of `simulation_batch`
  items (VTEX allows many items per call), the batches concurrent;
- the lot's mappings in one read per kind (`Mappings.for_lot`), the Linio categories'
  attributes and VTEX's required specifications once per category (`ReferenceCache`);
- the units Linio still reserves for orders VTEX holds, one ledger read for the lot
  (`LinioReservations.units`).

A SKU whose own reads failed is reported with its error (`LotRead.failed`), the rest of the
lot goes on; a SKU VTEX answers 404 for has left the catalog (`LotRead.gone`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from app.client_pool import ClientPool
from clients.errors import NotFoundError
from clients.vtex.models import SimulatedItem, SkuContext
from domain.catalog.reservations import LinioReservations
from domain.catalog.snapshot import SkuSnapshot
from domain.mappings import LotMappings, Mappings, ReferenceCache
from domain.stores import Store
from flows.simulation import SIMULATION_BATCH, simulate_lot

T = TypeVar("T")


@dataclass
class LotRead:
    """`snapshots`: sku_id → what the evaluation needs; `gone`: SKU ids VTEX no longer has;
    `failed`: sku_id → the error of its own reads (it is retried alone)."""

    snapshots: dict[str, SkuSnapshot] = field(default_factory=dict)
    gone: list[str] = field(default_factory=list)
    failed: dict[str, Exception] = field(default_factory=dict)


class LotReader:
    """See the module docstring. `concurrency`: VTEX reads in flight per lot;
    `simulation_batch`: items per simulation call (CLARIFICATIONS §9: at most 50)."""

    def __init__(
        self,
        *,
        clients: ClientPool,
        mappings: Mappings,
        reference_cache: ReferenceCache,
        reservations: LinioReservations,
        concurrency: int = 32,
        simulation_batch: int = SIMULATION_BATCH,
    ) -> None:
        self._clients = clients
        self._mappings = mappings
        self._reference = reference_cache
        self._reservations = reservations
        self._concurrency = concurrency
        self._batch = simulation_batch

    async def read(
        self, store: Store, sku_ids: Sequence[str], states: dict[str, dict[str, Any]]
    ) -> LotRead:
        """Read the lot (module docstring); `states`: sku_id → state as read for the lot.
        Raises only what is not any one SKU's (a failure of every read is still each SKU's:
        the caller decides)."""
        result = LotRead()
        vtex = self._clients.vtex(store)
        limit = asyncio.Semaphore(self._concurrency)
        contexts = await _each(
            sku_ids, lambda s: _limited(limit, vtex.sku_context(s, store.sales_channel))
        )
        skus: dict[str, SkuContext] = {}
        for sku_id, outcome in contexts.items():
            if isinstance(outcome, NotFoundError):
                result.gone.append(sku_id)
            elif isinstance(outcome, Exception):
                result.failed[sku_id] = outcome
            else:
                skus[sku_id] = outcome
        if not skus:
            return result
        product_ids = sorted({s.product_id for s in skus.values() if s.product_id})
        products = await _each(product_ids, lambda p: _limited(limit, vtex.product_skus(p)))
        simulated = await simulate_lot(self._clients, store, list(skus), batch=self._batch)
        lot_maps = await self._mappings.for_lot(
            store.store_id,
            {s.category_id for s in skus.values() if s.category_id},
            {s.brand_id for s in skus.values() if s.brand_id},
        )
        rules = store.rules()
        seller_skus = {sku_id: rules.seller_sku_of(sku_id, s.ref_id) for sku_id, s in skus.items()}
        reserved = await self._reservations.units(
            store.store_id, [s for s in seller_skus.values() if s]
        )
        by_category = await self._categories(store, skus.values(), lot_maps)
        brand_names = await self._brand_names(store, skus.values(), lot_maps)
        now = dt.datetime.now(dt.UTC)
        for sku_id, sku in skus.items():
            siblings = products.get(sku.product_id or "", {})
            item = simulated.get(sku_id)
            if isinstance(item, Exception):
                result.failed[sku_id] = item
                continue
            if isinstance(siblings, Exception):
                result.failed[sku_id] = siblings
                continue
            linio_category = lot_maps.category(sku.category_id)
            attributes, required = by_category.get(sku.category_id or "", ((), ()))
            names = sku.raw.get("ProductCategories") or {}
            result.snapshots[sku_id] = SkuSnapshot(
                sku=sku,
                rules=rules,
                sales_channel=store.sales_channel,
                now=now,
                simulation=item if isinstance(item, SimulatedItem) else None,
                product_skus=siblings,
                known_parent_sku=states.get(sku_id, {}).get("parent_sku"),
                linio_category=linio_category,
                vtex_category_name=str(names.get(sku.category_id or "", "")),
                linio_brand=brand_names.get(sku.brand_id or ""),
                attribute_mappings=lot_maps.attributes(linio_category) if linio_category else {},
                category_attributes=attributes if linio_category else (),
                required_specifications=required,
                reserved_units=reserved.get(seller_skus[sku_id] or "", 0),
            )
        return result

    async def _categories(
        self, store: Store, skus: Iterable[SkuContext], lot_maps: LotMappings
    ) -> dict[str, tuple[tuple[Any, ...], tuple[str, ...]]]:
        """VTEX category id → (the mapped Linio category's attributes, VTEX's required
        specifications), once per category of the lot (cached across lots)."""
        sid = store.store_id
        vtex, linio = self._clients.vtex(store), self._clients.linio(store)
        answers: dict[str, tuple[tuple[Any, ...], tuple[str, ...]]] = {}
        for category_id in sorted({s.category_id for s in skus if s.category_id}):
            linio_category = lot_maps.category(category_id)
            attributes: tuple[Any, ...] = ()
            if linio_category:
                attributes = await self._reference.category_attributes(
                    sid, linio_category, linio.get_category_attributes
                )
            required = await self._reference.required_specifications(
                sid, category_id, vtex.required_specifications
            )
            answers[category_id] = (tuple(attributes), tuple(required))
        return answers

    async def _brand_names(
        self, store: Store, skus: Iterable[SkuContext], lot_maps: LotMappings
    ) -> dict[str, str]:
        """VTEX brand id → the Linio brand name it is mapped to (mapped by id only: the name
        from Linio's brand list, cached)."""
        names: dict[str, str] = {}
        linio_names: dict[str, str] | None = None
        for brand_id in sorted({s.brand_id for s in skus if s.brand_id}):
            mapped = lot_maps.brand(brand_id)
            if mapped is None:
                continue
            if mapped.get("linio_name"):
                names[brand_id] = str(mapped["linio_name"])
                continue
            if linio_names is None:
                linio = self._clients.linio(store)
                linio_names = await self._reference.brands(store.store_id, linio.get_brands)
            name = linio_names.get(str(mapped["linio_id"]))
            if name:
                names[brand_id] = name
        return names


async def _limited(limit: asyncio.Semaphore, call: Awaitable[T]) -> T:
    async with limit:
        return await call


async def _each(
    keys: Sequence[str], call: Callable[[str], Awaitable[T]]
) -> dict[str, T | Exception]:
    """key → `call(key)`'s answer or its error, all concurrently."""
    outcomes = await asyncio.gather(*(call(k) for k in keys), return_exceptions=True)
    answers: dict[str, T | Exception] = {}
    for key, outcome in zip(keys, outcomes, strict=True):
        if isinstance(outcome, BaseException) and not isinstance(outcome, Exception):
            raise outcome  # cancelled: not any one SKU's failure
        answers[key] = outcome
    return answers
