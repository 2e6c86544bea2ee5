"""One exception hierarchy for every outbound client.

Callers decide what to do with a failure from its class alone: retry later, wait for the
throttle, fix the data, or fix the configuration. Every error carries a message meant for
the seller, and never a credential.
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
    ) -> None:
        super().__init__(message)
        self.message = message
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


class AuthError(ClientError):
    """Bad credentials, signature or access rights: a person must fix the configuration."""


class ConfigError(AuthError):
    """Our own configuration forbids the call (a host not in the manifest, a missing
    setting): a person must fix the configuration; retrying cannot help."""


class PermanentError(ClientError):
    """The remote side rejected the data; repeating the same call cannot succeed."""


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
