"""The SKU pages: states table, timeline from stage timestamps, problems from the
catalogue, retry / resend / bulk retry publishing typed `SkuWork`, price-guard list."""

from __future__ import annotations

import datetime as dt

from aiohttp.test_utils import TestClient

from app.broker import queue_name
from app.runtime import Runtime
from app.storage import SKU_STATES
from domain.work import SkuWork, parse_work
from handlers.admin.skus import timeline
from tests.handlers.admin.conftest import login, post_form, published, write_log

T0 = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


def _sku(sku_id: str, status: str, **more: object) -> dict[str, object]:
    return {"store_id": "acme-mx", "sku_id": sku_id, "status": status, **more}


def test_the_timeline_follows_the_stages_and_keeps_unknown_ones() -> None:
    doc = {
        "stages": {
            "live": T0 + dt.timedelta(seconds=9),
            "notified": T0,
            "sent": T0 + dt.timedelta(seconds=2),
            "repriced": T0 + dt.timedelta(seconds=20),
        },
        "qc": {"status": "approved", "at": T0 + dt.timedelta(seconds=30)},
    }
    steps = timeline(doc)
    assert [s["stage"] for s in steps] == ["notified", "sent", "live", "qc", "repriced"]
    assert [s["took"] for s in steps] == [None, 2.0, 7.0, 21.0, -10.0]


async def test_states_table_counts_and_sku_page_shows_timeline_and_problems(
    service: TestClient, runtime: Runtime
) -> None:
    await runtime.storage.db[SKU_STATES].insert_many(
        [
            _sku("1", "live", seller_sku="1", stages={"notified": T0, "live": T0}),
            _sku("2", "pending"),
            _sku(
                "3",
                "error",
                stages={"notified": T0, "read": T0 + dt.timedelta(seconds=1)},
                problems=[
                    {
                        "code": "catalog.category_unmapped",
                        "linio_field": "PrimaryCategory",
                        "vtex_field": "CategoryId",
                        "params": {"category": "Camisas", "category_id": "42"},
                    },
                    "a problem a newer flow wrote as plain text",
                ],
                price_guard={"held": True, "vtex_price": "10.00", "previous": "100.00"},
            ),
        ]
    )
    await write_log(runtime, sku_id="3")
    await login(service)
    table = await (await service.get("/admin/skus?lang=es")).text()
    assert table.count('class="sku-row"') == 3
    assert "Publicado: 1" in table and "Con error: 1" in table and "Pendiente: 1" in table
    errors = await (await service.get("/admin/skus?status=error")).text()
    assert errors.count('class="sku-row"') == 1
    assert "100.00" in errors  # the price guard holds SKU 3
    page = await (await service.get("/admin/skus/acme-mx/3")).text()
    assert "Notificado" in page and "Leído de VTEX" in page and "(+1.0 s)" in page
    assert "catalog.category_unmapped" in page
    assert "a problem a newer flow wrote as plain text" in page
    assert 'class="log-entry"' in page
    missing = await service.get("/admin/skus/acme-mx/404")
    assert missing.status == 404 and (await missing.json())["error"]["code"] == "unknown_sku"


async def test_retry_resend_and_bulk_retry_publish_typed_sku_work(
    service: TestClient, runtime: Runtime
) -> None:
    await runtime.storage.db[SKU_STATES].insert_many(
        [
            _sku("1", "error", product_id="10", content_hash="abc", last_stock=5),
            _sku("2", "error"),
            _sku("3", "live"),
        ]
    )
    csrf = await login(service)
    queue = queue_name("catalog", "acme-mx")
    response = await post_form(
        service, "/admin/sku/retry", csrf, {"store_id": "acme-mx", "sku_id": "1"}
    )
    assert response.status == 302
    [body] = await published(runtime.broker, queue, 1)
    work = parse_work(body)
    assert isinstance(work, SkuWork)
    assert (work.store_id, work.sku_id, work.product_id, work.action) == (
        "acme-mx",
        "1",
        "10",
        "upsert",
    )

    response = await post_form(
        service, "/admin/sku/retry", csrf, {"store_id": "acme-mx", "sku_id": "1", "mode": "resend"}
    )
    assert response.status == 302
    bodies = await published(runtime.broker, queue, 1)
    bodies += await published(runtime.broker, queue_name("price", "acme-mx"), 1)
    bodies += await published(runtime.broker, queue_name("stock", "acme-mx"), 1)
    assert sorted(parse_work(b).action for b in bodies) == ["price", "stock", "upsert"]
    doc = await runtime.sku_states.get("acme-mx", "1")
    assert doc is not None and "content_hash" not in doc and "last_stock" not in doc

    response = await post_form(
        service, "/admin/skus/retry", csrf, {"store": "acme-mx", "status": "error"}
    )
    assert response.status == 302
    bodies = await published(runtime.broker, queue, 2)
    assert sorted(parse_work(b).sku_id for b in bodies) == ["1", "2"]
    page = await (await service.get(response.headers["Location"])).text()
    assert "2 SKUs encolados de nuevo." in page
