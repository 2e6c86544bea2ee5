"""Parsing of what VTEX sends us: pure functions, JSON in, typed object or `PayloadError` out.

VTEX's own documents spell the same field differently (`IdSku` / `idSKU`, `An` / `an`), so
keys are matched case-insensitively. Types are checked strictly: a wrong type is a 400 with
the field named, never a silent coercion that publishes the wrong SKU.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
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
        self, name: str, *, required: bool = False, aliases: tuple[str, ...] = ()
    ) -> str | None:
        value = self.raw(name, *aliases)
        if value is None or value == "":
            if required:
                raise PayloadError(name, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise PayloadError(name, f"must be a string, got {type(value).__name__}")
        return str(value)

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


def whole_number(name: str, value: Any) -> int:
    """`value` as an int: an int, or a string of digits; PayloadError otherwise."""
    if isinstance(value, str) and _DIGITS.match(value.strip()):
        return int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise PayloadError(name, f"must be a whole number (cents), got {value!r}")
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


def parse_catalog_notification(data: Any) -> CatalogNotification:
    f = _Fields(data, "the catalog notification")
    return CatalogNotification(
        sku_id=f.digits("IdSku", required=True) or "",
        account=normalise_account(f.text("An", required=True)),
        affiliate_id=normalise_affiliate(f.text("IdAffiliate", required=True)),
        product_id=f.digits("ProductId"),
        date_modified=f.text("DateModified"),
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


def parse_store_config(data: Any) -> StoreConfig:
    f = _Fields(data, "the store configuration")
    affiliate = normalise_affiliate(f.text("affiliateId", required=True))
    if not AFFILIATE_ID.match(affiliate):
        raise PayloadError("affiliateId", "must be 3 upper-case consonants, e.g. LMX")
    sales_channel = f.text("salesChannel", required=True) or ""
    if not sales_channel.isdigit():
        raise PayloadError("salesChannel", "must contain digits only")
    email = f.text("email") or ""
    if email and "@" not in email:
        raise PayloadError("email", "must be an e-mail address")
    return StoreConfig(
        account=normalise_account(f.text("accountName", required=True)),
        active=f.flag("active", default=False),
        affiliate_id=affiliate,
        sales_channel=sales_channel,
        email=email,
        cookie=f.text("cookie") or "",
        allow_franchise_accounts=f.flag("allowFranchiseAccounts"),
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
    flow = f.text("flow") or "Unknown"
    code = (f.text("code", required=True) or "").upper()
    success = f.flag("success")
    fields = f.raw("fields")
    main_order_id = None
    if isinstance(fields, Mapping):
        main_order_id = _Fields(fields, "fields").text("mainOrderId")
    errors = f.raw("errors") or []
    if not isinstance(errors, list):
        raise PayloadError("errors", "must be a list")
    return ProcessingResult(
        flow=flow,
        code=code,
        success=success,
        marketplace_order_id=f.text("marketplaceOrderId") or "",
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
    kind = f.text("type") or "Output"
    if kind not in ("Output", "Input"):
        raise PayloadError("type", "must be Output (sale) or Input (return)")
    issuance = f.text("issuanceDate")
    if issuance:
        try:
            dt.datetime.fromisoformat(issuance.replace("Z", "+00:00"))
        except ValueError:
            raise PayloadError("issuanceDate", "must be an ISO 8601 date") from None
    items = f.raw("items") or []
    if not isinstance(items, list):
        raise PayloadError("items", "must be a list")
    return InvoiceNotification(
        invoice_number=number,
        type=kind,
        invoice_value=f.cents("invoiceValue"),
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
    if f.text("id") is not None:
        out["id"] = f.text("id")
    for name in ("price", "quantity"):
        if f.raw(name) is not None:
            out[name] = whole_number(f"items[{index}].{name}", f.raw(name))
    return out
