"""`GET /openapi.json`: the inbound routes described for VTEX reviewers and integrators.

Paths and methods come from manifest.json (the same source the router uses), the words and
schemas from `ROUTE_DOCS`; building the document fails if a route has no description, so
the description cannot drift from what is served.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from app.manifest import Manifest, path_template
from app.web_keys import MANIFEST
from clients.vtex import inbound

ERROR = {"$ref": "#/components/schemas/Error"}
TOKEN_PATTERN = "^[A-Za-z0-9_-]{16,64}$"  # secrets.token_urlsafe(24): 32 URL-safe characters
TOKEN = {
    "name": "token",
    "in": "query",
    "required": True,
    "schema": {"type": "string", "pattern": TOKEN_PATTERN},
    "description": "the store's token (old Search Endpoint form; the dashboard asks to "
    "replace it with the /vtex/{token}/… URL)",
}
PATH_TOKEN = {
    "name": "token",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": TOKEN_PATTERN},
    "description": "the store's secret, part of every URL shown on the dashboard; an unknown "
    "store and a wrong token answer the same 404",
}
ORDER_ID = {
    "name": "orderId",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": inbound.ORDER_ID.pattern},
    "description": "VTEX order id",
}
INVOICE_NUMBER = {
    "name": "invoiceNumber",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": inbound.INVOICE_NUMBER.pattern},
}
ACCOUNT = {"type": "string", "pattern": inbound.ACCOUNT_NAME.pattern}
DIGITS = {"type": ["string", "integer"], "pattern": inbound.DIGITS.pattern, "minimum": 0}
AFFILIATE = {"type": "string", "pattern": inbound.AFFILIATE_ID.pattern}

CATALOG_NOTIFICATION = {
    "type": "object",
    "description": "Keys are matched case-insensitively (IdSku/idSKU, An/an, …).",
    "required": ["IdSku", "An", "IdAffiliate"],
    "properties": {
        "IdSku": DIGITS,
        "ProductId": DIGITS,
        "An": ACCOUNT,
        "IdAffiliate": AFFILIATE,
        "DateModified": {"type": "string", "maxLength": 64},
        "IsActive": {"type": "boolean"},
        "StockModified": {"type": "boolean"},
        "PriceModified": {"type": "boolean"},
        "HasStockKeepingUnitModified": {"type": "boolean"},
        "HasStockKeepingUnitRemovedFromAffiliate": {"type": "boolean"},
    },
}
STORE_CONFIG = {
    "type": "object",
    "required": ["accountName", "affiliateId", "salesChannel"],
    "properties": {
        "accountName": ACCOUNT,
        "active": {"type": "boolean"},
        "affiliateId": AFFILIATE,
        "salesChannel": {"type": "string", "pattern": inbound.DIGITS.pattern},
        "email": {"type": "string", "maxLength": inbound.MAX_TEXT},
        "cookie": {"type": "string", "maxLength": inbound.MAX_COOKIE},
        "allowFranchiseAccounts": {"type": "boolean"},
    },
}
PROCESSING_RESULT = {
    "type": "object",
    "required": ["flow", "code", "marketplaceOrderId"],
    "properties": {
        "accountName": {"type": ["string", "null"], "pattern": inbound.ACCOUNT_NAME.pattern},
        "success": {"type": "boolean"},
        "flow": {"enum": ["PlaceOrder", "ApproveOrder"]},
        "operationId": {"type": ["string", "null"], "maxLength": inbound.MAX_TEXT},
        "marketplaceOrderId": {
            "type": "string",
            "pattern": inbound.MARKETPLACE_ORDER_ID.pattern,
        },
        "code": {"type": "string", "pattern": inbound.RESULT_CODE.pattern},
        "message": {"type": "string"},
        "errors": {"type": ["array", "null"]},
        "fields": {"type": ["object", "null"]},
    },
}
INVOICE = {
    "type": "object",
    "required": ["invoiceNumber"],
    "properties": {
        "type": {"enum": ["Output", "Input"]},
        "invoiceNumber": {"type": "string", "pattern": inbound.INVOICE_NUMBER.pattern},
        "invoiceValue": {
            "type": ["integer", "string"],
            "minimum": 0,
            "maximum": inbound.MAX_CENTS,
            "pattern": inbound.DIGITS.pattern,
            "description": "cents; a string of digits is accepted (the Orders API's type)",
        },
        "issuanceDate": {"type": "string", "format": "date-time"},
        "invoiceKey": {"type": "string"},
        "invoiceUrl": {"type": "string"},
        "courier": {"type": "string"},
        "trackingNumber": {"type": "string"},
        "trackingUrl": {"type": "string"},
        "items": {
            "type": "array",
            "maxItems": inbound.MAX_INVOICE_ITEMS,
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "quantity": {
                        "type": ["integer", "string"],
                        "minimum": 1,
                        "maximum": inbound.MAX_INVOICE_QUANTITY,
                        "pattern": inbound.DIGITS.pattern,
                    },
                    "price": {
                        "type": ["integer", "string"],
                        "minimum": 0,
                        "maximum": inbound.MAX_CENTS,
                        "pattern": inbound.DIGITS.pattern,
                        "description": "cents",
                    },
                },
            },
        },
    },
}
RECEIPT = {
    "type": "object",
    "properties": {
        "orderId": {"type": "string"},
        "receipt": {"type": "string"},
        "date": {"type": "string"},
    },
}


def _op(
    summary: str,
    *,
    request: dict[str, Any] | None = None,
    parameters: list[dict[str, Any]] | None = None,
    ok: dict[str, Any] | None = None,
    errors: tuple[int, ...] = (400, 404),
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": ok or {}}}}
        },
    }
    for status in errors:
        operation["responses"][str(status)] = {
            "description": "error",
            "content": {"application/json": {"schema": ERROR}},
        }
    if parameters:
        operation["parameters"] = parameters
    if request is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": request}},
        }
    return operation


PATH_TOKEN = {
    "name": "token",
    "in": "path",
    "required": True,
    "description": "The store's secret, as shown on the dashboard",
    "schema": {"type": "string"},
}

PATH_STORE = {
    "name": "store",
    "in": "path",
    "required": True,
    "description": "The store id (e.g. acme-mx)",
    "schema": {"type": "string"},
}
MAPPER_TREE = {
    "type": "object",
    "required": ["id", "name", "categories"],
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "categories": {"type": "array", "items": {"type": "object"}},
    },
}
MAPPER_MAPPING = {
    "type": "object",
    "properties": {
        "mapperId": {"type": "string"},
        "categories": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "vtexCategoryId": {"type": "string"},
                    "marketplaceCategoryId": {"type": "string"},
                },
            },
        },
    },
}

ROUTE_DOCS: dict[str, dict[str, dict[str, Any]]] = {
    "linio_feed_webhook": {
        "POST": _op(
            "Seller Center webhook (onFeedCompleted, product events): nudges the feed owner",
            request={"type": "object"},
            parameters=[PATH_TOKEN],
            errors=(404,),
        )
    },
    "mapper_categories": {
        "GET": _op(
            "VTEX Mapper categoryTreeEndPoint: Linio's category tree in the Mapper's format",
            parameters=[PATH_TOKEN],
            ok=MAPPER_TREE,
            errors=(403, 404),
        )
    },
    "mapper_mapping": {
        "POST": _op(
            "VTEX Mapper mappingEndPoint: the seller's category mapping; releases waiting SKUs",
            request=MAPPER_MAPPING,
            parameters=[PATH_TOKEN],
            ok={
                "type": "object",
                "properties": {
                    "store": {"type": "string"},
                    "categories": {"type": "integer"},
                    "released": {"type": "integer"},
                },
            },
            errors=(400, 403, 404),
        )
    },
    "mapper_register": {
        "POST": _op(
            "Register the store in the VTEX Mapper and send Linio's tree when it changed",
            parameters=[PATH_STORE],
            errors=(401, 404),
        )
    },
    "store_status": {
        "GET": _op(
            "Store status: SKUs per state and held back with reasons, pending work per queue, "
            "feeds sent today, feed quota left, initial-load progress",
            parameters=[PATH_STORE],
            errors=(401, 404),
        )
    },
    "store_load": {
        "POST": _op(
            "Start the store's initial load (202; follow it with the status)",
            parameters=[PATH_STORE],
            errors=(401, 404),
        )
    },
    "health": {"GET": _op("Liveness", errors=())},
    "ready": {"GET": _op("Readiness: MongoDB and broker reachable", errors=(503,))},
    "openapi": {"GET": _op("This document", errors=())},
    "vtex_catalog_notification": {
        "POST": _op(
            "Affiliate Search Endpoint: VTEX catalog change notification",
            request=CATALOG_NOTIFICATION,
            parameters=[PATH_TOKEN],
            errors=(400, 404, 409, 413, 415, 503),
        )
    },
    "catalog_notification": {
        "POST": _op(
            "Old affiliate Search Endpoint (?token=), still accepted",
            request=CATALOG_NOTIFICATION,
            parameters=[TOKEN],
            errors=(400, 404, 409, 413, 415, 503),
        )
    },
    "vtex_store_config_notification": {
        "POST": _op(
            "Store configuration saved in the VTEX admin app (template contract)",
            request=STORE_CONFIG,
            parameters=[PATH_TOKEN],
            errors=(400, 404, 409),
        )
    },
    "store_config_notification": {
        "POST": _op(
            "Store configuration (old connector endpoint with ?token=)",
            request=STORE_CONFIG,
            parameters=[TOKEN],
            errors=(400, 404, 409),
        )
    },
    "store_config": {
        "GET": _op(
            "Stored configuration, authenticated by the store's appKey/appToken",
            parameters=[
                {"name": "vendor", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "app", "in": "path", "required": True, "schema": {"type": "string"}},
            ],
            errors=(400, 403, 404),
        )
    },
    "processing_result": {
        "POST": _op(
            "Channel Order API result notification",
            request=PROCESSING_RESULT,
            parameters=[
                PATH_TOKEN,
                {"name": "an", "in": "query", "required": False, "schema": ACCOUNT},
            ],
            errors=(400, 404, 409),
        )
    },
    "invoice_pub": {
        "POST": _op(
            "OMS invoice notification",
            request=INVOICE,
            parameters=[PATH_TOKEN, ORDER_ID],
            ok=RECEIPT,
        )
    },
    "invoice_pvt": {
        "POST": _op(
            "OMS invoice notification (pvt twin)",
            request=INVOICE,
            parameters=[PATH_TOKEN, ORDER_ID],
            ok=RECEIPT,
        )
    },
    "invoice_tracking_pub": {
        "POST": _op(
            "Tracking for an invoice",
            request=INVOICE,
            parameters=[PATH_TOKEN, ORDER_ID, INVOICE_NUMBER],
            ok=RECEIPT,
        )
    },
    "invoice_tracking_pvt": {
        "POST": _op(
            "Tracking for an invoice (pvt twin)",
            request=INVOICE,
            parameters=[PATH_TOKEN, ORDER_ID, INVOICE_NUMBER],
            ok=RECEIPT,
        )
    },
    "tracking_events_pub": {
        "POST": _op(
            "Tracking events / delivery of an invoice",
            request={
                "type": "object",
                "properties": {"isDelivered": {"type": "boolean"}, "events": {"type": "array"}},
            },
            parameters=[PATH_TOKEN, ORDER_ID, INVOICE_NUMBER],
        )
    },
    "tracking_events_pvt": {
        "POST": _op(
            "Tracking events / delivery of an invoice (pvt twin)",
            request={
                "type": "object",
                "properties": {"isDelivered": {"type": "boolean"}, "events": {"type": "array"}},
            },
            parameters=[PATH_TOKEN, ORDER_ID, INVOICE_NUMBER],
        )
    },
    "cancel_pvt": {
        "POST": _op(
            "OMS cancelled the order; answers with a receipt",
            parameters=[PATH_TOKEN, ORDER_ID],
            ok=RECEIPT,
        )
    },
    "cancel_pub": {
        "POST": _op(
            "OMS cancelled the order (pub twin)", parameters=[PATH_TOKEN, ORDER_ID], ok=RECEIPT
        )
    },
    "linio_webhook": {
        "POST": _op(
            "Seller Center webhook of a store (onOrderCreated, onOrderItemsStatusChanged): "
            "queued, answered 200 at once",
            parameters=[
                {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            ok={"type": "object", "properties": {"received": {"type": "boolean"}}},
            errors=(404,),
        )
    },
    "admin_approve_price": {
        "POST": _op(
            "Dashboard: approve a price held by the store's price-drop guard (it is sent)",
            parameters=[
                {"name": "storeId", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "skuId", "in": "path", "required": True, "schema": {"type": "string"}},
            ],
            ok={"type": "object", "properties": {"approved": {"type": "boolean"}}},
            errors=(401, 404),
        )
    },
    "admin_reconcile": {
        "POST": _op(
            "Dashboard: one reconciliation pass of a store's published SKUs now",
            parameters=[
                {"name": "storeId", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            ok={
                "type": "object",
                "properties": {
                    "checked": {"type": "integer"},
                    "healed": {"type": "integer"},
                    "held": {"type": "integer"},
                },
            },
            errors=(401, 404),
        )
    },
    "vtex_logs": {
        "GET": _op(
            "Seller-facing logs in VTEX's format",
            parameters=[
                {"name": "account", "in": "path", "required": True, "schema": ACCOUNT},
                {"name": "DateAt", "in": "query", "schema": {"type": "string", "format": "date"}},
                {
                    "name": "status",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "all, or a comma list of success (or sucess), error, "
                    "warning, alert, pending",
                },
            ],
            ok={"type": "object", "properties": {"Messages": {"type": "array"}}},
            errors=(400, 401, 403, 404),
        )
    },
}


def _page(
    summary: str,
    method: str = "GET",
    errors: tuple[int, ...] = (401,),
    path: tuple[str, ...] = (),
) -> dict[str, Any]:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in path
    ]
    return {method: _op(summary, errors=errors, parameters=parameters or None)}


# The seller's dashboard (handlers/admin/): HTML pages behind /login, form actions (session,
# CSRF token, admin role), JSON/CSV reads (session or HTTP Basic) and the public tables.
DASHBOARD_DOCS: dict[str, dict[str, dict[str, Any]]] = {
    "login_page": _page("Dashboard sign-in form (HTML)", errors=()),
    "login": _page("Sign in (form: user, password, csrf_token)", "POST", (401, 403, 429)),
    "logout": _page("Sign out (form: csrf_token)", "POST", (401, 403)),
    "admin_overview": _page("Dashboard overview per store (HTML)"),
    "admin_api_overview": _page("Overview per store as JSON (session or HTTP Basic)"),
    "admin_logs": _page("Seller log, filtered and paginated (HTML)"),
    "admin_logs_csv": _page("Seller log's filtered view as CSV, personal data masked"),
    "admin_skus": _page("SKU states table (HTML)"),
    "admin_skus_bulk_retry": _page("Retry every SKU of a filter (form)", "POST", (401, 403)),
    "admin_sku": _page(
        "One SKU: timeline, problems, logs (HTML)", errors=(401, 404), path=("store_id", "sku_id")
    ),
    "admin_sku_retry": _page("Retry or resend one SKU (form)", "POST", (401, 403, 404)),
    "admin_price_guard": _page(
        "Approve or reject a price the price guard held (form)", "POST", (400, 401, 403, 404)
    ),
    "admin_orders": _page("Order ledger (HTML)"),
    "admin_order_retry": _page("Read a Linio order again (form)", "POST", (401, 403, 404)),
    "admin_order": _page(
        "One order: timeline across both systems (HTML)",
        errors=(401, 404),
        path=("store_id", "order_id"),
    ),
    "admin_order_document": _page(
        "A document stored with the order", errors=(401, 404), path=("store_id", "order_id", "name")
    ),
    "admin_dead_letters": _page("Dead letters (HTML)"),
    "admin_dead_letters_replay": _page("Replay one or a filtered set (form)", "POST", (401, 403)),
    "admin_mappings": _page("Category, brand and attribute mappings (HTML)"),
    "admin_mapping_save": _page("Save one mapping row (form)", "POST", (400, 401, 403)),
    "admin_mappings_import": _page("Import the plugin's CSV (multipart)", "POST", (400, 401, 403)),
    "admin_mappings_export": _page("Export the plugin's CSV", errors=(401, 404), path=("kind",)),
    "admin_stores": _page("Stores: settings without secrets, URLs to paste (HTML)"),
    "admin_store_active": _page(
        "Activate or deactivate a store (form)", "POST", (401, 403), path=("store_id",)
    ),
    "admin_store_load": _page(
        "Initial load of a store (form)", "POST", (401, 403), path=("store_id",)
    ),
    "admin_store_webhook": _page(
        "Register the Seller Center webhook (form)", "POST", (401, 403), path=("store_id",)
    ),
    "admin_rotate_token": _page(
        "Give a store a new token; its URLs change (form)",
        "POST",
        (401, 403, 404),
        path=("store_id",),
    ),
    "admin_store_rules": _page(
        "Save a store's rules (form; refusals flashed)", "POST", (401, 403, 404), ("store_id",)
    ),
    "admin_store_map_edit": _page(
        "Set or delete one row of the courier or postal-code map (form)",
        "POST",
        (401, 403, 404),
        path=("store_id", "kind"),
    ),
    "admin_store_map_import": _page(
        "Replace the courier or postal-code map by a CSV (multipart)",
        "POST",
        (400, 401, 403, 404),
        path=("store_id", "kind"),
    ),
    "admin_store_map_export": _page(
        "The courier or postal-code map as CSV", errors=(401, 404), path=("store_id", "kind")
    ),
    "tables_fields": _page("Mandatory-field table (HTML or JSON by Accept)", errors=()),
    "tables_errors": _page("Error-action table (HTML or JSON by Accept)", errors=()),
    "metrics": _page("Prometheus metrics (Authorization: Bearer METRICS_TOKEN)"),
}
ROUTE_DOCS.update(DASHBOARD_DOCS)


def build_openapi(manifest: Manifest) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in manifest.routes:
        docs = ROUTE_DOCS.get(route.name)
        if docs is None:
            raise KeyError(f"route {route.name!r} has no OpenAPI description in ROUTE_DOCS")
        item = paths.setdefault(path_template(route.path), {})
        for method in route.methods:
            item[method.lower()] = {"operationId": route.name, **docs[method]}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": manifest.title,
            "version": manifest.version,
            "description": manifest.raw.get("description", ""),
        },
        "paths": paths,
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["status", "code", "message"],
                            "properties": {
                                "status": {"type": "integer"},
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "details": {},
                            },
                        }
                    },
                }
            }
        },
    }


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(build_openapi(request.app[MANIFEST]))
