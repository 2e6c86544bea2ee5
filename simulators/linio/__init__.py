"""Linio Seller Center on localhost, for tests, the benchmark and the sandbox.

    from simulators.linio import LinioSimulator, SimSeller

    seller = SimSeller(user_id="ops@acme.mx", api_key="KEY", seller_id="ACME01", country="MX")
    async with LinioSimulator([seller], feed_delay=0.05, rate_limit=(30, 3.0),
                              feed_quota=(50, 120.0)) as sim:
        sim.url                                  # "http://127.0.0.1:PORT/"
        sim.products(seller.user_id)             # SellerSku -> stored product
        sim.feeds(seller.user_id)                # feed id -> SimFeed (status, errors)
        order = sim.add_order(seller.user_id, [("SKU-1", 1, "199.90")])  # fires onOrderCreated
        sim.set_item_status(seller.user_id, item_id, "shipped")          # carrier side
        sim.faults.fail_next(2, status=503); sim.faults.maintenance_next(1)
        sim.faults.timeout_next(1, seconds=5); sim.faults.slow(0.2); sim.faults.clear()
        sim.requests                             # (at, user_id, action, status) per request
        sim.max_in_window(seller.user_id)        # most requests seen in any rolling window
        await sim.settle()                       # feeds processed, webhooks delivered

It verifies signature (with `clients.linio.signing.verify`), Timestamp freshness, Version
and the `SellerId/Language/Version` User-Agent; enforces the per-seller rolling limit
(E429) and the feed quota for ProductCreate/Update/Remove/Image (E429); processes feeds
asynchronously (Queued → Processing → Finished) with per-SKU FeedErrors; holds orders whose
items follow Seller Center's status machine; sends webhooks with retries.
Standalone: `python -m simulators.linio --port 8701 --seller user@example.com:KEY:SELLER:MX`.
"""

from simulators.linio.server import FaultInjector, LinioSimulator, RecordedRequest, create_app
from simulators.linio.state import Refused, SellerState, SimFeed, SimItem, SimOrder, SimSeller

__all__ = [
    "FaultInjector",
    "LinioSimulator",
    "RecordedRequest",
    "Refused",
    "SellerState",
    "SimFeed",
    "SimItem",
    "SimOrder",
    "SimSeller",
    "create_app",
]
