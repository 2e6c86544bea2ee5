"""What VTEX really sends us, parsed as VTEX's own documents allow (audit fidelity-vtex #2, #3,
#7, #14): open result codes and flows, fields only on success, cents as numeric strings, and
identifiers normalised the same way on every route."""

from __future__ import annotations

from typing import Any

import pytest

from clients.vtex.inbound import (
    PayloadError,
    normalise_account,
    normalise_affiliate,
    parse_catalog_notification,
    parse_invoice,
    parse_processing_result,
    parse_store_config,
)

# ExtMkp processing result for a validation error, as the audit reproduced it (#3).
UNKNOWN_FLOW = {
    "marketplaceOrderId": "3001234",
    "accountName": "acme",
    "code": "EOI005",
    "flow": "Unknown",
    "success": False,
    "operationId": "0f2d5c1e",
    "errors": [
        {"source": "Order Integration", "code": "EOI005", "description": "Validation error"}
    ],
    "fields": None,
    "message": "Validation error",
}

# Orders API invoice example: invoiceValue typed as a string of cents
# (field case "invoice-value-as-string").
INVOICE_VALUE_AS_STRING = {
    "type": "Output",
    "invoiceNumber": "7999972",
    "invoiceValue": "7450",
    "issuanceDate": "2019-02-07T02:00:00.000Z",
    "invoiceKey": "799",
    "items": [{"id": "1231", "price": 7450, "quantity": 1}],
}


def test_unknown_flow_is_a_result_not_a_refusal() -> None:
    result = parse_processing_result(UNKNOWN_FLOW)
    assert (result.flow, result.code, result.success) == ("Unknown", "EOI005", False)
    assert result.marketplace_order_id == "3001234"
    assert result.errors[0]["source"] == "Order Integration"
    assert result.known  # "Unknown" is one of ExtMkp's documented flows
    assert not parse_processing_result({**UNKNOWN_FLOW, "flow": "CancelOrder"}).known


@pytest.mark.parametrize(
    ("code", "known"), [("SOI004", False), ("FMT007", False), ("eoi002", True), ("SOI001", True)]
)
def test_unlisted_codes_are_recorded_as_sent(code: str, known: bool) -> None:
    result = parse_processing_result({**UNKNOWN_FLOW, "flow": "PlaceOrder", "code": code})
    assert result.code == code.upper() and result.known is known


def test_fields_count_only_on_success_and_marketplace_id_may_be_null() -> None:
    duplicate = {
        **UNKNOWN_FLOW,
        "flow": "PlaceOrder",
        "code": "EOI007",
        "fields": {"mainOrderId": "LMX-1-01"},  # a misbehaving sender: not an order link
        "marketplaceOrderId": None,
    }
    result = parse_processing_result(duplicate)
    assert result.main_order_id is None and result.marketplace_order_id == ""
    ok = parse_processing_result(
        {**duplicate, "code": "SOI001", "success": True, "marketplaceOrderId": "3001234"}
    )
    assert ok.main_order_id == "LMX-1-01"


@pytest.mark.parametrize("bad", [{"code": None}, {"code": 1.5}, {"errors": "x"}, {"flow": []}])
def test_wrong_types_are_still_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(PayloadError):
        parse_processing_result({**UNKNOWN_FLOW, **bad})


def test_invoice_value_as_numeric_string_is_cents() -> None:
    invoice = parse_invoice(INVOICE_VALUE_AS_STRING)
    assert invoice.invoice_value == 7450 and invoice.invoice_number == "7999972"
    assert invoice.items == ({"id": "1231", "price": 7450, "quantity": 1},)


def test_item_numbers_as_strings_become_numbers() -> None:
    body = {**INVOICE_VALUE_AS_STRING, "items": [{"id": 1231, "price": "7450", "quantity": "2"}]}
    assert parse_invoice(body).items == ({"id": "1231", "price": 7450, "quantity": 2},)


@pytest.mark.parametrize("value", ["74.50", "25.980", 74.5, "7 450", True, "-7450"])
def test_money_that_is_not_whole_cents_is_refused(value: object) -> None:
    with pytest.raises(PayloadError) as refused:
        parse_invoice({**INVOICE_VALUE_AS_STRING, "invoiceValue": value})
    assert refused.value.field == "invoiceValue"


@pytest.mark.parametrize(
    ("raw", "account"),
    [
        ("acme", "acme"),
        (" ACME ", "acme"),
        ("acme.myvtex.com", "acme"),
        ("acme.vtexcommercestable.com.br", "acme"),
        ("Acme.myvtex", "acme"),
        (None, ""),
    ],
)
def test_account_names_normalise_alike(raw: str | None, account: str) -> None:
    assert normalise_account(raw) == account


def test_every_route_normalises_account_and_affiliate_alike() -> None:
    notification = parse_catalog_notification(
        {"IdSku": "7", "An": "ACME.myvtex.com", "IdAffiliate": " lmx"}
    )
    config = parse_store_config(
        {"accountName": "Acme.myvtex.com", "affiliateId": "lmx", "salesChannel": "2"}
    )
    result = parse_processing_result({**UNKNOWN_FLOW, "accountName": "ACME.myvtex.com"})
    assert notification.account == config.account == result.account == "acme"
    assert notification.affiliate_id == config.affiliate_id == normalise_affiliate("lmx") == "LMX"
    with pytest.raises(PayloadError):  # vowels stay refused after upper-casing
        parse_store_config({"accountName": "acme", "affiliateId": "lio", "salesChannel": "2"})


def test_an_invoice_line_that_is_not_an_object_is_named() -> None:
    with pytest.raises(PayloadError) as refused:
        parse_invoice({**INVOICE_VALUE_AS_STRING, "items": [{"id": "1"}, "1231"]})
    assert refused.value.field == "items[1]"
