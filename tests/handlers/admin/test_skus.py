"""The SKU pages: states table, timeline from stage timestamps, problems from the
catalogue, retry / resend / bulk retry publishing typed `SkuWork`, price-guard list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp.test_utils import TestClient

from app.broker import queue_name
from app.runtime import Runtime
from app.storage import FEED_STAGING, SKU_STATES
from domain.work import SkuWork, parse_work
from handlers.admin.skus import timeline
from tests.handlers.admin.conftest import SUPPORT, login, post_form, published, write_log

T0 = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


def _sku(sku_id: str, status: str, **more: object) -> dict[str, object]:
    return {"store_id": "acme-mx", "sku_id": sku_id, "status": status, **more}


def _hold(previous: str, new: str, drop_percent: str) -> dict[str, object]:
    """A hold as the price-drop guard writes it (`OfferStates.write_lot`)."""
    return {
        "fields": {"Price": new, "SalePrice": "", "SaleStartDate": "", "SaleEndDate": ""},
        "version": 7,
        "seller_sku": "SS-" + new,
        "previous": previous,
        "new": new,
        "drop_percent": drop_percent,
        "guard_percent": "20",
        "at": T0,
    }


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
                price_hold=_hold(previous="100.00", new="10.00", drop_percent="90.00"),
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


async def test_price_guard_approvals_approve_reject_and_refusals(
    service: TestClient, runtime: Runtime, make_store: Any
) -> None:
    await runtime.stores.upsert(make_store(price_drop_guard_percent="20"))
    await runtime.storage.db[SKU_STATES].insert_many(
        [
            _sku("7", "live", seller_sku="SS-7", price_hold=_hold("100.00", "50.00", "50.00")),
            _sku("8", "live", seller_sku="SS-8", price_hold=_hold("90.00", "30.00", "66.67")),
            _sku("9", "live", seller_sku="SS-9"),
        ]
    )
    csrf = await login(service)
    page = await (await service.get("/admin/skus?store=acme-mx&lang=en")).text()
    assert page.count('class="held-row"') == 2
    assert "66.67 %" in page and "Approve and send" in page
    overview = await (await service.get("/admin?lang=en")).text()
    assert "Held by the price guard" in overview and '<span class="off">2</span>' in overview

    form = {"store_id": "acme-mx", "sku_id": "7", "decision": "approve"}
    assert (await post_form(service, "/admin/skus/price-guard", None, form)).status == 403
    done = await post_form(service, "/admin/skus/price-guard", csrf, form)
    assert done.status == 302
    state = await runtime.sku_states.get("acme-mx", "7")
    assert state is not None and "price_hold" not in state and state["price_approved"] == "50.00"
    staged = await runtime.storage.db[FEED_STAGING].find_one({"seller_sku": "SS-50.00"})
    assert staged is not None and staged["sku_id"] == "7"
    shown = await (await service.get(done.headers["Location"] + "&lang=es")).text()
    assert "Precio del SKU 7 aprobado" in shown and shown.count('class="held-row"') == 1

    reject = {"store_id": "acme-mx", "sku_id": "8", "decision": "reject"}
    done = await post_form(service, "/admin/skus/price-guard", csrf, reject)
    assert done.status == 302
    state = await runtime.sku_states.get("acme-mx", "8")
    assert state is not None and "price_hold" not in state and "price_approved" not in state
    assert await runtime.storage.db[FEED_STAGING].count_documents({"seller_sku": "SS-30.00"}) == 0

    again = await post_form(service, "/admin/skus/price-guard", csrf, reject)
    assert again.status == 404 and (await again.json())["error"]["code"] == "no_held_price"
    assert (await post_form(service, "/logout", csrf)).status == 302
    support_csrf = await login(service, SUPPORT)
    page = await (await service.get("/admin/skus?store=acme-mx")).text()
    assert "/admin/skus/price-guard" not in page  # no approve buttons for support
    form["sku_id"] = "9"
    refused = await post_form(service, "/admin/skus/price-guard", support_csrf, form)
    assert refused.status == 403 and (await refused.json())["error"]["code"] == "read_only"
