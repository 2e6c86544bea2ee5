"""Sandbox: Seller Center refuses a variation because it no longer has its parent ("the
parent product does not exist", E3) while we hold the parent live. The feed owner checks
the parent with GetProducts, creates it again, then sends the variation: the seller sees no
rejection. Real simulators, the real service in process (web, worker, embedded database)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from app.embedded_mongo import free_port
from app.runtime import Runtime, open_runtime
from app.sandbox import SANDBOX_STORE, Sandbox, run_sandbox
from app.settings import Settings
from app.storage import SKU_STATES
from app.web import create_app
from app.worker import Worker
from handlers.consumers import CONSUMERS

HEALTHY = 180  # the demo catalog's SKUs that go live (SimCatalog("sandbox", seed=1))


async def _until(check, what: str, limit: float = 240.0) -> None:  # type: ignore[no-untyped-def]
    """Poll `check()` (async, truthy when done) every 0.2 s up to `limit` seconds."""
    for _ in range(int(limit / 0.2)):
        if await check():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


async def _settled(runtime: Runtime) -> bool:
    summary = await runtime.sku_states.summary(SANDBOX_STORE)
    staged = await runtime.feed_scheduler.staging.count(SANDBOX_STORE)
    return summary.by_state.get("live") == HEALTHY and staged == 0


def _parent_with_variation(sandbox: Sandbox) -> tuple[str, str]:
    products = sandbox.linio.products(sandbox.seller.user_id)
    for sku, product in sorted(products.items()):
        parent = str(product.get("ParentSku") or "")
        if parent and parent != sku and parent in products:
            return parent, sku
    raise AssertionError("the demo catalog has no variation")


async def test_e3_for_a_parent_we_hold_live_heals_without_a_rejection(
    settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    settings = settings.with_(public_base_url=f"http://127.0.0.1:{port}")
    async with open_runtime(settings) as runtime, run_sandbox(runtime) as sandbox:
        client = TestClient(TestServer(create_app(settings, runtime=runtime), port=port))
        await client.start_server()
        worker = Worker(runtime, CONSUMERS)
        await worker.start()
        try:
            await _until(lambda: _settled(runtime), "the demo catalog live")
            parent, child = _parent_with_variation(sandbox)
            seller = sandbox.linio.state(sandbox.seller.user_id)
            seller.removed[parent] = seller.products.pop(parent)  # Seller Center lost it
            asked = len(sandbox.linio.requests)
            # A new price for the variation: its ProductUpdate names no ParentSku, Seller
            # Center checks the stored one and refuses it.
            price = sandbox.vtex.catalog.skus[int(child)].prices[sandbox.store.sales_channel]
            [delivery] = await sandbox.vtex.change_sku(int(child), price=price.price - 100)
            assert delivery.status == 200, delivery.response

            async def healed() -> bool:
                state = await runtime.sku_states.get(SANDBOX_STORE, child) or {}
                last = state.get("last_result") or {}
                return (
                    parent in seller.products
                    and last.get("action") == "ProductUpdate"
                    and last.get("result") == "accepted"
                )

            await _until(healed, "the parent created again and the variation updated")

            async def quiet() -> bool:
                summary = await runtime.sku_states.summary(SANDBOX_STORE)
                busy = {"in_flight", "staged", "unknown"} & set(summary.by_state)
                return not busy and not await runtime.feed_scheduler.staging.count(SANDBOX_STORE)

            await _until(quiet, "nothing left staged or in flight")
            feeds = sorted(seller.feeds.values(), key=lambda f: f.sequence)
            refused = [f for f in feeds if any("parent" in m for _, m, _ in f.errors)]
            assert [sku for f in refused for _, _, sku in f.errors] == [child]
            recreate = next(
                f
                for f in feeds
                if f.action == "ProductCreate"
                and parent in {r["SellerSku"] for r in f.records}
                and f.sequence > refused[0].sequence
            )
            after = [
                f
                for f in feeds
                if f.sequence > recreate.sequence
                and child in {r["SellerSku"] for r in f.records}
                and not f.errors
            ]
            assert after, "the variation went out again after its parent"
            checked = [
                r
                for r in sandbox.linio.requests[asked:]
                if r.action == "GetProducts" and parent in dict(r.query).get("SkuSellerList", "")
            ]
            assert checked, "GetProducts asked for the parent's SellerSku"
            logs = await runtime.seller_log.find(store_id=SANDBOX_STORE, limit=5000)
            assert [e for e in logs if e["code"] == "E3"] == []
            summary = await runtime.sku_states.summary(SANDBOX_STORE)
            assert "rejected" not in summary.by_state, summary.by_state
            # The variation's price notification marks it `pending` (notified) in the
            # catalog's sense; its feed result is what says it is live.
            notified = await runtime.storage.db[SKU_STATES].distinct(
                "sku_id", {"store_id": SANDBOX_STORE, "status": "pending"}
            )
            assert set(notified) <= {child}, notified
            shown_live = summary.by_state.get("live", 0) + len(notified)
            assert shown_live == HEALTHY, summary.by_state
            parent_state = await runtime.sku_states.by_seller_sku(SANDBOX_STORE, parent)
            assert parent_state is not None and parent_state["on_linio"] is True
        finally:
            await worker.stop()
            await client.close()
            await sandbox.linio.settle()
