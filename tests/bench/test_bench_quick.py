"""`vtex-linio bench --quick` end to end, so the benchmark cannot rot (issue 13).

The reduced run starts the real service processes (embedded defaults, then RabbitMQ with
`web` + two `worker`s) and both simulators. Nothing here asserts a speed: the run must
complete, count nothing lost or duplicated on the simulators and write both reports.
"""

from __future__ import annotations

import json
from pathlib import Path

from app.cli import main

REQUIRED = ("skus", "wall_s", "notification_p99_ms", "cpu_ms_per_sku", "lost", "duplicated")


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
        assert not result.get("lost") and not result.get("duplicated"), result
        assert result["status"] == "ok" or result["status"].startswith("not run: "), result
    for note in (r for r in results if r["scenario"] == "notifications"):
        assert note["requests"] > 0 and note["service_alive"]
        assert note["notification_p99_ms"] > 0
    assert report["failures"] == []
    markdown = (tmp_path / "REPORT.md").read_text()
    assert "| setup | scenario |" in markdown and report["machine"]["cpu_model"] in markdown
