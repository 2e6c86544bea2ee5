"""Notification endpoint under load: p99 latency at a fixed arrival rate, errors counted.

Budget (DESIGN.md): p99 under 20 ms at 500 requests/s with 0 errors. The load is open-loop
(requests start on schedule whether or not earlier ones finished), so a slow server shows
up as latency instead of silently lowering the rate.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor

import aiohttp
from aiohttp import web

from app.runtime import open_runtime
from app.settings import Settings
from app.web import create_app
from bench.common import summary_ms, throwaway_mongo, write_report
from bench.harness import cpu_seconds
from domain.stores import Store, StoreCredentials


def generate_load(
    url: str, rate: int, seconds: float, skus: int
) -> tuple[list[float], dict[str, int], float]:
    """Runs in its own process, so the load generator does not steal the server's loop."""
    return asyncio.run(_load(url, rate, seconds, skus))


async def _load(
    url: str, rate: int, seconds: float, skus: int
) -> tuple[list[float], dict[str, int], float]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    total = int(rate * seconds)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        async def one(i: int) -> None:
            body = {
                "IdSku": str(1 + i % skus),
                "An": "bench",
                "IdAffiliate": "LMX",
                "ProductId": 1 + i % skus,
                "IsActive": True,
                "StockModified": True,
                "PriceModified": i % 3 == 0,
                "HasStockKeepingUnitModified": i % 7 == 0,
            }
            start = time.perf_counter()
            try:
                async with session.post(url, json=body) as response:
                    await response.read()
                    if response.status != 200:
                        errors[str(response.status)] = errors.get(str(response.status), 0) + 1
            except Exception as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
            latencies.append(time.perf_counter() - start)

        tasks = []
        began = time.perf_counter()
        for i in range(total):
            delay = began + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i)))
        await asyncio.gather(*tasks)
        return latencies, errors, time.perf_counter() - began


async def run(
    rate: int, seconds: float, skus: int, amqp_url: str | None, database: str = "memory"
) -> dict:
    """`database`: "memory" (a throwaway in-memory SecantusDB), "embedded" (the service's
    default: SecantusDB on disk under DATA_DIR, writes journaled with j:true) or
    "embedded-unjournaled" (the same without j:true, to measure what durability costs)."""
    import app.storage

    app.storage.JOURNALED_WRITES = database != "embedded-unjournaled"
    async with throwaway_mongo() as mongo_uri:
        embedded = database != "memory"
        settings = Settings.from_env(
            {
                **({} if embedded else {"MONGODB_URI": mongo_uri}),
                "MONGODB_DB": "bench_notifications",
                "DATA_DIR": tempfile.mkdtemp(),
                "SECRET_KEY": "bench-secret-key-0123456789",
                "ADMIN_PASSWORD": "bench-password",
                "LOG_LEVEL": "WARNING",
                **({"AMQP_URL": amqp_url} if amqp_url else {}),
            }
        )
        async with open_runtime(settings) as runtime:
            # emptied, not dropped: dropping took its indexes, and every pending mark then
            # scanned the collection (28 ms of database CPU per notification at 3,000 SKUs)
            await runtime.storage.db["sku_states"].delete_many({})
            store = Store(
                store_id="bench-mx",
                account="bench",
                affiliate_id="LMX",
                sales_channel="1",
                country="MX",
                linio_user_id="b@bench.mx",
                credentials=StoreCredentials(linio_api_key="k"),
            )
            await runtime.stores.upsert(store)
            runner = web.AppRunner(create_app(settings, runtime=runtime), access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            url = f"http://127.0.0.1:{port}/vtex/{store.notification_token}/catalog/notification"
            loop = asyncio.get_running_loop()
            database_pid = runtime.storage.embedded.pid if runtime.storage.embedded else None
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
                # the load generator's process is started before the clock, not counted
                await loop.run_in_executor(pool, os.getpid)
                cpu_before = cpu_seconds(os.getpid()), _cpu(database_pid)
                latencies, errors, elapsed = await loop.run_in_executor(
                    pool, generate_load, url, rate, seconds, skus
                )
                cpu_answered = cpu_seconds(os.getpid()), _cpu(database_pid)
                await runtime.intake.flush()  # the pending marks are part of the cost
                cpu_after = cpu_seconds(os.getpid()), _cpu(database_pid)
            total = len(latencies)
            accepted = max(1, total - sum(errors.values()))
            cpu_ms = {
                "service": round((cpu_after[0] - cpu_before[0]) * 1000 / accepted, 3),
                "database": round((cpu_after[1] - cpu_before[1]) * 1000 / accepted, 3),
                # of which until the last answer (the rest: pending marks written after)
                "service_answering": round((cpu_answered[0] - cpu_before[0]) * 1000 / accepted, 3),
                "database_answering": round((cpu_answered[1] - cpu_before[1]) * 1000 / accepted, 3),
            }
            queued = await runtime.broker.depth("stock.bench-mx")
            await runner.cleanup()
            await runtime.storage.client.drop_database("bench_notifications")
    return {
        "rate_target": rate,
        "seconds": seconds,
        "requests": total,
        "achieved_rate": round(total / elapsed, 1),
        "errors": errors,
        "latency": summary_ms(latencies),
        "distinct_skus": skus,
        "stock_messages_queued": queued,
        "cpu_ms_per_accepted": cpu_ms,
        "broker": "rabbitmq" if amqp_url else "in-process",
        "database": database,
    }


def _cpu(pid: int | None) -> float:
    return cpu_seconds(pid) if pid is not None else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--skus", type=int, default=5000)
    parser.add_argument("--amqp-url", default=os.environ.get("AMQP_URL"))
    parser.add_argument(
        "--database", choices=("memory", "embedded", "embedded-unjournaled"), default="memory"
    )
    args = parser.parse_args()
    result = asyncio.run(
        run(args.rate, args.seconds, args.skus, args.amqp_url, database=args.database)
    )
    lat, cpu = result["latency"], result["cpu_ms_per_accepted"]
    ok = lat["p99_ms"] < 20 and not result["errors"]
    markdown = (
        f"Open-loop load on `POST /vtex/{{token}}/catalog/notification` ({result['broker']} "
        f"broker, SecantusDB `{result['database']}`, one process on this machine).\n\n"
        f"| target rate | achieved | requests | errors | p50 | p95 | p99 | max |\n"
        f"|---|---|---|---|---|---|---|---|\n"
        f"| {result['rate_target']}/s | {result['achieved_rate']}/s | {result['requests']} | "
        f"{sum(result['errors'].values())} | {lat['p50_ms']} ms | {lat['p95_ms']} ms | "
        f"{lat['p99_ms']} ms | {lat['max_ms']} ms |\n\n"
        f"Budget: p99 < 20 ms at 500/s, 0 errors — **{'met' if ok else 'NOT met'}**.\n"
        f"CPU per accepted notification: service {cpu['service']} ms, database "
        f"{cpu['database']} ms, of which until the last answer {cpu['service_answering']} + "
        f"{cpu['database_answering']} ms, the rest the pending marks (from /proc; the load "
        f"generator's own process not counted).\n"
        f"Repeated notifications of a SKU coalesce: {result['stock_messages_queued']} stock "
        f"messages were queued for {result['distinct_skus']} distinct SKUs.\n"
    )
    suffix = "" if args.database == "memory" else f"_{args.database}"
    path = write_report(f"notification_endpoint_{result['broker']}{suffix}", result, markdown)
    print(path.read_text())


if __name__ == "__main__":
    main()
