"""Typed queue messages: one dataclass per kind of work, each with its parser.

A message carries ids and the reason for the work, never a copy of state: the consumer
re-reads what it needs (Saleor's `send_webhook_request_async(event_delivery_id)`), so a
message delivered late or twice does the right thing. Bodies are JSON objects; every kind
has a `kind` field, so `parse_work` needs no guessing.

| kind           | queue            | published by                           |
|----------------|------------------|----------------------------------------|
| `sku`          | catalog/price/stock.<store> | catalog notifications, reconciliation |
| `sku_lot`      | catalog/price/stock.<store> | initial load, notification intake, mappings saved |
| `store`        | catalog.<store>  | store-config notification, CLI `load`   |
| `linio_order`  | order.<store>    | Seller Center webhook, order polling    |
| `order_result` | order.<store>    | VTEX's processing-result callback       |
| `order_status` | order-status.<store> | VTEX OMS callbacks, order feed      |
| `feed`         | feed.<store>     | whoever staged changes for Seller Center |

Pure module: standard library and `clients.errors` only. A body that does not parse raises
`MalformedWork` (a `PermanentError`): the broker dead-letters it at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeVar, get_args

from clients.errors import PermanentError

E = TypeVar("E")

SkuAction = Literal["upsert", "deactivate", "price", "stock"]
StoreAction = Literal["initial_load", "deactivate_store", "reconcile"]
OrderStatusAction = Literal["invoice", "tracking", "delivered", "cancel"]


class MalformedWork(PermanentError):
    """A queue message whose body is not one of the kinds below (dead-lettered at once)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="malformed_work")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


@dataclass(frozen=True)
class Work:
    """Base of every message kind: the store and when the work was asked for (ISO 8601, UTC)."""

    kind: ClassVar[str]
    context: ClassVar[str]
    store_id: str
    at: str = field(default_factory=_now)

    def to_body(self) -> dict[str, Any]:
        return {"kind": self.kind, **dataclasses.asdict(self)}

    @property
    def queue_context(self) -> str:
        """The queue context (`catalog`, `price`, `stock`, `order`, `order-status`, `feed`)."""
        return self.context

    def dedupe_key(self) -> str | None:
        """Messages with the same key while one waits undelivered are the same work."""
        return None


@dataclass(frozen=True)
class SkuWork(Work):
    """One SKU to read from VTEX and bring up to date on Linio.

    `action`: `upsert` (catalog content), `deactivate` (inactive or removed from the
    affiliate), `price`, `stock`. `context` follows the action: catalog, price or stock.
    """

    kind: ClassVar[str] = "sku"
    context: ClassVar[str] = "catalog"
    sku_id: str = ""
    product_id: str | None = None
    action: SkuAction = "upsert"

    @property
    def queue_context(self) -> str:
        return {"price": "price", "stock": "stock"}.get(self.action, "catalog")

    def dedupe_key(self) -> str | None:
        return f"{self.queue_context}.{self.store_id}:{self.sku_id}:{self.action}"


LOT_MAX_SKUS = 500
"""SKUs per lot message (CLARIFICATIONS §9: a lot closes after 500 SKUs or 0.3 s)."""
LOT_WAIT_SECONDS = 0.3
"""A lot a consumer gathers closes this long after its first message, or at 500 SKUs."""


def sku_ids_of(work: SkuWork | SkuLotWork) -> tuple[str, ...]:
    """The SKU ids a one-SKU or a lot message names."""
    return work.sku_ids if isinstance(work, SkuLotWork) else (work.sku_id,)


@dataclass(frozen=True)
class SkuLotWork(Work):
    """SKUs to bring up to date together (CLARIFICATIONS §9): one message, one lot.

    `sku_ids`: VTEX SKU ids, deduplicated, order kept, at most `LOT_MAX_SKUS`; `at` is the
    latest request among them (ISO 8601, UTC): a read that started later covers every one.
    `action` as `SkuWork` (it names the queue). `census`: "yes" when the store's census of
    Seller Center was read before the lot was listed (the SKUs it did not find are known
    absent: no GetProducts per SKU), "" otherwise.
    """

    kind: ClassVar[str] = "sku_lot"
    context: ClassVar[str] = "catalog"
    sku_ids: tuple[str, ...] = ()
    action: SkuAction = "upsert"
    census: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "sku_ids", tuple(dict.fromkeys(self.sku_ids)))

    @property
    def queue_context(self) -> str:
        return {"price": "price", "stock": "stock"}.get(self.action, "catalog")

    def to_body(self) -> dict[str, Any]:
        return {**super().to_body(), "sku_ids": list(self.sku_ids)}

    def single(self, sku_id: str) -> SkuWork:
        """The same work for one of its SKUs alone (a SKU that failed on its own is retried
        by itself: its own attempts, its own dead letter)."""
        return SkuWork(self.store_id, self.at, sku_id=sku_id, action=self.action)


def lots_of(
    store_id: str,
    sku_ids: list[str],
    *,
    action: SkuAction = "upsert",
    at: str | None = None,
    census: bool = False,
    size: int = LOT_MAX_SKUS,
) -> list[SkuLotWork]:
    """`sku_ids` (deduplicated, order kept) as lot messages of at most `size` SKUs."""
    unique = list(dict.fromkeys(sku_ids))
    extra = {"at": at} if at else {}
    return [
        SkuLotWork(
            store_id,
            sku_ids=tuple(unique[i : i + size]),
            action=action,
            census="yes" if census else "",
            **extra,
        )
        for i in range(0, len(unique), size)
    ]


