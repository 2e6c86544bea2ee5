"""HTTP transport to one VTEX account: auth headers, timeouts, retries, error classes.

VTEX asks integrators to back off on 429 (a minute is its recommendation) and to retry 5xx;
both are done here so every call gets them. What is still failing after the retries comes
out as one of `clients.errors`, with a message a person can act on and without the token.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import structlog

from clients.errors import (
    AuthError,
    ClientError,
    NotFoundError,
    PermanentError,
    ThrottledError,
    TransientError,
)
from clients.outbound import OutboundPolicy
from clients.redact import MASK, mask_text
from clients.retry import backoff_delay, parse_retry_after

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class VtexCredentials:
    account: str
    app_key: str = ""
    app_token: str = field(default="", repr=False)
    cookie: str = field(default="", repr=False)

    def __repr__(self) -> str:
        token = MASK if self.app_token else ""
        cookie = MASK if self.cookie else ""
        return (
            f"VtexCredentials(account={self.account!r}, app_key={self.app_key!r}, "
            f"app_token={token!r}, cookie={cookie!r})"
        )

    def headers(self) -> dict[str, str]:
        """App key and token when the store gave them, else the app token cookie."""
        if self.app_key and self.app_token:
            return {"X-VTEX-API-AppKey": self.app_key, "X-VTEX-API-AppToken": self.app_token}
        if self.cookie:
            return {"VtexIdclientAutCookie": self.cookie}
        raise AuthError(
            f"No VTEX credentials for account {self.account}: set the appKey/appToken or "
            "save the integration in the VTEX admin app."
        )

    def secrets(self) -> list[str]:
        return [s for s in (self.app_token, self.cookie) if s]


@dataclass(frozen=True)
class RetryPolicy:
    """In-call retries for 5xx, 429 and network errors. What still fails goes back to the
    queue, which retries at least 10 times (VTEX's rule), so a few quick tries are enough."""

    retries: int = 2
    backoff: float = 0.5  # seconds, doubled each retry, with jitter
    throttle_backoff: float = 60.0  # VTEX's recommendation for 429 without Retry-After
    max_wait: float = 60.0  # a longer Retry-After is the queue's job, not a held request

    def wait(self, retry: int, error: ClientError, retry_after: float | None) -> float | None:
        """Seconds to sleep before retry number `retry` (1-based), or None to give up."""
        if retry > self.retries:
            return None
        if retry_after is not None:
            wait = retry_after
        elif isinstance(error, ThrottledError):
            wait = self.throttle_backoff
        else:
            wait = backoff_delay(retry, base=self.backoff, cap=self.max_wait, jitter=0.2)
        return wait if wait <= self.max_wait else None


def production_url(account: str) -> str:
    return f"https://{account}.vtexcommercestable.com.br"


class VtexTransport:
    def __init__(
        self,
        credentials: VtexCredentials,
        *,
        session: aiohttp.ClientSession,
        policy: OutboundPolicy,
        base_url: str | None = None,
        timeout: float = 15.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.credentials = credentials
        self.base_url = (base_url or production_url(credentials.account)).rstrip("/")
        policy.check(self.base_url)
        self._policy = policy
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._retry = retry or RetryPolicy()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json_body: Any = None,
        expect: tuple[int, ...] = (200,),
        accept: Callable[[int, Any], bool] | None = None,
        gzip_body: bool = False,
    ) -> tuple[int, Any]:
        """Returns (status, decoded JSON or None). An error answer `accept` approves comes
        back as a result (a 404 that means "absent", a 400 that carries a result contract).
        `gzip_body`: send `json_body` as gzip-compressed JSON (the Mapper's category tree)."""
        url = f"{self.base_url}{path}"
        self._policy.check(url)
        headers = {"Accept": "application/json", **self.credentials.headers()}
        data: bytes | None = None
        if gzip_body:
            data = gzip.compress(json.dumps(json_body, ensure_ascii=False).encode("utf-8"))
            headers |= {"Content-Type": "application/json", "Content-Encoding": "gzip"}
            json_body = None
        retry = 0
        while True:
            retry += 1
            try:
                async with self._session.request(
                    method,
                    url,
                    params=params,
                    json=json_body,
                    data=data,
                    headers=headers,
                    timeout=self._timeout,
                ) as response:
                    status = response.status
                    text = await response.text()
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
            except (aiohttp.ClientError, TimeoutError) as exc:
                error: ClientError = TransientError(
                    f"VTEX ({self.credentials.account}) did not answer {method} {path}: "
                    f"{type(exc).__name__}. Retry later."
                )
                if await self._again(retry, error, None):
                    continue
                raise error from None
            body = _decode(text)
            if status in expect or (accept is not None and accept(status, body)):
                return status, body
            error = self._error(method, path, status, body, text, retry_after)
            if error.retryable and await self._again(retry, error, retry_after):
                continue
            raise error

    async def _again(self, retry: int, error: ClientError, retry_after: float | None) -> bool:
        wait = self._retry.wait(retry, error, retry_after)
        if wait is None:
            return False
        log.info(
            "vtex_retry",
            account=self.credentials.account,
            retry=retry,
            wait=round(wait, 3),
            error=str(error),
        )
        await asyncio.sleep(wait)
        return True

    def _error(
        self, method: str, path: str, status: int, body: Any, text: str, retry_after: float | None
    ) -> ClientError:
        error = self._classify(method, path, status, body, text, retry_after)
        error.platform = "vtex"
        return error

    def _classify(
        self, method: str, path: str, status: int, body: Any, text: str, retry_after: float | None
    ) -> ClientError:
        detail = mask_text(_message(body, text), self.credentials.secrets())
        where = f"VTEX ({self.credentials.account}) {method} {path}"
        if status == 429:
            return ThrottledError(
                f"{where}: too many requests; backing off as VTEX asks.",
                status=status,
                retry_after=retry_after,
                body=detail,
            )
        if status >= 500:
            return TransientError(
                f"{where} failed with {status}: {detail}. Retry later.", status=status, body=detail
            )
        if status in (401, 403):
            return AuthError(
                f"{where} refused the credentials ({status}): check the appKey/appToken and "
                "that its role includes 'IntegrationProfile - Fulfillment Gateway Oms'.",
                status=status,
                body=detail,
            )
        if status == 404:
            return NotFoundError(f"{where}: not found ({detail}).", status=status, body=detail)
        return PermanentError(
            f"{where} rejected the request ({status}): {detail}",
            status=status,
            body=detail,
            details=_errors(body),
        )


def _decode(text: str) -> Any:
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _message(body: Any, text: str) -> str:
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            return str(error.get("message") or error.get("code") or error)
        for key in ("message", "Message", "description"):
            if body.get(key):
                return str(body[key])
    return text[:300] if text else "no details"


def _errors(body: Any) -> list[Any]:
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        return body["errors"]
    return []
