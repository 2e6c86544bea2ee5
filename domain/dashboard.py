"""What the seller's dashboard reads: filters as Mongo queries, pages, counts per state.

The dashboard reads the collections the flows write (`logs`, `sku_states`, `orders`,
`dead_letters`, the mapping collections) and tolerates fields it does not know yet:
documents grow as the catalog, price/stock and order flows add to them, and a page shows
what is there. Filters come from the query string (`LogFilter.from_query` …) so a filtered
view is a URL a seller can bookmark, and the same filter drives the page, its CSV export
and the bulk actions.

Log pages are keyset-paginated on (`at`, `_id`) descending over indexes that start with
`store_id` (see `app/storage.py`), so page 2,000 costs what page 1 costs.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Self

from pymongo.asynchronous.database import AsyncDatabase

from app.seller_window import SELLER_WINDOWS
from app.storage import (
    ATTRIBUTE_MAP,
    BRAND_MAP,
    CATEGORY_MAP,
    DEAD_LETTERS,
    FEED_QUOTA,
    LOGS,
    ORDERS,
    SKU_STATES,
    STORES,
)
from clients.feed_quota import FeedQuota
from domain.catalog.feeds import seller_today

PAGE_SIZE = 50
FLOWS = ("catalog", "price", "stock", "feed", "order", "order-status", "platform")
"""The flows a seller-log entry belongs to (`logs.flow`)."""
EXPORT_CAP = 100_000
BULK_CAP = 5_000

STAGES = ("notified", "read", "validated", "sent", "confirmed", "live", "qc")
"""The SKU timeline's stages, in the order they normally happen (`sku_states.stages.*`;
`qc` is Seller Center's quality control, after live: CLARIFICATIONS §7)."""

MAPPING_KINDS = {"category": CATEGORY_MAP, "brand": BRAND_MAP, "attribute": ATTRIBUTE_MAP}

_ID = re.compile(r"^[\w.:@-]{1,128}$")


def _clean(value: str | None) -> str:
    """A filter value: trimmed, and only the characters ids and codes use (else empty)."""
    value = (value or "").strip()
    return value if _ID.match(value) else ""


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class LogFilter:
    """Logs by store, flow, status, code, period (UTC days, inclusive), SKU and order."""

    store: str = ""
    flow: str = ""
    status: str = ""
    code: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    sku: str = ""
    order: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> LogFilter:
        return cls(
            store=_clean(query.get("store")),
            flow=_clean(query.get("flow")),
            status=_clean(query.get("status")),
            code=_clean(query.get("code")),
            since=_day(query.get("since")),
            until=_day(query.get("until")),
            sku=_clean(query.get("sku")),
            order=_clean(query.get("order")),
        )

    def as_query(self) -> dict[str, str]:
        """The filter as query-string values (links, CSV export, next page)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value:
                out[f.name] = value.isoformat() if isinstance(value, dt.date) else value
        return out

    def mongo(self) -> dict[str, Any]:
        query: dict[str, Any] = {}
        for name, key in (
            ("store", "store_id"),
            ("flow", "flow"),
            ("status", "Status"),
            ("code", "code"),
            ("sku", "sku_id"),
            ("order", "order_id"),
        ):
            value = getattr(self, name)
            if value:
                query[key] = value
        period: dict[str, Any] = {}
        if self.since:
            period["$gte"] = dt.datetime.combine(self.since, dt.time.min, tzinfo=dt.UTC)
        if self.until:
            period["$lt"] = dt.datetime.combine(
                self.until + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC
            )
        if period:
            query["at"] = period
        return query


def encode_cursor(doc: Mapping[str, Any]) -> str:
    """The position after `doc` in a log page: `<epoch microseconds>~<id>`."""
    at: dt.datetime = doc["at"]
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    micros = int(at.timestamp() * 1_000_000)
    return f"{micros}~{doc['_id']}"


def _at_or_after(doc: Mapping[str, Any], tie: tuple[dt.datetime, str]) -> bool:
    """True for entries at or before the cursor in page order (already shown)."""
    at = doc["at"] if doc["at"].tzinfo else doc["at"].replace(tzinfo=dt.UTC)
    return at > tie[0] or (at == tie[0] and str(doc["_id"]) >= tie[1])


def _aware(value: Any) -> dt.datetime | None:
    """A datetime as UTC-aware (naive ones are UTC); ISO text parsed; else None."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.replace(" ", "T"))
        except ValueError:
            return None
    if not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _linio_time(value: Any, zone: dt.tzinfo | None) -> dt.datetime | None:
    """Seller Center's offset-less local time, stored as if UTC, read in `zone`."""
    at = _aware(value)
    if at is None or zone is None:
        return None
    return at.replace(tzinfo=None).replace(tzinfo=zone)


