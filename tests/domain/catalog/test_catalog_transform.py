"""transform(): the Seller Center product, text cleaning, variations, units, A3 defaults."""

from __future__ import annotations

import xml.dom.minidom
from decimal import Decimal

import pytest

from clients.linio.bodies import products_xml
from domain.catalog import fields
from domain.catalog.snapshot import AttributeMapping, StoreRules
from domain.catalog.transform import (
    clean_description,
    clean_text,
    render_defaults,
    transform,
    xml_safe,
)
from domain.catalog.validate import prepare, validate
from tests.domain.catalog.snapshots import attribute, item, phones_attributes, sku_json, snapshot

# The field case (feed-control-chars-in-description): a vertical tab and a unit separator in a
# description made the ProductCreate body ill-formed, and the whole batch was refused.
CONTROL_DESCRIPTION = "Lavar a mano\u000bNo usar secadora\u001f"


def test_the_product_carries_every_field_in_the_sdk_order() -> None:
    product = transform(snapshot())
    assert list(product.fields) == [
        "SellerSku",
        "Name",
        "Status",
        "PrimaryCategory",
        "Categories",
        "Description",
        "Brand",
        "Price",
        "ProductId",
        "Quantity",
        "SalePrice",
        "SaleStartDate",
        "SaleEndDate",
        "ProductData",
    ]
    assert product.fields["SellerSku"] == "2000001"
    assert product.fields["Status"] == "active"
    assert product.fields["ProductId"] == "7890020000011"
    assert product.fields["ProductData"] == {
        "ConditionType": "Nuevo",
        "PackageHeight": "6.00",
        "PackageWidth": "11.00",
        "PackageLength": "11.00",
        "PackageWeight": "0.24",  # 237 g
        "Model": "Galaxy A15",  # the specification named like the attribute's label
    }
    assert product.images == (
        "https://acme.vteximg.com.br/arquivos/ids/500001/phone.jpg",
        "https://acme.vteximg.com.br/arquivos/ids/500002/phone.jpg",
    )


def test_control_characters_never_reach_the_feed_and_the_body_stays_well_formed() -> None:
    clean = transform(snapshot())
    dirty = transform(
        snapshot(
            sku=sku_json(
                Id=2000002,
                ProductDescription=CONTROL_DESCRIPTION,
                NameComplete="Polera\u0000 básica\u0008",
            )
        )
    )
    assert dirty.fields["Description"] == "Lavar a mano No usar secadora"
    assert dirty.fields["Name"] == "Polera básica"
    body = products_xml([clean.fields, dirty.fields])
    document = xml.dom.minidom.parseString(body.encode())  # raises on an ill-formed body
    assert len(document.getElementsByTagName("Product")) == 2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\u0000b", "ab"),
        ("a\u000bb\u000cc", "a b c"),
        ("tab\tnew\nline\r", "tab\tnew\nline\r"),
        ("\ufffe\uffff ok", " ok"),
        ("lone \ud800 surrogate", "lone  surrogate"),
        ("emoji 😀 stays", "emoji 😀 stays"),
    ],
)
def test_xml_safe_removes_what_xml_1_0_forbids(raw: str, expected: str) -> None:
    assert xml_safe(raw) == expected


def test_description_keeps_allowed_html_and_drops_the_rest() -> None:
    html = (
        '<div class="x"><p style="color:red">Hola <b>mundo</b></p>'
        "<script>alert(1)</script><style>p{}</style>"
        '<ul><li>uno</li></ul><img src="x.jpg"><a href="https://evil">enlace</a>'
        "<!-- comment --><table><tr><td>celda</td></tr></table></div>"
    )
    assert clean_description(html) == ("<p>Hola <b>mundo</b></p><ul><li>uno</li></ul>enlacecelda")
    assert set(fields.ALLOWED_DESCRIPTION_TAGS) >= {"p", "b", "ul", "li", "br"}


def test_name_spaces_are_collapsed() -> None:
    assert clean_text("  Celular \n Samsung   A15 ") == "Celular Samsung A15"


