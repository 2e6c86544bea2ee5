"""One `VtexClient` and one `LinioClient` per store, shared by everything in a process.

`LinioClient` keeps the seller's rate limiter, feed quota and circuit breakers inside it, so
two consumers that each built their own client would each believe they had the whole
30-requests-per-3-s budget. The pool hands every caller of a process the same client for a
store (ARCHITECTURE-REVIEW §3.12). Across processes, one owner per seller sends the
seller's feeds (the feed queue's single active consumer), and every Seller Center call of
any process draws on one request window shared through MongoDB (`app.seller_window`).

A client is rebuilt when the store's credentials or addresses change (the pool keys it by a
fingerprint of them), so a seller who fixes a wrong API key is not stuck with the old one.
"""

from __future__ import annotations

import hashlib

import aiohttp
from pymongo.asynchronous.collection import AsyncCollection

from app.seller_window import SharedWindow
from clients.linio import LinioAccount, LinioClient
from clients.outbound import OutboundPolicy
from clients.vtex import VtexClient, VtexCredentials
from domain.stores import Store


class ClientPool:
    """Per-store clients over one shared `aiohttp.ClientSession`.

    Raises what the clients raise on construction: `clients.errors.ConfigError`
    (`OutboundHostDenied`) when the store's host is not allowed by the manifest.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        policy: OutboundPolicy,
        *,
        windows: AsyncCollection | None = None,
    ) -> None:
        """`windows`: where the sellers' request windows are shared with the other
        processes (`app.seller_window`); None keeps a window per process."""
        self._session = session
        self._policy = policy
        self._windows = windows
        self._vtex: dict[str, tuple[str, VtexClient]] = {}
        self._linio: dict[str, tuple[str, LinioClient]] = {}

    def vtex(self, store: Store) -> VtexClient:
        """The store's VTEX client (app key + token, or the template's cookie)."""
        c = store.credentials
        key = _fingerprint(
            store.account, store.vtex_base_url, c.vtex_app_key, c.vtex_app_token, c.vtex_cookie
        )
        cached = self._vtex.get(store.store_id)
        if cached is None or cached[0] != key:
            credentials = VtexCredentials(
                store.account,
                app_key=c.vtex_app_key,
                app_token=c.vtex_app_token,
                cookie=c.vtex_cookie,
            )
            client = VtexClient(
                credentials,
                session=self._session,
                policy=self._policy,
                base_url=store.vtex_base_url or None,
            )
            cached = self._vtex[store.store_id] = (key, client)
        return cached[1]

    def linio(self, store: Store) -> LinioClient:
        """The store's Seller Center client: its limiter, quota and breakers are the seller's."""
        c = store.credentials
        key = _fingerprint(
            store.linio_user_id,
            c.linio_api_key,
            store.linio_seller_id,
            store.country,
            store.linio_environment,
            store.linio_base_url,
        )
        cached = self._linio.get(store.store_id)
        if cached is None or cached[0] != key:
            account = LinioAccount(
                store.linio_user_id,
                c.linio_api_key,
                store.linio_seller_id,
                store.country,
                store.linio_environment,
                staging_auth=c.linio_staging_auth(),
            )
            window = SharedWindow(self._windows, account.key) if self._windows is not None else None
            client = LinioClient(
                account,
                session=self._session,
                policy=self._policy,
                base_url=store.linio_base_url or None,
                limiter=window,
            )
            cached = self._linio[store.store_id] = (key, client)
        return cached[1]

    def forget(self, store_id: str) -> None:
        """Drop a store's clients (store deleted or switched off)."""
        self._vtex.pop(store_id, None)
        self._linio.pop(store_id, None)

    def linio_clients(self) -> dict[str, LinioClient]:
        """Store id → its Seller Center client, for health pages and metrics."""
        return {store_id: client for store_id, (_, client) in self._linio.items()}


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
