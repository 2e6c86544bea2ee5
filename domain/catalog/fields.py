"""THE catalog field table: how each VTEX value becomes a Seller Center product field.

One row per Linio field, with the columns of VTEX's field-mapping template (spec §5.3, the
seven-column variant: VTEX field, how to fill it in VTEX, VTEX API, marketplace field,
transformation, mandatory, buy box), texts in Spanish and English. The rules the texts state
are the constants below, which `validate.py` and `transform.py` use; each row lists the
problem codes (`checks`, catalogue entries of `domain/errors/catalog.py`) its field can
raise, and `validate.py` tags every problem with the row it belongs to, so the dashboard's
field page (`/tables/fields`, rendered from `as_rows(lang)`) and the docs never state a rule
the code does not enforce (a test runs every check of every row).

Sources: spec `vtex-external-marketplace.md` §1.6.2 (VTEX catalog fields), §1.6.3
(simulation), §2.4 (checks a–h), §5.3 (table format); `linio-seller-center.md` §3.1
(product fields, limits, ProductData) and §3.3 (category attributes); CLARIFICATIONS §4
(prices and stock) and §6 (SellerSku source, A3 defaults only where harmless, images).

Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from clients.linio.bodies import MAX_IMAGES
from domain.errors.base import Bilingual, Language

# --- the rules, as data (validate.py and transform.py read these) ----------------------------

NAME_MAX_LENGTH = 255
"""Seller Center's Name limit when the category's attributes give no MaxLength."""
DESCRIPTION_MAX_LENGTH = 25_000
"""Our limit for the cleaned Description when the category gives no MaxLength."""
ALLOWED_DESCRIPTION_TAGS: frozenset[str] = frozenset(
    {"p", "br", "b", "strong", "i", "em", "u", "ul", "ol", "li", "h2", "h3", "h4"}
)
"""Formatting tags kept in Description; every other tag is removed (its text kept), every
attribute is removed, and `script`/`style` are removed with their content."""
IMAGE_FORMATS: tuple[str, ...] = ("jpg", "jpeg", "png")
"""Image formats Seller Center takes (by the URL's file extension); WebP is refused."""
WEIGHT_FLOOR_KG = Decimal("0.01")
"""A positive weight below this (after conversion) is raised to it, with an A3 note."""
DEFAULT_CONDITION = "Nuevo"
"""ConditionType when no VTEX specification is mapped to it (A3): VTEX has no condition."""
EAN_LENGTHS: tuple[int, ...] = (8, 12, 13, 14)
"""GTIN lengths accepted as ProductId (EAN-8, UPC-A, EAN-13, GTIN-14)."""

Mandatory = Literal["yes", "recommended", "category"]
"""`category`: mandatory when the Linio category's attributes say so."""

_MANDATORY_TEXT: dict[Mandatory, Bilingual] = {
    "yes": Bilingual("Sí", "Yes"),
    "recommended": Bilingual("Recomendado", "Recommended"),
    "category": Bilingual("Según la categoría de Linio", "Depends on the Linio category"),
}

SKU_CONTEXT_API = "GET /api/catalog_system/pvt/sku/stockkeepingunitbyid/{skuId}?sc={sc}"
SIMULATION_API = "POST /api/fulfillment/pvt/orderForms/simulation?sc={sc}&affiliateId={id}"


@dataclass(frozen=True)
class FieldRow:
    """One row of the field table.

    - `key`: stable id; a `Problem.row` names it.
    - `linio_fields`: the Seller Center element names filled (ProductData ones as
      `ProductData/<FeedName>`); `ProductData/*` for the category's own attributes.
    - `checks`: problem codes `validate.py` (or `prices.py`) may raise for this field.
    - `defaults`: A3 defaults `transform.py` may use for this field (field, value).
    """

    key: str
    vtex_field: str
    how_to_fill: Bilingual
    vtex_api: str
    linio_fields: tuple[str, ...]
    transformation: Bilingual
    mandatory: Mandatory
    buy_box: bool
    checks: tuple[str, ...] = ()
    defaults: tuple[tuple[str, str], ...] = ()

    @property
    def linio_field(self) -> str:
        return ", ".join(self.linio_fields)

    def as_row(self, lang: Language = "es") -> dict[str, Any]:
        """The row as the dashboard and docs show it (keys are stable, values in `lang`)."""
        return {
            "key": self.key,
            "vtex_field": self.vtex_field,
            "how_to_fill": self.how_to_fill.get(lang),
            "vtex_api": self.vtex_api,
            "linio_field": self.linio_field,
            "transformation": self.transformation.get(lang),
            "mandatory": _MANDATORY_TEXT[self.mandatory].get(lang),
            "buy_box": ("Sí" if lang == "es" else "Yes") if self.buy_box else "No",
            "checks": list(self.checks),
            "defaults": [f"{f} = {v}" for f, v in self.defaults],
        }


COLUMNS: dict[str, Bilingual] = {
    "vtex_field": Bilingual("Campo VTEX", "VTEX field"),
    "how_to_fill": Bilingual("Cómo llenarlo en VTEX", "How to fill it in VTEX"),
    "vtex_api": Bilingual("API de VTEX", "VTEX API"),
    "linio_field": Bilingual("Campo de Linio", "Linio field"),
    "transformation": Bilingual("Transformación", "Transformation"),
    "mandatory": Bilingual("Obligatorio", "Mandatory"),
    "buy_box": Bilingual("Buy box", "Buy box"),
}
"""Column headings of the table, in VTEX's template order (spec §5.3)."""

_TAGS = ", ".join(sorted(ALLOWED_DESCRIPTION_TAGS))
_FORMATS = ", ".join(f.upper() for f in IMAGE_FORMATS if f != "jpeg")
_PACKAGE = (
    ("package_height", "height", "PackageHeight", "alto", "height"),
    ("package_width", "width", "PackageWidth", "ancho", "width"),
    ("package_length", "length", "PackageLength", "largo", "length"),
)

FIELDS: tuple[FieldRow, ...] = (
    FieldRow(
        key="seller_sku",
        vtex_field="Id (SKU) / AlternateIds.RefId",
        how_to_fill=Bilingual(
            "Catálogo > Productos y SKUs > SKU: el ID lo asigna VTEX; el código de referencia "
            "(RefId) lo escribe el vendedor.",
            "Catalog > Products and SKUs > SKU: VTEX assigns the ID; the seller types the "
            "reference code (RefId).",
        ),
        vtex_api=SKU_CONTEXT_API,
        linio_fields=("SellerSku",),
        transformation=Bilingual(
            "El ID del SKU de VTEX como texto (como el plugin de Linio); la configuración de la "
            "tienda puede elegir el RefId. Un SellerSku que ya existe en Linio se adopta, "
            "nunca se crea dos veces.",
            "VTEX's SKU ID as text (as Linio's plugin does); the store setting can choose the "
            "RefId instead. A SellerSku that already exists on Linio is adopted, never "
            "created twice.",
        ),
        mandatory="yes",
        buy_box=False,
        checks=("catalog.seller_sku_missing",),
    ),
    FieldRow(
        key="parent_sku",
        vtex_field="ProductId",
        how_to_fill=Bilingual(
            "Catálogo: los SKU de un mismo producto.", "Catalog: the SKUs of one product."
        ),
        vtex_api=SKU_CONTEXT_API,
        linio_fields=("ParentSku",),
        transformation=Bilingual(
            "El SellerSku del SKU de ID más bajo del producto en la política comercial (los "
            "IDs nuevos de VTEX son mayores, así que agregar una variación no lo cambia); una "
            "vez enviado se conserva.",
            "The SellerSku of the product's lowest SKU ID in the trade policy (new VTEX IDs "
            "are higher, so adding a variation never changes it); once sent it is kept.",
        ),
        mandatory="yes",
        buy_box=False,
    ),
    FieldRow(
        key="variation",
        vtex_field="SkuSpecifications",
        how_to_fill=Bilingual(
            "Catálogo > SKU > Especificaciones de SKU (Talla, Color…).",
            "Catalog > SKU > SKU specifications (Size, Color…).",
        ),
        vtex_api=SKU_CONTEXT_API,
        linio_fields=("Variation",),
        transformation=Bilingual(
            "Los valores de las especificaciones del SKU, unidos con « / »; obligatorio cuando "
            "el producto tiene más de un SKU.",
            "The values of the SKU's specifications joined with “ / ”; mandatory when the "
            "product has more than one SKU.",
        ),
        mandatory="recommended",
        buy_box=False,
        checks=("catalog.variation_missing",),
    ),
    FieldRow(
        key="name",
        vtex_field="NameComplete",
        how_to_fill=Bilingual(
            "Catálogo: nombre del producto y nombre del SKU.", "Catalog: product and SKU name."
        ),
        vtex_api=SKU_CONTEXT_API,
        linio_fields=("Name",),
        transformation=Bilingual(
            "El nombre completo del SKU (el del producto cuando tiene variaciones). Texto "
            "sin caracteres prohibidos por XML 1.0 ni espacios sobrantes; hasta "
            f"{NAME_MAX_LENGTH} caracteres (o el MaxLength de la categoría): uno más largo se "
            "rechaza, nunca se corta.",
            "The SKU's full name (the product's name when it has variations). Text without "
            "characters XML 1.0 forbids or extra spaces; at most "
            f"{NAME_MAX_LENGTH} characters (or the category's MaxLength): a longer one is "
            "refused, never cut.",
        ),
        mandatory="yes",
        buy_box=True,
        checks=("catalog.name_missing", "catalog.name_too_long"),
    ),
    FieldRow(
        key="description",
        vtex_field="ProductDescription",
        how_to_fill=Bilingual(
            "Catálogo > Producto > Descripción (admite HTML).",
            "Catalog > Product > Description (HTML allowed).",
        ),
        vtex_api=SKU_CONTEXT_API,
        linio_fields=("Description",),
        transformation=Bilingual(
            f"Se conservan solo las etiquetas {_TAGS}, sin atributos; script y style se "
            "quitan con su contenido; se quitan los caracteres prohibidos por XML 1.0; hasta "
            f"{DESCRIPTION_MAX_LENGTH} caracteres (o el MaxLength de la categoría).",
            f"Only the tags {_TAGS} are kept, without attributes; script and style are removed "
            "with their content; characters XML 1.0 forbids are removed; at most "
            f"{DESCRIPTION_MAX_LENGTH} characters (or the category's MaxLength).",
        ),
        mandatory="yes",
        buy_box=True,
        checks=("catalog.description_missing", "catalog.description_too_long"),
    ),
    FieldRow(
        key="brand",
        vtex_field="BrandId / BrandName",
        how_to_fill=Bilingual(
            "Catálogo > Marcas; marca del producto.", "Catalog > Brands; the product's brand."
        ),
        vtex_api=SKU_CONTEXT_API,
        linio_fields=("Brand",),
        transformation=Bilingual(
            "Marca de VTEX → nombre de marca de Linio por el mapeo de marcas (CSV o panel). Sin "
            "mapeo el SKU queda pendiente (E4) y sale solo al mapearla; nunca se adivina.",
            "VTEX brand → Linio brand name through the brand mapping (CSV or dashboard). "
            "Without one the SKU waits (E4) and goes out by itself once mapped; never guessed.",
        ),
        mandatory="yes",
        buy_box=True,
        checks=("catalog.brand_unmapped",),
    ),
    FieldRow(
        key="category",
        vtex_field="ProductCategoryIds (leaf)",
        how_to_fill=Bilingual(
            "Catálogo > Categorías; categoría del producto; mapeo en el Mapper de VTEX.",
            "Catalog > Categories; the product's category; mapping in VTEX's Mapper.",
        ),
        vtex_api=SKU_CONTEXT_API,
        linio_fields=("PrimaryCategory", "Categories"),
        transformation=Bilingual(
            "Categoría hoja de VTEX → ID de categoría de Linio (Mapper, CSV o panel); "
            "Categories = la principal y las adicionales mapeadas, separadas por coma. Sin "
            "mapeo el SKU queda pendiente (E4); nunca se adivina.",
            "VTEX leaf category → Linio category ID (Mapper, CSV or dashboard); Categories = "
            "the primary one plus extra mapped ones, comma-separated. Without a mapping the "
            "SKU waits (E4); never guessed.",
        ),
        mandatory="yes",
        buy_box=False,
        checks=("catalog.category_unmapped",),
    ),
    FieldRow(
        key="price",
        vtex_field="items[].listPrice, items[].sellingPrice",
        how_to_fill=Bilingual(
            "Precios > lista de precios de la política comercial (precio “de” y precio de venta).",
            "Prices > price table of the trade policy (list price and selling price).",
        ),
        vtex_api=SIMULATION_API,
        linio_fields=("Price",),
        transformation=Bilingual(
            "Centavos → decimal. El precio de lista si el de venta es menor; si no, el de "
            "venta. Se aplica el recargo de la tienda (porcentaje y luego monto fijo) y el "
            "redondeo a los decimales de la moneda. Un SKU ausente de la simulación no se "
            "publica (A1).",
            "Cents → decimal. The list price when the selling price is lower, else the selling "
            "price. The store's markup (percent, then fixed amount) and rounding to the "
            "currency's decimals apply. A SKU missing from the simulation is not published "
            "(A1).",
        ),
        mandatory="yes",
        buy_box=True,
        checks=("catalog.not_in_simulation", "catalog.price_invalid", "catalog.price_drop_held"),
    ),
    FieldRow(
        key="sale_price",
        vtex_field="items[].sellingPrice, items[].priceValidUntil",
        how_to_fill=Bilingual(
            "Precios > precio de venta y promociones de la política comercial.",
            "Prices > selling price and promotions of the trade policy.",
        ),
        vtex_api=SIMULATION_API,
        linio_fields=("SalePrice", "SaleStartDate", "SaleEndDate"),
        transformation=Bilingual(
            "Si el precio de venta es menor que el de lista (tras recargo y redondeo): "
            "SalePrice = precio de venta, desde ahora hasta priceValidUntil (hora local del "
            "país, AAAA-MM-DD HH:MM:SS). Si no, los tres campos se envían vacíos para borrar "
            "una oferta anterior.",
            "When the selling price is lower than the list price (after markup and rounding): "
            "SalePrice = selling price, from now until priceValidUntil (the country's local "
            "time, YYYY-MM-DD HH:MM:SS). Otherwise the three fields are sent empty to clear an "
            "earlier sale.",
        ),
        mandatory="recommended",
        buy_box=True,
    ),
    FieldRow(
        key="quantity",
        vtex_field="logisticsInfo[].stockBalance",
        how_to_fill=Bilingual(
            "Inventario y envío > inventario de los almacenes de la política comercial.",
            "Inventory & shipping > stock of the trade policy's warehouses.",
        ),
        vtex_api=SIMULATION_API,
        linio_fields=("Quantity",),
        transformation=Bilingual(
            "stockBalance − stock de seguridad de la tienda + unidades de pedidos de Linio ya "
            "creados en VTEX y aún reservados en Linio; nunca menos de 0; 0 si la simulación "
            "omite el SKU o lo marca no disponible.",
            "stockBalance − the store's safety stock + units of Linio orders already placed in "
            "VTEX and still reserved on Linio; never below 0; 0 when the simulation omits the "
            "SKU or marks it unavailable.",
        ),
        mandatory="yes",
        buy_box=True,
    ),
    FieldRow(
        key="product_id",
        vtex_field="AlternateIds.Ean",
        how_to_fill=Bilingual("Catálogo > SKU > EAN/UPC.", "Catalog > SKU > EAN/UPC."),
        vtex_api=SKU_CONTEXT_API,
        linio_fields=("ProductId",),
        transformation=Bilingual(
            "Se envía si existe, con el dígito verificador comprobado (EAN-8, UPC-A, EAN-13, "
            "GTIN-14).",
            "Sent when present, with its check digit verified (EAN-8, UPC-A, EAN-13, GTIN-14).",
        ),
        mandatory="recommended",
        buy_box=True,
        checks=("catalog.ean_invalid",),
    ),
    FieldRow(
        key="tax_class",
        vtex_field="—",
        how_to_fill=Bilingual(
            "Configuración de la tienda en el conector: clase de impuesto de Linio.",
            "Store settings in the connector: Linio tax class.",
        ),
        vtex_api="—",
        linio_fields=("TaxClass",),
        transformation=Bilingual(
            "Valor de la configuración, comprobado contra las opciones de TaxClass de la "
            "categoría.",
            "The setting's value, checked against the category's TaxClass options.",
        ),
        mandatory="category",
        buy_box=False,
        checks=("catalog.tax_class_missing", "catalog.option_invalid"),
    ),
    FieldRow(
        key="status",
        vtex_field="IsActive, IsProductActive, SalesChannels",
        how_to_fill=Bilingual(
            "Catálogo > SKU “Activar SKU”; Producto “Activo”; políticas comerciales del producto.",
            "Catalog > SKU “Activate SKU”; Product “Active”; the product's trade policies.",
        ),
        vtex_api=SKU_CONTEXT_API,
        linio_fields=("Status",),
        transformation=Bilingual(
            "«active» cuando SKU y producto están activos y en la política comercial; si no, "
            "no se publica (A2/A1) o se desactiva.",
            "“active” when SKU and product are active and in the trade policy; otherwise not "
            "published (A2/A1) or deactivated.",
        ),
        mandatory="yes",
        buy_box=False,
        checks=(
            "catalog.sku_inactive",
            "catalog.product_inactive",
            "catalog.outside_trade_policy",
        ),
    ),
    FieldRow(
        key="condition",
        vtex_field="—",
        how_to_fill=Bilingual(
            "VTEX no tiene condición; puede mapearse una especificación a ConditionType.",
            "VTEX has no condition; a specification can be mapped to ConditionType.",
        ),
        vtex_api=SKU_CONTEXT_API,
        linio_fields=("ProductData/ConditionType",),
        transformation=Bilingual(
            "La especificación mapeada si existe; si no, «Nuevo» (A3), comprobado contra las "
            "opciones de la categoría.",
            "The mapped specification when there is one; otherwise “Nuevo” (A3), checked "
            "against the category's options.",
        ),
        mandatory="yes",
        buy_box=False,
        checks=("catalog.attribute_value_unmapped", "catalog.option_invalid"),
        defaults=(("ConditionType", DEFAULT_CONDITION),),
    ),
    *(
        FieldRow(
            key=key,
            vtex_field=f"Dimension.{vtex}",
            how_to_fill=Bilingual(
                f"Catálogo > SKU > {es} del paquete.", f"Catalog > SKU > package {en}."
            ),
            vtex_api=SKU_CONTEXT_API,
            linio_fields=(f"ProductData/{linio}",),
            transformation=Bilingual(
                "En cm, convertido desde la unidad de medidas de la tienda (cm por defecto; "
                "mm o m), 2 decimales. Ausente o 0 se rechaza: nunca se adivina.",
                "In cm, converted from the store's dimension unit (cm by default; mm or m), "
                "2 decimals. Missing or 0 is refused: never guessed.",
            ),
            mandatory="yes",
            buy_box=False,
            checks=("catalog.dimension_missing",),
        )
        for key, vtex, linio, es, en in _PACKAGE
    ),
    FieldRow(
        key="package_weight",
        vtex_field="Dimension.weight",
        how_to_fill=Bilingual("Catálogo > SKU > peso.", "Catalog > SKU > weight."),
        vtex_api=SKU_CONTEXT_API,
        linio_fields=("ProductData/PackageWeight",),
        transformation=Bilingual(
            "En kg, convertido desde la unidad de peso de la tienda (gramos por defecto, como "
            f"VTEX), 2 decimales; un peso positivo menor que {WEIGHT_FLOOR_KG} kg se sube a "
            f"{WEIGHT_FLOOR_KG} (A3). Ausente o 0 se rechaza: nunca se adivina.",
            "In kg, converted from the store's weight unit (grams by default, as VTEX), 2 "
            f"decimals; a positive weight under {WEIGHT_FLOOR_KG} kg is raised to "
            f"{WEIGHT_FLOOR_KG} (A3). Missing or 0 is refused: never guessed.",
        ),
        mandatory="yes",
        buy_box=False,
        checks=("catalog.weight_missing",),
        defaults=(("PackageWeight", str(WEIGHT_FLOOR_KG)),),
    ),
    FieldRow(
        key="images",
        vtex_field="Images[].ImageUrl",
        how_to_fill=Bilingual(
            "Catálogo > SKU > Imágenes; la primera es la principal.",
            "Catalog > SKU > Images; the first one is the main image.",
        ),
        vtex_api=SKU_CONTEXT_API,
        linio_fields=("Images (Image feed)",),
        transformation=Bilingual(
            f"En el orden de VTEX, la principal primero; solo https y {_FORMATS} (WebP y "
            f"formatos desconocidos no se envían); hasta {MAX_IMAGES}, las demás se omiten "
            "con aviso. Se envían tras crearse el producto y reemplazan todas las anteriores.",
            f"In VTEX's order, main image first; https and {_FORMATS} only (WebP and unknown "
            f"formats are not sent); at most {MAX_IMAGES}, the rest left out with a note. Sent "
            "once the product exists, replacing every earlier image.",
        ),
        mandatory="yes",
        buy_box=True,
        checks=(
            "catalog.images_missing",
            "catalog.image_not_https",
            "catalog.image_format",
            "catalog.images_trimmed",
        ),
    ),
    FieldRow(
        key="attributes",
        vtex_field="ProductSpecifications, SkuSpecifications",
        how_to_fill=Bilingual(
            "Catálogo > Especificaciones del producto y del SKU.",
            "Catalog > Product and SKU specifications.",
        ),
        vtex_api=SKU_CONTEXT_API,
        linio_fields=("ProductData/*",),
        transformation=Bilingual(
            "Cada atributo obligatorio de la categoría de Linio (GetCategoryAttributes) desde "
            "la especificación mapeada, o la que se llama igual que el atributo; los valores "
            "de lista pasan por el mapeo de valores y se comprueban contra las opciones. Las "
            "especificaciones que el mapeo de la categoría exige deben tener valor.",
            "Each mandatory attribute of the Linio category (GetCategoryAttributes) from the "
            "mapped specification, or the one named like the attribute; option values go "
            "through the value mapping and are checked against the options. Specifications "
            "the category's mapping requires must have a value.",
        ),
        mandatory="category",
        buy_box=False,
        checks=(
            "catalog.attribute_unmapped",
            "catalog.attribute_missing",
            "catalog.attribute_value_unmapped",
            "catalog.option_invalid",
        ),
    ),
)

ROWS: dict[str, FieldRow] = {row.key: row for row in FIELDS}

HANDLED_FEED_NAMES: frozenset[str] = frozenset(
    {
        "SellerSku",
        "ParentSku",
        "Variation",
        "Name",
        "Description",
        "Brand",
        "PrimaryCategory",
        "Categories",
        "Price",
        "SalePrice",
        "SaleStartDate",
        "SaleEndDate",
        "Quantity",
        "ProductId",
        "TaxClass",
        "Status",
        "ConditionType",
        "PackageHeight",
        "PackageWidth",
        "PackageLength",
        "PackageWeight",
    }
)
"""Category attributes filled by a dedicated row; the others go through `attributes`."""


def row(key: str) -> FieldRow:
    """The row named `key`; `KeyError` for an unknown one."""
    return ROWS[key]


def as_rows(lang: Language = "es") -> list[dict[str, Any]]:
    """The whole table for the field page (`/tables/fields`, JSON and HTML) and the docs."""
    return [r.as_row(lang) for r in FIELDS]


def columns(lang: Language = "es") -> dict[str, str]:
    """Column key → heading in `lang`, in the template's order."""
    return {key: text.get(lang) for key, text in COLUMNS.items()}
