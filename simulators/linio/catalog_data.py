"""Reference data every simulated seller starts with, shaped like real Seller Center data:
a category tree, attributes per category (some mandatory), brands, shipment providers,
failure reasons and webhook entities."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SimAttribute:
    feed_name: str
    label: str
    mandatory: bool
    # "system" attributes are top-level product fields; "option" ones take one of `options`
    # (GFG Go SDK, mobly's GetCategoryAttributes fixture); "value" ones free text.
    attribute_type: str = "value"
    input_type: str = "textfield"
    options: tuple[str, ...] = ()  # the first one is the default
    group: str = "Main"
    product_type: str = "config"
    example: str = ""
    max_length: str = "255"

    @property
    def name(self) -> str:
        """The snake_case attribute name GetCategoryAttributes shows beside the FeedName."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.feed_name).lower()

    def value_in(self, product: dict[str, Any]) -> Any:
        """System attributes sit at the product's top level, the others inside ProductData."""
        if self.attribute_type == "system":
            return product.get(self.feed_name)
        return (product.get("ProductData") or {}).get(self.feed_name)


SYSTEM_ATTRIBUTES = (
    SimAttribute(
        "Name", "Name", True, "system", example="***Celular Samsung Galaxy S7 Edge 32GB - Gris"
    ),
    SimAttribute("Brand", "Brand", True, "system", "dropdown", example="***Samsung", max_length=""),
    SimAttribute(
        "TaxClass",
        "Taxes",
        False,
        "system",
        "dropdown",
        ("IVA 16%", "IVA 19%", "0%"),
        group="Garantía y Envío",
        product_type="simple",
        max_length="",
    ),
    SimAttribute(
        "ConditionType",
        "Condición",
        True,
        "value",
        "dropdown",
        ("Nuevo", "Reacondicionado"),
        max_length="",
    ),
    SimAttribute("PackageWeight", "Peso del paquete (kg)", True, group="Garantía y Envío"),
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
                    children=[
                        SimCategory(
                            "1003",
                            "Smart TV",
                            "SMART_TV",
                            "1",
                            extra_attributes=(
                                SimAttribute("ScreenSize", "Tamaño de pantalla", True),
                            ),
                        )
                    ],
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
                            "Color",
                            "Color",
                            True,
                            "option",
                            "dropdown",
                            ("Negro", "Blanco", "Café"),
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

# Types as in GFG's Go SDK: canceled (SetStatusToCanceled), failed
# (SetStatusToFailedDelivery), returned, return_rejected (post-sale, set by Linio).
FAILURE_REASONS = (
    ("canceled", "Out of stock"),
    ("canceled", "Wrong address"),
    ("canceled", "Sourcing team couldn't find items"),
    ("failed", "Customer not at home"),
    ("failed", "Address not found"),
    ("returned", "Product damaged"),
    ("return_rejected", "Product used by the customer"),
)

# Country -> the zone its Seller Center host writes dates in (Head offset -0600 in MX,
# -0500 in CO and PE, -0300/-0400 in CL).
COUNTRY_ZONES = {
    "MX": "America/Mexico_City",
    "CO": "America/Bogota",
    "PE": "America/Lima",
    "CL": "America/Santiago",
}
COUNTRY_CURRENCIES = {"MX": "MXN", "CO": "COP", "PE": "PEN", "CL": "CLP"}

# As in GetWebhookEntities.success.gsc.xml, the newer of the two fixtures.
WEBHOOK_ENTITIES = (
    ("Feed", (("Completed", "onFeedCompleted"), ("Created", "onFeedCreated"))),
    (
        "Order",
        (
            ("Created", "onOrderCreated"),
            ("ItemsStatusChanged", "onOrderItemsStatusChanged"),
            ("ReturnStatusChanged", "onReturnStatusChanged"),
        ),
    ),
    (
        "Product",
        (
            ("Created", "onProductCreated"),
            ("QcStatusChanged", "onProductQcStatusChanged"),
            ("Updated", "onProductUpdated"),
        ),
    ),
    ("Statistics", (("Updated", "onStatisticsUpdated"),)),
)


def all_categories(tree: list[SimCategory] | None = None) -> dict[str, SimCategory]:
    found: dict[str, SimCategory] = {}
    for category in tree if tree is not None else category_tree():
        found[category.category_id] = category
        found.update(all_categories(category.children))
    return found


def attributes_for(category: SimCategory) -> tuple[SimAttribute, ...]:
    return SYSTEM_ATTRIBUTES + category.extra_attributes
