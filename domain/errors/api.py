"""Answers of our HTTP routes: status, stable code, message and action (es/en)."""

from __future__ import annotations

from domain.errors.base import ErrorEntry, entries

ENTRIES: dict[str, ErrorEntry] = entries()
