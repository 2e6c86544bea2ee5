"""One client per store in a process: its rate limiter, quota and breakers are the seller's."""

from __future__ import annotations

import dataclasses

import aiohttp
import pytest

from app.client_pool import ClientPool
from app.manifest import load_manifest
from clients.outbound import OutboundHostDenied
from domain.stores import StoreCredentials
from tests.conftest import acme_store

CREDENTIALS = StoreCredentials(
    linio_api_key="sc-key-0123456789", vtex_app_key="vtexappkey-acme", vtex_app_token="tok-1"
)


async def test_every_caller_gets_the_same_clients_for_a_store() -> None:
    async with aiohttp.ClientSession() as session:
        pool = ClientPool(session, load_manifest().outbound_policy())
        store = acme_store(credentials=CREDENTIALS, linio_seller_id="ACME01")
        first, again = (
            pool.linio(store),
            pool.linio(acme_store(credentials=CREDENTIALS, linio_seller_id="ACME01")),
        )
        assert first is again and first.limiter is again.limiter and first.quota is again.quota
        assert pool.vtex(store) is pool.vtex(store)
        other = pool.linio(
            acme_store(store_id="other-mx", credentials=CREDENTIALS, linio_seller_id="ACME01")
        )
        assert other is not first and other.limiter is not first.limiter
        assert pool.linio_clients() == {"acme-mx": first, "other-mx": other}


async def test_a_fixed_credential_builds_a_new_client() -> None:
    async with aiohttp.ClientSession() as session:
        pool = ClientPool(session, load_manifest().outbound_policy())
        store = acme_store(credentials=CREDENTIALS, linio_seller_id="ACME01")
        before = pool.linio(store)
        fixed = dataclasses.replace(
            store, credentials=dataclasses.replace(CREDENTIALS, linio_api_key="new-key-987654321")
        )
        assert pool.linio(fixed) is not before
        assert pool.linio(fixed).account.api_key == "new-key-987654321"
        pool.forget(store.store_id)
        assert pool.linio_clients() == {}


async def test_a_host_outside_the_manifest_is_refused() -> None:
    async with aiohttp.ClientSession() as session:
        pool = ClientPool(session, load_manifest().outbound_policy())
        store = acme_store(credentials=CREDENTIALS, linio_base_url="https://evil.example.com/")
        with pytest.raises(OutboundHostDenied):
            pool.linio(store)


async def test_a_staging_store_sends_its_http_basic_pair() -> None:
    async with aiohttp.ClientSession() as session:
        pool = ClientPool(session, load_manifest().outbound_policy())
        staging = dataclasses.replace(
            CREDENTIALS, linio_staging_user="linio-qa", linio_staging_password="basic-pw-123"
        )
        store = acme_store(
            credentials=staging, linio_seller_id="ACME01", linio_environment="staging"
        )
        client = pool.linio(store)
        assert client.account.staging_auth == ("linio-qa", "basic-pw-123")
        assert "sellercenter-api-staging" in client.base_url
        assert "basic-pw-123" not in repr(client.account) + repr(store.credentials)
        assert "basic-pw-123" in store.secrets()  # masked by value wherever it appears
