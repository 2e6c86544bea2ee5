"""THE error catalogue: every code the connector emits, as data (see `base.py`).

One module per family keeps the table readable; `CATALOGUE` joins them and refuses a code
defined twice. Look entries up with `entry(code)`; render with `entry(code).render(lang, …)`.

- `api.py`: answers of our HTTP routes (status, code, message, action).
- `catalog.py`: VTEX's catalog log codes (S1, A1–A3, E1–E5, spec §4.4) and the validation
  problems listed inside an E1.
- `orders.py`: VTEX's order log letters (A–Q, spec §4.5) and the Channel Order API outcomes.
- `platform.py`: Seller Center and VTEX errors mapped to our codes (auth, config, throttling,
  rejected data), with the seller's action.
"""

from __future__ import annotations

from domain.errors import api, catalog, orders, platform
from domain.errors.base import LANGUAGES, Bilingual, ErrorEntry, entries


def _join(*tables: dict[str, ErrorEntry]) -> dict[str, ErrorEntry]:
    joined: dict[str, ErrorEntry] = {}
    for table in tables:
        for code, item in table.items():
            if code in joined:
                raise ValueError(f"error code {code!r} is defined in two tables")
            joined[code] = item
    return joined


CATALOGUE: dict[str, ErrorEntry] = _join(
    api.ENTRIES, catalog.ENTRIES, orders.ENTRIES, platform.ENTRIES
)


def entry(code: str) -> ErrorEntry:
    """The catalogue entry for `code`; `KeyError` for a code nobody defined."""
    return CATALOGUE[code]


__all__ = ["CATALOGUE", "LANGUAGES", "Bilingual", "ErrorEntry", "entries", "entry"]
