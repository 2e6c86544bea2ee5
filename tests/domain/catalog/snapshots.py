"""Snapshot builders for the catalog core's tests: one healthy SKU shaped like the VTEX
simulator's (`simulators/vtex/catalog_json.py`) and a Linio category shaped like the Linio
simulator's "Celulares" (`simulators/linio/catalog_data.py`), each variable on demand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from clients.linio.models import Attribute, AttributeOption
from clients.vtex.models import SimulatedItem, parse_simulation, parse_sku_context
from domain.catalog import fields
from domain.catalog.snapshot import AttributeMapping, SkuSnapshot, StoreRules

NOW = dt.datetime(2026, 11, 29, 15, 0, tzinfo=dt.UTC)


def attribute(
    feed_name: str,
    *,
    label: str | None = None,
    mandatory: bool = True,
    options: tuple[str, ...] = (),
    attribute_type: str = "value",
    max_length: int | None = None,
    default: str | None = None,
) -> Attribute:
    return Attribute(
        label=label or feed_name,
        name=feed_name.lower(),
        feed_name=feed_name,
        global_identifier=None,
        group_name="Main",
        is_mandatory=mandatory,
        is_global=False,
        description=None,
        product_type="config",
        input_type="dropdown" if options else "textfield",
        attribute_type=attribute_type,
        example_value=None,
        max_length=max_length,
        options=tuple(AttributeOption(o, None, o == default) for o in options),
    )


def phones_attributes(**changes: Attribute | None) -> tuple[Attribute, ...]:
    """The Linio simulator's Celulares: system attributes plus a mandatory `Model`."""
    attrs: dict[str, Attribute | None] = {
        "Name": attribute("Name", attribute_type="system", max_length=255),
        "Brand": attribute("Brand", attribute_type="system"),
        "TaxClass": attribute(
            "TaxClass",
            label="Taxes",
            mandatory=False,
            options=("IVA 16%", "IVA 19%", "0%"),
            attribute_type="system",
        ),
        "ConditionType": attribute(
            "ConditionType", label="Condición", options=("Nuevo", "Reacondicionado")
        ),
        "PackageWeight": attribute("PackageWeight", label="Peso del paquete (kg)"),
        "Model": attribute("Model", label="Modelo"),
    }
    attrs.update(changes)
    return tuple(a for a in attrs.values() if a is not None)


def sku_json(**changes: Any) -> dict[str, Any]:
    """Get SKU and context of SKU 2000001 (product 1001, category /1/11/)."""
    data: dict[str, Any] = {
        "Id": 2000001,
        "ProductId": 1001,
        "NameComplete": "Smartphone Samsung Pro 120",
        "ProductName": "Smartphone Samsung Pro 120",
        "ProductDescription": "<p>Smartphone Samsung Pro 120. Producto original.</p>",
        "SkuName": "Smartphone Samsung Pro 120",
        "ProductRefId": "P-1001",
        "IsActive": True,
        "IsProductActive": True,
        "BrandId": "2000001",
        "BrandName": "Samsung",
        "Dimension": {
            "cubicweight": 0.5,
            "height": 6.0,
            "length": 11.0,
            "weight": 237.0,
            "width": 11.0,
        },
        "SalesChannels": [1, 2],
        "Images": [
            {
                "ImageUrl": f"https://acme.vteximg.com.br/arquivos/ids/{500000 + n}/phone.jpg",
                "ImageName": f"phone-{n}",
                "FileId": 500000 + n,
            }
            for n in (1, 2)
        ],
        "SkuSpecifications": [{"FieldName": "Capacidad", "FieldValues": ["128 GB"]}],
        "ProductSpecifications": [
            {"FieldName": "Color", "FieldValues": ["Negro"]},
            {"FieldName": "Memoria interna", "FieldValues": ["128 GB"]},
            {"FieldName": "Modelo", "FieldValues": ["Galaxy A15"]},
        ],
        "ProductCategoryIds": "/1/11/",
        "AlternateIds": {"Ean": "7890020000011", "RefId": "REF-2000001"},
    }
    data.update(changes)
    return data


def item(
    *,
    price: int = 19990,
    list_price: int | None = None,
    stock: int | None = 10,
    quantity: int = 1,
    valid_until: str | None = "2099-12-31T23:59:59Z",
    availability: str = "available",
    slas: bool = True,
    sku_id: str = "2000001",
) -> SimulatedItem:
    """One simulation item (cents), as the VTEX simulator answers for a served destination."""
    body: dict[str, Any] = {
        "items": [
            {
                "id": sku_id,
                "price": price,
                "listPrice": list_price if list_price is not None else price,
                "sellingPrice": price,
                "priceValidUntil": valid_until,
                "availability": availability,
                "quantity": quantity,
            }
        ],
        "logisticsInfo": [
            {
                "itemIndex": 0,
                "slas": [{"id": "Normal", "name": "Normal", "price": 0}] if slas else [],
                **({"stockBalance": stock} if stock is not None else {}),
            }
        ],
    }
    return parse_simulation(body).items[sku_id]


