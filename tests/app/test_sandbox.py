"""Sandbox mode: the service wired to its own simulators, as `SANDBOX=1 make serve` runs it."""

from __future__ import annotations

from pathlib import Path

from aiohttp import encode_basic_auth
from aiohttp.test_utils import TestClient, TestServer

from app.broker import queue_name
from app.embedded_mongo import free_port
from app.runtime import open_runtime
from app.sandbox import SANDBOX_STORE, run_sandbox
from app.settings import Settings
from app.web import create_app


async def test_sandbox_catalog_change_reaches_the_service(
    settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    settings = settings.with_(public_base_url=f"http://127.0.0.1:{port}")
    async with open_runtime(settings) as runtime, run_sandbox(runtime) as sandbox:
        client = TestClient(TestServer(create_app(settings, runtime=runtime), port=port))
        await client.start_server()
        try:
            store = await runtime.stores.get(SANDBOX_STORE)
            assert store.vtex_base_url == sandbox.vtex.url
            assert store.linio_base_url == sandbox.linio.url
            sku = sandbox.vtex.catalog.healthy_sku_ids()[0]
            [delivery] = await sandbox.vtex.change_sku(sku, stock=9)
            assert delivery.status == 200, delivery.response
            assert await runtime.broker.depth(queue_name("stock", SANDBOX_STORE)) == 1
            page = await client.get(
                "/admin",
                headers={"Authorization": encode_basic_auth("admin", settings.admin_password)},
            )
            assert SANDBOX_STORE in await page.text()
        finally:
            await client.close()
        token = store.notification_token
    # A restart keeps the store's token, so the registered affiliate URL stays valid.
    async with open_runtime(settings) as runtime, run_sandbox(runtime):
        assert (await runtime.stores.get(SANDBOX_STORE)).notification_token == token
