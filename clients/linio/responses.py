"""Seller Center replies: the envelope, the error classes, and one parser per entity.

Pure functions from bytes to typed results or typed errors, tolerant the way real replies
demand: one-or-many elements, empty elements, offsets without colon, JSON inside XML,
malformed error heads. The HTTP status alone proves nothing (the SDK ignores it too), so
the body decides, with the status as a hint for non-XML bodies.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from xml.parsers.expat import ExpatError

import xmltodict

from clients.errors import (
    AuthError,
    ClientError,
    ConfigError,
    ErrorDetail,
    ItemError,
    NotFoundError,
    PermanentError,
    ThrottledError,
    TransientError,
)
from clients.linio.models import (
    Address,
    Attribute,
    AttributeOption,
    AttributeSet,
    Brand,
    BusinessUnit,
    Category,
    CreatedWebhook,
    Document,
    FailureReason,
    Feed,
    FeedCount,
    FeedError,
    HealthRating,
    ImeiResult,
    InvoiceNumber,
    Order,
    OrderItem,
    PackedItem,
    Product,
    QcState,
    Seller,
    ShipmentProvider,
    Statistics,
    TrackingCode,
    Webhook,
    WebhookEvent,
    normalize_item_status,
)
from clients.linio.webhooks import parse_webhook_callback  # noqa: F401  (re-exported)

T = TypeVar("T")
Node = dict[str, Any]

AUTH_CODES = {3, 7, 9}  # timestamp expired (clock); login failed / signature; access denied
# OMS API error (E021, e.g. the seller's FOB/shipping mode not enabled: it repeats for that
# item until the account is fixed); not ready yet, try again later (E119). The platform
# answered, so these are about one item: ItemError, never a breaker trip.
ITEM_LEVEL_CODES = {21, 119}
# Invalid feed id, order id, order item id; document not found; no orders found; and the
# not-found family of GFG's ErrorType (57, 62, 88, 93).
NOT_FOUND_CODES = {12, 16, 20, 35, 39, 57, 62, 88, 93}

# (parent, child) element pairs Seller Center repeats. xmltodict turns one child into a
# dict and several into a list; forcing lists here means a one-order page and a two-order
# page have the same shape. Names alone are ambiguous (a product's <Status> is a scalar,
# an order's <Statuses><Status> a list, GetQcStatus' <Body><Status> a container).
REPEATED = frozenset(
    {
        ("Body", "Attribute"),
        ("Body", "ErrorDetail"),
        ("Body", "Feed"),
        ("Body", "OrderItem"),
        ("AttributeSets", "AttributeSet"),
        ("Brands", "Brand"),
        ("BusinessUnits", "BusinessUnit"),
        ("Categories", "Category"),
        ("Children", "Category"),
        ("Documents", "Document"),
        ("EnabledDeliveryOptions", "DeliveryOption"),
        ("Entities", "Entity"),
        ("Events", "Event"),
        ("FeedErrors", "Error"),
        ("FeedWarnings", "Warning"),
        ("Images", "Image"),
        ("Options", "Option"),
        ("OrderItems", "OrderItem"),
        ("Orders", "Order"),
        ("Products", "Product"),
        ("Reasons", "Reason"),
        ("ShipmentProviders", "ShipmentProvider"),
        ("Status", "State"),
        ("Statuses", "Status"),
        ("Webhooks", "Webhook"),
    }
)


def _repeated(path: list[tuple[str, Any]], key: str, value: Any) -> bool:
    return bool(path) and (path[-1][0], key) in REPEATED


_CODE_PREFIX = re.compile(r"^\s*E0*(\d+)")


@dataclass(frozen=True)
class Envelope:
    action: str | None
    response_type: str | None
    request_id: str | None
    timestamp: dt.datetime | None
    request_parameters: dict[str, Any] = field(default_factory=dict)
    body: Any = None
    total_count: int | None = None


# --- scalar helpers -----------------------------------------------------------------------


def text(value: Any) -> str | None:
    """Element text; empty elements (`<X/>`, `<X></X>`) become None."""
    if value is None:
        return None
    if isinstance(value, dict):
        value = value.get("#text")
        if value is None:
            return None
    value = str(value).strip()
    return value or None


def many(node: Any, key: str) -> list[Any]:
    """Children named `key`, whether Seller Center sent none, one or many."""
    if not isinstance(node, dict):
        return []
    value = node.get(key)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def child(node: Any, key: str) -> Node:
    value = node.get(key) if isinstance(node, dict) else None
    return value if isinstance(value, dict) else {}


def decimal(value: Any) -> Decimal | None:
    raw = text(value)
    if raw is None:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def integer(value: Any) -> int | None:
    raw = text(value)
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


def boolean(value: Any) -> bool:
    return (text(value) or "").lower() in ("1", "true", "yes")


def timestamp(value: Any) -> dt.datetime | None:
    """ISO with offset (with or without colon) or Seller Center's `YYYY-MM-DD HH:MM:SS`."""
    raw = text(value)
    if raw is None:
        return None
    for pattern in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return dt.datetime.strptime(raw, pattern)
        except ValueError:
            continue
    return None


