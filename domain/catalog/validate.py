"""Every check of spec §2.4 (steps d–h) on one SKU, all at once: `validate(snapshot)`.

Returns every problem found, never stopping at the first (spec §2.2 #7: the seller gets one
list of everything to fix, never publish–fail–fix–republish):

- d: SKU or product inactive → A2 (`catalog.sku_inactive`, `catalog.product_inactive`);
- e: SKU outside the store's trade policy → A1 (`catalog.outside_trade_policy`);
- h: SKU not offered by the simulation (absent: no price; unavailable; no SLA) → A1
  (`catalog.not_in_simulation`), reported only when d and e found nothing, since an
  inactive or out-of-policy SKU is never in the simulation;
- f: Seller Center's registration rules → E1: SellerSku, Name (length), Description
  (length), price, EAN check digit, TaxClass, ConditionType, package dimensions and weight
  (missing is refused, never guessed: CLARIFICATIONS §6), images (none usable; WebP, unknown
  format or plain http skipped; more than 8 trimmed), Variation, mandatory category
  attributes and their option values, specifications the category mapping requires;
- g: missing mappings → E4 (category, brand, attribute, attribute value): the SKU waits as
  pending and is re-evaluated when the mapping arrives (`problems.waits_for_mapping`).

Each problem names its field-table row (`fields.py`) and both field names; its line comes
from the error catalogue. `prepare(snapshot)` validates and, when nothing blocks, transforms.

Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.catalog import fields as table
from domain.catalog import transform as tf
from domain.catalog.prices import price_stock
from domain.catalog.problems import Problem, publishable
from domain.catalog.quantity import offered
from domain.catalog.snapshot import SkuSnapshot
from domain.catalog.transform import LinioProduct


def _problem(
    code: str, row: str, linio: str, vtex: str, blocking: bool = True, **params: object
) -> Problem:
    return Problem(code, row, linio, vtex, {k: str(v) for k, v in params.items()}, blocking)


def gtin_valid(code: str) -> bool:
    """True for an EAN-8, UPC-A, EAN-13 or GTIN-14 with a correct check digit."""
    if not code.isdigit() or len(code) not in table.EAN_LENGTHS:
        return False
    digits = [int(d) for d in code]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def validate(snapshot: SkuSnapshot) -> list[Problem]:
    """All problems of the SKU (empty list = publishable as is)."""
    problems: list[Problem] = []
    problems += _status(snapshot)
    problems += _mappings(snapshot)
    problems += _registration(snapshot)
    return problems


# --- d, e, h ---------------------------------------------------------------------------------


def _status(s: SkuSnapshot) -> list[Problem]:
    found: list[Problem] = []
    if not s.sku.is_active:
        found.append(
            _problem("catalog.sku_inactive", "status", "Status", "IsActive", sku_id=s.sku.sku_id)
        )
    if not s.product_active:
        found.append(
            _problem(
                "catalog.product_inactive",
                "status",
                "Status",
                "IsProductActive",
                product_id=s.sku.product_id,
            )
        )
    if not s.in_trade_policy:
        found.append(
            _problem(
                "catalog.outside_trade_policy",
                "status",
                "Status",
                "SalesChannels",
                sales_channel=s.sales_channel,
            )
        )
    if not found and not offered(s.simulation):
        found.append(
            _problem(
                "catalog.not_in_simulation",
                "price",
                "Price, Quantity",
                "items[]",
                sales_channel=s.sales_channel,
            )
        )
    return found


# --- g ---------------------------------------------------------------------------------------


def _mappings(s: SkuSnapshot) -> list[Problem]:
    found: list[Problem] = []
    if not s.linio_category:
        found.append(
            _problem(
                "catalog.category_unmapped",
                "category",
                "PrimaryCategory",
                "ProductCategoryIds",
                category=s.category_label,
            )
        )
    if not s.linio_brand:
        found.append(
            _problem(
                "catalog.brand_unmapped",
                "brand",
                "Brand",
                "BrandName",
                brand=s.sku.brand_name or s.sku.brand_id or "—",
            )
        )
    return found


# --- f ---------------------------------------------------------------------------------------


def _registration(s: SkuSnapshot) -> list[Problem]:
    found: list[Problem] = []
    if not s.seller_sku:
        found.append(
            _problem("catalog.seller_sku_missing", "seller_sku", "SellerSku", "AlternateIds.RefId")
        )
    if tf.has_variations(s) and not tf.variation(s):
        found.append(
            _problem("catalog.variation_missing", "variation", "Variation", "SkuSpecifications")
        )
    found += _texts(s)
    found += _offer(s)
    ean = (s.sku.ean or "").strip()
    if ean and not gtin_valid(ean):
        found.append(
            _problem("catalog.ean_invalid", "product_id", "ProductId", "AlternateIds.Ean", ean=ean)
        )
    found += _tax_class(s)
    found += _condition(s)
    found += _package(s)
    found += _images(s)
    found += _attributes(s)
    return found


def _texts(s: SkuSnapshot) -> list[Problem]:
    found: list[Problem] = []
    name = tf.name(s)
    limit = tf.max_length(s, "Name", table.NAME_MAX_LENGTH)
    if not name:
        found.append(_problem("catalog.name_missing", "name", "Name", "NameComplete"))
    elif len(name) > limit:
        found.append(
            _problem(
                "catalog.name_too_long",
                "name",
                "Name",
                "NameComplete",
                length=len(name),
                max_length=limit,
            )
        )
    description = tf.description(s)
    limit = tf.max_length(s, "Description", table.DESCRIPTION_MAX_LENGTH)
    if not tf.visible_text(description):
        found.append(
            _problem(
                "catalog.description_missing", "description", "Description", "ProductDescription"
            )
        )
    elif len(description) > limit:
        found.append(
            _problem(
                "catalog.description_too_long",
                "description",
                "Description",
                "ProductDescription",
                length=len(description),
                max_length=limit,
            )
        )
    return found


def _offer(s: SkuSnapshot) -> list[Problem]:
    offer = price_stock(s.simulation, s.rules, s.now, reserved_units=s.reserved_units)
    if s.simulation is None or offer.price is None or offer.price > 0:
        return []
    return [
        _problem(
            "catalog.price_invalid",
            "price",
            "Price",
            "items[].listPrice, items[].sellingPrice",
            price=format(offer.price, "f"),
        )
    ]


def _option_problem(row: str, linio: str, vtex: str, value: str, options: list[str]) -> Problem:
    return _problem(
        "catalog.option_invalid", row, linio, vtex, value=value, allowed=", ".join(options)
    )


def _tax_class(s: SkuSnapshot) -> list[Problem]:
    attribute = s.attribute("TaxClass")
    chosen = s.rules.tax_class
    if chosen is None:
        if attribute is not None and attribute.is_mandatory:
            return [_problem("catalog.tax_class_missing", "tax_class", "TaxClass", "—")]
        return []
    options = [o.name for o in attribute.options] if attribute else []
    if options and chosen not in options:
        return [_option_problem("tax_class", "TaxClass", "—", chosen, options)]
    return []


def _condition(s: SkuSnapshot) -> list[Problem]:
    chosen = tf.condition(s)
    resolved = chosen.resolved
    if resolved is not None and resolved.status == "value_unmapped":
        return [_value_unmapped("condition", resolved)]
    if chosen.value is None and resolved is not None:
        options = [o.name for o in resolved.attribute.options]
        return [
            _option_problem("condition", "ConditionType", "—", table.DEFAULT_CONDITION, options)
        ]
    return []


def _package(s: SkuSnapshot) -> list[Problem]:
    found: list[Problem] = []
    values = tf.package(s)
    for row, key, feed_name in tf.PACKAGE_FIELDS:
        if values[feed_name] is None:
            code = "catalog.weight_missing" if key == "weight" else "catalog.dimension_missing"
            found.append(_problem(code, row, f"ProductData/{feed_name}", f"Dimension.{key}"))
    return found


def _images(s: SkuSnapshot) -> list[Problem]:
    found: list[Problem] = []
    urls = list(s.sku.images)
    usable = [u for u in urls if tf.image_verdict(u) == "ok"]
    for url in urls:
        verdict = tf.image_verdict(url)
        if verdict == "not_https":
            found.append(
                _problem(
                    "catalog.image_not_https",
                    "images",
                    "Images",
                    "Images[].ImageUrl",
                    blocking=not usable,
                    url=url,
                )
            )
        elif verdict == "format":
            shown = tf.image_format(url)
            found.append(
                _problem(
                    "catalog.image_format",
                    "images",
                    "Images",
                    "Images[].ImageUrl",
                    blocking=not usable,
                    url=url,
                    format="WebP" if shown == "webp" else (shown.upper() or "?"),
                )
            )
    if not usable:
        found.append(_problem("catalog.images_missing", "images", "Images", "Images[].ImageUrl"))
    elif len(usable) > table.MAX_IMAGES:
        found.append(
            _problem(
                "catalog.images_trimmed",
                "images",
                "Images",
                "Images[].ImageUrl",
                blocking=False,
                count=len(usable),
                max_images=table.MAX_IMAGES,
            )
        )
    return found


def _value_unmapped(row: str, resolved: tf.AttributeValue) -> Problem:
    return _problem(
        "catalog.attribute_value_unmapped",
        row,
        f"ProductData/{resolved.attribute.feed_name}",
        resolved.specification or "—",
        value=resolved.bad_value or "",
        allowed=resolved.allowed,
    )


def _attributes(s: SkuSnapshot) -> list[Problem]:
    found: list[Problem] = []
    for resolved in tf.category_attributes(s):
        linio = f"ProductData/{resolved.attribute.feed_name}"
        if resolved.status == "unmapped":
            found.append(
                _problem("catalog.attribute_unmapped", "attributes", linio, "Specifications")
            )
        elif resolved.status == "missing":
            found.append(
                _problem(
                    "catalog.attribute_missing",
                    "attributes",
                    linio,
                    resolved.specification or "—",
                )
            )
        elif resolved.status == "value_unmapped":
            found.append(_value_unmapped("attributes", resolved))
    reported = {p.vtex_field for p in found}
    for spec in s.required_specifications:
        values = s.sku.product_specifications.get(spec, ())
        if spec in reported or any(v.strip() for v in values):
            continue
        fed = [f for f, m in s.attribute_mappings.items() if m.specification == spec]
        linio = f"ProductData/{fed[0]}" if fed else "ProductData/*"
        found.append(_problem("catalog.attribute_missing", "attributes", linio, spec))
    return found


# --- validate, then transform -------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """The outcome for one SKU: all problems, and the product when nothing blocks."""

    problems: list[Problem]
    product: LinioProduct | None


def prepare(snapshot: SkuSnapshot) -> Prepared:
    problems = validate(snapshot)
    product = tf.transform(snapshot) if publishable(problems) else None
    return Prepared(problems, product)
