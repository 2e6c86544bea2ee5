"""Lot control for Seller Center feeds: which changes go out next, in which feed, and what a
feed's result means for each SKU (issue 9 "Feed scheduler with lot control", issue 10).

Pure: no database, broker or HTTP. The feed owner (`handlers.consumers_feeds`) keeps the
staged changes in MongoDB and calls these functions.

- `coalesce(pending, change)`: one SKU's staged changes merged field by field; the value
  with the highest `version` wins, so the last write wins and an older stock read that
  arrives late never replaces a newer one.
- `plan(pending, on_linio, in_flight, feed_slots)`: the next feeds. ProductCreate for SKUs
  Linio does not have (with every staged field: a create carries Price and Quantity),
  ProductUpdate for the others, Image only once the product exists on Linio, ProductRemove
  for removals; price and stock never for a SKU Linio does not have; one entry per SKU; a
  SKU in flight waits; ≤ `max_products` entries per feed; feeds ordered by priority
  (zero stock and deactivations, then price and stock, then content, then images).
- `settle(entries, status, errors)`: each SKU's outcome (accepted, rejected with Seller
  Center's message, or retry) from a FeedStatus answer (Seller Center digest, feeds).
- `acknowledge(pending, entry)`: what is still staged once an entry was settled: the fields
  sent, unless a newer version arrived meanwhile.

Versions are integers that grow with the time the value was *read* from VTEX (for example
`time.time_ns()` taken before the read), so ordering follows the reads, not the arrivals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

KINDS = ("create", "content", "price", "stock", "image", "deactivate", "remove")

MAX_PRODUCTS_PER_FEED = 1000
MAX_ATTEMPTS = 3
"""Feed-level failures (a feed canceled or in error) retried this often per SKU before the
SKU's change is reported as rejected (CLARIFICATIONS §3: never ten blind retries)."""

# Lower goes first (issue 10: zero stock and deactivations before price, price before content).
PRIORITY_URGENT, PRIORITY_PRICE, PRIORITY_CONTENT, PRIORITY_IMAGE = 0, 1, 2, 3
_KIND_PRIORITY = {
    "deactivate": PRIORITY_URGENT,
    "remove": PRIORITY_URGENT,
    "price": PRIORITY_PRICE,
    "stock": PRIORITY_PRICE,
    "create": PRIORITY_CONTENT,
    "content": PRIORITY_CONTENT,
    "image": PRIORITY_IMAGE,
}
IMAGES = "Images"
"""Key under which an image change keeps its URL list (main image first)."""
PRICE_FIELDS = frozenset({"Price", "SalePrice", "SaleStartDate", "SaleEndDate"})
STOCK_FIELDS = frozenset({"Quantity"})

FEED_ACTIONS = ("ProductRemove", "ProductUpdate", "ProductCreate", "Image")
PRODUCT_ACTIONS = ("ProductCreate", "ProductUpdate")


@dataclass(frozen=True)
class Change:
    """One staged change: `fields` are Seller Center field names and values for the SKU
    (`{"Quantity": 0}`, `{"Price": Decimal, "SalePrice": None}`, `{"Images": [url, ...]}`);
    `version` orders changes of one SKU (higher is newer)."""

    seller_sku: str
    kind: str
    fields: Mapping[str, Any]
    version: int

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown change kind {self.kind!r}; expected one of {KINDS}")
        if self.kind == "image" and set(self.fields) != {IMAGES}:
            raise ValueError("an image change carries exactly {'Images': [url, ...]}")


@dataclass(frozen=True)
class Staged:
    """One field's latest staged value."""

    value: Any
    version: int
    kind: str