def extra_attributes(value: Any) -> dict[str, Any] | str | None:
    """JSON inside XML, or free text when a seller typed something else."""
    raw = text(value)
    if raw is None:
        return None
    try:
        decoded = json.loads(raw)
    except json.JSONDecodeError:
        return raw
    return decoded if isinstance(decoded, dict) else raw


# --- envelope ---------------------------------------------------------------------------


def _load(raw: bytes | str) -> Node:
    source = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    return xmltodict.parse(source.strip(), strip_whitespace=True, force_list=_repeated)


def parse_envelope(
    raw: bytes | str, *, status: int | None = None, action: str | None = None
) -> Envelope:
    """The reply of any action, or the `ClientError` subclass that says what to do."""
    where = f"Seller Center {action}" if action else "Seller Center"
    source = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    stripped = source.strip()
    if status == 429 and "<ErrorResponse" not in stripped:
        raise ThrottledError(
            f"{where}: too many requests (E429); slowing down.",
            code="E429",
            status=status,
        )
    if stripped.startswith("{"):
        document_or_reply = _json_document(stripped, where, status)
        if isinstance(document_or_reply, Envelope):
            return document_or_reply
        document = document_or_reply
    elif not stripped.startswith("<"):
        raise _not_xml(where, status, stripped)
    else:
        try:
            document = _load(stripped)
        except ExpatError:
            raise _not_xml(where, status, stripped) from None
    root_name = next(iter(document))
    root = document[root_name] or {}
    if root_name == "ErrorResponse":
        raise error_from(root, where, status)
    if root_name != "SuccessResponse":
        raise _not_xml(where, status, stripped)
    head = child(root, "Head")
    return Envelope(
        action=text(head.get("RequestAction")),
        response_type=text(head.get("ResponseType")),
        request_id=text(head.get("RequestId")),
        timestamp=timestamp(head.get("Timestamp")),
        request_parameters={k: text(v) for k, v in child(head, "RequestParameters").items()},
        body=root.get("Body"),
        total_count=integer(head.get("TotalCount")),
    )


_PASSING_4XX = frozenset({408, 425, 429})  # timeout, too early, throttled: may pass


