"""Queue consumers by context: what the worker runs for every store's queues.

Each flow (catalog, price, stock, orders, order status, feeds) adds its consumer factory
here; the worker starts one consumer per store for each entry. A factory takes, by keyword,
exactly the resources it uses (the names of `app.runtime.Runtime`'s fields: `stores`,
`clients`, `seller_log`, `broker`…) and ignores the rest (`**_`), the way an aiohttp view
takes only its app key: consumers never see the whole runtime.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from app.broker import Handler
from app.settings import Settings
from handlers import consumers_orders
from handlers.consumers_catalog import make_catalog_consumer
from handlers.consumers_feeds import feed_consumer
from handlers.consumers_price_stock import price_stock_consumer, reconciler

ConsumerFactory = Callable[..., Handler]


class Schedule(Protocol):
    """A periodic job of the worker (order polling, reconciliation): started and stopped
    with it."""

    def start(self) -> None: ...

    async def stop(self) -> None: ...


ScheduleFactory = Callable[..., Schedule]


def _order_poller(*, settings: Settings, **resources: Any) -> Schedule:
    flows = consumers_orders.OrderFlows(settings=settings, **resources)
    return consumers_orders.OrderPoller(flows, interval=settings.order_poll_interval)


# Periodic jobs by name; factories take resources by keyword like the consumers.
SCHEDULES: dict[str, ScheduleFactory] = {
    "order-poll": _order_poller,
    "reconcile": reconciler,
}

CONSUMERS: dict[str, ConsumerFactory] = {
    "catalog": make_catalog_consumer,
    "order": consumers_orders.order_consumer,
    "order-status": consumers_orders.order_status_consumer,
    "feed": feed_consumer,
    "price": price_stock_consumer,
    "stock": price_stock_consumer,
}
