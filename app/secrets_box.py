"""Encryption of stored credentials and masking of secrets in anything a person reads.

Store documents hold VTEX app tokens and Seller Center API keys; a database dump must not
leak them, so they are Fernet-encrypted with a key derived from SECRET_KEY.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

MASK = "***"

# Keys whose values are secrets wherever they appear (payloads, log events, errors).
SECRET_KEYS = frozenset(
    k.lower()
    for k in (
        "api_key",
        "apiKey",
        "linioApiKey",
        "sellercenter_key",
        "sellercenter_secret",
        "vtex_api_key",
        "vtex_api_secret",
        "appToken",
        "app_token",
        "vtexAppToken",
        "X-VTEX-API-AppToken",
        "VtexIdclientAutCookie",
        "cookie",
        "password",
        "secret",
        "secret_key",
        "Signature",
        "authorization",
        "token",
    )
)


class SecretBox:
    def __init__(self, secret_key: str) -> None:
        digest = hashlib.sha256(("vtex-linio:" + secret_key).encode("utf-8")).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise ValueError(
                "stored credentials cannot be decrypted: SECRET_KEY differs from the one "
                "used when the store was saved"
            ) from None


def mask_mapping(data: Any, extra_secrets: Iterable[str] = ()) -> Any:
    """Copy of `data` with secret-named keys masked and known secret values replaced."""
    values = [v for v in extra_secrets if v and len(v) >= 4]
    return _mask(data, values)


def _mask(data: Any, values: list[str]) -> Any:
    if isinstance(data, Mapping):
        return {
            k: (MASK if str(k).lower() in SECRET_KEYS and v not in (None, "") else _mask(v, values))
            for k, v in data.items()
        }
    if isinstance(data, list | tuple):
        return [_mask(v, values) for v in data]
    if isinstance(data, str):
        return mask_text(data, values)
    return data


_QUERY_SECRET = re.compile(r"(?i)\b(Signature|apiKey|appToken|token)=([^&\s\"']+)")


def mask_text(text: str, values: Iterable[str] = ()) -> str:
    for value in values:
        if value and len(value) >= 4:
            text = text.replace(value, MASK)
    return _QUERY_SECRET.sub(lambda m: f"{m.group(1)}={MASK}", text)