def _not_xml(where: str, status: int | None, body: str) -> ClientError:
    """A reply that is not Seller Center's XML or JSON, classified by its HTTP status.

    401/403 → `AuthError` (staging's HTTP Basic, access denied); 404/405 → `ConfigError`
    (the store's URL is wrong); any other 4xx but 408/425/429 → `PermanentError` (the web
    server refused this request: retrying or opening a breaker cannot help); everything
    else — a maintenance page, a gateway error, an empty body, 5xx — `TransientError`.
    """
    if status == 401:
        # Staging hosts sit behind HTTP Basic (user:password given with the staging access,
        # not the API key); the web server refuses before Seller Center reads the signature.
        return AuthError(
            (
                f"{where} asked for HTTP Basic credentials (HTTP 401): staging hosts need "
                f"them besides the API key; check the staging user and password."
            ),
            code="HTTP_BASIC",
            status=status,
            body=body[:300],
        )
    if status == 403:
        return AuthError(
            f"{where} denied access (HTTP {status}): check the user, API key and role.",
            status=status,
            body=body[:300],
        )
    if status in (404, 405):
        # Seller Center answers unknown actions in XML; a bare 404 page is the web server:
        # the store's Seller Center URL points somewhere else.
        return ConfigError(
            f"{where} is not at this address (HTTP {status}): check the Seller Center URL.",
            status=status,
            body=body[:300],
        )
    if status is not None and 400 <= status < 500 and status not in _PASSING_4XX:
        # The web server refused the request before Seller Center read it (too long, too
        # large, malformed): the same request fails again, and it says nothing about the
        # platform's health, so it must not open a breaker.
        return PermanentError(
            f"{where} refused the request before reading it (HTTP {status}).",
            status=status,
            body=body[:300],
        )
    return TransientError(
        (
            f"{where} answered something that is not Seller Center XML (HTTP {status}, "
            f"e.g. a maintenance page); will retry."
        ),
        status=status,
        body=body[:300],
    )


def error_code(head: Node) -> int | None:
    """The numeric code, else the `E0NN` prefix of the message, else unknown."""
    code = integer(head.get("ErrorCode"))
    if code is not None:
        return code
    match = _CODE_PREFIX.match(text(head.get("ErrorMessage")) or "")
    return int(match.group(1)) if match else None


def error_from(root: Node, where: str, status: int | None = None) -> ClientError:
    head = child(root, "Head")
    code = error_code(head)
    message = text(head.get("ErrorMessage")) or "Seller Center reported an error without details"
    kind = text(head.get("ErrorType"))
    details = [
        ErrorDetail(
            message=text(d.get("Message")) or "",
            field=text(d.get("Field")),
            value=text(d.get("Value")),
            seller_sku=text(d.get("SellerSku")),
        )
        for d in many(child(root, "Body"), "ErrorDetail")
        if isinstance(d, dict)
    ]
    label = f"E{code:03d}" if code is not None else None
    full = f"{where}: {message}"
    if code == 429 or status == 429:
        return ThrottledError(full, code=label, status=status, details=details)
    if code in ITEM_LEVEL_CODES and kind != "Platform":
        return ItemError(full, code=label, status=status, details=details)
    if kind == "Platform" or (status or 0) >= 500:
        return TransientError(
            f"{full}. " + "Will retry.",
            code=label,
            status=status,
            details=details,
        )
    if code in AUTH_CODES or "signature" in message.lower():
        return AuthError(
            f"{full}. " + "Check the Seller Center user, API key and the server clock.",
            code=label,
            status=status,
            details=details,
        )
    if code in NOT_FOUND_CODES:
        return NotFoundError(full, code=label, status=status, details=details)
    return PermanentError(full, code=label, status=status, details=details)


