"""A VtexClient wired to the VTEX simulator with millisecond timings, and pytest fixtures.

Here so every test that needs VTEX (this package's, the flows', the sandbox's) builds the
client one way; the production code never imports it. Use the fixtures by importing them
into a test module: ``from clients.vtex.testing import vtex_http, vtex_sim``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from app.manifest import load_manifest
from clients.vtex.client import VtexClient
from clients.vtex.transport import VtexCredentials
from simulators.vtex import VtexSimulator


@pytest.fixture
async def vtex_sim() -> AsyncIterator[VtexSimulator]:
    """Account "acme" with 120 generated SKUs, a fifth of them faulty (deterministic)."""
    async with VtexSimulator("acme", seed=7) as simulator:
        simulator.catalog.generate(n_skus=120, faulty_share=0.2)
        yield simulator


@pytest.fixture
async def vtex_http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def simulator_client(
    sim: VtexSimulator,
    session: aiohttp.ClientSession,
    *,
    app_token: str | None = None,
    cookie: str = "",
    timeout: float = 2.0,
    retries: int = 2,
    backoff: float = 0.01,
    throttle_backoff: float = 0.05,
) -> VtexClient:
    """App key + token by default; `cookie` switches to VtexIdclientAutCookie auth. Timings
    are VTEX's compressed: same semantics (retry, back off, honour Retry-After), no waiting."""
    if cookie:
        credentials = VtexCredentials(sim.account, cookie=cookie)
    else:
        token = sim.auth_headers()["X-VTEX-API-AppToken"] if app_token is None else app_token
        credentials = VtexCredentials(sim.account, app_key=sim.app_key, app_token=token)
    return VtexClient(
        credentials,
        session=session,
        policy=load_manifest().outbound_policy(allow_loopback=True),
        base_url=sim.url,
        timeout=timeout,
        retries=retries,
        backoff=backoff,
        throttle_backoff=throttle_backoff,
    )
