"""Affiliates: the binding of a marketplace to a trade policy and its catalog Search Endpoint."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class AffiliateInvalid(ValueError):
    """The affiliate cannot be saved; ``code`` is the checkout error code VTEX uses."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Affiliate:
    id: str
    sales_channel: str
    name: str = ""
    follow_up_email: str | None = None
    search_uri_endpoint: str | None = None
    search_uri_endpoint_version: str = "1.x.x"
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name or self.id,
            "salesChannel": self.sales_channel,
            "followUpEmail": self.follow_up_email,
            "searchURIEndpoint": self.search_uri_endpoint,
            "searchURIEndpointVersion": self.search_uri_endpoint_version,
            "searchURIEndpointAvailableVersions": ["1.x.x"],
            "useSellerPaymentMethod": False,  # Marketplace APIs' GET shape
            "minimumValueAccumulated": None,
            **self.extra,
        }


_KNOWN = {
    "id",
    "name",
    "salesChannel",
    "followUpEmail",
    "searchURIEndpoint",
    "searchURIEndpointVersion",
    "searchURIEndpointAvailableVersions",
}


def affiliate_from_json(affiliate_id: str, body: dict[str, Any]) -> Affiliate:
    """Validate a PUT body the way checkout does (FMT0031, FMT0029)."""
    keys = {k.lower(): k for k in body}

    def get(name: str) -> Any:
        return body.get(keys.get(name.lower(), name))

    if len(affiliate_id) != 3:
        raise AffiliateInvalid("FMT0031", "Affiliate id must have 3 characters")
    version = get("searchURIEndpointVersion") or "1.x.x"
    if version != "1.x.x":
        raise AffiliateInvalid("FMT0029", "Invalid search URI endpoint version")
    sales_channel = get("salesChannel")
    if sales_channel is None or not str(sales_channel).isdigit():
        raise AffiliateInvalid("FMT0021", "Invalid sales channel")
    return Affiliate(
        id=affiliate_id,
        sales_channel=str(sales_channel),
        name=get("name") or affiliate_id,
        follow_up_email=get("followUpEmail"),
        search_uri_endpoint=get("searchURIEndpoint"),
        search_uri_endpoint_version=version,
        extra={
            k: v
            for k, v in body.items()
            if k not in _KNOWN and k.lower() not in {n.lower() for n in _KNOWN}
        },
    )