def _json_document(source: str, where: str, status: int | None) -> Node | Envelope:
    """A `Format=JSON` reply read into the tree `_load` gives for XML.

    Seller Center's JSON is the XML tree with every scalar a string, one element an
    object and several an array, empty ``""`` (GFG SDKs): turning it back into XML and
    reading that gives exactly the XML path, one-or-many lists included. Other JSON (the
    invoice endpoint's) comes back as an Envelope whose body is the document.
    """
    try:
        data = json.loads(source)
    except json.JSONDecodeError:
        raise _not_xml(where, status, source) from None
    if isinstance(data, dict) and len(data) == 1:
        root = next(iter(data))
        if root in ("SuccessResponse", "ErrorResponse") and isinstance(data[root], dict | str):
            try:
                return _load(xmltodict.unparse({root: data[root] or None}))
            except (ExpatError, ValueError):
                pass
    if isinstance(data, dict) and "errors" in data:
        errors = data["errors"]
        details = [ErrorDetail(message=json.dumps(e, ensure_ascii=False)) for e in errors]
        raise PermanentError(
            f"{where}: {json.dumps(errors, ensure_ascii=False)[:300]}",
            status=status,
            details=details,
        )
    return Envelope(action=None, response_type=None, request_id=None, timestamp=None, body=data)


# --- entity parsers ---------------------------------------------------------------------


def _list(body: Any, *path: str) -> list[Node]:
    node = body
    for key in path[:-1]:
        node = child(node, key)
    return [n for n in many(node, path[-1]) if isinstance(n, dict)]


def parse_brands(env: Envelope) -> list[Brand]:
    return [
        Brand(
            text(b.get("BrandId")) or "", text(b.get("Name")) or "", text(b.get("GlobalIdentifier"))
        )
        for b in _list(env.body, "Brands", "Brand")
    ]


def _category(node: Node) -> Category:
    return Category(
        category_id=text(node.get("CategoryId")) or "",
        name=text(node.get("Name")) or "",
        global_identifier=text(node.get("GlobalIdentifier")),
        attribute_set_id=text(node.get("AttributeSetId")),
        children=tuple(_category(c) for c in _list(node, "Children", "Category")),
    )


def parse_category_tree(env: Envelope) -> list[Category]:
    return [_category(c) for c in _list(env.body, "Categories", "Category")]


def parse_attribute_sets(env: Envelope) -> list[AttributeSet]:
    return [
        AttributeSet(
            attribute_set_id=text(s.get("AttributeSetId")) or "",
            name=text(s.get("Name")) or "",
            global_identifier=text(s.get("GlobalIdentifier")),
            categories=tuple(_category(c) for c in _list(s, "Categories", "Category")),
        )
        for s in _list(env.body, "AttributeSets", "AttributeSet")
    ]


def parse_category_attributes(env: Envelope) -> list[Attribute]:
    return [
        Attribute(
            label=text(a.get("Label")) or "",
            name=text(a.get("Name")) or "",
            feed_name=text(a.get("FeedName")) or "",
            global_identifier=text(a.get("GlobalIdentifier")),
            group_name=text(a.get("GroupName")),
            # Linio writes isMandatory/isDefault, GFG's other editions IsMandatory/IsDefault.
            is_mandatory=boolean(_either(a, "isMandatory", "IsMandatory")),
            is_global=boolean(a.get("IsGlobalAttribute")),
            description=text(a.get("Description")),
            product_type=text(a.get("ProductType")),
            input_type=text(a.get("InputType")),
            attribute_type=text(a.get("AttributeType")),
            example_value=text(a.get("ExampleValue")),
            max_length=integer(a.get("MaxLength")),
            options=tuple(
                AttributeOption(
                    text(o.get("Name")) or "",
                    text(o.get("GlobalIdentifier")),
                    boolean(_either(o, "isDefault", "IsDefault")),
                )
                for o in _list(a, "Options", "Option")
            ),
        )
        for a in _list(env.body, "Attribute")
    ]


def _either(node: Node, *keys: str) -> Any:
    """The first of several spellings of one field that is present."""
    return next((node[k] for k in keys if node.get(k) is not None), None)


_CATEGORY_SPLIT = re.compile(r",(?=\S)")


def split_categories(value: Any) -> tuple[str, ...]:
    """Names may contain ', ': Seller Center separates categories with a bare comma."""
    raw = text(value)
    return tuple(p.strip() for p in _CATEGORY_SPLIT.split(raw)) if raw else ()


