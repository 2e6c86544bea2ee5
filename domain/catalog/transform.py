"""VTEX SKU → Seller Center product: `transform(snapshot) -> LinioProduct`.

Each field follows its row of the field table (`fields.py`, spec §5.3); the helpers here are
also what `validate.py` checks, so a value is computed one way only. Call `transform` on a
snapshot `validate.validate` found publishable (or use `validate.prepare`); it raises
`ValueError` when a mandatory value is missing.

Decisions:

- SellerSku: the store's `seller_sku_source` (VTEX SKU id by default; CLARIFICATIONS §6).
- Variations (issue 9): the SKUs of one VTEX product become variations of one Linio parent.
  `ParentSku` is the SellerSku of the product's lowest VTEX SKU id in the trade policy, so
  every sibling computes the same parent without coordination, and it is a real SellerSku,
  as Seller Center expects. VTEX ids grow, so a new variation never changes it; the
  consumer passes `known_parent_sku` from the state table to keep the parent already sent
  even when that SKU later leaves. `Variation` is the SKU's own specification values (joined
  with " / "); a product with one SKU sends none.
- Text (Name, Description, attribute values): characters XML 1.0 forbids are removed
  (vertical tab, form feed and the C0 separators become a space) — the field case where
  control characters in one description made the whole feed's XML ill-formed and sank the
  clean SKUs of the batch with it.
- Description keeps only `fields.ALLOWED_DESCRIPTION_TAGS`, through `nh3` (Python binding of
  the Rust `ammonia` sanitizer: maintained, fast, a real HTML5 parser instead of regular
  expressions, which cannot sanitize HTML reliably).
- A3 defaults (spec §2.2 #4) only where a wrong default cannot publish a wrong listing
  (CLARIFICATIONS §6): ConditionType "Nuevo" when no specification is mapped, and the
  weight floor. Never a brand, a category or a dimension.

Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import Any, Literal
from urllib.parse import urlsplit

import nh3

from clients.linio.models import Attribute
from domain.catalog import fields as table
from domain.catalog.prices import PriceStock, price_stock
from domain.catalog.snapshot import SkuSnapshot

# --- text ---------------------------------------------------------------------------------

_XML_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SPACE_LIKE = re.compile("[\x0b\x0c\x1c-\x1f]")
_SPACES = re.compile(r"\s+")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 forbids (U+0000–U+0008, U+000B, U+000C,
    U+000E–U+001F, U+FFFE, U+FFFF, lone surrogates). Vertical tab, form feed and the C0
    separators U+001C–U+001F become a space, the others are removed."""
    return _XML_FORBIDDEN.sub("", _SPACE_LIKE.sub(" ", text))


def clean_text(text: str) -> str:
    """A one-line text field (Name, attribute values): XML-safe, spaces collapsed."""
    return _SPACES.sub(" ", xml_safe(text)).strip()


_MARKUP = re.compile(r"<[a-zA-Z/!]")


def clean_description(html: str) -> str:
    """Description with only the allowed tags (no attributes), XML-safe. A plain-text
    description (no markup at all) keeps its line breaks as `<br>`."""
    text = xml_safe(html)
    if not _MARKUP.search(text):
        text = escape(text.strip(), quote=False).replace("\r\n", "\n").replace("\n", "<br>")
    cleaned = nh3.clean(
        text,
        tags=set(table.ALLOWED_DESCRIPTION_TAGS),
        attributes={},
        strip_comments=True,
        link_rel=None,
    )
    return xml_safe(cleaned).strip()


def visible_text(html: str) -> str:
    """The text a buyer would read in `html` (no tags)."""
    return _SPACES.sub(" ", nh3.clean(xml_safe(html), tags=set())).strip()


def name(snapshot: SkuSnapshot) -> str:
    """The SKU's full name; the product's name for the variations of a multi-SKU product
    (they share one parent listing, told apart by `Variation`)."""
    if has_variations(snapshot) and clean_text(snapshot.sku.product_name):
        return clean_text(snapshot.sku.product_name)
    return clean_text(snapshot.sku.name or snapshot.sku.product_name)


