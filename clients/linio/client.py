"""The Seller Center client for one seller account.

It owns the protocol: signed query, mandatory User-Agent, the per-seller rate limit (30
requests in any rolling 3 s), the feed quota (50 free feed calls, then one per 2 minutes),
circuit breakers per call family, timeouts, and retries only where they are safe. A feed
POST is never retried blindly: after a transient failure the client reads FeedList to see
whether Seller Center created the feed anyway, because a second feed burns quota and can
publish twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import structlog

from app.manifest import OutboundPolicy
from app.secrets_box import MASK, mask_text
from clients.breaker import BreakerRegistry
from clients.errors import CircuitOpenError, ClientError, ThrottledError, TransientError
from clients.feed_quota import FeedQuota
from clients.linio import requests as build
from clients.linio import responses as parse
from clients.linio.models import (
    Attribute,
    Brand,
    Category,
    Document,
    FailureReason,
    Feed,
    Order,
    OrderItem,
    PackedItem,
    Product,
    QcState,
    ShipmentProvider,
    Webhook,
    WebhookEvent,
)
from clients.linio.signing import rfc3986, signature, string_to_sign, user_agent
from clients.rate_limit import SlidingWindowLimiter

log = structlog.get_logger(__name__)

COUNTRY_TLDS = {"MX": "com.mx", "CL": "cl", "CO": "com.co", "PE": "com.pe"}
FEED_ACTIONS = ("ProductCreate", "ProductUpdate", "ProductRemove", "Image")


def host_for(country: str, environment: str = "production") -> str:
    tld = COUNTRY_TLDS.get(country.upper())
    if tld is None:
        raise ValueError(f"Linio sells in {', '.join(COUNTRY_TLDS)}; got {country!r}")
    prefix = "sellercenter-api-staging" if environment == "staging" else "sellercenter-api"
    return f"https://{prefix}.linio.{tld}/"


@dataclass(frozen=True)
class LinioAccount:
    user_id: str  # the seller's Seller Center login e-mail
    api_key: str = field(repr=False)
    seller_id: str
    country: str = "MX"
    environment: str = "production"

    def __repr__(self) -> str:
        return (
            f"LinioAccount(user_id={self.user_id!r}, api_key={MASK!r}, "
            f"seller_id={self.seller_id!r}, country={self.country!r}, "
            f"environment={self.environment!r})"
        )


class LinioClient:
    def __init__(
        self,
        account: LinioAccount,
        *,
        session: aiohttp.ClientSession,
        policy: OutboundPolicy,
        base_url: str | None = None,
        limiter: SlidingWindowLimiter | None = None,
        quota: FeedQuota | None = None,
        breakers: BreakerRegistry | None = None,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
    ) -> None:
        self.account = account
        self.base_url = base_url or host_for(account.country, account.environment)
        policy.check(self.base_url)
        self._policy = policy
        self._session = session
        self.limiter = limiter or SlidingWindowLimiter(30, 3.0)
        self.quota = quota or FeedQuota(50, 120.0)
        self.breakers = breakers or BreakerRegistry()
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._retries = retries
        self._backoff = backoff
        self._user_agent = user_agent(account.seller_id, country=account.country)
        self._own_feeds: set[str] = set()  # feeds this client created: never "found" again

    # --- transport ---------------------------------------------------------------------

    def signed_query(self, action: str, params: Mapping[str, Any] | None = None) -> str:
        """The exact query string that is signed and sent (None values are not sent)."""
        query = {
            "Action": action,
            "Format": "XML",
            "Version": "1.0",
            "UserID": self.account.user_id,
            "Timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            **{k: str(v) for k, v in (params or {}).items() if v is not None},
        }
        return (
            f"{string_to_sign(query)}&Signature={rfc3986(signature(query, self.account.api_key))}"
        )

    async def _send(
        self, method: str, action: str, params: Mapping[str, Any] | None, body: str | None
    ) -> parse.Envelope:
        url = f"{self.base_url}?{self.signed_query(action, params)}"
        self._policy.check(url)
        headers = {"User-Agent": self._user_agent}
        if body is not None:
            headers["Content-Type"] = "text/xml; charset=UTF-8"
        try:
            async with (
                self.limiter.slot(),
                self._session.request(
                    method,
                    url,
                    data=body.encode("utf-8") if body is not None else None,
                    headers=headers,
                    timeout=self._timeout,
                ) as response,
            ):
                raw = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TransientError(
                f"Seller Center {action} did not answer ({type(exc).__name__}); retry later."
            ) from None
        try:
            return parse.parse_envelope(raw, status=status, action=action)
        except ClientError as error:
            error.message = mask_text(error.message, [self.account.api_key])
            raise

    def _family(self, action: str) -> str:
        if action in FEED_ACTIONS or action.startswith("Feed"):
            return "feeds"
        return (
            "orders"
            if "Order" in action
            or "Status" in action
            or action in ("GetDocument", "SetInvoiceNumber", "GetFailureReasons")
            else "catalog"
        )

    async def call(
        self,
        action: str,
        params: Mapping[str, Any] | None = None,
        *,
        body: str | None = None,
        method: str = "GET",
    ) -> parse.Envelope:
        """One action through breaker and limiter; GETs retried on transient errors."""
        breaker = self.breakers.get(f"linio:{self.account.user_id}:{self._family(action)}")
        attempt = 0
        while True:
            attempt += 1
            try:
                return await breaker.call(self._send, method, action, params, body)
            except CircuitOpenError:
                raise
            except ThrottledError as exc:
                if method != "GET" or attempt >= self._retries:
                    raise
                await asyncio.sleep(exc.retry_after or self.limiter.period)
            except TransientError:
                if method != "GET" or attempt >= self._retries:
                    raise
                await asyncio.sleep(self._backoff * 2 ** (attempt - 1) * random.uniform(0.8, 1.2))

    async def _feed(self, action: str, body: str, records: int) -> str:
        """Create a feed (quota permitting) and return its id, never creating it twice."""
        if not self.quota.try_acquire():
            wait = self.quota.next_slot_in()
            raise ThrottledError(
                f"Seller Center feed quota used up; next {action} allowed in {wait:.0f} s.",
                code="E429",
                retry_after=wait,
            )
        started = dt.datetime.now(dt.UTC)
        try:
            envelope = await self.call(action, body=body, method="POST")
        except ThrottledError as exc:
            self.quota.penalize(exc.retry_after)
            raise
        except TransientError:
            existing = await self._find_created_feed(action, records, started)
            if existing is None:
                raise
            log.info("linio_feed_found_after_failure", action=action, feed=existing)
            self._own_feeds.add(existing)
            return existing
        if not envelope.request_id:
            raise TransientError(f"Seller Center accepted {action} without a feed id.")
        self._own_feeds.add(envelope.request_id)
        return envelope.request_id

    async def _find_created_feed(
        self, action: str, records: int, started: dt.datetime
    ) -> str | None:
        try:
            feeds = await self.feed_list()
        except ClientError:
            return None
        # Seller Center dates have second resolution and no zone: allow a little skew.
        earliest = started - dt.timedelta(seconds=5)
        for feed in feeds:
            created = feed.created_at
            if created is not None and created.tzinfo is None:
                created = created.replace(tzinfo=dt.UTC)
            if (
                feed.valid
                and feed.feed_id not in self._own_feeds
                and feed.action == action
                and feed.total_records == records
                and created is not None
                and created >= earliest
            ):
                return feed.feed_id
        return None

    def health(self) -> dict[str, Any]:
        """What the dashboard shows about this seller's connection."""
        return {
            "in_window": self.limiter.in_window,
            "feed_quota": self.quota.snapshot(),
            "breakers": self.breakers.snapshot(),
        }

    # --- products and feeds ------------------------------------------------------------------

    async def get_products(
        self,
        *,
        limit: int = 1000,
        offset: int = 0,
        search: str | None = None,
        filter: str | None = None,
        skus: Sequence[str] | None = None,
        updated_after: dt.datetime | None = None,
    ) -> list[Product]:
        params = {
            "Limit": limit,
            "Offset": offset,
            "Search": search,
            "Filter": filter,
            "SkuSellerList": build.json_list(skus) if skus else None,
            "UpdatedAfter": updated_after.isoformat(timespec="seconds") if updated_after else None,
        }
        return parse.parse_products(await self.call("GetProducts", params))

    async def product_create(self, products: Sequence[Mapping[str, Any]]) -> str:
        return await self._feed("ProductCreate", build.products_xml(products), len(products))

    async def product_update(self, products: Sequence[Mapping[str, Any]]) -> str:
        return await self._feed("ProductUpdate", build.products_xml(products), len(products))

    async def product_remove(self, seller_skus: Sequence[str]) -> str:
        return await self._feed("ProductRemove", build.remove_xml(seller_skus), len(seller_skus))

    async def image(self, images: Mapping[str, Sequence[str]]) -> str:
        return await self._feed("Image", build.images_xml(images), len(images))

    async def feed_status(self, feed_id: str) -> Feed:
        return parse.parse_feed_status(await self.call("FeedStatus", {"FeedID": feed_id}))

    async def feed_list(self) -> list[Feed]:
        return parse.parse_feed_list(await self.call("FeedList"))

    async def feed_offset_list(
        self, *, offset: int = 0, page_size: int = 100, status: str | None = None
    ) -> list[Feed]:
        return parse.parse_feed_list(
            await self.call(
                "FeedOffsetList", {"Offset": offset, "PageSize": page_size, "Status": status}
            )
        )

    async def get_qc_status(
        self, *, skus: Sequence[str] | None = None, limit: int = 100, offset: int = 0
    ) -> list[QcState]:
        return parse.parse_qc_status(
            await self.call(
                "GetQcStatus",
                {
                    "Limit": limit,
                    "Offset": offset,
                    "SkuSellerList": build.json_list(skus) if skus else None,
                },
            )
        )

    # --- reference data ------------------------------------------------------------------------

    async def get_brands(self) -> list[Brand]:
        return parse.parse_brands(await self.call("GetBrands"))

    async def get_category_tree(self) -> list[Category]:
        return parse.parse_category_tree(await self.call("GetCategoryTree"))

    async def get_category_attributes(self, primary_category: str) -> list[Attribute]:
        return parse.parse_category_attributes(
            await self.call("GetCategoryAttributes", {"PrimaryCategory": primary_category})
        )

    async def get_shipment_providers(self) -> list[ShipmentProvider]:
        return parse.parse_shipment_providers(await self.call("GetShipmentProviders"))

    async def get_failure_reasons(self) -> list[FailureReason]:
        return parse.parse_failure_reasons(await self.call("GetFailureReasons"))

    # --- orders ---------------------------------------------------------------------------------

    async def get_orders(
        self,
        *,
        created_after: dt.datetime | None = None,
        updated_after: dt.datetime | None = None,
        status: str | None = None,
        limit: int = 100,
        offset: int = 0,
        sort_by: str = "updated_at",
        sort_direction: str = "ASC",
    ) -> tuple[list[Order], int | None]:
        def when(value: dt.datetime | None) -> str | None:
            return value.strftime("%Y-%m-%dT%H:%M:%S") if value else None

        envelope = await self.call(
            "GetOrders",
            {
                "CreatedAfter": when(created_after),
                "UpdatedAfter": when(updated_after),
                "Status": status,
                "Limit": limit,
                "Offset": offset,
                "SortBy": sort_by,
                "SortDirection": sort_direction,
            },
        )
        return parse.parse_orders(envelope), envelope.total_count

    async def iter_orders(self, *, page_size: int = 100, **filters: Any) -> AsyncIterator[Order]:
        """Every order matching the filters, page by page (the polling safety net)."""
        offset = 0
        while True:
            orders, total = await self.get_orders(limit=page_size, offset=offset, **filters)
            for order in orders:
                yield order
            offset += len(orders)
            if len(orders) < page_size or (total is not None and offset >= total):
                return

    async def get_order(self, order_id: str) -> Order | None:
        orders = parse.parse_orders(await self.call("GetOrder", {"OrderId": order_id}))
        return orders[0] if orders else None

    async def get_order_items(self, order_id: str) -> list[OrderItem]:
        return parse.parse_order_items(await self.call("GetOrderItems", {"OrderId": order_id}))

    async def get_multiple_order_items(self, order_ids: Sequence[str]) -> list[Order]:
        return parse.parse_multiple_order_items(
            await self.call(
                "GetMultipleOrderItems", {"OrderIdList": build.json_list(order_ids, numeric=True)}
            )
        )

    async def set_status_to_packed_by_marketplace(
        self, order_item_ids: Sequence[str], **shipping: str | None
    ) -> list[PackedItem]:
        """Packs the items into one package (PackageId); shipping: delivery_type,
        shipping_provider, tracking_number."""
        return await self._ship_step("SetStatusToPackedByMarketplace", order_item_ids, **shipping)

    async def set_status_to_ready_to_ship(
        self, order_item_ids: Sequence[str], **shipping: str | None
    ) -> list[PackedItem]:
        return await self._ship_step("SetStatusToReadyToShip", order_item_ids, **shipping)

    async def _ship_step(
        self,
        action: str,
        order_item_ids: Sequence[str],
        *,
        delivery_type: str | None = "dropship",
        shipping_provider: str | None = None,
        tracking_number: str | None = None,
    ) -> list[PackedItem]:
        params = {
            "OrderItemIds": build.json_list(order_item_ids, numeric=True),
            "DeliveryType": delivery_type or "dropship",
            "ShippingProvider": shipping_provider,
            "TrackingNumber": tracking_number,
        }
        return parse.parse_packed_items(await self.call(action, params, method="POST"))

    async def set_status_to_canceled(
        self, order_item_id: str, reason: str, reason_detail: str | None = None
    ) -> None:
        await self.call(
            "SetStatusToCanceled",
            {"OrderItemId": order_item_id, "Reason": reason, "ReasonDetail": reason_detail},
            method="POST",
        )

    async def set_invoice_number(
        self, order_item_id: str, invoice_number: str
    ) -> tuple[str | None, str | None]:
        return parse.parse_invoice_number(
            await self.call(
                "SetInvoiceNumber",
                {"OrderItemId": order_item_id, "InvoiceNumber": invoice_number},
                method="POST",
            )
        )

    async def get_document(
        self, document_type: str, order_item_ids: Sequence[str]
    ) -> list[Document]:
        return parse.parse_documents(
            await self.call(
                "GetDocument",
                {
                    "DocumentType": document_type,
                    "OrderItemIds": build.json_list(order_item_ids, numeric=True),
                },
            )
        )

    # --- webhooks -------------------------------------------------------------------------------

    async def get_webhook_entities(self) -> list[WebhookEvent]:
        return parse.parse_webhook_entities(await self.call("GetWebhookEntities"))

    async def create_webhook(self, callback_url: str, events: Sequence[str] | None = None) -> str:
        """Subscribes to the given aliases, or to every alias Seller Center offers."""
        aliases = (
            list(events) if events else sorted({e.alias for e in await self.get_webhook_entities()})
        )
        envelope = await self.call(
            "CreateWebhook", body=build.webhook_xml(callback_url, aliases), method="POST"
        )
        return parse.parse_created_webhook(envelope)[0]

    async def get_webhooks(self, webhook_ids: Sequence[str] | None = None) -> list[Webhook]:
        params = {"WebhookIds": build.json_list(webhook_ids)} if webhook_ids else None
        return parse.parse_webhooks(await self.call("GetWebhooks", params))

    async def delete_webhook(self, webhook_id: str) -> None:
        await self.call("DeleteWebhook", body=build.delete_webhook_xml(webhook_id), method="POST")
