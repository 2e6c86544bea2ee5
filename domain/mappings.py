"""Category, brand and attribute mappings, the reference data they point at, and who waits.

Three collections hold what a seller mapped (CSV import, the VTEX Mapper route, the
dashboard; `source` says which), one document per store and VTEX key:

- `category_map`: `{store_id, vtex_id, linio_id, source, updated_at}`: VTEX category id →
  Linio PrimaryCategory id;
- `brand_map`: `{store_id, vtex_id, linio_id, linio_name?, source, updated_at}`: VTEX brand
  id → Linio brand (Seller Center's feeds take the brand *name*; a CSV gives its id, the
  name is then read from GetBrands);
- `attribute_map`: `{store_id, category, vtex_field, linio_field, values: [{vtex, linio}],
  source, updated_at}`: a VTEX specification feeding a Linio attribute (FeedName) in one
  Linio category (`category` = its id, or `*` for every category), with VTEX value → Linio
  option translations.

Who waits (spec §2.4 g, issue 9): a SKU whose validation found a missing mapping (E4) keeps
`waiting_on` (keys `category:<vtex id>`, `brand:<vtex id>`, `attributes:<linio category>`)
in its state document; saving a mapping re-publishes those SKUs as lots (`SkuLotWork`, upsert) by
themselves, with no new notification.

`ReferenceCache` keeps what the platforms answer slowly and rarely change (Linio's
GetCategoryAttributes and GetBrands, VTEX's required specifications per category) in the
`reference_cache` collection for `REFERENCE_TTL_SECONDS` (a TTL index drops older ones).

`mapper_tree(categories)` is the VTEX Mapper's marketplace tree built from GetCategoryTree
(OpenAPI "External Marketplace Mapper", `sendCategoryMappingToVtexMapper`).
"""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import datetime as dt
import io
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, Literal

from pymongo import UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from app.broker import Broker, queue_name
from app.storage import (
    ATTRIBUTE_MAP,
    BRAND_MAP,
    CATEGORY_MAP,
    MAPPER_REGISTRATIONS,
    REFERENCE_CACHE,
    REFERENCE_TTL_SECONDS,
    SKU_STATES,
    find_in,
    update_in,
)
from clients.linio.models import Attribute, AttributeOption, Brand, Category
from domain.catalog.snapshot import AttributeMapping
from domain.work import lots_of


class InvalidMapping(ValueError):
    """A row the seller must correct; the message names the field (English, the `detail`
    of the catalogue's `invalid_mapping`)."""


def parse_values(text: str) -> dict[str, str]:
    """`VTEX value = Linio value` per line (the dashboard's form) → mapping; blank lines
    ignored; `InvalidMapping` names the line that does not read that way."""
    values: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        vtex, sep, linio = line.partition("=")
        if not sep or not vtex.strip() or not linio.strip():
            raise InvalidMapping(f"values line {n} must read 'VTEX value = Linio value'")
        values[vtex.strip()] = linio.strip()
    return values


def checked_ids(vtex_id: str, linio_id: str) -> tuple[str, str]:
    """A dashboard row's ids, stripped; both must be whole numbers (`InvalidMapping`)."""
    vtex_id, linio_id = vtex_id.strip(), linio_id.strip()
    if not vtex_id.isdigit():
        raise InvalidMapping(f"VTEX id {vtex_id!r} must be a number")
    if not linio_id.isdigit():
        raise InvalidMapping(f"Seller Center id {linio_id!r} must be a number")
    return vtex_id, linio_id


MappingKind = Literal["category", "brand"]
MAPPING_COLUMNS = ("id_seller_center", "id_vtex")
"""Columns of the plugin's categories.csv and brands.csv."""
Source = Literal["csv", "mapper", "dashboard", "sandbox"]
ANY_CATEGORY = "*"
_COLLECTIONS: dict[str, str] = {"category": CATEGORY_MAP, "brand": BRAND_MAP}


def category_key(vtex_category_id: str) -> str:
    return f"category:{vtex_category_id}"


