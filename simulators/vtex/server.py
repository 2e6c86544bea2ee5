"""``VtexSimulator``: the aiohttp server, its auth gate, fault injection and request log."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Unpack

from aiohttp import web

from simulators.persistence import StateFile
from simulators.vtex import mapper, routes_catalog, routes_orders
from simulators.vtex.affiliates import Affiliate
from simulators.vtex.broadcaster import STYLES, SkuEdits, apply_change, notification
from simulators.vtex.catalog import SimCatalog, now_iso
from simulators.vtex.delivery import Delivery, Outbox
from simulators.vtex.faults import FaultInjector
from simulators.vtex.fulfillment import ShippingRules
from simulators.vtex.http_helpers import SIM
from simulators.vtex.order_events import OrderEvents
from simulators.vtex.order_flows import OrderDesk
from simulators.vtex.orders import OrderBook, SimOrder

DEFAULT_APP_TOKEN = "SIMULATEDTOKEN0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DEFAULT_AFFILIATE = "MKP"
PUBLIC_PREFIXES = ("/api/checkout/pub/", "/api/catalog_system/pub/")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
DivergenceRule = Literal["manual", "authorize", "deny"] | None
CallbackOrderId = Literal["marketplace", "vtex"]
SAVE_EVERY = 1.0
"""Seconds between checks for changes made outside a request (OMS steps that follow an
order by themselves), when the simulator keeps its state in a file."""


@dataclass
class RecordedRequest:
    """One request the simulator served (credentials are never recorded)."""

    method: str
    path: str
    query: dict[str, str]
    status: int
    at: float


def mask(secret: str) -> str:
    return f"{secret[:4]}…({len(secret)})" if secret else ""


class VtexSimulator:
    """A VTEX account on localhost. See the package docstring for the whole surface."""

    def __init__(
        self,
        account: str = "acme",
        *,
        app_key: str | None = None,
        app_token: str = DEFAULT_APP_TOKEN,
        latency: float = 0.0,
        seed: int = 1,
        simulation_item_latency: float = 0.0,
        notification_style: str = "broadcaster",
        processing_delay: float = 0.0,
        state_file: Path | None = None,
    ) -> None:
        """`state_file`: where the account's catalog, orders, affiliates and Mapper
        registrations are kept across restarts (the sandbox's
        `DATA_DIR/sandbox/vtex.pickle`): read at `start` (`restored` says whether there
        was one), written atomically after every change (`simulators.persistence`).
        None (tests, the benchmark): in memory only."""
        if notification_style not in STYLES:
            raise ValueError(f"notification_style must be one of {STYLES}")
        self.account = account
        self.app_key = app_key or f"vtexappkey-{account}-TEST"
        self._app_token = app_token
        self.app_cookie = (
            "eyJhbGciOiJFUzI1NiJ9."
            + hashlib.sha256(f"{account}:{seed}:{app_token}".encode()).hexdigest()
        )
        self.valid_cookies: set[str] = {self.app_cookie}
        self.notification_style = notification_style
        self.processing_delay = processing_delay
        self.catalog = SimCatalog(account, seed=seed)
        self.faults = FaultInjector(
            latency=latency, seed=seed, simulation_item_latency=simulation_item_latency
        )
        self.shipping = ShippingRules()
        self.orders = OrderBook()
        self.mapper = mapper.MapperState()
        self.affiliates: dict[str, Affiliate] = {}
        self.requests: list[RecordedRequest] = []
        self.price_divergence_rule: DivergenceRule = None
        self.template_connector_endpoint: str | None = None
        """Where results go when an order omits connectorEndpoint (template-app auth)."""
        self.callback_order_id: CallbackOrderId = "marketplace"
        """Which id OMS puts in ``…/pvt/orders/{id}/invoice|cancel`` callbacks: the
        marketplace order id (MkpProto, the default) or VTEX's order id ("vtex")."""
        self._outbox = Outbox()
        self.events = OrderEvents(account, self.app_key, self._outbox)
        self.desk = OrderDesk(
            account=account,
            catalog=self.catalog,
            shipping=self.shipping,
            orders=self.orders,
            outbox=self._outbox,
            events=self.events,
            affiliate_for=self.affiliate_for,
            divergence_rule=lambda: self.price_divergence_rule,
            processing_delay=lambda: self.processing_delay,
            callback_order_id=lambda: self.callback_order_id,
        )
        self._runner: web.AppRunner | None = None
        self.url = ""
        self._state_file = StateFile(state_file) if state_file is not None else None
        self._saver: asyncio.Task[None] | None = None
        self.restored = False

    def __repr__(self) -> str:
        return (
            f"VtexSimulator(account={self.account!r}, app_key={self.app_key!r}, "
            f"app_token={mask(self._app_token)!r}, url={self.url!r})"
        )

    # ----- lifecycle ----------------------------------------------------------------
    def make_app(self) -> web.Application:
        app = web.Application(
            middlewares=[self._record, self._save_changes, self._inject_faults, self._authenticate]
        )
        app[SIM] = self
        routes_catalog.add_routes(app)
        routes_orders.add_routes(app)
        mapper.add_routes(app)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._restore()
        if self._state_file is not None:
            self._saver = asyncio.create_task(self._save_periodically())
        self._runner = web.AppRunner(self.make_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = self._runner.addresses[0]
        self.url = f"http://{host}:{bound[1]}"
        return self.url

    async def stop(self) -> None:
        await self._outbox.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._saver is not None:
            self._saver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._saver
            self._saver = None
        self.persist()

    # ----- persistence (see `state_file`) ----------------------------------------------
    def persist(self) -> None:
        """Write the account's state now when it has a file (no-op in memory)."""
        if self._state_file is not None:
            self._state_file.save(
                {
                    "catalog": self.catalog.__dict__,
                    "orders": self.orders.__dict__,
                    "mapper": self.mapper.registrations,
                    "affiliates": self.affiliates,
                }
            )

    def _restore(self) -> None:
        """Read the state file once. The catalog and the order book are updated in place:
        the order desk holds references to them."""
        if self._state_file is None:
            return
        saved = self._state_file.load()
        if not saved:
            return
        self.catalog.__dict__.update(saved["catalog"])
        self.orders.__dict__.update(saved["orders"])
        self.mapper.registrations.update(saved["mapper"])
        self.affiliates.update(saved["affiliates"])
        self.restored = True

    async def _save_periodically(self) -> None:
        while True:
            await asyncio.sleep(SAVE_EVERY)
            self.persist()

    async def __aenter__(self) -> VtexSimulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ----- middlewares ----------------------------------------------------------------
    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            self.requests.append(
                RecordedRequest(
                    request.method, request.path, dict(request.query), status, time.monotonic()
                )
            )

    @web.middleware
    async def _save_changes(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """A request that may change something is saved before its answer leaves."""
        response = await handler(request)
        if request.method != "GET":
            self.persist()
        return response

    @web.middleware
    async def _inject_faults(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.faults.latency > 0:
            await asyncio.sleep(self.faults.latency)
        fault = self.faults.pick(request.path)
        if fault is None:
            return await handler(request)
        if fault.status == 429:
            return web.json_response(
                {"error": {"code": "429", "message": "Too Many Requests", "exception": None}},
                status=429,
                headers={"Retry-After": f"{fault.retry_after or 1:g}"},
            )
        return web.Response(status=fault.status, text="Injected failure")

    @web.middleware
    async def _authenticate(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(PUBLIC_PREFIXES):
            return await handler(request)  # VTEX's /pub/ APIs need no credentials
        key = request.headers.get("X-VTEX-API-AppKey")
        token = request.headers.get("X-VTEX-API-AppToken")
        cookie = request.headers.get("VtexIdclientAutCookie") or request.cookies.get(
            "VtexIdclientAutCookie"
        )
        if key is None and token is None and cookie is None:
            return web.json_response({"message": "Unauthorized"}, status=401)
        if cookie is not None and any(hmac.compare_digest(cookie, c) for c in self.valid_cookies):
            return await handler(request)
        if (
            key is not None
            and token is not None
            and hmac.compare_digest(key, self.app_key)
            and hmac.compare_digest(token, self._app_token)
        ):
            return await handler(request)
        return web.json_response({"message": "Forbidden: invalid credentials"}, status=403)

    # ----- helpers for tests, bench and sandbox ---------------------------------------
    def auth_headers(self) -> dict[str, str]:
        return {"X-VTEX-API-AppKey": self.app_key, "X-VTEX-API-AppToken": self._app_token}

    @property
    def deliveries(self) -> list[Delivery]:
        return self._outbox.deliveries

    def requests_to(self, path_prefix: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.startswith(path_prefix)]

    def register_affiliate(
        self,
        affiliate_id: str,
        *,
        sales_channel: str | None = None,
        search_uri_endpoint: str | None = None,
        name: str | None = None,
        follow_up_email: str | None = None,
    ) -> Affiliate:
        affiliate = Affiliate(
            id=affiliate_id,
            sales_channel=sales_channel or self.catalog.trade_policy,
            name=name or affiliate_id,
            follow_up_email=follow_up_email,
            search_uri_endpoint=search_uri_endpoint,
        )
        self.affiliates[affiliate_id] = affiliate
        return affiliate

    def affiliate_for(self, affiliate_id: str | None) -> Affiliate:
        """The named affiliate, else the only/first registered one, else a default one."""
        if affiliate_id and affiliate_id in self.affiliates:
            return self.affiliates[affiliate_id]
        if not affiliate_id and self.affiliates:
            return next(iter(self.affiliates.values()))
        return self.register_affiliate(affiliate_id or DEFAULT_AFFILIATE)

    async def change_sku(
        self, sku_id: int, *, sales_channel: str | None = None, **edits: Unpack[SkuEdits]
    ) -> list[Delivery]:
        """Edit the catalog like the seller would, then notify every affiliate concerned.

        Edits (all optional): price, list_price (cents), remove_price, stock, name,
        description, active, product_active, sales_channels. Prices and stock change in
        ``sales_channel`` (default: the catalog's marketplace policy); ``sales_channels``
        replaces the product's trade policies (VTEX keeps them per product). With no edit the
        SKU is "touched" (HasStockKeepingUnitModified). A product-level edit (description,
        product_active, sales_channels) notifies every SKU of the product, as VTEX does;
        the returned list then holds the edited SKU's deliveries first.
        """
        edits = {  # type: ignore[assignment]
            k: v for k, v in edits.items() if v is not None and (k != "remove_price" or v)
        }
        change = apply_change(
            self.catalog, sku_id, sales_channel=sales_channel or self.catalog.trade_policy, **edits
        )
        sent = []
        for each in [change, *change.siblings(self.catalog)]:
            for affiliate in list(self.affiliates.values()):
                if not affiliate.search_uri_endpoint:
                    continue
                payload = notification(
                    self.catalog,
                    each,
                    affiliate.id,
                    affiliate.sales_channel,
                    self.notification_style,
                )
                if payload is not None:
                    sent.append(
                        await self._outbox.send("catalog", affiliate.search_uri_endpoint, payload)
                    )
        self.persist()
        return sent

    def order(self, order_id: str) -> SimOrder:
        found = self.orders.get(order_id)
        if found is None:
            raise KeyError(order_id)
        return found

    async def invoice_order(
        self,
        order_id: str,
        *,
        invoice_number: str | None = None,
        value: int | None = None,
        type: str = "Output",
        tracking_number: str | None = None,
        courier: str | None = None,
        tracking_url: str | None = None,
        invoice_url: str | None = None,
    ) -> dict[str, Any]:
        """Invoice as the seller's ERP would; waits for the invoice callback to finish."""
        order = self.order(order_id)
        number = invoice_number or f"F-{len(order.invoices) + 1:06d}"
        body = {
            "type": type,
            "invoiceNumber": number,
            "invoiceValue": value if value is not None else order.value,
            "issuanceDate": now_iso(),
            "items": [
                {"id": i["id"], "quantity": i["quantity"], "price": i["price"]} for i in order.items
            ],
            "invoiceKey": None,
            "invoiceUrl": invoice_url,
            "courier": courier,
            "trackingNumber": tracking_number,
            "trackingUrl": tracking_url,
        }
        try:
            return await self.desk.add_invoice(order_id, body, wait=True)
        finally:
            self.persist()

    async def cancel_order(
        self, order_id: str, reason: str = "Cancelado por el vendedor"
    ) -> dict[str, Any]:
        """Cancel from the VTEX admin; waits for the connector's answer to the callback."""
        try:
            return await self.desk.cancel(order_id, reason=reason, wait=True)
        finally:
            self.persist()

    def start_handling(self, order_id: str) -> None:
        self.desk.start_handling(order_id)
        self.persist()

    async def authorize_divergence(self, order_id: str, approve: bool = True) -> SimOrder:
        try:
            return await self.desk.authorize_divergence(order_id, approve)
        finally:
            self.persist()

    async def wait_for(self, kind: str, *, count: int = 1, timeout: float = 5.0) -> list[Delivery]:
        return await self._outbox.wait_for(kind, count=count, timeout=timeout)

    async def drain(self) -> None:
        await self._outbox.drain()
