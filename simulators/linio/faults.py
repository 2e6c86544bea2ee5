"""Faults a test asks for: what a gateway, a maintenance window or a slow platform do."""

from __future__ import annotations

from aiohttp import web

MAINTENANCE_PAGE = (
    "<!DOCTYPE html><html><head><title>Seller Center</title></head><body>"
    "<h1>Estamos en mantenimiento</h1><p>We are under maintenance. Vuelve pronto.</p>"
    "</body></html>"
)


class FaultInjector:
    """The next n requests fail, hang, lose their answer or show a maintenance page;
    `slow` delays every request until `clear`."""

    def __init__(self) -> None:
        self._queue: list[tuple[str, float]] = []
        self.latency = 0.0
        self._feed_errors = 0

    def fail_next(self, n: int = 1, status: int = 503) -> None:
        """An ErrorResponse E006 of ErrorType Platform with this HTTP status."""
        self._queue.extend([("status", float(status))] * n)

    def timeout_next(self, n: int = 1, seconds: float = 5.0) -> None:
        """Hold the request this long before answering it normally."""
        self._queue.extend([("hang", seconds)] * n)

    def lose_response_next(self, n: int = 1) -> None:
        """The action is carried out but its answer is lost (a gateway 502 comes back)."""
        self._queue.extend([("lose", 502.0)] * n)

    def maintenance_next(self, n: int = 1) -> None:
        """An HTML page with HTTP 503, as a load balancer shows during maintenance."""
        self._queue.extend([("maintenance", 503.0)] * n)

    def feed_error_next(self, n: int = 1) -> None:
        """The next n feeds are accepted, then end in status `Error` with nothing applied
        and no onFeedCompleted (a status the feeds doc lists)."""
        self._feed_errors += n

    def take_feed_error(self) -> bool:
        if self._feed_errors:
            self._feed_errors -= 1
            return True
        return False

    def slow(self, seconds: float) -> None:
        self.latency = seconds

    def clear(self) -> None:
        self._queue.clear()
        self.latency = 0.0
        self._feed_errors = 0

    def take(self) -> tuple[str, float] | None:
        return self._queue.pop(0) if self._queue else None


def html_page(status: int, text: str = MAINTENANCE_PAGE) -> web.Response:
    return web.Response(text=text, content_type="text/html", status=status)
