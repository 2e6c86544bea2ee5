"""The catalog consumer of `catalog.<store>` queues (spec §2.3–2.5, §2.9; issue 9).

`SkuWork(action="upsert")`, for one SKU:

1. coalesce: `SkuStates.begin_reading` — a read that started after this message was
   asked for, and finished, already saw the change, so the message is acknowledged without
   work (one still running, or cut half way, sends the message back for later);
2. read VTEX: Get SKU and context (`stockkeepingunitbyid?sc=` the store's trade policy), the
   product's SKU list (ParentSku/Variation), the simulation to the store's destination
   (`Store.simulation_destination`), the category's required specifications (cached);
3. read the mappings (`domain.mappings`) and the Linio category's attributes
   (GetCategoryAttributes, cached), the units Linio still reserves for orders VTEX holds
   (`LinioReservations.ask`: one ledger read per lot of SKUs evaluated together, asked
   before the VTEX reads and awaited after them), build the `SkuSnapshot` and `prepare()` it:
   every problem at once; the offer's Quantity is `offer_quantity`, the formula price/stock
   and reconciliation use (CLARIFICATIONS §4, §9);
4. write the seller log: A2, A1, E4, E1, A3 (catalogue texts, spec §4.4), one entry each
   listing all its problems;
5. publishable: hand the Linio product to the feed scheduler (`FeedScheduler.stage`):
   ProductCreate content for a SKU Linio lacks, ProductUpdate content for one it has (an
   existing SellerSku found with GetProducts is adopted, never created twice:
   CLARIFICATIONS §6), the images after it; waiting on a mapping (E4): the SKU is recorded
   as waiting and goes out by itself when the mapping is saved; inactive or out of the
   trade policy while on Linio: deactivated there.

`SkuWork(action="deactivate")`: stock 0 and inactive on Linio (when Linio has it), or a
ProductRemove where the store chose removal (`Store.deactivation`); the next upsert of a
SKU VTEX offers again restores it (content with `Status=active`, or a new create).
`StoreWork(action="initial_load")` (also `reconcile`): one GetProducts census of Seller
Center, then the trade policy's SKU ids paged and one SkuWork each (a SKU's failure is its
own message's: the load goes on), progress on the store (`domain.catalog.loads`).
`StoreWork(action="deactivate_store")`: every SKU Linio has is deactivated.

Price and stock work (`price.<store>`, `stock.<store>`) is not this consumer's.
The SKU state's `status` after an evaluation: `staged` (handed to the feed scheduler),
`pending_mapping` (E4), `pending_parent` (a variation waiting for its parent to be
handed over first), `invalid` (E1), `skipped` (A1/A2), `deactivated`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Iterable
from typing import Any

import structlog
from pymongo import WriteConcern

from app.broker import Broker, Message, Wait, queue_name
from app.client_pool import ClientPool
from clients.errors import ClientError, NotFoundError
from clients.vtex import SimulationItem
from clients.vtex.models import SkuContext
from domain.catalog.deactivation import deactivation_change
from domain.catalog.feeds import FeedScheduler, version_now
from domain.catalog.loads import InitialLoads
from domain.catalog.lots import Change
from domain.catalog.problems import Problem, by_log_code, problem_list, waits_for_mapping
from domain.catalog.reservations import LinioReservations
from domain.catalog.snapshot import SkuSnapshot
from domain.catalog.states import Reading, SkuStates
from domain.catalog.transform import LinioProduct, render_defaults
from domain.catalog.validate import prepare
from domain.errors import Bilingual
from domain.mappings import (
    MapperRegistrations,
    Mappings,
    ReferenceCache,
    attributes_key,
    brand_key,
    category_key,
    parent_key,
)
from domain.orders.ledger import OrderLedger
from domain.seller_log import LogEntry, SellerLog
from domain.stores import Store, StoreRepository
from domain.work import SkuWork, StoreWork, parse_work

log = structlog.get_logger(__name__)

OPERATION, DIRECTION = "Catalog change", "VTEX to Marketplace"
PUBLISH_CHUNK = 500
STORE_MEMO_SECONDS = 1.0
CENSUS_PAGE = 1000


def _at(work: SkuWork) -> dt.datetime:
    try:
        at = dt.datetime.fromisoformat(work.at)
    except ValueError:
        return dt.datetime.now(dt.UTC)
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


class CatalogConsumer:
    """See the module docstring. Errors propagate to the broker's retry decision: a VTEX or
    Seller Center outage retries the message without using its attempts."""

    def __init__(
        self,
        *,
        stores: StoreRepository,
        clients: ClientPool,
        seller_log: SellerLog,
        broker: Broker,
        sku_states: SkuStates,
        mappings: Mappings,
        reference_cache: ReferenceCache,
        feed_scheduler: FeedScheduler,
        loads: InitialLoads,
        registrations: MapperRegistrations,
        reservations: LinioReservations,
        durable_states: SkuStates | None = None,
    ) -> None:
        """`durable_states` writes the evaluation's last write, the one that must reach
        the journal before the message is acknowledged (default: `sku_states`).
        `reservations`: the reserved units of the first offer's Quantity."""
        self._stores = stores
        self._clients = clients
        self._log = seller_log
        self._broker = broker
        self._states = sku_states
        self._durable_states = durable_states or sku_states
        self._mappings = mappings
        self._reference = reference_cache
        self._scheduler = feed_scheduler
        self._loads = loads
        self._registrations = registrations
        self._reservations = reservations
        self._parents: dict[tuple[str, str], asyncio.Future[None]] = {}
        self._store_memo: dict[str, tuple[float, Store | None]] = {}

    async def __call__(self, message: Message) -> None:
        work = parse_work(message.body)  # MalformedWork: dead-lettered at once
        store = await self._store(work.store_id)
        if store is None:
            log.warning("catalog_work_for_unknown_store", store=work.store_id)
            return
        if isinstance(work, StoreWork):
            if work.action == "deactivate_store":
                await self.deactivate_store(store)
            else:
                await self.initial_load(store)
        elif isinstance(work, SkuWork):
            if work.action == "upsert":
                retried = message.attempt > 1 or message.waits > 0
                await self.upsert(store, work, retried=retried)
            elif work.action == "deactivate":
                await self.deactivate(store, work.sku_id)

    async def _store(self, store_id: str) -> Store | None:
        """The store, read at most once a second per process: a load reads it per SKU."""
        kept = self._store_memo.get(store_id)
        if kept is not None and kept[0] > time.monotonic():
            return kept[1]
        store = await self._stores.get(store_id)
        self._store_memo[store_id] = (time.monotonic() + STORE_MEMO_SECONDS, store)
        return store

    # --- one SKU --------------------------------------------------------------------------

    async def upsert(
        self, store: Store, work: SkuWork, *, retried: bool = False, for_child: bool = False
    ) -> None:
        """`retried`: this message failed before; its own earlier start must not count as
        the later read that makes it redundant. `for_child`: evaluated on behalf of one of
        its variations (`_stage_parent_first`), which does not do so again."""
        sid, sku_id = store.store_id, work.sku_id
        reading, state = await self._states.begin_reading(sid, sku_id, "catalog", _at(work))
        if reading == Reading.DONE and not retried:
            return  # a later read already saw this change
        if reading == Reading.BUSY and not retried:
            # A later read has not finished: another consumer's, or one cut half way. Back
            # later (the retry reads anyway): never taken for done.
            raise Wait(f"SKU {sku_id} is being read by another consumer")
        version = version_now()  # taken before reading: orders this SKU's changes
        vtex = self._clients.vtex(store)
        try:
            sku = await vtex.sku_context(sku_id, store.sales_channel)
        except NotFoundError:
            await self.deactivate(store, sku_id)  # removed from VTEX's catalog
            return
        stages = {"stages.read": dt.datetime.now(dt.UTC)}
        snapshot = await self._snapshot(store, sku, state)
        prepared = prepare(snapshot)
        stages["stages.validated"] = dt.datetime.now(dt.UTC)
        await self._write_logs(store, snapshot, prepared.problems, prepared.product)
        product = prepared.product
        if product is not None:
            parent = product.parent_sku
            if (
                parent
                and parent != product.seller_sku
                and not await self._parent_ready(sid, parent)
                and (for_child or not await self._stage_parent_first(store, snapshot, parent))
            ):
                await self._wait_for_parent(store, snapshot, sku_id, parent, stages)
                return
            if state.get("waiting_on"):
                await self._mappings.stop_waiting(sid, sku_id)
            child = parent not in (None, product.seller_sku)
            # What to send is decided on the state as it is now, not as begin_reading saw
            # it before the VTEX read: a deactivation evaluated meanwhile (an off-and-on
            # within milliseconds) cleared the hash that makes this upsert send the offer.
            state = await self._states.get(sid, sku_id) or state
            # A variation's changes are newer than its parent's, so they go out after it.
            hashes = await self._stage(
                store, sku_id, product, state, version_now() if child else version
            )
            await self._evaluated(
                sid, sku_id, "staged", parent_sku=parent, problems=[], **hashes, **stages
            )
            if parent == product.seller_sku:  # its variations may go now
                await self._mappings.release(sid, [parent_key(parent)])
            return
        groups = by_log_code(prepared.problems)
        reasons = [
            {"log": p.log_code, "code": p.code, "linio": p.linio_field}
            for p in prepared.problems
            if p.blocking
        ]
        if waits_for_mapping(prepared.problems):
            keys = _waiting_keys(snapshot, groups["E4"])
            await self._mappings.wait(sid, sku_id, keys)
            await self._evaluated(sid, sku_id, "pending_mapping", problems=reasons, **stages)
            if await self._mappings.any_saved(sid, keys):  # mapped meanwhile: no lost wake-up
                await self._mappings.release(sid, keys)
            return
        status = "invalid" if "E1" in groups else "skipped"
        if status == "skipped" and state.get("on_linio"):
            await self._deactivate_on_linio(store, sku_id, state, version)
        await self._evaluated(sid, sku_id, status, problems=reasons, **stages)

    async def _stage_parent_first(
        self, store: Store, snapshot: SkuSnapshot, parent_sku: str
    ) -> bool:
        """Evaluate the variation's parent now, in this message, instead of parking the
        variation until the parent's own message comes (and reading it all again then):
        an initial load no longer serialises a product's SKUs behind each other. The
        variations of one product being read at once share one evaluation of the parent
        (per process); the parent's own message, older, is then skipped as redundant.
        True when the parent is staged (or on Linio) afterwards."""
        sid = store.store_id
        parent_id = _parent_id(snapshot, parent_sku)
        if parent_id is None:
            return False
        key = (sid, parent_id)
        running = self._parents.get(key)
        if running is None:
            work = SkuWork(sid, sku_id=parent_id, product_id=snapshot.sku.product_id)
            running = asyncio.ensure_future(self.upsert(store, work, for_child=True))
            self._parents[key] = running
            running.add_done_callback(lambda _: self._parents.pop(key, None))
        await asyncio.shield(running)
        return await self._parent_ready(sid, parent_sku)

    async def _parent_ready(self, store_id: str, parent_sku: str) -> bool:
        """The variation's parent is on Linio or handed to the scheduler already: a child
        created before its parent is refused by Seller Center ("the parent product does
        not exist"), so a child waits for its parent's staging and is staged after it
        (newer version: the parent's create goes first, in the same feed or an earlier)."""
        parent = await self._states.by_seller_sku(store_id, parent_sku)
        return bool(parent) and (parent.get("on_linio") or parent.get("status") == "staged")

    async def _wait_for_parent(
        self,
        store: Store,
        snapshot: SkuSnapshot,
        sku_id: str,
        parent_sku: str,
        stages: dict[str, Any],
    ) -> None:
        sid = store.store_id
        await self._mappings.wait(sid, sku_id, [parent_key(parent_sku)])
        await self._evaluated(sid, sku_id, "pending_parent", **stages)
        if await self._parent_ready(sid, parent_sku):  # staged meanwhile: no lost wake-up
            await self._mappings.release(sid, [parent_key(parent_sku)])
            return
        parent_id = _parent_id(snapshot, parent_sku)
        if parent_id is not None:  # make sure the parent is evaluated (dedupe absorbs repeats)
            work = SkuWork(sid, sku_id=parent_id, product_id=snapshot.sku.product_id)
            await self._broker.publish_many(
                [(queue_name("catalog", sid), work.to_body())], dedupe_keys=[work.dedupe_key()]
            )

    async def _snapshot(self, store: Store, sku: SkuContext, state: dict[str, Any]) -> SkuSnapshot:
        """`state`: the SKU's state as read when its processing began."""
        sid = store.store_id
        vtex, linio = self._clients.vtex(store), self._clients.linio(store)
        rules = store.rules()  # the seller's markup, rounding, safety stock, guard
        seller_sku = rules.seller_sku_of(sku.sku_id, sku.ref_id)
        # Joins the lot of SKUs being evaluated now; read when first needed, after VTEX's.
        reserved = self._reservations.ask(sid, seller_sku) if seller_sku else None
        postal, country = store.simulation_destination()
        simulation = await vtex.simulate(
            [SimulationItem(sku.sku_id, 1, store.vtex_seller_id)],
            sales_channel=store.sales_channel,
            affiliate_id=store.affiliate_id,
            postal_code=postal,
            country=country,
        )
        siblings = await vtex.product_skus(sku.product_id) if sku.product_id else {}
        category_id = sku.category_id
        linio_category = await self._mappings.category(sid, category_id)
        linio_brand = await self._brand_name(store, sku.brand_id)
        attributes: tuple[Any, ...] = ()
        attribute_mappings = {}
        if linio_category:
            attributes = await self._reference.category_attributes(
                sid, linio_category, linio.get_category_attributes
            )
            attribute_mappings = await self._mappings.attributes(sid, linio_category)
        required = (
            await self._reference.required_specifications(
                sid, category_id, vtex.required_specifications
            )
            if category_id
            else ()
        )
        names = sku.raw.get("ProductCategories") or {}
        return SkuSnapshot(
            sku=sku,
            rules=rules,
            sales_channel=store.sales_channel,
            now=dt.datetime.now(dt.UTC),
            simulation=simulation.items.get(sku.sku_id),
            product_skus=siblings,
            known_parent_sku=state.get("parent_sku"),
            linio_category=linio_category,
            vtex_category_name=str(names.get(category_id or "", "")),
            linio_brand=linio_brand,
            attribute_mappings=attribute_mappings,
            category_attributes=attributes,
            required_specifications=required,
            reserved_units=await reserved() if reserved is not None else 0,
        )

    async def _brand_name(self, store: Store, vtex_brand_id: str | None) -> str | None:
        mapped = await self._mappings.brand(store.store_id, vtex_brand_id)
        if mapped is None:
            return None
        if mapped.get("linio_name"):
            return str(mapped["linio_name"])
        linio = self._clients.linio(store)
        names = await self._reference.brands(store.store_id, linio.get_brands)
        return names.get(str(mapped["linio_id"]))

    async def _stage(
        self,
        store: Store,
        sku_id: str,
        product: LinioProduct,
        state: dict[str, Any],
        version: int,
    ) -> dict[str, Any]:
        """Hand the product to the feed scheduler: a create for a SKU Linio lacks, content
        (and the offer, for an adopted listing) for one it has; images after either.
        Returns the state fields to record with the evaluation (`catalog_hash`, …)."""
        sid, seller_sku = store.store_id, product.seller_sku
        on_linio = bool(state.get("on_linio")) and state.get("seller_sku") == seller_sku
        adopted = False
        checked = state.get("linio_checked") and state.get("seller_sku") in (None, seller_sku)
        if state.get("removal_at"):
            # Removed from Linio, or a removal staged or in flight: a full create, newer
            # than the removal. Still staged, it cancels the removal and goes out as an
            # update of the listing; in flight, it waits for Linio's answer and goes out as
            # a ProductCreate once the removal is confirmed.
            on_linio = False
        elif not on_linio and not checked:
            found = await self._clients.linio(store).get_products(skus=[seller_sku])
            match = next((p for p in found if p.seller_sku == seller_sku), None)
            adopted = on_linio = match is not None
            await self._states.link(
                sid,
                sku_id,
                seller_sku,
                on_linio=True if match else None,
                shop_sku=match.shop_sku if match else None,
            )
        elif state.get("seller_sku") == seller_sku and "catalog_hash" not in state:
            # On Linio but never handed over by us (found by the load's census), or taken
            # off by a deactivation: send everything, the offer included.
            adopted = True
        fields = {k: v for k, v in product.fields.items() if k != "SellerSku"}
        content_hash = product.content_hash()
        unchanged = state.get("catalog_hash") == content_hash and not adopted
        changes: list[tuple[str, dict[str, Any]]] = []
        if not on_linio:
            changes.append(("create", fields))
        elif adopted:
            offer = product.offer_fields()
            offer.pop("SellerSku", None)
            content = {k: v for k, v in product.content_fields().items() if k != "SellerSku"}
            changes.append(("content", content))
            changes.append(("price", {k: v for k, v in offer.items() if k != "Quantity"}))
            changes.append(("stock", {"Quantity": offer.get("Quantity", "0")}))
        elif not unchanged:
            content = {k: v for k, v in product.content_fields().items() if k != "SellerSku"}
            changes.append(("content", content))
        if product.images and not unchanged:
            changes.append(("image", {"Images": list(product.images)}))
        if changes:  # one read and one write of the SKU's staged changes, one nudge
            await self._scheduler.stage_many(
                sid,
                [(Change(seller_sku, kind, values, version), sku_id) for kind, values in changes],
            )
        found_on_linio = adopted and not state.get("feed_ids")
        extra = {"adopted": True} if found_on_linio else {}
        # The SellerSku is recorded with the evaluation, in its one write.
        return {"catalog_hash": content_hash, "removal_at": None, "seller_sku": seller_sku, **extra}

    async def deactivate(self, store: Store, sku_id: str) -> None:
        """Stock 0 and inactive on Linio, when Linio has the SKU; the state says so."""
        version = version_now()
        state = await self._states.get(store.store_id, sku_id) or {}
        if state.get("on_linio"):
            await self._deactivate_on_linio(store, sku_id, state, version)
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
        await self._mappings.stop_waiting(store.store_id, sku_id)
        await self._evaluated(store.store_id, sku_id, "deactivated")

    async def _deactivate_on_linio(
        self,
        store: Store,
        sku_id: str,
        state: dict[str, Any],
        version: int,
        *,
        mode: str | None = None,
    ) -> None:
        """Stage the store's way of taking the SKU off (`domain.catalog.deactivation`):
        inactive with stock 0, or a ProductRemove (mapping cleaned on Linio's confirmation).
        `mode` overrides the store's choice."""
        seller_sku = str(state.get("seller_sku") or sku_id)
        kind, fields = deactivation_change(mode or store.deactivation)
        await self._scheduler.stage(
            store.store_id, seller_sku, kind, fields, version, sku_id=sku_id
        )
        removal = {"removal_at": dt.datetime.now(dt.UTC)} if kind == "remove" else {}
        await self._states_set(store.store_id, sku_id, catalog_hash=None, **removal)

    # --- the store ------------------------------------------------------------------------

    async def initial_load(self, store: Store) -> None:
        """Census of Seller Center, then one SkuWork per SKU id of the trade policy."""
        sid = store.store_id
        current = await self._loads.current(sid)
        if current is None or current.get("listing_done"):
            await self._loads.start(sid)
        census = await self._census(store)
        queue = queue_name("catalog", sid)
        listed = queued = 0
        chunk: list[SkuWork] = []

        async def flush() -> None:
            nonlocal queued
            if not chunk:
                return
            if census:
                await self._states.checked(sid, [w.sku_id for w in chunk])
            await self._broker.publish_many(
                [(queue, w.to_body()) for w in chunk],
                dedupe_keys=[f"load:{w.dedupe_key()}" for w in chunk],
            )
            queued += len(chunk)
            chunk.clear()
            await self._loads.listed(sid, listed, queued, done=False)

        try:
            async for sku_id in self._clients.vtex(store).sku_ids(store.sales_channel):
                listed += 1
                chunk.append(SkuWork(sid, sku_id=sku_id, action="upsert"))
                if len(chunk) >= PUBLISH_CHUNK:
                    await flush()
            await flush()
        except Exception as exc:
            await self._loads.failed(sid, f"{type(exc).__name__}: {exc}")
            raise  # retried: the listing starts over, the queued SKUs coalesce
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
            # Seller Center unavailable: the load goes on; each SKU then checks for itself
            # (GetProducts) before a create, retried until Seller Center is back.
            log.warning("initial_load_census_skipped", store=store.store_id, error=str(exc))
            return False
        await self._states.mark_census(store.store_id, found)
        return True

    async def deactivate_store(self, store: Store) -> None:
        """Every SKU Linio has goes inactive with stock 0 (spec §2.9 scenario 2) — always
        inactive, even where the store chose removal for single SKUs: switching a store off
        is undone by switching it on, and a removal would lose the listings. Progress:
        `SkuStates.offline_progress`."""
        version = version_now()
        for state in await self._states.published(store.store_id):
            await self._deactivate_on_linio(store, state["sku_id"], state, version, mode="inactive")
            await self._evaluated(store.store_id, state["sku_id"], "deactivated")

    # --- logs and state -------------------------------------------------------------------

    async def _write_logs(
        self,
        store: Store,
        snapshot: SkuSnapshot,
        problems: list[Problem],
        product: LinioProduct | None,
    ) -> None:
        sku = snapshot.sku
        groups = by_log_code(problems)
        entries: list[LogEntry] = []
        for code, found in groups.items():
            if code == "A3":
                continue
            params: dict[str, Any] = {"problems": problem_list(found)}
            if code in ("A1", "A2"):
                params["sku_id"] = sku.sku_id
            if code == "E4":
                params |= {
                    "category": snapshot.category_label or "—",
                    "sku": f"{sku.name} ({sku.sku_id})",
                    "mapper_link": await self._mapper_link(store),
                }
            entries.append(self._entry(store, sku, code, params, found))
        adjusted = list(groups.get("A3", []))
        defaults = list(product.defaults) if product is not None else []
        if product is not None and (adjusted or defaults):
            fields = Bilingual(
                *(
                    "\n".join(
                        ([render_defaults(defaults)] if defaults else [])
                        + [p.render(lang) for p in adjusted]
                    )
                    for lang in ("es", "en")
                )
            )
            entries.append(self._entry(store, sku, "A3", {"fields": fields}, adjusted))
        for entry in entries:
            await self._log.write(entry, secrets=store.secrets())

    def _entry(
        self,
        store: Store,
        sku: SkuContext,
        code: str,
        params: dict[str, Any],
        problems: Iterable[Problem],
    ) -> LogEntry:
        found = list(problems)
        return LogEntry(
            store_id=store.store_id,
            operation=OPERATION,
            direction=DIRECTION,
            code=code,
            params=params,
            flow="catalog",
            sku_id=sku.sku_id,
            content_source={"sku_id": sku.sku_id, "product_id": sku.product_id},
            extra={
                "problems": [
                    {"code": p.code, "row": p.row, "linio": p.linio_field, "vtex": p.vtex_field}
                    for p in found
                ],
            },
        )

    async def _mapper_link(self, store: Store) -> str:
        registration = await self._registrations.get(store.store_id)
        if registration and registration.get("endpoint"):
            return str(registration["endpoint"])
        return "/admin"

    async def _evaluated(self, store_id: str, sku_id: str, status: str, **fields: Any) -> None:
        """The evaluation's outcome: the last write of a SKU's message, journaled."""
        await self._durable_states.set_fields(
            store_id,
            sku_id,
            {"status": status, "evaluated_at": dt.datetime.now(dt.UTC), **fields},
        )

    async def _states_set(self, store_id: str, sku_id: str, **fields: Any) -> None:
        await self._states.set_fields(store_id, sku_id, fields)


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


