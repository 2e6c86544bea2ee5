"""Units of work: HTTP route handlers and queue consumers.

`ROUTE_HANDLERS` maps each route name declared in manifest.json to its handler; the web app
refuses to start when the two disagree.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from handlers import (
    admin_pages,
    catalog_notification,
    health,
    linio_feed_webhook,
    linio_webhook,
    openapi,
    order_callbacks,
    store_config,
    store_status,
    vtex_logs,
    vtex_mapper,
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
    "admin_stores": admin_pages.stores_page,
    "admin_rotate_token": admin_pages.rotate_token,
    "linio_feed_webhook": linio_feed_webhook.feed_webhook,
    "mapper_categories": vtex_mapper.mapper_categories,
    "mapper_mapping": vtex_mapper.mapper_mapping,
    "mapper_register": vtex_mapper.mapper_register,
    "store_status": store_status.store_status,
    "store_load": store_status.store_load,
}
