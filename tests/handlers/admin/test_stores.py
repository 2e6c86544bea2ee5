"""Stores: settings without secrets, the URLs to paste, activate / deactivate, initial load
(a `StoreWork`), and the webhook registered in the Seller Center simulator (CreateWebhook
through the store's pooled client)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient

from app.broker import queue_name
from app.runtime import Runtime
from app.settings import Settings
from domain.store_rules import rule_fields
from domain.stores import StoreCredentials
from domain.work import StoreWork, parse_work
from simulators.linio import LinioSimulator
from simulators.linio.state import SimSeller
from tests.handlers.admin.conftest import SUPPORT, login, post_form, published

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


async def test_store_rules_form_saves_validates_bilingually_and_notes_divergence(
    service: TestClient, runtime: Runtime, make_store: Any
) -> None:
    await runtime.stores.upsert(make_store())
    csrf = await login(service)
    page = await (await service.get("/admin/stores?lang=es")).text()
    for name in (f.name for f in rule_fields()):  # one input per rule field of the model
        assert f'name="{name}"' in page
    assert "Margen (%)" in page and 'class="note divergence"' not in page

    rules = {
        "markup_percent": "12,5",
        "markup_fixed": "-2",
        "rounding": "up",
        "safety_stock": "3",
        "price_drop_guard_percent": "",
        "reconcile_interval": "600",
        "reconcile_budget": "200",
    }
    path = "/admin/stores/acme-mx/rules"
    assert (await post_form(service, path, None, rules)).status == 403
    saved = await post_form(service, path, csrf, rules)
    assert saved.status == 303
    store = await runtime.stores.get("acme-mx")
    assert store is not None
    assert (store.markup_percent, store.markup_fixed, store.rounding) == ("12.5", "-2", "up")
    assert (store.safety_stock, store.price_drop_guard_percent) == (3, "")
    assert (store.reconcile_interval, store.reconcile_budget) == (600, 200)
    assert store.rules().markup_percent == Decimal("12.5")
    assert saved.headers["Location"] == "/admin/stores#store-acme-mx"
    shown = await (await service.get("/admin/stores?lang=es")).text()
    assert "Reglas de acme-mx guardadas." in shown
    assert 'class="note divergence"' in shown and "tolerancia ≥ 12.5 %" in shown

    bad = {"markup_percent": "-1", "safety_stock": "dos", "rounding": "banker"}
    refused = await post_form(service, path, csrf, bad)
    assert refused.status == 303
    english = await (await service.get("/admin/stores?lang=en")).text()
    assert "Rule markup_percent does not take “-1”" in english
    assert "Rule safety_stock does not take “dos”: it must be a whole number" in english
    assert "choose one of half_up, up, down" in english
    unchanged = await runtime.stores.get("acme-mx")
    assert unchanged is not None and unchanged.safety_stock == 3  # all or nothing
    await post_form(service, path, csrf, {"safety_stock": "x"})
    spanish = await (await service.get("/admin/stores?lang=es")).text()
    assert "La regla safety_stock no acepta «x»: debe ser un número entero" in spanish

    assert (await post_form(service, "/logout", csrf)).status == 302
    support = await login(service, SUPPORT)
    page = await (await service.get("/admin/stores")).text()
    assert "Guardar reglas" not in page and "readonly" in page
    read_only = await post_form(service, path, support, rules)
    assert read_only.status == 403 and (await read_only.json())["error"]["code"] == "read_only"


async def test_courier_and_postal_code_maps_edit_import_and_export(
    service: TestClient, runtime: Runtime, make_store: Any
) -> None:
    await runtime.stores.upsert(make_store(country="CL", store_id="acme-cl"))
    csrf = await login(service)
    edit = "/admin/stores/acme-cl/maps/courier_map"
    row = {"key": "Transportadora Rápida", "value": "Chilexpress"}
    assert (await post_form(service, edit, None, row)).status == 403
    assert (await post_form(service, edit, csrf, row)).status == 303
    await post_form(service, edit, csrf, {"key": "transportadora  rápida", "value": "Blue"})
    store = await runtime.stores.get("acme-cl")
    assert store is not None and store.courier_map == {"transportadora rápida": "Blue"}
    page = await (await service.get("/admin/stores?lang=es")).text()
    assert "Mapa de transportadoras de acme-cl guardado (1 filas)." in page
    assert page.count('class="map-row"') == 1 and "Proveedor de envío en Linio" in page

    upload = FormData()
    upload.add_field("csrf_token", csrf)
    csv_text = "city,postal_code\nÑuñoa,7750000\nProvidencia;x\nLas Condes,7550000\n"
    upload.add_field("file", csv_text.encode(), filename="postal.csv", content_type="text/csv")
    imported = await service.post(
        "/admin/stores/acme-cl/maps/postal_codes/import", data=upload, allow_redirects=False
    )
    assert imported.status == 303
    english = await (await service.get("/admin/stores?lang=en")).text()
    assert "Row 3 needs both values" in english  # nothing imported
    store = await runtime.stores.get("acme-cl")
    assert store is not None and store.postal_codes == {}

    upload = FormData()
    upload.add_field("csrf_token", csrf)
    csv_text = "\ufeffcity;postal_code\nÑuñoa;7750000\nLas Condes;7550000\n"
    upload.add_field("file", csv_text.encode(), filename="postal.csv", content_type="text/csv")
    imported = await service.post(
        "/admin/stores/acme-cl/maps/postal_codes/import", data=upload, allow_redirects=False
    )
    assert imported.status == 303
    store = await runtime.stores.get("acme-cl")
    assert store is not None
    assert store.postal_codes == {"Ñuñoa": "7750000", "Las Condes": "7550000"}
    exported = await service.get("/admin/stores/acme-cl/maps/postal_codes.csv")
    assert exported.status == 200 and exported.content_type == "text/csv"
    assert await exported.text() == "city,postal_code\nLas Condes,7550000\nÑuñoa,7750000\n"
    await post_form(service, edit, csrf, {"key": "Transportadora Rápida", "value": ""})
    store = await runtime.stores.get("acme-cl")
    assert store is not None and store.courier_map == {}  # an empty value deletes the row

    assert (await post_form(service, "/logout", csrf)).status == 302
    private = await service.get("/admin/stores/acme-cl/maps/courier_map.csv", allow_redirects=False)
    assert private.status == 401  # a download (api handler): no redirect, asks to sign in
    support = await login(service, SUPPORT)
    refused = await post_form(service, edit, support, row)
    assert refused.status == 403 and (await refused.json())["error"]["code"] == "read_only"