def brand_key(vtex_brand_id: str) -> str:
    return f"brand:{vtex_brand_id}"


def attributes_key(linio_category: str) -> str:
    return f"attributes:{linio_category}"


def parent_key(parent_seller_sku: str) -> str:
    """A variation waits for its parent SellerSku to be handed to the feed scheduler."""
    return f"parent:{parent_seller_sku}"


def _attribute_mappings(docs: Iterable[dict[str, Any]]) -> dict[str, AttributeMapping]:
    """Linio FeedName → `AttributeMapping` from attribute-map documents of one category and
    of every category (`ANY_CATEGORY`); the category's own win."""
    ordered = sorted(docs, key=lambda d: d["category"] != ANY_CATEGORY)
    return {
        str(d["linio_field"]): AttributeMapping(
            str(d["vtex_field"]),
            {str(v["vtex"]): str(v["linio"]) for v in d.get("values") or []},
        )
        for d in ordered
    }


@dataclasses.dataclass(frozen=True)
class LotMappings:
    """A store's mappings as one lot reads them (`Mappings.for_lot`): VTEX category id →
    Linio category id, VTEX brand id → `{"linio_id", "linio_name"?}`, Linio category (or
    `ANY_CATEGORY`) → its attribute-map documents."""

    categories: dict[str, str]
    brands: dict[str, dict[str, Any]]
    attribute_docs: dict[str, list[dict[str, Any]]]

    def category(self, vtex_category_id: str | None) -> str | None:
        return self.categories.get(str(vtex_category_id)) if vtex_category_id else None

    def brand(self, vtex_brand_id: str | None) -> dict[str, Any] | None:
        return self.brands.get(str(vtex_brand_id)) if vtex_brand_id else None

    def attributes(self, linio_category: str) -> dict[str, AttributeMapping]:
        docs = self.attribute_docs.get(ANY_CATEGORY, []) + self.attribute_docs.get(
            str(linio_category), []
        )
        return _attribute_mappings(docs)