@dataclass(frozen=True)
class Pending:
    """Everything staged for one SKU and not yet confirmed by Seller Center.

    `fields` holds product fields and, under `Images`, the image list; `create` is the
    version of a staged create (the product's full content), `remove` the version of a
    staged removal; `attempts` counts feed-level failures of the current change.
    """

    seller_sku: str
    fields: Mapping[str, Staged] = field(default_factory=dict)
    create: int | None = None
    remove: int | None = None
    attempts: int = 0
    since: float = 0.0  # when the first of these changes was staged (epoch seconds)

    @property
    def empty(self) -> bool:
        return not self.fields and self.create is None and self.remove is None

    @property
    def oldest(self) -> int:
        versions = [s.version for s in self.fields.values()]
        versions += [v for v in (self.create, self.remove) if v is not None]
        return min(versions, default=0)

    def priority(self) -> int:
        """The most urgent kind among the staged fields; a zero stock counts as urgent."""
        if self.remove is not None:
            return PRIORITY_URGENT
        best = PRIORITY_IMAGE
        for name, staged in self.fields.items():
            rank = _KIND_PRIORITY[staged.kind]
            if name == "Quantity" and _is_zero(staged.value):
                rank = PRIORITY_URGENT
            best = min(best, rank)
        return best


@dataclass(frozen=True)
class Entry:
    """One SKU's record in a feed and the versions it carried (to acknowledge it later)."""

    seller_sku: str
    fields: Mapping[str, Any]
    versions: Mapping[str, int]


@dataclass(frozen=True)
class PlannedFeed:
    action: str  # ProductCreate | ProductUpdate | Image | ProductRemove
    priority: int
    entries: tuple[Entry, ...]

    @property
    def seller_skus(self) -> list[str]:
        return [e.seller_sku for e in self.entries]

    def products(self) -> list[dict[str, Any]]:
        """Product records for ProductCreate/ProductUpdate (SellerSku first)."""
        return [{"SellerSku": e.seller_sku, **e.fields} for e in self.entries]

    def images(self) -> dict[str, list[str]]:
        """SellerSku → image URLs, for the Image feed."""
        return {e.seller_sku: list(e.fields[IMAGES]) for e in self.entries}


@dataclass(frozen=True)
class Outcome:
    seller_sku: str
    result: str  # accepted | rejected | retry
    messages: tuple[str, ...] = ()


def _is_zero(value: Any) -> bool:
    try:
        return int(value) <= 0
    except (TypeError, ValueError):
        return False


# --- coalescing ---------------------------------------------------------------------------


def coalesce(pending: Pending | None, change: Change) -> Pending:
    """`pending` with `change` merged in: per field the highest version wins, and a value
    already staged as it is (same value and kind, even in flight) keeps its version, so a
    second read of an unchanged value never sends it a second time.

    A removal drops every older staged field; a create or content change newer than a
    staged removal cancels it (the SKU came back). A change that loses on every field
    leaves `pending` as it was.
    """
    current = pending or Pending(change.seller_sku)
    if change.seller_sku != current.seller_sku:
        raise ValueError("a change merges only into the same SKU's pending changes")
    if change.kind == "remove":
        if current.remove is not None and current.remove >= change.version:
            return current
        kept = {k: s for k, s in current.fields.items() if s.version > change.version}
        create = current.create if (current.create or -1) > change.version else None
        return replace(current, fields=kept, create=create, remove=change.version, attempts=0)
    remove = current.remove
    if remove is not None and change.version <= remove:
        return current  # older than the removal: nothing of it survives
    if remove is not None and change.kind in ("create", "content"):
        remove = None
    fields = dict(current.fields)
    changed = False
    for name, value in change.fields.items():
        old = fields.get(name)
        if old is not None and (old.value, old.kind) == (value, change.kind):
            continue  # already staged (or in flight) as it is: sent once, not again
        if old is None or change.version >= old.version:
            fields[name] = Staged(value, change.version, change.kind)
            changed = True
    create = current.create
    if change.kind == "create" and (create is None or change.version > create):
        create, changed = change.version, True
    if not changed and remove == current.remove:
        return current
    return replace(current, fields=fields, create=create, remove=remove, attempts=0)


