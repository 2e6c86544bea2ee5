"""Error-catalogue entries of the orders flow (filled in by the orders issue)."""

from __future__ import annotations

from domain.errors.base import ErrorEntry, entries

ENTRIES: dict[str, ErrorEntry] = entries()