def parse_product(node: Node) -> Product:
    data = child(node, "ProductData")
    return Product(
        seller_sku=text(node.get("SellerSku")) or "",
        shop_sku=text(node.get("ShopSku")),
        product_sin=text(node.get("ProductSin")),
        name=text(node.get("Name")),
        variation=text(node.get("Variation")),
        parent_sku=text(node.get("ParentSku")),
        quantity=integer(node.get("Quantity")),
        available=integer(node.get("Available")),
        reserved_stock=integer(node.get("ReservedStock")),
        real_time_stock=integer(node.get("RealTimeStock")),
        fulfillment_by_sellable=integer(node.get("FulfillmentBySellable")),
        fulfillment_by_non_sellable=integer(node.get("FulfillmentByNonSellable")),
        price=decimal(node.get("Price")),
        sale_price=decimal(node.get("SalePrice")),
        sale_start=timestamp(node.get("SaleStartDate")),
        sale_end=timestamp(node.get("SaleEndDate")),
        status=text(node.get("Status")),
        product_id=text(node.get("ProductId")),
        url=text(node.get("Url")),
        main_image=text(node.get("MainImage")),
        images=tuple(t for t in (text(i) for i in many(child(node, "Images"), "Image")) if t),
        description=text(node.get("Description")),
        tax_class=text(node.get("TaxClass")),
        brand=text(node.get("Brand")),
        primary_category=text(node.get("PrimaryCategory")),
        categories=split_categories(node.get("Categories")),
        product_data={k: text(v) for k, v in data.items() if not k.startswith("#")},
        qc_status=text(node.get("QCStatus")),
        business_units=tuple(
            BusinessUnit(
                business_unit=text(b.get("BusinessUnit")) or "",
                operator_code=text(b.get("OperatorCode")) or "",
                price=decimal(b.get("Price")),
                special_price=decimal(b.get("SpecialPrice")),
                special_from=timestamp(b.get("SpecialFromDate")),
                special_to=timestamp(b.get("SpecialToDate")),
                stock=integer(b.get("Stock")),
                status=text(b.get("Status")),
                is_published=boolean(b.get("IsPublished")),
            )
            for b in _list(node, "BusinessUnits", "BusinessUnit")
        ),
    )


def parse_products(env: Envelope) -> list[Product]:
    return [parse_product(p) for p in _list(env.body, "Products", "Product")]


def parse_qc_status(env: Envelope) -> list[QcState]:
    """States without SKU or status are dropped: nothing can be done with them."""
    states = []
    for s in _list(env.body, "Status", "State"):
        sku, status = text(s.get("SellerSKU")), text(s.get("Status"))
        if sku and status:
            changed = s.get("DataChanged")
            states.append(
                QcState(sku, status, boolean(changed) if changed else None, text(s.get("Reason")))
            )
    return states


# "Field Capacity (for Seller SKU: 1000030588) with value 'x' has a problem: …" (mobly's
# FeedStatusWithErrors fixture, Falabella's feeds page) and "Seller SKU 'X' not found".
_SKU_IN_MESSAGE = (
    re.compile(r"\(for Seller ?SKU: *([^)\s]+) *\)", re.IGNORECASE),
    re.compile(r"Seller ?SKU:? *'([^']+)'", re.IGNORECASE),
)


def sku_in_message(message: str) -> str | None:
    """The SellerSku a feed error's text names, when it names one."""
    for pattern in _SKU_IN_MESSAGE:
        match = pattern.search(message)
        if match:
            return match.group(1)
    return None


def _feed_errors(node: Node, group: str, item: str) -> tuple[FeedError, ...]:
    """Errors (or warnings) attributed to their SKU: the SellerSku element when present,
    else the SKU the message names; OrderId/OrderItemId kept when sent (GFG Go SDK)."""
    errors = []
    for e in _list(node, group, item):
        message = text(e.get("Message")) or ""
        errors.append(
            FeedError(
                text(e.get("Code")),
                message,
                text(e.get("SellerSku")) or sku_in_message(message),
                order_id=text(e.get("OrderId")),
                order_item_id=text(e.get("OrderItemId")),
            )
        )
    return tuple(errors)


