"""Constant-time comparison of secrets given as text (tokens, app tokens, passwords).

`hmac.compare_digest` raises TypeError for a `str` holding non-ASCII characters; anything a
caller sends (`?token=%C3%A9`, a header `é`) is compared as UTF-8 bytes instead, so a strange
credential is simply wrong, never a 500. Standard library only.
"""

from __future__ import annotations

import hmac


def secrets_match(given: str | None, expected: str | None) -> bool:
    """True when both are non-empty and equal; time independent of where they differ."""
    if not given or not expected:
        return False
    return hmac.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )
