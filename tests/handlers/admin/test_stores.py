"""Stores: settings without secrets, the URLs to paste, activate / deactivate, initial load
(a `StoreWork`), and the webhook registered in the Seller Center simulator (CreateWebhook
through the store's pooled client)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from app.broker import queue_name
from app.runtime import Runtime
from app.settings import Settings
from domain.stores import StoreCredentials
from domain.work import StoreWork, parse_work
from simulators.linio import LinioSimulator
from simulators.linio.state import SimSeller
from tests.handlers.admin.conftest import login, post_form, published

SELLER = SimSeller(user_id="ops@acme.mx", api_key="the-right-key-0123456789", seller_id="ACME01")


@pytest.fixture
async def seller_center() -> AsyncIterator[LinioSimulator]:
    async with LinioSimulator([SELLER]) as simulator:
        yield simulator


async def test_stores_page_shows_urls_and_settings_but_no_secret(
    service: TestClient, runtime: Runtime, settings: Settings, make_store: Any
) -> None:
    store = make_store(
        name="Acme México",
        credentials=StoreCredentials(
            linio_api_key="LINIO-KEY-SECRET-1", vtex_app_token="VTEX-TOKEN-SECRET-2"
        ),
    )
    await runtime.stores.upsert(store)
    await login(service)
    page = await (await service.get("/admin/stores?lang=es")).text()
    assert "Tiendas conectadas" in page and "Acme México" in page
    search, _ = store.endpoints(settings.public_base_url)
    assert search.replace("&", "&amp;") in page
    assert f"/linio/{store.notification_token}/webhook" in page
    assert "LINIO-KEY-SECRET-1" not in page and "VTEX-TOKEN-SECRET-2" not in page
    assert "guardada (oculta)" in page  # linio_api_key is set, shown as such
    english = await (await service.get("/admin/stores?lang=en")).text()
    assert "Connected stores" in english and 'lang="en"' in english


async def test_activate_deactivate_and_initial_load(
    service: TestClient, runtime: Runtime, make_store: Any
) -> None:
    await runtime.stores.upsert(make_store())
    csrf = await login(service)
    off = await post_form(service, "/admin/stores/acme-mx/active", csrf, {"active": "0"})
    assert off.status == 302
    assert not (await runtime.stores.get("acme-mx")).active  # type: ignore[union-attr]
    on = await post_form(service, "/admin/stores/acme-mx/active", csrf, {"active": "1"})
    assert on.status == 302
    assert (await runtime.stores.get("acme-mx")).active  # type: ignore[union-attr]
    load = await post_form(service, "/admin/stores/acme-mx/load", csrf)
    assert load.status == 302
    [body] = await published(runtime.broker, queue_name("catalog", "acme-mx"), 1)
    work = parse_work(body)
    assert isinstance(work, StoreWork) and work.action == "initial_load"
    page = await (await service.get("/admin/stores?lang=es")).text()
    assert "Carga inicial pedida el" in page
    unknown = await post_form(service, "/admin/stores/nobody-mx/load", csrf)
    assert unknown.status == 404


async def test_register_webhook_calls_create_webhook_on_seller_center(
    service: TestClient,
    runtime: Runtime,
    settings: Settings,
    make_store: Any,
    seller_center: LinioSimulator,
) -> None:
    store = make_store(
        linio_user_id=SELLER.user_id,
        linio_seller_id=SELLER.seller_id,
        linio_base_url=seller_center.url,
        credentials=StoreCredentials(linio_api_key=SELLER.api_key),
    )
    await runtime.stores.upsert(store)
    csrf = await login(service)
    response = await post_form(service, "/admin/stores/acme-mx/webhook", csrf)
    assert response.status == 302
    hooks = list(seller_center.state(SELLER.user_id).webhooks.values())
    expected = f"{settings.public_base_url}/linio/{store.notification_token}/webhook"
    assert [h["url"] for h in hooks] == [expected]
    page = await (await service.get("/admin/stores?lang=es")).text()
    assert "registrado en Seller Center" in page and "Registrado (id" in page
    # a second registration of the same URL is refused by Seller Center: the seller reads why
    again = await post_form(service, "/admin/stores/acme-mx/webhook", csrf)
    assert again.status == 302
    page = await (await service.get("/admin/stores?lang=es")).text()
    assert "Seller Center no registró el webhook" in page
    assert SELLER.api_key not in page
