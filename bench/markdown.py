"""`bench/REPORT.md` from `bench/report.json`: the table, the machine, the settings and a
reading of each number (what bounds it and how far we are from that bound)."""

from __future__ import annotations

from typing import Any

COLUMNS = (
    ("setup", "setup"),
    ("scenario", "scenario"),
    ("skus", "items (SKUs, notifications, orders)"),
    ("wall_s", "wall s"),
    ("notification_p99_ms", "notification p99 ms"),
    ("cpu_ms_per_sku", "connector CPU ms / item"),
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


PROFILED = """\
Profiled with py-spy (`py-spy record --format raw` on the service process at 500
notifications/s) and fixed, in order of what dominated:

1. **The store lookup stampeded the database.** Every time the 2-s token cache expired, every
   request in flight ran its own `find_one` on `stores` (26 % of the process's samples, the
   first item of the profile). Now one lookup per token is in flight and the just-expired
   entry is served meanwhile (`StoreRepository.by_token`, test
   `tests/domain/test_store_token_lookup.py`). Connector CPU per notification went from
   1.14 ms to 0.55 ms and the database's from 1.47 ms to 0.74 ms (same machine, same hour).
2. **The dashboard's pending marks were 80 % of the database's CPU per notification**
   (measured by switching them off: 0.55 → 0.125 ms). SecantusDB spends about 1 ms per upsert
   and a 500-SKU bulk took 1.4 s, holding the next batch's journaled insert (the 200 OK)
   behind it. Marks now go in chunks of 20, and a notification whose every message was
   coalesced (its SKU is already pending) has its mark merged in memory and written at most
   every 5 s (`domain/catalog/intake.py`). Database CPU per notification: 0.74 → 0.35 ms.

What is left per notification is aiohttp's own request handling (accept, parse, respond:
about half of the connector's samples), the group commit's journaled `insert_many` (one
fsync per batch, `j:true`) and, with RabbitMQ, aio-pika's publish with confirm (about
0.5 ms of the web process per message)."""


def reading(report: dict[str, Any]) -> str:
    """What bounds each number and how far from that bound the run was."""
    nproc = report["machine"]["nproc"]
    lines: list[str] = []
    for r in report["scenarios"]:
        where = f"**{r['setup']} / {r['scenario']}**"
        if r["scenario"] == "notifications" and r.get("status") == "ok":
            demand = (
                r["cpu_ms_per_request"]
                + r["database_cpu_ms_per_request"]
                + (r.get("load_generator_cpu_ms_per_request") or 0)
            )
            cores = demand * r["rate_target"] / 1000
            load = r["load_average"]["before"][0]
            lines.append(
                f"- {where}: bound by CPU. Each request costs {demand:.2f} ms of CPU in all "
                f"(service, database, load generator), so {r['rate_target']}/s needs "
                f"{cores:.2f} of the {nproc} cores; the load average was {load} when it "
                f"started, i.e. other work wanted {load:.0f} cores, so our three processes got "
                f"a share, not the cores. Where the share is below the demand requests queue "
                f"and p99 grows to the length of the queue (p99 {r['notification_p99_ms']} "
                f"ms vs the 20-ms budget). On an idle 2-core machine the demand is "
                f"{cores / nproc:.0%} of it and the floor of the answer is one journaled "
                f"group-commit insert (5–8 ms for up to 50 documents, measured isolated) "
                f"plus the HTTP round trip."
            )
        elif r["scenario"] == "orders" and r.get("orders"):
            calls = r.get("linio_calls_until_done", r["linio_calls"])
            throttled = r.get("linio_calls_by_status", {}).get("429", 0)
            if r.get("lost"):
                cause = (
                    ": each process keeps its own request window per seller (no shared "
                    "window on main yet, CLARIFICATIONS §2), so the processes together "
                    "overrun the 30-per-3-s limit and back off"
                    if throttled and r["setup"] == "rabbitmq"
                    else ""
                )
                rate = r["linio_calls"] / max(r["wall_s"], 0.1)
                lines.append(
                    f"- {where}: **did not finish**: {r['lost']} of {r['orders']} orders were "
                    f"not in VTEX after {r['wall_s']} s (counted as lost; "
                    f"{r['duplicated']} duplicated). The connector made {r['linio_calls']} "
                    f"Seller Center calls, {throttled} of them refused as throttled "
                    f"(429){cause}: {rate:.1f} calls/s where Seller Center allows 10/s, so the "
                    f"bound is on our side of the limit — the request window the connector "
                    f"keeps per seller (`app/seller_window.py`: a slot is held from the call "
                    f"until its answer plus 3 s, taken and freed through the database) — "
                    f"and the CPU the connector got on this loaded machine."
                )
                continue
            floor = max(calls - 30, 0) / 10  # 30 requests per 3 s: a burst of 30, then 10/s
            lines.append(
                f"- {where}: bound by Seller Center's 30 requests per 3 s. Until the last "
                f"order was in VTEX the connector made {calls} Seller Center calls (reading "
                f"the orders and their items), which the limit allows in {floor:.1f} s at "
                f"best (a burst of 30, then 10 per second); all "
                f"{r['orders']} orders were in VTEX after {r['wall_s']} s, "
                f"{r['wall_s'] / max(floor, 0.1):.2f}× that floor. VTEX's 50 ms per call "
                f"({r['vtex_calls']} calls, concurrent) is not the bound. Connector CPU "
                f"{r['cpu_ms_per_order']} ms per order."
            )
        elif r.get("status", "").startswith("not run"):
            lines.append(f"- {where}: {r['status']} — no number is claimed.")
    return "\n".join(lines)


def render(report: dict[str, Any]) -> str:
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
    parts += ["## Reading", "", reading(report), "", "## Profiled and fixed", "", PROFILED, ""]
    return "\n".join(parts)
