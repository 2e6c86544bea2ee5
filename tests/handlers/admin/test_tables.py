"""Public tables: rendered from the field table and the error catalogue, HTML or JSON by
`Accept`, in Spanish or English; per Linio category its mandatory attributes."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from app.runtime import Runtime
from domain.catalog import fields
from domain.errors import CATALOGUE
from handlers.admin.tables import CATEGORY_ATTRIBUTES


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_field_table_as_json_is_the_field_module(service: TestClient, lang: str) -> None:
    response = await service.get(
        f"/tables/fields?lang={lang}", headers={"Accept": "application/json"}
    )
    assert response.status == 200  # public: no login
    body = await response.json()
    assert body["rows"] == fields.as_rows(lang)  # type: ignore[arg-type]
    assert body["columns"] == fields.columns(lang)  # type: ignore[arg-type]


async def test_field_table_html_and_category_attributes(
    service: TestClient, runtime: Runtime
) -> None:
    html = await (await service.get("/tables/fields", headers={"Accept": "text/html"})).text()
    assert 'id="field-table"' in html
    for heading in fields.columns("es").values():
        assert heading in html
    assert 'id="no-category-cache"' in html  # says how the category list will appear
    await runtime.storage.db[CATEGORY_ATTRIBUTES].insert_one(
        {
            "country": "MX",
            "category_id": 1234,
            "name": "Camisas",
            "attributes": [
                {"name": "color_family", "feed_name": "ColorFamily", "is_mandatory": True},
                {"name": "pattern", "feed_name": "Pattern", "is_mandatory": False},
            ],
        }
    )
    html = await (await service.get("/tables/fields")).text()
    assert "Camisas" in html and "ColorFamily" in html and "Pattern" not in html
    body = await (
        await service.get("/tables/fields", headers={"Accept": "application/json"})
    ).json()
    assert body["categories"][0]["mandatory"] == [
        {"name": "color_family", "feed_name": "ColorFamily", "label": ""}
    ]


async def test_error_table_lists_every_catalogue_entry(service: TestClient) -> None:
    body = await (
        await service.get("/tables/errors?lang=en", headers={"Accept": "application/json"})
    ).json()
    assert [row["code"] for row in body["rows"]] == list(CATALOGUE)
    e1 = next(row for row in body["rows"] if row["code"] == "E1")
    assert e1["message"] == CATALOGUE["E1"].message.en
    assert e1["action"] == CATALOGUE["E1"].action.en and e1["log_status"] == "error"
    html = await (
        await service.get("/tables/errors?lang=es", headers={"Accept": "text/html,*/*;q=0.8"})
    ).text()
    assert html.count("<tr><td><code>") == len(CATALOGUE)
    assert CATALOGUE["csrf_failed"].action.es in html
