"""Error-catalogue entries of the catalog flow (filled in by the catalog issue)."""

from __future__ import annotations

from domain.errors.base import ErrorEntry, entries

ENTRIES: dict[str, ErrorEntry] = entries()
