"""Stage 2 of a catalog lot: each SKU's problems as seller-log entries (spec §4.4).

One entry per log code a SKU has something to say about (A2, A1, E4, E1, then A3 with the
defaults applied and the values adjusted), each listing all its problems; a SKU with nothing
to say writes nothing. The lot writes every entry in one `insert_many` with one summary
entry (`catalog.lot_evaluated`), instead of several writes per SKU.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from domain.catalog.problems import Problem, by_log_code, problem_list
from domain.catalog.snapshot import SkuSnapshot
from domain.catalog.transform import LinioProduct, render_defaults
from domain.errors import Bilingual
from domain.mappings import attributes_key, brand_key, category_key
from domain.seller_log import LogEntry

OPERATION, DIRECTION = "Catalog change", "VTEX to Marketplace"


def log_entries(
    store_id: str,
    snapshot: SkuSnapshot,
    problems: list[Problem],
    product: LinioProduct | None,
    *,
    mapper_link: str,
) -> list[LogEntry]:
    """The SKU's entries (module docstring); `mapper_link` is where the seller maps (E4)."""
    sku = snapshot.sku
    groups = by_log_code(problems)
    entries: list[LogEntry] = []
    for code, found in groups.items():
        if code == "A3":
            continue
        params: dict[str, Any] = {"problems": problem_list(found)}
        if code in ("A1", "A2"):
            params["sku_id"] = sku.sku_id
        if code == "E4":
            params |= {
                "category": snapshot.category_label or "—",
                "sku": f"{sku.name} ({sku.sku_id})",
                "mapper_link": mapper_link,
            }
        entries.append(_entry(store_id, snapshot, code, params, found))
    adjusted = list(groups.get("A3", []))
    defaults = list(product.defaults) if product is not None else []
    if product is not None and (adjusted or defaults):
        fields = Bilingual(
            *(
                "\n".join(
                    ([render_defaults(defaults)] if defaults else [])
                    + [p.render(lang) for p in adjusted]
                )
                for lang in ("es", "en")
            )
        )
        entries.append(_entry(store_id, snapshot, "A3", {"fields": fields}, adjusted))
    return entries


def lot_summary(store_id: str, by_status: dict[str, int], lot_size: int) -> LogEntry:
    """One entry per lot: how many SKUs were evaluated and where each went."""
    return LogEntry(
        store_id=store_id,
        operation=OPERATION,
        direction=DIRECTION,
        code="catalog.lot_evaluated",
        params={
            "skus": lot_size,
            "staged": by_status.get("staged", 0),
            "held": lot_size - by_status.get("staged", 0),
        },
        flow="catalog",
        extra={"by_status": dict(by_status)},
    )


def waiting_keys(snapshot: SkuSnapshot, problems: Iterable[Problem]) -> list[str]:
    """The mappings an E4 SKU waits for (`Mappings.wait`): its category, its brand, or its
    Linio category's attributes."""
    keys: list[str] = []
    for problem in problems:
        if problem.code == "catalog.category_unmapped":
            keys.append(category_key(snapshot.sku.category_id or ""))
        elif problem.code == "catalog.brand_unmapped":
            keys.append(brand_key(snapshot.sku.brand_id or ""))
        elif snapshot.linio_category:
            keys.append(attributes_key(snapshot.linio_category))
    return keys


def _entry(
    store_id: str,
    snapshot: SkuSnapshot,
    code: str,
    params: dict[str, Any],
    problems: Iterable[Problem],
) -> LogEntry:
    sku = snapshot.sku
    return LogEntry(
        store_id=store_id,
        operation=OPERATION,
        direction=DIRECTION,
        code=code,
        params=params,
        flow="catalog",
        sku_id=sku.sku_id,
        content_source={"sku_id": sku.sku_id, "product_id": sku.product_id},
        extra={
            "problems": [
                {"code": p.code, "row": p.row, "linio": p.linio_field, "vtex": p.vtex_field}
                for p in problems
            ],
        },
    )
