"""Request bodies for Seller Center, built with xmltodict so every value is escaped exactly
once (the PHP SDK inserts callback URLs raw, which breaks on `&`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import xmltodict

from clients.errors import InvalidRequest

MAX_PRODUCTS_PER_REQUEST = 1000
MAX_IMAGES = 8


# Characters the XML 1.0 grammar forbids (Char production): C0 controls except tab, LF and
# CR, lone surrogates, U+FFFE and U+FFFF. Seller Center's parser refuses the whole feed
# (E005) when one description carries one, so no body may hold them.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_SPACING = re.compile("[\x0b\x0c]")  # vertical tab, form feed: they separate words


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 forbids: vertical tab and form feed become a
    space (they separate words in pasted descriptions), the others are dropped."""
    return _XML_FORBIDDEN.sub("", _XML_SPACING.sub(" ", text))


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        # Exactly as given: rounding here would change weights and dimensions; money arrives
        # already quantized by the transformer.
        return format(value, "f")
    if isinstance(value, list | tuple):
        return ",".join(_value(v) for v in value)
    return xml_safe(str(value))


def _clean(fields: Mapping[str, Any]) -> dict[str, Any]:
    """None is omitted (partial updates send only what changes); nested dicts kept."""
    cleaned: dict[str, Any] = {}
    for key, value in fields.items():
        if value is None:
            continue
        cleaned[key] = _clean(value) if isinstance(value, Mapping) else _value(value)
    return cleaned


def _xml(document: dict[str, Any]) -> str:
    return xmltodict.unparse(document, full_document=True, encoding="utf-8")


def products_xml(products: Sequence[Mapping[str, Any]]) -> str:
    """ProductCreate / ProductUpdate body; each product a mapping of Seller Center fields
    (`ProductData` as a nested mapping)."""
    if not products:
        raise InvalidRequest("a product feed needs at least one product")
    if len(products) > MAX_PRODUCTS_PER_REQUEST:
        raise InvalidRequest(
            f"at most {MAX_PRODUCTS_PER_REQUEST} products per request, "
            f"got {len(products)}: split the batch"
        )
    for product in products:
        if not product.get("SellerSku"):
            raise InvalidRequest("every product needs a SellerSku")
    return _xml({"Request": {"Product": [_clean(p) for p in products]}})


def remove_xml(seller_skus: Iterable[str]) -> str:
    skus = list(seller_skus)
    if not skus or len(skus) > MAX_PRODUCTS_PER_REQUEST:
        raise InvalidRequest(f"ProductRemove takes 1..{MAX_PRODUCTS_PER_REQUEST} SKUs")
    return _xml({"Request": {"Product": [{"SellerSku": xml_safe(s)} for s in skus]}})


def images_xml(images: Mapping[str, Sequence[str]]) -> str:
    """Image feed: the first image becomes the main one; the call replaces all images."""
    if not images:
        raise InvalidRequest("an Image feed needs at least one SKU")
    for sku, urls in images.items():
        if len(urls) > MAX_IMAGES:
            raise InvalidRequest(
                f"SKU {sku} has {len(urls)} images; Seller Center takes at most {MAX_IMAGES}"
            )
    return _xml(
        {
            "Request": {
                "ProductImage": [
                    {"SellerSku": xml_safe(sku), "Images": {"Image": [xml_safe(u) for u in urls]}}
                    for sku, urls in images.items()
                ]
            }
        }
    )


def webhook_xml(callback_url: str, events: Sequence[str]) -> str:
    return _xml(
        {"Request": {"Webhook": {"CallbackUrl": callback_url, "Events": {"Event": list(events)}}}}
    )


def delete_webhook_xml(webhook_id: str) -> str:
    return _xml({"Request": {"Webhook": webhook_id}})


def json_list(values: Iterable[Any], *, numeric: bool = False) -> str:
    """List parameters travel as compact JSON text, and that exact text is signed.
    Ids (order items, orders) are numbers; seller SKUs stay strings even when all digits."""
    items = [int(v) for v in values] if numeric else [str(v) for v in values]
    return json.dumps(items, separators=(",", ":"), ensure_ascii=False)
