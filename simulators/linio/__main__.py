"""`python -m simulators.linio`: Seller Center for sandbox use, until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from simulators.linio import LinioSimulator, SimSeller


def main() -> None:
    parser = argparse.ArgumentParser(description="Linio Seller Center simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8701)
    parser.add_argument(
        "--seller",
        action="append",
        default=[],
        help="user@example.com:API_KEY:SELLER_ID:COUNTRY (repeatable)",
    )
    parser.add_argument("--feed-delay", type=float, default=0.05, help="seconds per feed")
    args = parser.parse_args()
    sellers = []
    for spec in args.seller or ["seller@example.com:sandbox-key:SANDBOX:MX"]:
        user, key, seller_id, country = spec.rsplit(":", 3)
        sellers.append(SimSeller(user_id=user, api_key=key, seller_id=seller_id, country=country))

    async def run() -> None:
        sim = LinioSimulator(sellers, feed_delay=args.feed_delay)
        url = await sim.start(args.host, args.port)
        try:
            print(
                f"Seller Center simulator on {url} for {', '.join(s.user_id for s in sellers)}",
                flush=True,
            )
            await asyncio.Event().wait()
        finally:
            await sim.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


if __name__ == "__main__":
    main()