def _family(sku_id: int, value: str, **changes: object):  # type: ignore[no-untyped-def]
    data = sku_json(
        Id=sku_id,
        NameComplete=f"Polera Nike {value}",
        SkuSpecifications=[{"FieldName": "Talla", "FieldValues": [value]}],
        AlternateIds={"Ean": "", "RefId": f"REF-{sku_id}"},
    )
    siblings = {"2000012": "REF-2000012", "2000011": "REF-2000011", "2000013": "REF-2000013"}
    return snapshot(sku=data, product_skus=siblings, simulation=item(sku_id=str(sku_id)), **changes)


def test_three_skus_of_one_product_become_one_parent_with_three_variations() -> None:
    products = [
        transform(_family(i, v)) for i, v in ((2000012, "M"), (2000011, "S"), (2000013, "L"))
    ]
    assert {p.parent_sku for p in products} == {"2000011"}  # the lowest SKU id
    assert [p.variation for p in products] == ["M", "S", "L"]
    assert all(p.fields["ParentSku"] == "2000011" for p in products)
    assert [p.fields["Variation"] for p in products] == ["M", "S", "L"]


def test_parent_follows_the_seller_sku_source_and_keeps_the_one_already_sent() -> None:
    by_ref = transform(_family(2000013, "L", rules=StoreRules(seller_sku_source="ref_id")))
    assert (by_ref.seller_sku, by_ref.parent_sku) == ("REF-2000013", "REF-2000011")
    kept = transform(_family(2000013, "L", known_parent_sku="2000009"))
    assert kept.parent_sku == "2000009"


def test_a_single_sku_product_sends_no_parent_and_no_variation() -> None:
    product = transform(snapshot())
    assert product.parent_sku is None and product.variation is None
    assert "ParentSku" not in product.fields and "Variation" not in product.fields


def test_variation_joins_several_sku_specifications() -> None:
    data = sku_json(
        SkuSpecifications=[
            {"FieldName": "Talla", "FieldValues": ["M"]},
            {"FieldName": "Color", "FieldValues": ["Rojo"]},
        ]
    )
    product = transform(snapshot(sku=data, product_skus={"2000002": None}))
    assert product.variation == "Rojo / M"


@pytest.mark.parametrize(
    ("rules", "dimension", "expected"),
    [
        (StoreRules(), {"height": 6, "width": 11, "length": 11, "weight": 1500}, "1.50"),
        (
            StoreRules(weight_unit="kg"),
            {"height": 6, "width": 11, "length": 11, "weight": 1.5},
            "1.50",
        ),
    ],
)
def test_weight_is_converted_to_kg(rules: StoreRules, dimension: dict, expected: str) -> None:  # type: ignore[type-arg]
    product = transform(snapshot(sku=sku_json(Dimension=dimension), rules=rules))
    assert product.fields["ProductData"]["PackageWeight"] == expected


@pytest.mark.parametrize(
    ("unit", "raw", "cm"), [("cm", 6, "6.00"), ("mm", 65, "6.50"), ("m", 0.4, "40.00")]
)
def test_dimensions_are_converted_to_cm(unit: str, raw: float, cm: str) -> None:
    dimension = {"height": raw, "width": raw, "length": raw, "weight": 100}
    product = transform(
        snapshot(sku=sku_json(Dimension=dimension), rules=StoreRules(dimension_unit=unit))  # type: ignore[arg-type]
    )
    data = product.fields["ProductData"]
    assert data["PackageHeight"] == data["PackageWidth"] == data["PackageLength"] == cm


def test_a3_defaults_condition_and_weight_floor() -> None:
    light = sku_json(Dimension={"height": 1, "width": 1, "length": 1, "weight": 2})  # 2 g
    product = transform(snapshot(sku=light))
    assert product.fields["ProductData"]["PackageWeight"] == str(fields.WEIGHT_FLOOR_KG)
    assert product.defaults == (("ConditionType", "Nuevo"), ("PackageWeight", "0.01"))
    assert render_defaults(product.defaults) == "ConditionType = Nuevo\nPackageWeight = 0.01"


