"""pybreaker's circuit breaker, made to work from asyncio.

pybreaker is the state machine we want (closed / open / half-open, listeners, exclusions)
but its entry points are synchronous: ``breaker.call(async_fn)`` and ``@breaker`` on an
``async def`` only create the coroutine inside the breaker, so an awaited failure never
counts and the breaker never trips; ``call_async`` needs Tornado. We wrap the *await* in
pybreaker's ``calling()`` context manager instead, and add an ``asyncio.Lock`` gate: without
it, every caller that arrived while half-open went through as a "trial" (50 of 50 in our
measurement) and hammered an upstream that had just come back.

pybreaker reports a trip or an open circuit as ``CircuitBreakerError``; callers of our
clients only know ``clients.errors``, so it becomes a ``CircuitOpenError`` (a transient
error: retry later) whose message tells a person which service failed and since when.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ParamSpec, TypeVar

import pybreaker
import structlog

from clients.errors import AuthError, CircuitOpenError, ItemError, PermanentError

log = structlog.get_logger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

StateListener = Callable[[str, str, str], None]

# Validation, credential and item-level errors prove the upstream is alive; they must not
# trip it. Only an upstream that is down (5xx, timeouts, maintenance pages) opens a breaker.
DEFAULT_EXCLUDE: tuple[type[BaseException], ...] = (PermanentError, AuthError, ItemError)


class BreakerOpenError(CircuitOpenError):
    """CircuitOpenError that also says which breaker refused and when it will let a call through."""

    def __init__(self, message: str, *, breaker: str, retry_after: float, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.breaker = breaker
        self.retry_after = retry_after


class _TrialCancelled(Exception):
    """Stands in for a cancelled half-open trial so pybreaker re-opens instead of closing."""


class _StateLogger(pybreaker.CircuitBreakerListener):
    """Forwards pybreaker's state changes to structlog and to the owner's callback."""

    def __init__(self, name: str, on_state_change: StateListener | None) -> None:
        self._name = name
        self._on_state_change = on_state_change

    def state_change(
        self,
        cb: pybreaker.CircuitBreaker,
        old_state: pybreaker.CircuitBreakerState | None,
        new_state: pybreaker.CircuitBreakerState,
    ) -> None:
        old = old_state.name if old_state is not None else "closed"
        new = new_state.name
        level = log.warning if new == pybreaker.STATE_OPEN else log.info
        level("circuit_breaker.state_change", breaker=self._name, old=old, new=new)
        if self._on_state_change is not None:
            self._on_state_change(self._name, old, new)


class AsyncCircuitBreaker:
    """pybreaker's state machine used correctly from asyncio."""

    def __init__(
        self,
        name: str,
        *,
        fail_max: int = 5,
        reset_timeout: float = 30.0,
        exclude: Sequence[type[BaseException]] = DEFAULT_EXCLUDE,
        on_state_change: StateListener | None = None,
    ) -> None:
        self.name = name
        # Our own storage object, so reading opened_at does not reach into pybreaker's privates.
        self._storage = pybreaker.CircuitMemoryStorage(pybreaker.STATE_CLOSED)
        self._breaker = pybreaker.CircuitBreaker(
            fail_max=fail_max,
            reset_timeout=reset_timeout,
            exclude=[asyncio.CancelledError, *exclude],
            listeners=[_StateLogger(name, on_state_change)],
            state_storage=self._storage,
            name=name,
        )
        self._trial_gate = asyncio.Lock()

    @property
    def state(self) -> str:
        """One of closed, open, half-open; stays open until a call finds the timeout over."""
        return self._breaker.current_state

    @property
    def fail_counter(self) -> int:
        return self._breaker.fail_counter

    @property
    def opened_at(self) -> datetime | None:
        return self._storage.opened_at

    async def call(self, fn: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs) -> T:
        """Await ``fn(*args, **kwargs)`` under the breaker; raise CircuitOpenError when open."""
        if not self._trial_due():
            return await self._guarded(fn, args, kwargs, trial=False)
        if self._trial_gate.locked():
            raise self._open_error()
        # Nothing awaits between the check above and taking the gate, so one caller wins.
        async with self._trial_gate:
            return await self._guarded(fn, args, kwargs, trial=True)

    def snapshot(self) -> dict[str, Any]:
        """Name, state, failure count and opening time (ISO) for the dashboard."""
        opened_at = self.opened_at
        return {
            "name": self.name,
            "state": self.state,
            "fail_counter": self.fail_counter,
            "fail_max": self._breaker.fail_max,
            "opened_at": opened_at.isoformat() if opened_at else None,
        }

    def _trial_due(self) -> bool:
        """True when the next call would be the half-open trial."""
        state = self._breaker.current_state
        if state == pybreaker.STATE_HALF_OPEN:
            return True
        return state == pybreaker.STATE_OPEN and self._retry_in() <= 0

    def _retry_in(self) -> float:
        opened_at = self.opened_at
        if opened_at is None:
            return 0.0
        reopen = opened_at + timedelta(seconds=self._breaker.reset_timeout)
        return max((reopen - datetime.now(UTC)).total_seconds(), 0.0)

    async def _guarded(
        self, fn: Callable[..., Awaitable[T]], args: Any, kwargs: Any, *, trial: bool
    ) -> T:
        cancelled: asyncio.CancelledError | None = None
        try:
            with self._breaker.calling():
                try:
                    return await fn(*args, **kwargs)
                except asyncio.CancelledError as exc:
                    if not trial:
                        raise
                    # A cancelled trial proved nothing; an exclusion would count it as success.
                    cancelled = exc
                    raise _TrialCancelled from exc
        except pybreaker.CircuitBreakerError as err:
            if cancelled is not None:
                raise cancelled from None
            cause = err.__context__ if err.__context__ is not None else err
            raise self._open_error() from cause

    def _open_error(self) -> BreakerOpenError:
        opened_at = self.opened_at or datetime.now(UTC)
        since = opened_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        # While a trial is in flight the timeout is over, but retrying at once would only
        # bounce off the gate again: suggest a short pause instead of zero.
        retry_after = self._retry_in() or min(1.0, self._breaker.reset_timeout)
        retry_in = max(round(retry_after), 1)
        message = (
            f"Service {self.name} keeps failing: circuit open since {since}; "
            f"retrying in {retry_in} s."
        )
        return BreakerOpenError(
            message, code="CIRCUIT_OPEN", breaker=self.name, retry_after=retry_after
        )


class BreakerRegistry:
    """One breaker per (seller account, call family); the dashboard reads all of them."""

    def __init__(
        self,
        *,
        fail_max: int = 5,
        reset_timeout: float = 30.0,
        exclude: Sequence[type[BaseException]] = DEFAULT_EXCLUDE,
        on_state_change: StateListener | None = None,
    ) -> None:
        self._fail_max = fail_max
        self._reset_timeout = reset_timeout
        self._exclude = tuple(exclude)
        self._on_state_change = on_state_change
        self._breakers: dict[str, AsyncCircuitBreaker] = {}

    def get(self, key: str) -> AsyncCircuitBreaker:
        """The breaker for ``key`` (e.g. ``"linio:<seller>:feed"``), created on first use."""
        breaker = self._breakers.get(key)
        if breaker is None:
            breaker = AsyncCircuitBreaker(
                key,
                fail_max=self._fail_max,
                reset_timeout=self._reset_timeout,
                exclude=self._exclude,
                on_state_change=self._on_state_change,
            )
            self._breakers[key] = breaker
        return breaker

    def snapshot(self) -> list[dict[str, Any]]:
        """Every breaker's snapshot, sorted by key."""
        return [self._breakers[key].snapshot() for key in sorted(self._breakers)]