def description(snapshot: SkuSnapshot) -> str:
    raw = snapshot.sku.description or (snapshot.product.description if snapshot.product else "")
    return clean_description(raw)


def max_length(snapshot: SkuSnapshot, feed_name: str, fallback: int) -> int:
    """The category attribute's MaxLength when Seller Center gives one, else `fallback`."""
    attribute = snapshot.attribute(feed_name)
    return attribute.max_length if attribute and attribute.max_length else fallback


# --- identity and variations -------------------------------------------------------------


def parent_sku(snapshot: SkuSnapshot) -> str | None:
    """ParentSku: the one already sent, else the SellerSku of the product's lowest SKU id."""
    if snapshot.known_parent_sku:
        return snapshot.known_parent_sku
    candidates = sorted(snapshot.siblings.items(), key=lambda kv: _id_order(kv[0]))
    for sku_id, ref_id in candidates:
        seller_sku = snapshot.seller_sku_of(sku_id, ref_id)
        if seller_sku:
            return seller_sku
    return None


def _id_order(sku_id: str) -> tuple[int, int | str]:
    return (0, int(sku_id)) if sku_id.isdigit() else (1, sku_id)


def has_variations(snapshot: SkuSnapshot) -> bool:
    return len(snapshot.siblings) > 1


def variation(snapshot: SkuSnapshot) -> str | None:
    """The SKU's own specification values, joined with " / " (by specification name)."""
    values = [
        clean_text(v)
        for _, vs in sorted(snapshot.sku.sku_specifications.items())
        for v in vs
        if clean_text(v)
    ]
    return " / ".join(values) or None


# --- package --------------------------------------------------------------------------------

PACKAGE_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("package_height", "height", "PackageHeight"),
    ("package_width", "width", "PackageWidth"),
    ("package_length", "length", "PackageLength"),
    ("package_weight", "weight", "PackageWeight"),
)
"""(field-table row, VTEX `Dimension` key, Linio ProductData FeedName)."""

_TO_CM = {"cm": Decimal(1), "mm": Decimal("0.1"), "m": Decimal(100)}
_TO_KG = {"g": Decimal("0.001"), "kg": Decimal(1)}
_CENTI = Decimal("0.01")


def package(snapshot: SkuSnapshot) -> dict[str, Decimal | None]:
    """FeedName → cm / kg with 2 decimals, before the weight floor; None when VTEX has no
    positive value (never guessed)."""
    out: dict[str, Decimal | None] = {}
    for _row, key, feed_name in PACKAGE_FIELDS:
        raw = snapshot.sku.dimensions.get(key)
        if raw is None or raw <= 0:
            out[feed_name] = None
            continue
        factor = (
            _TO_KG[snapshot.rules.weight_unit]
            if key == "weight"
            else _TO_CM[snapshot.rules.dimension_unit]
        )
        out[feed_name] = (Decimal(str(raw)) * factor).quantize(_CENTI, ROUND_HALF_UP)
    return out


# --- images -----------------------------------------------------------------------------------

ImageVerdict = Literal["ok", "not_https", "format"]


def image_format(url: str) -> str:
    """The file extension of an image URL's path, lower case ("" when none)."""
    path = urlsplit(url).path
    last = path.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].lower() if "." in last else ""


def image_verdict(url: str) -> ImageVerdict:
    if urlsplit(url).scheme.lower() != "https":
        return "not_https"
    return "ok" if image_format(url) in table.IMAGE_FORMATS else "format"


def usable_images(snapshot: SkuSnapshot) -> list[str]:
    """Image URLs Seller Center takes, in VTEX's order (main first), at most MAX_IMAGES."""
    ok = [u for u in snapshot.sku.images if image_verdict(u) == "ok"]
    return ok[: table.MAX_IMAGES]


# --- category attributes ------------------------------------------------------------------

AttributeStatus = Literal["ok", "unmapped", "missing", "value_unmapped"]


