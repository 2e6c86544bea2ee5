"""Every page renders in both languages from one place (`app/i18n.py`), the overview shows
each store's numbers, and the layout's navigation and language switch work."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import encode_basic_auth
from aiohttp.test_utils import TestClient

from app.i18n import LANGUAGES, TEXTS
from app.runtime import Runtime
from app.storage import SKU_STATES
from clients.feed_quota import FeedQuota
from domain.catalog.feeds import FeedQuotaLedger
from tests.handlers.admin.conftest import ADMIN, login, write_log

TEMPLATES_DIR = __import__("app.web", fromlist=["TEMPLATES_DIR"]).TEMPLATES_DIR


def test_every_text_exists_in_both_languages() -> None:
    for key, texts in TEXTS.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(texts.values()), key


def test_every_label_a_template_uses_is_defined() -> None:
    used = {
        key
        for path in TEMPLATES_DIR.glob("*.html")
        for key in re.findall(r"""\bt\("([a-z_.]+)"[,)]""", path.read_text(encoding="utf-8"))
    }
    assert used and used <= set(TEXTS), sorted(used - set(TEXTS))


async def test_overview_per_store(service: TestClient, runtime: Runtime, make_store: Any) -> None:
    await runtime.stores.upsert(make_store(name="Acme México"))
    await runtime.storage.db[SKU_STATES].insert_many(
        [
            {"store_id": "acme-mx", "sku_id": "1", "status": "live"},
            {"store_id": "acme-mx", "sku_id": "2", "status": "pending_mapping"},
        ]
    )
    await write_log(runtime)
    await write_log(runtime, code="gave_up", params={"store": "acme-mx", "detail": "x"})
    await login(service)
    empty = await (await service.get("/admin?lang=es")).text()
    assert "Aún no se envió ningún feed." in empty
    # the feed owner (another process, say) saved the quota after sending 3 feeds today
    quota = FeedQuota(50, 120.0)
    for _ in range(3):
        assert quota.try_acquire()
    await FeedQuotaLedger(runtime.storage.db).save("acme-mx", quota, country="MX", sent=3)
    page = await (await service.get("/admin?lang=es")).text()
    assert "Acme México" in page and "Resumen por tienda" in page
    assert "Feeds enviados hoy (día del vendedor)" in page
    assert '<td class="feeds-today">3</td>' in page and '<td class="quota-left">47</td>' in page
    assert "Publicado" in page and "Espera un mapeo" in page
    assert "catalog" in page  # a queue per context
    assert "Éxitos y errores, últimos 14 días" in page and "<svg" in page
    assert "1 éxitos" in page and "1 errores" in page
    english = await (await service.get("/admin?lang=en")).text()
    assert "Overview per store" in english and "Pending mapping" in english
    # the language choice sticks (cookie) and the switch link keeps the filters
    logs = await (await service.get("/admin/logs?flow=catalog")).text()
    assert "Seller logs" in logs
    assert 'href="/admin/logs?flow=catalog&amp;lang=es" id="lang-switch"' in logs


async def test_basic_auth_still_opens_pages_for_scripts(
    service: TestClient, runtime: Runtime, make_store: Any
) -> None:
    await runtime.stores.upsert(make_store())
    basic = {"Authorization": encode_basic_auth(*ADMIN)}
    page = await service.get("/admin/stores", headers=basic)
    assert page.status == 200 and "acme-mx" in await page.text()
