"""The catalog's error-catalogue entries: VTEX's codes and one entry per problem kind."""

from __future__ import annotations

import string

import pytest

from domain.errors import CATALOGUE, entry
from domain.errors.catalog import ENTRIES, PROBLEM_CODES, PROBLEM_LOG_CODE

VTEX_CODES = {
    # code: (response, VTEX log status) — spec §4.4
    "S1": (201, "success"),
    "A1": (400, "warning"),
    "A2": (400, "warning"),
    "A3": (200, "warning"),
    "E1": (400, "error"),
    "E2": (500, "error"),
    "E3": (400, "error"),
    "E4": (400, "error"),
    "E5": (500, "error"),
}


@pytest.mark.parametrize("code", sorted(ENTRIES))
def test_entry_is_bilingual_with_an_action_and_the_same_placeholders(code: str) -> None:
    item = ENTRIES[code]
    assert item.flow == "catalog"
    for text in (item.message, item.action, item.when):
        assert text.es.strip() and text.en.strip()
        assert text.es != text.en, f"{code}: Spanish equals English"
    for text in (item.message, item.action):
        names = [{n for _, n, _, _ in string.Formatter().parse(t) if n} for t in (text.es, text.en)]
        assert names[0] == names[1], f"{code}: placeholders differ between languages"
    assert code in CATALOGUE


@pytest.mark.parametrize("code", sorted(VTEX_CODES))
def test_vtex_log_codes_carry_the_response_and_status_of_the_spec(code: str) -> None:
    status, log_status = VTEX_CODES[code]
    assert (entry(code).http_status, entry(code).log_status) == (status, log_status)


def test_vtex_wording_is_kept_in_english() -> None:
    assert (
        entry("E2")
        .render("en", name="Linio")
        .startswith(
            "Oops, the product registration in the Linio marketplace is unavailable right now."
        )
    )
    assert entry("E5").message.en.startswith("OOps, the VTEX category mapping is unavailable")
    a1 = entry("A1").render("en", sku_id="2000001", problems="")
    assert a1.startswith("Oops, we couldn’t obtain the SKU price of 2000001.")
    assert entry("E1").render("en", problems="1. x") == (
        "Oops, we couldn't prepare the SKU registration in the marketplace due to 1. x"
    )
    assert entry("E2").retry and entry("E5").retry and not entry("E1").retry


def test_every_problem_kind_goes_to_one_vtex_log() -> None:
    assert set(PROBLEM_LOG_CODE) == set(PROBLEM_CODES)
    assert set(PROBLEM_LOG_CODE.values()) <= {"A1", "A2", "A3", "E1", "E4"}
    mapping_codes = {c for c, log in PROBLEM_LOG_CODE.items() if log == "E4"}
    assert mapping_codes == {
        "catalog.category_unmapped",
        "catalog.brand_unmapped",
        "catalog.attribute_unmapped",
        "catalog.attribute_value_unmapped",
    }
    assert all(entry(c).retry for c in mapping_codes)  # released by the mapping by itself


def test_rendering_without_a_placeholder_value_is_refused() -> None:
    with pytest.raises(KeyError):
        entry("catalog.ean_invalid").render("es", linio_field="ProductId", vtex_field="Ean")