def parse_feed(node: Node) -> Feed:
    report = child(node, "FailureReports")
    mime, file = text(report.get("MimeType")), text(report.get("File"))
    return Feed(
        feed_id=text(node.get("Feed")) or text(node.get("FeedID")),
        status=text(node.get("Status")) or text(node.get("FeedStatus")),
        action=text(node.get("Action")) or text(node.get("FeedAction")),
        created_at=timestamp(node.get("CreationDate")),
        updated_at=timestamp(node.get("UpdatedDate")),
        source=text(node.get("Source")),
        total_records=integer(node.get("TotalRecords")) or 0,
        processed_records=integer(node.get("ProcessedRecords")) or 0,
        failed_records=integer(node.get("FailedRecords")) or 0,
        failure_report=(mime, file) if mime and file else None,
        errors=_feed_errors(node, "FeedErrors", "Error"),
        warnings=_feed_errors(node, "FeedWarnings", "Warning"),
    )


def parse_feed_list(env: Envelope) -> list[Feed]:
    return [parse_feed(f) for f in _list(env.body, "Feed")]


def parse_feed_status(env: Envelope) -> Feed:
    return parse_feed(child(env.body, "FeedDetail"))


def parse_feed_count(env: Envelope) -> FeedCount:
    c = child(env.body, "FeedCount")
    return FeedCount(
        *(integer(c.get(k)) or 0 for k in ("Total", "Queued", "Processing", "Finished", "Canceled"))
    )


def _address(node: Any) -> Address | None:
    if not isinstance(node, dict):
        return None
    return Address(
        first_name=text(node.get("FirstName")),
        last_name=text(node.get("LastName")),
        phone=text(node.get("Phone")),
        phone2=text(node.get("Phone2")),
        lines=tuple(t for t in (text(node.get(f"Address{i}")) for i in range(1, 6)) if t),
        email=text(node.get("CustomerEmail")),
        city=text(node.get("City")),
        ward=text(node.get("Ward")),
        region=text(node.get("Region")),
        post_code=text(node.get("PostCode")),
        country=text(node.get("Country")),
    )


def parse_order(node: Node, items: tuple[OrderItem, ...] = ()) -> Order:
    invoice = node.get("InvoiceRequired", node.get("BusinessInvoiceRequired"))
    return Order(
        order_id=text(node.get("OrderId")) or "",
        order_number=text(node.get("OrderNumber")),
        customer_first_name=text(node.get("CustomerFirstName")),
        customer_last_name=text(node.get("CustomerLastName")),
        payment_method=text(node.get("PaymentMethod")),
        remarks=text(node.get("Remarks")),
        delivery_info=text(node.get("DeliveryInfo")),
        price=decimal(node.get("Price")),
        gift_option=boolean(node.get("GiftOption")),
        gift_message=text(node.get("GiftMessage")),
        voucher_code=text(node.get("VoucherCode")),
        created_at=timestamp(node.get("CreatedAt")),
        updated_at=timestamp(node.get("UpdatedAt")),
        address_updated_at=timestamp(node.get("AddressUpdatedAt")),
        billing=_address(node.get("AddressBilling")),
        shipping=_address(node.get("AddressShipping")),
        national_registration_number=text(node.get("NationalRegistrationNumber")),
        items_count=integer(node.get("ItemsCount")),
        promised_shipping_time=timestamp(node.get("PromisedShippingTime")),
        extra_attributes=extra_attributes(node.get("ExtraAttributes")),
        statuses=tuple(
            normalize_item_status(t)
            for t in (text(s) for s in many(child(node, "Statuses"), "Status"))
            if t
        ),
        invoice_required=boolean(invoice) if text(invoice) else None,
        shipping_type=text(node.get("ShippingType")),
        operator_code=text(node.get("OperatorCode")),
        items=items,
    )


