"""Buyers' personal data masked in exports and logs (CLARIFICATIONS §5); ids stay readable."""

from __future__ import annotations

import json

import pytest

from domain.personal_data import mask_personal, mask_personal_text, mask_value


@pytest.mark.parametrize(
    ("value", "masked"),
    [("12345678909", "***909"), ("+52 55 1234 5678", "***678"), ("Ana", "***"), ("", "")],
)
def test_values_keep_at_most_their_last_three_characters(value: str, masked: str) -> None:
    assert mask_value(value) == masked


def test_vtex_and_seller_center_keys_are_masked_at_any_depth() -> None:
    order = {
        "clientProfileData": {"email": "ana@example.com", "document": "12345678909"},
        "shippingData": {"address": {"street": "Av. Reforma 222", "postalCode": "06600"}},
        "AddressShipping": {"Phone": "5512345678", "Address1": "Calle 5"},
        "items": [{"id": "1234", "sellerSku": "1234"}],
    }
    masked = mask_personal(order)
    text = json.dumps(masked)
    for secret in ("ana@example.com", "12345678909", "Av. Reforma 222", "5512345678"):
        assert secret not in text
    assert masked["shippingData"]["address"]["postalCode"] == "06600"
    assert masked["items"] == order["items"]


@pytest.mark.parametrize(
    ("text", "gone", "kept"),
    [
        ('{"phone": "5512345678", "orderId": "778"}', "5512345678", '"orderId": "778"'),
        ("<Phone>5512345678</Phone><OrderId>778</OrderId>", "5512345678", "<OrderId>778</OrderId>"),
        ("refused for ana.buyer@example.com on order 778", "ana.buyer@", "order 778"),
    ],
)
def test_texts_are_masked_as_json_as_xml_and_by_pattern(text: str, gone: str, kept: str) -> None:
    masked = mask_personal_text(text)
    assert gone not in masked and kept in masked
