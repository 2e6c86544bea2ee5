"""How a SKU is taken off Linio and what a taken-off SKU must look like there (issue 10,
"Deactivation"; spec §2.9).

A store chooses (`Store.deactivation`):

- `"inactive"` (default): a ProductUpdate with `Status=inactive` and `Quantity=0`; the
  listing, its SellerSku link and its history stay, and a reactivation (the catalog flow's
  next upsert, whose content carries `Status=active`) brings it back with its offer.
- `"remove"`: a ProductRemove; the SKU's mapping (SellerSku link, ShopSku, last values
  sent) is cleaned only when Seller Center's feed result confirms the removal
  (`SkuStates.record_results`); a reactivation creates the product again.

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

DeactivationMode = Literal["inactive", "remove"]
DEACTIVATION_MODES: tuple[DeactivationMode, ...] = ("inactive", "remove")

DEACTIVATION = {"Quantity": "0", "Status": "inactive"}
"""Fields of the default deactivation (Seller Center names and values)."""


def deactivation_change(mode: str) -> tuple[str, dict[str, Any]]:
    """(change kind for `FeedScheduler.stage`, fields) that take a SKU off Linio."""
    if mode == "remove":
        return "remove", {}
    return "deactivate", dict(DEACTIVATION)


def still_live(status: str | None, quantity: int | None) -> bool:
    """A SKU we took offline shows otherwise on Linio: active, or with units to sell."""
    return (status or "active") == "active" or bool(quantity)


def intended_status(state: Mapping[str, Any]) -> str:
    """The Status we mean Linio to show: `inactive` once we took the SKU offline (the
    catalog flow's deactivation, or the last Status sent), else `active`."""
    if state.get("status") == "deactivated" or state.get("last_status") == "inactive":
        return "inactive"
    return "active"


def status_fix(status: str) -> tuple[str, dict[str, Any]]:
    """(change kind, fields) that set this Status again on Linio."""
    if status == "inactive":
        return "deactivate", {"Status": "inactive"}
    return "content", {"Status": "active"}
