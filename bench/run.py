"""`vtex-linio bench`: the homologation benchmark (issue 13), unattended.

For each setup (embedded defaults; RabbitMQ with `web` + two `worker` processes) it starts
the simulators with the stated settings (`bench.scenarios.SIMULATOR_SETTINGS`), the service,
and runs the scenarios; then writes `bench/report.json` and `bench/REPORT.md`. The exit
status is 1 when any SKU, change or order is lost or duplicated (counted on the
simulators), 0 otherwise. `report.json`'s `count_gate` holds the count gate
(`bench.targets`), which CI's reduced run asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import secrets
import sys
import time
from pathlib import Path
from typing import Any

from bench import scenarios, targets
from bench.harness import DEFAULT_AMQP_URL, load_average, machine, run_service
from bench.markdown import render
from simulators.linio import LinioSimulator, SimSeller
from simulators.vtex import VtexSimulator

BENCH_DIR = Path(__file__).resolve().parent
SETUPS = ("embedded", "rabbitmq")


# The notification load goes last: with RabbitMQ nothing coalesces its thousands of
# repeated messages, and the workers still reading them would slow the other scenarios.
SCENARIOS = ("initial_load", "price_stock", "orders", "notifications")


async def run_setup(
    setup: str, size: scenarios.Size, amqp_url: str, only: tuple[str, ...] = SCENARIOS
) -> list[dict[str, Any]]:
    settings = scenarios.SIMULATOR_SETTINGS
    run_id = secrets.token_hex(4)
    seller, notify_seller = (
        SimSeller(
            user_id=f"{name}-{run_id}@example.com",
            api_key=secrets.token_urlsafe(24),
            seller_id=f"{name}{run_id}".upper(),
            country="MX",
        )
        for name in ("bench", "notify")
    )
    results: list[dict[str, Any]] = []
    async with (
        VtexSimulator(
            "benchstore",
            seed=13,
            latency=settings["vtex_latency_s"],
            simulation_item_latency=settings["vtex_simulation_item_latency_s"],
        ) as vtex,
        LinioSimulator(
            [seller, notify_seller],
            feed_delay=settings["linio_feed_delay_s"],
            feed_delay_per_product=settings["linio_feed_delay_per_product_s"],
            qc_delay=settings["linio_qc_delay_s"],
        ) as linio,
    ):
        vtex.catalog.generate(n_skus=size.skus, faulty_share=settings["faulty_sku_share"])
        notify = scenarios.notify_store(run_id, linio, notify_seller)
        flow = scenarios.flow_store(run_id, vtex, linio, seller)
        prepare = scenarios.catalog_prepare(flow, vtex)
        async with run_service(
            setup, [notify, flow], amqp_url=amqp_url, prepare=prepare
        ) as service:
            await scenarios.register_webhook(service, flow, linio, seller)
            admin = (service.settings.admin_user, service.settings.admin_password or "")
            search_endpoint, _ = flow.endpoints(service.url)
            vtex.register_affiliate(
                flow.affiliate_id,
                sales_channel=flow.sales_channel,
                search_uri_endpoint=search_endpoint,
            )
            # The calls above (ours, outside the service's window) leave the seller's window
            # before the scenarios count it.
            await asyncio.sleep(linio.rate_limit[1] + 0.1)
            steps = {
                "notifications": lambda: scenarios.notifications(service, notify, size),
                "initial_load": lambda: scenarios.initial_load(
                    service, flow, vtex, linio, seller, size, admin
                ),
                "price_stock": lambda: scenarios.price_stock(
                    service, flow, vtex, linio, seller, size
                ),
                "orders": lambda: scenarios.orders(service, flow, vtex, linio, seller, size),
            }
            loaded = False
            for name in SCENARIOS:
                if name not in only:
                    continue
                if name == "price_stock" and not loaded:
                    results.append(
                        {
                            **scenarios.not_run(name, size.changes, "needs the initial load"),
                            "setup": setup,
                        }
                    )
                    continue
                settled_s = await scenarios.settle(service, flow, admin, limit=120.0)
                load_before = load_average()
                began = time.perf_counter()
                try:
                    result = await steps[name]()
                except Exception as exc:  # one broken scenario must not hide the others
                    result = scenarios.not_run(name, 0, f"failed: {type(exc).__name__}: {exc}")
                    result["lost"] = None
                    result["failed"] = True
                if name == "initial_load":
                    loaded = result.get("status") == "ok"
                result["setup"] = setup
                result["load_average"] = {"before": load_before, "after": load_average()}
                result["scenario_s"] = round(time.perf_counter() - began, 1)
                result["settled_before_s"] = settled_s
                result["service_alive"] = service.alive()
                results.append(result)
            if results:
                results[-1]["peak_memory_mib"] = service.peak_memory_mib()
    return results


def failures(results: list[dict[str, Any]]) -> list[str]:
    """What makes the run fail: anything lost or duplicated, a service that died."""
    bad = []
    for r in results:
        where = f"{r['setup']}/{r['scenario']}"
        if r.get("lost"):
            bad.append(f"{where}: {r['lost']} lost")
        if r.get("duplicated"):
            bad.append(f"{where}: {r['duplicated']} duplicated")
        if r.get("failed"):
            bad.append(f"{where}: {r['status']}")
        if r.get("service_alive") is False:
            bad.append(f"{where}: a service process died")
    return bad


async def run(
    size: scenarios.Size,
    setups: tuple[str, ...],
    amqp_url: str,
    out: Path,
    only: tuple[str, ...] = SCENARIOS,
    command: str = "vtex-linio bench",
) -> tuple[dict[str, Any], list[str]]:
    began = time.perf_counter()
    report: dict[str, Any] = {
        "command": command,
        "machine": machine(),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "size": size.__dict__,
        "simulators": scenarios.SIMULATOR_SETTINGS,
        "scenarios": [],
    }
    for setup in setups:
        report["scenarios"] += await run_setup(setup, size, amqp_url, only)
    report["total_s"] = round(time.perf_counter() - began, 1)
    report["load_average_end"] = load_average()
    bad = failures(report["scenarios"])
    report["failures"] = bad
    report["count_gate"] = targets.gate(report["scenarios"])
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    (out / "REPORT.md").write_text(render(report))
    return report, bad


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quick", action="store_true", help="reduced run (520 SKUs, 50 orders, 5-s load)"
    )
    parser.add_argument("--setup", choices=(*SETUPS, "both"), default="both")
    parser.add_argument(
        "--only",
        action="append",
        choices=("notifications", "initial_load", "price_stock", "orders"),
        help="run only these scenarios (repeatable; for development)",
    )
    parser.add_argument("--skus", type=int, help="override the SKU count (for development)")
    parser.add_argument("--orders", type=int, help="override the order count")
    parser.add_argument(
        "--timeout-scale",
        type=float,
        default=1.0,
        help="multiply every scenario's timeout (default keeps the whole run near 10 min)",
    )
    parser.add_argument("--amqp-url", default=DEFAULT_AMQP_URL)
    parser.add_argument(
        "--out", type=Path, default=BENCH_DIR, help="where report.json and REPORT.md go"
    )


def main(args: argparse.Namespace) -> int:
    size = scenarios.QUICK if args.quick else scenarios.FULL
    overrides: dict[str, float] = {}
    if args.skus:
        overrides |= {"skus": args.skus, "changes": args.skus, "notifications": args.skus}
    if args.orders:
        overrides["orders"] = args.orders
    if args.timeout_scale != 1.0:
        overrides |= {
            name: getattr(size, name) * args.timeout_scale
            for name in ("load_timeout_s", "changes_timeout_s", "orders_timeout_s")
        }
    if overrides:
        size = dataclasses.replace(size, **overrides)
    setups = SETUPS if args.setup == "both" else (args.setup,)
    report, bad = asyncio.run(
        run(
            size,
            setups,
            args.amqp_url,
            args.out,
            tuple(args.only or SCENARIOS),
            command=" ".join(["vtex-linio", *sys.argv[1:]]),
        )
    )
    print(f"bench: {args.out / 'REPORT.md'} ({report['total_s']} s)")
    for line in bad:
        print(f"FAILED {line}")
    return 1 if bad else 0
