"""Faults a test asks for: what a gateway, a maintenance window or a slow platform do."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiohttp import web

MAINTENANCE_PAGE = (
    "<!DOCTYPE html><html><head><title>Seller Center</title></head><body>"
    "<h1>Estamos en mantenimiento</h1><p>We are under maintenance. Vuelve pronto.</p>"
    "</body></html>"
)


@dataclass
class Pause:
    """One request of `action` held by the simulator until `release()` (see
    `FaultInjector.pause`). `reached` is set when the request arrives; `applied` says
    whether the action was carried out before holding (its answer is then what waits).
    `skip`: requests of `action` let through before this one is held."""

    action: str
    skip: int = 0
    applied: bool = False
    reached: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)
    dropped: bool = False

    def release(self, *, drop: bool = False) -> None:
        """Answer the held request. `drop` (only when not `applied`): it never reached
        Seller Center: nothing is done and a gateway's 503 E006 comes back (to a caller
        that may be gone); otherwise it is carried out now."""
        self.dropped = drop and not self.applied
        self.released.set()


class FaultInjector:
    """The next n requests fail, hang, lose their answer or show a maintenance page;
    `slow` delays every request until `clear`; `pause` holds one request of an action
    until the test releases it (a deterministic moment to strike)."""

    def __init__(self) -> None:
        self._queue: list[tuple[str, float]] = []
        self.latency = 0.0
        self._feed_errors = 0
        self._pauses: list[Pause] = []
        self._by_action: dict[str, list[tuple[str, float]]] = {}

    def pause(self, action: str, *, skip: int = 0, applied: bool = False) -> Pause:
        """Hold the request of `action` that comes after `skip` more of them: `applied`
        False holds it before the action is done (nothing changed yet), True after (the
        action is done and its answer waits). The request is answered once released; a
        caller that died meanwhile never reads the answer."""
        held = Pause(action, skip, applied)
        self._pauses.append(held)
        return held

    def take_pause(self, action: str) -> Pause | None:
        """The pause that holds this request of `action`, if any (counts the skips)."""
        for held in self._pauses:
            if held.action != action:
                continue
            if held.skip > 0:
                held.skip -= 1
                return None
            self._pauses.remove(held)
            return held
        return None

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

    def fail_action_next(self, action: str, n: int = 1, status: int = 503) -> None:
        """The next n requests of `action` (only those) get an ErrorResponse E006 of
        ErrorType Platform with this HTTP status; other actions are answered normally."""
        self._by_action.setdefault(action, []).extend([("status", float(status))] * n)

    def garble_next(self, action: str, n: int = 1) -> None:
        """The next n requests of `action` are carried out, then answered HTTP 200 with
        the reply cut in half (an unreadable body: a proxy or a cut connection)."""
        self._by_action.setdefault(action, []).extend([("garble", 200.0)] * n)

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
        self._by_action.clear()
        for held in self._pauses:
            held.release()
        self._pauses.clear()

    def take(self, action: str | None = None) -> tuple[str, float] | None:
        """The fault for this request: one aimed at its action first, then the next of
        the general queue."""
        aimed = self._by_action.get(action or "")
        if aimed:
            return aimed.pop(0)
        return self._queue.pop(0) if self._queue else None


def html_page(status: int, text: str = MAINTENANCE_PAGE) -> web.Response:
    return web.Response(text=text, content_type="text/html", status=status)