@dataclass(frozen=True)
class AttributeValue:
    """How one Linio attribute resolved for the SKU.

    `status`: ok (value set); unmapped (no VTEX specification feeds it); missing (the
    specification is empty on this SKU); value_unmapped (a value is not an option, even
    after the value mapping: `bad_value`).
    """

    attribute: Attribute
    status: AttributeStatus
    specification: str | None = None
    value: str | None = None
    bad_value: str | None = None

    @property
    def allowed(self) -> str:
        return ", ".join(o.name for o in self.attribute.options)


def _spec_for(snapshot: SkuSnapshot, attribute: Attribute) -> str | None:
    mapping = snapshot.attribute_mappings.get(attribute.feed_name)
    if mapping is not None:
        return mapping.specification
    wanted = {attribute.feed_name.casefold(), attribute.label.casefold()}
    for spec in snapshot.sku.specifications:
        if spec.casefold() in wanted:
            return spec
    return None


def resolve_attribute(snapshot: SkuSnapshot, attribute: Attribute) -> AttributeValue:
    """Fill one attribute from its mapped specification (explicit mapping first, else the
    VTEX specification named like the attribute's FeedName or Label)."""
    spec = _spec_for(snapshot, attribute)
    if spec is None:
        return AttributeValue(attribute, "unmapped")
    raw_values = [clean_text(v) for v in snapshot.sku.specifications.get(spec, ())]
    raw_values = [v for v in raw_values if v]
    if not raw_values:
        return AttributeValue(attribute, "missing", spec)
    mapping = snapshot.attribute_mappings.get(attribute.feed_name)
    translated = [mapping.values.get(v, v) if mapping else v for v in raw_values]
    options = {o.name for o in attribute.options}
    if options:
        for original, value in zip(raw_values, translated, strict=True):
            if value not in options:
                return AttributeValue(attribute, "value_unmapped", spec, bad_value=original)
    return AttributeValue(attribute, "ok", spec, ",".join(translated))


def category_attributes(snapshot: SkuSnapshot) -> list[AttributeValue]:
    """Attributes of the Linio category not covered by a dedicated row: every mandatory one,
    and optional ones with an explicit mapping."""
    return [
        resolve_attribute(snapshot, a)
        for a in snapshot.category_attributes
        if a.feed_name not in table.HANDLED_FEED_NAMES
        and (a.is_mandatory or a.feed_name in snapshot.attribute_mappings)
    ]


@dataclass(frozen=True)
class Condition:
    """ConditionType: `value` to send (None = not sent), `default` True when it is the A3
    default, `resolved` the mapped attempt (None when the category has no ConditionType)."""

    value: str | None
    default: bool
    resolved: AttributeValue | None


def condition(snapshot: SkuSnapshot) -> Condition:
    attribute = snapshot.attribute("ConditionType")
    if attribute is None:
        if snapshot.category_attributes:
            return Condition(None, False, None)  # the category does not know the field
        return Condition(table.DEFAULT_CONDITION, True, None)
    resolved = resolve_attribute(snapshot, attribute)
    if resolved.status == "ok":
        return Condition(resolved.value, False, resolved)
    if resolved.status == "value_unmapped":
        return Condition(None, False, resolved)
    options = [o.name for o in attribute.options]
    if not options or table.DEFAULT_CONDITION in options:
        return Condition(table.DEFAULT_CONDITION, True, resolved)
    flagged = [o.name for o in attribute.options if o.is_default]
    return Condition(flagged[0] if flagged else None, bool(flagged), resolved)