def parse_orders(env: Envelope) -> list[Order]:
    return [parse_order(o) for o in _list(env.body, "Orders", "Order")]


def parse_order_item(node: Node) -> OrderItem:
    return OrderItem(
        order_item_id=text(node.get("OrderItemId")) or "",
        order_id=text(node.get("OrderId")),
        shop_id=text(node.get("ShopId")),
        name=text(node.get("Name")),
        sku=text(node.get("Sku")),
        variation=text(node.get("Variation")),
        shop_sku=text(node.get("ShopSku")),
        shipping_type=text(node.get("ShippingType")),
        item_price=decimal(node.get("ItemPrice")),
        paid_price=decimal(node.get("PaidPrice")),
        currency=text(node.get("Currency")),
        tax_amount=decimal(node.get("TaxAmount")),
        cod_collectable_amount=decimal(node.get("CodCollectableAmount")),
        shipping_amount=decimal(node.get("ShippingAmount")),
        shipping_service_cost=decimal(node.get("ShippingServiceCost")),
        voucher_amount=decimal(node.get("VoucherAmount")),
        voucher_code=text(node.get("VoucherCode")),
        status=normalize_item_status(text(node.get("Status"))),
        is_processable=boolean(node.get("IsProcessable")),
        shipment_provider=text(node.get("ShipmentProvider")),
        tracking_code=text(node.get("TrackingCode")),
        tracking_code_pre=text(node.get("TrackingCodePre")),
        reason=text(node.get("Reason")),
        reason_detail=text(node.get("ReasonDetail")),
        purchase_order_id=text(node.get("PurchaseOrderId")),
        purchase_order_number=text(node.get("PurchaseOrderNumber")),
        package_id=text(node.get("PackageId")),
        promised_shipping_time=timestamp(node.get("PromisedShippingTime")),
        extra_attributes=extra_attributes(node.get("ExtraAttributes")),
        shipping_provider_type=text(node.get("ShippingProviderType")),
        created_at=timestamp(node.get("CreatedAt")),
        updated_at=timestamp(node.get("UpdatedAt")),
        return_status=text(node.get("ReturnStatus")),
        imei=text(node.get("Imei")),
    )


def parse_order_items(env: Envelope) -> list[OrderItem]:
    return [parse_order_item(i) for i in _list(env.body, "OrderItems", "OrderItem")]


def parse_multiple_order_items(env: Envelope) -> list[Order]:
    orders = []
    for o in _list(env.body, "Orders", "Order"):
        items = tuple(parse_order_item(i) for i in _list(o, "OrderItems", "OrderItem"))
        orders.append(parse_order(o, items))
    return orders


def parse_packed_items(env: Envelope) -> list[PackedItem]:
    return [
        PackedItem(
            text(i.get("OrderItemId")),
            text(i.get("PurchaseOrderId")),
            text(i.get("PurchaseOrderNumber")),
            text(i.get("PackageId")),
        )
        for i in _list(env.body, "OrderItems", "OrderItem")
    ]


def parse_failure_reasons(env: Envelope) -> list[FailureReason]:
    return [
        FailureReason(text(r.get("Type")) or "", text(r.get("Name")) or "")
        for r in _list(env.body, "Reasons", "Reason")
    ]


def parse_documents(env: Envelope) -> list[Document]:
    return [
        Document(
            text(d.get("DocumentType")) or "",
            text(d.get("MimeType")) or "",
            text(d.get("File")) or "",
        )
        for d in _list(env.body, "Documents", "Document")
    ]


