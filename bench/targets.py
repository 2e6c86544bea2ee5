"""The count gate (issue 19, CLARIFICATIONS §10): what CI asserts of a benchmark run.

Counts, never times: database commands, documents written and VTEX calls per item do not
depend on the machine. Two kinds of limits:

- `TARGETS`: the issue's targets for the initial load. Each is reported met or not met; the
  gate does not fail on them until the lots work meets them.
- `RATCHET`: per (setup, scenario, figure), what the code measured when the gate was set
  (`BASELINE`, the reduced run) plus `RATCHET_MARGIN`. The gate fails when a figure goes
  above its ceiling: a change may make a pipeline cheaper, never dearer. Lower the
  baseline when a change makes it cheaper (the report shows the numbers to copy).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FIGURES = ("database_ops_per_item", "documents_written_per_item", "vtex_calls_per_sku")
RATCHET_MARGIN = 0.15


@dataclass(frozen=True)
class Target:
    scenario: str
    figure: str
    limit: float
    what: str


TARGETS = (
    Target("initial_load", "database_ops_per_item", 0.3, "database commands per SKU"),
    Target("initial_load", "documents_written_per_item", 3.0, "documents written per SKU"),
    Target("initial_load", "vtex_calls_per_sku", 1.5, "VTEX calls per SKU"),
)

# Measured by `vtex-linio bench --quick` (the highest of two runs) on the code of
# 2026-12-08; the initial load's and price/stock's after they moved to lots (three runs:
# the feed side's documents depend on how the changes fall into feeds). Items: SKUs
# (initial load), changes (price/stock), orders, notification requests.
BASELINE: dict[tuple[str, str, str], float] = {
    ("embedded", "initial_load", "database_ops_per_item"): 0.58,
    ("embedded", "initial_load", "documents_written_per_item"): 14.05,
    ("embedded", "initial_load", "vtex_calls_per_sku"): 1.66,
    ("embedded", "price_stock", "database_ops_per_item"): 0.5,
    ("embedded", "price_stock", "documents_written_per_item"): 8.1,
    ("embedded", "price_stock", "vtex_calls_per_sku"): 0.06,
    ("embedded", "orders", "database_ops_per_item"): 28.8,
    ("embedded", "orders", "documents_written_per_item"): 21.12,
    ("embedded", "orders", "vtex_calls_per_sku"): 3.0,
    ("embedded", "notifications", "database_ops_per_item"): 1.82,
    ("embedded", "notifications", "documents_written_per_item"): 2.68,
    ("embedded", "notifications", "vtex_calls_per_sku"): 0,
    ("rabbitmq", "initial_load", "database_ops_per_item"): 0.62,
    ("rabbitmq", "initial_load", "documents_written_per_item"): 14.05,
    ("rabbitmq", "initial_load", "vtex_calls_per_sku"): 1.66,
    ("rabbitmq", "price_stock", "database_ops_per_item"): 0.55,
    ("rabbitmq", "price_stock", "documents_written_per_item"): 8.1,
    ("rabbitmq", "price_stock", "vtex_calls_per_sku"): 0.1,
    ("rabbitmq", "orders", "database_ops_per_item"): 39.1,
    ("rabbitmq", "orders", "documents_written_per_item"): 22.06,
    ("rabbitmq", "orders", "vtex_calls_per_sku"): 4.2,
    ("rabbitmq", "notifications", "database_ops_per_item"): 4.21,
    ("rabbitmq", "notifications", "documents_written_per_item"): 3.06,
    ("rabbitmq", "notifications", "vtex_calls_per_sku"): 0,
}


def ceiling(baseline: float) -> float:
    """The most a figure may measure: its baseline plus `RATCHET_MARGIN` (and 0.05 more,
    so a baseline of 0 allows a stray call in a noisy scenario, never a habit)."""
    return round(baseline * (1 + RATCHET_MARGIN) + 0.05, 2)


RATCHET = {key: ceiling(value) for key, value in BASELINE.items()}


def gate(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The gate over a run's scenario results (`report.json`'s `scenarios`):
    `{"targets": [{setup, scenario, figure, what, target, value, met}], "ratchet":
    [{setup, scenario, figure, baseline, ceiling, value, within}], "failures": [str]}`.
    A failure is a figure above its ratchet ceiling, or a figure missing from a scenario
    that ran (a scenario "not run" is skipped)."""
    targets: list[dict[str, Any]] = []
    ratchet: list[dict[str, Any]] = []
    failures: list[str] = []
    for r in results:
        if str(r.get("status", "")).startswith("not run"):
            continue
        setup, scenario = r["setup"], r["scenario"]
        for t in TARGETS:
            if t.scenario == scenario:
                value = r.get(t.figure)
                targets.append(
                    {
                        "setup": setup,
                        "scenario": scenario,
                        "figure": t.figure,
                        "what": t.what,
                        "target": t.limit,
                        "value": value,
                        "met": value is not None and value <= t.limit,
                    }
                )
        for figure in FIGURES:
            key = (setup, scenario, figure)
            value = r.get(figure)
            if value is None:
                failures.append(f"{setup}/{scenario}: {figure} not measured")
                continue
            if key not in RATCHET:
                continue
            within = value <= RATCHET[key]
            ratchet.append(
                {
                    "setup": setup,
                    "scenario": scenario,
                    "figure": figure,
                    "baseline": BASELINE[key],
                    "ceiling": RATCHET[key],
                    "value": value,
                    "within": within,
                }
            )
            if not within:
                failures.append(
                    f"{setup}/{scenario}: {figure} {value} above its ceiling {RATCHET[key]} "
                    f"(baseline {BASELINE[key]} + {RATCHET_MARGIN:.0%})"
                )
    return {"targets": targets, "ratchet": ratchet, "failures": failures}
