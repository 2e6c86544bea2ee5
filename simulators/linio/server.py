"""The Seller Center simulator's HTTP side: one endpoint, signed query, XML replies.

Checks run in the platform's order: faults injected by the test, then the request's
identity (mandatory parameters, Version, Timestamp, User-Agent, UserID and Signature),
then the seller's 30-per-3-s window, then the feed quota, then the action. Feeds are
processed in the background, one seller's feeds in order; events go to the seller's
webhooks with retries on the configured (compressed) schedule.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import re
import time
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from clients.linio.signing import verify
from simulators.linio import actions_catalog, actions_orders, actions_webhooks
from simulators.linio.envelope import Refused, failure, parse_when, success
from simulators.linio.faults import FaultInjector, html_page
from simulators.linio.state import SellerState, SimFeed, SimItem, SimOrder, SimSeller
from simulators.persistence import StateFile

USER_AGENT = re.compile(r"^[^/\s]+/[^/\s]+/[^/\s]+(/[^/\s]+)*$")
FEED_ACTIONS = ("ProductCreate", "ProductUpdate", "ProductRemove", "Image")
READ_ONLY = re.compile(r"^(Get|Feed(List|OffsetList|Status|Count))")
"""Actions that change nothing: no state write after them."""
MANDATORY = ("Action", "Format", "Timestamp", "UserID", "Version", "Signature")
ACTIONS: dict[str, actions_catalog.Action] = {
    **actions_catalog.ACTIONS,
    **actions_orders.ACTIONS,
    **actions_webhooks.ACTIONS,
}


@dataclass(frozen=True)
class RecordedRequest:
    at: float  # time.monotonic() on arrival
    user_id: str | None
    action: str | None
    status: int
    query: tuple[tuple[str, str], ...] = ()  # the parameters as received (wire checks)


class LinioSimulator:
    """Seller Center for one or more sellers, on 127.0.0.1. See the package docstring."""

    def __init__(
        self,
        sellers: Sequence[SimSeller],
        *,
        feed_delay: float = 0.05,
        feed_delay_per_product: float = 0.0,
        rate_limit: tuple[int, float] = (30, 3.0),
        feed_quota: tuple[int, float] = (50, 120.0),
        timestamp_tolerance: float = 600.0,
        webhook_retry_delays: Sequence[float] = (0.05, 0.1, 0.2),
        max_products_per_request: int = 1000,
        qc_delay: float = 0.05,
        basic_auth: tuple[str, str] | None = None,
        errors_with_http_200: bool = False,
        state_file: Path | None = None,
    ) -> None:
        """`feed_delay` + `feed_delay_per_product` × records: seconds a feed takes from
        Queued to Finished (half queued, half processing). `qc_delay`: seconds a created
        product stays QC `pending` before approved or rejected (`reject_qc`). `basic_auth`:
        (user, password) a staging host asks for with HTTP Basic before anything else (401
        HTML page otherwise). `errors_with_http_200`:
        ErrorResponses with HTTP 200, as the GFG platform sends them (429 and 5xx keep
        theirs). `state_file`: where the sellers' state is kept across restarts (the
        sandbox's `DATA_DIR/sandbox/linio.pickle`): read at `start` (`restored` says
        whether there was one; feeds found Queued or Processing are processed, undecided
        QC is decided), written atomically after every change (`simulators.persistence`).
        None (tests, the benchmark): in memory only."""
        self.states = {s.user_id: SellerState(s, feed_quota) for s in sellers}
        self._state_file = StateFile(state_file) if state_file is not None else None
        self.restored = False
        self.feed_delay = feed_delay
        self.feed_delay_per_product = feed_delay_per_product
        self.rate_limit = rate_limit
        self.timestamp_tolerance = timestamp_tolerance
        self.webhook_retry_delays = tuple(webhook_retry_delays)
        self.max_products = max_products_per_request
        self.qc_delay = qc_delay
        self.basic_auth = basic_auth
        self.errors_with_http_200 = errors_with_http_200
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
        self._restore()
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
        self.persist()
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()

    async def __aenter__(self) -> LinioSimulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # --- persistence (see `state_file`) -----------------------------------------------------

    def persist(self) -> None:
        """Write the sellers' state now when it has a file (no-op in memory)."""
        if self._state_file is not None:
            self._state_file.save({uid: st.saved() for uid, st in self.states.items()})

    def _restore(self) -> None:
        """Read the state file once; go on with what the last run left half done."""
        if self._state_file is None:
            return
        saved = self._state_file.load()
        if not saved:
            return
        for user_id, state in self.states.items():
            if user_id in saved:
                state.restore(saved[user_id])
                self.restored = True
        for state in self.states.values():
            for feed in state.unfinished_feeds():
                self._spawn(self._run_feed(state, feed, fails=False))
            if pending := state.qc_pending():
                self._spawn(self._quality_control(state, pending))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def settle(self) -> None:
        """Wait until feeds in processing and webhook deliveries in flight are done."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # --- state for tests, the benchmark and the sandbox ------------------------------------

    def state(self, user_id: str) -> SellerState:
        return self.states[user_id]

    def products(self, user_id: str) -> dict[str, dict[str, Any]]:
        return self.states[user_id].products

    def feeds(self, user_id: str) -> dict[str, SimFeed]:
        return self.states[user_id].feeds

    def orders(self, user_id: str) -> dict[str, SimOrder]:
        return self.states[user_id].orders

    def add_order(
        self,
        user_id: str,
        lines: list[tuple[str, int, Decimal | str]],
        *,
        shipment_provider: str | None = None,
        paid: bool = True,
    ) -> SimOrder:
        """A customer's order, `pending`: (seller SKU, quantity, unit price) per line; each
        unit reserves stock. `shipment_provider`: the carrier Linio preselected (a
        ready-to-ship naming another one is refused with E080). Fires onOrderCreated
        `{"OrderId": int, "OrderNr": str}`. An unpaid order (`paid=False`) has its items
        not processable until `mark_paid`."""
        order = self.states[user_id].add_order(
            [(s, q, Decimal(str(p))) for s, q, p in lines], shipment_provider, paid=paid
        )
        self._event(
            user_id,
            "onOrderCreated",
            {"OrderId": int(order.order_id), "OrderNr": order.order_number},
        )
        self.persist()
        return order

    def reject_qc(self, user_id: str, seller_sku: str, reason: str) -> None:
        """Quality control will reject this SKU with `reason` (e.g. "Wrong Description")
        when it decides; an already decided SKU is re-decided at once."""
        state = self.states[user_id]
        state.qc_rejections[seller_sku] = reason
        product = state.products.get(seller_sku)
        if product is not None and product.get("QcStatus") != "pending":
            product["QcStatus"] = "pending"
            self._spawn(self._quality_control(state, [seller_sku]))
        self.persist()

    def mark_paid(self, user_id: str, order_id: str) -> SimOrder:
        """The payment arrived: every item becomes processable (UpdatedAt moves)."""
        state = self.states[user_id]
        order = state.orders[order_id]
        for item in order.items:
            item.processable = True
            item.touch()
        self.items_changed(state, order.items)
        self.persist()
        return order

    def set_item_status(self, user_id: str, order_item_id: str, status: str) -> SimItem:
        """A move made by Linio, the carrier or the customer (shipped, delivered, canceled…)."""
        state = self.states[user_id]
        item = state.platform_move(order_item_id, status)
        self.items_changed(state, [item])
        self.persist()
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

    # --- events and webhooks -------------------------------------------------------------

    def items_changed(self, state: SellerState, items: list[SimItem]) -> None:
        """onOrderItemsStatusChanged as documented: `{"OrderId": int, "OrderItemIds":
        [int], "NewStatus": str}`, one event per new status."""
        by_status: dict[str, list[SimItem]] = {}
        for item in items:
            by_status.setdefault(item.status, []).append(item)
        for status, moved in by_status.items():
            self._event(
                state.seller.user_id,
                "onOrderItemsStatusChanged",
                {
                    "OrderId": int(moved[0].order_id),
                    "OrderItemIds": [int(i.order_item_id) for i in moved],
                    "NewStatus": status,
                },
            )

    def _event(self, user_id: str, alias: str, payload: dict[str, Any]) -> None:
        for hook in self.states[user_id].webhooks.values():
            if alias in hook["events"]:
                self._spawn(self._deliver(hook["url"], {"event": alias, "payload": payload}))

    async def _deliver(self, url: str, event: dict[str, Any]) -> None:
        """Success is HTTP 200, anything else is retried after each configured delay."""
        assert self._http is not None
        for attempt, delay in enumerate((0.0, *self.webhook_retry_delays), start=1):
            await asyncio.sleep(delay)
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

    def queue_feed(self, state: SellerState, feed: SimFeed) -> None:
        """Queued → Processing → Finished (or Error, see `faults.feed_error_next`) after
        feed_delay; one seller's feeds in order. Then onFeedCompleted (not for Error),
        onProductCreated / onProductUpdated `{"SellerSkus": [...]}` for the SKUs the feed
        changed, and QC runs `qc_delay` later (onProductQcStatusChanged)."""
        fails = self.faults.take_feed_error()
        self._event(state.seller.user_id, "onFeedCreated", {"Feed": feed.feed_id})
        self._spawn(self._run_feed(state, feed, fails=fails))

    async def _run_feed(self, state: SellerState, feed: SimFeed, *, fails: bool) -> None:
        user_id = state.seller.user_id
        delay = self.feed_delay + self.feed_delay_per_product * len(feed.records)
        async with state.feed_lock:
            await asyncio.sleep(delay / 2)
            if feed.status == "Canceled":
                return
            feed.status = "Processing"
            self.persist()
            await asyncio.sleep(delay / 2)
            if fails:
                state.fail(feed)
                self.persist()
                return
            state.process(feed)
            self.persist()
        self._event(user_id, "onFeedCompleted", {"Feed": feed.feed_id})
        failed = feed.failed_skus
        changed = [
            sku
            for sku in dict.fromkeys(str(r.get("SellerSku") or "") for r in feed.records)
            if sku and sku not in failed
        ]
        if not changed:
            return
        if feed.action == "ProductCreate":
            self._event(user_id, "onProductCreated", {"SellerSkus": changed})
            self._spawn(self._quality_control(state, changed))
        elif feed.action in ("ProductUpdate", "Image"):
            self._event(user_id, "onProductUpdated", {"SellerSkus": changed})

    async def _quality_control(self, state: SellerState, skus: list[str]) -> None:
        """Asynchronous QC: pending for `qc_delay`, then approved or rejected (Reason)."""
        await asyncio.sleep(self.qc_delay)
        decided = state.decide_qc(skus)
        self.persist()
        if decided:
            self._event(state.seller.user_id, "onProductQcStatusChanged", {"SellerSkus": decided})

    # --- the endpoint --------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        query = dict(request.query)
        action, user_id = query.get("Action"), query.get("UserID")
        response = await self._respond(request, query, action, user_id)
        self.requests.append(
            RecordedRequest(arrived, user_id, action, response.status, tuple(query.items()))
        )
        return response

    async def _respond(
        self, request: web.Request, query: dict[str, str], action: str | None, user_id: str | None
    ) -> web.Response:
        if self.faults.latency:
            await asyncio.sleep(self.faults.latency)
        if self.basic_auth is not None and not _basic_ok(request, self.basic_auth):
            return web.Response(
                text="<html><body><h1>401 Authorization Required</h1></body></html>",
                content_type="text/html",
                status=401,
                headers={"WWW-Authenticate": 'Basic realm="Seller Center staging"'},
            )
        fault = self.faults.take(action)
        as_json = query.get("Format") == "JSON"
        if fault is not None:
            kind, value = fault
            if kind == "garble":
                with contextlib.suppress(Refused):
                    state = self._authenticate(request, query, user_id)
                    whole = await self._dispatch(request, state, query, action or "")
                    body = whole.body if isinstance(whole.body, bytes) else b""
                    return web.Response(
                        body=body[: len(body) // 2], status=200, content_type="text/xml"
                    )
                return html_page(200, "<?xml version=")
            if kind == "lose":
                with contextlib.suppress(Refused):
                    state = self._authenticate(request, query, user_id)
                    await self._dispatch(request, state, query, action or "")
                return html_page(502, "<html><body><h1>502 Bad Gateway</h1></body></html>")
            if kind == "maintenance":
                return html_page(503)
            if kind == "status":
                internal = Refused(6, "E006: Unexpected internal error", int(value), "Platform")
                return failure(action, internal, as_json=as_json)
            await asyncio.sleep(value)  # "hang": held, then answered normally
        try:
            state = self._authenticate(request, query, user_id)
            self._throttle(state)
            held = self.faults.take_pause(action or "")
            if held is None:
                return await self._dispatch(request, state, query, action or "")
            if held.applied:  # done now; the answer waits
                response = await self._dispatch(request, state, query, action or "")
                held.reached.set()
                await held.released.wait()
                return response
            held.reached.set()  # nothing done yet
            await held.released.wait()
            if held.dropped:
                raise Refused(6, "E006: Unexpected internal error", 503, "Platform")
            return await self._dispatch(request, state, query, action or "")
        except Refused as refused:
            status = None
            if self.errors_with_http_200 and refused.status == 400:
                status = 200
            return failure(action, refused, as_json=as_json, status=status)

    def _authenticate(
        self, request: web.Request, query: dict[str, str], user_id: str | None
    ) -> SellerState:
        for name in MANDATORY:
            if not query.get(name) and name != "Format":  # Format: XML when omitted
                raise Refused(1, f"E001: Parameter {name} is mandatory")
        if query["Version"] != "1.0":
            raise Refused(2, "E002: Invalid Version")
        if query.get("Format", "XML") not in ("XML", "JSON"):
            raise Refused(5, "E005: Invalid Request Format")
        try:
            stamp = parse_when(query["Timestamp"])
        except ValueError:
            raise Refused(4, "E004: Invalid Timestamp format") from None
        if "T" not in query["Timestamp"] or not _has_offset(query["Timestamp"]):
            raise Refused(4, "E004: Invalid Timestamp format")
        if abs(time.time() - stamp.timestamp()) > self.timestamp_tolerance:
            raise Refused(3, "E003: Timestamp has expired")
        agent = request.headers.get("User-Agent", "")
        if not USER_AGENT.match(agent):
            raise Refused(9, "E009: Access Denied")
        state = self.states.get(user_id or "")
        if state is None or not verify(query, state.seller.api_key):
            raise Refused(7, "E007: Login failed. Signature mismatching")
        if not agent.startswith(state.seller.seller_id + "/"):
            raise Refused(9, "E009: Access Denied")
        return state

    def _throttle(self, state: SellerState) -> None:
        """Strict rolling window over the arrival times of the seller's accepted requests."""
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
        handler = ACTIONS.get(action)
        if handler is None:
            raise Refused(8, "E008: Invalid Action")
        if action in FEED_ACTIONS and not state.take_feed_token(time.monotonic()):
            raise Refused(429, "E429: Too many attempts to create feeds", status=429)
        body = await request.text() if request.can_read_body else ""
        reply = handler(self, state, query, body)
        if not READ_ONLY.match(action):
            self.persist()  # before the answer leaves: what Seller Center said it holds
        return success(action, reply, as_json=query.get("Format") == "JSON", zone=state.zone)


def _has_offset(stamp: str) -> bool:
    """ISO 8601 with a zone: `Z`, `+00:00` or `-0500` after the time."""
    return bool(re.search(r"(Z|[+-]\d{2}:?\d{2})$", stamp.strip()))


def _basic_ok(request: web.Request, expected: tuple[str, str]) -> bool:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return False
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return False
    return (user, password) == expected


def create_app(sim: LinioSimulator) -> web.Application:
    app = web.Application(client_max_size=128 * 1024 * 1024)  # the platform's POST limit
    app.router.add_route("GET", "/", sim.handle)
    app.router.add_route("POST", "/", sim.handle)
    return app
