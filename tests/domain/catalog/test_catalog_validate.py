"""validate(): every problem kind, all problems at once, and the simulator's fault kinds."""

from __future__ import annotations

import pytest

from clients.vtex.models import parse_sku_context
from domain.catalog import fields
from domain.catalog.problems import (
    Problem,
    by_log_code,
    publishable,
    render_list,
    waits_for_mapping,
)
from domain.catalog.snapshot import AttributeMapping, SkuSnapshot
from domain.catalog.validate import gtin_valid, prepare, validate
from domain.errors import entry
from domain.errors.catalog import PROBLEM_CODES
from tests.domain.catalog.snapshots import (
    SCENARIOS,
    _images,
    _no_spec,
    attribute,
    item,
    phones_attributes,
    sku_json,
    snapshot,
)

VALIDATE_CODES = sorted(set(PROBLEM_CODES) - {"catalog.price_drop_held"})


def test_the_healthy_snapshot_has_no_problem_and_transforms() -> None:
    prepared = prepare(snapshot())
    assert prepared.problems == []
    assert prepared.product is not None


def test_every_problem_kind_has_a_scenario() -> None:
    assert sorted(SCENARIOS) == VALIDATE_CODES


@pytest.mark.parametrize("code", VALIDATE_CODES)
def test_each_problem_kind_is_found_alone(code: str) -> None:
    problems = validate(SCENARIOS[code]())
    assert [p.code for p in problems] == [code]
    problem = problems[0]
    assert code in fields.row(problem.row).checks  # the field page lists what the code checks
    for lang in ("es", "en"):
        line = problem.render(lang)
        assert problem.linio_field.split("/")[-1].split(",")[0] in line or "SKU" in line
        assert "{" not in line


@pytest.mark.parametrize("code", VALIDATE_CODES)
def test_a_blocking_problem_stops_publication_and_an_adjustment_does_not(code: str) -> None:
    prepared = prepare(SCENARIOS[code]())
    [problem] = prepared.problems
    if problem.blocking:
        assert prepared.product is None
    else:
        assert prepared.product is not None
        assert problem.log_code == "A3"


def test_five_faults_give_five_problems_in_one_e1() -> None:
    data = sku_json(
        NameComplete="Celular " * 40,  # too long
        ProductDescription="",  # missing
        AlternateIds={"Ean": "123", "RefId": "R"},  # bad EAN
        Dimension={"height": 6.0, "length": 11.0, "width": 11.0},  # no weight
        Images=[],  # no image
    )
    problems = validate(snapshot(sku=data))
    groups = by_log_code(problems)
    assert list(groups) == ["E1"]
    assert sorted(p.code for p in groups["E1"]) == [
        "catalog.description_missing",
        "catalog.ean_invalid",
        "catalog.images_missing",
        "catalog.name_too_long",
        "catalog.weight_missing",
    ]
    listed = render_list(groups["E1"], "en")
    message = entry("E1").render("en", problems=listed)
    assert message.count("\n") == 4 and message.startswith("Oops, we couldn't prepare")
    assert "5. " in message


def test_mapping_problems_are_pending_e4_and_data_problems_e1_in_one_pass() -> None:
    problems = validate(snapshot(linio_brand=None, sku=sku_json(Images=[])))
    groups = by_log_code(problems)
    assert [p.code for p in groups["E4"]] == ["catalog.brand_unmapped"]
    assert [p.code for p in groups["E1"]] == ["catalog.images_missing"]
    assert waits_for_mapping(problems)
    # once mapped, the same SKU is released by the mapping alone
    assert not waits_for_mapping(validate(snapshot(linio_brand="Samsung")))


def test_inactive_sku_is_a2_and_not_also_reported_missing_from_the_simulation() -> None:
    problems = validate(SCENARIOS["catalog.sku_inactive"]())
    assert [p.log_code for p in problems] == ["A2"]
    assert not publishable(problems)
    assert not waits_for_mapping(problems)


