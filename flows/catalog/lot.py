"""A catalog lot end to end (issue 19, CLARIFICATIONS §9): read → evaluate → parents → stage.

`upsert_lot(store, skus)` brings a lot of SKUs up to date on Linio with a handful of
database commands for the whole lot:

1. one read of the lot's states (`SkuStates.for_lot`); a SKU whose last finished read began
   after its request is already up to date (`read_since`) and is left alone, unless its
   message was retried;
2. VTEX and the mappings (`flows.catalog.read.LotReader`);
3. the evaluation in memory (`prepare`); a variation goes after its parent: the lot's
   parents first, a parent outside the lot and not yet on Linio or staged is read and
   evaluated with the lot, and a variation whose parent still is not ready waits for it
   (`pending_parent`, released when the parent is staged);
4. the states re-read once (a deactivation or a newer read evaluated meanwhile wins), one
   GetProducts per 100 SellerSkus no census covered (adoption: never created twice);
5. writes: the seller log (entries of the SKUs with something to say and one summary, one
   `insert_many`), the feed scheduler (one `stage_lot`, one nudge), then **one bulk write
   of the lot's evaluated states**, journaled: the lot's record of being done.

A SKU whose own reads failed is returned with its error (the caller retries it alone); when
every SKU of the lot failed, the first error is raised (VTEX down: the whole lot waits).
"""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog

from app.broker import Broker, queue_name
from app.client_pool import ClientPool
from domain.catalog.changes import changes_for, needs_lookup
from domain.catalog.feeds import FeedScheduler, version_now
from domain.catalog.lots import Change
from domain.catalog.problems import Problem, by_log_code, waits_for_mapping
from domain.catalog.snapshot import SkuSnapshot
from domain.catalog.states import Evaluation, SkuStates, read_since
from domain.catalog.transform import LinioProduct
from domain.catalog.validate import prepare
from domain.mappings import MapperRegistrations, Mappings, parent_key
from domain.seller_log import LogEntry, SellerLog
from domain.stores import Store
from domain.work import SkuWork
from flows.catalog.evaluate import log_entries, lot_summary, waiting_keys
from flows.catalog.read import LotRead, LotReader

log = structlog.get_logger(__name__)

LOOKUP_PAGE = 100
"""SellerSkus per GetProducts lookup (Seller Center's page)."""


def _nothing() -> None:
    return None


@dataclass
class _Evaluated:
    """One SKU's outcome before the lot writes it."""

    snapshot: SkuSnapshot
    problems: list[Problem]
    product: LinioProduct | None
    entries: list[LogEntry] = field(default_factory=list)


