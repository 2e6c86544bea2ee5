"""The simulators' state file (`simulators.persistence`): a restart on the same file finds
what the platforms accepted, goes on with what was half done, and a kill at any moment
leaves a readable file. Real simulators over real HTTP; the "kill" is a copy of the file
taken at that moment (what a kill -9 would leave: every change is written before its
answer leaves)."""

from __future__ import annotations

import shutil
from pathlib import Path

from simulators.linio import LinioSimulator, SimSeller
from simulators.linio.testing import serving
from simulators.persistence import StateFile
from simulators.vtex import VtexSimulator
from tests.simulators.linio.test_linio_simulator_catalog import product_xml, request

SELLER = SimSeller(user_id="ops@acme.mx", api_key="key-123", seller_id="ACME01")


async def test_linio_restart_keeps_products_feeds_orders_and_webhooks(tmp_path: Path) -> None:
    path = tmp_path / "linio.pickle"
    async with serving([SELLER], feed_delay=0.01, qc_delay=0.01, state_file=path) as (sim, call):
        answer = await call.call(
            "ProductCreate", body=request(product_xml("P1"), product_xml("P2"))
        )
        feed_id = answer.head["RequestId"]
        await sim.settle()
        order = sim.add_order(SELLER.user_id, [("P1", 1, "199.90")])
        hook = await call.call(
            "CreateWebhook",
            body="<Request><Webhook><CallbackUrl>http://127.0.0.1:9/hook</CallbackUrl>"
            "<Events><Event>onFeedCompleted</Event></Events></Webhook></Request>",
        )
        assert hook.status == 200
        before = {sku: dict(p) for sku, p in sim.products(SELLER.user_id).items()}
        assert not sim.restored
    async with serving([SELLER], feed_delay=0.01, state_file=path) as (again, call):
        assert again.restored
        assert again.products(SELLER.user_id) == before
        assert again.feeds(SELLER.user_id)[feed_id].status == "Finished"
        assert again.products(SELLER.user_id)["P1"]["QcStatus"] == "approved"
        assert again.state(SELLER.user_id).stock("P1") == (5, 1, 4)  # the order's reservation
        kept = again.orders(SELLER.user_id)[order.order_id]
        assert kept.items[0] is again.state(SELLER.user_id).items[kept.items[0].order_item_id]
        newer = again.add_order(SELLER.user_id, [("P2", 1, "199.90")])
        assert int(newer.order_id) > int(kept.items[-1].order_item_id)  # no id reused
        hooks = await call.call("GetWebhooks")
        assert "http://127.0.0.1:9/hook" in hooks.text
        listed = await call.call("GetProducts", Filter="all")
        assert listed.text.count("<SellerSku>") == 2


async def test_linio_feed_queued_at_a_kill_is_processed_after_the_restart(tmp_path: Path) -> None:
    path, killed = tmp_path / "linio.pickle", tmp_path / "killed.pickle"
    async with serving([SELLER], feed_delay=60.0, state_file=path) as (sim, call):
        answer = await call.call("ProductCreate", body=request(product_xml("Q1")))
        feed_id = answer.head["RequestId"]
        assert sim.feeds(SELLER.user_id)[feed_id].status == "Queued"
        shutil.copy(path, killed)  # what a kill -9 right after the answer leaves
    async with LinioSimulator([SELLER], feed_delay=0.01, state_file=killed) as again:
        await again.settle()
        assert again.feeds(SELLER.user_id)[feed_id].status == "Finished"
        assert "Q1" in again.products(SELLER.user_id)
        assert again.products(SELLER.user_id)["Q1"]["QcStatus"] == "approved"


async def test_state_file_is_replaced_whole_and_a_torn_temp_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "sandbox" / "sim.pickle"
    first = StateFile(path)
    assert first.load() is None
    assert first.save({"n": 1}) and not first.save({"n": 1})  # unchanged: no write
    (path.parent / ".sim.pickle.partial").write_bytes(b"\x80\x05torn")  # killed mid-write
    assert first.save({"n": 2})
    assert StateFile(path).load() == {"n": 2}
    path.write_bytes(b"not a pickle")
    assert StateFile(path).load() is None  # set aside, the simulator starts fresh
    assert path.with_suffix(".unreadable").exists() and not path.exists()


async def test_vtex_restart_keeps_the_catalog_and_its_changes(tmp_path: Path) -> None:
    path = tmp_path / "vtex.pickle"
    async with VtexSimulator("acme", seed=3, state_file=path) as sim:
        sim.catalog.generate(n_skus=20, faulty_share=0.1)
        sku = sim.catalog.healthy_sku_ids()[0]
        await sim.change_sku(sku, price=12345, stock=7, name="Nombre nuevo")
        sim.register_affiliate("LMX", sales_channel=sim.catalog.trade_policy)
    async with VtexSimulator("acme", seed=3, state_file=path) as again:
        assert again.restored
        assert again.catalog.skus[sku].name == "Nombre nuevo"
        assert again.catalog.skus[sku].prices[again.catalog.trade_policy].price == 12345
        assert len(again.catalog.skus) == 20 and "LMX" in again.affiliates


async def test_without_a_state_file_nothing_is_written(tmp_path: Path) -> None:
    async with serving([SELLER], feed_delay=0.01) as (sim, call):
        await call.call("ProductCreate", body=request(product_xml("M1")))
        await sim.settle()
    async with VtexSimulator("acme") as vtex:
        vtex.catalog.generate(n_skus=5)
    assert not sim.restored and not vtex.restored
    assert list(tmp_path.iterdir()) == []
