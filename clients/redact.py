"""Masking of secrets in anything a person reads: logs, errors, pages, dead letters.

Keys named like credentials are masked wherever they appear in a mapping, known secret
values (the store's own tokens and keys) are replaced in any text, and signed query strings
lose their `Signature`/`apiKey`/`appToken`/`token` values. Standard library only: the
ground floor (`clients/`) and everything above share this one rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

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


class KnownSecrets:
    """The secret values this process has seen (stores' tokens and keys, its own settings).

    Masking by key name cannot catch a secret quoted inside a free text (an exception
    message, a dead letter's reason); masking by value can. Stores register their secrets
    when they are loaded, the service its own at start; log lines and dead letters are
    masked against all of them.
    """

    def __init__(self) -> None:
        self._values: set[str] = set()

    def add(self, values: Iterable[str]) -> None:
        self._values.update(v for v in values if v and len(v) >= 4)

    def values(self) -> list[str]:
        # Longest first, so a secret containing another is masked whole.
        return sorted(self._values, key=len, reverse=True)


KNOWN_SECRETS = KnownSecrets()
