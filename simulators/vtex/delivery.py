"""Callbacks VTEX makes to the connector, sent and recorded.

Every POST the simulator makes is kept as a ``Delivery`` so tests can assert what the
connector was told, and ``wait_for`` lets a test wait for an asynchronous callback
without sleeping a fixed time.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import aiohttp


@dataclass
class Delivery:
    """One callback: ``kind`` is catalog, processing-result, invoice, cancel or hook."""

    kind: str
    url: str
    payload: Any
    status: int | None = None
    response: Any = None
    error: str | None = None
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def join_url(base: str, path: str, **query: str) -> str:
    """Append ``path`` to ``base`` keeping base's query string (the connector's token)."""
    parts = urlsplit(base)
    params = [*parse_qsl(parts.query, keep_blank_values=True), *query.items()]
    new_path = parts.path.rstrip("/") + "/" + path.lstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, new_path, urlencode(params), ""))


class Outbox:
    """Sends callbacks through one client session and keeps the record."""

    def __init__(self, *, timeout: float = 5.0) -> None:
        self.deliveries: list[Delivery] = []
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._changed = asyncio.Event()

    async def close(self) -> None:
        await self.drain()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, kind: str, url: str, payload: Any) -> Delivery:
        delivery = Delivery(kind, url, payload)
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._timeout)
            )
        try:
            async with self._session.post(url, json=payload) as response:
                delivery.status = response.status
                text = await response.text()
                try:
                    delivery.response = await response.json(content_type=None)
                except ValueError:
                    delivery.response = text
        except (aiohttp.ClientError, TimeoutError) as exc:
            delivery.error = f"{type(exc).__name__}: {exc}"
        self.deliveries.append(delivery)
        self._changed.set()
        return delivery

    def later(self, coro: Any) -> None:
        """Run a callback chain in the background, the way VTEX answers asynchronously."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def wait_for(self, kind: str, *, count: int = 1, timeout: float = 5.0) -> list[Delivery]:
        """Wait until ``count`` deliveries of ``kind`` exist; return them all."""
        deadline = time.monotonic() + timeout
        while True:
            found = [d for d in self.deliveries if d.kind == kind]
            if len(found) >= count:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{len(found)}/{count} {kind!r} deliveries after {timeout}s")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                continue