# --- the product ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LinioProduct:
    """A Seller Center product ready for a feed.

    - `fields`: every ProductCreate field, in the SDK's element order, `ProductData` as a
      nested dict; values are strings ("" = clear the field); give it to
      `clients.linio.bodies.products_xml`.
    - `images`: URLs for the Image feed, main first, at most 8 (sent once the product exists).
    - `defaults`: the A3 list, (Linio field, value used) pairs.
    """

    seller_sku: str
    parent_sku: str | None
    variation: str | None
    fields: dict[str, Any]
    images: tuple[str, ...]
    offer: PriceStock
    defaults: tuple[tuple[str, str], ...] = field(default=())

    OFFER_FIELDS = ("Price", "SalePrice", "SaleStartDate", "SaleEndDate", "Quantity")

    def content_fields(self) -> dict[str, Any]:
        """Fields of a content-only ProductUpdate (no price, sale or stock)."""
        return {k: v for k, v in self.fields.items() if k not in self.OFFER_FIELDS}

    def offer_fields(self) -> dict[str, Any]:
        """Fields of a price/stock ProductUpdate: SellerSku plus the offer."""
        offer = {k: v for k, v in self.fields.items() if k in self.OFFER_FIELDS}
        return {"SellerSku": self.seller_sku, **offer}

    def content_hash(self) -> str:
        """sha256 of the content fields and images: equal hashes mean nothing to resend."""
        payload = {"fields": self.content_fields(), "images": list(self.images)}
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


def transform(snapshot: SkuSnapshot) -> LinioProduct:
    """The Seller Center product for a publishable snapshot.

    Raises `ValueError` when a mandatory value is missing (SellerSku, brand, category,
    price): run `validate.validate` first, or use `validate.prepare`.
    """
    seller_sku = snapshot.seller_sku
    if not seller_sku or not snapshot.linio_brand or not snapshot.linio_category:
        raise ValueError("snapshot is not publishable: validate it first")
    offer = price_stock(
        snapshot.simulation,
        snapshot.rules,
        snapshot.now,
        reserved_units=snapshot.reserved_units,
    )
    if offer.price is None:
        raise ValueError("snapshot is not publishable: VTEX offers no price")
    defaults: list[tuple[str, str]] = []
    product_data: dict[str, str] = {}

    chosen = condition(snapshot)
    if chosen.value is not None:
        product_data["ConditionType"] = chosen.value
        if chosen.default:
            defaults.append(("ConditionType", chosen.value))
    for feed_name, value in package(snapshot).items():
        if value is None:
            raise ValueError(f"snapshot is not publishable: {feed_name} missing")
        if feed_name == "PackageWeight" and value < table.WEIGHT_FLOOR_KG:
            value = table.WEIGHT_FLOOR_KG
            defaults.append(("PackageWeight", format(value, "f")))
        product_data[feed_name] = format(value, "f")
    for resolved in category_attributes(snapshot):
        if resolved.status == "ok" and resolved.value is not None:
            product_data[resolved.attribute.feed_name] = resolved.value

    multi = has_variations(snapshot)
    parent = parent_sku(snapshot) if multi else None
    var = variation(snapshot) if multi else None
    categories = [snapshot.linio_category, *snapshot.extra_categories]
    offer_fields = offer.fields()
    fields: dict[str, Any] = {
        "SellerSku": seller_sku,
        "Name": name(snapshot),
        "Variation": var,
        "Status": "active",
        "PrimaryCategory": snapshot.linio_category,
        "Categories": ",".join(dict.fromkeys(categories)),
        "Description": description(snapshot),
        "Brand": snapshot.linio_brand,
        "Price": offer_fields["Price"],
        "ProductId": (snapshot.sku.ean or "").strip() or None,
        "TaxClass": snapshot.rules.tax_class,
        "ParentSku": parent,
        "Quantity": offer_fields["Quantity"],
        "SalePrice": offer_fields["SalePrice"],
        "SaleStartDate": offer_fields["SaleStartDate"],
        "SaleEndDate": offer_fields["SaleEndDate"],
        "ProductData": product_data,
    }
    return LinioProduct(
        seller_sku=seller_sku,
        parent_sku=parent,
        variation=var,
        fields={k: v for k, v in fields.items() if v is not None},
        images=tuple(usable_images(snapshot)),
        offer=offer,
        defaults=tuple(defaults),
    )


def render_defaults(defaults: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> str:
    """The `{fields}` placeholder of A3: "Field = value" pairs, one per line."""
    return "\n".join(f"{f} = {v}" for f, v in defaults)
