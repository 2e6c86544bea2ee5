"""Queue consumers by context: what the worker runs for every store's queues.

Each flow (catalog, price, stock, orders, order status, feeds) adds its consumer factory
here; the worker starts one consumer per store for each entry. A factory takes, by keyword,
exactly the resources it uses (the names of `app.runtime.Runtime`'s fields: `stores`,
`clients`, `seller_log`, `broker`…) and ignores the rest (`**_`), the way an aiohttp view
takes only its app key: consumers never see the whole runtime.
"""

from __future__ import annotations

from collections.abc import Callable

from app.broker import Handler
from handlers import consumers_orders

ConsumerFactory = Callable[..., Handler]

CONSUMERS: dict[str, ConsumerFactory] = {
    "order": consumers_orders.order_consumer,
    "order-status": consumers_orders.order_status_consumer,
}
