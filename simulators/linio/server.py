"""The Seller Center simulator's HTTP side: one endpoint, signed query, XML replies.

Checks run in the platform's order: faults injected by the test, then the request's
identity (User-Agent, UserID, Version, Timestamp, Signature), then the 30-per-3-s window,
then the action. Replies copy the fixtures' shapes (Head with RequestId, RequestAction,
ResponseType, Timestamp with an offset without colon).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import json
import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import aiohttp
import xmltodict
from aiohttp import web

from clients.linio.signing import verify
from simulators.linio.catalog_data import (
    BRANDS,
    FAILURE_REASONS,
    SHIPMENT_PROVIDERS,
    WEBHOOK_ENTITIES,
    SimCategory,
    attributes_for,
    category_tree,
)
from simulators.linio.state import Refused, SellerState, SimFeed, SimItem, SimOrder, SimSeller

USER_AGENT = re.compile(r"^[^/\s]+/[^/\s]+/[^/\s]+(/[^/\s]+)*$")
FEED_ACTIONS = ("ProductCreate", "ProductUpdate", "ProductRemove", "Image")


@dataclass(frozen=True)
class RecordedRequest:
    at: float
    user_id: str | None
    action: str | None
    status: int


class FaultInjector:
    """Faults on demand: the next n requests fail, hang, or show a maintenance page."""

    def __init__(self) -> None:
        self._queue: list[tuple[str, float]] = []
        self.latency = 0.0

    def fail_next(self, n: int = 1, status: int = 503) -> None:
        self._queue.extend([("status", float(status))] * n)

    def timeout_next(self, n: int = 1, seconds: float = 5.0) -> None:
        self._queue.extend([("hang", seconds)] * n)

    def lose_response_next(self, n: int = 1) -> None:
        """The action is carried out but its answer is lost (a gateway 502 comes back)."""
        self._queue.extend([("lose", 502.0)] * n)

    def maintenance_next(self, n: int = 1) -> None:
        self._queue.extend([("maintenance", 503.0)] * n)

    def slow(self, seconds: float) -> None:
        self.latency = seconds

    def clear(self) -> None:
        self._queue.clear()
        self.latency = 0.0

    def take(self) -> tuple[str, float] | None:
        return self._queue.pop(0) if self._queue else None


def _now_head() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S%z")


def _sc_date(value: dt.datetime | None) -> str | None:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else None


def success(
    action: str,
    body: Any = None,
    *,
    response_type: str = "",
    request_id: str = "",
    parameters: dict[str, str] | None = None,
    total: int | None = None,
) -> web.Response:
    head: dict[str, Any] = {
        "RequestId": request_id,
        "RequestAction": action,
        "ResponseType": response_type,
        "Timestamp": _now_head(),
    }
    if parameters:
        head["RequestParameters"] = parameters
    if total is not None:
        head["TotalCount"] = str(total)
    document = {"SuccessResponse": {"Head": head, "Body": body if body is not None else ""}}
    return web.Response(text=xmltodict.unparse(document), content_type="text/xml")


def failure(
    action: str | None, code: int, message: str, status: int = 400, kind: str = "Sender"
) -> web.Response:
    document = {
        "ErrorResponse": {
            "Head": {
                "RequestAction": action or "",
                "ErrorType": kind,
                "ErrorCode": str(code),
                "ErrorMessage": message,
            },
            "Body": "",
        }
    }
    return web.Response(text=xmltodict.unparse(document), content_type="text/xml", status=status)


class LinioSimulator:
    """Seller Center for one or more sellers, on 127.0.0.1. See the package docstring."""

    def __init__(
        self,
        sellers: Sequence[SimSeller],
        *,
        feed_delay: float = 0.05,
        rate_limit: tuple[int, float] = (30, 3.0),
        feed_quota: tuple[int, float] = (50, 120.0),
        timestamp_tolerance: float = 600.0,
        webhook_retry_delays: Sequence[float] = (0.05, 0.1, 0.2),
        max_products_per_request: int = 1000,
    ) -> None:
        self.states = {s.user_id: SellerState(s, feed_quota) for s in sellers}
        self.feed_delay = feed_delay
        self.rate_limit = rate_limit
        self.timestamp_tolerance = timestamp_tolerance
        self.webhook_retry_delays = tuple(webhook_retry_delays)
        self.max_products = max_products_per_request
        self.requests: list[RecordedRequest] = []
        self.faults = FaultInjector()
        self.webhook_deliveries: list[dict[str, Any]] = []
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._http: aiohttp.ClientSession | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
        self._runner = web.AppRunner(create_app(self), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://{host}:{bound}/"
        return self.url

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()

    async def __aenter__(self) -> LinioSimulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def settle(self) -> None:
        """Wait until feeds in processing and webhook deliveries in flight are done."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # --- test and bench helpers -----------------------------------------------------------

    def state(self, user_id: str) -> SellerState:
        return self.states[user_id]

    def products(self, user_id: str) -> dict[str, dict[str, Any]]:
        return self.states[user_id].products

    def feeds(self, user_id: str) -> dict[str, SimFeed]:
        return self.states[user_id].feeds

    def orders(self, user_id: str) -> dict[str, SimOrder]:
        return self.states[user_id].orders

    def add_order(self, user_id: str, lines: list[tuple[str, int, Decimal | str]]) -> SimOrder:
        order = self.states[user_id].add_order([(s, q, Decimal(str(p))) for s, q, p in lines])
        self._event(user_id, "onOrderCreated", {"OrderId": int(order.order_id)})
        return order

    def set_item_status(self, user_id: str, order_item_id: str, status: str) -> SimItem:
        item = self.states[user_id].platform_move(order_item_id, status)
        self._event(
            user_id,
            "onOrderItemsStatusChanged",
            {
                "OrderId": int(item.order_id),
                "OrderItemsId": [int(item.order_item_id)],
                "NewStatus": status,
            },
        )
        return item

    def max_in_window(self, user_id: str, window: float | None = None) -> int:
        """Largest number of this seller's requests that arrived within any `window`."""
        period = window or self.rate_limit[1]
        times = sorted(r.at for r in self.requests if r.user_id == user_id)
        best, start = 0, 0
        for end, at in enumerate(times):
            while at - times[start] >= period:
                start += 1
            best = max(best, end - start + 1)
        return best

    # --- webhooks -----------------------------------------------------------------------------

    def _event(self, user_id: str, alias: str, payload: dict[str, Any]) -> None:
        for hook in self.states[user_id].webhooks.values():
            if alias in hook["events"]:
                self._spawn(self._deliver(hook["url"], {"event": alias, "payload": payload}))

    async def _deliver(self, url: str, event: dict[str, Any]) -> None:
        assert self._http is not None
        delays = (0.0, *self.webhook_retry_delays)
        for attempt, delay in enumerate(delays, start=1):
            await asyncio.sleep(delay)
            status = 0
            try:
                async with self._http.post(url, json=event) as response:
                    status = response.status
            except (aiohttp.ClientError, TimeoutError):
                status = 0
            self.webhook_deliveries.append(
                {**event, "url": url, "attempt": attempt, "status": status}
            )
            if status == 200:
                return

    # --- feed processing ----------------------------------------------------------------------

    def _queue_feed(self, user_id: str, feed: SimFeed) -> None:
        state = self.states[user_id]

        async def run() -> None:
            async with state.feed_lock:  # a seller's feeds are processed in order
                await asyncio.sleep(self.feed_delay / 2)
                feed.status = "Processing"
                await asyncio.sleep(self.feed_delay / 2)
                state.process(feed)
            self._event(user_id, "onFeedCompleted", {"Feed": feed.feed_id})
            if feed.action == "ProductCreate":
                failed = {sku for _, _, sku in feed.errors}
                for record in feed.records:
                    sku = str(record.get("SellerSku") or "")
                    if sku and sku not in failed:
                        self._event(
                            user_id,
                            "onProductQcStatusChanged",
                            {"SellerSku": sku, "Status": "approved"},
                        )

        self._event(user_id, "onFeedCreated", {"Feed": feed.feed_id})
        self._spawn(run())

    # --- the endpoint --------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        query = dict(request.query)
        action, user_id = query.get("Action"), query.get("UserID")
        response = await self._respond(request, query, action, user_id)
        self.requests.append(RecordedRequest(time.monotonic(), user_id, action, response.status))
        return response

    async def _respond(
        self, request: web.Request, query: dict[str, str], action: str | None, user_id: str | None
    ) -> web.Response:
        if self.faults.latency:
            await asyncio.sleep(self.faults.latency)
        fault = self.faults.take()
        if fault is not None and fault[0] == "lose":
            with contextlib.suppress(Refused):
                state = self._authenticate(request, query, action, user_id)
                await self._dispatch(request, state, query, action or "")
            return web.Response(
                text="<html><body>502 Bad Gateway</body></html>",
                content_type="text/html",
                status=502,
            )
        if fault is not None:
            kind, value = fault
            if kind == "hang":
                await asyncio.sleep(value)
            elif kind == "maintenance":
                return web.Response(
                    text="<html><body><h1>Estamos en mantenimiento</h1></body></html>",
                    content_type="text/html",
                    status=503,
                )
            else:
                return failure(action, 1, "E001: Internal platform error", int(value), "Platform")
        try:
            state = self._authenticate(request, query, action, user_id)
            self._throttle(state)
            return await self._dispatch(request, state, query, action or "")
        except Refused as refused:
            return failure(action, refused.code, refused.message, refused.status, refused.kind)

    def _authenticate(
        self, request: web.Request, query: dict[str, str], action: str | None, user_id: str | None
    ) -> SellerState:
        for name in ("Action", "Format", "Timestamp", "UserID", "Version", "Signature"):
            if not query.get(name):
                raise Refused(1, f"E001: Parameter {name} is mandatory")
        if query["Version"] != "1.0":
            raise Refused(2, "E002: Invalid Version")
        if not USER_AGENT.match(request.headers.get("User-Agent", "")):
            raise Refused(
                9, "E009: Access Denied: the User-Agent header must be SellerId/Language/Version"
            )
        state = self.states.get(user_id or "")
        if state is None or not verify(query, state.seller.api_key):
            raise Refused(7, "E007: Login failed. Signature mismatching")
        try:
            stamp = dt.datetime.strptime(query["Timestamp"], "%Y-%m-%dT%H:%M:%S%z")
        except ValueError:
            raise Refused(3, "E003: Timestamp has an invalid format") from None
        skew = abs((dt.datetime.now(dt.UTC) - stamp).total_seconds())
        if skew > self.timestamp_tolerance:
            raise Refused(3, "E003: Timestamp has expired")
        if not request.headers.get("User-Agent", "").startswith(state.seller.seller_id + "/"):
            raise Refused(9, "E009: Access Denied: the User-Agent does not name this seller")
        return state

    def _throttle(self, state: SellerState) -> None:
        limit, period = self.rate_limit
        now = time.monotonic()
        while state.arrivals and now - state.arrivals[0] >= period:
            state.arrivals.popleft()
        if len(state.arrivals) >= limit:
            raise Refused(429, "E429: Too many requests", status=429)
        state.arrivals.append(now)

    async def _dispatch(
        self, request: web.Request, state: SellerState, query: dict[str, str], action: str
    ) -> web.Response:
        handler: Callable[..., Any] | None = getattr(self, f"_a_{action}", None)
        if handler is None:
            raise Refused(8, f"E008: Invalid Action {action}")
        if action in FEED_ACTIONS and not state.take_feed_token(time.monotonic()):
            raise Refused(
                429,
                "E429: Too many attempts to create feeds; wait 2 minutes between feeds",
                status=429,
            )
        body = await request.text() if request.can_read_body else ""
        return (
            await handler(state, query, body)
            if asyncio.iscoroutinefunction(handler)
            else handler(state, query, body)
        )

    # --- actions: products and feeds -------------------------------------------------------

    def _records(self, body: str, element: str) -> list[dict[str, Any]]:
        try:
            document = xmltodict.parse(body) if body.strip() else {}
        except Exception:
            raise Refused(1000, "E1000: Format Error Detected: the body is not valid XML") from None
        records = (document.get("Request") or {}).get(element) or []
        return records if isinstance(records, list) else [records]

    def _feed_action(
        self, state: SellerState, action: str, element: str, body: str
    ) -> web.Response:
        records = self._records(body, element)
        if not records:
            raise Refused(1000, f"E1000: Format Error Detected: no {element} in the request")
        if len(records) > self.max_products:
            raise Refused(
                1000,
                f"E1000: Too many products in one request ({len(records)} > {self.max_products})",
            )
        if action == "Image":
            for record in records:
                images = (record.get("Images") or {}).get("Image") or []
                record["Images"] = images if isinstance(images, list) else [images]
        feed = state.new_feed(action, records)
        self._queue_feed(state.seller.user_id, feed)
        return success(action, request_id=feed.feed_id)

    def _a_ProductCreate(self, state: SellerState, q: dict[str, str], body: str) -> web.Response:
        return self._feed_action(state, "ProductCreate", "Product", body)

    def _a_ProductUpdate(self, state: SellerState, q: dict[str, str], body: str) -> web.Response:
        return self._feed_action(state, "ProductUpdate", "Product", body)

    def _a_ProductRemove(self, state: SellerState, q: dict[str, str], body: str) -> web.Response:
        return self._feed_action(state, "ProductRemove", "Product", body)

    def _a_Image(self, state: SellerState, q: dict[str, str], body: str) -> web.Response:
        return self._feed_action(state, "Image", "ProductImage", body)

    @staticmethod
    def _feed_xml(feed: SimFeed, *, detail: bool) -> dict[str, Any]:
        node: dict[str, Any] = {
            "Feed": feed.feed_id,
            "Status": feed.status,
            "Action": feed.action,
            "CreationDate": _sc_date(feed.created_at),
            "UpdatedDate": _sc_date(feed.updated_at),
            "Source": "api",
            "TotalRecords": str(len(feed.records)),
            "ProcessedRecords": str(len(feed.records) if feed.status == "Finished" else 0),
            "FailedRecords": str(len({sku for _, _, sku in feed.errors})),
            "FailureReports": "",
        }
        if detail:
            node["FeedErrors"] = (
                {"Error": [{"Code": c, "Message": m, "SellerSku": s} for c, m, s in feed.errors]}
                if feed.errors
                else ""
            )
            node["FeedWarnings"] = ""
        return node

    def _a_FeedStatus(self, state: SellerState, q: dict[str, str], body: str) -> web.Response:
        feed = state.feeds.get(q.get("FeedID", ""))
        if feed is None:
            raise Refused(12, "E012: Invalid Feed ID")
        return success(
            "FeedStatus",
            {"FeedDetail": self._feed_xml(feed, detail=True)},
            response_type="FeedDetail",
            parameters={"FeedID": feed.feed_id},
        )

    def _a_FeedList(self, state: SellerState, q: dict[str, str], body: str) -> web.Response:
        return self._feeds_page("FeedList", state, {})

    def _a_FeedOffsetList(self, state: SellerState, q: dict[str, str], body: str) -> web.Response:
        return self._feeds_page("FeedOffsetList", state, q)

    def _feeds_page(self, action: str, state: SellerState, q: dict[str, str]) -> web.Response:
        """Newest first; FeedOffsetList pages and filters by status, FeedList shows all."""
        offset, size = int(q.get("Offset", 0)), int(q.get("PageSize", 10**6))
        feeds = sorted(state.feeds.values(), key=lambda f: f.created_at, reverse=True)
        if q.get("Status"):
            feeds = [f for f in feeds if f.status == q["Status"]]
        page = feeds[offset : offset + size]
        return success(
            action,
            {"Feed": [self._feed_xml(f, detail=False) for f in page]} if page else "",
            response_type="Feed",
        )

    def _a_GetProducts(self, state: SellerState, q: dict[str, str], body: str) -> web.Response:
        products = list(state.products.items())
        if q.get("SkuSellerList"):
            wanted = set(json.loads(q["SkuSellerList"]))
            products = [(s, p) for s, p in products if s in wanted]
        if q.get("Search"):
            products = [
                (s, p)
                for s, p in products
                if q["Search"].lower() in (s + str(p.get("Name", ""))).lower()
            ]
        offset, limit = int(q.get("Offset", 0)), int(q.get("Limit", 1000))
        page = products[offset : offset + limit]
        nodes = []
        for sku, p in page:
            images = p.get("Images") or []
            nodes.append(
                {
                    "SellerSku": sku,
                    "ShopSku": p.get("ShopSku"),
                    "Name": p.get("Name"),
                    "Quantity": p.get("Quantity", "0"),
                    "Available": p.get("Quantity", "0"),
                    "Price": p.get("Price"),
                    "SalePrice": p.get("SalePrice", ""),
                    "Status": p.get("Status"),
                    "MainImage": images[0] if images else "",
                    "Images": {"Image": images} if images else "",
                    "Description": p.get("Description"),
                    "Brand": p.get("Brand"),
                    "PrimaryCategory": state.categories[str(p["PrimaryCategory"])].name,
                    "Categories": p.get("Categories", ""),
                    "ProductData": p.get("ProductData") or "",
                }
            )
        return success(
            "GetProducts",
            {"Products": {"Product": nodes}} if nodes else "",
            response_type="Products",
        )

    def _a_GetQcStatus(self, state: SellerState, q: dict[str, str], body: str) -> web.Response:
        skus = json.loads(q["SkuSellerList"]) if q.get("SkuSellerList") else list(state.products)
        states = [
            {"SellerSKU": s, "Status": state.products[s].get("QcStatus", "pending")}
            for s in skus
            if s in state.products
        ]
        return success(
            "GetQcStatus", {"Status": {"State": states}} if states else "", response_type="State"
        )

    # --- actions: reference data ----------------------------------------------------------

    def _a_GetBrands(self, state: SellerState, q: dict[str, str], body: str) -> web.Response:
        return success(
            "GetBrands",
            {
                "Brands": {
                    "Brand": [
                        {"BrandId": i, "Name": n, "GlobalIdentifier": g} for i, n, g in BRANDS
                    ]
                }
            },
            response_type="Brands",
        )

    def _a_GetCategoryTree(self, state: SellerState, q: dict[str, str], body: str) -> web.Response:
        def node(c: SimCategory) -> dict[str, Any]:
            return {
                "Name": c.name,
                "CategoryId": c.category_id,
                "GlobalIdentifier": c.global_identifier,
                "AttributeSetId": c.attribute_set_id,
                "Children": {"Category": [node(x) for x in c.children]} if c.children else "",
            }

        return success(
            "GetCategoryTree",
            {"Categories": {"Category": [node(c) for c in category_tree()]}},
            response_type="Categories",
        )

    def _a_GetCategoryAttributes(
        self, state: SellerState, q: dict[str, str], body: str
    ) -> web.Response:
        category = state.categories.get(q.get("PrimaryCategory", ""))
        if category is None:
            raise Refused(57, "E057: No attribute set found for the given category")
        return success(
            "GetCategoryAttributes",
            {
                "Attribute": [
                    {
                        "Label": a.label,
                        "Name": a.feed_name.lower(),
                        "FeedName": a.feed_name,
                        "GlobalIdentifier": "",
                        "GroupName": "Main",
                        "isMandatory": "1" if a.mandatory else "0",
                        "IsGlobalAttribute": "1" if a.attribute_type == "system" else "0",
                        "Description": "",
                        "ProductType": "config",
                        "InputType": a.input_type,
                        "AttributeType": a.attribute_type,
                        "ExampleValue": "",
                        "MaxLength": "255",
                        "Options": {
                            "Option": [
                                {"GlobalIdentifier": "", "Name": o, "isDefault": "0"}
                                for o in a.options
                            ]
                        }
                        if a.options
                        else "",
                    }
                    for a in attributes_for(category)
                ]
            },
        )

    def _a_GetShipmentProviders(
        self, state: SellerState, q: dict[str, str], body: str
    ) -> web.Response:
        return success(
            "GetShipmentProviders",
            {
                "ShipmentProviders": {
                    "ShipmentProvider": [
                        {
                            "Name": n,
                            "Default": "1" if d else "0",
                            "ApiIntegration": "1",
                            "Cod": "0",
                            "TrackingCodeValidationRegex": rx,
                            "TrackingCodeExample": ex,
                            "TrackingUrl": url,
                            "EnabledDeliveryOptions": {"DeliveryOption": ["standard", "express"]},
                        }
                        for n, d, rx, ex, url in SHIPMENT_PROVIDERS
                    ]
                }
            },
            response_type="ShipmentProviders",
        )

    def _a_GetFailureReasons(
        self, state: SellerState, q: dict[str, str], body: str
    ) -> web.Response:
        return success(
            "GetFailureReasons",
            {"Reasons": {"Reason": [{"Type": t, "Name": n} for t, n in FAILURE_REASONS]}},
            response_type="Reasons",
        )

    # --- actions: orders -----------------------------------------------------------------------

    @staticmethod
    def _order_xml(order: SimOrder) -> dict[str, Any]:
        address = {
            "FirstName": order.customer["first"],
            "LastName": order.customer["last"],
            "Phone": order.customer["phone"],
            "Phone2": "",
            "Address1": order.address["address1"],
            "CustomerEmail": order.customer["email"],
            "City": order.address["city"],
            "Ward": "",
            "Region": order.address["region"],
            "PostCode": order.address["post_code"],
            "Country": order.address["country"],
        }
        return {
            "OrderId": order.order_id,
            "CustomerFirstName": order.customer["first"],
            "CustomerLastName": order.customer["last"],
            "OrderNumber": order.order_number,
            "PaymentMethod": order.payment_method,
            "Remarks": "",
            "DeliveryInfo": "",
            "Price": f"{order.price:.2f}",
            "GiftOption": "0",
            "GiftMessage": "",
            "VoucherCode": "",
            "CreatedAt": _sc_date(order.created_at),
            "UpdatedAt": _sc_date(order.updated_at),
            "AddressUpdatedAt": _sc_date(order.created_at),
            "AddressBilling": address,
            "AddressShipping": address,
            "NationalRegistrationNumber": "",
            "ItemsCount": str(len(order.items)),
            "PromisedShippingTime": _sc_date(order.created_at + dt.timedelta(days=2)),
            "ExtraAttributes": "",
            "Statuses": {"Status": sorted({i.status for i in order.items})},
        }

    @staticmethod
    def _item_xml(item: SimItem) -> dict[str, Any]:
        return {
            "OrderItemId": item.order_item_id,
            "ShopId": "1",
            "OrderId": item.order_id,
            "Name": item.name,
            "Sku": item.sku,
            "Variation": "",
            "ShopSku": f"LN-{item.sku}",
            "ShippingType": "Dropshipping",
            "ItemPrice": f"{item.price:.2f}",
            "PaidPrice": f"{item.price:.2f}",
            "Currency": "MXN",
            "TaxAmount": "0.00",
            "ShippingAmount": "0.00",
            "Status": item.status,
            "IsProcessable": "1",
            "ShipmentProvider": item.shipment_provider or "",
            "TrackingCode": item.tracking_code or "",
            "Reason": item.reason or "",
            "PackageId": item.package_id or "",
            "InvoiceNumber": item.invoice_number or "",
            "CreatedAt": _sc_date(item.updated_at),
            "UpdatedAt": _sc_date(item.updated_at),
        }

    def _a_GetOrders(self, state: SellerState, q: dict[str, str], body: str) -> web.Response:
        orders = list(state.orders.values())
        for key, attribute in (("CreatedAfter", "created_at"), ("UpdatedAfter", "updated_at")):
            if q.get(key):
                try:
                    since = dt.datetime.strptime(q[key], "%Y-%m-%dT%H:%M:%S")
                except ValueError:
                    raise Refused(17, "E017: Invalid Date Format") from None
                since = since.replace(tzinfo=dt.UTC)
                orders = [o for o in orders if getattr(o, attribute) > since]
        if q.get("Status"):
            orders = [o for o in orders if any(i.status == q["Status"] for i in o.items)]
        key = "updated_at" if q.get("SortBy") == "updated_at" else "created_at"
        orders.sort(key=lambda o: getattr(o, key), reverse=q.get("SortDirection") == "DESC")
        offset, limit = int(q.get("Offset", 0)), int(q.get("Limit", 100))
        page = orders[offset : offset + limit]
        return success(
            "GetOrders",
            {"Orders": {"Order": [self._order_xml(o) for o in page]}} if page else "",
            response_type="Orders",
            total=len(orders),
        )

    def _a_GetOrder(self, state: SellerState, q: dict[str, str], body: str) -> web.Response:
        order = state.orders.get(q.get("OrderId", ""))
        if order is None:
            raise Refused(16, "E016: Invalid Order ID")
        return success(
            "GetOrder", {"Orders": {"Order": self._order_xml(order)}}, response_type="Order"
        )

    def _a_GetOrderItems(self, state: SellerState, q: dict[str, str], body: str) -> web.Response:
        order = state.orders.get(q.get("OrderId", ""))
        if order is None:
            raise Refused(16, "E016: Invalid Order ID")
        return success(
            "GetOrderItems",
            {"OrderItems": {"OrderItem": [self._item_xml(i) for i in order.items]}},
            response_type="OrderItems",
        )

    def _a_GetMultipleOrderItems(
        self, state: SellerState, q: dict[str, str], body: str
    ) -> web.Response:
        try:
            ids = [str(i) for i in json.loads(q.get("OrderIdList", ""))]
        except (ValueError, TypeError):
            raise Refused(
                56, "E056: Invalid OrdersIdList format. Must use array format [1,2]"
            ) from None
        orders = [state.orders[i] for i in ids if i in state.orders]
        if not orders:
            raise Refused(39, "E039: No orders were found")
        return success(
            "GetMultipleOrderItems",
            {
                "Orders": {
                    "Order": [
                        {
                            "OrderId": o.order_id,
                            "OrderNumber": o.order_number,
                            "OrderItems": {"OrderItem": [self._item_xml(i) for i in o.items]},
                        }
                        for o in orders
                    ]
                }
            },
            response_type="Orders",
        )

    def _item_ids(self, q: dict[str, str]) -> list[str]:
        try:
            ids = [str(i) for i in json.loads(q.get("OrderItemIds", ""))]
        except (ValueError, TypeError):
            raise Refused(23, "E023: Invalid Order Item IDs") from None
        if not ids:
            raise Refused(23, "E023: Invalid Order Item IDs")
        if q.get("DeliveryType", "dropship") not in ("dropship", "pickup", "send_to_warehouse"):
            raise Refused(24, "E024: Invalid Delivery Type")
        providers = {p[0] for p in SHIPMENT_PROVIDERS}
        if q.get("ShippingProvider") and q["ShippingProvider"] not in providers:
            raise Refused(25, "E025: Invalid Shipping Provider")
        return ids

    def _status_event(self, state: SellerState, items: list[SimItem], status: str) -> None:
        self._event(
            state.seller.user_id,
            "onOrderItemsStatusChanged",
            {
                "OrderId": int(items[0].order_id),
                "OrderItemsId": [int(i.order_item_id) for i in items],
                "NewStatus": status,
            },
        )

    def _a_SetStatusToPackedByMarketplace(
        self, state: SellerState, q: dict[str, str], body: str
    ) -> web.Response:
        items = state.pack(self._item_ids(q), q.get("ShippingProvider"), q.get("TrackingNumber"))
        return success(
            "SetStatusToPackedByMarketplace",
            {
                "OrderItems": {
                    "OrderItem": [
                        {
                            "OrderItemId": i.order_item_id,
                            "PurchaseOrderId": "0",
                            "PurchaseOrderNumber": "",
                            "PackageId": i.package_id,
                        }
                        for i in items
                    ]
                }
            },
            response_type="OrderItems",
        )

    def _a_SetStatusToReadyToShip(
        self, state: SellerState, q: dict[str, str], body: str
    ) -> web.Response:
        items = state.ready_to_ship(
            self._item_ids(q), q.get("ShippingProvider"), q.get("TrackingNumber")
        )
        self._status_event(state, items, "ready_to_ship")
        return success(
            "SetStatusToReadyToShip",
            {
                "OrderItems": {
                    "OrderItem": [
                        {"PurchaseOrderId": "0", "PurchaseOrderNumber": ""} for _ in items
                    ]
                }
            },
            response_type="OrderItems",
        )

    def _a_SetStatusToCanceled(
        self, state: SellerState, q: dict[str, str], body: str
    ) -> web.Response:
        item = state.cancel(
            q.get("OrderItemId", ""), q.get("Reason", ""), {name for _, name in FAILURE_REASONS}
        )
        self._status_event(state, [item], "canceled")
        return success("SetStatusToCanceled")

    def _a_SetInvoiceNumber(self, state: SellerState, q: dict[str, str], body: str) -> web.Response:
        item = state.item(q.get("OrderItemId", ""))
        if not q.get("InvoiceNumber"):
            raise Refused(1, "E001: Parameter InvoiceNumber is mandatory")
        item.invoice_number = q["InvoiceNumber"]
        return success(
            "SetInvoiceNumber",
            {"OrderItemId": item.order_item_id, "InvoiceNumber": item.invoice_number},
        )

    def _a_GetDocument(self, state: SellerState, q: dict[str, str], body: str) -> web.Response:
        kinds = (
            "invoice",
            "exportInvoice",
            "shippingLabel",
            "shippingParcel",
            "carrierManifest",
            "serialNumber",
        )
        if q.get("DocumentType") not in kinds:
            raise Refused(32, "E032: Document type is not valid")
        items = [state.item(i) for i in self._item_ids({**q, "DeliveryType": "dropship"})]
        if q["DocumentType"] != "invoice" and any(not i.package_id for i in items):
            raise Refused(
                34, "E034: Order item must be packed. Please call SetStatusToReadyToShip before"
            )
        content = f"{q['DocumentType']} for items {','.join(i.order_item_id for i in items)}"
        return success(
            "GetDocument",
            {
                "Documents": {
                    "Document": {
                        "DocumentType": q["DocumentType"],
                        "MimeType": "application/pdf",
                        "File": base64.b64encode(content.encode()).decode(),
                    }
                }
            },
            response_type="Document",
        )

    # --- actions: webhooks ----------------------------------------------------------------------

    def _a_GetWebhookEntities(
        self, state: SellerState, q: dict[str, str], body: str
    ) -> web.Response:
        return success(
            "GetWebhookEntities",
            {
                "Entities": {
                    "Entity": [
                        {
                            "Name": name,
                            "Events": {
                                "Event": [{"EventName": e, "EventAlias": a} for e, a in events]
                            },
                        }
                        for name, events in WEBHOOK_ENTITIES
                    ]
                }
            },
            response_type="Entities",
        )

    def _a_CreateWebhook(self, state: SellerState, q: dict[str, str], body: str) -> web.Response:
        [hook] = self._records(body, "Webhook") or [{}]
        url = hook.get("CallbackUrl") if isinstance(hook, dict) else None
        events = ((hook.get("Events") or {}).get("Event") or []) if isinstance(hook, dict) else []
        events = events if isinstance(events, list) else [events]
        known = {a for _, evs in WEBHOOK_ENTITIES for _, a in evs}
        if not url or not events or not set(events) <= known:
            raise Refused(
                1000, "E1000: Format Error Detected: CallbackUrl and known Events are required"
            )
        if any(h["url"] == url for h in state.webhooks.values()):
            raise Refused(1000, "E1000: This callback URL is already registered")
        webhook_id = str(uuid.uuid4())
        state.webhooks[webhook_id] = {"url": url, "events": list(events)}
        return success(
            "CreateWebhook",
            {"Webhook": {"WebhookId": webhook_id, "CreatedAt": _now_head()}},
            response_type="Webhook",
        )

    def _a_GetWebhooks(self, state: SellerState, q: dict[str, str], body: str) -> web.Response:
        wanted = set(json.loads(q["WebhookIds"])) if q.get("WebhookIds") else None
        hooks = [
            {
                "WebhookId": i,
                "CallbackUrl": h["url"],
                "WebhookSource": "api",
                "Events": {"Event": h["events"]},
            }
            for i, h in state.webhooks.items()
            if wanted is None or i in wanted
        ]
        return success(
            "GetWebhooks",
            {"Webhooks": {"Webhook": hooks}} if hooks else "",
            response_type="Webhooks",
        )

    def _a_DeleteWebhook(self, state: SellerState, q: dict[str, str], body: str) -> web.Response:
        document = xmltodict.parse(body) if body.strip() else {}
        webhook_id = str((document.get("Request") or {}).get("Webhook") or "")
        if state.webhooks.pop(webhook_id, None) is None:
            raise Refused(1000, f"E1000: Webhook {webhook_id} does not exist")
        return success("DeleteWebhook")


def create_app(sim: LinioSimulator) -> web.Application:
    app = web.Application(client_max_size=32 * 1024 * 1024)
    app.router.add_route("GET", "/", sim.handle)
    app.router.add_route("POST", "/", sim.handle)
    return app
