"""Units of work: HTTP route handlers and queue consumers.

`ROUTE_HANDLERS` maps each route name declared in manifest.json to its handler; the web app
refuses to start when the two disagree.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from handlers import (
    catalog_notification,
    health,
    linio_feed_webhook,
    linio_webhook,
    openapi,
    order_callbacks,
    price_approval,
    store_config,
    store_status,
    vtex_logs,
    vtex_mapper,
)
from handlers.admin import (
    auth,
    dead_letters,
    logs,
    mappings,
    metrics,
    orders,
    overview,
    skus,
    stores,
    tables,
)

RouteHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ROUTE_HANDLERS: dict[str, RouteHandler] = {
    "health": health.health,
    "ready": health.ready,
    "openapi": openapi.openapi,
    "vtex_catalog_notification": catalog_notification.catalog_notification,
    "catalog_notification": catalog_notification.catalog_notification,
    "vtex_store_config_notification": store_config.store_config_notification,
    "store_config_notification": store_config.store_config_notification,
    "store_config": store_config.get_config,
    "processing_result": order_callbacks.processing_result,
    "invoice_pub": order_callbacks.invoice,
    "invoice_pvt": order_callbacks.invoice,
    "invoice_tracking_pub": order_callbacks.invoice_tracking,
    "invoice_tracking_pvt": order_callbacks.invoice_tracking,
    "tracking_events_pub": order_callbacks.tracking_events,
    "tracking_events_pvt": order_callbacks.tracking_events,
    "cancel_pvt": order_callbacks.cancel,
    "cancel_pub": order_callbacks.cancel,
    "linio_webhook": linio_webhook.linio_webhook,
    "vtex_logs": vtex_logs.vtex_logs,
    "admin_approve_price": price_approval.approve_price,
    "admin_reconcile": price_approval.reconcile,
    "linio_feed_webhook": linio_feed_webhook.feed_webhook,
    "mapper_categories": vtex_mapper.mapper_categories,
    "mapper_mapping": vtex_mapper.mapper_mapping,
    "mapper_register": vtex_mapper.mapper_register,
    "store_status": store_status.store_status,
    "store_load": store_status.store_load,
    # --- the seller's dashboard (handlers/admin/) ---
    "login_page": auth.login_page,
    "login": auth.login,
    "logout": auth.logout,
    "admin_overview": overview.overview,
    "admin_api_overview": overview.overview_json,
    "admin_logs": logs.logs_page,
    "admin_logs_csv": logs.logs_csv,
    "admin_skus": skus.skus_page,
    "admin_skus_bulk_retry": skus.skus_bulk_retry,
    "admin_sku": skus.sku_page,
    "admin_sku_retry": skus.sku_retry,
    "admin_price_guard": skus.price_guard_decide,
    "admin_orders": orders.orders_page,
    "admin_order_retry": orders.order_retry,
    "admin_order": orders.order_page,
    "admin_order_document": orders.order_document,
    "admin_dead_letters": dead_letters.dead_letters_page,
    "admin_dead_letters_replay": dead_letters.dead_letters_replay,
    "admin_mappings": mappings.mappings_page,
    "admin_mapping_save": mappings.mapping_save,
    "admin_mappings_import": mappings.mappings_import,
    "admin_mappings_export": mappings.mappings_export,
    "admin_stores": stores.stores_page,
    "admin_store_active": stores.store_active,
    "admin_store_load": stores.store_load,
    "admin_store_webhook": stores.store_webhook,
    "admin_rotate_token": stores.store_rotate_token,
    "admin_store_rules": stores.store_rules,
    "admin_store_map_edit": stores.store_map_edit,
    "admin_store_map_import": stores.store_map_import,
    "admin_store_map_export": stores.store_map_export,
    "tables_fields": tables.fields_table,
    "tables_errors": tables.errors_table,
    "metrics": metrics.metrics,
}
