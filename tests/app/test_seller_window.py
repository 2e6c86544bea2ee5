"""The seller's request window shared through MongoDB, measured on the simulator."""

from __future__ import annotations

import asyncio

import aiohttp

from app.runtime import Runtime
from app.seller_window import SELLER_WINDOWS, SharedWindow
from simulators.linio import LinioSimulator, SimSeller
from simulators.linio.connect import sandbox_client

SELLER = SimSeller(user_id="ops@acme.mx", api_key="KEY-window", seller_id="ACME01", country="MX")


async def test_two_processes_sharing_the_window_never_exceed_it(runtime: Runtime) -> None:
    """Two clients with their own limiter objects (as in two processes), one window."""
    async with (
        LinioSimulator([SELLER], rate_limit=(1000, 3.0)) as sim,
        aiohttp.ClientSession() as http,
    ):
        collection = runtime.storage.db[SELLER_WINDOWS]
        clients = [
            sandbox_client(
                sim.url, http, SELLER, limiter=SharedWindow(collection, "mx:ACME01", 5, 0.5)
            )
            for _ in range(2)
        ]
        await asyncio.gather(*(c.get_brands() for c in clients for _ in range(15)))
        assert len(sim.requests) == 30
        assert sim.max_in_window(SELLER.user_id, 0.5) <= 5
        # (With a window per client, as without sharing, the simulator sees 10.)