def parse_shipment_providers(env: Envelope) -> list[ShipmentProvider]:
    return [
        ShipmentProvider(
            name=text(p.get("Name")) or "",
            default=boolean(p.get("Default")),
            api_integration=boolean(p.get("ApiIntegration")),
            cod=boolean(p.get("Cod")),
            tracking_code_regex=text(p.get("TrackingCodeValidationRegex")),
            tracking_code_example=text(p.get("TrackingCodeExample")),
            tracking_url=text(p.get("TrackingUrl")),
            delivery_options=tuple(
                t
                for t in (
                    text(o) for o in many(child(p, "EnabledDeliveryOptions"), "DeliveryOption")
                )
                if t
            ),
        )
        for p in _list(env.body, "ShipmentProviders", "ShipmentProvider")
    ]


def parse_webhooks(env: Envelope) -> list[Webhook]:
    return [
        Webhook(
            text(w.get("WebhookId")) or "",
            text(w.get("CallbackUrl")),
            text(w.get("WebhookSource")),
            tuple(t for t in (text(e) for e in many(child(w, "Events"), "Event")) if t),
        )
        for w in _list(env.body, "Webhooks", "Webhook")
    ]


def parse_webhook_entities(env: Envelope) -> list[WebhookEvent]:
    return [
        WebhookEvent(
            text(entity.get("Name")) or "",
            text(e.get("EventName")) or "",
            text(e.get("EventAlias")) or "",
        )
        for entity in _list(env.body, "Entities", "Entity")
        for e in _list(entity, "Events", "Event")
    ]


def parse_created_webhook(env: Envelope) -> CreatedWebhook:
    hook = child(env.body, "Webhook")
    return CreatedWebhook(text(hook.get("WebhookId")) or "", timestamp(hook.get("CreatedAt")))


def parse_invoice_number(env: Envelope) -> InvoiceNumber:
    body = env.body if isinstance(env.body, dict) else {}
    return InvoiceNumber(text(body.get("OrderItemId")), text(body.get("InvoiceNumber")))


def parse_tracking_code(env: Envelope) -> TrackingCode:
    node = child(env.body, "TrackingCode")
    return TrackingCode(text(node.get("DispatchId")), text(node.get("TrackingNumber")))


def parse_seller(env: Envelope) -> Seller:
    node = child(env.body, "Seller")
    return Seller(
        short_code=text(node.get("ShortCode")),
        company_name=text(node.get("CompanyName")),
        seller_name=text(node.get("SellerName")),
        email_address=text(node.get("EmailAddress")),
        api_key=text(node.get("ApiKey")),
    )


def _counts(node: Node) -> dict[str, int | None]:
    return {k: integer(v) for k, v in node.items() if not k.startswith("#")}


def parse_statistics(env: Envelope) -> Statistics:
    products, orders = child(env.body, "Products"), child(env.body, "Orders")
    return Statistics(
        products_by_status=_counts(child(products, "Status")),
        products_total=integer(products.get("Total")),
        orders_by_status=_counts(child(orders, "Status")),
        orders_total=integer(orders.get("Total")),
        order_items_pending=_counts(child(env.body, "OrdersItemsPending")),
        account_health={
            period: {
                metric: HealthRating(decimal(rating.get("Percentage")), text(rating.get("Text")))
                for metric, rating in metrics.items()
                if isinstance(rating, dict)
            }
            for period, metrics in child(env.body, "AccountHealth").items()
            if isinstance(metrics, dict)
        },
    )


def parse_imei(env: Envelope) -> list[ImeiResult]:
    return [
        ImeiResult(
            text(i.get("OrderItemId")) or "",
            text(i.get("Imei")),
            text(i.get("Status")) == "success",
            text(i.get("Message")),
        )
        for i in _list(env.body, "OrderItem")
    ]


def parse_fragment(raw: bytes | str, parser: Callable[[Node], T]) -> T:
    """A single element outside an envelope (<Product>, <Order>, <OrderItem>)."""
    document = _load(raw)
    return parser(next(iter(document.values())))
