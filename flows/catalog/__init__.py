"""The catalog flow (spec §2.3–2.5, §2.9; issues 9, 10, 19): a lot of SKUs brought up to date
on Linio (`lot`), SKUs and stores taken off it (`offline`), the initial load (`load`).

`CatalogFlow` is what the catalog consumer calls; `make_catalog_flow` builds it from the
runtime's resources.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.catalog.load import CatalogLoad
from flows.catalog.lot import CatalogLots
from flows.catalog.offline import CatalogOffline


@dataclass(frozen=True)
class CatalogFlow:
    """`lots.upsert_lot`, `offline.deactivate`, `offline.deactivate_store`,
    `load.initial_load`."""

    lots: CatalogLots
    offline: CatalogOffline
    load: CatalogLoad


__all__ = ["CatalogFlow", "CatalogLoad", "CatalogLots", "CatalogOffline"]
