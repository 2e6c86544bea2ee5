"""AsyncCircuitBreaker around real HTTP calls to a local server whose health we control.

The server counts the calls it receives, so "fails fast while open" is checked where it
matters: the upstream saw nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime

import aiohttp
import pytest
from aiohttp import web

from clients.breaker import AsyncCircuitBreaker, BreakerOpenError, BreakerRegistry
from clients.errors import AuthError, CircuitOpenError, PermanentError, TransientError

RESET = 0.2


@dataclass
class Upstream:
    """A controllable upstream: answers `status` after `delay` (or after `release` is set)."""

    session: aiohttp.ClientSession
    url: str
    status: int = 200
    delay: float = 0.0
    hang: bool = False
    hits: int = 0
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def fetch(self) -> str:
        """The kind of call a client makes: HTTP status mapped onto clients.errors."""
        async with self.session.get(self.url) as response:
            body = await response.text()
            if response.status >= 500:
                raise TransientError(f"upstream answered {response.status}", status=503)
            if response.status in (401, 403):
                raise AuthError("bad credentials", status=response.status)
            if response.status >= 400:
                raise PermanentError("rejected", status=response.status)
            return body


@pytest.fixture
async def upstream(aiohttp_server) -> AsyncIterator[Upstream]:
    async def handle(request: web.Request) -> web.Response:
        state.hits += 1
        if state.hang:
            await state.release.wait()
        await asyncio.sleep(state.delay)
        return web.Response(status=state.status, text="ok")

    app = web.Application()
    app.router.add_get("/", handle)
    server = await aiohttp_server(app)
    async with aiohttp.ClientSession() as session:
        state = Upstream(session=session, url=str(server.make_url("/")))
        yield state
        state.release.set()


@pytest.fixture
def transitions() -> list[tuple[str, str, str]]:
    return []


@pytest.fixture
def breaker(transitions: list[tuple[str, str, str]]) -> AsyncCircuitBreaker:
    def record(name: str, old: str, new: str) -> None:
        transitions.append((name, old, new))

    return AsyncCircuitBreaker(
        "linio:seller-1:catalog", fail_max=3, reset_timeout=RESET, on_state_change=record
    )


async def trip(breaker: AsyncCircuitBreaker, upstream: Upstream) -> None:
    upstream.status = 503
    for _ in range(2):
        with pytest.raises(TransientError) as caught:
            await breaker.call(upstream.fetch)
        assert not isinstance(caught.value, CircuitOpenError)
    with pytest.raises(CircuitOpenError) as tripped:
        await breaker.call(upstream.fetch)
    # The trip keeps the upstream's error as the cause, for the logs.
    assert isinstance(tripped.value.__cause__, TransientError)
    assert breaker.state == "open"


async def test_opens_after_fail_max_consecutive_transient_errors(
    breaker: AsyncCircuitBreaker, upstream: Upstream, transitions: list
) -> None:
    await trip(breaker, upstream)
    assert upstream.hits == 3
    assert transitions == [("linio:seller-1:catalog", "closed", "open")]


async def test_open_breaker_rejects_without_calling_upstream(
    breaker: AsyncCircuitBreaker, upstream: Upstream
) -> None:
    await trip(breaker, upstream)
    upstream.status = 200
    for _ in range(10):
        with pytest.raises(BreakerOpenError) as caught:
            await breaker.call(upstream.fetch)
    assert upstream.hits == 3
    error = caught.value
    assert error.retryable
    assert error.breaker == "linio:seller-1:catalog"
    assert 0 < error.retry_after <= RESET
    assert "linio:seller-1:catalog" in error.message
    assert "circuit open" in error.message


async def test_half_open_lets_exactly_one_of_fifty_through_then_closes(
    breaker: AsyncCircuitBreaker, upstream: Upstream, transitions: list
) -> None:
    await trip(breaker, upstream)
    await asyncio.sleep(RESET + 0.05)
    upstream.status = 200
    upstream.delay = 0.05  # the trial is still in flight when the others arrive

    results = await asyncio.gather(
        *(breaker.call(upstream.fetch) for _ in range(50)), return_exceptions=True
    )
    successes = [r for r in results if r == "ok"]
    rejected = [r for r in results if isinstance(r, CircuitOpenError)]
    assert len(successes) == 1
    assert len(rejected) == 49
    assert upstream.hits == 3 + 1
    assert breaker.state == "closed"
    assert transitions == [
        ("linio:seller-1:catalog", "closed", "open"),
        ("linio:seller-1:catalog", "open", "half-open"),
        ("linio:seller-1:catalog", "half-open", "closed"),
    ]
    # Closed again: everyone gets through.
    assert await breaker.call(upstream.fetch) == "ok"
    assert breaker.snapshot()["fail_counter"] == 0


async def test_failed_trial_reopens(
    breaker: AsyncCircuitBreaker, upstream: Upstream, transitions: list
) -> None:
    await trip(breaker, upstream)
    await asyncio.sleep(RESET + 0.05)
    with pytest.raises(CircuitOpenError):
        await breaker.call(upstream.fetch)
    assert upstream.hits == 4
    assert breaker.state == "open"
    with pytest.raises(CircuitOpenError):
        await breaker.call(upstream.fetch)
    assert upstream.hits == 4
    assert [new for _, _, new in transitions] == ["open", "half-open", "open"]


@pytest.mark.parametrize(("status", "error"), [(400, PermanentError), (403, AuthError)])
async def test_permanent_and_auth_errors_do_not_trip(
    breaker: AsyncCircuitBreaker, upstream: Upstream, status: int, error: type[Exception]
) -> None:
    upstream.status = status
    for _ in range(10):
        with pytest.raises(error):
            await breaker.call(upstream.fetch)
    assert upstream.hits == 10
    assert breaker.state == "closed"


async def test_cancelled_calls_do_not_trip(
    breaker: AsyncCircuitBreaker, upstream: Upstream
) -> None:
    upstream.hang = True
    for _ in range(6):
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.02):
                await breaker.call(upstream.fetch)
    assert breaker.state == "closed"
    assert breaker.snapshot()["fail_counter"] == 0


async def test_cancelled_trial_does_not_close_the_circuit(
    breaker: AsyncCircuitBreaker, upstream: Upstream
) -> None:
    """A trial that was cancelled proved nothing about the upstream: stay open."""
    await trip(breaker, upstream)
    await asyncio.sleep(RESET + 0.05)
    upstream.hang = True
    trial = asyncio.create_task(breaker.call(upstream.fetch))
    await asyncio.sleep(0.05)
    assert breaker.state == "half-open"
    trial.cancel()
    with pytest.raises(asyncio.CancelledError):
        await trial
    assert breaker.state == "open"
    # After another reset_timeout a fresh trial is allowed and can close it.
    upstream.hang = False
    upstream.status = 200
    await asyncio.sleep(RESET + 0.05)
    assert await breaker.call(upstream.fetch) == "ok"
    assert breaker.state == "closed"


async def test_a_success_resets_the_failure_count(
    breaker: AsyncCircuitBreaker, upstream: Upstream
) -> None:
    for status in (503, 503, 200, 503, 503, 200):
        upstream.status = status
        try:
            await breaker.call(upstream.fetch)
        except TransientError as exc:
            assert not isinstance(exc, CircuitOpenError)
    assert breaker.state == "closed"
    assert upstream.hits == 6


async def test_snapshot_reports_state_for_the_dashboard(
    breaker: AsyncCircuitBreaker, upstream: Upstream
) -> None:
    snap = breaker.snapshot()
    assert snap["name"] == "linio:seller-1:catalog"
    assert snap["state"] == "closed"
    assert snap["opened_at"] is None
    await trip(breaker, upstream)
    snap = breaker.snapshot()
    assert snap["state"] == "open"
    assert snap["fail_counter"] == 3
    assert datetime.fromisoformat(snap["opened_at"]).tzinfo is not None


async def test_registry_keeps_one_independent_breaker_per_key(upstream: Upstream) -> None:
    registry = BreakerRegistry(fail_max=2, reset_timeout=RESET)
    feeds = registry.get("linio:seller-1:feed")
    assert registry.get("linio:seller-1:feed") is feeds
    orders = registry.get("linio:seller-1:orders")
    upstream.status = 503
    for _ in range(2):
        with pytest.raises(TransientError):
            await feeds.call(upstream.fetch)
    assert feeds.state == "open"
    assert orders.state == "closed"
    snapshot = registry.snapshot()
    assert [s["name"] for s in snapshot] == ["linio:seller-1:feed", "linio:seller-1:orders"]
    assert [s["state"] for s in snapshot] == ["open", "closed"]


async def test_registry_default_exclusions_apply(upstream: Upstream) -> None:
    breaker = BreakerRegistry(fail_max=2).get("vtex:store:catalog")
    upstream.status = 400
    for _ in range(5):
        with pytest.raises(PermanentError):
            await breaker.call(upstream.fetch)
    assert breaker.state == "closed"