class Mappings:
    """The mapping collections of every store, and the release of SKUs waiting on them.

    `broker` publishes the released SKUs; without one (a CLI run with no service) the SKUs
    keep waiting and are released by `release_all` or the next initial load.
    """

    def __init__(self, db: AsyncDatabase, broker: Broker | None = None) -> None:
        self._db = db
        self._broker = broker
        self._states = db[SKU_STATES]

    # --- reading ------------------------------------------------------------------------

    async def category(self, store_id: str, vtex_category_id: str | None) -> str | None:
        """The Linio category id mapped to a VTEX category, or None."""
        if not vtex_category_id:
            return None
        doc = await self._db[CATEGORY_MAP].find_one(
            {"store_id": store_id, "vtex_id": str(vtex_category_id)}
        )
        return str(doc["linio_id"]) if doc and doc.get("linio_id") else None

    async def brand(self, store_id: str, vtex_brand_id: str | None) -> dict[str, Any] | None:
        """`{"linio_id", "linio_name"?}` mapped to a VTEX brand, or None."""
        if not vtex_brand_id:
            return None
        doc = await self._db[BRAND_MAP].find_one(
            {"store_id": store_id, "vtex_id": str(vtex_brand_id)}
        )
        return doc if doc and (doc.get("linio_id") or doc.get("linio_name")) else None

    async def attributes(self, store_id: str, linio_category: str) -> dict[str, AttributeMapping]:
        """Linio FeedName → `AttributeMapping` for one Linio category (category-specific
        mappings win over the ones for every category)."""
        cursor = self._db[ATTRIBUTE_MAP].find(
            {"store_id": store_id, "category": {"$in": [ANY_CATEGORY, str(linio_category)]}}
        )
        return _attribute_mappings([d async for d in cursor])

    async def for_lot(
        self, store_id: str, vtex_category_ids: Iterable[str], vtex_brand_ids: Iterable[str]
    ) -> LotMappings:
        """The mappings a lot of SKUs needs, read once for the lot (one read per 50 ids of
        each kind, one for the attribute mappings of the Linio categories found): always as
        saved now, so a mapping saved on the dashboard counts from the next lot on."""
        categories: dict[str, str] = {}
        async for doc in find_in(
            self._db[CATEGORY_MAP], {"store_id": store_id}, "vtex_id", vtex_category_ids
        ):
            if doc.get("linio_id"):
                categories[str(doc["vtex_id"])] = str(doc["linio_id"])
        brands: dict[str, dict[str, Any]] = {}
        async for doc in find_in(
            self._db[BRAND_MAP], {"store_id": store_id}, "vtex_id", vtex_brand_ids
        ):
            if doc.get("linio_id") or doc.get("linio_name"):
                brands[str(doc["vtex_id"])] = doc
        attributes: dict[str, list[dict[str, Any]]] = {}
        wanted = [ANY_CATEGORY, *sorted(set(categories.values()))]
        async for doc in find_in(
            self._db[ATTRIBUTE_MAP], {"store_id": store_id}, "category", wanted
        ):
            attributes.setdefault(str(doc["category"]), []).append(doc)
        return LotMappings(categories, brands, attributes)

    async def counts(self, store_id: str) -> dict[str, int]:
        return {
            "categories": await self._db[CATEGORY_MAP].count_documents({"store_id": store_id}),
            "brands": await self._db[BRAND_MAP].count_documents({"store_id": store_id}),
            "attributes": await self._db[ATTRIBUTE_MAP].count_documents({"store_id": store_id}),
        }

    # --- writing ------------------------------------------------------------------------

    async def save(
        self,
        kind: MappingKind,
        store_ids: Iterable[str],
        mapping: Mapping[str, str],
        *,
        source: Source,
        names: Mapping[str, str] | None = None,
    ) -> int:
        """Save VTEX id → Linio id pairs (`names`: Linio brand names by VTEX id) for each
        store, then release the SKUs waiting on them. Returns how many SKUs were released."""
        stores = list(store_ids)
        if not mapping or not stores:
            return 0
        now = dt.datetime.now(dt.UTC)
        operations = []
        for store_id in stores:
            for vtex_id, linio_id in mapping.items():
                fields: dict[str, Any] = {"linio_id": str(linio_id), "source": source}
                if names and vtex_id in names:
                    fields["linio_name"] = names[vtex_id]
                operations.append(
                    UpdateOne(
                        {"store_id": store_id, "vtex_id": str(vtex_id)},
                        {"$set": {**fields, "updated_at": now}},
                        upsert=True,
                    )
                )
        await self._db[_COLLECTIONS[kind]].bulk_write(operations, ordered=False)
        key = category_key if kind == "category" else brand_key
        released = 0
        for store_id in stores:
            released += await self.release(store_id, [key(str(v)) for v in mapping])
        return released

    async def save_attribute(
        self,
        store_id: str,
        *,
        vtex_field: str,
        linio_field: str,
        category: str = ANY_CATEGORY,
        values: Mapping[str, str] | None = None,
        source: Source = "dashboard",
    ) -> int:
        """Map a VTEX specification onto a Linio attribute (and its values) and release the
        SKUs of that Linio category (every category for `*`) waiting on attributes."""
        await self._db[ATTRIBUTE_MAP].update_one(
            {"store_id": store_id, "category": category, "vtex_field": vtex_field},
            {
                "$set": {
                    "linio_field": linio_field,
                    "values": [{"vtex": k, "linio": v} for k, v in (values or {}).items()],
                    "source": source,
                    "updated_at": dt.datetime.now(dt.UTC),
                }
            },
            upsert=True,
        )
        if category == ANY_CATEGORY:
            return await self.release_matching(store_id, lambda key: key.startswith("attributes:"))
        return await self.release(store_id, [attributes_key(category)])

    async def export_csv(self, kind: MappingKind, store_id: str) -> str:
        """The plugin's `categories.csv` / `brands.csv` for this store (`id_seller_center,
        id_vtex`), so a file exported here imports there and back unchanged."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(MAPPING_COLUMNS)
        cursor = self._db[_COLLECTIONS[kind]].find({"store_id": store_id}).sort("vtex_id", 1)
        async for doc in cursor:
            writer.writerow([doc.get("linio_id", ""), doc.get("vtex_id", "")])
        return out.getvalue()

    # --- who waits ----------------------------------------------------------------------

    async def wait(self, store_id: str, sku_id: str, keys: Iterable[str]) -> None:
        """The SKU is pending (E4) until one of these mappings is saved."""
        await self._states.update_one(
            {"store_id": store_id, "sku_id": sku_id},
            {
                "$set": {"waiting_on": sorted(set(keys)), "waiting_since": dt.datetime.now(dt.UTC)},
                "$setOnInsert": {"published": False, "created_at": dt.datetime.now(dt.UTC)},
            },
            upsert=True,
        )

    async def any_saved(self, store_id: str, keys: Iterable[str]) -> bool:
        """True when a category or brand mapping named by `keys` exists now: a mapping saved
        between a SKU's read and its `wait` would otherwise never wake it."""
        for key in keys:
            kind, _, vtex_id = key.partition(":")
            if kind == "category" and await self.category(store_id, vtex_id):
                return True
            if kind == "brand" and await self.brand(store_id, vtex_id):
                return True
        return False

    async def stop_waiting(self, store_id: str, sku_id: str) -> None:
        # By the unique key alone (unsetting absent fields changes nothing): SecantusDB scans
        # the whole collection when a filter names a field beyond the index it could use.
        await self._states.update_one(
            {"store_id": store_id, "sku_id": sku_id},
            {"$unset": {"waiting_on": "", "waiting_since": ""}},
        )

    async def waiting(self, store_id: str) -> int:
        """SKUs of the store waiting on a mapping (E4)."""
        return await self._states.count_documents(
            {"store_id": store_id, "status": "pending_mapping"}
        )

    async def release(self, store_id: str, keys: Iterable[str]) -> int:
        """Re-publish (catalog queue) every SKU of the store waiting on one of `keys`."""
        wanted = set(keys)
        if not wanted:
            return 0
        # Asked by key, through the (store_id, waiting_on) index: a staged parent releasing
        # its variations reads only those, not every waiting SKU of the store.
        return await self.release_matching(
            store_id, wanted.__contains__, query={"waiting_on": {"$in": sorted(wanted)}}
        )

    async def release_all(self, store_id: str) -> int:
        """Re-publish every waiting SKU of the store (after mappings saved with no broker)."""
        return await self.release_matching(store_id, lambda _: True)

    async def release_matching(
        self,
        store_id: str,
        wanted: Callable[[str], bool],
        *,
        query: dict[str, Any] | None = None,
    ) -> int:
        """Re-publish the store's waiting SKUs with a key `wanted` accepts (`query`
        narrows the read to candidates)."""
        if self._broker is None:
            return 0
        cursor = self._states.find(
            {"store_id": store_id, **(query or {"waiting_on.0": {"$exists": True}})},
            {"sku_id": 1, "product_id": 1, "waiting_on": 1},
        )
        docs = [d async for d in cursor if any(wanted(k) for k in d["waiting_on"])]
        if not docs:
            return 0
        queue = queue_name("catalog", store_id)
        lots = lots_of(store_id, [str(d["sku_id"]) for d in docs])  # asked for now: read anew
        await self._broker.publish_many([(queue, lot.to_body()) for lot in lots])
        await update_in(
            self._states,
            {"store_id": store_id},
            "sku_id",
            [d["sku_id"] for d in docs],
            {"$unset": {"waiting_on": "", "waiting_since": ""}},
        )
        return len(docs)


