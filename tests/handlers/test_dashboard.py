from typing import Any

import pytest
from aiohttp import encode_basic_auth
from aiohttp.test_utils import TestClient

from app.i18n import LANGUAGES, TEXTS
from app.runtime import Runtime
from app.settings import Settings
from domain.stores import StoreCredentials

ADMIN = {"Authorization": encode_basic_auth("admin", "test-admin-password")}


@pytest.fixture
def client(service: TestClient) -> TestClient:
    return service


def test_every_text_exists_in_both_languages() -> None:
    for key, texts in TEXTS.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(texts.values()), key


async def test_stores_page_shows_the_affiliate_url_and_no_secret(
    client: TestClient, runtime: Runtime, settings: Settings, make_store: Any
) -> None:
    assert (await client.get("/admin")).status == 401
    empty = await (await client.get("/admin", headers=ADMIN)).text()
    assert "Todavía no hay tiendas" in empty
    store = make_store(
        credentials=StoreCredentials(
            linio_api_key="LINIO-KEY-SECRET-1", vtex_app_token="VTEX-TOKEN-SECRET-2"
        ),
    )
    await runtime.stores.upsert(store)
    spanish = await (await client.get("/admin", headers=ADMIN)).text()
    assert "Tiendas conectadas" in spanish and 'lang="es"' in spanish
    expected = f"{settings.public_base_url}/vtex/{store.notification_token}/catalog/notification"
    assert expected in spanish
    assert "LINIO-KEY-SECRET-1" not in spanish and "VTEX-TOKEN-SECRET-2" not in spanish
    english = await (await client.get("/admin?lang=en", headers=ADMIN)).text()
    assert "Connected stores" in english and 'lang="en"' in english
    by_header = await (
        await client.get("/admin", headers={**ADMIN, "Accept-Language": "en-US,en;q=0.9"})
    ).text()
    assert "Connected stores" in by_header
