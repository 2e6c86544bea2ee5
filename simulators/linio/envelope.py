"""Seller Center's two reply envelopes, shaped like the fixtures.

SuccessResponse: Head (RequestId, RequestAction, ResponseType, Timestamp with the seller
country's offset without colon, optional RequestParameters and TotalCount) and Body.
ErrorResponse: Head (RequestAction, ErrorType, ErrorCode, ErrorMessage) and a Body that is
empty or holds ErrorDetail elements. `Format=JSON` gets the same tree as JSON with every
scalar a string, one element an object and several an array, as the GFG SDKs read it.

Dates: a host lives in its country's zone (audit D1). Entity dates are that zone's
wall-clock time without offset (`sc_date`), naive date filters are read in that zone
(`parse_when`), Head/Timestamp carries its offset (`head_timestamp`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import xmltodict
from aiohttp import web


@dataclass(frozen=True)
class Detail:
    """One ErrorDetail of a refused request (the platform sends up to 50)."""

    field: str
    message: str
    value: str = ""
    seller_sku: str = ""


class Refused(Exception):
    """An action refused with Seller Center's error code and message (e.g. 7, "E007: …")."""

    def __init__(
        self,
        code: int,
        message: str,
        status: int = 400,
        kind: str = "Sender",
        details: Sequence[Detail] = (),
    ) -> None:
        super().__init__(message)
        self.code, self.message, self.status, self.kind = code, message, status, kind
        self.details = tuple(details)


def head_timestamp(now: dt.datetime | None = None, zone: dt.tzinfo = dt.UTC) -> str:
    """`2019-01-18T06:54:50-0500`: the fixtures' Head/Timestamp in the host's zone, offset
    without colon."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S%z")


def sc_date(value: dt.datetime | None, zone: dt.tzinfo = dt.UTC) -> str | None:
    """Entity dates (CreatedAt, UpdatedDate…): `YYYY-MM-DD HH:MM:SS`, the host zone's
    wall-clock time, without a zone."""
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if value else None


def parse_when(value: str, zone: dt.tzinfo = dt.UTC) -> dt.datetime:
    """A date filter as clients send it (with or without offset, `T` or space); a naive
    one is wall-clock time of the host's `zone`, as the SDKs' zone-less filters assume.

    Raises ValueError for anything else, which each action maps to its own error code.
    """
    stamp = dt.datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=zone)


def _render(document: dict[str, Any], status: int, as_json: bool) -> web.Response:
    if as_json:
        return web.Response(
            text=json.dumps(_strings(document), ensure_ascii=False),
            content_type="application/json",
            status=status,
        )
    return web.Response(text=xmltodict.unparse(document), content_type="text/xml", status=status)


def _strings(node: Any) -> Any:
    """Every scalar a string, empty ``""``, a one-element list collapsed to its element."""
    if isinstance(node, dict):
        return {k: _strings(v) for k, v in node.items()}
    if isinstance(node, list):
        return _strings(node[0]) if len(node) == 1 else [_strings(v) for v in node]
    return "" if node is None else str(node)


@dataclass(frozen=True)
class Reply:
    """What an action answers; the endpoint wraps it in a SuccessResponse."""

    body: Any = None
    response_type: str = ""
    request_id: str = ""
    parameters: dict[str, str] | None = None
    total: int | None = None


def success(
    action: str, reply: Reply, *, as_json: bool = False, zone: dt.tzinfo = dt.UTC
) -> web.Response:
    head: dict[str, Any] = {
        "RequestId": reply.request_id,
        "RequestAction": action,
        "ResponseType": reply.response_type,
        "Timestamp": head_timestamp(zone=zone),
    }
    if reply.parameters:
        head["RequestParameters"] = reply.parameters
    if reply.total is not None:
        head["TotalCount"] = str(reply.total)
    body = reply.body if reply.body is not None else ""
    return _render({"SuccessResponse": {"Head": head, "Body": body}}, 200, as_json)


def failure(
    action: str | None, refused: Refused, *, as_json: bool = False, status: int | None = None
) -> web.Response:
    """The ErrorResponse; `status` overrides the refusal's HTTP status (the GFG platform
    sends ErrorResponses with HTTP 200, the Linio SDK's tests with 400)."""
    body: Any = ""
    if refused.details:
        body = {
            "ErrorDetail": [
                {
                    "Field": d.field,
                    "Message": d.message,
                    "Value": d.value,
                    "SellerSku": d.seller_sku,
                }
                for d in refused.details
            ]
        }
    document = {
        "ErrorResponse": {
            "Head": {
                "RequestAction": action or "",
                "ErrorType": refused.kind,
                "ErrorCode": str(refused.code),
                "ErrorMessage": refused.message,
            },
            "Body": body,
        }
    }
    return _render(document, status or refused.status, as_json)