# --- reference data cache --------------------------------------------------------------------


def _attribute_from(doc: dict[str, Any]) -> Attribute:
    options = tuple(AttributeOption(**o) for o in doc.get("options") or ())
    return Attribute(**{**doc, "options": options})


class ReferenceCache:
    """Slow-changing platform answers cached in MongoDB for `REFERENCE_TTL_SECONDS`.

    Keys are per store (a Seller Center account's categories and brands are its country's).
    A fetch error propagates (the caller's message is retried); nothing is cached then.
    """

    def __init__(
        self,
        db: AsyncDatabase,
        ttl_seconds: float = REFERENCE_TTL_SECONDS,
        *,
        memo_seconds: float = 0.0,
    ) -> None:
        """`memo_seconds`: how long this process also keeps an answer in memory (0: read
        the database every time). The service keeps them a little while: an initial load
        asks for the same few categories thousands of times (issue 13: 1.7 reads per SKU)."""
        self._collection = db[REFERENCE_CACHE]
        self._ttl = dt.timedelta(seconds=ttl_seconds)
        self._memo_seconds = min(memo_seconds, ttl_seconds)
        self._memo: dict[str, tuple[float, Any]] = {}
        self._loading: dict[str, asyncio.Future[Any]] = {}

    async def _get(self, key: str, fetch: Callable[[], Awaitable[Any]]) -> Any:
        """The cached value; concurrent misses of one key share one read and one fetch."""
        kept = self._memo.get(key)
        if kept is not None and kept[0] > time.monotonic():
            return kept[1]
        running = self._loading.get(key)
        if running is None:
            running = asyncio.ensure_future(self._read(key, fetch))
            self._loading[key] = running
            running.add_done_callback(lambda _: self._loading.pop(key, None))
        value = await asyncio.shield(running)
        if self._memo_seconds > 0:
            self._memo[key] = (time.monotonic() + self._memo_seconds, value)
        return value

    async def _read(self, key: str, fetch: Callable[[], Awaitable[Any]]) -> Any:
        doc = await self._collection.find_one({"_id": key})
        if doc is not None:
            fetched = doc["fetched_at"]
            fetched = fetched if fetched.tzinfo else fetched.replace(tzinfo=dt.UTC)
            if dt.datetime.now(dt.UTC) - fetched < self._ttl:
                return doc["value"]
        value = await fetch()
        await self._collection.update_one(
            {"_id": key},
            {"$set": {"value": value, "fetched_at": dt.datetime.now(dt.UTC)}},
            upsert=True,
        )
        return value

    async def _peek(self, key: str) -> Any | None:
        """The cached value of `key` while fresh, else None (never fetches)."""
        doc = await self._collection.find_one({"_id": key})
        if doc is None:
            return None
        fetched = doc["fetched_at"]
        fetched = fetched if fetched.tzinfo else fetched.replace(tzinfo=dt.UTC)
        return doc["value"] if dt.datetime.now(dt.UTC) - fetched < self._ttl else None

    async def category_tree(
        self,
        store_id: str,
        fetch: Callable[[], Awaitable[list[Category]]] | None = None,
    ) -> list[dict[str, Any]] | None:
        """Linio's category tree (GetCategoryTree) flattened for a picker: `[{id, path,
        leaf}]` in tree order, `path` the names from the root joined by " › ". Without
        `fetch`, only what is cached (None when nothing fresh is)."""

        async def load() -> list[dict[str, Any]]:
            return flatten_tree(await fetch())  # type: ignore[misc]

        key = f"linio-tree:{store_id}"
        if fetch is None:
            return await self._peek(key)
        return list(await self._get(key, load))

    async def cached_attributes(self, store_id: str, linio_category: str) -> tuple[Attribute, ...]:
        """The cached GetCategoryAttributes of a category, () when none is fresh."""
        docs = await self._peek(f"linio-attributes:{store_id}:{linio_category}")
        return tuple(_attribute_from(d) for d in docs or ())

    async def category_attributes(
        self,
        store_id: str,
        linio_category: str,
        fetch: Callable[[str], Awaitable[list[Attribute]]],
    ) -> tuple[Attribute, ...]:
        """GetCategoryAttributes of a Linio category (`fetch` is the store's client call)."""

        async def load() -> list[dict[str, Any]]:
            return [dataclasses.asdict(a) for a in await fetch(linio_category)]

        docs = await self._get(f"linio-attributes:{store_id}:{linio_category}", load)
        return tuple(_attribute_from(d) for d in docs)

    async def brands(
        self, store_id: str, fetch: Callable[[], Awaitable[list[Brand]]]
    ) -> dict[str, str]:
        """Linio brand id → name (GetBrands)."""

        async def load() -> dict[str, str]:
            return {b.brand_id: b.name for b in await fetch()}

        return dict(await self._get(f"linio-brands:{store_id}", load))

    async def required_specifications(
        self,
        store_id: str,
        vtex_category_id: str,
        fetch: Callable[[str], Awaitable[tuple[str, ...]]],
    ) -> tuple[str, ...]:
        """VTEX product specifications the category requires (`IsRequired`)."""

        async def load() -> list[str]:
            return list(await fetch(vtex_category_id))

        return tuple(await self._get(f"vtex-required-specs:{store_id}:{vtex_category_id}", load))


