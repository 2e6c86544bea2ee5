"""The HTTP answers' catalogue entries: bilingual for real, placeholders in both languages."""

from __future__ import annotations

import pytest

from domain.errors.api import ENTRIES


@pytest.mark.parametrize("code", sorted(ENTRIES))
def test_entry_is_bilingual_with_the_same_placeholders(code: str) -> None:
    entry = ENTRIES[code]
    assert entry.flow == "api" and entry.http_status and 400 <= entry.http_status < 600
    for text in (entry.when, entry.message, entry.action):
        assert text.es and text.en and text.es != text.en
    filled = {name: "X" for name in entry.message.placeholders()}
    assert "{" not in entry.render("es", **filled) and "{" not in entry.render("en", **filled)
