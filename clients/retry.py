"""One backoff rule, one Retry-After parser, one table of foreign errors.

Everything that waits before trying again — the VTEX transport's in-call retries, the Seller
Center client's GET retries, the broker's delayed re-delivery — computes its delay here, so
"how long to wait" has one answer (Airbyte CDK's split of error resolution and backoff
strategy). What happened is classified by `translate`, which maps the foreign exceptions our
libraries raise (aiohttp, asyncio timeouts, pybreaker, pymongo) onto the `clients.errors`
tree, the way httpx maps httpcore's errors in one table.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import aiohttp
import pybreaker
from pymongo import errors as mongo_errors

from clients.errors import (
    CircuitOpenError,
    ClientError,
    ConfigError,
    PermanentError,
    TransientError,
)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date (RFC 9110
    §10.2.3). None when absent or unreadable; never negative."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(
    attempt: int, *, base: float, cap: float, jitter: float = 0.1, floor: float = 0.0
) -> float:
    """Seconds before try `attempt + 1`: `base · 2^(attempt-1)`, capped at `cap`, ±`jitter`
    (a fraction), never below `floor` (a server's Retry-After)."""
    raw = min(cap, base * (2 ** max(0, attempt - 1)))
    return max(floor, raw * random.uniform(1 - jitter, 1 + jitter))


# Foreign exception class -> (our class, message prefix). Order matters: first match wins.
FOREIGN_ERRORS: tuple[tuple[type[BaseException], type[ClientError], str], ...] = (
    (pybreaker.CircuitBreakerError, CircuitOpenError, "circuit breaker open"),
    (aiohttp.InvalidURL, ConfigError, "invalid URL"),
    (aiohttp.ClientError, TransientError, "network error"),
    (TimeoutError, TransientError, "timeout"),
    (ConnectionError, TransientError, "connection error"),
    (mongo_errors.DuplicateKeyError, PermanentError, "duplicate key"),
    (mongo_errors.ConnectionFailure, TransientError, "database unavailable"),
    (mongo_errors.NetworkTimeout, TransientError, "database timeout"),
    (mongo_errors.PyMongoError, TransientError, "database error"),
)


def translate(exc: BaseException) -> ClientError | None:
    """`exc` as one of our errors: itself when it already is one, the mapped class for a
    foreign exception of `FOREIGN_ERRORS`, None for anything else (a bug of ours)."""
    if isinstance(exc, ClientError):
        return exc
    for foreign, ours, prefix in FOREIGN_ERRORS:
        if isinstance(exc, foreign):
            error = ours(f"{prefix}: {type(exc).__name__}: {exc}"[:500])
            error.__cause__ = exc
            return error
    return None
