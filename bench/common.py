"""What every benchmark shares: a throwaway database server and the report writer."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from app.embedded_mongo import EmbeddedMongo

REPORTS = Path(__file__).resolve().parent / "reports"


@asynccontextmanager
async def throwaway_mongo() -> AsyncIterator[str]:
    """MONGODB_URI if set, else an in-memory SecantusDB for the run."""
    if os.environ.get("MONGODB_URI"):
        yield os.environ["MONGODB_URI"]
        return
    server = EmbeddedMongo(":memory:")
    try:
        yield await server.start()
    finally:
        await server.stop()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(latencies: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in latencies]
    return {
        "count": len(ms),
        "mean_ms": round(statistics.fmean(ms), 3) if ms else float("nan"),
        "p50_ms": round(percentile(ms, 50), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "p99_ms": round(percentile(ms, 99), 3),
        "max_ms": round(max(ms), 3) if ms else float("nan"),
    }


def write_report(name: str, result: dict[str, Any], markdown: str) -> Path:
    """JSON for machines and Markdown for people, side by side in bench/reports/."""
    REPORTS.mkdir(exist_ok=True)
    meta = {
        "benchmark": name,
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
    }
    (REPORTS / f"{name}.json").write_text(json.dumps({**meta, **result}, indent=2) + "\n")
    path = REPORTS / f"{name}.md"
    path.write_text(
        f"# {name}\n\n_{meta['at']} · Python {meta['machine']['python']} · "
        f"{meta['machine']['cpus']} CPUs_\n\n{markdown}\n"
    )
    return path
