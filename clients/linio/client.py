"""The Seller Center client for one seller account.

It owns the protocol: signed query, mandatory User-Agent, the per-seller rate limit (30
requests in any rolling 3 s), the feed quota (50 free feed calls, then one per 2 minutes),
circuit breakers per call family, timeouts, and retries only where they are safe. A feed
POST is never retried blindly: after a transient failure the client reads FeedList to see
whether Seller Center created the feed anyway, because a second feed burns quota and can
publish twice. Everything that can fail raises a `clients.errors` class; parsing lives in
`responses` (pure), bodies in `requests`, so this module is only transport and policy.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import aiohttp
import structlog

from clients.breaker import BreakerRegistry
from clients.errors import (
    CircuitOpenError,
    ClientError,
    FeedOutcomeUnknown,
    ItemError,
    ThrottledError,
    TransientError,
)
from clients.feed_quota import FeedQuota
from clients.linio import bodies as build
from clients.linio import responses as parse
from clients.linio.account import API_VERSION, LinioAccount
from clients.linio.dates import localized, naive_filter, offset_filter
from clients.linio.models import (
    Attribute,
    Brand,
    Category,
    Document,
    FailureReason,
    Feed,
    InvoiceNumber,
    Order,
    OrderItem,
    OrdersPage,
    PackedItem,
    Product,
    QcState,
    ShipmentProvider,
    Webhook,
    WebhookEvent,
)
from clients.linio.signing import rfc3986, signature, string_to_sign
from clients.outbound import OutboundPolicy
from clients.rate_limit import RequestWindow, SlidingWindowLimiter
from clients.redact import mask_text
from clients.retry import backoff_delay, parse_retry_after

log = structlog.get_logger(__name__)

FEED_ACTIONS = ("ProductCreate", "ProductUpdate", "ProductRemove", "Image")

# Call family per action: one breaker each, so a failing order API does not stop catalog
# publishing. Actions not listed belong to "catalog".
FAMILIES = {
    **dict.fromkeys(
        (*FEED_ACTIONS, "FeedStatus", "FeedList", "FeedOffsetList", "FeedCount", "FeedCancel"),
        "feeds",
    ),
    **dict.fromkeys(
        (
            "GetOrders",
            "GetOrder",
            "GetOrderItems",
            "GetMultipleOrderItems",
            "SetStatusToPackedByMarketplace",
            "SetStatusToReadyToShip",
            "SetStatusToCanceled",
            "SetStatusToShipped",
            "SetStatusToDelivered",
            "SetStatusToFailedDelivery",
            "GetFailureReasons",
            "SetInvoiceNumber",
            "GetDocument",
            "GetShipmentProviders",
        ),
        "orders",
    ),
    **dict.fromkeys(
        ("GetWebhookEntities", "CreateWebhook", "GetWebhooks", "DeleteWebhook"), "webhooks"
    ),
}
# A transport failure and the FeedList read that follows can be seconds apart, and Seller
# Center dates have second resolution: count a feed as ours if created this much earlier.
FEED_CLOCK_SLACK = 5.0
_REMEMBERED_FEEDS = 1000


class LinioClient:
    """One per seller account: share it, because the limiter, quota and breakers it holds
    are what keep the account under Seller Center's limits."""

    def __init__(
        self,
        account: LinioAccount,
        *,
        session: aiohttp.ClientSession,
        policy: OutboundPolicy,
        base_url: str | None = None,
        limiter: RequestWindow | None = None,
        quota: FeedQuota | None = None,
        breakers: BreakerRegistry | None = None,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
    ) -> None:
        self.account = account
        self.base_url = base_url or account.base_url
        policy.check(self.base_url)
        self._policy = policy
        self._session = session
        self.limiter: RequestWindow = limiter or SlidingWindowLimiter(30, 3.0)
        self.quota = quota or FeedQuota(50, 120.0)
        self.breakers = breakers or BreakerRegistry()
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._retries = max(retries, 1)
        self._backoff = backoff
        self._user_agent = account.user_agent()
        self.zone = account.zone
        # Staging hosts' HTTP Basic credentials, as a header (never in the URL or logs).
        self._basic_auth = _basic_header(account.staging_auth) if account.staging_auth else None
        # Feeds this client created: a later FeedList check must never mistake them for
        # the outcome of a failed call. Bounded, oldest forgotten first.
        self._own_feeds: OrderedDict[str, None] = OrderedDict()

    # --- transport ---------------------------------------------------------------------

    def signed_query(self, action: str, params: Mapping[str, Any] | None = None) -> str:
        """The exact query string that is signed and sent (None values are not sent)."""
        query = {
            "Action": action,
            "Format": "XML",
            "Version": API_VERSION,
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
        request_id = uuid.uuid4().hex
        headers = {"User-Agent": self._user_agent, "Request-ID": request_id}
        if body is not None:
            headers["Content-Type"] = "text/xml; charset=UTF-8"
        if self._basic_auth:
            headers["Authorization"] = self._basic_auth
        started = time.monotonic()
        retry_after: str | None = None
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
                retry_after = response.headers.get("Retry-After")
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.info("linio.request_failed", action=action, request_id=request_id, error=str(exc))
            raise TransientError(
                f"Seller Center {action} did not answer ({type(exc).__name__}); will retry."
            ) from None
        log.debug(
            "linio.request",
            action=action,
            method=method,
            request_id=request_id,
            status=status,
            ms=round((time.monotonic() - started) * 1000),
        )
        try:
            return parse.parse_envelope(raw, status=status, action=action)
        except ClientError as error:
            secrets = [self.account.api_key]
            error.platform = "linio"
            error.message = mask_text(error.message, secrets)
            error.args = (error.message,)
            error.body = mask_text(error.body, secrets) if error.body else error.body
            if isinstance(error, ThrottledError) and error.retry_after is None:
                error.retry_after = parse_retry_after(retry_after)
            raise

    def _breaker_key(self, family: str) -> str:
        return f"linio:{self.account.key}:{family}"

    async def call(
        self,
        action: str,
        params: Mapping[str, Any] | None = None,
        *,
        body: str | None = None,
        method: str = "GET",
    ) -> parse.Envelope:
        """One action through breaker and limiter; GETs retried on transient errors.

        POSTs are retried only when refused with 429: otherwise a state change that may have
        happened must be re-read before it is repeated (feeds do that in `_feed`, order
        steps are the caller's, e.g. with GetOrderItems).
        """
        breaker = self.breakers.get(self._breaker_key(FAMILIES.get(action, "catalog")))
        attempt = 0
        while True:
            attempt += 1
            try:
                outcome = await breaker.call(self._send_unthrottled, method, action, params, body)
                if isinstance(outcome, ThrottledError):
                    raise outcome
                return outcome
            except CircuitOpenError:
                raise
            except TransientError as exc:
                # A 429 means refused, so even a POST is safe to send again (feeds excepted:
                # `_feed` decides, because the refusal may be about the feed quota).
                refused = isinstance(exc, ThrottledError) and action not in FEED_ACTIONS
                if (method != "GET" and not refused) or attempt >= self._retries:
                    raise
                await asyncio.sleep(self._pause(exc, attempt))
            except ItemError:
                # E119 "not ready yet" / E021 on a read: a few more reads are harmless; the
                # breaker never counted them. A POST goes back to the caller (its queue
                # counts the item's attempts, then makes it a seller action).
                if method != "GET" or attempt >= self._retries:
                    raise
                await asyncio.sleep(backoff_delay(attempt, base=self._backoff, cap=60.0))

    async def _send_unthrottled(
        self, method: str, action: str, params: Mapping[str, Any] | None, body: str | None
    ) -> parse.Envelope | ThrottledError:
        """`_send` with E429 returned instead of raised: being throttled proves Seller Center
        is up, so it must not count as a failure in the breaker (whatever its exclusions)."""
        try:
            return await self._send(method, action, params, body)
        except ThrottledError as throttled:
            return throttled

    def _pause(self, error: TransientError, attempt: int) -> float:
        if isinstance(error, ThrottledError):
            return error.retry_after or self.limiter.period
        return backoff_delay(attempt, base=self._backoff, cap=60.0, jitter=0.2)

    async def _feed(self, action: str, body: str, records: int) -> str:
        """Create a feed (quota permitting) and return its id, never creating it twice."""
        attempt = 0
        while True:
            attempt += 1
            self._take_feed_slot(action)
            sent = time.monotonic()
            try:
                envelope = await self.call(action, body=body, method="POST")
            except CircuitOpenError:
                raise
            except ThrottledError as exc:
                if "feed" in exc.message.lower():
                    # The feed quota, not the request rate: our count was optimistic.
                    self.quota.penalize(exc.retry_after)
                    raise
                if attempt >= self._retries:
                    raise
                # Refused by the rate limit: nothing was created, so sending again is safe.
                await asyncio.sleep(self._pause(exc, attempt))
                continue
            except TransientError as exc:
                found, known = await self._find_created_feed(action, records, sent)
                if found is not None:
                    log.info("linio.feed_found_after_failure", action=action, feed=found)
                    self._remember_feed(found)
                    return found
                if not known:  # we cannot tell whether it exists: never risk a second feed
                    raise FeedOutcomeUnknown(
                        f"Seller Center {action}: no readable answer and FeedList unreadable; "
                        f"the feed may exist ({exc.message})",
                        code=exc.code,
                        status=exc.status,
                        platform="linio",
                    ) from exc
                if attempt >= self._retries:
                    raise  # FeedList read: no such feed, so nothing was created
                await asyncio.sleep(self._backoff * attempt)
                continue
            if not envelope.request_id:
                raise FeedOutcomeUnknown(
                    f"Seller Center accepted {action} without a feed id.", platform="linio"
                )
            self._remember_feed(envelope.request_id)
            return envelope.request_id

    def _take_feed_slot(self, action: str) -> None:
        if self.quota.try_acquire():
            return
        wait = self.quota.next_slot_in()
        raise ThrottledError(
            f"Seller Center feed quota used up; the next {action} may go out in {wait:.0f} s.",
            code="E429",
            retry_after=wait,
        )

    def _remember_feed(self, feed_id: str) -> None:
        self._own_feeds[feed_id] = None
        while len(self._own_feeds) > _REMEMBERED_FEEDS:
            self._own_feeds.popitem(last=False)

    async def _find_created_feed(
        self, action: str, records: int, sent: float
    ) -> tuple[str | None, bool]:
        """(feed id or None, whether FeedList could be read at all).

        Seller Center's CreationDate is naive local time of the seller's country, so it is
        compared with the server's own clock (the FeedList Head/Timestamp and its offset),
        never with ours.
        """
        try:
            envelope = await self.call("FeedList")
        except ClientError:
            return None, False
        server_now = envelope.timestamp or dt.datetime.now(dt.UTC)
        zone = server_now.tzinfo or dt.UTC
        earliest = server_now - dt.timedelta(seconds=time.monotonic() - sent + FEED_CLOCK_SLACK)
        for feed in parse.parse_feed_list(envelope):
            created = feed.created_at
            if created is None or not feed.valid or feed.feed_id in self._own_feeds:
                continue
            if created.tzinfo is None:
                created = created.replace(tzinfo=zone)
            if feed.action == action and feed.total_records == records and created >= earliest:
                return feed.feed_id, True
        return None, True

    def health(self) -> dict[str, Any]:
        """What the dashboard shows about this seller's connection to Seller Center."""
        prefix = self._breaker_key("")
        return {
            "account": self.account.key,
            "limiter": {
                "in_window": self.limiter.in_window,
                "waiting": self.limiter.waiting,
                "max_calls": self.limiter.max_calls,
                "period": self.limiter.period,
            },
            "feed_quota": self.quota.snapshot(),
            "breakers": [b for b in self.breakers.snapshot() if b["name"].startswith(prefix)],
        }

    # --- products and feeds ------------------------------------------------------------------

    async def get_products(
        self,
        *,
        limit: int = 100,
        offset: int = 0,
        search: str | None = None,
        filter: str | None = None,
        skus: Sequence[str] | None = None,
        created_after: dt.datetime | None = None,
        created_before: dt.datetime | None = None,
        updated_after: dt.datetime | None = None,
        updated_before: dt.datetime | None = None,
    ) -> list[Product]:
        """One page. Date filters must be aware (ValueError otherwise); they are sent in
        the seller's zone with its offset. Dates in the products come back aware."""
        params = {
            "Limit": limit,
            "Offset": offset,
            "Search": search,
            "Filter": filter,
            "SkuSellerList": build.json_list(skus) if skus else None,
            "CreatedAfter": offset_filter(created_after, self.zone),
            "CreatedBefore": offset_filter(created_before, self.zone),
            "UpdatedAfter": offset_filter(updated_after, self.zone),
            "UpdatedBefore": offset_filter(updated_before, self.zone),
        }
        return localized(parse.parse_products(await self.call("GetProducts", params)), self.zone)

    async def iter_products(
        self, *, page_size: int = 100, **filters: Any
    ) -> AsyncIterator[Product]:
        """Every product matching the filters of `get_products`, page by page."""
        offset = 0
        while True:
            page = await self.get_products(limit=page_size, offset=offset, **filters)
            for item in page:
                yield item
            offset += len(page)
            if len(page) < page_size:
                return

    async def product_create(self, products: Sequence[Mapping[str, Any]]) -> str:
        """Feed id. Products are mappings of Seller Center field names (see `requests`)."""
        return await self._feed("ProductCreate", build.products_xml(products), len(products))

    async def product_update(self, products: Sequence[Mapping[str, Any]]) -> str:
        """Feed id. Only the fields present are changed (None values are not sent)."""
        return await self._feed("ProductUpdate", build.products_xml(products), len(products))

    async def product_remove(self, seller_skus: Sequence[str]) -> str:
        return await self._feed("ProductRemove", build.remove_xml(seller_skus), len(seller_skus))

    async def image(self, images: Mapping[str, Sequence[str]]) -> str:
        """Feed id. Replaces every image of each SKU; the first URL becomes the main image."""
        return await self._feed("Image", build.images_xml(images), len(images))

    async def feed_status(self, feed_id: str) -> Feed:
        """Errors and warnings attributed to their SKU (element or message); status
        `Error` means the platform gave up on the whole feed (no onFeedCompleted)."""
        feed = parse.parse_feed_status(await self.call("FeedStatus", {"FeedID": feed_id}))
        return localized(feed, self.zone)

    async def feed_list(self) -> list[Feed]:
        return localized(parse.parse_feed_list(await self.call("FeedList")), self.zone)

    async def feeds_created_since(
        self, since: dt.datetime, *, page_size: int = 100, max_pages: int = 50
    ) -> list[Feed]:
        """Every feed Seller Center lists as created at or after `since` (aware; sent as the
        seller's naive local time, whole seconds, rounded down), oldest first, through
        FeedOffsetList pages (spec §3.4: newest first, the last 30 days). Used to find a
        feed whose creation we could not confirm (CLARIFICATIONS §9 "Crash safety").
        Raises TransientError while the list cannot be read to the end: a partial list
        must never be taken for "no such feed"."""
        feeds: list[Feed] = []
        for page in range(max_pages):
            chunk = await self.feed_offset_list(
                offset=page * page_size,
                page_size=page_size,
                created_after=since.replace(microsecond=0),
            )
            feeds.extend(chunk)
            if len(chunk) < page_size:
                return sorted(
                    feeds, key=lambda f: f.created_at or dt.datetime.min.replace(tzinfo=dt.UTC)
                )
        raise TransientError(
            f"Seller Center FeedOffsetList: more than {max_pages * page_size} feeds since "
            f"{since.isoformat()}; cannot read them all."
        )

    async def feed_offset_list(
        self,
        *,
        offset: int = 0,
        page_size: int = 100,
        status: str | None = None,
        created_after: dt.datetime | None = None,
        updated_after: dt.datetime | None = None,
    ) -> list[Feed]:
        params = {
            "Offset": offset,
            "PageSize": page_size,
            "Status": status,
            "CreationDate": naive_filter(created_after, self.zone),
            "UpdatedDate": naive_filter(updated_after, self.zone),
        }
        return localized(
            parse.parse_feed_list(await self.call("FeedOffsetList", params)), self.zone
        )

    async def get_qc_status(
        self, *, skus: Sequence[str] | None = None, limit: int = 100, offset: int = 0
    ) -> list[QcState]:
        params = {
            "Limit": limit,
            "Offset": offset,
            "SkuSellerList": build.json_list(skus) if skus else None,
        }
        return parse.parse_qc_status(await self.call("GetQcStatus", params))

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
        created_before: dt.datetime | None = None,
        updated_after: dt.datetime | None = None,
        updated_before: dt.datetime | None = None,
        status: str | None = None,
        limit: int = 100,
        offset: int = 0,
        sort_by: str = "updated_at",
        sort_direction: str = "ASC",
    ) -> OrdersPage:
        """One page. Filters must be aware datetimes (ValueError for naive ones); each is
        converted to the seller's zone and sent without offset, as Seller Center reads
        order filters, so one instant is one filter whatever zone the caller used. Dates
        in the orders come back aware (seller zone; AddressUpdatedAt UTC)."""
        envelope = await self.call(
            "GetOrders",
            {
                "CreatedAfter": naive_filter(created_after, self.zone),
                "CreatedBefore": naive_filter(created_before, self.zone),
                "UpdatedAfter": naive_filter(updated_after, self.zone),
                "UpdatedBefore": naive_filter(updated_before, self.zone),
                "Status": status,
                "Limit": limit,
                "Offset": offset,
                "SortBy": sort_by,
                "SortDirection": sort_direction,
            },
        )
        orders = localized(tuple(parse.parse_orders(envelope)), self.zone)
        return OrdersPage(orders, envelope.total_count)

    async def iter_orders(self, *, page_size: int = 100, **filters: Any) -> AsyncIterator[Order]:
        """Every order matching the filters of `get_orders`, page by page (the polling
        safety net behind the webhooks)."""
        offset = 0
        while True:
            page = await self.get_orders(limit=page_size, offset=offset, **filters)
            for order in page.orders:
                yield order
            offset += len(page.orders)
            total = page.total_count
            if len(page.orders) < page_size or (total is not None and offset >= total):
                return

    async def get_order(self, order_id: str) -> Order | None:
        orders = parse.parse_orders(await self.call("GetOrder", {"OrderId": order_id}))
        return localized(orders[0], self.zone) if orders else None

    async def get_order_items(self, order_id: str) -> list[OrderItem]:
        """Items with their status and PackageId (pending items already carry one)."""
        items = parse.parse_order_items(await self.call("GetOrderItems", {"OrderId": order_id}))
        return localized(items, self.zone)

    async def get_multiple_order_items(self, order_ids: Sequence[str]) -> list[Order]:
        """Orders (id and number only) each carrying its `items`."""
        orders = parse.parse_multiple_order_items(
            await self.call(
                "GetMultipleOrderItems", {"OrderIdList": build.json_list(order_ids, numeric=True)}
            )
        )
        return localized(orders, self.zone)

    async def set_status_to_packed_by_marketplace(
        self, order_item_ids: Sequence[str], **shipping: str | None
    ) -> list[PackedItem]:
        """Packs the items into one package (PackageId); shipping: delivery_type,
        shipping_provider, tracking_number."""
        return await self._ship_step("SetStatusToPackedByMarketplace", order_item_ids, **shipping)

    async def set_status_to_ready_to_ship(
        self, order_item_ids: Sequence[str], **shipping: str | None
    ) -> list[PackedItem]:
        """Items ready for the carrier; same shipping keywords as packing. Seller Center
        moves every item of the order, not only the ids given; the reply may omit
        OrderItemId: do not key on it. E021 (e.g. FOB not enabled for the seller) raises
        `ItemError`, E080 (carrier differs from the preselected one) PermanentError."""
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
        """One item per call (Seller Center's rule); `reason` from `get_failure_reasons`."""
        await self.call(
            "SetStatusToCanceled",
            {"OrderItemId": order_item_id, "Reason": reason, "ReasonDetail": reason_detail},
            method="POST",
        )

    async def set_status_to_shipped(self, order_item_id: str) -> None:
        """The seller's own carrier picked the item up (ready_to_ship -> shipped); one item
        per call (GFG Java/mobly SDKs)."""
        await self.call("SetStatusToShipped", {"OrderItemId": order_item_id}, method="POST")

    async def set_status_to_delivered(self, order_item_id: str) -> None:
        """The seller's own carrier delivered the item (shipped -> delivered)."""
        await self.call("SetStatusToDelivered", {"OrderItemId": order_item_id}, method="POST")

    async def set_status_to_failed_delivery(
        self, order_item_id: str, reason: str, reason_detail: str | None = None
    ) -> None:
        """Delivery failed (shipped -> failed); `reason` a failure reason of type
        `failed` from `get_failure_reasons`."""
        await self.call(
            "SetStatusToFailedDelivery",
            {"OrderItemId": order_item_id, "Reason": reason, "ReasonDetail": reason_detail},
            method="POST",
        )

    async def set_invoice_number(self, order_item_id: str, invoice_number: str) -> InvoiceNumber:
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
        """invoice, shippingLabel, shippingParcel, carrierManifest...; items must be packed."""
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
        """Webhook id. Subscribes to the given aliases, or to every alias Seller Center
        offers. A URL can be registered once: to change its events, delete and re-create."""
        aliases = (
            list(events) if events else sorted({e.alias for e in await self.get_webhook_entities()})
        )
        envelope = await self.call(
            "CreateWebhook", body=build.webhook_xml(callback_url, aliases), method="POST"
        )
        return parse.parse_created_webhook(envelope).webhook_id

    async def get_webhooks(self, webhook_ids: Sequence[str] | None = None) -> list[Webhook]:
        params = {"WebhookIds": build.json_list(webhook_ids)} if webhook_ids else None
        return parse.parse_webhooks(await self.call("GetWebhooks", params))

    async def delete_webhook(self, webhook_id: str) -> None:
        await self.call("DeleteWebhook", body=build.delete_webhook_xml(webhook_id), method="POST")


def _basic_header(credentials: tuple[str, str]) -> str:
    user, password = credentials
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