# --- planning -----------------------------------------------------------------------------


def _entry_for(pending: Pending, exists: bool) -> tuple[str, Entry] | None:
    """The one feed record this SKU would go out in now, or None while it must wait."""
    sku = pending.seller_sku
    if pending.remove is not None:
        if not exists:
            return None
        return "ProductRemove", Entry(sku, {}, {"__remove__": pending.remove})
    product = {k: s for k, s in pending.fields.items() if k != IMAGES}
    if not exists:
        if pending.create is None:
            return None  # price, stock, images or content for a SKU Linio lacks: wait
        versions = {k: s.version for k, s in product.items()}
        versions["__create__"] = pending.create
        return "ProductCreate", Entry(sku, {k: s.value for k, s in product.items()}, versions)
    if product:
        versions = {k: s.version for k, s in product.items()}
        if pending.create is not None:
            versions["__create__"] = pending.create
        return "ProductUpdate", Entry(sku, {k: s.value for k, s in product.items()}, versions)
    images = pending.fields.get(IMAGES)
    if images is not None:
        return "Image", Entry(sku, {IMAGES: images.value}, {IMAGES: images.version})
    return None


def plan(
    pending: Iterable[Pending],
    *,
    on_linio: Iterable[str],
    in_flight: Iterable[str],
    feed_slots: int,
    max_products: int = MAX_PRODUCTS_PER_FEED,
    now: float = 0.0,
    linger: float = 0.0,
) -> list[PlannedFeed]:
    """At most `feed_slots` feeds (the feed quota's tokens now), most urgent first.

    A SKU in flight waits for its feed's result, so two feeds never touch one SKU at once.
    Images wait for the product: a SKU with both content and images sends the content
    first, and the images in a later plan once its product is confirmed. A lot smaller
    than `max_products` that is not urgent waits until its oldest change is `linger`
    seconds old (`now`, epoch seconds): the feed quota is scarce, so changes arriving in
    a stream share a feed instead of each taking one.

    Variations after their parent (`ParentSku`): Seller Center refuses a variation whose
    parent it does not have yet ("the parent product does not exist"). In a ProductCreate
    the parents come first; a variation (its create or an update) whose parent's create is
    staged goes in the same feed after it or in a later plan, never before it; one whose
    parent Linio lacks and is in flight waits for that feed's result.
    """
    if feed_slots <= 0:
        return []
    if not 1 <= max_products <= MAX_PRODUCTS_PER_FEED:
        raise ValueError(f"max_products must be within 1..{MAX_PRODUCTS_PER_FEED}")
    known, busy = set(on_linio), set(in_flight)
    groups: dict[tuple[int, str], list[tuple[bool, int, float, Entry]]] = {}
    creating: set[str] = set()
    for item in pending:
        if item.empty or item.seller_sku in busy:
            continue
        chosen = _entry_for(item, item.seller_sku in known)
        if chosen is None:
            continue
        action, entry = chosen
        parent = parent_of(entry) if action in PRODUCT_ACTIONS else None
        if parent is not None and parent in busy and parent not in known:
            continue  # its parent's create is in flight: wait for its result
        if action == "ProductCreate":
            creating.add(entry.seller_sku)
        priority = PRIORITY_IMAGE if action == "Image" else item.priority()
        child = parent is not None
        groups.setdefault((priority, action), []).append((child, item.oldest, item.since, entry))
    feeds: list[PlannedFeed] = []
    order = {a: i for i, a in enumerate(FEED_ACTIONS)}
    for priority, action in sorted(groups, key=lambda key: (key[0], order[key[1]])):
        ordered = sorted(groups[(priority, action)], key=lambda p: (p[0], p[1]))
        for start in range(0, len(ordered), max_products):
            lot = ordered[start : start + max_products]
            first_staged = min(since for _, _, since, _ in lot)
            young = linger > 0 and now - first_staged < linger
            if len(lot) < max_products and priority != PRIORITY_URGENT and young:
                continue  # a partial lot lingers for company
            feeds.append(PlannedFeed(action, priority, tuple(e for *_, e in lot)))
            if len(feeds) >= feed_slots:
                return _parents_first(feeds, creating)
    return _parents_first(feeds, creating)


