"""Catalog actions: product feeds, feed reports, products, QC and reference data.

Feed actions answer at once with the feed id as Head/RequestId and leave the work to the
simulator's feed runner; FeedStatus then reports per-SKU errors, as the platform does.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from simulators.linio import params
from simulators.linio.catalog_data import (
    BRANDS,
    FAILURE_REASONS,
    SHIPMENT_PROVIDERS,
    SimCategory,
    attributes_for,
    category_tree,
)
from simulators.linio.envelope import Detail, Refused, Reply, sc_date
from simulators.linio.state import SellerState, SimFeed, names_sku

if TYPE_CHECKING:
    from simulators.linio.server import LinioSimulator

Action = Callable[["LinioSimulator", SellerState, params.Query, str], Reply]

FEED_STATUSES = ("Queued", "Processing", "Finished", "Canceled", "Error")
PRODUCT_FILTERS = (
    "all",
    "live",
    "inactive",
    "deleted",
    "image-missing",
    "pending",
    "rejected",
    "sold-out",
)
BAD_DATE = Refused(17, "E017: Invalid Date Format")
BAD_STATUS_FILTER = Refused(36, "E036: Invalid status filter")
CORRUPT_SKU_LIST = Refused(70, "E070: You have corrupt data in your sku seller list.")


# --- feeds --------------------------------------------------------------------------------


def _feed(sim: LinioSimulator, state: SellerState, action: str, element: str, body: str) -> Reply:
    records = params.records(body, element)
    if not records:
        raise Refused(30, "E030: Empty Request")
    if len(records) > sim.max_products:
        raise Refused(
            1000,
            "Format Error Detected",
            details=[
                Detail(
                    element,
                    f"At most {sim.max_products} products per request, got {len(records)}",
                    str(len(records)),
                )
            ],
        )
    records = [r if isinstance(r, dict) else {} for r in records]
    if action == "Image":
        for record in records:
            images = (record.get("Images") or {}).get("Image") or []
            record["Images"] = images if isinstance(images, list) else [images]
    feed = state.new_feed(action, records)
    sim.queue_feed(state, feed)
    return Reply(request_id=feed.feed_id)


def product_create(sim: LinioSimulator, state: SellerState, q: params.Query, body: str) -> Reply:
    return _feed(sim, state, "ProductCreate", "Product", body)


def product_update(sim: LinioSimulator, state: SellerState, q: params.Query, body: str) -> Reply:
    return _feed(sim, state, "ProductUpdate", "Product", body)


def product_remove(sim: LinioSimulator, state: SellerState, q: params.Query, body: str) -> Reply:
    return _feed(sim, state, "ProductRemove", "Product", body)


def image(sim: LinioSimulator, state: SellerState, q: params.Query, body: str) -> Reply:
    return _feed(sim, state, "Image", "ProductImage", body)


def _failure_report(feed: SimFeed) -> Any:
    """FailureReports: a base64 CSV of the errors, empty while nothing failed (FeedList)."""
    if not feed.errors:
        return ""
    rows = ['"Error";"Warning";"SellerSku"'] + [
        '"{}";"";"{}"'.format(m.replace('"', "'"), s) for _, m, s in feed.errors
    ]
    return {
        "MimeType": "text/csv",
        "File": base64.b64encode("\n".join(rows).encode()).decode(),
    }


def _feed_messages(entries: list[tuple[str, str, str]]) -> list[dict[str, str]]:
    """FeedErrors/FeedWarnings entries; SellerSku omitted when the message names it (the
    platform's "Field X (for Seller SKU: S) with value …" errors carry Code and Message
    only, mobly's FeedStatusWithErrors fixture)."""
    return [
        {"Code": c, "Message": m} if names_sku(m) else {"Code": c, "Message": m, "SellerSku": s}
        for c, m, s in entries
    ]


def feed_node(feed: SimFeed, *, detail: bool, zone: dt.tzinfo = dt.UTC) -> dict[str, Any]:
    node: dict[str, Any] = {
        "Feed": feed.feed_id,
        "Status": feed.status,
        "Action": feed.action,
        "CreationDate": sc_date(feed.created_at, zone),
        "UpdatedDate": sc_date(feed.updated_at, zone),
        "Source": "api",
        "TotalRecords": str(len(feed.records)),
        "ProcessedRecords": str(len(feed.records) if feed.status == "Finished" else 0),
        "FailedRecords": str(len(feed.failed_skus)),
    }
    if not detail:
        node["FailureReports"] = _failure_report(feed)
    else:
        if feed.errors:
            node["FeedErrors"] = {"Error": _feed_messages(feed.errors)}
        if feed.warnings:
            node["FeedWarnings"] = {"Warning": _feed_messages(feed.warnings)}
    return node


def feed_status(sim: LinioSimulator, state: SellerState, q: params.Query, body: str) -> Reply:
    feed = state.feeds.get(q.get("FeedID", ""))
    if feed is None:
        raise Refused(12, "E012: Invalid Feed ID")
    return Reply(
        {"FeedDetail": feed_node(feed, detail=True, zone=state.zone)},
        "FeedDetail",
        parameters={"FeedID": feed.feed_id},
    )


def feed_list(sim: LinioSimulator, state: SellerState, q: params.Query, body: str) -> Reply:
    return _feeds_page(state, {})


def feed_offset_list(sim: LinioSimulator, state: SellerState, q: params.Query, body: str) -> Reply:
    return _feeds_page(state, q)


def _feeds_page(state: SellerState, q: params.Query) -> Reply:
    """Newest first; FeedOffsetList pages and filters (status, dates), FeedList shows all."""
    offset, size = params.page(
        q, 10**6, limit_name="PageSize", bad_limit=Refused(15, "E015: Invalid PageSize")
    )
    status = q.get("Status")
    if status and status not in FEED_STATUSES:
        raise Refused(13, "E013: Invalid Feed Status")
    created = params.when(
        q, "CreationDate", Refused(46, "E046: Invalid CreationDate value"), state.zone
    )
    updated = params.when(
        q, "UpdatedDate", Refused(47, "E047: Invalid UpdatedDate value"), state.zone
    )
    feeds = sorted(state.feeds.values(), key=lambda f: f.created_at, reverse=True)
    feeds = [
        f
        for f in feeds
        if (not status or f.status == status)
        and (created is None or f.created_at >= created)
        and (updated is None or (f.updated_at is not None and f.updated_at >= updated))
    ]
    chunk = feeds[offset : offset + size]
    nodes = [feed_node(f, detail=False, zone=state.zone) for f in chunk]
    return Reply({"Feed": nodes} if chunk else "", "Feed")


def feed_count(sim: LinioSimulator, state: SellerState, q: params.Query, body: str) -> Reply:
    counts = {s: 0 for s in ("Queued", "Processing", "Finished", "Canceled")}
    for feed in state.feeds.values():
        if feed.status in counts:
            counts[feed.status] += 1
    node = {"Total": str(len(state.feeds)), **{k: str(v) for k, v in counts.items()}}
    return Reply({"FeedCount": node}, "FeedCount")


def feed_cancel(sim: LinioSimulator, state: SellerState, q: params.Query, body: str) -> Reply:
    feed = state.cancel_feed(q.get("FeedID", ""))
    return Reply(parameters={"FeedID": feed.feed_id})


# --- products -----------------------------------------------------------------------------


def _matches_filter(product: dict[str, Any], wanted: str, available: int) -> bool:
    quantity = available
    status = product.get("Status")
    return {
        "all": status != "deleted",
        "live": status == "active" and quantity > 0 and bool(product.get("Images")),
        "inactive": status == "inactive",
        "deleted": status == "deleted",
        "image-missing": status != "deleted" and not product.get("Images"),
        "pending": product.get("QcStatus") == "pending",
        "rejected": product.get("QcStatus") == "rejected",
        "sold-out": status == "active" and quantity == 0,
    }[wanted]


def product_node(state: SellerState, sku: str, p: dict[str, Any]) -> dict[str, Any]:
    images = p.get("Images") or []
    category = state.categories.get(str(p.get("PrimaryCategory")))
    quantity, reserved, available = state.stock(sku)
    return {
        "SellerSku": sku,
        "ShopSku": p.get("ShopSku"),
        "ProductSin": p.get("ShopSku"),
        "Name": p.get("Name"),
        "Variation": p.get("Variation", ""),
        "ParentSku": p.get("ParentSku") or sku,
        "Quantity": str(quantity),
        # Docs' GetProducts table: Available = Quantity + FulfillmentBySellable
        # - ReservedStock - RealTimeStock; a dropshipping seller has no fulfilment stock.
        "ReservedStock": str(reserved),
        "RealTimeStock": "0",
        "FulfillmentBySellable": "0",
        "FulfillmentByNonSellable": "0",
        "Available": str(available),
        "Price": p.get("Price"),
        "SalePrice": p.get("SalePrice", ""),
        "SaleStartDate": p.get("SaleStartDate", ""),
        "SaleEndDate": p.get("SaleEndDate", ""),
        "Status": p.get("Status"),
        "ProductId": p.get("ProductId", ""),
        "Url": "",
        "MainImage": images[0] if images else "",
        "Images": {"Image": images} if images else "",
        "Description": p.get("Description"),
        "TaxClass": p.get("TaxClass", ""),
        "Brand": p.get("Brand"),
        "PrimaryCategory": category.name if category else "",
        "Categories": p.get("Categories", ""),
        "ProductData": p.get("ProductData") or "",
    }


def get_products(sim: LinioSimulator, state: SellerState, q: params.Query, body: str) -> Reply:
    offset, limit = params.page(q, 1000)
    wanted = q.get("Filter") or "all"
    if wanted not in PRODUCT_FILTERS:
        raise BAD_STATUS_FILTER
    pool = state.removed if wanted == "deleted" else state.products
    skus = params.json_list(q, "SkuSellerList", CORRUPT_SKU_LIST)
    candidates = (
        ((s, pool[s]) for s in dict.fromkeys(skus) if s in pool)
        if skus is not None
        else iter(pool.items())
    )
    bounds = {
        name: params.when(q, name, BAD_DATE, state.zone)
        for name in ("CreatedAfter", "CreatedBefore", "UpdatedAfter", "UpdatedBefore")
    }
    search = (q.get("Search") or "").lower()
    found = [
        (sku, p)
        for sku, p in candidates
        if _matches_filter(p, wanted, state.stock(sku)[2])
        and (not search or search in sku.lower() or search in str(p.get("Name", "")).lower())
        and (bounds["CreatedAfter"] is None or p["CreatedAt"] > bounds["CreatedAfter"])
        and (bounds["CreatedBefore"] is None or p["CreatedAt"] < bounds["CreatedBefore"])
        and (bounds["UpdatedAfter"] is None or p["UpdatedAt"] > bounds["UpdatedAfter"])
        and (bounds["UpdatedBefore"] is None or p["UpdatedAt"] < bounds["UpdatedBefore"])
    ]
    nodes = [product_node(state, sku, p) for sku, p in found[offset : offset + limit]]
    return Reply({"Products": {"Product": nodes}} if nodes else "", "Products")


def get_qc_status(sim: LinioSimulator, state: SellerState, q: params.Query, body: str) -> Reply:
    offset, limit = params.page(q, 100)
    skus = params.json_list(q, "SkuSellerList", CORRUPT_SKU_LIST)
    chosen = [s for s in dict.fromkeys(skus) if s in state.products] if skus else state.products
    states = [_qc_state(s, state.products[s]) for s in list(chosen)[offset : offset + limit]]
    return Reply({"Status": {"State": states}} if states else "", "State")


def _qc_state(sku: str, product: dict[str, Any]) -> dict[str, str]:
    """GetQcStatus.success.xml: SellerSKU, Status, and a Reason for a rejection."""
    node = {"SellerSKU": sku, "Status": product.get("QcStatus", "pending")}
    if node["Status"] == "rejected":
        node["Reason"] = product.get("QcReason") or ""
    return node


# --- reference data -----------------------------------------------------------------------


def get_brands(sim: LinioSimulator, state: SellerState, q: params.Query, body: str) -> Reply:
    brands = [{"BrandId": i, "Name": n, "GlobalIdentifier": g} for i, n, g in BRANDS]
    return Reply({"Brands": {"Brand": brands}}, "Brands")


def _category_node(c: SimCategory, *, with_set: bool = True) -> dict[str, Any]:
    node: dict[str, Any] = {
        "Name": c.name,
        "CategoryId": c.category_id,
        "GlobalIdentifier": c.global_identifier,
    }
    if with_set:
        node["AttributeSetId"] = c.attribute_set_id
    children = [_category_node(x, with_set=with_set) for x in c.children]
    node["Children"] = {"Category": children} if children else ""
    return node


def get_category_tree(sim: LinioSimulator, state: SellerState, q: params.Query, body: str) -> Reply:
    return Reply(
        {"Categories": {"Category": [_category_node(c) for c in category_tree()]}}, "Categories"
    )


def get_categories_by_attribute_set(
    sim: LinioSimulator, state: SellerState, q: params.Query, body: str
) -> Reply:
    """`AttributeSet` is a JSON array of ids, or `0` for every set."""
    raw = q.get("AttributeSet", "0")
    wanted = (
        None
        if raw == "0"
        else params.json_list(q, "AttributeSet", Refused(5, "E005: Invalid Request Format"))
    )
    sets = [
        {
            "AttributeSetId": root.attribute_set_id,
            "Name": root.global_identifier.lower(),
            "GlobalIdentifier": root.global_identifier,
            "Categories": {"Category": [_category_node(root, with_set=False)]},
        }
        for root in category_tree()
        if wanted is None or root.attribute_set_id in wanted
    ]
    return Reply({"AttributeSets": {"AttributeSet": sets}} if sets else "", "AttributeSets")


def get_category_attributes(
    sim: LinioSimulator, state: SellerState, q: params.Query, body: str
) -> Reply:
    category = state.categories.get(q.get("PrimaryCategory", ""))
    if category is None:
        raise Refused(57, "E057: No attribute set found for the given category")
    attributes = [
        {
            "Label": a.label,
            "Name": a.name,
            "FeedName": a.feed_name,
            "GlobalIdentifier": f"{category.attribute_set_id}0{index:03d}",
            "GroupName": a.group,
            "isMandatory": "1" if a.mandatory else "0",
            "IsGlobalAttribute": "1" if a.attribute_type == "system" else "0",
            "Description": a.label,
            "ProductType": a.product_type,
            "InputType": a.input_type,
            "AttributeType": a.attribute_type,
            "ExampleValue": a.example,
            "MaxLength": a.max_length,
            "Options": {
                "Option": [
                    {"GlobalIdentifier": "", "Name": o, "isDefault": "1" if i == 0 else "0"}
                    for i, o in enumerate(a.options)
                ]
            }
            if a.options
            else "",
        }
        for index, a in enumerate(attributes_for(category))
    ]
    return Reply({"Attribute": attributes}, "Attributes")


def get_shipment_providers(
    sim: LinioSimulator, state: SellerState, q: params.Query, body: str
) -> Reply:
    providers = [
        {
            "Name": name,
            "Default": "1" if default else "0",
            "ApiIntegration": "1",
            "Cod": "0",
            "TrackingCodeValidationRegex": regex,
            "TrackingCodeExample": example,
            "TrackingUrl": url,
            "EnabledDeliveryOptions": {"DeliveryOption": ["express", "standard", "economy"]},
        }
        for name, default, regex, example, url in SHIPMENT_PROVIDERS
    ]
    return Reply({"ShipmentProviders": {"ShipmentProvider": providers}}, "ShipmentProvider")


def get_failure_reasons(
    sim: LinioSimulator, state: SellerState, q: params.Query, body: str
) -> Reply:
    reasons = [{"Type": t, "Name": n} for t, n in FAILURE_REASONS]
    return Reply({"Reasons": {"Reason": reasons}}, "Reasons")


ACTIONS: dict[str, Action] = {
    "ProductCreate": product_create,
    "ProductUpdate": product_update,
    "ProductRemove": product_remove,
    "Image": image,
    "FeedStatus": feed_status,
    "FeedList": feed_list,
    "FeedOffsetList": feed_offset_list,
    "FeedCount": feed_count,
    "FeedCancel": feed_cancel,
    "GetProducts": get_products,
    "GetQcStatus": get_qc_status,
    "GetBrands": get_brands,
    "GetCategoryTree": get_category_tree,
    "GetCategoriesByAttributeSet": get_categories_by_attribute_set,
    "GetCategoryAttributes": get_category_attributes,
    "GetShipmentProviders": get_shipment_providers,
    "GetFailureReasons": get_failure_reasons,
}
