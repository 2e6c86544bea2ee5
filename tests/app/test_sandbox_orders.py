"""Sandbox mode: Linio orders made in the simulated Seller Center reach the simulated VTEX."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from app.embedded_mongo import free_port
from app.runtime import open_runtime
from app.sandbox import SANDBOX_STORE, run_sandbox
from app.settings import Settings
from app.storage import ORDERS
from app.web import create_app
from app.worker import Worker
from handlers.consumers import CONSUMERS


async def test_sandbox_orders_flow_end_to_end(settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    settings = settings.with_(public_base_url=f"http://127.0.0.1:{port}")
    async with open_runtime(settings) as runtime, run_sandbox(runtime) as sandbox:
        client = TestClient(TestServer(create_app(settings, runtime=runtime), port=port))
        await client.start_server()
        worker = Worker(runtime, CONSUMERS)
        await worker.start()
        try:
            made = sandbox.demo_orders(paid=2, unpaid=1)
            orders = runtime.storage.db[ORDERS]

            async def states() -> dict[str, str]:
                docs = await orders.find({"store_id": SANDBOX_STORE}).to_list()
                return {d["linio_order_id"]: d.get("state") for d in docs}

            expected = {made[0]: "approved", made[1]: "approved", made[2]: "integrated"}
            for _ in range(300):
                if await states() == expected:
                    break
                await asyncio.sleep(0.05)
            assert await states() == expected
            sandbox.linio.mark_paid(sandbox.seller.user_id, made[2])
            for _ in range(300):
                if (await states())[made[2]] == "approved":
                    break
                await asyncio.sleep(0.05)
            assert (await states())[made[2]] == "approved"
            assert len(list(sandbox.vtex.orders)) == 3
        finally:
            await worker.stop()
            await client.close()
            await sandbox.linio.settle()