def retried_alone(
    works: Sequence[SkuWork | SkuLotWork], failed: Mapping[str, E]
) -> tuple[dict[int, E], list[SkuWork]]:
    """A lot's messages (their works, in order) and the SKUs that failed on their own
    (sku_id → error): index of a one-SKU message → its error (the message is retried as it
    is: its attempts, its dead letter), and a `SkuWork` of its own for each failed SKU of a
    lot message (to publish)."""
    errors: dict[int, E] = {}
    alone: list[SkuWork] = []
    for index, work in enumerate(works):
        if isinstance(work, SkuWork):
            if work.sku_id in failed:
                errors[index] = failed[work.sku_id]
        else:
            alone += [work.single(s) for s in work.sku_ids if s in failed]
    return errors, alone


@dataclass(frozen=True)
class StoreWork(Work):
    """Work on a whole store: initial load, taking it offline, a reconciliation pass."""

    kind: ClassVar[str] = "store"
    context: ClassVar[str] = "catalog"
    action: StoreAction = "initial_load"


@dataclass(frozen=True)
class LinioOrderWork(Work):
    """A Linio order to read and mirror in VTEX (`source`: webhook, poll or replay)."""

    kind: ClassVar[str] = "linio_order"
    context: ClassVar[str] = "order"
    linio_order_id: str = ""
    source: Literal["webhook", "poll", "replay"] = "webhook"
    event: str | None = None  # the webhook event that hinted at it, if any


@dataclass(frozen=True)
class OrderResultWork(Work):
    """VTEX's asynchronous processing result for an order we placed (SOI/EOI codes, §3.4.3);
    the ledger already holds it, the consumer follows up (approve, retry, log)."""

    kind: ClassVar[str] = "order_result"
    context: ClassVar[str] = "order"
    linio_order_id: str = ""
    vtex_order_id: str | None = None
    flow: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class OrderStatusWork(Work):
    """A VTEX order change to send to Seller Center (invoice, tracking, delivery, cancel)."""

    kind: ClassVar[str] = "order_status"
    context: ClassVar[str] = "order-status"
    action: OrderStatusAction = "invoice"
    vtex_order_id: str | None = None
    linio_order_id: str | None = None
    invoice_number: str | None = None


@dataclass(frozen=True)
class FeedWork(Work):
    """A nudge to the seller's feed owner: staged changes wait, or a feed may be done."""

    kind: ClassVar[str] = "feed"
    context: ClassVar[str] = "feed"
    reason: str = "staged"
    feed_id: str | None = None


KINDS: dict[str, type[Work]] = {
    cls.kind: cls
    for cls in (
        SkuWork,
        SkuLotWork,
        StoreWork,
        LinioOrderWork,
        OrderResultWork,
        OrderStatusWork,
        FeedWork,
    )
}

# Bodies written before `kind` existed (still in queues after an upgrade): told apart by action.
_LEGACY_ACTIONS: dict[str, type[Work]] = {
    "upsert": SkuWork,
    "deactivate": SkuWork,
    "price": SkuWork,
    "stock": SkuWork,
    "initial_load": StoreWork,
    "deactivate_store": StoreWork,
    "invoice": OrderStatusWork,
    "tracking": OrderStatusWork,
    "delivered": OrderStatusWork,
    "cancel": OrderStatusWork,
}
_LEGACY_AT = ("notified_at", "requested_at", "received_at")


def parse_work(body: Any) -> Work:
    """The typed message of a queue body; `MalformedWork` names what is wrong."""
    if not isinstance(body, dict):
        raise MalformedWork(f"a queue message must be a JSON object, not {type(body).__name__}")
    kind = body.get("kind")
    cls = KINDS.get(kind) if isinstance(kind, str) else _LEGACY_ACTIONS.get(body.get("action"))
    if cls is None:
        raise MalformedWork(f"unknown work kind {kind!r} (expected one of {sorted(KINDS)})")
    names = [f.name for f in dataclasses.fields(cls)]
    values: dict[str, Any] = {}
    for name in names:
        value = body.get(name)
        if value is None and name == "at":
            value = next((body[k] for k in _LEGACY_AT if isinstance(body.get(k), str)), None)
        if value is None:
            continue
        if name == "sku_ids":
            values[name] = _sku_ids(cls.kind, value)
            continue
        if not isinstance(value, str):
            raise MalformedWork(f"{cls.kind}.{name} must be a string, not {value!r}"[:200])
        values[name] = value
    if not isinstance(values.get("store_id"), str) or not values["store_id"]:
        raise MalformedWork(f"{cls.kind} message without store_id")
    for required in ("sku_id", "sku_ids", "linio_order_id"):
        if required in names and not values.get(required):
            raise MalformedWork(f"{cls.kind} message without {required}")
    work = cls(**values)
    action = getattr(work, "action", None)
    allowed = _allowed_actions(cls)
    if allowed and action not in allowed:
        raise MalformedWork(f"{cls.kind}.action {action!r} is not one of {sorted(allowed)}")
    return work


def _sku_ids(kind: str, value: Any) -> tuple[str, ...]:
    if (
        not isinstance(value, list)
        or not value
        or len(value) > LOT_MAX_SKUS
        or not all(isinstance(v, str) and v for v in value)
    ):
        raise MalformedWork(
            f"{kind}.sku_ids must be a list of 1 to {LOT_MAX_SKUS} SKU ids (strings), "
            f"not {value!r}"[:200]
        )
    return tuple(value)


def _allowed_actions(cls: type[Work]) -> set[str]:
    return set(get_args(_ACTIONS[cls])) if cls in _ACTIONS else set()


_ACTIONS: dict[type[Work], Any] = {
    SkuWork: SkuAction,
    SkuLotWork: SkuAction,
    StoreWork: StoreAction,
    OrderStatusWork: OrderStatusAction,
}
