"""Who we call Seller Center as, and where.

Seller Center has one host per country and environment and no path; the official SDK
leaves the mapping to configuration, which is how sellers end up signing staging keys
against production. Here the store's country and environment pick the host, and only the
simulator/sandbox overrides it with an explicit ``base_url``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from clients.errors import ConfigError
from clients.linio.signing import user_agent
from clients.redact import MASK

API_VERSION = "1.0"

# Country code -> top-level domain of the Linio site.
COUNTRY_TLDS = {"MX": "com.mx", "CL": "cl", "CO": "com.co", "PE": "com.pe"}
ENVIRONMENTS = ("production", "staging")
# Country code -> the zone Seller Center's host of that country writes entity dates in and
# reads naive date filters in (Head/Timestamp carries its offset: -0600 MX, -0500 CO/PE).
COUNTRY_ZONES = {
    "MX": "America/Mexico_City",
    "CO": "America/Bogota",
    "PE": "America/Lima",
    "CL": "America/Santiago",
}


def zone_for(country: str) -> ZoneInfo:
    """The seller country's time zone; ValueError for a country Linio does not serve."""
    name = COUNTRY_ZONES.get(country.upper())
    if name is None:
        raise ConfigError(f"Unknown Linio country {country!r} (use {', '.join(COUNTRY_ZONES)}).")
    return ZoneInfo(name)


def base_url_for(country: str, environment: str = "production") -> str:
    """``https://sellercenter-api[-staging].linio.<tld>/`` for a store's country/environment."""
    tld = COUNTRY_TLDS.get(country.upper())
    if tld is None:
        raise ConfigError(f"Unknown Linio country {country!r} (use {', '.join(COUNTRY_TLDS)}).")
    if environment not in ENVIRONMENTS:
        raise ConfigError(
            f"Unknown Seller Center environment {environment!r} (production or staging)."
        )
    suffix = "" if environment == "production" else "-staging"
    return f"https://sellercenter-api{suffix}.linio.{tld}/"


@dataclass(frozen=True)
class LinioAccount:
    """One Seller Center seller account: the unit of signing, rate limit and feed quota.

    `staging_auth` is the (user, password) pair staging hosts ask for with HTTP Basic
    (Linio's "Ambiente de Staging"); it is sent as an Authorization header, never put in
    the URL, and never shown.
    """

    user_id: str
    api_key: str
    seller_id: str
    country: str
    environment: str = "production"
    staging_auth: tuple[str, str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.api_key:
            raise ConfigError("The Seller Center API key is missing.")
        if not self.user_id:
            raise ConfigError("The Seller Center user (e-mail) is missing.")

    def __repr__(self) -> str:
        return (
            f"LinioAccount(user_id={self.user_id!r}, api_key={MASK!r}, "
            f"seller_id={self.seller_id!r}, country={self.country!r}, "
            f"environment={self.environment!r}, "
            f"staging_auth={MASK if self.staging_auth else None!r})"
        )

    __str__ = __repr__

    @property
    def base_url(self) -> str:
        return base_url_for(self.country, self.environment)

    @property
    def zone(self) -> ZoneInfo:
        """The zone of the seller's Seller Center host (entity dates, naive filters)."""
        return zone_for(self.country)

    @property
    def key(self) -> str:
        """Stable name for per-account resources (breakers, limiter metrics)."""
        return f"{self.country.lower()}:{self.seller_id or self.user_id}"

    def user_agent(self) -> str:
        """``SellerId/Python/<version>/<country>``: the header Seller Center requires."""
        return user_agent(self.seller_id, country=self.country.upper())