def feed_quota_now(doc: Mapping[str, Any], country: str) -> dict[str, float]:
    """The feed quota now from what the feed owner last saved (`FeedQuotaLedger`, every
    process reads the same): `tokens` (whole feeds allowed now), `next_slot_in` (seconds)
    and `feeds_today` (sent on the seller's local day; 0 once that day is over)."""
    bucket = FeedQuota()
    bucket.restore(float(doc.get("level", 0)), time.time() - float(doc.get("saved_at", 0)))
    snapshot = bucket.snapshot()
    same_day = doc.get("day") == seller_today(country)
    return {**snapshot, "feeds_today": float(doc.get("feeds_today", 0)) if same_day else 0.0}


def decode_cursor(raw: str | None) -> tuple[dt.datetime, str] | None:
    try:
        micros, log_id = (raw or "").split("~", 1)
        at = dt.datetime.fromtimestamp(int(micros) / 1_000_000, dt.UTC)
    except (ValueError, OverflowError):
        return None
    return (at, log_id) if _ID.match(log_id) else None


@dataclass
class LogPage:
    entries: list[dict[str, Any]]
    next_cursor: str | None


SERIES_TTL = 60.0


@dataclass
class LogSummary:
    """`series`: [{day, success, error}] oldest first; `last_success`: flow → UTC time."""

    series: list[dict[str, Any]]
    last_success: dict[str, dt.datetime]


_SERIES_CACHE: dict[tuple[str, str, int, dt.date], tuple[float, LogSummary]] = {}

WINDOWS = (
    dt.timedelta(hours=1),
    dt.timedelta(hours=6),
    dt.timedelta(days=1),
    dt.timedelta(days=3),
    dt.timedelta(days=7),
    dt.timedelta(days=30),
    dt.timedelta(days=90),
)
"""Growing time windows a log page is read through, newest first (see `log_page`)."""
CLOCK_SKEW = dt.timedelta(minutes=5)


