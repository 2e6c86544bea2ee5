"""`bench/REPORT.md` from `bench/report.json`: the table, the machine, the settings and a
reading of each number (what bounds it and how far we are from that bound)."""

from __future__ import annotations

from typing import Any

COLUMNS = (
    ("setup", "setup"),
    ("scenario", "scenario"),
    ("skus", "SKUs / items"),
    ("wall_s", "wall s"),
    ("notification_p99_ms", "notification p99 ms"),
    ("cpu_ms_per_sku", "CPU ms / SKU"),
    ("lost", "lost"),
    ("duplicated", "duplicated"),
    ("status", "status"),
)


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _table(results: list[dict[str, Any]]) -> str:
    head = "| " + " | ".join(title for _, title in COLUMNS) + " |"
    rule = "|" + "---|" * len(COLUMNS)
    rows = ["| " + " | ".join(_cell(r.get(key)) for key, _ in COLUMNS) + " |" for r in results]
    return "\n".join([head, rule, *rows])


def _notifications(r: dict[str, Any]) -> str:
    phases = r.get("phases", {})
    lines = [
        f"**{r['setup']} — notification response time** ({r['requests']} requests, open loop "
        f"at {r['rate_target']}/s; load average {r['load_average']['before'][0]} → "
        f"{r['load_average']['after'][0]}):",
        "",
        "| phase | requests | achieved/s | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, p in phases.items():
        lat = p["latency"]
        lines.append(
            f"| {name} | {p['requests']} | {p['achieved_rate']} | "
            f"{sum(p['errors'].values())} | {lat['p50_ms']} | {lat['p95_ms']} | "
            f"{lat['p99_ms']} | {lat['max_ms']} |"
        )
    by_process = ", ".join(
        f"{role} {ms}" for role, ms in r.get("cpu_ms_per_request_by_process", {}).items()
    )
    lines += [
        "",
        f"CPU per request: connector {r['cpu_ms_per_request']} ms ({by_process}), database "
        f"{r['database_cpu_ms_per_request']} ms, load generator "
        f"{r.get('load_generator_cpu_ms_per_request', '—')} ms. "
        "Budget p99 < 20 ms at 500/s with 0 errors: "
        f"**{'met' if r['budget_met'] else 'not met'}** (p99 {r['notification_p99_ms']} ms).",
    ]
    return "\n".join(lines)


def _orders(r: dict[str, Any]) -> str:
    if not r.get("status", "").startswith(("ok", "timed")):
        return f"**{r['setup']} — orders**: {r['status']}."
    return (
        f"**{r['setup']} — orders**: {r['orders']} paid Linio orders made at once; all in "
        f"VTEX after {r['wall_s']} s ({r['orders_per_s']} orders/s), {r['lost']} lost, "
        f"{r['duplicated']} duplicated (counted in the VTEX simulator's order book by "
        f"marketplace order id). Connector CPU {r['cpu_ms_per_order']} ms per order. "
        f"Calls: VTEX {r['vtex_calls']}, Seller Center {r['linio_calls']}."
    )


def render(report: dict[str, Any], reading: str = "") -> str:
    m = report["machine"]
    sims = report["simulators"]
    results = report["scenarios"]
    parts = [
        "# Homologation benchmark (issue 13)",
        "",
        f"Run `{report.get('command', 'vtex-linio bench')}` at {report['started_at']} UTC, "
        f"{report['total_s']} s in all. Raw numbers: [`report.json`](report.json).",
        "",
        f"**Machine**: {m['nproc']} CPUs ({m['cpu_model']}), {m['memory_gib']} GiB memory, "
        f"Python {m['python']}; shared with other developers — load average at the end "
        f"{report['load_average_end']} (each scenario's is in `report.json`).",
        "",
        "**Simulator settings**: " + "; ".join(f"{k} = {v}" for k, v in sims.items()) + ".",
        "",
        _table(results),
        "",
    ]
    for r in results:
        if r["scenario"] == "notifications" and r.get("status") == "ok":
            parts += [_notifications(r), ""]
        elif r["scenario"] == "orders":
            parts += [_orders(r), ""]
        elif r.get("status", "").startswith("not run"):
            parts += [f"**{r['setup']} — {r['scenario']}**: {r['status']}.", ""]
    if report.get("failures"):
        parts += ["**Failures**: " + "; ".join(report["failures"]), ""]
    if reading:
        parts += ["## Reading", "", reading.strip(), ""]
    return "\n".join(parts)
