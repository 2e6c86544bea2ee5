"""Public tables: rendered from the field table and the error catalogue, HTML or JSON by
`Accept`, in Spanish or English; per Linio category its mandatory attributes."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from app.runtime import Runtime
from clients.linio.models import Attribute
from domain.catalog import fields
from domain.errors import CATALOGUE
from domain.mappings import ReferenceCache


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_field_table_as_json_is_the_field_module(service: TestClient, lang: str) -> None:
    response = await service.get(
        f"/tables/fields?lang={lang}", headers={"Accept": "application/json"}
    )
    assert response.status == 200  # public: no login
    body = await response.json()
    assert body["rows"] == fields.as_rows(lang)  # type: ignore[arg-type]
    assert body["columns"] == fields.columns(lang)  # type: ignore[arg-type]


def _attribute(name: str, feed_name: str, mandatory: bool = False) -> Attribute:
    return Attribute(
        label="",
        name=name,
        feed_name=feed_name,
        global_identifier=None,
        group_name=None,
        is_mandatory=mandatory,
        is_global=False,
        description=None,
        product_type=None,
        input_type=None,
        attribute_type=None,
        example_value=None,
        max_length=None,
    )


async def test_field_table_html_and_category_attributes(
    service: TestClient, runtime: Runtime
) -> None:
    html = await (await service.get("/tables/fields", headers={"Accept": "text/html"})).text()
    assert 'id="field-table"' in html
    for heading in fields.columns("es").values():
        assert heading in html
    assert 'id="no-category-cache"' in html  # says how the category list will appear

    async def attributes(_: str) -> list[Attribute]:
        return [_attribute("color_family", "ColorFamily", True), _attribute("pattern", "Pattern")]

    # what the catalog flow caches when it reads a category (GetCategoryAttributes)
    await ReferenceCache(runtime.storage.db).category_attributes("acme-mx", "1234", attributes)
    html = await (await service.get("/tables/fields")).text()
    assert "1234" in html and "ColorFamily" in html and "Pattern" not in html
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
