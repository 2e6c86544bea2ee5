"""Parsing of what VTEX sends us: pure functions, JSON in, typed object or `PayloadError` out.

VTEX's own documents spell the same field differently (`IdSku` / `idSKU`, `An` / `an`), so
keys are matched case-insensitively. Types are checked strictly: a wrong type is a 400 with
the field named, never a silent coercion that publishes the wrong SKU.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

AFFILIATE_ID = re.compile(r"^[B-DF-HJ-NP-TV-Z]{3}$")


_DIGITS = re.compile(r"^[0-9]{1,20}$")
# Host suffixes a VTEX account name sometimes arrives with (`acme.myvtex.com`, ...).
_ACCOUNT_SUFFIXES = (".myvtex.com", ".vtexcommercestable.com.br", ".myvtex")


def normalise_account(value: str | None) -> str:
    """A VTEX account name as stored: trimmed, lower case, without a VTEX host suffix.

    Every route that receives an account (`An`, `an`, `accountName`) goes through here, so
    `ACME`, ` acme ` and `acme.myvtex.com` all find the store `acme`."""
    account = (value or "").strip().lower()
    for suffix in _ACCOUNT_SUFFIXES:
        if account.endswith(suffix):
            return account[: -len(suffix)]
    return account


def normalise_affiliate(value: str | None) -> str:
    """An affiliate id as stored: trimmed, upper case (VTEX's checkout accepts `lmx`)."""
    return (value or "").strip().upper()


# Documented identifier patterns (published in /openapi.json by handlers/openapi.py).
DIGITS = _DIGITS
# VTEX order id (SBX-1003-01) or, in OMS callbacks, the marketplace order id.
ORDER_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
MARKETPLACE_ORDER_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")  # Linio OrderNumber / OrderId
INVOICE_NUMBER = re.compile(r"^[A-Za-z0-9._/-]{1,64}$")
RESULT_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")  # SOI001, EOI007, and codes yet unknown
MAX_TEXT = 512  # longest free text field we accept (URLs, messages)
MAX_COOKIE = 8192
MAX_INVOICE_ITEMS = 500
MAX_CENTS = 10**13  # 100 billion in currency units: beyond any real invoice
MAX_INVOICE_QUANTITY = 100_000  # units of one SKU on one invoice line


MAX_DEPTH = 32  # nesting levels a VTEX payload never comes near
MAX_NUMBER_DIGITS = 30  # longer numbers are no amount or id of VTEX's
# Characters BSON or XML 1.0 cannot hold: lone surrogates, NUL and the C0 controls but tab,
# newline and carriage return.
_UNSTORABLE = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class JsonRejected(ValueError):
    """The bytes are not a JSON document this service accepts; the message says why."""


def _reject_constant(name: str) -> Any:
    raise JsonRejected(f"{name} is not a number JSON allows")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise JsonRejected(f"a number has more than {MAX_NUMBER_DIGITS} digits")
    value = int(text)
    if not -(2**63) <= value < 2**63:  # what BSON (and MongoDB) can hold
        raise JsonRejected("a whole number is out of the 64-bit range")
    return value


def _bounded_float(text: str) -> float:
    if len(text) > MAX_NUMBER_DIGITS + 10:
        raise JsonRejected(f"a number has more than {MAX_NUMBER_DIGITS} digits")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise JsonRejected("a number is out of range")
    return value


def check_text(value: Any, where: str = "body") -> None:
    """Raise JsonRejected when `value` nests deeper than MAX_DEPTH or a string (or key)
    anywhere in it holds a character BSON or XML 1.0 cannot store. Iterative: no input
    can exhaust the stack."""
    stack = [(value, where, 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise JsonRejected(f"the body nests deeper than {MAX_DEPTH} levels")
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                raise JsonRejected(f"{path} holds a character that cannot be stored")
        elif isinstance(item, dict):
            for key, child in item.items():
                if _UNSTORABLE.search(key):
                    raise JsonRejected(f"a key in {path} holds a character that cannot be stored")
                stack.append((child, f"{path}.{key}", depth + 1))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{i}]", depth + 1) for i, child in enumerate(item))


def parse_json_bytes(raw: bytes) -> Any:
    """Decode a request body: strict UTF-8 (a BOM is refused), bounded depth and numbers,
    no NaN/Infinity, only storable text. Raises JsonRejected, never anything else."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise JsonRejected("the body is not UTF-8") from None
    if text.startswith("\ufeff"):
        raise JsonRejected("the body starts with a byte-order mark")
    try:
        data = json.loads(
            text,
            parse_constant=_reject_constant,
            parse_int=_bounded_int,
            parse_float=_bounded_float,
        )
    except json.JSONDecodeError as exc:
        raise JsonRejected(str(exc)) from None
    except RecursionError:
        raise JsonRejected(f"the body nests deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:
        raise JsonRejected(str(exc)) from None
    check_text(data)
    return data


class PayloadError(ValueError):
    """The payload cannot be used; `field` names what to fix."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


class _Fields:
    """Case-insensitive view of a JSON object."""

    def __init__(self, data: Any, what: str) -> None:
        if not isinstance(data, Mapping):
            raise PayloadError("body", f"{what} must be a JSON object")
        self._data = {str(k).lower(): v for k, v in data.items()}

    def raw(self, *names: str) -> Any:
        for name in names:
            if name.lower() in self._data:
                return self._data[name.lower()]
        return None

    def text(
        self,
        name: str,
        *,
        required: bool = False,
        aliases: tuple[str, ...] = (),
        limit: int = MAX_TEXT,
        pattern: re.Pattern[str] | None = None,
    ) -> str | None:
        value = self.raw(name, *aliases)
        if value is None or value == "":
            if required:
                raise PayloadError(name, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise PayloadError(name, f"must be a string, got {type(value).__name__}")
        text = str(value)
        if len(text) > limit:
            raise PayloadError(name, f"must be at most {limit} characters")
        if _UNSTORABLE.search(text):
            raise PayloadError(name, "holds characters that cannot be stored")
        if pattern is not None and not pattern.match(text):
            raise PayloadError(name, f"must match {pattern.pattern}")
        return text

    def digits(
        self, name: str, *, required: bool = False, aliases: tuple[str, ...] = ()
    ) -> str | None:
        value = self.text(name, required=required, aliases=aliases)
        if value is not None and not _DIGITS.match(value):
            raise PayloadError(name, f"must be a numeric id, got {value!r}")
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise PayloadError(name, f"must be true or false, got {value!r}")

    def cents(self, name: str, *, required: bool = False) -> int | None:
        """Money in cents: a whole number, or a string of digits (the Orders API types
        `invoiceValue` as a string, e.g. "2499"); "25.980" or 25.98 are refused."""
        value = self.raw(name)
        if value is None or value == "":
            if required:
                raise PayloadError(name, "is required")
            return None
        return whole_number(name, value)


def whole_number(name: str, value: Any, *, unit: str = "cents") -> int:
    """`value` as an int: an int, or a string of digits; PayloadError (naming `unit`)
    otherwise."""
    if isinstance(value, str) and _DIGITS.match(value.strip()):
        return int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise PayloadError(name, f"must be a whole number ({unit}), got {value!r}")
    return value


@dataclass(frozen=True)
class CatalogNotification:
    sku_id: str
    account: str
    affiliate_id: str
    product_id: str | None = None
    date_modified: str | None = None
    is_active: bool = True
    stock_modified: bool = False
    price_modified: bool = False
    sku_modified: bool = False
    removed_from_affiliate: bool = False

    @property
    def deactivates(self) -> bool:
        return self.removed_from_affiliate or not self.is_active


ACCOUNT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")  # VTEX account names (lower-cased)


def _bounded(value: str | None, name: str, limit: int) -> str | None:
    if value is not None and len(value) > limit:
        raise PayloadError(name, f"must be at most {limit} characters")
    return value


def _affiliate(value: str) -> str:
    affiliate = value.upper()
    if not AFFILIATE_ID.match(affiliate):
        raise PayloadError("IdAffiliate", "must be 3 upper-case consonants, e.g. LMX")
    return affiliate


def _account(value: str, name: str) -> str:
    account = value.lower()
    if not ACCOUNT_NAME.match(account):
        raise PayloadError(name, "must be a VTEX account name (a-z, 0-9, -)")
    return account


def parse_catalog_notification(data: Any) -> CatalogNotification:
    f = _Fields(data, "the catalog notification")
    return CatalogNotification(
        sku_id=f.digits("IdSku", required=True) or "",
        account=_account(normalise_account(f.text("An", required=True)), "An"),
        affiliate_id=_affiliate(normalise_affiliate(f.text("IdAffiliate", required=True))),
        product_id=f.digits("ProductId"),
        date_modified=_bounded(f.text("DateModified"), "DateModified", 64),
        is_active=f.flag("IsActive", default=True),
        stock_modified=f.flag("StockModified"),
        price_modified=f.flag("PriceModified"),
        sku_modified=f.flag("HasStockKeepingUnitModified"),
        removed_from_affiliate=f.flag("HasStockKeepingUnitRemovedFromAffiliate"),
    )


@dataclass(frozen=True)
class StoreConfig:
    account: str
    active: bool
    affiliate_id: str
    sales_channel: str
    email: str = ""
    cookie: str = field(default="", repr=False)
    allow_franchise_accounts: bool = False
    # Price and stock rules given in the settings (Store field name → value; absent keys
    # keep the store's current rule): markup_percent, markup_fixed, price_drop_guard_percent
    # (decimal strings; "" = no guard), rounding, safety_stock, reconcile_interval (seconds),
    # reconcile_budget (SKUs per pass).
    rules: dict[str, Any] = field(default_factory=dict)


_RULE_DECIMALS = {
    "markupPercent": "markup_percent",
    "markupFixed": "markup_fixed",
    "priceDropGuardPercent": "price_drop_guard_percent",
}
_RULE_WHOLE = {
    "safetyStock": "safety_stock",
    "reconcileInterval": "reconcile_interval",
    "reconcileBudget": "reconcile_budget",
}


def _store_rules(f: _Fields) -> dict[str, Any]:
    rules: dict[str, Any] = {}
    for name, key in _RULE_DECIMALS.items():
        value = f.raw(name)
        if value is None:
            continue
        if value == "" and key == "price_drop_guard_percent":
            rules[key] = ""  # the guard switched off
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise PayloadError(name, "must be a number")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise PayloadError(name, f"must be a number, got {value!r}") from None
        if not number.is_finite() or (key != "markup_fixed" and number < 0):
            raise PayloadError(name, "must be a number, zero or more")
        rules[key] = format(number, "f")
    for name, key in _RULE_WHOLE.items():
        value = f.raw(name)
        if value is not None and value != "":
            rules[key] = whole_number(name, value)
    rounding = f.text("rounding")
    if rounding is not None:
        if rounding not in ("half_up", "up", "down"):
            raise PayloadError("rounding", "must be half_up, up or down")
        rules["rounding"] = rounding
    return rules


def parse_store_config(data: Any) -> StoreConfig:
    f = _Fields(data, "the store configuration")
    affiliate = normalise_affiliate(f.text("affiliateId", required=True))
    if not AFFILIATE_ID.match(affiliate):
        raise PayloadError("affiliateId", "must be 3 upper-case consonants, e.g. LMX")
    sales_channel = f.text("salesChannel", required=True) or ""
    if not _DIGITS.match(sales_channel):
        raise PayloadError("salesChannel", "must contain ASCII digits only")
    email = f.text("email") or ""
    if email and "@" not in email:
        raise PayloadError("email", "must be an e-mail address")
    return StoreConfig(
        account=_account(normalise_account(f.text("accountName", required=True)), "accountName"),
        active=f.flag("active", default=False),
        affiliate_id=affiliate,
        sales_channel=sales_channel,
        email=email,
        cookie=f.text("cookie", limit=MAX_COOKIE) or "",
        allow_franchise_accounts=f.flag("allowFranchiseAccounts"),
        rules=_store_rules(f),
    )


RESULT_CODES = {
    "SOI001": "Order integrated into VTEX",
    "SOI002": "Order approved in VTEX",
    "SOI003": "Order enqueued for processing",
    "EOI000": "Unknown error",
    "EOI001": "Unmapped error",
    "EOI002": "No SLA or items available",
    "EOI003": "Payment total differs and no order-authorization rule exists",
    "EOI004": "Invalid cart",
    "EOI005": "Validation error in a field",
    "EOI006": "Unexpected VTEX internal error",
    "EOI007": "Duplicate order",
    "EOI008": "Cannot approve: order not integrated yet",
    "EOI009": "Order is not in a status that can be approved",
    "EOI010": "VTEX API timed out",
    "EOI011": "Integrated with price divergence; waiting for manual authorization",
}


FLOWS = ("PlaceOrder", "ApproveOrder", "Unknown")


@dataclass(frozen=True)
class ProcessingResult:
    """A Channel Order API result (sync answer or processing-result notification).

    ExtMkp: `flow` may be `Unknown` ("when we're not able to identify the flow") and `code`
    is an open string; both are recorded as sent, and `success` decides. `fields`
    (`mainOrderId`) comes only with a success, so a duplicate (EOI007) carries no order id.
    `marketplace_order_id` is "" when VTEX sent null (the sync answer: the id we sent)."""

    flow: str
    code: str
    success: bool
    marketplace_order_id: str
    operation_id: str | None = None
    account: str | None = None
    message: str = ""
    main_order_id: str | None = None
    errors: tuple[dict[str, Any], ...] = ()

    @property
    def key(self) -> str:
        """Idempotency key of this notification (VTEX may deliver it more than once)."""
        return f"{self.flow}:{self.operation_id or self.code}"

    @property
    def known(self) -> bool:
        """False for a flow or code not in VTEX's documented lists: record it and alert."""
        return self.flow in FLOWS and self.code in RESULT_CODES


def parse_processing_result(data: Any) -> ProcessingResult:
    f = _Fields(data, "the processing result")
    flow = f.text("flow", limit=64) or "Unknown"
    code = (f.text("code", required=True, pattern=RESULT_CODE) or "").upper()
    success = f.flag("success")
    fields = f.raw("fields")
    main_order_id = None
    if isinstance(fields, Mapping):
        main_order_id = _Fields(fields, "fields").text("mainOrderId", pattern=ORDER_ID)
    errors = f.raw("errors") or []
    if not isinstance(errors, list):
        raise PayloadError("errors", "must be a list")
    return ProcessingResult(
        flow=flow,
        code=code,
        success=success,
        marketplace_order_id=f.text("marketplaceOrderId", pattern=MARKETPLACE_ORDER_ID) or "",
        operation_id=f.text("operationId"),
        account=normalise_account(f.text("accountName")) or None,
        message=f.text("message") or "",
        main_order_id=main_order_id if success else None,
        errors=tuple(e for e in errors if isinstance(e, Mapping)),
    )


@dataclass(frozen=True)
class InvoiceNotification:
    invoice_number: str
    type: str = "Output"
    invoice_value: int | None = None
    issuance_date: str | None = None
    invoice_key: str | None = None
    invoice_url: str | None = None
    courier: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None
    items: tuple[dict[str, Any], ...] = ()

    @property
    def has_tracking(self) -> bool:
        return bool(self.tracking_number)


def parse_invoice(data: Any, *, invoice_number: str | None = None) -> InvoiceNotification:
    f = _Fields(data, "the invoice notification")
    number = invoice_number or f.text("invoiceNumber", required=True) or ""
    if not INVOICE_NUMBER.match(number):
        raise PayloadError("invoiceNumber", f"must match {INVOICE_NUMBER.pattern}")
    kind = f.text("type") or "Output"
    if kind not in ("Output", "Input"):
        raise PayloadError("type", "must be Output (sale) or Input (return)")
    issuance = f.text("issuanceDate", limit=64)
    if issuance:
        try:
            when = dt.datetime.fromisoformat(issuance.replace("Z", "+00:00"))
        except ValueError:
            raise PayloadError("issuanceDate", "must be an ISO 8601 date") from None
        if not 2000 <= when.year <= 2100:
            raise PayloadError("issuanceDate", "must be a date between 2000 and 2100")
    items = f.raw("items") or []
    if not isinstance(items, list):
        raise PayloadError("items", "must be a list")
    if len(items) > MAX_INVOICE_ITEMS:
        raise PayloadError("items", f"must hold at most {MAX_INVOICE_ITEMS} items")
    value = f.cents("invoiceValue")
    if value is not None and not 0 <= value <= MAX_CENTS:
        raise PayloadError("invoiceValue", f"must be between 0 and {MAX_CENTS} (cents)")
    return InvoiceNotification(
        invoice_number=number,
        type=kind,
        invoice_value=value,
        issuance_date=issuance,
        invoice_key=f.text("invoiceKey"),
        invoice_url=f.text("invoiceUrl"),
        courier=f.text("courier"),
        tracking_number=f.text("trackingNumber"),
        tracking_url=f.text("trackingUrl"),
        items=tuple(_invoice_item(i, n) for n, i in enumerate(items)),
    )


def _invoice_item(item: Any, index: int) -> dict[str, Any]:
    """One invoiced line with its numbers as numbers (`price` in cents; both may come as
    numeric strings); other keys are kept as sent."""
    if not isinstance(item, Mapping):
        raise PayloadError(f"items[{index}]", "must be a JSON object")
    f = _Fields(item, f"items[{index}]")
    out = dict(item)
    try:
        item_id = f.text("id")
    except PayloadError as exc:
        raise PayloadError(f"items[{index}].{exc.field}", exc.message) from None
    if item_id is not None:
        out["id"] = item_id
    for name, low, high, unit in (
        ("price", 0, MAX_CENTS, "cents"),
        ("quantity", 1, MAX_INVOICE_QUANTITY, "units"),
    ):
        if f.raw(name) is None:
            continue
        field = f"items[{index}].{name}"
        value = whole_number(field, f.raw(name), unit=unit)
        if not low <= value <= high:
            raise PayloadError(field, f"must be between {low} and {high} ({unit})")
        out[name] = value
    return out
