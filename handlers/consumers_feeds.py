"""The feed owner: the one consumer of `feed.<store>` that talks to Seller Center for feeds.

Ownership: the feed queue is a RabbitMQ single-active-consumer queue, so with any number of
worker processes exactly one consumer receives a store's nudges and is the only sender of
that seller's feeds and FeedStatus polls; its feed quota (kept in MongoDB, so it survives
restarts) is then the seller's real one. (A per-store lock does the same inside one
process, which is all the in-process broker has.) Behind it, a lease in MongoDB
(`OwnerLease`) makes ownership exclusive even while the active consumer changes hands: a
new owner waits for the old run to end (or its lease to expire) before it starts. Feeds
need one owner, not only a shared count, because one place must know what is in flight:
two feeds touching one SKU must never run at once, and that is a decision. The
30-per-3-s window, which every kind of Seller Center call shares (orders, read-back, the
web process), is shared through MongoDB instead (`app.seller_window`), so no other flow
has to hand its calls to this owner.

Each nudge runs `FeedOwner.run(store)`: follow the feeds in flight (FeedStatus when polled
or when `onFeedCompleted` marked them), settle each SKU (state, seller log S1/E3, staged
changes acknowledged), send what `lots.plan` picks within the feed quota, and repeat
until nothing is in flight or waiting. Throttling, quota, an open breaker or an outage
make it wait (the delay grows to a cap) and never use up the message's attempts
(CLARIFICATIONS §3); a run longer than `max_run` hands over to a fresh nudge so no message
is held for ever.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import structlog
from pymongo.asynchronous.database import AsyncDatabase

from app.broker import Broker, Message, queue_name
from app.client_pool import ClientPool
from app.db_counts import PERIODIC, pipeline
from app.settings import Settings
from app.storage import Storage
from clients.errors import (
    AuthError,
    ClientError,
    FeedOutcomeUnknown,
    PermanentError,
    ThrottledError,
    TransientError,
)
from clients.linio.client import LinioClient
from clients.linio.models import Feed, FeedError
from domain.catalog import feed_recovery
from domain.catalog.feeds import (
    UNSURE,
    FeedQuotaLedger,
    FeedRecords,
    FeedScheduler,
    OwnerLease,
    entries_of,
)
from domain.catalog.lots import (
    MAX_PRODUCTS_PER_FEED,
    PRICE_FIELDS,
    Entry,
    Outcome,
    Pending,
    PlannedFeed,
    acknowledge,
    drop_sent,
    exhausted,
    moot,
    plan,
    settle,
)
from domain.catalog.states import SentSku, SkuResult, SkuStates
from domain.seller_log import LogEntry, SellerLog
from domain.stores import Store, StoreRepository
from domain.work import SkuWork, parse_work
from handlers.consumers_price_stock import make_flows

log = structlog.get_logger(__name__)

ClientFor = Callable[[Store], Awaitable[LinioClient]]
StoreLookup = Callable[[str], Awaitable[Store | None]]
ReadBack = Callable[[Store, list[tuple[Entry, str]]], Awaitable[Any]]
"""Called after a ProductUpdate feed settled, with its accepted entries (Entry with the
versions it carried, VTEX sku_id): the price/stock flows read them back (issue 10)."""


@dataclass(frozen=True)
class OwnerTimings:
    """Seconds. `poll_interval`: FeedStatus per feed in flight (the webhook's safety net);
    `hint_every`: how often a wait looks for an onFeedCompleted mark; `outage_cap`: the
    longest wait between attempts while Seller Center is down; `max_run`: one nudge's run
    before handing over to a new one; `lease`: the ownership lease's life, renewed every
    round (a crashed owner's successor waits at most this long); `linger`: how long a
    partial, non-urgent lot waits for more changes before it takes a feed;
    `unsure_grace`: how old an unsure feed record must be before "not listed" may mean
    "not created" (FeedOffsetList is not transactional); `unsure_tell`: how long a feed's
    outcome may stay unknown before the seller is told (E2, once)."""

    poll_interval: float = 10.0
    hint_every: float = 0.25
    outage_cap: float = 60.0
    max_run: float = 600.0
    max_products: int = MAX_PRODUCTS_PER_FEED
    lease: float = 120.0
    linger: float = 2.0
    unsure_grace: float = 10.0
    unsure_tell: float = 4 * 3600.0


def _operation(action: str, fields: dict[str, Any]) -> str:
    names = set(fields) - {"SellerSku"}
    if action == "ProductCreate":
        return "Offer creation"
    if action == "ProductUpdate" and names and names <= {"Quantity"}:
        return "Inventory update"
    if action == "ProductUpdate" and names and names <= PRICE_FIELDS:
        return "Price update"
    return "Catalog change"


def _settled(item: Entry, outcome: Outcome, pending: Pending) -> Pending:
    """What stays staged after a feed result; a retry past MAX_ATTEMPTS gives the sent
    values up (the SKU is reported rejected), newer ones stay."""
    after = acknowledge(pending, item, outcome)
    if outcome.result == "retry" and exhausted(after):
        return drop_sent(after, item)
    return after


def _synthetic_feed(doc: dict[str, Any], status: str, errors: tuple[FeedError, ...] = ()) -> Feed:
    """A feed result we did not read from FeedStatus: a feed refused as a whole (every SKU
    carries the refusal) or one Seller Center no longer knows (status Error: retried)."""
    total = len(doc.get("entries", []))
    return Feed(
        feed_id=doc["feed_id"],
        status=status,
        action=doc["action"],
        created_at=None,
        updated_at=None,
        source=None,
        total_records=total,
        processed_records=0,
        failed_records=len(errors),
        errors=errors,
    )


def _held_live(state: dict[str, Any]) -> bool:
    """We hold this SKU live on Linio: it is on Linio as far as we know, or it was handed
    to the feeds and Seller Center did not refuse it (a census that found it gone after a
    restart clears `on_linio` but keeps the evaluation)."""
    if state.get("on_linio"):
        return True
    return state.get("status") == "staged" and state.get("feed_status") != "rejected"


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _skus(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(VTEX sku_id, SellerSku) of each SKU of a feed record."""
    return [(e["sku_id"], e["seller_sku"]) for e in doc.get("entries", [])]


class FeedOwner:
    def __init__(
        self,
        db: AsyncDatabase,
        scheduler: FeedScheduler,
        *,
        stores: StoreLookup,
        client_for: ClientFor,
        states: SkuStates,
        seller_log: SellerLog,
        timings: OwnerTimings | None = None,
        read_back: ReadBack | None = None,
        broker: Broker | None = None,
    ) -> None:
        """`broker`: where a parent Seller Center lost is sent to be read again from VTEX
        (a `SkuWork` on `catalog.<store>`); without it such a parent is not re-created."""
        self.scheduler = scheduler
        self._broker = broker
        # Variations refused for a missing parent, held until Seller Center accepted it:
        # store → {child SellerSku: (parent SellerSku, loop time until which it waits)}.
        self._after_parent: dict[str, dict[str, tuple[str, float]]] = {}
        self._read_back = read_back
        self.staging = scheduler.staging
        self.feeds = FeedRecords(db)
        self.quota_ledger = FeedQuotaLedger(db)
        self._stores = stores
        self._client_for = client_for
        self._states = states
        self._log = seller_log
        self.timings = timings or OwnerTimings()
        self._locks: dict[str, asyncio.Lock] = {}
        self.lease = OwnerLease(db)
        self._holder = uuid.uuid4().hex
        self._last_poll: dict[str, float] = {}
        # Feed ids Seller Center answered whose record could not be written (the database
        # went away right then): our record id → feed id, adopted at the next run.
        self._answered: dict[str, str] = {}
        self.prefetch = 1  # read by the worker: one delivery at a time per feed queue

    async def __call__(self, message: Message) -> None:
        work = parse_work(message.body)  # MalformedWork: dead-lettered at once
        await self.run(work.store_id, progress=message.progress)

    async def run(self, store_id: str, *, progress: Callable[[], None] = lambda: None) -> None:
        """One nudge's run for `store_id`. `progress` is called at least every few seconds
        while the run waits or works (the broker then knows the held nudge is not stuck)."""
        lock = self._locks.setdefault(store_id, asyncio.Lock())
        async with lock:
            store = await self._stores(store_id)
            if store is None or not await self._has_work(store_id):
                return  # a nudge that came after its work was done: read-only
            if not await self._take_lease(store_id, progress):
                await self.scheduler.nudge(store_id, "owner_busy")
                return
            try:
                client = await self._client_for(store)
                # Always from the database: another process may have sent feeds meanwhile.
                await self.quota_ledger.restore(store_id, client.quota)
                await self._run(store, client, progress)
            finally:
                # Shielded: a cancelled run (its consumer stopped) must still hand over.
                await asyncio.shield(self.lease.release(store_id, self._holder))

    async def _has_work(self, store_id: str) -> bool:
        return bool(
            await self.staging.count(store_id)
            or await self.feeds.in_flight(store_id)
            or await self._states.qc_hinted(store_id, limit=1)
        )

    async def _take_lease(self, store_id: str, progress: Callable[[], None]) -> bool:
        """Wait (up to the lease's life) for a previous owner's run to end."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.timings.lease
        while not await self.lease.acquire(store_id, self._holder, self.timings.lease):
            if loop.time() > give_up:
                return False
            progress()
            await asyncio.sleep(min(1.0, self.timings.lease / 10))
        return True

    async def _run(self, store: Store, client: LinioClient, progress: Callable[[], None]) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timings.max_run
        delay, reported_outage = 0.0, False
        while True:
            progress()
            if not await self.lease.acquire(store.store_id, self._holder, self.timings.lease):
                log.warning("feed_owner_lease_lost", store=store.store_id)
                return
            try:
                await self._follow(store, client)
                await self._follow_qc(store, client)
                looked = dt.datetime.now(dt.UTC)
                waiting = await self._send(store, client)
                delay, reported_outage = 0.0, False
            except TransientError as exc:
                told = getattr(exc, "retry_after", None)  # throttled, or a breaker's reset
                if told:
                    delay = min(float(told), self.timings.outage_cap)
                else:
                    delay = min(max(delay * 2, 0.5), self.timings.outage_cap)
                log.info("feed_owner_waiting", store=store.store_id, delay=delay, error=str(exc))
                if not reported_outage and not isinstance(exc, ThrottledError):
                    await self._log_outage(store, exc)
                    reported_outage = True
                if loop.time() + delay > deadline:
                    await self.scheduler.nudge(store.store_id, "continue")
                    return
                await self._sleep(delay, progress)
                continue
            in_flight = await self.feeds.in_flight(store.store_id)
            if not in_flight and not waiting:
                return
            if loop.time() > deadline:
                await self.scheduler.nudge(store.store_id, "continue")
                return
            wait = self.timings.poll_interval if in_flight else self.timings.outage_cap
            if waiting:
                soonest = max(client.quota.next_slot_in(), self.timings.linger)
                wait = min(wait, max(soonest, self.timings.hint_every))
            await self._wait(
                store.store_id,
                min(wait, max(deadline - loop.time(), 0.0)),
                client,
                looked,
                progress,
            )

    async def _sleep(self, seconds: float, progress: Callable[[], None]) -> None:
        """An outage's wait, saying every few seconds that the run is alive."""
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while (left := end - loop.time()) > 0:
            await asyncio.sleep(min(5.0, left))
            progress()

    async def _wait(
        self,
        store_id: str,
        seconds: float,
        client: LinioClient,
        looked: dt.datetime,
        progress: Callable[[], None],
    ) -> None:
        """Sleep up to `seconds`, waking early when a webhook marked a feed completed, or
        when changes were staged after `looked` and the quota has a feed for them (a price
        change must not wait for the poll of a content feed in flight)."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        end = start + seconds
        while (left := end - loop.time()) > 0:
            await asyncio.sleep(min(self.timings.hint_every, left))
            progress()
            with pipeline(PERIODIC):  # looks on a timer: counted apart (`app.db_counts`)
                if await self.feeds.any_reported(store_id):
                    return
                lingered = loop.time() - start >= self.timings.linger
                if lingered and client.quota.level() >= 1:
                    if await self.staging.changed_since(store_id, looked):
                        return

    # --- following feeds in flight ---------------------------------------------------------

    async def _follow(self, store: Store, client: LinioClient) -> None:
        unsure = await self.feeds.unsure(store.store_id)
        if unsure:
            await self._recover(store, client, unsure)
        now = asyncio.get_running_loop().time()
        for doc in await self.feeds.in_flight(store.store_id):
            ref = doc["_id"]
            if doc["status"] in UNSURE:  # `_recover` waits for Seller Center to tell
                continue
            last = self._last_poll.get(ref)
            hinted = doc.get("webhook_at") is not None
            if not hinted and last is not None and now - last < self.timings.poll_interval:
                continue
            self._last_poll[ref] = now
            try:
                feed = await client.feed_status(doc["feed_id"])
            except PermanentError:  # Seller Center no longer knows it: send its SKUs again
                feed = _synthetic_feed(doc, "Error")
            if not feed.finished:
                await self.feeds.polled(ref, feed.status or doc["status"])
                if hinted:
                    await self.feeds.hint_seen(ref, doc["webhook_at"])
                continue
            await self._settle(store, doc, feed)
            self._last_poll.pop(ref, None)

    # --- feeds whose creation is not confirmed (CLARIFICATIONS §9 "Crash safety") ---------

    async def _recover(
        self, store: Store, client: LinioClient, unsure: list[dict[str, Any]]
    ) -> None:
        """Find out, in §9's order, what became of feeds recorded but never confirmed
        (`feeds.UNSURE`); see `domain.catalog.feed_recovery`. Nothing of them is sent again
        until Seller Center says it has no such feed: a found feed is adopted and followed
        with FeedStatus; SKUs of a ProductCreate that GetProducts shows are adopted as
        created; only the rest is released to go out again. Raises TransientError while
        Seller Center cannot be read (the run waits; the SKUs show `unknown`)."""
        sid = store.store_id
        now = dt.datetime.now(dt.UTC)
        for doc in unsure:
            if doc["status"] == "sending":  # the run that wrote it never recorded an answer
                await self.feeds.unknown(doc["_id"], "interrupted: no answer recorded")
                await self._states.mark_unknown(sid, _skus(doc), doc["_id"])
                log.warning("feed_outcome_unknown", store=sid, ref=doc["_id"], why="interrupted")
            await self._tell_if_long(store, doc, now)
        pending = []
        for doc in unsure:
            feed_id = self._answered.pop(doc["_id"], None)
            if feed_id is not None:  # answered, but the database was away to record it
                await self._adopt(store, client, doc, feed_id, "answer")
            else:
                pending.append(doc)
        if not pending:
            return
        listed = await client.feeds_created_since(feed_recovery.window_start(pending))
        claimed = await self.feeds.claimed(sid, [f.feed_id for f in listed])
        found = feed_recovery.match(pending, listed, claimed)
        busy = feed_recovery.unsettled(listed, claimed, found.values())
        for doc in pending:
            feed = found.get(doc["_id"])
            age = (now - _utc(doc["created_at"])).total_seconds()
            if feed is not None:
                await self._adopt(store, client, doc, feed.feed_id, "FeedOffsetList")
            elif busy or age < self.timings.unsure_grace:
                log.info("feed_outcome_waiting", store=sid, ref=doc["_id"], unsettled=len(busy))
            elif doc["action"] == "ProductCreate":
                await self._check_products(store, client, doc)
            else:  # not listed: never created; the same update may go out again
                await self._not_created(
                    store, doc, "not created (FeedOffsetList)", list(doc["entries"])
                )

    async def _adopt(
        self, store: Store, client: LinioClient, doc: dict[str, Any], feed_id: str, by: str
    ) -> None:
        """Our unsure record `doc` is Seller Center's feed `feed_id`: record it as sent (its
        SKUs stay in flight; FeedStatus follows it)."""
        sid = store.store_id
        await self.feeds.sent(doc["_id"], feed_id, resolved_by=by)
        await self.quota_ledger.save(sid, client.quota, country=store.country, sent=1)
        values = await self._sent_values(sid, doc)
        await self._states.record_sent(
            sid,
            feed_id,
            doc["action"],
            [
                SentSku(e["sku_id"], e["seller_sku"], values.get(e["seller_sku"], {}))
                for e in doc["entries"]
            ],
        )
        log.info("feed_adopted", store=sid, feed=feed_id, ref=doc["_id"], by=by)

    async def _sent_values(self, store_id: str, doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """The field values `doc` carried, from the staged changes it holds (SellerSku →
        {field: value}): a record keeps versions only."""
        versions = {e["seller_sku"]: e["versions"] for e in doc["entries"]}
        values: dict[str, dict[str, Any]] = {}
        for item in await self.staging.load(store_id):
            carried = versions.get(item.pending.seller_sku)
            if carried is None:
                continue
            values[item.pending.seller_sku] = {
                name: staged.value
                for name, staged in item.pending.fields.items()
                if int(carried.get(name, -1)) == staged.version
            }
        return values

    async def _check_products(self, store: Store, client: LinioClient, doc: dict[str, Any]) -> None:
        """No feed listed for an unsure ProductCreate and none unsettled: GetProducts by
        SellerSku (pages of 100) says which of its SKUs Seller Center has. Those are
        settled as created (never in a second ProductCreate, never shown rejected); the
        others go out again."""
        skus = list(doc["skus"])
        have: set[str] = set()
        for start in range(0, len(skus), 100):
            part = skus[start : start + 100]
            products = await client.get_products(skus=part, limit=len(part))
            have |= {p.seller_sku for p in products} & set(part)
        if have:
            adopted = {**doc, "entries": [e for e in doc["entries"] if e["seller_sku"] in have]}
            await self._settle(store, adopted, _synthetic_feed(adopted, "Finished"))
        rest = [e for e in doc["entries"] if e["seller_sku"] not in have]
        await self._not_created(store, doc, "not created (FeedOffsetList, GetProducts)", rest)
        log.info(
            "feed_checked_by_products", store=store.store_id, ref=doc["_id"], adopted=len(have)
        )

    async def _not_created(
        self, store: Store, doc: dict[str, Any], reason: str, entries: list[dict[str, Any]]
    ) -> None:
        """Seller Center has no feed for `doc`: `entries` (its SKUs not adopted otherwise)
        go out again. A record none of whose SKUs was adopted becomes `not_sent`."""
        sid, ref = store.store_id, doc["_id"]
        await self.staging.release(sid, ref)
        await self._states.clear_unknown(sid, [e["sku_id"] for e in entries])
        if len(entries) == len(doc["entries"]):
            await self.feeds.not_sent(ref, reason)
        await self.feeds.resolved(ref, reason)

    async def _tell_if_long(self, store: Store, doc: dict[str, Any], now: dt.datetime) -> None:
        """E2 once when a feed's outcome stays unknown longer than `unsure_tell`."""
        if doc.get("told_at") is not None:
            return
        since = _utc(doc.get("unknown_since") or doc["created_at"])
        if (now - since).total_seconds() < self.timings.unsure_tell:
            return
        await self.feeds.told(doc["_id"])
        await self._log.write(
            LogEntry(
                store_id=store.store_id,
                operation=_operation(doc["action"], {}),
                direction="VTEX to Marketplace",
                code="E2",
                params={"name": "Linio"},
                flow="catalog",
                extra={
                    "problem": "catalog.feed_outcome_unknown",
                    "feed": doc["_id"],
                    "action": doc["action"],
                    "seller_skus": list(doc["skus"])[:100],
                    "since": since.isoformat(),
                },
            ),
            secrets=store.secrets(),
        )

    async def _follow_qc(self, store: Store, client: LinioClient) -> None:
        """Read the quality control of SKUs Seller Center said changed (GetQcStatus)."""
        while skus := await self._states.qc_hinted(store.store_id):
            read = await client.get_qc_status(skus=skus, limit=len(skus))
            await self._states.record_qc(
                store.store_id, skus, [(q.seller_sku, q.status, q.reason) for q in read]
            )

    async def _settle(self, store: Store, doc: dict[str, Any], feed: Feed) -> None:
        store_id, action = store.store_id, doc["action"]
        entries = entries_of(doc)
        errors = [(e.seller_sku, e.message) for e in feed.errors]
        outcomes = settle([e.seller_sku for e, _ in entries], feed.status, errors)
        if action in ("ProductCreate", "ProductUpdate"):
            outcomes = await self._heal_parents(store, doc, outcomes)
        by_sku = {item.seller_sku: item for item, _ in entries}
        names = {e["seller_sku"]: e.get("name") for e in doc.get("entries", [])}
        steps = {o.seller_sku: partial(_settled, by_sku[o.seller_sku], o) for o in outcomes}
        before = await self.staging.update_many(store_id, steps, tag=doc["_id"])
        results: list[SkuResult] = []
        for (item, sku_id), outcome in zip(entries, outcomes, strict=True):
            final = outcome
            pending = before.get(item.seller_sku)
            if outcome.result == "retry" and pending is not None:
                if exhausted(acknowledge(pending, item, outcome)):
                    why = outcome.messages or (f"Feed {feed.status}",)
                    final = Outcome(item.seller_sku, "rejected", why)
            results.append(
                SkuResult(
                    sku_id,
                    item.seller_sku,
                    final.result,
                    final.messages,
                    names.get(item.seller_sku),
                )
            )
        await self._states.record_results(store_id, doc["feed_id"], action, results)
        entries_logged = [self._result_entry(store, doc, r) for r in results]
        await self._log.write_many(
            [e for e in entries_logged if e is not None], secrets=store.secrets()
        )
        await self.feeds.finish(
            doc["_id"],
            feed.status or "Finished",
            {
                "processed": feed.processed_records,
                "failed": feed.failed_records,
                "errors": [
                    {"sku": e.seller_sku, "code": e.code, "message": e.message} for e in feed.errors
                ],
            },
        )
        if self._read_back is not None and action == "ProductUpdate":
            accepted = {r.seller_sku for r in results if r.result == "accepted"}
            done = [(e, sku_id) for e, sku_id in entries if e.seller_sku in accepted]
            if done:
                try:
                    await self._read_back(store, done)
                except ClientError as exc:  # a read-back is a check: the next pass retries
                    log.warning("read_back_failed", store=store_id, error=str(exc))
        log.info(
            "feed_settled",
            store=store_id,
            feed=doc["feed_id"],
            action=action,
            status=feed.status,
            accepted=sum(r.result == "accepted" for r in results),
            rejected=sum(r.result == "rejected" for r in results),
        )

    # --- a variation refused for a missing parent (feed_recovery.parent_missing) ---------

    async def _heal_parents(
        self, store: Store, doc: dict[str, Any], outcomes: list[Outcome]
    ) -> list[Outcome]:
        """Variations Seller Center refused with "the parent product does not exist" whose
        parent we hold become `retry` (no E3, no rejection shown): GetProducts of the
        parents' SellerSkus; a parent Seller Center has is linked, one whose create is
        staged or in flight is waited for, one we hold live but Seller Center lacks is
        created again (`_recreate`) and its variations wait for it. A parent we do not
        hold leaves the rejection as it is. Raises TransientError while GetProducts
        cannot be read (the feed is settled at a later pass)."""
        sid = store.store_id
        refused = [
            o
            for o in outcomes
            if o.result == "rejected" and feed_recovery.parent_missing(o.messages)
        ]
        if not refused:
            return outcomes
        sku_ids = {e["seller_sku"]: e["sku_id"] for e in doc.get("entries", [])}
        parents: dict[str, str] = {}
        for outcome in refused:
            state = await self._states.get(sid, sku_ids[outcome.seller_sku]) or {}
            named = feed_recovery.parent_named(outcome.messages[0])
            parent = state.get("parent_sku") or named
            if parent and parent != outcome.seller_sku:
                parents[outcome.seller_sku] = str(parent)
        wanted = sorted(set(parents.values()))
        if not wanted:
            return outcomes
        client = await self._client_for(store)
        found = {
            p.seller_sku: p
            for p in await client.get_products(skus=wanted, limit=len(wanted))
            if p.seller_sku in wanted
        }
        staged = {s.pending.seller_sku: s for s in await self.staging.load(sid)}
        waiting = self._after_parent.setdefault(sid, {})
        until = asyncio.get_running_loop().time() + feed_recovery.PARENT_WAIT
        healed: dict[str, str] = {}
        recreated: set[str] = set()
        for child, parent in parents.items():
            held = await self._states.by_seller_sku(sid, parent)
            coming = staged.get(parent)
            if parent in found:
                if held is not None and not held.get("on_linio"):
                    await self._states.link(
                        sid, held["sku_id"], parent, on_linio=True, shop_sku=found[parent].shop_sku
                    )
                healed[child] = "on Seller Center"
            elif coming is not None and (coming.in_flight or coming.pending.create is not None):
                waiting[child] = (parent, until)
                healed[child] = "create on the way"
            elif held is not None and _held_live(held):
                if parent not in recreated and await self._recreate(store, held):
                    recreated.add(parent)
                if parent in recreated:
                    waiting[child] = (parent, until)
                    healed[child] = "created again"
        if healed:
            log.warning(
                "feed_parent_missing",
                store=sid,
                feed=doc.get("feed_id"),
                variations=healed,
                parents=sorted({parents[c] for c in healed}),
                recreated=sorted(recreated),
            )
        return [
            Outcome(o.seller_sku, "retry", o.messages) if o.seller_sku in healed else o
            for o in outcomes
        ]

    async def _recreate(self, store: Store, held: dict[str, Any]) -> bool:
        """A parent we hold live that Seller Center does not have: forget that it is on
        Linio (and the content last sent, so the whole product goes out) and have the
        catalog consumer read it from VTEX again, which stages its ProductCreate. False
        without a broker."""
        if self._broker is None:
            return False
        sid, sku_id = store.store_id, str(held["sku_id"])
        await self._states.set_fields(
            sid,
            sku_id,
            {"on_linio": False, "catalog_hash": None, "linio_checked": True},
        )
        work = SkuWork(sid, sku_id=sku_id, action="upsert")
        await self._broker.publish_many(
            [(queue_name("catalog", sid), work.to_body())], dedupe_keys=[work.dedupe_key()]
        )
        log.warning(
            "feed_parent_recreated", store=sid, sku_id=sku_id, seller_sku=held.get("seller_sku")
        )
        return True

    def _waiting_for_parent(self, store_id: str, known: set[str]) -> list[str]:
        """Variations waiting for their parent's re-create: held back (as if in flight)
        until Seller Center accepted the parent (a price or stock update does not name
        its ParentSku, so the plan cannot order it after the parent), or `PARENT_WAIT`
        ran out (then a refusal counts as an attempt, and the third one is shown)."""
        waiting = self._after_parent.get(store_id)
        if not waiting:
            return []
        now = asyncio.get_running_loop().time()
        for child, (parent, until) in list(waiting.items()):
            if parent in known or now > until:
                del waiting[child]
        return list(waiting)

    # --- sending --------------------------------------------------------------------------

    async def _send(self, store: Store, client: LinioClient) -> bool:
        """Send what is ready within the quota; True when something ready had to wait."""
        store_id = store.store_id
        staged = await self.staging.load(store_id)
        if not staged:
            return False
        parents = [p for p, _ in self._after_parent.get(store_id, {}).values()]
        skus = [s.pending.seller_sku for s in staged]
        known = await self._states.on_linio(store_id, [*skus, *parents])
        for item in staged:
            if item.in_flight is None and moot(item.pending, item.pending.seller_sku in known):
                await self.staging.update(
                    store_id, item.pending.seller_sku, lambda p: Pending(p.seller_sku)
                )
        busy = [s.pending.seller_sku for s in staged if s.in_flight]
        busy += self._waiting_for_parent(store_id, known)
        pendings = [s.pending for s in staged]
        sku_ids = {s.pending.seller_sku: s.sku_id for s in staged}
        fields_of = {p.seller_sku: p for p in pendings}
        slots = int(max(client.quota.level(), 0.0))
        feeds = plan(
            pendings,
            on_linio=known,
            in_flight=busy,
            feed_slots=max(slots, 1),
            max_products=self.timings.max_products,
            now=time.time(),
            linger=self.timings.linger,
        )
        if slots == 0:
            return bool(feeds)
        for planned in feeds:
            await self._send_one(store, client, planned, sku_ids, fields_of)
        more = plan(
            pendings,
            on_linio=known,
            in_flight=[*busy, *(s for f in feeds for s in f.seller_skus)],
            feed_slots=1,
            max_products=self.timings.max_products,
        )
        return bool(more)

    async def _send_one(
        self,
        store: Store,
        client: LinioClient,
        planned: PlannedFeed,
        sku_ids: dict[str, str],
        pendings: dict[str, Pending],
    ) -> None:
        store_id = store.store_id
        doc = await self.feeds.create(store_id, planned, sku_ids)
        ref = doc["_id"]
        await self.staging.hold(store_id, planned.seller_skus, ref)
        try:
            if planned.action == "ProductCreate":
                feed_id = await client.product_create(planned.products())
            elif planned.action == "ProductUpdate":
                feed_id = await client.product_update(planned.products())
            elif planned.action == "Image":
                feed_id = await client.image(planned.images())
            else:
                feed_id = await client.product_remove(planned.seller_skus)
        except FeedOutcomeUnknown as exc:  # it may exist: find it before anything else
            await self.feeds.unknown(ref, str(exc))
            await self._states.mark_unknown(store_id, _skus(doc), ref)
            await self.quota_ledger.save(store_id, client.quota, country=store.country)
            log.warning("feed_outcome_unknown", store=store_id, ref=ref, why=str(exc))
            raise
        except ClientError as exc:
            await self.staging.release(store_id, ref)
            await self.feeds.not_sent(ref, str(exc))
            if isinstance(exc, TransientError | AuthError):  # the owner waits / dead letter
                await self.quota_ledger.save(store_id, client.quota, country=store.country)
                raise
            # Refused as a whole (format error): every SKU of it is rejected with the reason.
            await self._reject_all(store, doc, planned, exc)
            return
        self._answered[ref] = feed_id  # until recorded: the database may be away now
        await self.feeds.sent(ref, feed_id)
        self._answered.pop(ref, None)
        await self.quota_ledger.save(store_id, client.quota, country=store.country, sent=1)
        await self._states.record_sent(
            store_id,
            feed_id,
            planned.action,
            [
                SentSku(sku_ids.get(e.seller_sku, e.seller_sku), e.seller_sku, dict(e.fields))
                for e in planned.entries
            ],
        )
        log.info(
            "feed_sent",
            store=store_id,
            feed=feed_id,
            action=planned.action,
            skus=len(planned.entries),
            priority=planned.priority,
        )

    async def _reject_all(
        self, store: Store, doc: dict[str, Any], planned: PlannedFeed, exc: ClientError
    ) -> None:
        refused = _synthetic_feed(
            doc,
            "Finished",
            tuple(FeedError(exc.code, str(exc), sku) for sku in planned.seller_skus),
        )
        await self._settle(store, doc, refused)

    # --- seller log -----------------------------------------------------------------------

    def _result_entry(
        self, store: Store, doc: dict[str, Any], result: SkuResult
    ) -> LogEntry | None:
        """S1 for an accepted SKU, E3 with Seller Center's words for a rejected one."""
        if result.result == "retry":
            return None
        action = doc["action"]
        names = next(
            (list(e["versions"]) for e in doc["entries"] if e["seller_sku"] == result.seller_sku),
            [],
        )
        operation = _operation(action, dict.fromkeys(n for n in names if not n.startswith("__")))
        if action == "Image":
            operation = "Catalog change"
        accepted = result.result == "accepted"
        if accepted:
            code = "S1"
            params = {
                "sku_id": result.sku_id,
                "sku_name": result.name or result.seller_sku,
                "marketplace_id": result.seller_sku,
                "link": "-",  # the listing's URL comes with read-back (GetProducts)
            }
        else:
            code = "E3"
            params = {"problems": "; ".join(f"{action}: {m}" for m in result.messages)}
        return LogEntry(
            store_id=store.store_id,
            operation=operation,
            direction="VTEX to Marketplace",
            code=code,
            params=params,
            flow="catalog",
            sku_id=result.sku_id,
            content_destination={"feed": doc["feed_id"], "action": action},
            extra={
                "seller_sku": result.seller_sku,
                "feed_id": doc["feed_id"],
                "action": action,
                "messages": list(result.messages),
            },
        )

    async def _log_outage(self, store: Store, exc: ClientError) -> None:
        """E2 once per outage: Seller Center unavailable, the work waits and retries."""
        await self._log.write(
            LogEntry(
                store_id=store.store_id,
                operation="Catalog change",
                direction="VTEX to Marketplace",
                code="E2",
                params={"name": "Linio"},
                flow="catalog",
                extra={
                    "error": type(exc).__name__,
                    "detail": str(exc),
                    "at": dt.datetime.now(dt.UTC).isoformat(),
                },
            ),
            secrets=store.secrets(),
        )


def pool_clients(pool: ClientPool) -> ClientFor:
    """The process's per-store clients (`app.client_pool`), as the owner asks for them."""

    async def client_for(store: Store) -> LinioClient:
        return pool.linio(store)

    return client_for


def feed_consumer(
    *,
    storage: Storage,
    feed_scheduler: FeedScheduler,
    stores: StoreRepository,
    clients: ClientPool,
    sku_states: SkuStates,
    seller_log: SellerLog,
    settings: Settings,
    broker: Broker,
    **_: Any,
) -> FeedOwner:
    """The worker's consumer of `feed.<store>` queues (see the module docstring)."""
    return FeedOwner(
        storage.db,
        feed_scheduler,
        stores=stores.get,
        client_for=pool_clients(clients),
        states=sku_states,
        seller_log=seller_log,
        timings=OwnerTimings(
            poll_interval=settings.feed_poll_interval, lease=settings.feed_owner_lease
        ),
        read_back=make_flows(
            stores=stores,
            clients=clients,
            sku_states=sku_states,
            feed_scheduler=feed_scheduler,
            seller_log=seller_log,
            broker=broker,
        ).verify,
        broker=broker,
    )
