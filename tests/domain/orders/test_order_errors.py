"""The orders part of the error catalogue: VTEX's letters A–Q and the SOI/EOI outcomes."""

from __future__ import annotations

import pytest

from domain.errors import entry
from domain.errors.orders import ENTRIES, RESULT_CODES, result_code


@pytest.mark.parametrize("code", sorted(ENTRIES))
def test_every_entry_is_spanish_and_english_with_the_same_placeholders(code):
    item = ENTRIES[code]
    for text in (item.when, item.message, item.action):
        assert text.placeholders() == item.message.placeholders() or text is not item.message
        assert text.es != text.en or text.es in ("Ninguna.",)
    assert item.message.es != item.message.en
    assert item.message.placeholders() == set(item.message.placeholders())
    params = {name: "x" for name in item.message.placeholders()}
    assert item.render("es", **params) and item.render("en", **params)


@pytest.mark.parametrize(
    ("letter", "log_status", "http_status"),
    [
        ("A", "success", 201),
        ("B", "success", 201),
        ("C", "success", 201),
        ("D", "warning", 400),
        ("E", "alert", 400),
        ("F", "warning", 400),
        ("G", "error", 500),
        ("H", "warning", 200),
        ("I", "error", 400),
        ("J", "error", 400),
        ("K", "error", None),
        ("L", "error", 500),
        ("M", "pending", None),
        ("N", "error", 400),
        ("O", "error", 400),
        ("P", "error", 500),
        ("Q", "error", 400),
    ],
)
def test_vtex_order_letters_keep_the_spec_severity_and_response(letter, log_status, http_status):
    item = entry(f"order.{letter}")
    assert (item.log_status, item.http_status) == (log_status, http_status)


def test_letter_a_names_both_orders():
    text = entry("order.A").render(
        "en", marketplace_order_id="2190", vtex_order_id="LMX-2190-01", order_url="https://x"
    )
    assert text.startswith(
        "The order 2190 was created in VTEX successfully under the ID LMX-2190-01"
    )


def test_every_channel_order_api_code_has_an_entry():
    expected = {"SOI001", "SOI002", "SOI003"} | {f"EOI{n:03d}" for n in range(12)}
    assert RESULT_CODES == expected


@pytest.mark.parametrize(
    ("code", "catalogue", "retry"),
    [
        ("EOI007", "order.EOI007", False),  # duplicate: read the id, do not retry
        ("eoi002", "order.EOI002", True),
        ("EOI011", "order.EOI011", True),
        ("EOI005", "order.EOI005", False),
        ("SOI004", "order.result_unknown", False),  # open set: still logged
        ("", "order.result_unknown", False),
    ],
)
def test_result_codes_map_to_entries(code, catalogue, retry):
    assert result_code(code) == catalogue
    assert entry(catalogue).retry is retry


def test_an_unknown_flow_is_still_rendered():
    text = entry("order.result_unknown").render(
        "es", marketplace_order_id="2190", code="EOI005", flow="Unknown", detail="Validation error"
    )
    assert "Unknown" in text and "2190" in text