def split_log_query(query: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what the database filters, what is checked here) of a log query without its `at`.

    SecantusDB plans an index when one candidate fits the query, but scans the whole
    collection when several compound indexes could serve (a store with a flow *and* a
    code), and an index hint costs more than it saves (measured in `bench/log_page.py`:
    ~1 s per query at 30,000 entries, even with the right index). So the database gets the
    store and its most selective other field (a SKU, an order, a code, an error status, a
    flow) — one index, (`store_id`, field, `at`) — and the other equalities are checked on
    the entries of the time window read. Without a store: everything (only the `at` index
    fits)."""
    if "store_id" not in query:
        return dict(query), {}
    ranked = ["sku_id", "order_id", "code"]
    ranked += ["flow", "Status"] if query.get("Status") == "success" else ["Status", "flow"]
    for field in ranked:
        if field in query:
            indexed = {"store_id": query["store_id"], field: query[field]}
            return indexed, {k: v for k, v in query.items() if k not in indexed}
    return dict(query), {}


class DashboardReader:
    """Read-only queries of the dashboard over the flows' collections."""

    def __init__(self, db: AsyncDatabase) -> None:
        self.db = db

    # --- logs ----------------------------------------------------------------------------

    async def log_page(
        self, flt: LogFilter, *, after: str | None = None, size: int = PAGE_SIZE
    ) -> LogPage:
        """One page of the filtered view, newest first (`at`, then `_id`, descending).

        The page is read through growing time windows (1 h, 6 h, 1 d … 90 d, then the rest)
        below the cursor: each query is an index range on (`store_id`, filter field, `at`)
        (`split_log_query`), so its cost is the entries of that window, not of the whole
        collection (MongoDB would walk the index in order; SecantusDB sorts what the range
        returns). A busy store fills the page from the first window; a rare filter walks a
        few windows of few entries each.
        """
        base = flt.mongo()
        bounds = dict(base.pop("at", {}))
        indexed, checked = split_log_query(base)
        floor: dt.datetime | None = bounds.get("$gte")
        cursor = decode_cursor(after)
        top = bounds.get("$lt") or dt.datetime.now(dt.UTC) + CLOCK_SKEW
        tie: tuple[dt.datetime, str] | None = None
        if cursor is not None:
            top, tie = min(top, cursor[0]), cursor
        found: list[dict[str, Any]] = []
        upper, inclusive = top, tie is not None
        # a SKU's or an order's entries are few: one query over their own index
        windows = (None,) if {"sku_id", "order_id"} & set(base) else (*WINDOWS, None)
        for window in windows:
            lower = top - window if window is not None else None
            if floor is not None and (lower is None or lower < floor):
                lower = floor
            at: dict[str, Any] = {"$lte" if inclusive else "$lt": upper}
            if lower is not None:
                at["$gte"] = lower
            found_here = self.db[LOGS].find({**indexed, "at": at}).sort([("at", -1), ("_id", -1)])
            if not checked:  # every filter is in the query: the window's first entries do
                found_here = found_here.limit(size + 1 + (1 if inclusive else 0) * size)
            docs = await found_here.to_list(None)
            if checked:
                docs = [d for d in docs if all(d.get(k) == v for k, v in checked.items())]
            if inclusive and tie is not None:
                docs = [d for d in docs if not _at_or_after(d, tie)]
            found += docs
            if len(found) > size or lower is None or lower == floor:
                break
            upper, inclusive = lower, False
        page = found[:size]
        more = len(found) > size
        return LogPage(entries=page, next_cursor=encode_cursor(page[-1]) if more else None)

    async def iter_logs(self, flt: LogFilter) -> AsyncIterator[dict[str, Any]]:
        """Every entry of the filtered view, newest first, up to `EXPORT_CAP` (CSV export);
        the query is split like the page's (`split_log_query`)."""
        base = flt.mongo()
        period = base.pop("at", None)
        indexed, checked = split_log_query(base)
        if period is not None:
            indexed["at"] = period
        cursor = self.db[LOGS].find(indexed).sort([("at", -1), ("_id", -1)])
        sent = 0
        async for doc in cursor:
            if all(doc.get(k) == v for k, v in checked.items()):
                yield doc
                sent += 1
                if sent >= EXPORT_CAP:
                    break

    async def log_summary(self, store: str, days: int = 14) -> LogSummary:
        """The overview's chart (per UTC day of the last `days`: successes and errors) and
        the last success per flow within those days, from one read of the store's
        (`store_id`, `at`) index, kept `SERIES_TTL` seconds per store in this process so a
        dashboard left open does not re-read two weeks."""
        today = dt.datetime.now(dt.UTC).date()
        key = (self.db.name, store, days, today)
        cached = _SERIES_CACHE.get(key)
        if cached is not None and time.monotonic() - cached[0] < SERIES_TTL:
            return cached[1]
        start = dt.datetime.combine(today - dt.timedelta(days=days - 1), dt.time.min, dt.UTC)
        cursor = self.db[LOGS].find(
            {"store_id": store, "at": {"$gte": start}},
            {"_id": 0, "at": 1, "Status": 1, "flow": 1},
        )
        by_day: dict[str, dict[str, int]] = {}
        last: dict[str, dt.datetime] = {}
        async for doc in cursor:
            at: dt.datetime = doc["at"]
            status = "error" if doc.get("Status") in ("error", "alert") else doc.get("Status")
            counts = by_day.setdefault(at.date().isoformat(), {})
            counts[str(status)] = counts.get(str(status), 0) + 1
            flow = str(doc.get("flow") or "?")
            if status == "success" and (flow not in last or at > last[flow]):
                last[flow] = at
        series = []
        for n in range(days):
            day = (start + dt.timedelta(days=n)).date().isoformat()
            counts = by_day.get(day, {})
            series.append(
                {"day": day, "success": counts.get("success", 0), "error": counts.get("error", 0)}
            )
        summary = LogSummary(series=series, last_success=last)
        if len(_SERIES_CACHE) > 1000:
            _SERIES_CACHE.clear()
        _SERIES_CACHE[key] = (time.monotonic(), summary)
        return summary

    # --- SKUs ----------------------------------------------------------------------------

    async def count_by(self, collection: str, field: str, store: str = "") -> dict[str, int]:
        """`field` value → number of documents (of `store`, or every store)."""
        match = {"store_id": store} if store else {}
        rows = await (
            await self.db[collection].aggregate(
                [{"$match": match}, {"$group": {"_id": f"${field}", "n": {"$sum": 1}}}]
            )
        ).to_list(None)
        return {str(row["_id"] or "unknown"): row["n"] for row in rows}

    async def count_by_store(
        self, collection: str, field: str, match: dict[str, Any] | None = None
    ) -> dict[tuple[str, str], int]:
        """(store, `field` value) → number of documents (matching `match`), for metrics."""
        rows = await (
            await self.db[collection].aggregate(
                [
                    {"$match": match or {}},
                    {
                        "$group": {
                            "_id": {"store": "$store_id", "value": f"${field}"},
                            "n": {"$sum": 1},
                        }
                    },
                ]
            )
        ).to_list(None)
        return {
            (str(row["_id"].get("store") or ""), str(row["_id"].get("value") or "unknown")): row[
                "n"
            ]
            for row in rows
        }

    async def list_page(
        self, flt: ListFilter, *, page: int = 1, size: int = PAGE_SIZE
    ) -> tuple[list[dict[str, Any]], bool]:
        """One page (1-based) of a SKU or order list: the documents of `flt.collection`
        matching the filter in `flt.sort` order, and whether another page follows."""
        docs = (
            await self.db[flt.collection]
            .find(flt.mongo())
            .sort(list(flt.sort))
            .skip((page - 1) * size)
            .limit(size + 1)
            .to_list(size + 1)
        )
        return docs[:size], len(docs) > size

    async def state_counts(self, flt: ListFilter) -> dict[str, int]:
        """The list's documents per state (of the filter's store, or every store)."""
        return await self.count_by(flt.collection, flt.state_field, flt.store)

    async def sku_ids(self, flt: SkuFilter) -> list[dict[str, Any]]:
        """(store, SKU, product) of every SKU of the filter, up to `BULK_CAP` (bulk retry)."""
        cursor = (
            self.db[SKU_STATES]
            .find(flt.mongo(), {"store_id": 1, "sku_id": 1, "product_id": 1})
            .limit(BULK_CAP)
        )
        return [doc async for doc in cursor]

    async def sku(self, store: str, sku_id: str) -> dict[str, Any] | None:
        return await self.db[SKU_STATES].find_one({"store_id": store, "sku_id": sku_id})

    async def price_guard_held(self, store: str = "") -> list[dict[str, Any]]:
        """SKUs whose price the store's price-drop guard holds (`price_hold`, written by
        `domain.catalog.offers.OfferStates.hold`: `{fields, version, seller_sku, previous,
        new, drop_percent, guard_percent, at}`), newest hold first, at most 200."""
        query: dict[str, Any] = {"price_hold": {"$exists": True}}
        if store:
            query["store_id"] = store
        cursor = (
            self.db[SKU_STATES]
            .find(query, {"store_id": 1, "sku_id": 1, "seller_sku": 1, "price_hold": 1})
            .sort([("price_hold.at", -1), ("sku_id", 1)])
            .limit(200)
        )
        return await cursor.to_list(200)

    async def price_guard_count(self, store: str) -> int:
        """How many SKUs of `store` the price-drop guard holds (the overview's count)."""
        return await self.db[SKU_STATES].count_documents(
            {"store_id": store, "price_hold": {"$exists": True}}
        )

    async def waiting_summary(self, store: str) -> list[dict[str, Any]]:
        """Missing mappings and the SKUs waiting on each, most-waited first (the catalog
        consumer keeps `waiting_on` keys `category:<id>`, `brand:<id>`,
        `attributes:<linio category>` on a SKU held with E4; `domain/mappings.py`)."""
        match: dict[str, Any] = {"waiting_on.0": {"$exists": True}}
        if store:
            match["store_id"] = store
        docs = await self.db[SKU_STATES].find(match, {"waiting_on": 1, "sku_id": 1}).to_list(None)
        counts: dict[tuple[str, str], list[str]] = {}
        for doc in docs:
            for key in doc.get("waiting_on") or []:
                kind, _, vtex_id = str(key).partition(":")
                counts.setdefault((kind, vtex_id), []).append(str(doc.get("sku_id")))
        return [
            {"kind": kind, "vtex_id": vtex_id, "skus": skus}
            for (kind, vtex_id), skus in sorted(counts.items(), key=lambda kv: -len(kv[1]))
        ]

    async def sync_lags(self, since: dt.datetime) -> list[tuple[str, float]]:
        """(store, seconds from VTEX's notification to live on Linio) of the SKUs that went
        live since `since` (stage timestamps `stages.notified` and `stages.live`)."""
        cursor = self.db[SKU_STATES].find(
            {"stages.live": {"$gte": since}},
            {"store_id": 1, "stages.notified": 1, "stages.live": 1},
        )
        lags = []
        async for doc in cursor.limit(50_000):
            stages = doc.get("stages") or {}
            notified, live = stages.get("notified"), stages.get("live")
            if isinstance(notified, dt.datetime) and isinstance(live, dt.datetime):
                lags.append(
                    (str(doc.get("store_id", "")), max((live - notified).total_seconds(), 0.0))
                )
        return lags

    # --- Seller Center: what every process shares through the database -------------------

    async def seller_calls(self) -> dict[str, dict[str, float]]:
        """Per seller (`LinioAccount.key`): `calls`, the Seller Center requests made by every
        process since its window was created (a counter: it only grows), and `in_window`,
        the slots taken or used within the current 3-s window (`app.seller_window`)."""
        now = time.time()
        out: dict[str, dict[str, float]] = {}
        async for doc in self.db[SELLER_WINDOWS].find({}, {"key": 1, "calls": 1, "free_at": 1}):
            seller = out.setdefault(str(doc.get("key", "")), {"calls": 0, "in_window": 0})
            seller["calls"] += int(doc.get("calls") or 0)
            seller["in_window"] += 1 if float(doc.get("free_at") or 0) > now else 0
        return out

    async def feed_quotas(self, store: str = "") -> dict[str, dict[str, Any]]:
        """Per store (or only `store`) the feed quota as its feed owner last saved it
        (`FeedQuotaLedger`): `level` (tokens then), `saved_at` (epoch s), `day`,
        `feeds_today` (seller's day); see `feed_quota_now`."""
        query = {"_id": store} if store else {}
        projection = {"level": 1, "saved_at": 1, "day": 1, "feeds_today": 1}
        return {str(doc["_id"]): doc async for doc in self.db[FEED_QUOTA].find(query, projection)}

    # --- orders --------------------------------------------------------------------------

    async def order_lags(
        self, since: dt.datetime, zones: Mapping[str, dt.tzinfo] | None = None
    ) -> list[tuple[str, float]]:
        """(store, seconds from the Linio order to the VTEX order) of the orders VTEX
        created since `since`.

        Start: Linio's `CreatedAt` (`linio.created_at`), which Seller Center writes as the
        seller country's wall-clock time without an offset (so it was stored as if UTC):
        read in the store's zone (`zones`, store → tzinfo); when that is missing or not
        plausible (after the connector first saw the order, or over a week before) the
        ledger's `created_at`, when the connector first saw it. End: the first VTEX answer
        naming the VTEX order (timeline `vtex_answered` with a `vtex_order_id`, or a Channel
        Order API result with `main_order_id`)."""
        cursor = self.db[ORDERS].find(
            {"vtex_order_id": {"$exists": True, "$ne": None}, "updated_at": {"$gte": since}},
            {
                "store_id": 1,
                "created_at": 1,
                "linio.created_at": 1,
                "timeline": 1,
                "vtex_results": 1,
            },
        )
        lags = []
        async for doc in cursor.limit(50_000):
            store = str(doc.get("store_id", ""))
            seen = _aware(doc.get("created_at"))
            start = _linio_time(
                (doc.get("linio") or {}).get("created_at"), (zones or {}).get(store)
            )
            if seen is not None and (
                start is None or start > seen + CLOCK_SKEW or start < seen - dt.timedelta(days=7)
            ):
                start = seen
            answers = [
                _aware(e.get("at"))
                for e in doc.get("timeline") or []
                if isinstance(e, Mapping)
                and e.get("event") == "vtex_answered"
                and e.get("vtex_order_id")
            ] + [
                _aware(r.get("at"))
                for r in doc.get("vtex_results") or []
                if isinstance(r, Mapping) and r.get("main_order_id")
            ]
            created = min((a for a in answers if a is not None), default=None)
            if start is not None and created is not None and created >= since:
                lags.append((store, max((created - start).total_seconds(), 0.0)))
        return lags

    async def order(self, store: str, linio_order_id: str) -> dict[str, Any] | None:
        return await self.db[ORDERS].find_one({"store_id": store, "linio_order_id": linio_order_id})

    # --- dead letters --------------------------------------------------------------------

    async def dead_letters(self, flt: DeadLetterFilter, limit: int = 200) -> list[dict[str, Any]]:
        cursor = self.db[DEAD_LETTERS].find(flt.mongo()).sort(list(flt.sort)).limit(limit)
        return [doc async for doc in cursor]

    # --- mappings ------------------------------------------------------------------------

    async def mappings(self, kind: str, store: str) -> list[dict[str, Any]]:
        collection = MAPPING_KINDS[kind]
        sort = [("category", 1), ("vtex_field", 1)] if kind == "attribute" else [("vtex_id", 1)]
        return await self.db[collection].find({"store_id": store}).sort(sort).to_list(5000)