def flatten_tree(categories: Iterable[Category]) -> list[dict[str, Any]]:
    """`[{id, path, leaf}]` of every category, depth first (see `category_tree`)."""
    out: list[dict[str, Any]] = []

    def visit(category: Category, parents: tuple[str, ...]) -> None:
        names = (*parents, category.name)
        out.append(
            {"id": category.category_id, "path": " › ".join(names), "leaf": not category.children}
        )
        for child in category.children:
            visit(child, names)

    for category in categories:
        visit(category, ())
    return out


# --- VTEX Mapper ----------------------------------------------------------------------------


def mapper_tree(categories: Iterable[Category], *, name: str = "Linio") -> dict[str, Any]:
    """The Mapper's marketplace tree (`id`, `name`, `categories`: each node `id`, `name`,
    `children`, `specifications`) from Linio's GetCategoryTree. Specifications are sent
    empty: attribute mappings are made per Linio category (dashboard, CSV), since reading
    GetCategoryAttributes for every leaf would spend the seller's request budget."""

    def node(category: Category) -> dict[str, Any]:
        return {
            "id": category.category_id,
            "name": category.name,
            "children": [node(c) for c in category.children],
            "specifications": [],
        }

    return {"id": name.lower(), "name": name, "categories": [node(c) for c in categories]}


