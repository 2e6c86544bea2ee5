"""Constant-time comparison of secrets that may hold any character a caller sends."""

from __future__ import annotations

import pytest

from app.secrets_box import SecretBox
from clients.secret_compare import secrets_match


@pytest.mark.parametrize(
    ("given", "expected", "match"),
    [
        ("abc123", "abc123", True),
        ("abc124", "abc123", False),
        ("é", "abc123", False),  # was a TypeError (500) in hmac.compare_digest
        ("\udcff", "abc123", False),  # what aiohttp makes of a %ff in a query
        ("", "", False),  # an empty secret never matches
        (None, "abc", False),
        ("ABC123", "abc123", False),
    ],
)
def test_secrets_match(given: str | None, expected: str, match: bool) -> None:
    assert secrets_match(given, expected) is match


def test_token_digest_is_keyed_and_stable() -> None:
    box, other = SecretBox("key-one-0123456789"), SecretBox("key-two-0123456789")
    assert box.digest("tok") == box.digest("tok") != box.digest("tok2")
    assert box.digest("tok") != other.digest("tok")  # no SECRET_KEY, no lookup
    assert "tok" not in box.digest("tok") and len(box.digest("tok")) == 64
    assert box.digest("\udcff")  # any text a URL can carry