@dataclass(frozen=True)
class ListFilter:
    """A list page's filter: every field a cleaned query-string value (`_clean`), so the
    same filter drives the page, its links and its bulk action. Subclasses name their
    `collection`, `sort` and `state_field` (counted per state above the list) and build
    `mongo()`."""

    store: str = ""
    collection: ClassVar[str]
    sort: ClassVar[tuple[tuple[str, int], ...]]
    state_field: ClassVar[str]

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Self:
        return cls(**{f.name: _clean(query.get(f.name)) for f in fields(cls)})

    def as_query(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    def mongo(self) -> dict[str, Any]:
        return {"store_id": self.store} if self.store else {}


@dataclass(frozen=True)
class SkuFilter(ListFilter):
    """SKUs (`sku_states`) by store, state, SKU or SellerSku, and problem code."""

    status: str = ""
    sku: str = ""
    problem: str = ""
    collection: ClassVar[str] = SKU_STATES
    sort: ClassVar[tuple[tuple[str, int], ...]] = (("store_id", 1), ("sku_id", 1))
    state_field: ClassVar[str] = "status"

    def mongo(self) -> dict[str, Any]:
        query = super().mongo()
        if self.status:
            query["status"] = self.status
        if self.sku:
            query["$or"] = [{"sku_id": self.sku}, {"seller_sku": self.sku}]
        if self.problem:
            query["problems.code"] = self.problem
        return query


@dataclass(frozen=True)
class OrderFilter(ListFilter):
    """Orders (the ledger) by store, state, and any of their ids (Linio's OrderId or
    OrderNumber, VTEX's order id), newest first."""

    state: str = ""
    order: str = ""
    collection: ClassVar[str] = ORDERS
    sort: ClassVar[tuple[tuple[str, int], ...]] = (("created_at", -1), ("_id", -1))
    state_field: ClassVar[str] = "state"

    def mongo(self) -> dict[str, Any]:
        query = super().mongo()
        if self.state:
            query["state"] = self.state
        if self.order:
            query["$or"] = [
                {"linio_order_id": self.order},
                {"linio_order_number": self.order},
                {"vtex_order_id": self.order},
            ]
        return query


@dataclass(frozen=True)
class DeadLetterFilter(ListFilter):
    """Dead letters still waiting, by store, queue context, failure kind and error code."""

    context: str = ""
    kind: str = ""
    code: str = ""
    collection: ClassVar[str] = DEAD_LETTERS
    sort: ClassVar[tuple[tuple[str, int], ...]] = (("dead_at", -1),)
    state_field: ClassVar[str] = "context"

    def mongo(self) -> dict[str, Any]:
        query: dict[str, Any] = {"status": "dead", **super().mongo()}
        if self.context:
            query["context"] = self.context
        if self.kind:
            query["headers.x-failure-kind"] = self.kind
        if self.code:
            query["headers.x-error-code"] = self.code
        return query


class DashboardNotes:
    """The few writes the dashboard's actions make beside publishing work: what a seller
    asked for, kept where the pages read it back."""

    def __init__(self, db: AsyncDatabase) -> None:
        self.db = db

    async def forget_sent(self, skus: list[Mapping[str, Any]]) -> None:
        """Forget what was last sent for these SKUs (content hash, price, stock), so the
        next feed sends every field again (the SKU page's "resend")."""
        if skus:
            await self.db[SKU_STATES].update_many(
                {"$or": [{"store_id": d["store_id"], "sku_id": d["sku_id"]} for d in skus]},
                {"$unset": {"content_hash": "", "last_price": "", "last_stock": ""}},
            )

    async def store_note(self, store_id: str, field: str, value: Mapping[str, Any]) -> None:
        """Keep on the store's document what the seller asked for (`initial_load`,
        `linio_webhook`), for the stores page."""
        await self.db[STORES].update_one({"store_id": store_id}, {"$set": {field: dict(value)}})
