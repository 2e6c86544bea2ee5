"""The dashboard in a real browser: Debian's headless Chromium driven by Playwright (never a
downloaded browser) through login, the overview, a filtered log view with its CSV export, a
SKU retry, a mapping edit that releases a pending SKU, a held price approved, a store rule
saved, and both public tables. Screenshots
go to `tests/artifacts/` (ignored by git).

Mandatory when CI=true (`.ci/run` installs chromium); elsewhere skipped with a NOTICE when
chromium or Playwright is missing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from app.broker import queue_name
from app.runtime import Runtime
from app.storage import SKU_STATES
from domain.work import parse_work
from tests.conftest import TESTS_DIR
from tests.handlers.admin.conftest import ADMIN, published, write_log

pytestmark = pytest.mark.browser

ARTIFACTS = TESTS_DIR / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the browser test is mandatory when CI=true: {reason}")
    pytest.skip(f"NOTICE: browser test skipped: {reason}")


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not executable:
        _unavailable("Debian's chromium is not installed (apt-get install -y chromium)")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (make .venv/.installed)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


async def _seed(runtime: Runtime, make_store: Any) -> None:
    await runtime.stores.upsert(make_store(name="Acme México"))
    await write_log(runtime)
    await write_log(
        runtime,
        code="gave_up",
        params={"store": "acme-mx", "detail": "VTEX answered 503"},
        flow="price",
        operation="Price update",
        sku_id="3",
        content_source={"phone": "5512345678", "sku": "3"},
    )
    await runtime.storage.db[SKU_STATES].insert_many(
        [
            {"store_id": "acme-mx", "sku_id": "3", "product_id": "30", "status": "error"},
            {
                "store_id": "acme-mx",
                "sku_id": "7",
                "status": "pending_mapping",
                "waiting_on": ["category:42"],
            },
            {
                "store_id": "acme-mx",
                "sku_id": "8",
                "seller_sku": "SS-8",
                "status": "live",
                "price_hold": {  # as the price-drop guard holds it (OfferStates.hold)
                    "fields": {
                        "Price": "40.00",
                        "SalePrice": "",
                        "SaleStartDate": "",
                        "SaleEndDate": "",
                    },
                    "version": 1,
                    "seller_sku": "SS-8",
                    "previous": "100.00",
                    "new": "40.00",
                    "drop_percent": "60.00",
                    "guard_percent": "30",
                },
            },
        ]
    )


async def test_a_seller_morning_in_the_browser(
    service: TestClient, runtime: Runtime, make_store: Any, browser: Any
) -> None:
    await _seed(runtime, make_store)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = str(service.make_url("")).rstrip("/")
    context = await browser.new_context(locale="es-MX", accept_downloads=True)
    page = await context.new_page()
    page.set_default_timeout(15_000)

    async def shot(name: str) -> None:
        await page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)

    # login (a private page sends the browser to /login and back)
    await page.goto(f"{base}/admin/logs")
    assert "/login" in page.url
    await shot("01-login")
    await page.fill("input[name=user]", ADMIN[0])
    await page.fill("input[name=password]", ADMIN[1])
    await page.click("button[type=submit]")
    await page.wait_for_url("**/admin/logs")

    # overview
    await page.goto(f"{base}/admin")
    assert "Acme México" in await page.inner_text("main")
    assert await page.locator("svg.chart rect").count() == 28
    await shot("02-overview")

    # a filtered log view and its CSV export
    await page.goto(f"{base}/admin/logs")
    await page.select_option("select[name=status]", "error")
    await page.click("#log-filters button[type=submit]")
    await page.wait_for_url("**status=error**")
    assert await page.locator("tr.log-entry").count() == 1
    assert "Se agotaron los intentos" in await page.inner_text("table.logs")
    await shot("03-logs-filtered")
    async with page.expect_download() as download_info:
        await page.click("#csv-export")
    download = await download_info.value
    exported = Path(await download.path()).read_text(encoding="utf-8-sig")
    assert exported.count("\n") == 2 and "gave_up" in exported
    assert "5512345678" not in exported and "***678" in exported

    # retry a SKU
    await page.goto(f"{base}/admin/skus/acme-mx/3")
    await page.click("#sku-retry")
    await page.wait_for_selector(".flash.ok")
    assert "SKU 3 encolado de nuevo." in await page.inner_text(".flash.ok")
    await shot("04-sku-retried")
    [body] = await published(runtime.broker, queue_name("catalog", "acme-mx"), 1)
    assert parse_work(body).sku_id == "3"  # type: ignore[attr-defined]

    # a mapping edit releases the SKU waiting on it
    await page.goto(f"{base}/admin/mappings?store=acme-mx")
    await page.click("#waiting a")
    assert await page.input_value("input[name=vtex_id]") == "42"
    await page.fill("input[name=linio_id]", "1234")
    await page.click("#mapping-form button[type=submit]")
    await page.wait_for_selector(".flash.ok")
    assert "1 SKUs liberados" in await page.inner_text(".flash.ok")
    await shot("05-mapping-saved")
    [body] = await published(runtime.broker, queue_name("catalog", "acme-mx"), 1)
    assert parse_work(body).sku_ids == ("7",)  # type: ignore[attr-defined]

    # approve a price the price guard held
    await page.goto(f"{base}/admin/skus?store=acme-mx")
    assert await page.locator("tr.held-row").count() == 1
    await page.click("#held-acme-mx-8 button.approve")
    await page.wait_for_selector(".flash.ok")
    assert "Precio del SKU 8 aprobado" in await page.inner_text(".flash.ok")
    assert await page.locator("tr.held-row").count() == 0
    await shot("06-price-approved")
    state = await runtime.sku_states.get("acme-mx", "8")
    assert state is not None and state["price_approved"] == "40.00"

    # a store rule: a markup brings the price-divergence note (CLARIFICATIONS §4)
    await page.goto(f"{base}/admin/stores")
    await page.fill("#acme-mx-markup_percent", "10")
    await page.click("form.rules button[type=submit]")
    await page.wait_for_selector("p.divergence")
    assert "tolerancia ≥ 10 %" in await page.inner_text("p.divergence")
    await shot("07-store-rules")

    # both public tables, without a session, in English
    public = await browser.new_context(locale="en-US")
    anonymous = await public.new_page()
    await anonymous.goto(f"{base}/tables/fields")
    assert await anonymous.locator("#field-table tbody tr").count() > 5
    assert "Mandatory-field table" in await anonymous.inner_text("h1")
    await anonymous.screenshot(path=str(ARTIFACTS / "dashboard-08-fields.png"))
    await anonymous.goto(f"{base}/tables/errors")
    assert await anonymous.locator("#error-table tbody tr").count() > 20
    await anonymous.screenshot(path=str(ARTIFACTS / "dashboard-09-errors.png"))
    await public.close()
    await context.close()
