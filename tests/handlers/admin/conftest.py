"""Dashboard fixtures: settings with a read-only support user and a metrics token, and
helpers that sign in through the real login form (CSRF token read from the page)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from app.settings import Settings

ADMIN = ("admin", "test-admin-password")
SUPPORT = ("support", "support-password-1")
METRICS_TOKEN = "metrics-token-0123456789"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_(
        support_user=SUPPORT[0], support_password=SUPPORT[1], metrics_token=METRICS_TOKEN
    )


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


async def login(client: TestClient, user: tuple[str, str] = ADMIN) -> str:
    """Sign in through /login; returns the session's CSRF token (from the next page)."""
    form_page = await (await client.get("/login")).text()
    response = await client.post(
        "/login",
        data={"user": user[0], "password": user[1], "csrf_token": csrf_of(form_page)},
        allow_redirects=False,
    )
    assert response.status == 302, await response.text()
    page = await (await client.get("/admin")).text()
    return csrf_of(page)


async def post_form(
    client: TestClient, path: str, csrf: str | None, data: dict[str, Any] | None = None
) -> Any:
    body = dict(data or {})
    if csrf is not None:
        body["csrf_token"] = csrf
    return await client.post(path, data=body, allow_redirects=False)


_SEEN: dict[int, set[str]] = {}


async def published(broker: Any, queue: str, expected: int, timeout: float = 10.0) -> list[Any]:
    """The bodies of the next `expected` messages of `queue` (consumed).

    Stopping a consumer may hand the message it was acknowledging back to the queue (the
    in-process broker never loses a message); ids already seen are skipped."""
    import asyncio

    seen = _SEEN.setdefault(id(broker), set())
    bodies: list[Any] = []
    done = asyncio.Event()

    async def handler(message: Any) -> None:
        if message.id in seen:
            return
        seen.add(message.id)
        bodies.append(message.body)
        if len(bodies) >= expected:
            done.set()

    await broker.consume(queue, handler)
    try:
        await asyncio.wait_for(done.wait(), timeout)
    finally:
        await broker.stop_consuming(queue)
    return bodies


async def write_log(runtime: Any, **overrides: Any) -> str:
    """One seller-log entry written by the real `SellerLog` (S1 success by default)."""
    from domain.seller_log import LogEntry

    fields: dict[str, Any] = {
        "store_id": "acme-mx",
        "operation": "Catalog change",
        "direction": "VTEX to Marketplace",
        "code": "S1",
        "params": {"sku_id": "1", "sku_name": "Shirt", "marketplace_id": "SC1", "link": "x"},
        "flow": "catalog",
        "sku_id": "1",
    }
    fields.update(overrides)
    return await runtime.seller_log.write(LogEntry(**fields))
