"""The field table is what the code does: every row's checks fire, every mandatory row is
enforced, and the page renders in both languages."""

from __future__ import annotations

import pytest

from domain.catalog import fields
from domain.catalog.transform import transform
from domain.catalog.validate import validate
from domain.errors import CATALOGUE
from domain.errors.catalog import PROBLEM_LOG_CODE
from tests.domain.catalog.snapshots import (
    SCENARIOS,
    attribute,
    phones_attributes,
    sku_json,
    snapshot,
)

ROW_KEYS = [r.key for r in fields.FIELDS]

# A snapshot that leaves out the value of each mandatory row ("yes"): validate must refuse it
# with a problem of that row. (Status, Price, Quantity, SellerSku: VTEX always has an id; the
# others have a VTEX-side fault that empties them.)
MANDATORY_BREAKERS = {
    "seller_sku": "catalog.seller_sku_missing",
    "parent_sku": None,  # computed from ids, nothing to leave out
    "name": "catalog.name_missing",
    "description": "catalog.description_missing",
    "brand": "catalog.brand_unmapped",
    "category": "catalog.category_unmapped",
    "price": "catalog.not_in_simulation",
    "quantity": None,  # 0 is a valid quantity; absence = no simulation item (price row)
    "status": "catalog.sku_inactive",
    "condition": "catalog.option_invalid",
    "package_height": "catalog.dimension_missing",
    "package_width": "catalog.dimension_missing",
    "package_length": "catalog.dimension_missing",
    "package_weight": "catalog.weight_missing",
    "images": "catalog.images_missing",
}

BREAK_ROW = {
    "package_height": lambda: snapshot(
        sku=sku_json(Dimension={"width": 11, "length": 11, "weight": 237})
    ),
    "package_width": lambda: snapshot(
        sku=sku_json(Dimension={"height": 6, "length": 11, "weight": 237})
    ),
    "package_length": lambda: snapshot(
        sku=sku_json(Dimension={"height": 6, "width": 11, "weight": 237})
    ),
    # no specification mapped and the default "Nuevo" is not among the category's options
    "condition": lambda: snapshot(
        category_attributes=phones_attributes(
            ConditionType=attribute("ConditionType", options=("Usado",))
        )
    ),
}


def test_the_table_has_the_rows_the_issue_asks_for() -> None:
    assert set(ROW_KEYS) >= {
        "seller_sku",
        "parent_sku",
        "variation",
        "name",
        "description",
        "brand",
        "category",
        "price",
        "sale_price",
        "quantity",
        "product_id",
        "tax_class",
        "status",
        "condition",
        "package_height",
        "package_width",
        "package_length",
        "package_weight",
        "images",
        "attributes",
    }
    assert len(ROW_KEYS) == len(set(ROW_KEYS))


def test_every_mandatory_row_is_listed_for_enforcement() -> None:
    mandatory = {r.key for r in fields.FIELDS if r.mandatory == "yes"}
    assert mandatory == set(MANDATORY_BREAKERS)


@pytest.mark.parametrize("key", [k for k, code in MANDATORY_BREAKERS.items() if code is not None])
def test_each_mandatory_row_is_enforced_by_validate(key: str) -> None:
    code = MANDATORY_BREAKERS[key]
    assert code in fields.row(key).checks
    broken = BREAK_ROW[key]() if key in BREAK_ROW else SCENARIOS[code]()  # type: ignore[index]
    problems = validate(broken)
    assert any(p.code == code and p.row == key and p.blocking for p in problems), problems


@pytest.mark.parametrize("key", ROW_KEYS)
def test_every_check_a_row_states_is_a_catalogue_problem_the_code_raises(key: str) -> None:
    row = fields.row(key)
    for code in row.checks:
        assert code in CATALOGUE and code in PROBLEM_LOG_CODE
        if code == "catalog.price_drop_held":
            continue  # raised by prices.price_drop_guard (test_catalog_prices.py)
        raised = {(p.code, p.row) for p in validate(SCENARIOS[code]())}
        rows_of_code = {r for c, r in raised if c == code}
        assert rows_of_code, f"{code} never raised"


def test_every_problem_names_a_row_that_lists_its_code() -> None:
    for build in SCENARIOS.values():
        for problem in validate(build()):
            assert problem.code in fields.row(problem.row).checks


@pytest.mark.parametrize("key", ROW_KEYS)
def test_rows_render_in_both_languages(key: str) -> None:
    es, en = fields.row(key).as_row("es"), fields.row(key).as_row("en")
    assert set(es) == set(en) >= set(fields.COLUMNS)
    assert es["transformation"] != en["transformation"]
    assert es["how_to_fill"] != en["how_to_fill"]
    assert es["linio_field"] == en["linio_field"] and es["vtex_field"] == en["vtex_field"]


def test_as_rows_and_columns() -> None:
    rows = fields.as_rows("en")
    assert [r["key"] for r in rows] == ROW_KEYS
    assert list(fields.columns("en").values()) == [
        "VTEX field",
        "How to fill it in VTEX",
        "VTEX API",
        "Linio field",
        "Transformation",
        "Mandatory",
        "Buy box",
    ]
    assert fields.columns("es")["mandatory"] == "Obligatorio"


def test_stated_limits_are_the_enforced_constants() -> None:
    en = {r["key"]: r["transformation"] for r in fields.as_rows("en")}
    assert str(fields.NAME_MAX_LENGTH) in en["name"]
    assert str(fields.DESCRIPTION_MAX_LENGTH) in en["description"]
    assert f"at most {fields.MAX_IMAGES}" in en["images"]
    assert str(fields.WEIGHT_FLOOR_KG) in en["package_weight"]
    for tag in fields.ALLOWED_DESCRIPTION_TAGS:
        assert tag in en["description"]


def test_every_linio_field_of_the_product_is_described_by_a_row() -> None:
    product = transform(snapshot(product_skus={"2000002": None}))
    described = {f.split("/")[-1].split(" ")[0] for r in fields.FIELDS for f in r.linio_fields}
    for name in product.fields:
        assert name in described or name == "ProductData"
    for name in product.fields["ProductData"]:
        assert name in described or name not in fields.HANDLED_FEED_NAMES  # category attribute


def test_row_defaults_are_the_ones_transform_uses() -> None:
    stated = {pair for r in fields.FIELDS for pair in r.defaults}
    light = sku_json(Dimension={"height": 1, "width": 1, "length": 1, "weight": 1})
    used = set(transform(snapshot(sku=light)).defaults)
    assert used == stated