def snapshot(
    *,
    sku: dict[str, Any] | None = None,
    simulation: SimulatedItem | str | None = "default",
    rules: StoreRules | None = None,
    **changes: Any,
) -> SkuSnapshot:
    """A healthy, publishable SKU unless `changes` break it."""
    values: dict[str, Any] = {
        "sku": parse_sku_context(sku if sku is not None else sku_json()),
        "rules": rules or StoreRules(),
        "sales_channel": "2",
        "now": NOW,
        "simulation": item() if simulation == "default" else simulation,
        "linio_category": "1001",
        "vtex_category_name": "Celulares",
        "linio_brand": "Samsung",
        "category_attributes": phones_attributes(),
    }
    values.update(changes)
    return SkuSnapshot(**values)


JPG = "https://acme.vteximg.com.br/arquivos/ids/{}/x.jpg"


def _images(*urls: str) -> list[dict[str, str]]:
    return [{"ImageUrl": u} for u in urls]


def _no_spec(name: str) -> SkuSnapshot:
    data = sku_json()
    data["ProductSpecifications"] = [
        s for s in data["ProductSpecifications"] if s["FieldName"] != name
    ]
    return snapshot(sku=data)


# One snapshot per problem code: the healthy SKU with exactly that fault.
SCENARIOS: dict[str, Callable[[], SkuSnapshot]] = {
    "catalog.sku_inactive": lambda: snapshot(sku=sku_json(IsActive=False), simulation=None),
    "catalog.product_inactive": lambda: snapshot(
        sku=sku_json(IsProductActive=False), simulation=None
    ),
    "catalog.outside_trade_policy": lambda: snapshot(
        sku=sku_json(SalesChannels=[1]), simulation=None
    ),
    "catalog.not_in_simulation": lambda: snapshot(simulation=None),
    "catalog.seller_sku_missing": lambda: snapshot(
        sku=sku_json(AlternateIds={"Ean": "7890020000011"}, ProductRefId=None),
        rules=StoreRules(seller_sku_source="ref_id"),
    ),
    "catalog.variation_missing": lambda: snapshot(
        sku=sku_json(SkuSpecifications=[]), product_skus={"2000002": None}
    ),
    "catalog.name_missing": lambda: snapshot(
        sku=sku_json(NameComplete="", SkuName="", ProductName="")
    ),
    "catalog.name_too_long": lambda: snapshot(sku=sku_json(NameComplete="Celular " * 40)),
    "catalog.description_missing": lambda: snapshot(
        sku=sku_json(ProductDescription="<p> <br></p>")
    ),
    "catalog.description_too_long": lambda: snapshot(
        sku=sku_json(ProductDescription="x" * (fields.DESCRIPTION_MAX_LENGTH + 1))
    ),
    "catalog.price_invalid": lambda: snapshot(simulation=item(price=0)),
    "catalog.ean_invalid": lambda: snapshot(
        sku=sku_json(AlternateIds={"Ean": "7890020000012", "RefId": "R"})
    ),
    "catalog.tax_class_missing": lambda: snapshot(
        category_attributes=phones_attributes(
            TaxClass=attribute("TaxClass", options=("IVA 16%",), attribute_type="system")
        )
    ),
    "catalog.option_invalid": lambda: snapshot(rules=StoreRules(tax_class="IVA 21%")),
    "catalog.dimension_missing": lambda: snapshot(
        sku=sku_json(Dimension={"height": 6.0, "length": 11.0, "weight": 237.0, "width": 0})
    ),
    "catalog.weight_missing": lambda: snapshot(
        sku=sku_json(Dimension={"height": 6.0, "length": 11.0, "width": 11.0})
    ),
    "catalog.images_missing": lambda: snapshot(sku=sku_json(Images=[])),
    "catalog.image_not_https": lambda: snapshot(
        sku=sku_json(Images=_images(JPG.format(1), "http://acme.com/img/2.jpg"))
    ),
    "catalog.image_format": lambda: snapshot(
        sku=sku_json(Images=_images(JPG.format(1), "https://cdn.acme.com/2.webp"))
    ),
    "catalog.images_trimmed": lambda: snapshot(
        sku=sku_json(Images=_images(*(JPG.format(n) for n in range(11))))
    ),
    "catalog.attribute_missing": lambda: snapshot(
        sku=sku_json(ProductSpecifications=[]),
        attribute_mappings={"Model": AttributeMapping("Modelo")},
    ),
    "catalog.category_unmapped": lambda: snapshot(linio_category=None, category_attributes=()),
    "catalog.brand_unmapped": lambda: snapshot(linio_brand=None),
    "catalog.attribute_unmapped": lambda: _no_spec("Modelo"),
    "catalog.attribute_value_unmapped": lambda: snapshot(
        category_attributes=phones_attributes(
            Color=attribute("Color", options=("Negro", "Blanco", "Café"))
        ),
        sku=sku_json(
            ProductSpecifications=[
                {"FieldName": "Color", "FieldValues": ["Nogal"]},
                {"FieldName": "Modelo", "FieldValues": ["X"]},
            ]
        ),
    ),
}
"""`catalog.price_drop_held` is the price guard's (test_catalog_prices.py), not validate's."""

__all__ = [
    "NOW",
    "SCENARIOS",
    "AttributeMapping",
    "attribute",
    "item",
    "phones_attributes",
    "snapshot",
]
