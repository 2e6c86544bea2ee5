"""The dashboard's log page over 100,000 seller-log entries.

Budget (issue 12): the log page answers within a second with 100,000 entries. Measured
here, never asserted in a test: each scenario (no filter, a store, a store + status, a
SKU, a period, page 20 reached through the cursor, the CSV export of a filtered view) is
requested `--repeat` times over HTTP by a signed-in session against the real service and
its database (embedded SecantusDB unless MONGODB_URI is set); the report gives p50, p95
and max per scenario.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import tempfile
import time
from typing import Any

import aiohttp
from aiohttp import web

from app.runtime import open_runtime
from app.settings import Settings
from app.storage import LOGS
from app.web import create_app
from bench.common import summary_ms, throwaway_mongo, write_report
from domain.stores import Store

STORES = ("acme-mx", "acme-cl", "bolt-co")
FLOWS = ("catalog", "price", "stock", "order", "order-status")
STATUSES = ("success",) * 8 + ("error", "warning")
CODES = {"success": "S1", "error": "E1", "warning": "A3"}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def entries(n: int, now: dt.datetime) -> list[dict[str, Any]]:
    """`n` entries over the last 30 days, spread over stores, flows, statuses and SKUs."""
    docs = []
    for i in range(n):
        status = STATUSES[i % len(STATUSES)]
        docs.append(
            {
                "_id": f"bench{i:07d}",
                "store_id": STORES[i % len(STORES)],
                "at": now - dt.timedelta(seconds=i * 26),
                "flow": FLOWS[i % len(FLOWS)],
                "code": CODES[status],
                "Status": status,
                "sku_id": str(i % 5000),
                "order_id": None,
                "Operation": "Catalog change",
                "Direction": "VTEX to Marketplace",
                "ContentSource": f'{{"IdSku": "{i % 5000}", "phone": "5512345678"}}',
                "ContentTranslated": "",
                "ContentDestination": "<SuccessResponse/>",
                "BusinessMessage": f"The SKU {i % 5000} was updated",
                "Message": {"es": f"SKU {i % 5000} actualizado", "en": f"SKU {i % 5000} updated"},
                "Action": {"es": "Nada que hacer.", "en": "Nothing to do."},
                "extra": {},
            }
        )
    return docs


async def timed(session: aiohttp.ClientSession, url: str, repeat: int) -> tuple[list[float], int]:
    latencies, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        async with session.get(url) as response:
            body = await response.read()
            assert response.status == 200, (url, response.status)
        latencies.append(time.perf_counter() - start)
        size = len(body)
    return latencies, size


async def run(total: int, repeat: int) -> dict[str, Any]:
    async with throwaway_mongo() as uri:
        with tempfile.TemporaryDirectory() as data_dir:
            settings = Settings.from_env(
                {
                    "MONGODB_URI": uri,
                    "MONGODB_DB": "bench_log_page",
                    "DATA_DIR": data_dir,
                    "ADMIN_PASSWORD": "bench-password",
                    "LOG_LEVEL": "WARNING",
                }
            )
            async with open_runtime(settings) as runtime:
                db = runtime.storage.db
                await db[LOGS].delete_many({})
                for store_id, affiliate in zip(STORES, ("LMX", "LCL", "LCB"), strict=True):
                    account, country = store_id.split("-")
                    await runtime.stores.upsert(
                        Store(
                            store_id=store_id,
                            account=account,
                            affiliate_id=affiliate,
                            sales_channel="1",
                            country=country.upper(),
                            linio_user_id=f"ops@{account}.example",
                        )
                    )
                now = dt.datetime.now(dt.UTC)
                started = time.perf_counter()
                docs = entries(total, now)
                for i in range(0, total, 5000):
                    await db[LOGS].insert_many(docs[i : i + 5000], ordered=False)
                load_seconds = time.perf_counter() - started
                TOTAL[0], REPEAT[0], LOAD[0] = total, repeat, round(load_seconds, 1)
                runner = web.AppRunner(create_app(settings, runtime=runtime), access_log=None)
                await runner.setup()
                site = web.TCPSite(runner, "127.0.0.1", 0)
                await site.start()
                port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
                base = f"http://127.0.0.1:{port}"
                jar = aiohttp.CookieJar(unsafe=True)
                try:
                    async with aiohttp.ClientSession(cookie_jar=jar) as session:
                        form = await (await session.get(f"{base}/login")).text()
                        csrf = _CSRF.search(form).group(1)  # type: ignore[union-attr]
                        await session.post(
                            f"{base}/login",
                            data={
                                "user": "admin",
                                "password": "bench-password",
                                "csrf_token": csrf,
                            },
                        )
                        since = (now - dt.timedelta(days=3)).date().isoformat()
                        scenarios = {
                            "first page, no filter": "/admin/logs",
                            "one store": "/admin/logs?store=acme-mx",
                            "store + status error": "/admin/logs?store=acme-mx&status=error",
                            "store + flow + code": "/admin/logs?store=acme-cl&flow=price&code=S1",
                            "one SKU": "/admin/logs?store=acme-mx&sku=42",
                            "last 3 days": f"/admin/logs?since={since}",
                        }
                        results: dict[str, Any] = {}
                        for name, path in scenarios.items():
                            latencies, size = await timed(session, base + path, repeat)
                            results[name] = {"path": path, "bytes": size, **summary_ms(latencies)}
                        # page 20 of one store, reached through the cursor links
                        path = "/admin/logs?store=acme-mx"
                        for _ in range(19):
                            html = await (await session.get(base + path)).text()
                            found = re.search(r'href="([^"]+)" id="next-page"', html)
                            assert found, "the cursor ended early"
                            path = found.group(1).replace("&amp;", "&")
                        latencies, size = await timed(session, base + path, repeat)
                        results["page 20 of one store (cursor)"] = {
                            "path": "…&after=<cursor>",
                            "bytes": size,
                            **summary_ms(latencies),
                        }
                        csv_path = "/admin/logs.csv?store=acme-mx&status=error"
                        latencies, size = await timed(session, base + csv_path, max(2, repeat // 3))
                        results["CSV export, store + status error"] = {
                            "path": csv_path,
                            "bytes": size,
                            **summary_ms(latencies),
                        }
                        # last: the heaviest page, and the one a crash would cut short
                        write_report("log_page", partial(results), markdown(partial(results)))
                        try:
                            latencies, size = await timed(
                                session, base + "/admin", max(2, repeat // 3)
                            )
                            results["overview page (3 stores, 14-day chart)"] = {
                                "path": "/admin",
                                "bytes": size,
                                **summary_ms(latencies),
                            }
                        except Exception as exc:  # reported, not hidden
                            results["overview page (3 stores, 14-day chart)"] = {
                                "path": "/admin",
                                "failed": f"{type(exc).__name__}: {exc}"[:200],
                            }
                finally:
                    await runner.cleanup()
    return {
        "entries": total,
        "repeat": repeat,
        "load_seconds": round(load_seconds, 1),
        "database": "MONGODB_URI" if os.environ.get("MONGODB_URI") else "embedded SecantusDB",
        "scenarios": results,
    }


def partial(results: dict[str, Any]) -> dict[str, Any]:
    return {"entries": TOTAL[0], "repeat": REPEAT[0], "load_seconds": LOAD[0],
            "database": "see the final report", "scenarios": dict(results)}  # fmt: skip


TOTAL, REPEAT, LOAD = [0], [0], [0.0]


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"# Log page over {result['entries']:,} entries",
        "",
        f"Budget: the page answers within 1 s. {result['repeat']} requests per scenario, "
        f"signed-in session over HTTP, database {result['database']}; inserting the entries "
        f"took {result['load_seconds']} s.",
        "",
        "| Scenario | p50 ms | p95 ms | max ms | bytes |",
        "|---|---|---|---|---|",
    ]
    for name, row in result["scenarios"].items():
        if "failed" in row:
            lines.append(f"| {name} | failed: {row['failed']} | | | |")
            continue
        lines.append(
            f"| {name} | {row['p50_ms']} | {row['p95_ms']} | {row['max_ms']} | {row['bytes']:,} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    result = asyncio.run(run(args.entries, args.repeat))
    path = write_report("log_page", result, markdown(result))
    print(markdown(result))
    print(f"report: {path}")


if __name__ == "__main__":
    main()
