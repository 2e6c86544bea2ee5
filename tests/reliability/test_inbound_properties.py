"""Property tests (hypothesis) for every parser of what VTEX sends us.

For any input at all, a parser either returns its typed object or raises PayloadError (a
400 naming the field) — never anything else — and what it returns only holds text that
BSON and XML can store, identifiers in their documented patterns. `parse_json_bytes` turns
any bytes into JSON or JsonRejected, never another exception. Pure functions: no server.
"""

from __future__ import annotations

import json
from typing import Any

import bson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clients.vtex import inbound
from clients.vtex.inbound import JsonRejected, PayloadError

PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Any JSON value, with nasty text (lone surrogates, NUL, controls) and huge numbers.
text = st.text(st.characters(codec=None), max_size=40) | st.sampled_from(
    ["", "x\ud800", "\x00", "\u0661\u0662", "1e999", "  1 ", "LMX", "acme", "SOI001"]
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | text
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=5),
    max_leaves=30,
)


def _field_values(names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with the parser's own keys (any case) holding any values."""
    keys = st.sampled_from(names).flatmap(
        lambda name: st.sampled_from([name, name.lower(), name.upper()])
    )
    return st.dictionaries(keys | text, json_values, max_size=len(names) + 2)


def _storable(value: Any) -> None:
    """What a parser returns can be written to MongoDB (BSON) as is."""
    bson.encode({"v": json.loads(json.dumps(value, default=lambda o: o.__dict__))})


def _check(parser: Any, data: Any) -> Any:
    try:
        parsed = parser(data)
    except PayloadError as exc:
        assert exc.field and exc.message
        return None
    _storable(parsed.__dict__ if hasattr(parsed, "__dict__") else parsed)
    return parsed


NOTIFICATION_KEYS = [
    "IdSku", "ProductId", "An", "IdAffiliate", "DateModified", "IsActive", "StockModified",
    "PriceModified", "HasStockKeepingUnitModified", "HasStockKeepingUnitRemovedFromAffiliate",
]  # fmt: skip


@PROPERTY_SETTINGS
@given(st.one_of(json_values, _field_values(NOTIFICATION_KEYS)))
def test_catalog_notification_parser_never_fails_unexpectedly(data: Any) -> None:
    parsed = _check(inbound.parse_catalog_notification, data)
    if parsed is not None:
        assert inbound.DIGITS.match(parsed.sku_id)
        assert inbound.ACCOUNT_NAME.match(parsed.account)
        assert inbound.AFFILIATE_ID.match(parsed.affiliate_id)


@PROPERTY_SETTINGS
@given(
    st.builds(
        dict,
        IdSku=st.integers(0, 10**6).map(str),
        An=st.sampled_from(["acme", "ACME", "a-1"]),
        IdAffiliate=st.sampled_from(["LMX", "lmx"]),
        StockModified=st.booleans(),
    )
)
def test_valid_catalog_notifications_are_accepted(data: dict[str, Any]) -> None:
    parsed = inbound.parse_catalog_notification(data)
    assert parsed.sku_id == data["IdSku"] and parsed.account == data["An"].lower()


@PROPERTY_SETTINGS
@given(
    st.one_of(
        json_values,
        _field_values(["accountName", "active", "affiliateId", "salesChannel", "email", "cookie"]),
    )
)
def test_store_config_parser_never_fails_unexpectedly(data: Any) -> None:
    parsed = _check(inbound.parse_store_config, data)
    if parsed is not None:
        assert inbound.DIGITS.match(parsed.sales_channel)
        assert inbound.ACCOUNT_NAME.match(parsed.account)


@PROPERTY_SETTINGS
@given(
    st.one_of(
        json_values,
        _field_values(
            ["flow", "code", "success", "marketplaceOrderId", "operationId", "accountName",
             "message", "fields", "errors"]
        ),
    )
)  # fmt: skip
def test_processing_result_parser_never_fails_unexpectedly(data: Any) -> None:
    parsed = _check(inbound.parse_processing_result, data)
    if parsed is not None:
        order_id = parsed.marketplace_order_id  # optional: absent when VTEX sends no fields
        assert order_id == "" or inbound.MARKETPLACE_ORDER_ID.match(order_id)
        assert inbound.RESULT_CODE.match(parsed.code)


@PROPERTY_SETTINGS
@given(
    st.one_of(
        json_values,
        _field_values(
            ["invoiceNumber", "type", "invoiceValue", "issuanceDate", "invoiceKey",
             "invoiceUrl", "courier", "trackingNumber", "trackingUrl", "items"]
        ),
    ),
    st.one_of(st.none(), text),
)  # fmt: skip
def test_invoice_parser_never_fails_unexpectedly(data: Any, number: str | None) -> None:
    parsed = _check(lambda d: inbound.parse_invoice(d, invoice_number=number), data)
    if parsed is not None:
        assert inbound.INVOICE_NUMBER.match(parsed.invoice_number)
        assert parsed.invoice_value is None or 0 <= parsed.invoice_value <= inbound.MAX_CENTS


@PROPERTY_SETTINGS
@given(st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()))
def test_json_reader_turns_any_bytes_into_json_or_a_rejection(raw: bytes) -> None:
    try:
        data = inbound.parse_json_bytes(raw)
    except JsonRejected as exc:
        assert str(exc)
        return
    bson.encode({"v": data})  # whatever is accepted can be stored


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=33, max_value=3000), st.sampled_from(["[", '{"a":']))
def test_deep_nesting_is_rejected_not_a_crash(depth: int, opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    raw = (opener * depth + "1" + closer * depth).encode()
    try:
        inbound.parse_json_bytes(raw)
    except JsonRejected as exc:
        assert "deeper" in str(exc) or "Expecting" in str(exc)
    else:
        raise AssertionError("nesting beyond MAX_DEPTH was accepted")