def parent_of(entry: Entry) -> str | None:
    """The ParentSku a product entry names when it is a variation of another SKU."""
    parent = entry.fields.get("ParentSku")
    return str(parent) if parent and str(parent) != entry.seller_sku else None


def _parents_first(feeds: list[PlannedFeed], creating: set[str]) -> list[PlannedFeed]:
    """Drop from the plan each variation (create or update) whose parent is being
    created but not in an earlier feed of the plan nor before it in its own: it goes out
    in a later plan."""
    kept: list[PlannedFeed] = []
    created: set[str] = set()
    for feed in feeds:
        if feed.action not in PRODUCT_ACTIONS:
            kept.append(feed)
            continue
        entries = []
        for entry in feed.entries:
            parent = parent_of(entry)
            if parent is not None and parent in creating and parent not in created:
                continue
            entries.append(entry)
            if feed.action == "ProductCreate":
                created.add(entry.seller_sku)
        if entries:
            kept.append(replace(feed, entries=tuple(entries)))
    return kept


# --- results ------------------------------------------------------------------------------

FINISHED = "Finished"
FAILED_FEED = ("Canceled", "Error")


def settle(
    seller_skus: Sequence[str],
    status: str | None,
    errors: Iterable[tuple[str | None, str]],
) -> list[Outcome]:
    """Each SKU's outcome of a feed: `errors` are (SellerSku, Seller Center message).

    Finished: a SKU with errors is rejected with all its messages, the others accepted.
    Canceled or Error: every SKU is retried. Still Queued/Processing: no outcome yet ([]).
    Errors naming no SKU of the feed cannot be attributed and are ignored here (the feed
    document keeps the raw result).
    """
    if status in FAILED_FEED:
        return [Outcome(sku, "retry") for sku in seller_skus]
    if status != FINISHED:
        return []
    messages: dict[str, list[str]] = {}
    for sku, message in errors:
        if sku:
            messages.setdefault(sku, []).append(message)
    return [
        Outcome(sku, "rejected", tuple(messages[sku]))
        if sku in messages
        else Outcome(sku, "accepted")
        for sku in seller_skus
    ]


def acknowledge(pending: Pending, entry: Entry, outcome: Outcome) -> Pending:
    """What stays staged after `entry` was settled with `outcome`.

    Accepted or rejected: the fields it carried are done, unless a newer version was
    staged meanwhile (that one still goes out). Retry: everything stays and `attempts`
    grows; past `MAX_ATTEMPTS` the caller reports the SKU rejected (see `exhausted`).
    """
    if outcome.result == "retry":
        return replace(pending, attempts=pending.attempts + 1)
    fields = {
        name: staged
        for name, staged in pending.fields.items()
        if staged.version > entry.versions.get(name, -1)
    }
    create = pending.create
    if create is not None and create <= entry.versions.get("__create__", -1):
        create = None
    remove = pending.remove
    if remove is not None and remove <= entry.versions.get("__remove__", -1):
        remove = None
    return Pending(pending.seller_sku, fields, create, remove, 0, pending.since)


def moot(pending: Pending, exists: bool) -> bool:
    """A removal staged for a SKU Linio does not have: nothing to send, drop it."""
    return pending.remove is not None and not exists


def exhausted(pending: Pending) -> bool:
    return pending.attempts >= MAX_ATTEMPTS


def drop_sent(pending: Pending, entry: Entry) -> Pending:
    """Give up on what `entry` carried (retries exhausted): newer versions stay."""
    return acknowledge(pending, entry, Outcome(pending.seller_sku, "rejected"))
