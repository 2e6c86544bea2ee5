"""The dashboard user's HTTP Basic credentials, checked in one place for every route."""

from __future__ import annotations

import base64
import binascii
import hmac
import time
from collections import deque

from aiohttp import web

from app.settings import Settings


def is_admin(request: web.Request, settings: Settings) -> bool:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return False
    try:
        given = base64.b64decode(header[6:], validate=True)
    except (ValueError, binascii.Error):
        return False
    expected = f"{settings.admin_user}:{settings.admin_password}".encode()
    return hmac.compare_digest(given, expected)


class LoginThrottle:
    """At most `max_failures` wrong dashboard passwords per client address in `window`
    seconds; past that the address gets 429 until its oldest failure ages out."""

    def __init__(self, max_failures: int = 10, window: float = 60.0) -> None:
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, client: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(client, deque())
        while failures and now - failures[0] > self.window:
            failures.popleft()
        return failures

    def retry_after(self, client: str) -> int:
        """Seconds the client must wait, 0 when it may try."""
        now = time.monotonic()
        failures = self._recent(client, now)
        if len(failures) < self.max_failures:
            if not failures:
                self._failures.pop(client, None)
            return 0
        return max(1, int(self.window - (now - failures[0])) + 1)

    def failed(self, client: str) -> None:
        now = time.monotonic()
        self._recent(client, now).append(now)
        if len(self._failures) > 10_000:  # bound memory under a spray of addresses
            oldest = min(self._failures, key=lambda c: self._failures[c][-1])
            self._failures.pop(oldest, None)
