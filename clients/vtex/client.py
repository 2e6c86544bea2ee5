"""The VTEX client: every call the connector makes to a seller's VTEX account.

One object per store. Request building and response parsing stay out of the transport
(`clients.vtex.models`), so what VTEX sends can be tested as plain JSON too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

from clients.errors import InvalidRequest, PermanentError
from clients.outbound import OutboundPolicy
from clients.vtex.inbound import PayloadError, ProcessingResult, parse_processing_result
from clients.vtex.models import (
    Product,
    Receipt,
    Simulation,
    SkuContext,
    VtexOrder,
    parse_order,
    parse_product,
    parse_receipt,
    parse_simulation,
    parse_sku_context,
)
from clients.vtex.transport import RetryPolicy, VtexCredentials, VtexTransport

SIMULATION_CHUNK = 50  # items per simulation call: large enough to batch, small enough to time


@dataclass(frozen=True)
class SimulationItem:
    sku_id: str
    quantity: int = 1
    seller: str = "1"


class VtexClient:
    """`base_url` replaces the account's production host (simulator, sandbox); `timeout` is
    per attempt; `retries` more attempts follow a 5xx, a network error or a 429, after
    `backoff` seconds (doubled each time) or, for a 429, after Retry-After or
    `throttle_backoff` (VTEX asks for a minute; tests use milliseconds)."""

    def __init__(
        self,
        credentials: VtexCredentials,
        *,
        session: aiohttp.ClientSession,
        policy: OutboundPolicy,
        base_url: str | None = None,
        timeout: float = 15.0,
        retries: int = 2,
        backoff: float = 0.5,
        throttle_backoff: float = 60.0,
    ) -> None:
        self.account = credentials.account
        self._http = VtexTransport(
            credentials,
            session=session,
            policy=policy,
            base_url=base_url,
            timeout=timeout,
            retry=RetryPolicy(retries, backoff, throttle_backoff),
        )

    # --- catalog ---------------------------------------------------------------------

    async def sku_ids(
        self, sales_channel: str, *, page_size: int = 1000, only_assigned: bool = True
    ) -> AsyncIterator[str]:
        """Every SKU id of the trade policy, page by page (initial load, reconciliation).

        Pages until VTEX answers an empty page (HC-catalog: "until the request response is
        an empty array"), not until a short page: a server-side cap below `page_size` must
        not truncate the load. A page repeating the previous one also ends it (a server
        ignoring `page` would otherwise loop forever)."""
        page = 1
        previous: list[Any] | None = None
        while True:
            _, ids = await self._http.request(
                "GET",
                "/api/catalog_system/pvt/sku/stockkeepingunitidsbysaleschannel",
                params={
                    "sc": sales_channel,
                    "page": page,
                    "pageSize": page_size,
                    "onlyAssigned": "true" if only_assigned else "false",
                },
            )
            ids = list(ids or [])
            if not ids or ids == previous:
                return
            for sku_id in ids:
                yield str(sku_id)
            previous = ids
            page += 1

    async def sku_context(self, sku_id: str, sales_channel: str) -> SkuContext:
        _, data = await self._http.request(
            "GET",
            f"/api/catalog_system/pvt/sku/stockkeepingunitbyid/{sku_id}",
            params={"sc": sales_channel},
        )
        return parse_sku_context(data)

    async def product_skus(self, product_id: str) -> dict[str, str | None]:
        """SKU id → RefId of every SKU of the product (`stockkeepingUnitByProductId`); the
        catalog core derives ParentSku and Variation from it."""
        _, data = await self._http.request(
            "GET", f"/api/catalog_system/pvt/sku/stockkeepingUnitByProductId/{product_id}"
        )
        return {
            str(item["Id"]): (item.get("RefId") or None)
            for item in data or []
            if isinstance(item, dict) and item.get("Id") is not None
        }

    async def required_specifications(self, category_id: str) -> tuple[str, ...]:
        """Names of the product specifications the category requires (`IsRequired`), from
        `specification/field/listByCategoryId`."""
        _, data = await self._http.request(
            "GET", f"/api/catalog_system/pub/specification/field/listByCategoryId/{category_id}"
        )
        return tuple(
            str(f["Name"])
            for f in data or []
            if isinstance(f, dict) and f.get("IsRequired") and f.get("IsActive", True)
        )

    # --- VTEX Mapper (spec §2.10; OpenAPI "External Marketplace Mapper") ---------------

    async def mapper_register(
        self,
        *,
        display_name: str,
        category_tree_endpoint: str,
        mapping_endpoint: str,
        allows_remap: bool = False,
        notification_endpoint: str | None = None,
    ) -> dict[str, Any]:
        """Register the connector in the Mapper; returns VTEX's answer (its `id` is needed to
        send the tree, `endpoint` is the seller's mapping page)."""
        body: dict[str, Any] = {
            "displayName": display_name,
            "categoryTreeEndPoint": category_tree_endpoint,
            "mappingEndPoint": mapping_endpoint,
            "properties": {"allowsRemap": allows_remap},
        }
        if notification_endpoint:
            body["CategoryTreeProcessingNotificationEndpoint"] = notification_endpoint
        _, data = await self._http.request(
            "POST",
            "/api/mkp-category-mapper/connector/register",
            params={"an": self.account},
            json_body=body,
            expect=(200, 201),
        )
        return data if isinstance(data, dict) else {"id": str(data or "")}

    async def mapper_send_tree(self, mapper_id: str, tree: dict[str, Any]) -> None:
        """Send the marketplace's full category tree, gzip-compressed (success: 204)."""
        await self._http.request(
            "POST",
            f"/api/mkp-category-mapper/categories/marketplace/{mapper_id}",
            json_body=tree,
            expect=(200, 201, 204),
            gzip_body=True,
        )

    async def product(self, product_id: str) -> Product:
        _, data = await self._http.request("GET", f"/api/catalog/pvt/product/{product_id}")
        return parse_product(data)

    async def product_with_trade_policies(self, product_id: str) -> Product:
        _, data = await self._http.request(
            "GET",
            f"/api/catalog_system/pvt/products/productget/{product_id}",
            params={"an": self.account},
        )
        return parse_product(data)

    async def simulate(
        self,
        items: Sequence[SimulationItem],
        *,
        sales_channel: str,
        affiliate_id: str,
        postal_code: str | None = None,
        country: str | None = None,
    ) -> Simulation:
        """Fulfillment simulation (SellerFF). Pass the store's destination (`postal_code`,
        `country` as ISO 3166-1 alpha-3): without one VTEX answers no SLA and documents the
        stock balance as 0, so `Simulation.available` is False for every SKU."""
        result = Simulation({})
        for start in range(0, len(items), SIMULATION_CHUNK):
            chunk = items[start : start + SIMULATION_CHUNK]
            body = {
                "items": [
                    {"id": i.sku_id, "quantity": i.quantity, "seller": i.seller} for i in chunk
                ],
                "postalCode": postal_code,
                "country": country,
            }
            _, data = await self._http.request(
                "POST",
                "/api/fulfillment/pvt/orderForms/simulation",
                params={"sc": sales_channel, "affiliateId": affiliate_id},
                json_body=body,
            )
            result = result.merged(parse_simulation(data or {}))
        return result

    # --- orders: Channel Order API (current method) -----------------------------------------

    async def create_order(self, order: dict[str, Any], *, affiliate_id: str) -> ProcessingResult:
        """ExtMkp New Order Integration; `affiliateId` is a required query parameter (it picks
        the trade policy). The synchronous answer is usually SOI003 (enqueued); the final
        result arrives at the processing-result route. A refusal with the result contract is
        a result, not an exception: its code tells the flow what to do. Retrying after a 5xx
        or a timeout is safe: VTEX answers a second copy of a marketplaceOrderId with EOI007
        (duplicate) — WITHOUT `fields.mainOrderId` (only successes carry `fields`), so the
        caller keeps the VTEX order id from the first SOI001 or reads it from VTEX.

        Raises ValueError when `affiliate_id` is empty or `connectorEndpoint` carries a query
        string (ExtMkp: "This field does not accept query strings")."""
        if not affiliate_id:
            raise InvalidRequest("affiliate_id is required by New Order Integration")
        _check_connector_endpoint(order.get("connectorEndpoint"))
        params = {"an": self.account, "affiliateId": affiliate_id}
        _, data = await self._http.request(
            "POST",
            "/api/order-integration/orders",
            params=params,
            json_body=order,
            accept=_result_contract,
        )
        return self._result(data, "PlaceOrder", order.get("marketplaceOrderId"))

    async def update_order_status(
        self,
        marketplace_order_id: str,
        status: str,
        *,
        connector_name: str | None = None,
        connector_endpoint: str | None = None,
    ) -> ProcessingResult:
        """ExtMkp Update Order Status: `status` is `new` or `approved` (lower case); VTEX
        refuses anything else with EOI005, returned as a result."""
        _check_connector_endpoint(connector_endpoint)
        body = {
            "marketplaceOrderId": marketplace_order_id,
            "marketplaceOrderStatus": status,
            "connectorName": connector_name,
            "connectorEndpoint": connector_endpoint,
        }
        _, data = await self._http.request(
            "PUT",
            "/api/order-integration/orders/status",
            params={"an": self.account},
            json_body=body,
            accept=_result_contract,
        )
        return self._result(data, "ApproveOrder", marketplace_order_id)

    @staticmethod
    def _result(data: Any, flow: str, marketplace_order_id: str | None) -> ProcessingResult:
        """The synchronous answer may leave marketplaceOrderId null: it is the one we sent.
        Unlisted flows (`Unknown`) and codes are results too (`ProcessingResult.known` is
        False); only a body that is not the result contract raises PermanentError."""
        if isinstance(data, dict):
            data = {
                "flow": flow,
                "marketplaceOrderId": marketplace_order_id,
                **{k: v for k, v in data.items() if v is not None},
            }
        try:
            return parse_processing_result(data)
        except PayloadError as exc:
            raise PermanentError(
                f"VTEX answered the {flow} call with an unexpected body: {exc}"
            ) from None

    # --- orders: fulfillment orders (deprecated method, for stores that still use it) -------

    async def place_fulfillment_orders(
        self, orders: list[dict[str, Any]], *, sales_channel: str, affiliate_id: str
    ) -> list[dict[str, Any]]:
        _, data = await self._http.request(
            "POST",
            "/api/fulfillment/pvt/orders",
            params={"sc": sales_channel, "affiliateId": affiliate_id},
            json_body=orders,
        )
        return list(data or [])

    async def fulfill_order(
        self, order_id: str, marketplace_order_id: str, *, sales_channel: str, affiliate_id: str
    ) -> Any:
        _, data = await self._http.request(
            "POST",
            f"/api/fulfillment/pvt/orders/{order_id}/fulfill",
            params={"sc": sales_channel, "affiliateId": affiliate_id},
            json_body=[{"marketplaceOrderId": marketplace_order_id}],
            expect=(200, 201),  # ExtMkp documents 201
        )
        return data

    # --- OMS -------------------------------------------------------------------------------

    async def get_order(self, order_id: str) -> VtexOrder:
        _, data = await self._http.request("GET", f"/api/oms/pvt/orders/{order_id}")
        return parse_order(data)

    async def find_order(
        self, marketplace_order_id: str, *, affiliate_id: str | None = None
    ) -> VtexOrder | None:
        """The VTEX order carrying `marketplace_order_id`, read from List orders (`q=`), then
        confirmed with Get order. VTEX indexes new orders for List orders within minutes:
        None means "not found yet", never "does not exist" (spec: fidelity #2, EOI007)."""
        params = {"q": marketplace_order_id, "per_page": 15}
        if affiliate_id:
            params["f_affiliateId"] = affiliate_id
        _, data = await self._http.request("GET", "/api/oms/pvt/orders", params=params)
        rows = data.get("list") if isinstance(data, dict) else None
        for row in rows or []:
            found = row.get("marketPlaceOrderId") or row.get("marketplaceOrderId")
            if str(found) == str(marketplace_order_id) and row.get("orderId"):
                order = await self.get_order(str(row["orderId"]))
                if str(order.marketplace_order_id) == str(marketplace_order_id):
                    return order
        return None

    async def cancel_order(self, order_id: str, reason: str | None = None) -> Receipt:
        _, data = await self._http.request(
            "POST",
            f"/api/oms/pvt/orders/{order_id}/cancel",
            json_body={"reason": reason} if reason else None,
        )
        return parse_receipt(data)

    async def invoice(self, order_id: str, invoice: dict[str, Any]) -> Receipt:
        """Output (sale) or Input (return) invoice; a return is needed before cancelling an
        invoiced order."""
        if invoice.get("type", "Output") not in ("Output", "Input"):
            raise InvalidRequest("invoice type must be Output or Input")
        _, data = await self._http.request(
            "POST", f"/api/oms/pvt/orders/{order_id}/invoice", json_body=invoice
        )
        return parse_receipt(data)

    async def update_tracking(
        self,
        order_id: str,
        invoice_number: str,
        *,
        tracking_number: str,
        courier: str,
        tracking_url: str = "",
        dispatched_date: str | None = None,
    ) -> Receipt:
        """Orders API requires all four fields; `dispatched_date` (ISO 8601) defaults to now
        (UTC) and `tracking_url` to "" when the carrier has none."""
        if dispatched_date is None:
            dispatched_date = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        _, data = await self._http.request(
            "PATCH",
            f"/api/oms/pvt/orders/{order_id}/invoice/{invoice_number}",
            json_body={
                "trackingNumber": tracking_number,
                "trackingUrl": tracking_url,
                "courier": courier,
                "dispatchedDate": dispatched_date,
            },
        )
        return parse_receipt(data)

    async def tracking_events(
        self,
        order_id: str,
        invoice_number: str,
        *,
        is_delivered: bool,
        delivered_date: str | None = None,
        events: list[dict[str, Any]] | None = None,
    ) -> Receipt:
        _, data = await self._http.request(
            "PUT",
            f"/api/oms/pvt/orders/{order_id}/invoice/{invoice_number}/tracking",
            json_body={
                "isDelivered": is_delivered,
                "deliveredDate": delivered_date,
                "events": events or [],
            },
        )
        return parse_receipt(data)

    async def start_handling(self, order_id: str) -> None:
        await self._http.request(
            "POST", f"/api/oms/pvt/orders/{order_id}/start-handling", expect=(204,)
        )

    # --- order feed and hook ----------------------------------------------------------------

    async def feed_config(self) -> Any:
        return (await self._http.request("GET", "/api/orders/feed/config"))[1]

    async def set_feed_config(self, config: dict[str, Any]) -> None:
        await self._http.request(
            "POST", "/api/orders/feed/config", json_body=config, expect=(200, 204)
        )

    async def hook_config(self) -> Any:
        return (await self._http.request("GET", "/api/orders/hook/config"))[1]

    async def set_hook_config(self, config: dict[str, Any]) -> None:
        await self._http.request(
            "POST", "/api/orders/hook/config", json_body=config, expect=(200, 204)
        )

    async def read_feed(self, max_lot: int = 10) -> list[dict[str, Any]]:
        _, data = await self._http.request(
            "GET", "/api/orders/feed", params={"maxlot": min(max_lot, 10)}
        )
        return list(data or [])

    async def commit_feed(self, handles: Sequence[str]) -> None:
        await self._http.request(
            "POST", "/api/orders/feed", json_body={"handles": list(handles)}, expect=(200, 204)
        )

    # --- affiliates ---------------------------------------------------------------------------

    async def get_affiliate(self, affiliate_id: str) -> dict[str, Any] | None:
        status, data = await self._http.request(
            "GET",
            f"/api/fulfillment/pvt/affiliates/{affiliate_id}",
            params={"an": self.account},
            accept=lambda status, _: status == 404,
        )
        return None if status == 404 else data

    async def upsert_affiliate(
        self,
        affiliate_id: str,
        *,
        name: str,
        sales_channel: str,
        search_endpoint: str,
        follow_up_email: str,
    ) -> dict[str, Any]:
        """Registers the connector's notification URL, as VTEX's template app does."""
        body = {
            "id": affiliate_id,
            "name": name,
            "followUpEmail": follow_up_email,
            "salesChannel": sales_channel,
            "searchURIEndpoint": search_endpoint,
            "SearchURIEndpointVersion": "1.x.x",
            "SearchURIEndpointAvailableVersions": ["1.x.x"],
        }
        _, data = await self._http.request(
            "PUT",
            f"/api/fulfillment/pvt/affiliates/{affiliate_id}",
            params={"an": self.account},
            json_body=body,
            expect=(200, 201, 204),
        )
        return data or body


def _check_connector_endpoint(endpoint: Any) -> None:
    if isinstance(endpoint, str) and "?" in endpoint:
        raise InvalidRequest(
            "connectorEndpoint must not carry a query string (ExtMkp); put the store's "
            "token in the path"
        )


def _result_contract(status: int, body: Any) -> bool:
    """A 400 from the Channel Order API carries the result contract (`success` and a `code`
    the flow acts on, whatever the code); any other 400 (a gateway's validation error,
    `{"error": …}`) stays a PermanentError."""
    return status == 400 and isinstance(body, dict) and "success" in body and bool(body.get("code"))
