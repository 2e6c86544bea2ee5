"""Linio Seller Center on localhost, for tests, the benchmark and the sandbox.

    from simulators.linio import LinioSimulator, SimSeller

    seller = SimSeller(user_id="ops@acme.mx", api_key="KEY", seller_id="ACME01", country="MX")
    async with LinioSimulator([seller], feed_delay=0.05, rate_limit=(30, 3.0),
                              feed_quota=(50, 120.0), timestamp_tolerance=600.0,
                              webhook_retry_delays=(0.05, 0.1, 0.2),
                              max_products_per_request=1000, qc_delay=0.05,
                              basic_auth=None, errors_with_http_200=False,
                              state_file=None) as sim:   # a Path: kept across restarts
        sim.url                                   # "http://127.0.0.1:PORT/" (GET/POST, path /)
        sim.products(seller.user_id)              # SellerSku -> stored product (live ones)
        sim.state(seller.user_id).removed         # SellerSku -> products removed by ProductRemove
        sim.feeds(seller.user_id)                 # feed id -> SimFeed(status, errors, records)
        order = sim.add_order(seller.user_id, [("SKU-1", 1, "199.90")],  # SimOrder, fires
                              shipment_provider=None)   # onOrderCreated; preselected carrier
        item_id = order.items[0].order_item_id          # (E080 when RTS names another one)
        sim.set_item_status(seller.user_id, item_id, "shipped")  # carrier/customer side moves:
        #   ready_to_ship -> shipped|canceled, shipped -> delivered|failed|returned,
        #   pending -> canceled, delivered -> returned|return_shipped_by_customer,
        #   return_shipped_by_customer -> return_waiting_for_approval -> returned|
        #   return_rejected; anything else raises Refused (E028)
        sim.reject_qc(seller.user_id, "SKU-1", "Wrong Description")  # QC outcome for a SKU
        sim.state(seller.user_id).fob_enabled = False  # every RTS answers E021 (cases/e021)
        sim.orders(seller.user_id)                # order id -> SimOrder(items: list[SimItem])
        sim.faults.fail_next(2, status=503)       # ErrorResponse E006, ErrorType Platform
        sim.faults.maintenance_next(1)            # HTML page, HTTP 503
        sim.faults.timeout_next(1, seconds=5)     # request held, then answered
        sim.faults.lose_response_next(1)          # action done, answer lost (HTML 502)
        sim.faults.feed_error_next(1)             # next feed ends in status Error
        held = sim.faults.pause("SetInvoiceNumber", skip=3, applied=False)  # 4th one held:
        await held.reached.wait(); held.release()  # a moment to strike (applied=True: done,
                                                  #   its answer held; release(drop=True):
                                                  #   never done, 503 E006)
        sim.faults.slow(0.2); sim.faults.clear()  # latency on every request / no faults
        sim.requests                              # RecordedRequest(at, user_id, action, status,
                                                  #   query)
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

Time zones (audit D1): each seller's host lives in its country's zone (MX, CO, PE, CL):
Head/Timestamp carries that offset, entity dates are its wall-clock time without offset
(AddressUpdatedAt UTC, as in the fixture), naive date filters are read in that zone.

Feeds answer at once (Head/RequestId = feed id), run Queued → Processing → Finished (or
Error, `faults.feed_error_next`, without onFeedCompleted) after `feed_delay`, and report
FeedErrors (Code 1; Code 0 for an empty SellerSku). Field problems use the platform's
wording "Field X (for Seller SKU: S) with value 'v' has a problem: …" and carry no
SellerSku element (mandatory attributes of the category, option values outside the
allowed ones, unknown ParentSku, images sent before the product existed); the others
name the SKU in SellerSku (unknown brand or category, SalePrice ≥ Price, negative
Quantity, update/image/remove of an unknown SKU, create of an existing SKU). More than 8
images: the first 8 kept and a FeedWarning. More than `max_products_per_request`
records: ErrorCode 1000 "Format Error Detected" with an ErrorDetail, synchronously; a
body XML 1.0 cannot parse (control characters): E005 for the whole batch. A created
product is QC `pending` for `qc_delay`, then approved or rejected (Reason).

Stock (D2): GetProducts shows Quantity, ReservedStock, RealTimeStock,
FulfillmentBySellable/NonSellable and Available = Quantity - ReservedStock; a pending
item reserves a unit, ready-to-ship deducts it from Quantity, a cancel releases it (or
gives it back when already deducted).

Orders follow spec §4.2 with the audit's corrections: pending items already carry the
order's PackageId, pack is kept (deprecated), SetStatusToReadyToShip moves every pending
item of the order, SetStatusToShipped / SetStatusToDelivered / SetStatusToFailedDelivery
(one OrderItemId, failed needs a Reason of type failed) for sellers with their own
carrier, post-sale statuses; cancel only while pending (E028), known reasons only (E022);
E020/E021/E023/E024/E025/E026/E029/E073/E080, documents E032/E034 (labels once ready to
ship)/E035, GetProducts E036/E070, CreateWebhook E089/E098/E099, E014/E019 naming the
value. Format is optional (XML); `Format=JSON` collapses one-element lists like the
platform. Webhooks get `{"event": alias, "payload": {...}}` with the documented payloads
(`{"Feed"}`, `{"SellerSkus": [...]}` for onProductCreated/Updated/QcStatusChanged,
`{"OrderId", "OrderNr"}`, `{"OrderId", "OrderItemIds", "NewStatus"}`), retried after
each of `webhook_retry_delays` until HTTP 200.
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
