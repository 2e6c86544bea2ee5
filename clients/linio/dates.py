"""Dates on the Seller Center wire: one instant is one filter, whatever zone the caller used.

Seller Center hosts live in their country's zone (spec §1, audit D1): entity dates
(`CreatedAt`, `UpdatedAt`, `CreationDate`…) are that zone's wall-clock time without an
offset, a naive date filter is read in that zone, and Head/Timestamp carries the offset
(`-0600` in MX). `AddressUpdatedAt` is the exception: UTC (GetOrder fixture, 5 h after
`CreatedAt` for the same instant in CO).

    naive_filter(datetime(2024, 5, 2, 12, 0, tzinfo=UTC), ZoneInfo("America/Mexico_City"))
        -> "2024-05-02T06:00:00"
    offset_filter(same, zone) -> "2024-05-02T06:00:00-06:00"

Naive datetimes are refused (ValueError): they name no instant.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, TypeVar

T = TypeVar("T")

# Entity fields Seller Center writes in UTC rather than the host's zone.
UTC_FIELDS = frozenset({"address_updated_at"})


def _aware(value: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"Fecha sin zona horaria {value.isoformat()}: indique la zona (p. ej. UTC). / "
            f"Date without a time zone {value.isoformat()}: give its zone (e.g. UTC)."
        )
    return value.astimezone(zone)


def naive_filter(value: dt.datetime | None, zone: dt.tzinfo) -> str | None:
    """`YYYY-MM-DDTHH:MM:SS` in the seller's zone (GetOrders, FeedOffsetList filters, as
    the SDKs send them); None passes through; ValueError for a naive datetime."""
    return None if value is None else _aware(value, zone).strftime("%Y-%m-%dT%H:%M:%S")


def offset_filter(value: dt.datetime | None, zone: dt.tzinfo) -> str | None:
    """ISO 8601 with the seller zone's offset (GetProducts, DATE_ATOM); ValueError for a
    naive datetime."""
    return None if value is None else _aware(value, zone).isoformat(timespec="seconds")


def localized(entity: T, zone: dt.tzinfo) -> T:
    """`entity` (a models dataclass, or a list/tuple of them) with every naive datetime
    made aware in `zone` (`UTC_FIELDS` in UTC), nested items and addresses included, so
    a date read from Seller Center can go straight back into a filter."""
    return _walk(entity, zone)  # type: ignore[no-any-return]


def _walk(value: Any, zone: dt.tzinfo, name: str = "") -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value
        return value.replace(tzinfo=dt.UTC if name in UTC_FIELDS else zone)
    if isinstance(value, list | tuple) and not hasattr(value, "_fields"):
        walked = [_walk(v, zone) for v in value]
        if all(new is old for new, old in zip(walked, value, strict=True)):
            return value  # nothing to localize: keep the very same object
        return walked if isinstance(value, list) else tuple(walked)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            current = getattr(value, f.name)
            new = _walk(current, zone, f.name)
            if new is not current:
                changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value
