"""Orders: the ledger with counts per state, a timeline across both systems, documents to
download, retry publishing a `LinioOrderWork`; buyers' personal data masked."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from aiohttp.test_utils import TestClient

from app.broker import queue_name
from app.runtime import Runtime
from app.storage import ORDERS
from domain.work import LinioOrderWork, parse_work
from tests.handlers.admin.conftest import login, post_form, published

T0 = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


async def test_order_ledger_timeline_documents_and_retry(
    service: TestClient, runtime: Runtime
) -> None:
    await runtime.storage.db[ORDERS].insert_many(
        [
            {
                "store_id": "acme-mx",
                "linio_order_id": "9001",
                "linio_order_number": "LIN-778",
                "vtex_order_id": "LNX-9001-01",
                "state": "approved",
                "created_at": T0,
                "linio": {
                    "CustomerFirstName": "Ana Lucía",
                    "AddressShipping": {"Phone": "5512345678"},
                },
                "timeline": [
                    {"event": "linio_seen", "at": T0, "source": "webhook"},
                    {
                        "event": "vtex_answered",
                        "at": T0 + dt.timedelta(seconds=2),
                        "code": "SOI001",
                    },
                    {
                        "event": "state_changed",
                        "at": T0 + dt.timedelta(seconds=3),
                        "previous": "integrated",
                        "state": "approved",
                    },
                ],
                "documents": [  # as the order consumer keeps GetDocument's answer
                    {
                        "type": "shippingLabel",
                        "mime_type": "application/pdf",
                        "file": base64.b64encode(b"%PDF-1.4 fake").decode(),
                        "items": ["1", "2"],
                        "at": T0,
                    }
                ],
            },
            {
                "store_id": "acme-mx",
                "linio_order_id": "9002",
                "state": "placement_error",
                "created_at": T0,
            },
        ]
    )
    csrf = await login(service)
    ledger = await (await service.get("/admin/orders?lang=es")).text()
    assert ledger.count('class="order-row"') == 2 and "approved: 1" in ledger
    assert (await (await service.get("/admin/orders?order=LIN-778")).text()).count(
        'class="order-row"'
    ) == 1
    page = await (await service.get("/admin/orders/acme-mx/9001")).text()
    assert page.index("linio_seen") < page.index("vtex_answered") < page.index("state_changed")
    assert "SOI001" in page and "shippingLabel-1" in page
    assert "Ana Lucía" not in page and "5512345678" not in page
    document = await service.get("/admin/orders/acme-mx/9001/documents/shippingLabel-1")
    assert document.status == 200 and await document.read() == b"%PDF-1.4 fake"
    assert document.headers["Content-Type"] == "application/pdf"
    missing = await service.get("/admin/orders/acme-mx/9001/documents/label.pdf")
    assert missing.status == 404
    response = await post_form(
        service, "/admin/orders/retry", csrf, {"store_id": "acme-mx", "linio_order_id": "9002"}
    )
    assert response.status == 302
    [body] = await published(runtime.broker, queue_name("order", "acme-mx"), 1)
    work = parse_work(body)
    assert isinstance(work, LinioOrderWork)
    assert (work.linio_order_id, work.source) == ("9002", "replay")


async def test_an_order_held_for_divergence_explains_the_markup(
    service: TestClient, runtime: Runtime, make_store: Any
) -> None:
    await runtime.stores.upsert(make_store(markup_percent="8", markup_fixed="0"))
    await runtime.storage.db[ORDERS].insert_one(
        {"store_id": "acme-mx", "linio_order_id": "77", "state": "held", "created_at": T0}
    )
    await login(service)
    page = await (await service.get("/admin/orders/acme-mx/77?lang=es")).text()
    assert "VTEX retiene este pedido por divergencia de precio" in page
    assert "tolerancia ≥ 8 %" in page
