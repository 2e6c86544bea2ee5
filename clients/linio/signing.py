"""Seller Center request signing.

Seller Center re-signs the decoded query with the seller's API key and compares, so the
exact encoding matters: RFC 3986 (PHP ``rawurlencode``), parameters sorted by byte order,
HMAC-SHA256 in lowercase hex. The simulator verifies with these same functions, so the
worked examples of the spec (tests/test_linio_signing.py) pin both sides.
"""

from __future__ import annotations

import hashlib
import hmac
import platform
from collections.abc import Mapping
from urllib.parse import quote

from clients.errors import ConfigError


def rfc3986(value: str) -> str:
    """Percent-encode like PHP's rawurlencode: only ``A-Z a-z 0-9 - _ . ~`` stay literal."""
    return quote(value, safe="-_.~")


def string_to_sign(params: Mapping[str, str]) -> str:
    pairs = sorted((str(k), str(v)) for k, v in params.items() if k != "Signature")
    return "&".join(f"{rfc3986(k)}={rfc3986(v)}" for k, v in pairs)


def signature(params: Mapping[str, str], api_key: str) -> str:
    """Hex HMAC-SHA256 of the canonical query string, keyed with the API key as text."""
    if not api_key:
        raise ConfigError("The API key cannot be empty.")
    message = string_to_sign(params).encode("utf-8")
    return hmac.new(api_key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify(params: Mapping[str, str], api_key: str) -> bool:
    """Constant-time check of the ``Signature`` parameter of a received query."""
    given = params.get("Signature", "")
    return hmac.compare_digest(given, signature(params, api_key))


def user_agent(
    seller_id: str,
    *,
    language: str = "Python",
    language_version: str | None = None,
    integrator: str | None = None,
    country: str | None = None,
) -> str:
    """Seller Center's mandatory `SellerId/Language/Version[/Integrator][/Country]`."""
    if not seller_id:
        raise ConfigError("The Seller Center seller id is required for the User-Agent.")
    parts = [seller_id, language, language_version or platform.python_version()]
    parts += [p for p in (integrator, country) if p]
    return "/".join(parts)