def parse_mapper_mapping(payload: Any) -> dict[str, str]:
    """VTEX category id → Linio category id from a Mapper push to our `mappingEndPoint`.

    VTEX does not document this payload (spec §7 item 10); we read `categories` (or
    `mappings`, or a bare list) of objects naming the VTEX category (`vtexCategoryId`,
    `categoryId` or `vtexId`) and the marketplace's (`marketplaceCategoryId`,
    `mappedCategoryId` or `marketplaceId`). Raises ValueError when nothing can be read."""
    items = payload
    if isinstance(payload, dict):
        items = payload.get("categories", payload.get("mappings"))
    if not isinstance(items, list):
        raise ValueError("the mapping must carry a list of categories")
    found: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        vtex = next(
            (item[k] for k in ("vtexCategoryId", "categoryId", "vtexId") if item.get(k)), None
        )
        linio = next(
            (
                item[k]
                for k in ("marketplaceCategoryId", "mappedCategoryId", "marketplaceId")
                if item.get(k)
            ),
            None,
        )
        if vtex is not None and linio is not None:
            found[str(vtex)] = str(linio)
    if not found:
        raise ValueError("no category pair (vtexCategoryId, marketplaceCategoryId) found")
    return found


class MapperRegistrations:
    """`mapper_registrations`: per store the Mapper id, the seller's mapping page and the
    hash of the tree last sent (an unchanged tree is not sent again, spec §2.10 step 2)."""

    def __init__(self, db: AsyncDatabase) -> None:
        self._collection = db[MAPPER_REGISTRATIONS]

    async def get(self, store_id: str) -> dict[str, Any] | None:
        return await self._collection.find_one({"_id": store_id})

    async def save(self, store_id: str, **fields: Any) -> None:
        await self._collection.update_one(
            {"_id": store_id},
            {"$set": {**fields, "updated_at": dt.datetime.now(dt.UTC)}},
            upsert=True,
        )
