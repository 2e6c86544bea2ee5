"""A VTEX seller account on localhost: catalog, fulfillment, Channel Order API, OMS.

Why it exists: the VTEX client, the flows, the 5,000-SKU benchmark and the sandbox mode need a
VTEX that answers like the real one (paths, field names, cents, status codes, asynchronous
callbacks) without the internet. Everything is in memory; every delay is configurable.

Quick start::

    from simulators.vtex import VtexSimulator

    async with VtexSimulator("acme", latency=0.0, seed=1) as sim:   # 127.0.0.1, ephemeral port
        sim.url                          # "http://127.0.0.1:40123"
        sim.auth_headers()               # {"X-VTEX-API-AppKey": ..., "X-VTEX-API-AppToken": ...}
        sim.app_cookie                   # valid value for the VtexIdclientAutCookie header/cookie
        sim.catalog.generate(n_skus=5000, faulty_share=0.1)   # deterministic per seed, < 1 s
        sim.catalog.trade_policy         # "2": the marketplace trade policy (sc) of generate()
        sim.catalog.faults[sku_id]       # frozenset[SkuFault] (only faulty SKUs are keys)
        sim.catalog.healthy_sku_ids()    # SKUs the connector must publish
        sim.register_affiliate("LNO", sales_channel="2",
                               search_uri_endpoint="http://127.0.0.1:8080/catalog/notification?token=t")
        await sim.change_sku(sku_id, price=12990, stock=3)    # mutates + POSTs the notification
        await sim.invoice_order(order_id, invoice_number="F-1")  # OMS → connector invoice callback
        await sim.cancel_order(order_id)                          # OMS → connector cancel callback

Public API (see each class for details):

- ``VtexSimulator(account="acme", *, app_key=..., app_token=..., latency=0.0, seed=1,
  simulation_item_latency=0.0 (s added to a fulfillment simulation per item),
  notification_style="broadcaster", processing_delay=0.0, state_file=None)`` (a Path: the
  catalog, orders, affiliates and Mapper registrations kept across restarts, ``restored``)
  ``await start(host="127.0.0.1", port=0) -> str`` / ``await stop()`` / ``async with``; ``url``.
  Attributes: ``catalog: SimCatalog``, ``faults: FaultInjector``, ``orders: OrderBook``,
  ``shipping: ShippingRules``, ``affiliates: dict[str, Affiliate]``,
  ``requests: list[RecordedRequest]`` (method, path, query, status, at — never credentials),
  ``deliveries: list[Delivery]`` (every POST the simulator made to the connector: kind, url,
  payload, status, response), ``price_divergence_rule: None | "manual" | "authorize" | "deny"``
  (None → EOI003 / FMT007 on divergence; "manual" → waiting-for-manual-authorization),
  ``template_connector_endpoint`` (result URL base when an order omits connectorEndpoint),
  ``callback_order_id: "marketplace" | "vtex"`` (the id in OMS callback paths; default the
  marketplace order id, as MkpProto documents),
  ``events.feed_config`` / ``events.hook_config`` / ``events.feed`` (Feed v3 and Hook state),
  ``order(order_id) -> SimOrder`` (status, invoices, history; KeyError when unknown).
  Methods: ``register_affiliate(affiliate_id, *, sales_channel, search_uri_endpoint=None,
  name=None, follow_up_email=None) -> Affiliate``;
  ``await change_sku(sku_id, *, sales_channel=None, price=, list_price=, remove_price=, stock=,
  name=, description=, active=, product_active=, sales_channels=) -> list[Delivery]``
  (all edits optional; no edit = a "touch" with HasStockKeepingUnitModified; a product-level
  edit — description, product_active, sales_channels — notifies every SKU of the product);
  ``await invoice_order(order_id, *, invoice_number=None, value=None, type="Output",
  tracking_number=None, courier=None, tracking_url=None) -> dict``;
  ``await cancel_order(order_id, reason="...") -> dict``; ``start_handling(order_id)``;
  ``await authorize_divergence(order_id, approve=True)`` (the seller's manual decision);
  ``await wait_for(kind, *, count=1, timeout=5.0) -> list[Delivery]`` (callbacks are async);
  ``await drain()`` waits for every callback in flight.
- ``SkuFault``: INACTIVE, OUTSIDE_TRADE_POLICY, NO_PRICE, UNMAPPED_CATEGORY,
  MISSING_SPECIFICATION, NAME_TOO_LONG. ``SimCatalog.required_specifications`` (category id →
  names a marketplace requires), ``SimCatalog.unmapped_category_ids``, ``NAME_MAX_LENGTH``.
- ``FaultInjector``: ``latency`` (s, every request), ``fail_next(n, status=503, path=None)``,
  ``fail_rate(rate, status=500, path=None)``, ``throttle_next(n, retry_after=1.0, path=None)``,
  ``clear()``. ``path`` is a prefix such as ``"/api/fulfillment"``.
- ``ShippingRules``: ``unserved_postal_prefixes`` (default ``("99",)`` → no SLAs), ``slas``,
  ``stock_without_address`` (default False: without postalCode and country the stock balance
  is 0, as SellerFF documents). Priced SKUs without stock come back with ``quantity: 0``,
  ``stockBalance: 0`` and no SLA; only unsellable ones (inactive, outside the trade policy,
  unpriced) are missing from ``items``.

What it refuses as VTEX does: New Order Integration without the ``affiliateId`` query, with a
``connectorEndpoint`` carrying a query string, a ``marketplaceOrderStatus`` other than ``new``
/ ``approved``, or a ``logisticsInfo`` count different from ``items`` (sync 400, EOI005,
``fields: null``); an OMS invoice without ``type, issuanceDate, invoiceNumber, invoiceValue,
items`` (``invoiceValue`` may be a string of cents); a tracking PATCH without
``trackingNumber, trackingUrl, courier, dispatchedDate``; SKU ids without ``sc``. A duplicate
(EOI007) result carries no ``fields``. Affiliate PUT answers 204, ``/fulfill`` 201 with one
object, feed commit 200; ``/api/checkout/pub/`` and ``/api/catalog_system/pub/`` need no
credentials.

Routes served (all but ``/pub/`` ones need auth: ``X-VTEX-API-AppKey`` + ``X-VTEX-API-AppToken`` or
``VtexIdclientAutCookie`` as header or cookie; none → 401, wrong → 403):
catalog ``GET /api/catalog_system/pvt/sku/stockkeepingunitidsbysaleschannel?sc=&page=&pageSize=
&onlyAssigned=`` (JSON int array; without ``onlyAssigned=true`` SKUs outside ``sc`` are listed too,
so a connector's trade-policy check is exercised), ``GET …/sku/stockkeepingunitbyid/{id}?sc=``,
``GET /api/catalog/pvt/stockkeepingunit/{id}``, ``GET /api/catalog/pvt/product/{id}``,
``GET /api/catalog_system/pvt/products/productget/{id}``,
``GET /api/catalog_system/pub/category/tree/{levels}``, ``GET /api/catalog_system/pvt/brand/list``,
``GET /api/catalog_system/pvt/saleschannel/list``;
``POST /api/fulfillment/pvt/orderForms/simulation?sc=&affiliateId=`` (also
``/api/checkout/pub/orderForms/simulation``);
``GET|PUT|DELETE /api/fulfillment/pvt/affiliates/{id}``,
``GET /api/fulfillment/pvt/affiliates``; Channel Order API ``POST /api/order-integration/orders``,
``PUT /api/order-integration/orders/status`` (sync SOI003, result POSTed to
``{connectorEndpoint}/order-integration/notification/processing-result?an=``); deprecated
``POST /api/fulfillment/pvt/orders`` + ``POST /api/fulfillment/pvt/orders/{id}/fulfill``; OMS
``GET /api/oms/pvt/orders/{id}``, ``POST …/cancel``, ``POST …/invoice``, ``PATCH …/invoice/{n}``,
``PUT …/invoice/{n}/tracking``, ``POST …/start-handling``; ``GET|POST /api/orders/feed/config``,
``GET|POST /api/orders/hook/config``, ``GET|POST /api/orders/feed``.

Callbacks the simulator makes (recorded in ``deliveries``): ``catalog`` → affiliate
``searchURIEndpoint``; ``processing-result``; under ``{marketplaceServicesEndpoint}/pvt/orders/
{id}`` (``id`` per ``callback_order_id``): ``invoice`` → ``/invoice``, ``tracking`` (after a
tracking PATCH) → ``/invoice/{invoiceNumber}``, ``tracking-events`` (after a PUT of delivery
events) → ``/invoice/{invoiceNumber}/tracking``, ``cancel`` → ``/cancel`` (body with
``reason``); ``hook`` → order hook URL.
For Channel Order API orders ``marketplaceServicesEndpoint`` is the body's
``marketplaceServicesEndpoint`` when given, else ``connectorEndpoint`` (VTEX leaves it open).

Test helpers: ``simulators.vtex.receiver.CallbackReceiver`` (an aiohttp server recording
every callback, with per-path answers to simulate a failing connector) and
``simulators.vtex.samples.channel_order(catalog, sku_ids, marketplace_order_id=...,
connector_endpoint=...)`` / ``fulfillment_order(...)`` (bodies priced from the catalog, so
they integrate without divergence unless ``paid=`` says otherwise).

Run standalone (sandbox): ``python -m simulators.vtex --port 8702 --skus 200`` (prints the URL
and app key; the token is ``DEFAULT_APP_TOKEN`` unless ``VTEX_SIM_APP_TOKEN`` is set).
"""

from simulators.vtex.affiliates import Affiliate
from simulators.vtex.catalog import NAME_MAX_LENGTH, SimCatalog, SkuFault
from simulators.vtex.delivery import Delivery
from simulators.vtex.faults import FaultInjector
from simulators.vtex.fulfillment import ShippingRules
from simulators.vtex.orders import OrderBook, SimOrder
from simulators.vtex.server import DEFAULT_APP_TOKEN, RecordedRequest, VtexSimulator

__all__ = [
    "DEFAULT_APP_TOKEN",
    "NAME_MAX_LENGTH",
    "Affiliate",
    "Delivery",
    "FaultInjector",
    "OrderBook",
    "RecordedRequest",
    "ShippingRules",
    "SimCatalog",
    "SimOrder",
    "SkuFault",
    "VtexSimulator",
]
