"""Finding a feed whose creation we could not confirm (pure; CLARIFICATIONS §9 "Crash
safety, order of checks").

A feed record is *unsure* (`feeds.UNSURE`) when we wrote it before the POST and never
recorded Seller Center's answer: the run or its database died right then, or the answer was
unreadable and FeedList could not be read either. Before any of its records is sent again,
the owner asks Seller Center, in this order:

1. FeedOffsetList of the feeds created since the record was written (less `WINDOW_SLACK`
   for the two clocks): one that has the record's action and record count and that none of
   our records holds yet is its feed (`match`). Several unsure records take the listed
   candidates in creation order, oldest first.
2. A feed found is adopted (our record takes its id) and followed with FeedStatus.
3. None found: only once no unclaimed feed of that window is still Queued or Processing
   (`unsettled`) — GetProducts does not show the products of such a feed — and the record
   is older than the owner's grace, GetProducts by SellerSku says which SKUs of a
   ProductCreate Seller Center already has (they are adopted as created); the others,
   and every record of another action, go out again.

While Seller Center cannot be read, nothing is sent again: the owner waits and the SKUs
show `unknown`.

A variation refused because Seller Center lacks its parent ("the parent product does not
exist", `parent_missing`) is not shown rejected when we hold the parent: the owner asks
GetProducts for the parent's SellerSku; present, the variation goes again; absent while its
create is staged or in flight, the variation follows it; absent while we hold it live (a
Seller Center that lost it, a restart that found it gone), the parent is created again
(read from VTEX by the catalog consumer), then the variation. Only a parent we do not hold
leaves the rejection standing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from clients.linio.models import Feed

WINDOW_SLACK = dt.timedelta(seconds=60)
"""How much earlier than our record a listed feed may say it was created (Seller Center's
clock against ours, its whole-second dates) and still be the record's feed."""

UNSETTLED = ("Queued", "Processing")


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def window_start(records: Sequence[Mapping[str, Any]]) -> dt.datetime:
    """The earliest creation time (UTC) a listed feed may have to be one of `records`'."""
    return min(_utc(r["created_at"]) for r in records) - WINDOW_SLACK


def match(
    records: Sequence[Mapping[str, Any]], listed: Iterable[Feed], claimed: set[str]
) -> dict[str, Feed]:
    """Our record id → the listed feed that is its. `records`: unsure feed documents
    (`_id`, `action`, `skus`, `created_at`); `listed`: FeedOffsetList since
    `window_start`; `claimed`: feed ids our records already hold. A listed feed matches
    a record with the same action and record count created no earlier than the record
    (less `WINDOW_SLACK`); each feed is given to one record, oldest record first, oldest
    feed first."""
    free = sorted(
        (f for f in listed if f.feed_id and f.feed_id not in claimed and f.created_at),
        key=lambda f: _utc(f.created_at),  # type: ignore[arg-type]
    )
    found: dict[str, Feed] = {}
    for record in sorted(records, key=lambda r: _utc(r["created_at"])):
        earliest = _utc(record["created_at"]) - WINDOW_SLACK
        for feed in free:
            if (
                feed.action == record["action"]
                and feed.total_records == len(record["skus"])
                and _utc(feed.created_at) >= earliest  # type: ignore[arg-type]
            ):
                found[record["_id"]] = feed
                free.remove(feed)
                break
    return found


def unsettled(listed: Iterable[Feed], claimed: set[str], matched: Iterable[Feed]) -> list[Feed]:
    """Listed feeds still Queued or Processing that are neither ours already (`claimed`)
    nor just matched: while one exists, GetProducts cannot tell what it creates."""
    taken = {f.feed_id for f in matched} | claimed
    return [f for f in listed if f.status in UNSETTLED and f.feed_id not in taken]


# --- "the parent product does not exist" (E3 for a parent we hold) --------------------------

_PARENT_MISSING = re.compile(
    r"parent (product )?(does not exist|not found|doesn't exist)|"
    r"ParentSku.*(does not exist|not found|no existe)",
    re.IGNORECASE,
)
_NAMED_VALUE = re.compile(r"with value '([^']*)'")

PARENT_WAIT = 60.0
"""Seconds at most a variation refused for a missing parent waits for Seller Center to accept
the parent's (re-)create before it goes out again (the catalog consumer reads the parent
from VTEX, then the parent's feed runs)."""


def parent_missing(messages: Sequence[str]) -> bool:
    """True when every message of a rejected SKU says its ParentSku is not on Seller
    Center: a refusal about Seller Center's side, not about the SKU's data."""
    return bool(messages) and all(_PARENT_MISSING.search(m) for m in messages)


def parent_named(message: str) -> str | None:
    """The ParentSku a field problem quotes ("Field ParentSku (…) with value 'P' …")."""
    found = _NAMED_VALUE.search(message) if "ParentSku" in message else None
    return found.group(1) or None if found else None
