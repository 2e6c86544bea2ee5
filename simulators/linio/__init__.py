"""Linio Seller Center on localhost, for tests, the benchmark and the sandbox.

    from simulators.linio import LinioSimulator, SimSeller

    seller = SimSeller(user_id="ops@acme.mx", api_key="KEY", seller_id="ACME01", country="MX")
    async with LinioSimulator([seller], feed_delay=0.05, rate_limit=(30, 3.0),
                              feed_quota=(50, 120.0), timestamp_tolerance=600.0,
                              webhook_retry_delays=(0.05, 0.1, 0.2),
                              max_products_per_request=1000) as sim:
        sim.url                                   # "http://127.0.0.1:PORT/" (GET/POST, path /)
        sim.products(seller.user_id)              # SellerSku -> stored product (live ones)
        sim.state(seller.user_id).removed         # SellerSku -> products removed by ProductRemove
        sim.feeds(seller.user_id)                 # feed id -> SimFeed(status, errors, records)
        order = sim.add_order(seller.user_id, [("SKU-1", 1, "199.90")])  # SimOrder, fires
        item_id = order.items[0].order_item_id                            # onOrderCreated
        sim.set_item_status(seller.user_id, item_id, "shipped")  # carrier/customer side moves:
        #   ready_to_ship -> shipped|canceled, shipped -> delivered|failed|returned,
        #   pending -> canceled, delivered -> returned; anything else raises Refused (E028)
        sim.orders(seller.user_id)                # order id -> SimOrder(items: list[SimItem])
        sim.faults.fail_next(2, status=503)       # ErrorResponse E006, ErrorType Platform
        sim.faults.maintenance_next(1)            # HTML page, HTTP 503
        sim.faults.timeout_next(1, seconds=5)     # request held, then answered
        sim.faults.lose_response_next(1)          # action done, answer lost (HTML 502)
        sim.faults.slow(0.2); sim.faults.clear()  # latency on every request / no faults
        sim.requests                              # RecordedRequest(at, user_id, action, status)
        sim.max_in_window(seller.user_id)         # most requests seen in any rolling window
        sim.webhook_deliveries                    # {event, payload, url, attempt, status}
        await sim.settle()                        # feeds processed, webhooks delivered

What a request must carry (checked in this order, refused with an ErrorResponse whose Head
has RequestAction, ErrorType, ErrorCode and ErrorMessage, HTTP 400 unless noted):
Action/Format/Timestamp/UserID/Version/Signature (E001 "Parameter X is mandatory"),
Version=1.0 (E002), an ISO 8601 Timestamp with offset, `+0000` or `+00:00` (E004), within
`timestamp_tolerance` seconds of now, past or future (E003 "Timestamp has expired"), a
User-Agent `SellerId/Language/Version[/…]` (E009 "Access Denied"), a known UserID and a
signature `clients.linio.signing.verify` accepts (E007 "Login failed. Signature
mismatching"), a User-Agent naming this seller's SellerId (E009). Then per seller: at most
`rate_limit` requests in any rolling window (E429 "Too many requests", HTTP 429) and, for
ProductCreate/ProductUpdate/ProductRemove/Image, a token of the feed quota bucket (first
50 free, then one per 120 s; E429 "Too many attempts to create feeds", HTTP 429).
Unknown Action: E008.

Feeds answer at once (Head/RequestId = feed id), run Queued → Processing → Finished after
`feed_delay`, and report per-SKU FeedErrors (Code 1; Code 0 for an empty SellerSku):
mandatory attributes of the category (GetCategoryAttributes), unknown brand or category,
SalePrice ≥ Price, negative Quantity, > 8 images, update/image/remove of an unknown SKU,
create of an existing SKU. More than `max_products_per_request` records: ErrorCode 1000
"Format Error Detected" with an ErrorDetail, synchronously. Orders follow spec §4.2:
pack (PackageId, still pending) → SetStatusToReadyToShip → shipped → delivered; cancel
only while pending (E028), known reasons only (E022); E020/E023/E024/E025/E026/E029/E073,
documents E032/E034/E035. Webhooks get `{"event": alias, "payload": {...}}` as in the
`webhook.*.json` fixtures, retried after each of `webhook_retry_delays` until HTTP 200.
Reference data (categories 1000-3001, brands Samsung/Apple/Hasbro/Genérica/Acme, providers
Estafeta/DHL, failure reasons) lives in `simulators.linio.catalog_data`.

Raw signed calls without the product's client: `simulators.linio.testing` (`signed_query`,
`SellerCenterCaller.call(action, body=..., **params) -> Answer(status, head, body, error)`,
`serving([seller], **options)` → (sim, caller)).

Standalone: `python -m simulators.linio --port 8701 --seller user@example.com:KEY:SELLER:MX`.
"""

from simulators.linio.envelope import Detail, Refused
from simulators.linio.faults import FaultInjector
from simulators.linio.server import LinioSimulator, RecordedRequest, create_app
from simulators.linio.state import SellerState, SimFeed, SimItem, SimOrder, SimSeller

__all__ = [
    "Detail",
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
