"""Raw signed Seller Center calls for tests and benchmarks of the simulator itself.

Deliberately not the product's Linio client: the simulator is checked against the
protocol (signature, query, headers) built by hand from `clients.linio.signing`, so a bug
shared by client and simulator cannot hide.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
import xmltodict

from clients.linio.signing import signature, string_to_sign
from simulators.linio.server import LinioSimulator
from simulators.linio.state import SimSeller


@dataclass(frozen=True)
class Answer:
    status: int
    text: str
    content_type: str

    @property
    def document(self) -> dict[str, Any]:
        return xmltodict.parse(self.text)

    @property
    def head(self) -> dict[str, Any]:
        root = self.document
        return (root.get("SuccessResponse") or root["ErrorResponse"])["Head"]

    @property
    def body(self) -> Any:
        return self.document["SuccessResponse"]["Body"]

    @property
    def error(self) -> tuple[str, str]:
        """(ErrorCode, ErrorMessage) of an ErrorResponse."""
        head = self.document["ErrorResponse"]["Head"]
        return head["ErrorCode"], head["ErrorMessage"]


def signed_query(
    seller: SimSeller,
    action: str,
    *,
    key: str | None = None,
    when: dt.datetime | str | None = None,
    omit: tuple[str, ...] = (),
    **params: str,
) -> str:
    """The query exactly as signed, plus `&Signature=`; `omit` drops mandatory parameters."""
    stamp = when if isinstance(when, str) else (when or dt.datetime.now(dt.UTC))
    values = {
        "Action": action,
        "Format": "XML",
        "Version": "1.0",
        "UserID": seller.user_id,
        "Timestamp": stamp if isinstance(stamp, str) else stamp.isoformat(timespec="seconds"),
        **params,
    }
    values = {k: v for k, v in values.items() if k not in omit}
    return f"{string_to_sign(values)}&Signature={signature(values, key or seller.api_key)}"


class SellerCenterCaller:
    """Sends signed requests for one seller to a simulator URL."""

    def __init__(self, url: str, seller: SimSeller, session: aiohttp.ClientSession) -> None:
        self.url, self.seller, self.session = url, seller, session
        self.user_agent = f"{seller.seller_id}/Python/3.11"

    async def send(
        self, query: str, *, body: str | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        async with self.session.request(
            "POST" if body is not None else "GET",
            f"{self.url}?{query}",
            data=body.encode() if body is not None else None,
            headers={"User-Agent": self.user_agent} if headers is None else headers,
        ) as response:
            return Answer(response.status, await response.text(), response.content_type)

    async def call(self, action: str, *, body: str | None = None, **params: str) -> Answer:
        return await self.send(signed_query(self.seller, action, **params), body=body)


@contextlib.asynccontextmanager
async def serving(
    sellers: Sequence[SimSeller], **options: Any
) -> AsyncIterator[tuple[LinioSimulator, SellerCenterCaller]]:
    """A running simulator (options as LinioSimulator takes them) and a caller for the
    first seller; both closed on exit."""
    async with LinioSimulator(sellers, **options) as sim, aiohttp.ClientSession() as session:
        yield sim, SellerCenterCaller(sim.url, sellers[0], session)