def test_product_read_decides_activity_and_trade_policy_when_given() -> None:
    from clients.vtex.models import parse_product

    product = parse_product({"Id": 1001, "IsActive": False, "ListStoreId": [1, 2]})
    problems = validate(snapshot(product=product, sku=sku_json(SalesChannels=[])))
    assert [p.code for p in problems] == ["catalog.product_inactive"]


def test_an_item_without_sla_to_the_destination_is_not_offered() -> None:
    problems = validate(snapshot(simulation=item(slas=False)))
    assert [p.code for p in problems] == ["catalog.not_in_simulation"]


def test_zero_stock_still_publishes_with_quantity_zero() -> None:
    prepared = prepare(snapshot(simulation=item(stock=0)))
    assert prepared.problems == []
    assert prepared.product is not None and prepared.product.fields["Quantity"] == "0"


def test_an_item_marked_unavailable_is_not_in_the_simulation() -> None:
    problems = validate(snapshot(simulation=item(availability="withoutStock")))
    assert [p.code for p in problems] == ["catalog.not_in_simulation"]


def test_a_bad_image_is_skipped_with_a_note_when_a_good_one_remains() -> None:
    problems = validate(SCENARIOS["catalog.image_format"]())
    assert [(p.code, p.blocking, p.params["format"]) for p in problems] == [
        ("catalog.image_format", False, "WebP")
    ]
    only_bad = snapshot(sku=sku_json(Images=_images("https://cdn.acme.com/a.webp")))
    codes = [(p.code, p.blocking) for p in validate(only_bad)]
    assert codes == [("catalog.image_format", True), ("catalog.images_missing", True)]


def test_unknown_image_format_is_refused() -> None:
    problems = validate(snapshot(sku=sku_json(Images=_images("https://cdn.acme.com/img/123"))))
    assert (problems[0].code, problems[0].params["format"]) == ("catalog.image_format", "?")


def test_attribute_value_mapping_translates_vtex_values_into_linio_options() -> None:
    base = SCENARIOS["catalog.attribute_value_unmapped"]()
    mapped = SkuSnapshot(
        **{
            **base.__dict__,
            "attribute_mappings": {"Color": AttributeMapping("Color", {"Nogal": "Café"})},
        }
    )
    assert validate(mapped) == []
    assert prepare(mapped).product.fields["ProductData"]["Color"] == "Café"  # type: ignore[union-attr]


def test_optional_attributes_are_not_required() -> None:
    optional = phones_attributes(Model=attribute("Model", mandatory=False))
    assert validate(_no_spec_with(optional)) == []


def _no_spec_with(attrs: tuple) -> SkuSnapshot:  # type: ignore[type-arg]
    data = sku_json(ProductSpecifications=[])
    return snapshot(sku=data, category_attributes=attrs)


def test_name_limit_comes_from_the_category_when_seller_center_gives_one() -> None:
    short = phones_attributes(Name=attribute("Name", attribute_type="system", max_length=20))
    problems = validate(snapshot(category_attributes=short))
    assert [(p.code, p.params["max_length"]) for p in problems] == [("catalog.name_too_long", "20")]


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("7890020000011", True),  # EAN-13
        ("7890020000012", False),
        ("036000291452", True),  # UPC-A
        ("96385074", True),  # EAN-8
        ("10012345678902", True),  # GTIN-14
        ("789002000001", False),  # wrong length for its digits
        ("78900200000a1", False),
        ("", False),
    ],
)
def test_gtin_check_digit(code: str, valid: bool) -> None:
    assert gtin_valid(code) is valid


# --- the VTEX simulator's six fault kinds (simulators/vtex/catalog.py SkuFault) ----------------


def _simulator_sku(**changes: object) -> dict:  # type: ignore[type-arg]
    return sku_json(**changes)


