"""`GET /api/stores/{store}/status` and `vtex-linio load` against a running service and
in-process, over both simulators."""

from __future__ import annotations

import aiohttp

from app.load_command import load_in_process, load_remote, summary
from app.settings import Settings
from simulators.vtex.catalog import SkuFault
from tests.handlers.test_catalog_e2e import SELLER, pipeline, until


async def test_status_api_counts_states_and_shows_why_skus_are_held_back(
    settings: Settings,
) -> None:
    async with pipeline(settings, n_skus=30, faulty_share=0.2) as p:
        url = f"{p.base_url.rstrip('/')}/api/stores/{p.sid}/status"
        async with p.http.get(url) as anonymous:
            assert anonymous.status == 401  # dashboard credentials required
        await p.load()
        await until(p.settled, what="load settled")
        auth = aiohttp.encode_basic_auth(settings.admin_user, settings.admin_password)
        async with p.http.get(url, headers={"Authorization": auth}) as response:
            assert response.status == 200
            status = await response.json()
        healthy = len(p.vtex.catalog.healthy_sku_ids())
        assert status["skus"]["by_state"]["live"] == healthy
        assert status["initial_load"]["status"] == "done"
        assert status["pending"]["queues"]["catalog"] == 0
        assert status["pending"]["waiting_on_mapping"] == len(
            p.vtex.catalog.skus_with(SkuFault.UNMAPPED_CATEGORY)
        )
        assert status["feeds"]["sent_today"] >= 2  # a ProductCreate and an Image feed
        assert status["feeds"]["quota_left"] < 50
        held = {h["sku_id"]: h for h in status["skus"]["held_back"]}
        for sku_id in p.vtex.catalog.skus_with(SkuFault.NAME_TOO_LONG):
            assert held[str(sku_id)]["status"] == "invalid"
            assert {x["code"] for x in held[str(sku_id)]["problems"]} == {"catalog.name_too_long"}
        for sku_id in p.vtex.catalog.skus_with(SkuFault.UNMAPPED_CATEGORY):
            assert held[str(sku_id)]["problems"][0]["log"] == "E4"


async def test_load_through_the_running_services_admin_api(settings: Settings) -> None:
    async with pipeline(settings, n_skus=20, faulty_share=0.0) as p:
        code = await load_remote(p.base_url.rstrip("/"), settings, p.sid, timeout=120)
        assert code == 0
        assert set(p.linio.products(SELLER.user_id)) == {
            str(s) for s in p.vtex.catalog.healthy_sku_ids()
        }


async def test_load_in_process_when_no_service_runs(settings: Settings, capsys) -> None:  # type: ignore[no-untyped-def]
    async with pipeline(settings, n_skus=20, faulty_share=0.0, with_worker=False) as p:
        code = await load_in_process(settings.with_(feed_poll_interval=0.2), p.sid, timeout=120)
        assert code == 0
        assert set(p.linio.products(SELLER.user_id)) == {
            str(s) for s in p.vtex.catalog.healthy_sku_ids()
        }
    printed = capsys.readouterr().out
    assert "20 SKUs in the trade policy, 20 evaluated" in printed
    assert "live" in printed


def test_summary_names_each_state_and_the_waiting_skus() -> None:
    text = summary(
        {
            "store": "acme-mx",
            "skus": {"by_state": {"live": 9, "invalid": 1}},
            "pending": {"waiting_on_mapping": 2},
            "feeds": {"sent_today": 3, "quota_left": 47},
            "initial_load": {"listed": 12, "processed": 12},
        }
    )
    assert "12 SKUs in the trade policy, 12 evaluated" in text
    assert "live" in text and "invalid" in text and "2 SKUs wait for a mapping" in text
