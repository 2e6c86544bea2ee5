"""A VtexClient wired to the VTEX simulator with millisecond timings.

Here so everything that needs VTEX in tests, the benchmark and sandbox mode builds the
client one way; the product packages never import it (only the composition root does).
"""

from __future__ import annotations

import aiohttp

from app.manifest import load_manifest
from clients.vtex.client import VtexClient
from clients.vtex.transport import VtexCredentials
from simulators.vtex import VtexSimulator


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
