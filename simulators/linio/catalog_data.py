"""Reference data every simulated seller starts with, shaped like real Seller Center data:
a category tree, attributes per category (some mandatory), brands, shipment providers,
failure reasons and webhook entities."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SimAttribute:
    feed_name: str
    label: str
    mandatory: bool
    attribute_type: str = "value"  # "system" attributes are top-level product fields
    input_type: str = "textfield"
    options: tuple[str, ...] = ()


SYSTEM_ATTRIBUTES = (
    SimAttribute("Name", "Name", True, "system"),
    SimAttribute("Brand", "Brand", True, "system", "dropdown"),
    SimAttribute("TaxClass", "Taxes", False, "system", "dropdown", ("IVA 16%", "IVA 19%", "0%")),
    SimAttribute(
        "ConditionType", "Condición", True, "value", "dropdown", ("Nuevo", "Reacondicionado")
    ),
    SimAttribute("PackageWeight", "Peso del paquete (kg)", True),
)


@dataclass
class SimCategory:
    category_id: str
    name: str
    global_identifier: str
    attribute_set_id: str
    children: list[SimCategory] = field(default_factory=list)
    extra_attributes: tuple[SimAttribute, ...] = ()


def category_tree() -> list[SimCategory]:
    return [
        SimCategory(
            "1000",
            "Tecnología",
            "TECH",
            "1",
            children=[
                SimCategory(
                    "1001",
                    "Celulares",
                    "PHONES",
                    "1",
                    extra_attributes=(SimAttribute("Model", "Modelo", True),),
                ),
                SimCategory(
                    "1002",
                    "Televisores",
                    "TVS",
                    "1",
                    extra_attributes=(SimAttribute("ScreenSize", "Tamaño de pantalla", True),),
                ),
            ],
        ),
        SimCategory(
            "2000",
            "Hogar",
            "HOME",
            "2",
            children=[
                SimCategory("2001", "Cocina", "KITCHEN", "2"),
                SimCategory(
                    "2002",
                    "Muebles",
                    "FURNITURE",
                    "2",
                    extra_attributes=(
                        SimAttribute(
                            "Color", "Color", True, "value", "dropdown", ("Negro", "Blanco", "Café")
                        ),
                    ),
                ),
            ],
        ),
        SimCategory(
            "3000",
            "Moda",
            "FASHION",
            "3",
            children=[
                SimCategory("3001", "Relojes", "WATCHES", "3"),
            ],
        ),
    ]


BRANDS = (
    ("1", "Samsung", "samsung"),
    ("2", "Apple", "apple"),
    ("3", "Hasbro", "hasbro"),
    ("4", "Genérica", "generica"),
    ("5", "Acme", "acme"),
)

SHIPMENT_PROVIDERS = (
    (
        "Estafeta",
        True,
        r"/^[0-9A-Z]{10,22}$/",
        "8055241528464720099314",
        "https://rastreo.estafeta.com/?guia={{{TRACKING_NR}}}",
    ),
    (
        "DHL",
        False,
        r"/^[0-9]{10}$/",
        "1234567890",
        "https://www.dhl.com/track?id={{{TRACKING_NR}}}",
    ),
)

FAILURE_REASONS = (
    ("canceled", "Out of stock"),
    ("canceled", "Wrong address"),
    ("canceled", "Sourcing team couldn't find items"),
)

WEBHOOK_ENTITIES = (
    ("Feed", (("Completed", "onFeedCompleted"), ("Created", "onFeedCreated"))),
    ("Order", (("Created", "onOrderCreated"), ("ItemsStatusChanged", "onOrderItemsStatusChanged"))),
    (
        "Product",
        (
            ("Created", "onProductCreated"),
            ("QcStatusChanged", "onProductQcStatusChanged"),
            ("Updated", "onProductUpdated"),
        ),
    ),
)


def all_categories(tree: list[SimCategory] | None = None) -> dict[str, SimCategory]:
    found: dict[str, SimCategory] = {}
    for category in tree if tree is not None else category_tree():
        found[category.category_id] = category
        found.update(all_categories(category.children))
    return found


def attributes_for(category: SimCategory) -> tuple[SimAttribute, ...]:
    return SYSTEM_ATTRIBUTES + category.extra_attributes
