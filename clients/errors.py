"""One exception hierarchy for every outbound client.

Callers decide what to do with a failure from its class alone: retry later, wait for the
throttle, fix the data, or fix the configuration. Every error carries the platform
(`"linio"`, `"vtex"`), the platform's own code and raw message, and never a credential;
the seller's text is rendered from the error catalogue (`domain/errors/`).

    ClientError
    ├── TransientError          retry later (network, timeout, 5xx, maintenance page)
    │   ├── ThrottledError      wait `retry_after` seconds (HTTP 429, Seller Center E429)
    │   ├── CircuitOpenError    our breaker: the platform keeps failing; wait it out
    │   └── FeedOutcomeUnknown  a feed POST may have been created: ask before sending again
    ├── ItemError               one item keeps failing: a few tries, then a seller action
    ├── AuthError               credentials refused: the seller fixes the settings
    │   └── ConfigError         our configuration forbids it (host not in the manifest)
    └── PermanentError          the data was rejected; the same call cannot succeed
        ├── InvalidRequest      refused before sending: the contract forbids it
        └── NotFoundError       the resource does not exist

Foreign exceptions (aiohttp, pybreaker, pymongo) map onto this tree in one table:
`clients.retry.FOREIGN_ERRORS`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


class ClientError(Exception):
    """Base of every error an outbound client raises."""

    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        details: list[Any] | None = None,
        body: str | None = None,
        platform: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.platform = platform
        self.code = code
        self.status = status
        self.details: list[Any] = list(details or [])
        self.body = body

    def __str__(self) -> str:
        prefix = f"[{self.code}] " if self.code else ""
        return f"{prefix}{self.message}"


class TransientError(ClientError):
    """Network failure, timeout, 5xx, maintenance page: the same call may work later."""

    retryable = True


class ThrottledError(TransientError):
    """The remote side asked us to slow down (HTTP 429, Seller Center E429)."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class CircuitOpenError(TransientError):
    """Our own breaker refused the call because the remote side keeps failing."""


class FeedOutcomeUnknown(TransientError):
    """A feed POST reached Seller Center, or may have, and neither its answer nor FeedList
    says whether the feed exists (an unreadable or lost answer, FeedList failing too).
    Never send the same records again on this error: find the feed first (FeedList /
    FeedOffsetList, then GetProducts; CLARIFICATIONS §9 "Crash safety")."""


class AuthError(ClientError):
    """Bad credentials, signature or access rights: a person must fix the configuration."""


class ConfigError(AuthError, ValueError):
    """Our own configuration forbids the call (a host not in the manifest, a missing
    setting): a person must fix the configuration; retrying cannot help."""


class PermanentError(ClientError):
    """The remote side rejected the data; repeating the same call cannot succeed."""


class ItemError(ClientError):
    """One item's request fails the same way again and again while the platform is healthy
    (Seller Center E021 on one order item, a field it refuses for this SKU). Such an error
    never opens a breaker; it is retried a few times (the platform also uses some of these
    codes for passing faults), then becomes a seller action (CLARIFICATIONS §3)."""

    retryable = True


class InvalidRequest(PermanentError, ValueError):
    """We were about to send something the platform's contract forbids (an empty affiliate,
    a query string in connectorEndpoint, more than 1,000 products in a feed): a bug or bad
    data on our side, caught before the call."""


class NotFoundError(PermanentError):
    """The requested resource does not exist on the remote side."""


@dataclass(frozen=True)
class ErrorDetail:
    """One field-level problem reported by the remote side (Seller Center's ErrorDetail)."""

    message: str
    field: str | None = None
    value: str | None = None
    seller_sku: str | None = None
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)