def _waiting_keys(snapshot: SkuSnapshot, problems: list[Problem]) -> list[str]:
    keys: list[str] = []
    for problem in problems:
        if problem.code == "catalog.category_unmapped":
            keys.append(category_key(snapshot.sku.category_id or ""))
        elif problem.code == "catalog.brand_unmapped":
            keys.append(brand_key(snapshot.sku.brand_id or ""))
        elif snapshot.linio_category:
            keys.append(attributes_key(snapshot.linio_category))
    return keys


def make_catalog_consumer(
    *,
    stores: StoreRepository,
    clients: ClientPool,
    seller_log: SellerLog,
    broker: Broker,
    reference_cache: ReferenceCache,
    loads: InitialLoads,
    storage: Any,
    **_: Any,
) -> CatalogConsumer:
    """The worker's consumer of `catalog.<store>` queues.

    One journal flush per SKU, not one per write: the writes of an evaluation go without
    waiting for the journal (`j: false`) and its last one, the SKU's evaluated state,
    waits for it (the service's journaled write concern). The journal is one
    sequential log, so flushing the last write makes every earlier one durable too
    (checked by killing SecantusDB: every write before a journaled one survived); a crash
    before it loses only work whose message was not acknowledged yet and is redelivered.
    Each journaled write held its collection for one fsync: with ~12 writes per SKU that
    serialised the initial load on the disk (issue 13)."""
    background = storage.background  # its own connection pool (`Storage.background`)
    concern = dict(background.write_concern.document)
    fast = background.with_options(write_concern=WriteConcern(**{**concern, "j": False}))
    return CatalogConsumer(
        stores=stores,
        clients=clients,
        seller_log=SellerLog(fast),
        broker=broker,
        sku_states=SkuStates(fast),
        durable_states=SkuStates(background),
        mappings=Mappings(fast, broker),
        reference_cache=reference_cache,
        feed_scheduler=FeedScheduler(fast, broker),
        loads=loads,
        registrations=MapperRegistrations(storage.db),
        reservations=LinioReservations(OrderLedger(background)),
    )