SIMULATOR_FAULTS = {
    # INACTIVE: SKU (or product) inactive; the simulation omits it
    "inactive": (lambda: snapshot(sku=_simulator_sku(IsActive=False), simulation=None), "A2"),
    # OUTSIDE_TRADE_POLICY: product only in the main policy "1"
    "outside_trade_policy": (
        lambda: snapshot(sku=_simulator_sku(SalesChannels=[1]), simulation=None),
        "A1",
    ),
    # NO_PRICE: no price in the policy → the simulation answers ORD027 without the item
    "no_price": (lambda: snapshot(simulation=None), "A1"),
    # UNMAPPED_CATEGORY: leaf 51 "Sin clasificar", no Linio category
    "unmapped_category": (
        lambda: snapshot(
            sku=_simulator_sku(ProductCategoryIds="/5/51/", ProductSpecifications=[]),
            linio_category=None,
            vtex_category_name="Sin clasificar",
            category_attributes=(),
        ),
        "E4",
    ),
    # MISSING_SPECIFICATION: one of the category's required specifications (Celulares:
    # Color, Memoria interna) removed from the product; Linio's Model is mapped from
    # "Memoria interna", Color feeds no mandatory Linio attribute.
    "missing_specification": (
        lambda: snapshot(
            sku=_simulator_sku(
                ProductSpecifications=[{"FieldName": "Memoria interna", "FieldValues": ["64 GB"]}]
            ),
            required_specifications=("Color", "Memoria interna"),
            attribute_mappings={"Model": AttributeMapping("Memoria interna")},
        ),
        "E1",
    ),
    # NAME_TOO_LONG: more than 255 characters
    "name_too_long": (
        lambda: snapshot(sku=_simulator_sku(NameComplete=("Smartphone edición especial " * 12))),
        "E1",
    ),
}


@pytest.mark.parametrize("fault", sorted(SIMULATOR_FAULTS))
def test_each_simulator_fault_is_reported_and_nothing_is_published(fault: str) -> None:
    build, log_code = SIMULATOR_FAULTS[fault]
    prepared = prepare(build())
    assert prepared.product is None
    assert list(by_log_code(prepared.problems)) == [log_code]


def test_missing_mapped_specification_is_e1_for_the_seller_to_fill() -> None:
    mapped = _no_spec("Modelo")
    mapped = SkuSnapshot(
        **{**mapped.__dict__, "attribute_mappings": {"Model": AttributeMapping("Modelo")}}
    )
    [problem] = validate(mapped)
    assert (problem.code, problem.log_code, problem.vtex_field) == (
        "catalog.attribute_missing",
        "E1",
        "Modelo",
    )


def test_e4_message_names_the_category_the_sku_and_the_mapper_link() -> None:
    problems = validate(SIMULATOR_FAULTS["unmapped_category"][0]())
    text = entry("E4").render(
        "es",
        category="Sin clasificar",
        sku="Smartphone 2000001",
        mapper_link="https://acme.myvtex.com/admin/mkp-category-mapper/abc",
        problems=render_list(problems, "es"),
    )
    assert "Sin clasificar" in text and "mkp-category-mapper" in text
    assert "no está mapeada" in text


def test_problem_params_are_strings_so_logs_store_them_as_they_are() -> None:
    for build in SCENARIOS.values():
        for problem in validate(build()):
            assert isinstance(problem, Problem)
            assert all(isinstance(v, str) for v in problem.params.values())


def test_the_sku_context_parser_keeps_the_sku_specifications_apart() -> None:
    sku = parse_sku_context(sku_json())
    assert sku.sku_specifications == {"Capacidad": ("128 GB",)}
    assert sku.specifications["Modelo"] == ("Galaxy A15",)


def test_required_specifications_name_the_linio_attribute_they_feed() -> None:
    mappings = {"Model": AttributeMapping("Memoria interna")}
    snap = snapshot(
        sku=sku_json(ProductSpecifications=[]),
        required_specifications=("Color", "Memoria interna"),
        attribute_mappings=mappings,
    )
    found = [(p.code, p.linio_field, p.vtex_field) for p in validate(snap)]
    assert found == [
        ("catalog.attribute_missing", "ProductData/Model", "Memoria interna"),
        ("catalog.attribute_missing", "ProductData/*", "Color"),
    ]
    complete = snapshot(required_specifications=("Color", "Memoria interna"))
    assert validate(complete) == []