def test_a_mapped_condition_is_used_and_is_not_a_default() -> None:
    data = sku_json(
        ProductSpecifications=[
            {"FieldName": "Estado", "FieldValues": ["Reacondicionado"]},
            {"FieldName": "Modelo", "FieldValues": ["A15"]},
        ]
    )
    snap = snapshot(sku=data, attribute_mappings={"ConditionType": AttributeMapping("Estado")})
    product = transform(snap)
    assert product.fields["ProductData"]["ConditionType"] == "Reacondicionado"
    assert product.defaults == ()


def test_condition_default_follows_the_category_options() -> None:
    english = phones_attributes(
        ConditionType=attribute("ConditionType", options=("New", "Used"), default="New")
    )
    product = transform(snapshot(category_attributes=english))
    assert product.defaults == (("ConditionType", "New"),)
    no_default = phones_attributes(ConditionType=attribute("ConditionType", options=("Used",)))
    assert [p.code for p in validate(snapshot(category_attributes=no_default))] == [
        "catalog.option_invalid"
    ]


def test_never_a_guessed_dimension_brand_or_category() -> None:
    for broken in (
        snapshot(sku=sku_json(Dimension={"height": 6, "width": 11, "length": 11})),
        snapshot(linio_brand=None),
        snapshot(linio_category=None, category_attributes=()),
    ):
        assert prepare(broken).product is None
        with pytest.raises(ValueError):
            transform(broken)


def test_images_keep_vtex_order_skip_bad_ones_and_stop_at_eight() -> None:
    urls = [f"https://acme.vteximg.com.br/arquivos/ids/{n}/a.jpg" for n in range(10)]
    urls.insert(1, "https://cdn.acme.com/b.webp")
    urls.insert(2, "http://cdn.acme.com/c.png")
    product = transform(snapshot(sku=sku_json(Images=[{"ImageUrl": u} for u in urls])))
    assert len(product.images) == 8
    assert product.images[0].endswith("/0/a.jpg")  # main image first
    assert all(u.startswith("https://") and u.endswith(".jpg") for u in product.images)


def test_tax_class_comes_from_the_store_setting() -> None:
    product = transform(snapshot(rules=StoreRules(tax_class="IVA 16%")))
    assert product.fields["TaxClass"] == "IVA 16%"


def test_extra_categories_join_the_primary_one() -> None:
    product = transform(snapshot(extra_categories=("1002", "1001")))
    assert product.fields["Categories"] == "1001,1002"


def test_sale_fields_and_offer_split() -> None:
    product = transform(snapshot(simulation=item(price=15990, list_price=19990)))
    assert product.fields["SalePrice"] == "159.90"
    assert product.offer_fields() == {
        "SellerSku": "2000001",
        "Price": "199.90",
        "Quantity": "10",
        "SalePrice": "159.90",
        "SaleStartDate": "2026-11-29 15:00:00",
        "SaleEndDate": "2099-12-31 23:59:59",
    }
    assert "Price" not in product.content_fields()


def test_content_hash_ignores_the_offer_and_sees_content() -> None:
    base = transform(snapshot()).content_hash()
    assert transform(snapshot(simulation=item(price=100, stock=1))).content_hash() == base
    renamed = transform(snapshot(sku=sku_json(NameComplete="Otro nombre")))
    assert renamed.content_hash() != base


def test_money_in_the_product_is_decimal_text() -> None:
    product = transform(snapshot(rules=StoreRules(currency_decimals=0)))
    assert product.fields["Price"] == "200"
    assert product.offer.price == Decimal("200")


def test_variations_share_the_product_name() -> None:
    data = sku_json(NameComplete="Polera Nike Polera Nike M", ProductName="Polera Nike")
    assert transform(snapshot(sku=data, product_skus={"2000002": None})).fields["Name"] == (
        "Polera Nike"
    )
    assert transform(snapshot(sku=data)).fields["Name"] == "Polera Nike Polera Nike M"


def test_a_plain_text_description_keeps_its_line_breaks() -> None:
    assert clean_description("Línea 1\nLínea 2 & más\r\n") == "Línea 1<br>Línea 2 &amp; más"
    assert clean_description("Talla < 40") == "Talla &lt; 40"
