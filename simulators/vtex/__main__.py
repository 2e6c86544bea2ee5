"""``python -m simulators.vtex``: a VTEX account for the sandbox, until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os

from simulators.vtex.server import DEFAULT_APP_TOKEN, VtexSimulator, mask


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m simulators.vtex", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8702)
    parser.add_argument("--account", default="acme")
    parser.add_argument("--skus", type=int, default=200, help="SKUs to generate")
    parser.add_argument("--faulty-share", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    parser.add_argument("--app-key", default=None)
    parser.add_argument(
        "--affiliate", default=None, help="register this affiliate id (3 consonants)"
    )
    parser.add_argument("--search-endpoint", default=None, help="the affiliate's Search Endpoint")
    parser.add_argument("--divergence-rule", choices=("manual", "authorize", "deny"), default=None)
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    token = os.environ.get("VTEX_SIM_APP_TOKEN", DEFAULT_APP_TOKEN)
    sim = VtexSimulator(
        args.account, app_key=args.app_key, app_token=token, latency=args.latency, seed=args.seed
    )
    sim.catalog.generate(args.skus, args.faulty_share)
    sim.price_divergence_rule = args.divergence_rule
    if args.affiliate:
        sim.register_affiliate(args.affiliate, search_uri_endpoint=args.search_endpoint)
    url = await sim.start(args.host, args.port)
    print(
        f"VTEX simulator for account {args.account!r} at {url}\n"
        f"  {len(sim.catalog.skus)} SKUs ({len(sim.catalog.faults)} faulty), "
        f"trade policy {sim.catalog.trade_policy}\n"
        f"  X-VTEX-API-AppKey: {sim.app_key}\n"
        f"  X-VTEX-API-AppToken: {mask(token)} (set VTEX_SIM_APP_TOKEN to choose it)",
        flush=True,
    )
    try:
        await asyncio.Event().wait()
    finally:
        await sim.stop()


def main(argv: list[str] | None = None) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