class CatalogLots:
    """See the module docstring. `durable_states` makes the lot's evaluated-state write wait
    for the journal (the other writes need not: the journal is sequential)."""

    def __init__(
        self,
        *,
        broker: Broker,
        clients: ClientPool,
        reader: LotReader,
        states: SkuStates,
        durable_states: SkuStates,
        mappings: Mappings,
        scheduler: FeedScheduler,
        seller_log: SellerLog,
        registrations: MapperRegistrations,
        deactivate: Callable[[Store, str], Awaitable[None]],
        take_offline: Callable[..., Awaitable[dict[str, Any]]],
    ) -> None:
        """`deactivate(store, sku_id)`: a SKU VTEX no longer has; `take_offline(store,
        sku_id, state, version, write=False)`: a SKU now skipped (A1/A2) that Linio still
        has (`flows.catalog.offline.CatalogOffline`)."""
        self._broker = broker
        self._clients = clients
        self._reader = reader
        self._states = states
        self._durable = durable_states
        self._mappings = mappings
        self._scheduler = scheduler
        self._log = seller_log
        self._registrations = registrations
        self._deactivate = deactivate
        self._take_offline = take_offline

    async def upsert_lot(
        self,
        store: Store,
        skus: Mapping[str, dt.datetime],
        *,
        retried: frozenset[str] = frozenset(),
        census: bool = False,
        progress: Callable[[], None] = _nothing,
    ) -> dict[str, Exception]:
        """Bring `skus` (sku_id → when its change was asked for, UTC) up to date (module
        docstring). `retried`: SKUs whose message failed before (their earlier read does
        not make them done); `census`: the SKUs were listed after a census of Seller
        Center (those it did not find are absent there). Returns sku_id → error for the
        SKUs that failed on their own; raises when every SKU failed."""
        sid = store.store_id
        states = await self._states.for_lot(sid, skus)
        todo = [
            sku_id
            for sku_id, at in skus.items()
            if sku_id in retried or not _done(states.get(sku_id, {}), at)
        ]
        if not todo:
            return {}
        read_at, version = dt.datetime.now(dt.UTC), version_now()
        read = await self._reader.read(store, todo, states)
        progress()
        for sku_id in read.gone:  # removed from VTEX's catalog
            await self._deactivate(store, sku_id)
        stages: dict[str, Any] = {"stages.read": dt.datetime.now(dt.UTC)}
        evaluated = {sku_id: _evaluate(snap) for sku_id, snap in read.snapshots.items()}
        stages["stages.validated"] = dt.datetime.now(dt.UTC)
        await self._parents_outside(store, read, evaluated, states)
        fresh = await self._states.for_lot(sid, evaluated)
        for sku_id in list(evaluated):
            newer = read_since(fresh.get(sku_id, {}), "catalog")
            if newer is not None and newer > read_at:  # a later read finished meanwhile
                del evaluated[sku_id]
        try:
            found = await self._lookups(store, evaluated, fresh, census)
        except Exception as exc:  # Seller Center away: those SKUs wait, the others go on
            found = {}
            for sku_id, e in list(evaluated.items()):
                if e.product is not None and needs_lookup(
                    fresh.get(sku_id, {}), e.product.seller_sku
                ):
                    read.failed[sku_id] = exc
                    del evaluated[sku_id]
        if read.failed and not evaluated and not read.gone:
            raise next(iter(read.failed.values()))  # nothing of the lot could go: it waits
        await self._write(store, evaluated, fresh, found, read_at, version, stages, census)
        progress()
        return read.failed

    async def _parents_outside(
        self,
        store: Store,
        read: LotRead,
        evaluated: dict[str, _Evaluated],
        states: dict[str, dict[str, Any]],
    ) -> None:
        """Read and evaluate with the lot the parents its variations need that are neither
        in it nor on Linio or staged (a variation created before its parent is refused)."""
        in_lot = {e.product.seller_sku for e in evaluated.values() if e.product is not None}
        wanted: dict[str, str] = {}  # parent SellerSku → its VTEX SKU id
        for e in evaluated.values():
            parent = _parent_of(e.product)
            if parent is None or parent in in_lot:
                continue
            parent_id = _parent_id(e.snapshot, parent)
            if parent_id is not None and parent_id not in evaluated:
                wanted[parent] = parent_id
        if not wanted:
            return
        ready = await self._ready_parents(store.store_id, wanted)
        missing = [pid for sku, pid in wanted.items() if sku not in ready]
        if not missing:
            return
        more = await self._states.for_lot(store.store_id, missing)
        states.update(more)
        extra = await self._reader.read(store, missing, states)
        for sku_id, snapshot in extra.snapshots.items():
            evaluated[sku_id] = _evaluate(snapshot)

    async def _ready_parents(self, store_id: str, parents: Mapping[str, str]) -> set[str]:
        """The parent SellerSkus already on Linio or staged (by their VTEX SKU ids)."""
        states = await self._states.for_lot(store_id, parents.values())
        return {
            sku
            for sku, sku_id in parents.items()
            if (s := states.get(sku_id))
            and s.get("seller_sku") in (None, sku)
            and (s.get("on_linio") or s.get("status") == "staged")
        }

    async def _lookups(
        self,
        store: Store,
        evaluated: dict[str, _Evaluated],
        states: dict[str, dict[str, Any]],
        census: bool,
    ) -> dict[str, str | None]:
        """SellerSku → ShopSku (None: Linio lacks it) for the lot's publishable SKUs no
        census covered, one GetProducts per `LOOKUP_PAGE` SellerSkus."""
        if census:
            return {}
        wanted = [
            e.product.seller_sku
            for sku_id, e in evaluated.items()
            if e.product is not None and needs_lookup(states.get(sku_id, {}), e.product.seller_sku)
        ]
        found: dict[str, str | None] = {}
        linio = self._clients.linio(store)
        for start in range(0, len(wanted), LOOKUP_PAGE):
            page = wanted[start : start + LOOKUP_PAGE]
            products = await linio.get_products(skus=page, limit=LOOKUP_PAGE)
            found.update(dict.fromkeys(page))
            for product in products:
                if product.seller_sku in found:
                    found[product.seller_sku] = product.shop_sku or ""
        return found

    async def _write(
        self,
        store: Store,
        evaluated: dict[str, _Evaluated],
        states: dict[str, dict[str, Any]],
        found: dict[str, str | None],
        read_at: dt.datetime,
        version: int,
        stages: dict[str, Any],
        census: bool,
    ) -> None:
        sid = store.store_id
        staged_parents = {
            e.product.seller_sku
            for e in evaluated.values()
            if e.product is not None and _parent_of(e.product) is None
        }
        ready = await self._ready_parents(
            sid,
            {
                p: pid
                for e in evaluated.values()
                if (p := _parent_of(e.product)) is not None
                and p not in staged_parents
                and (pid := _parent_id(e.snapshot, p)) is not None
            },
        )
        child_version = version_now()  # a variation's changes go out after its parent's
        to_stage: list[tuple[str, Sequence[Change]]] = []
        writes: list[Evaluation] = []
        entries: list[LogEntry] = []
        released: list[str] = []
        mapper_link: str | None = None
        by_status: collections.Counter[str] = collections.Counter()
        for sku_id, e in evaluated.items():
            state = states.get(sku_id, {})
            if mapper_link is None and any(p.log_code == "E4" for p in e.problems):
                mapper_link = await self._mapper_link(sid)
            entries += log_entries(
                sid, e.snapshot, e.problems, e.product, mapper_link=mapper_link or ""
            )
            fields: dict[str, Any] = dict(stages)
            if census:
                fields["linio_checked"] = True
            product = e.product
            if product is not None:
                parent = _parent_of(product)
                if parent is not None and parent not in staged_parents and parent not in ready:
                    status = await self._wait_for_parent(store, e.snapshot, sku_id, parent)
                    writes.append(Evaluation(sku_id, status, read_at, fields))
                    by_status[status] += 1
                    continue
                if state.get("waiting_on"):
                    await self._mappings.stop_waiting(sid, sku_id)
                if product.seller_sku in found:  # looked up on Seller Center just now
                    shop_sku = found[product.seller_sku]
                    staging = changes_for(product, state, found_on_linio=shop_sku is not None)
                    if shop_sku:
                        fields["shop_sku"] = shop_sku
                else:
                    staging = changes_for(product, state)
                changes_version = child_version if parent is not None else version
                to_stage.append(
                    (
                        sku_id,
                        [
                            Change(product.seller_sku, kind, values, changes_version)
                            for kind, values in staging.changes
                        ],
                    )
                )
                fields |= {"parent_sku": product.parent_sku, "problems": [], **staging.fields}
                writes.append(Evaluation(sku_id, "staged", read_at, fields))
                by_status["staged"] += 1
                if product.parent_sku == product.seller_sku:  # its variations may go now
                    released.append(parent_key(product.parent_sku))
                continue
            reasons = [
                {"log": p.log_code, "code": p.code, "linio": p.linio_field}
                for p in e.problems
                if p.blocking
            ]
            fields["problems"] = reasons
            groups = by_log_code(e.problems)
            if waits_for_mapping(e.problems):
                keys = waiting_keys(e.snapshot, groups["E4"])
                await self._mappings.wait(sid, sku_id, keys)
                if await self._mappings.any_saved(sid, keys):  # mapped meanwhile: no lost wake-up
                    released += keys
                status = "pending_mapping"
            else:
                status = "invalid" if "E1" in groups else "skipped"
                if status == "skipped" and state.get("on_linio"):
                    fields |= await self._take_offline(store, sku_id, state, version, write=False)
            writes.append(Evaluation(sku_id, status, read_at, fields))
            by_status[status] += 1
        if entries or writes:
            entries.append(lot_summary(sid, dict(by_status), len(writes)))
            await self._log.write_many(entries, secrets=store.secrets())
        if to_stage:
            await self._scheduler.stage_lot(sid, to_stage)
        await self._durable.evaluated_many(sid, writes)
        if released:
            await self._mappings.release(sid, released)
        log.info("catalog_lot_evaluated", store=sid, skus=len(writes), **by_status)

    async def _wait_for_parent(
        self, store: Store, snapshot: SkuSnapshot, sku_id: str, parent_sku: str
    ) -> str:
        """The variation waits for its parent's staging (released by it); the parent's
        evaluation is asked for (dedupe absorbs repeats)."""
        sid = store.store_id
        await self._mappings.wait(sid, sku_id, [parent_key(parent_sku)])
        parent_id = _parent_id(snapshot, parent_sku)
        if parent_id is not None:
            work = SkuWork(sid, sku_id=parent_id, product_id=snapshot.sku.product_id)
            await self._broker.publish_many(
                [(queue_name("catalog", sid), work.to_body())], dedupe_keys=[work.dedupe_key()]
            )
        return "pending_parent"

    async def _mapper_link(self, store_id: str) -> str:
        registration = await self._registrations.get(store_id)
        if registration and registration.get("endpoint"):
            return str(registration["endpoint"])
        return "/admin"


def _evaluate(snapshot: SkuSnapshot) -> _Evaluated:
    prepared = prepare(snapshot)
    return _Evaluated(snapshot, prepared.problems, prepared.product)


def _done(state: dict[str, Any], asked_at: dt.datetime) -> bool:
    """A read of the SKU that began at or after `asked_at` finished: nothing to do."""
    read = read_since(state, "catalog")
    return read is not None and read >= asked_at


def _parent_of(product: LinioProduct | None) -> str | None:
    """The variation's parent SellerSku, None for a product that is no variation of another."""
    if product is None:
        return None
    parent = product.parent_sku
    return parent if parent and parent != product.seller_sku else None


def _parent_id(snapshot: SkuSnapshot, parent_sku: str) -> str | None:
    """The VTEX SKU id of the product's SKU whose SellerSku is the parent's."""
    return next(
        (
            other
            for other, ref in snapshot.siblings.items()
            if snapshot.seller_sku_of(other, ref) == parent_sku
        ),
        None,
    )
