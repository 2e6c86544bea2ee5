"""Buyers' personal data masked in what the seller exports or VTEX reads (CLARIFICATIONS §5).

Documents, phones, e-mails, names and street addresses stay in the order ledger; seller
logs, CSV exports and the VTEX log endpoint show them masked. Mappings are masked by key
name (VTEX and Seller Center spellings, case-insensitive); texts that hold JSON are parsed
and masked the same way, XML elements with those names (Seller Center's replies) lose
their text, and e-mail addresses are masked in any text. Ids (SKU, order) stay readable.
Pure: standard library only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

PERSONAL_KEYS = frozenset(
    k.casefold()
    for k in (
        # VTEX (clientProfileData, shippingData.address)
        "email",
        "customerEmail",
        "phone",
        "phone2",
        "corporatePhone",
        "document",
        "corporateDocument",
        "stateInscription",
        "firstName",
        "lastName",
        "receiverName",
        "street",
        "number",
        "complement",
        "reference",
        "neighborhood",
        "geoCoordinates",
        # Seller Center (GetOrder: CustomerFirstName, AddressBilling/AddressShipping)
        "customerFirstName",
        "customerLastName",
        "nationalRegistrationNumber",
        "address1",
        "address2",
        "address3",
        "address4",
        "address5",
        "phone1",
        "customerEmail",
    )
)
MASK = "***"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_XML_ELEMENT = re.compile(r"<([A-Za-z][\w]*)>([^<]*)</\1>")


def mask_value(value: Any) -> Any:
    """'12345678909' → '***909'; short values and non-strings → '***'; empty stays empty."""
    if value in (None, "", [], {}):
        return value
    text = str(value) if isinstance(value, str | int) else ""
    return f"{MASK}{text[-3:]}" if len(text) >= 8 else MASK


def mask_personal(data: Any) -> Any:
    """Copy of JSON-like `data` with personal values masked wherever a key names them."""
    if isinstance(data, Mapping):
        return {
            k: mask_value(v) if str(k).casefold() in PERSONAL_KEYS else mask_personal(v)
            for k, v in data.items()
        }
    if isinstance(data, list | tuple):
        return [mask_personal(v) for v in data]
    if isinstance(data, str):
        return mask_personal_text(data)
    return data


def mask_personal_text(text: str) -> str:
    """A text with personal data masked: JSON is masked by key, other text by pattern."""
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            parsed = json.loads(stripped)
        except ValueError:
            pass
        else:
            return json.dumps(mask_personal(parsed), ensure_ascii=False)
    if "<" in text:
        text = _XML_ELEMENT.sub(_mask_element, text)
    return _EMAIL.sub(MASK, text)


def _mask_element(match: re.Match[str]) -> str:
    name, value = match.group(1), match.group(2)
    if name.casefold() not in PERSONAL_KEYS:
        return match.group(0)
    return f"<{name}>{mask_value(value)}</{name}>"
