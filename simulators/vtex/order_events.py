"""Order status events: Feed v3 (pull, commit by handle) and Hook (push), one of each per key.

The simulator evaluates ``FromWorkflow`` status filters; a ``FromOrders`` JSONata
expression is stored but not evaluated (every change matches).
"""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any
from urllib.parse import urlsplit

from simulators.vtex.catalog import now_iso
from simulators.vtex.delivery import Outbox
from simulators.vtex.orders import SimOrder


class HookRejected(ValueError):
    """The hook configuration cannot be saved (VTEX answers 400)."""


def _loopback(host: str | None) -> bool:
    if host in (None, ""):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _matches(config: dict[str, Any] | None, status: str) -> bool:
    if not config:
        return False
    flt = config.get("filter") or {}
    if flt.get("type") == "FromWorkflow":
        return status in (flt.get("status") or [])
    return True


class OrderEvents:
    def __init__(self, account: str, app_key: str, outbox: Outbox) -> None:
        self._account = account
        self._app_key = app_key
        self._outbox = outbox
        self.feed_config: dict[str, Any] | None = None
        self.hook_config: dict[str, Any] | None = None
        self.feed: list[dict[str, Any]] = []

    def set_feed_config(self, config: dict[str, Any]) -> None:
        flt = config.get("filter") or {}
        if "status" in flt and "expression" in flt:
            raise HookRejected("filter: use either status (FromWorkflow) or expression")
        self.feed_config = config

    async def set_hook_config(self, config: dict[str, Any]) -> None:
        """Ping the hook URL; save only if it answers 200 (VTEX's rule)."""
        url = ((config.get("hook") or {}).get("url")) or ""
        parts = urlsplit(url)
        if parts.scheme != "https" and not (parts.scheme == "http" and _loopback(parts.hostname)):
            raise HookRejected("hook.url must be https")
        delivery = await self._outbox.send("hook-ping", url, {"hookConfig": "ping"})
        if delivery.status != 200:
            raise HookRejected(f"hook.url answered {delivery.status or delivery.error} to the ping")
        self.hook_config = config

    def emit(self, order: SimOrder, last_state: str | None) -> None:
        change = now_iso()
        origin = {"account": self._account, "key": self._app_key}
        if _matches(self.feed_config, order.status):
            self.feed.append(
                {
                    "eventId": uuid.uuid4().hex,
                    "handle": uuid.uuid4().hex,
                    "domain": "Marketplace",
                    "state": order.status,
                    "lastState": last_state,
                    "orderId": order.order_id,
                    "lastChange": change,
                    "currentChange": change,
                    "origin": origin,
                }
            )
        if self.hook_config and _matches(self.hook_config, order.status):
            url = self.hook_config["hook"]["url"]
            payload = {
                "Domain": "Marketplace",
                "OrderId": order.order_id,
                "State": order.status,
                "LastState": last_state,
                "LastChange": change,
                "CurrentChange": change,
                "Origin": {"Account": self._account, "Key": self._app_key},
            }
            self._outbox.later(self._outbox.send("hook", url, payload))

    def read_feed(self, max_lot: int) -> list[dict[str, Any]]:
        return self.feed[:max_lot]

    def commit(self, handles: list[str]) -> None:
        done = set(handles)
        self.feed = [e for e in self.feed if e["handle"] not in done]
