"""`vtex-linio bench --quick` end to end, so the benchmark cannot rot (issue 13).

The reduced run starts the real service processes (embedded defaults, then RabbitMQ with
`web` + two `worker`s) and both simulators. Nothing here asserts a speed: the run must
complete (at least 500 SKUs on the initial load, every scenario settled), count nothing lost
or duplicated on the simulators, write both reports and pass the count gate
(`bench.targets`: database commands, documents written and VTEX calls per item, counted by
the service's processes, never above their ratchet ceilings).
"""

from __future__ import annotations

import json
from pathlib import Path

from app.cli import main

REQUIRED = (
    "skus",
    "wall_s",
    "notification_p99_ms",
    "cpu_ms_per_sku",
    "lost",
    "duplicated",
    "database_ops_per_item",
    "documents_written_per_item",
    "vtex_calls_per_sku",
    "counts_by_pipeline",
    "periodic_counts",
)


def test_quick_bench_runs_both_setups_and_writes_the_reports(tmp_path: Path) -> None:
    assert main(["bench", "--quick", "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    results = report["scenarios"]
    assert {(r["setup"], r["scenario"]) for r in results} == {
        (setup, scenario)
        for setup in ("embedded", "rabbitmq")
        for scenario in ("notifications", "initial_load", "price_stock", "orders")
    }
    for result in results:
        assert all(key in result for key in REQUIRED), result
        assert result["simulators"]["vtex_latency_s"] == 0.05
        assert result["simulators"]["vtex_simulation_item_latency_s"] == 0.002
        assert result["database_ops_per_item"] > 0 and result["documents_written_per_item"] > 0
        assert not set(result["counts_by_pipeline"]) & {"periodic", "status"}, result
        assert not result.get("lost") and not result.get("duplicated"), result
        assert result["status"] == "ok" or result["status"].startswith("not run: "), result
    for note in (r for r in results if r["scenario"] == "notifications"):
        assert note["requests"] > 0 and note["service_alive"]
        assert note["notification_p99_ms"] > 0
    assert report["failures"] == []
    for load in (r for r in results if r["scenario"] == "initial_load"):
        assert load["skus"] >= 500 and load["status"] == "ok", load
        assert load["counts_by_pipeline"]["catalog"]["vtex_calls"] == load["vtex_calls"]
    gate = report["count_gate"]
    assert gate["failures"] == [], gate["failures"]
    assert len(gate["ratchet"]) == len(results) * 3  # every figure of every scenario gated
    assert {t["figure"] for t in gate["targets"]} == {
        "database_ops_per_item",
        "documents_written_per_item",
        "vtex_calls_per_sku",
    }
    markdown = (tmp_path / "REPORT.md").read_text()
    assert "| setup | scenario |" in markdown and report["machine"]["cpu_model"] in markdown
    assert "DB commands / item" in markdown and "## Counts" in markdown
