"""Queue consumers by context: what the worker runs for every store's queues.

Each flow (catalog, price, stock, orders, order status, feeds) adds its consumer factory
here; the worker starts one consumer per store for each entry.
"""

from __future__ import annotations

from app.worker import ConsumerFactory

CONSUMERS: dict[str, ConsumerFactory] = {}
