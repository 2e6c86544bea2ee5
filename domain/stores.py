"""Stores: one VTEX account selling on one Linio seller account (one country).

Credentials are encrypted at rest with SECRET_KEY (`SecretBox`) and only decrypted into a
`StoreCredentials` object whose repr masks them, so a store printed in a log or a page
shows no secret.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal, InvalidOperation
from typing import Any, Literal
from urllib.parse import quote, urlencode

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from app.secrets_box import SecretBox
from app.storage import STORES
from clients.linio.account import COUNTRY_TLDS
from clients.redact import KNOWN_SECRETS, MASK
from clients.secret_compare import secrets_match
from clients.vtex.inbound import AFFILIATE_ID
from domain.catalog.deactivation import DEACTIVATION_MODES
from domain.catalog.snapshot import StoreRules

COUNTRIES = tuple(COUNTRY_TLDS)  # the Linio countries: one list, in clients/linio/account.py
ACCOUNT = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
# Default affiliate per Linio country when the seller does not choose one (3 consonants).
DEFAULT_AFFILIATES = {"MX": "LMX", "CL": "LCL", "CO": "LCB", "PE": "LPR"}
# Destination of the stock simulation per Linio country when the store sets none: VTEX
# answers no SLA and documents the stock as 0 without postal code and country (SellerFF).
# Country codes are ISO 3166-1 alpha-3, as VTEX's checkout wants them; postal codes are
# each capital's centre.
SIMULATION_DESTINATIONS = {
    "MX": ("06000", "MEX"),
    "CL": ("8320000", "CHL"),
    "CO": ("110111", "COL"),
    "PE": ("15001", "PER"),
}
_ALPHA3 = re.compile(r"^[A-Z]{3}$")
ROUNDING_MODES = ("half_up", "up", "down")
RuleKind = Literal["percent", "amount", "integer", "choice"]


def rule(
    kind: RuleKind,
    *,
    choices: tuple[str, ...] = (),
    optional: bool = False,
    maximum: int | None = None,
) -> dict[str, Any]:
    """Dataclass metadata marking a `Store` field as a store rule: `percent` (decimal ≥ 0),
    `amount` (decimal, may be negative), `integer` (≥ 0, at most `maximum` when given) or
    `choice` (one of `choices`); `optional` lets it be empty (off)."""
    return {"rule": kind, "choices": choices, "optional": optional, "maximum": maximum}


def rule_value(metadata: Mapping[str, Any], raw: str) -> Any:
    """The typed value of a rule field (`rule(...)` metadata) from its text: a decimal
    string (`percent`, `amount`; a comma is read as the decimal point), an int
    (`integer`), one of the choices, or "" for an empty optional rule. Raises ValueError
    saying what the value must be."""
    kind, text = metadata["rule"], raw.strip()
    if text == "" and metadata.get("optional"):
        return ""
    if kind == "choice":
        if text not in metadata["choices"]:
            raise ValueError(f"must be one of {', '.join(metadata['choices'])}")
        return text
    if kind == "integer":
        maximum = metadata.get("maximum")
        if not text.isdigit() or (maximum is not None and int(text) > maximum):
            upper = f" up to {maximum}" if maximum is not None else ""
            raise ValueError(f"must be a whole number of zero or more{upper}")
        return int(text)
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValueError("must be a number") from None
    if not number.is_finite() or (kind == "percent" and number < 0):
        raise ValueError("must be a number of zero or more")
    return format(number.normalize(), "f")


class InvalidStore(ValueError):
    """A store that cannot be saved; `problems` lists each, in words a person can act on."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class AffiliateInUse(ValueError):
    """Another store of the same VTEX account already uses this affiliate id."""

    def __init__(self, affiliate_id: str) -> None:
        super().__init__(f"affiliate {affiliate_id} is already used by another store")
        self.affiliate_id = affiliate_id


@dataclass(frozen=True)
class StoreCredentials:
    linio_api_key: str = ""
    vtex_app_key: str = ""
    vtex_app_token: str = ""
    vtex_cookie: str = ""
    # Seller Center staging hosts also ask for HTTP Basic (Linio's "Ambiente de Staging").
    linio_staging_user: str = ""
    linio_staging_password: str = ""

    def __repr__(self) -> str:
        shown = {k: (MASK if v else "") for k, v in asdict(self).items()}
        return f"StoreCredentials({shown})"

    def secrets(self) -> list[str]:
        values = (
            self.linio_api_key,
            self.vtex_app_token,
            self.vtex_cookie,
            self.linio_staging_password,
        )
        return [v for v in values if v]

    def linio_staging_auth(self) -> tuple[str, str] | None:
        """(user, password) for a staging host's HTTP Basic, when both are set."""
        if self.linio_staging_user and self.linio_staging_password:
            return self.linio_staging_user, self.linio_staging_password
        return None


@dataclass
class Store:
    store_id: str
    account: str
    affiliate_id: str
    sales_channel: str
    country: str
    linio_user_id: str
    name: str = ""
    linio_seller_id: str = ""
    linio_environment: str = "production"
    vtex_seller_id: str = "1"
    dock_id: str = ""
    has_automatic_guide: bool = False
    # Orders: "channel" (Channel Order API, VTEX's current method) or "fulfillment" (the older
    # place + fulfill); VTEX courier name → Linio shipment provider; normalised city → the
    # postal code VTEX's shipping policies use for it (Chile and Peru send no postal code).
    order_method: str = "channel"
    courier_map: dict[str, str] = field(default_factory=dict)
    postal_codes: dict[str, str] = field(default_factory=dict)
    active: bool = True
    email: str = ""
    allow_franchise_accounts: bool = False
    # Only in sandbox mode: the simulators' addresses instead of the production hosts.
    vtex_base_url: str = ""
    linio_base_url: str = ""
    # Destination for the fulfillment simulation that reads price and stock; empty: the
    # country's default (SIMULATION_DESTINATIONS). Set it to an address the seller's
    # carriers serve, or every SKU reads as without SLA.
    simulation_postal_code: str = ""
    simulation_country: str = ""
    # The store's secret in every URL a platform calls. At rest only its keyed hash (for
    # lookup) and its encryption (to show the URLs on the dashboard) are kept.
    notification_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    # Set when VTEX still calls the old `?token=` Search Endpoint: the dashboard asks for
    # the new URL to be pasted.
    legacy_endpoint_used: bool = False
    # Price and stock rules (CLARIFICATIONS §4, issue 10), see `StoreRules`: markup percent
    # and fixed amount (decimal strings, currency units), rounding mode, safety stock
    # (units), price-drop guard percent ("" = no guard).
    # A field with `rule(...)` metadata is a store rule: the dashboard's Stores page
    # renders, validates and saves it (`domain/store_rules.py`) with no template work.
    markup_percent: str = field(default="0", metadata=rule("percent"))
    markup_fixed: str = field(default="0", metadata=rule("amount"))
    rounding: str = field(default="half_up", metadata=rule("choice", choices=ROUNDING_MODES))
    safety_stock: int = field(default=0, metadata=rule("integer"))
    price_drop_guard_percent: str = field(default="", metadata=rule("percent", optional=True))
    # Reconciliation (issue 10): seconds between passes (0 = off) and the most SKUs one pass
    # re-reads (it spends one Seller Center GetProducts per 100 and at most one feed).
    reconcile_interval: int = field(default=3600, metadata=rule("integer"))
    reconcile_budget: int = field(default=500, metadata=rule("integer"))
    # What reconciliation leaves to live changes (CLARIFICATIONS §2, one budget per seller):
    # calls of Seller Center's 30-per-3-s window its own reads never take, and feeds of the
    # quota it never brings below (a pass is deferred while the quota holds fewer).
    reconcile_call_reserve: int = field(default=10, metadata=rule("integer", maximum=29))
    reconcile_feed_reserve: int = field(default=10, metadata=rule("integer"))
    # How a SKU is taken off Linio (`domain.catalog.deactivation`): "inactive" (Status
    # inactive, stock 0; default) or "remove" (ProductRemove, mapping cleaned on Linio's
    # confirmation).
    deactivation: str = field(
        default="inactive", metadata=rule("choice", choices=DEACTIVATION_MODES)
    )
    credentials: StoreCredentials = field(default_factory=StoreCredentials, repr=False)

    def validate(self) -> list[str]:
        """Problems a person must fix, in words they can act on."""
        problems = []
        if not ACCOUNT.match(self.account):
            problems.append(f"VTEX account {self.account!r} is not a valid account name")
        if not AFFILIATE_ID.match(self.affiliate_id):
            problems.append(
                f"affiliate id {self.affiliate_id!r} must be 3 upper-case consonants (e.g. LNX)"
            )
        if not self.sales_channel.isdigit():
            problems.append(f"trade policy id {self.sales_channel!r} must be a number")
        if self.country not in COUNTRIES:
            problems.append(f"country {self.country!r} must be one of {', '.join(COUNTRIES)}")
        if "@" not in self.linio_user_id:
            problems.append("Seller Center user must be the seller's login e-mail")
        if self.order_method not in ("channel", "fulfillment"):
            problems.append("order method must be channel or fulfillment")
        if self.linio_environment not in ("production", "staging"):
            problems.append("Seller Center environment must be production or staging")
        if self.simulation_country and not _ALPHA3.match(self.simulation_country):
            problems.append(
                f"simulation country {self.simulation_country!r} must be a 3-letter ISO code "
                "(e.g. MEX)"
            )
        problems += self._rule_problems()
        return problems

    def _rule_problems(self) -> list[str]:
        """One problem per rule field (`rule(...)` metadata) whose value `rule_value`
        refuses."""
        problems = []
        for f in fields(self):
            if "rule" not in f.metadata:
                continue
            value = getattr(self, f.name)
            try:
                rule_value(f.metadata, str(value))
            except ValueError as exc:
                problems.append(f"{f.name.replace('_', ' ')} {value!r} {exc}")
        return problems

    def rules(self) -> StoreRules:
        """The store's catalog rules for the pure core (`domain.catalog.snapshot.StoreRules`):
        the country's zone and currency decimals, the seller's markup, rounding, safety stock
        and price-drop guard."""
        guard = self.price_drop_guard_percent
        return StoreRules.for_country(
            self.country,
            markup_percent=Decimal(str(self.markup_percent or "0")),
            markup_fixed=Decimal(str(self.markup_fixed or "0")),
            rounding=self.rounding,
            safety_stock=int(self.safety_stock),
            price_drop_guard_percent=Decimal(str(guard)) if guard not in ("", None) else None,
        )

    def simulation_destination(self) -> tuple[str | None, str | None]:
        """(postal code, ISO alpha-3 country) to pass to the fulfillment simulation."""
        postal, country = SIMULATION_DESTINATIONS.get(self.country, (None, None))
        return (
            self.simulation_postal_code or postal,
            self.simulation_country or country,
        )

    def secrets(self) -> list[str]:
        return [*self.credentials.secrets(), self.notification_token]

    def endpoints(self, base_url: str) -> tuple[str, str]:
        """The two URLs a seller pastes into VTEX: the affiliate's Search Endpoint and the
        connector endpoint (template settings app, Channel Order API `connectorEndpoint`,
        marketplace services endpoint for the OMS callbacks). Both carry the store's token
        in the path, under `/vtex/{token}` (CLARIFICATIONS §1)."""
        root = f"{base_url}/vtex/{quote(self.notification_token, safe='')}"
        return f"{root}/catalog/notification", root

    def legacy_endpoint(self, base_url: str) -> str:
        """The old Search Endpoint (`?token=`), still accepted for stores registered with it."""
        query = urlencode({"token": self.notification_token})
        return f"{base_url}/catalog/notification?{query}"


def make_store_id(account: str, country: str) -> str:
    return f"{account}-{country.lower()}"


class StoreRepository:
    def __init__(self, db: AsyncDatabase, box: SecretBox, *, cache_seconds: float = 2.0) -> None:
        self._collection = db[STORES]
        self._box = box
        self._cache_seconds = cache_seconds
        self._cache: dict[tuple[str, str | None], tuple[float, list[Store]]] = {}
        self._token_cache: dict[str, tuple[float, Store | None]] = {}
        self._token_lookups: dict[str, asyncio.Future[Store | None]] = {}
        self._token_generation = 0

    async def cached_by_account(self, account: str, affiliate_id: str | None = None) -> list[Store]:
        """`by_account` for hot paths (notifications): a few seconds of staleness at most,
        and none for changes made through this process."""
        key = (account, affiliate_id)
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self._cache_seconds:
            return hit[1]
        stores = await self.by_account(account, affiliate_id)
        self._cache[key] = (now, stores)
        return stores

    def to_document(self, store: Store) -> dict[str, Any]:
        doc = asdict(store)
        creds = doc.pop("credentials")
        doc["credentials"] = {k: self._box.encrypt(v) for k, v in creds.items() if v}
        token = doc.pop("notification_token")
        doc["token_hash"] = self._box.digest(token)
        doc["token_encrypted"] = self._box.encrypt(token)
        return doc

    def from_document(self, doc: dict[str, Any]) -> Store:
        data = {
            k: v
            for k, v in doc.items()
            if k in Store.__dataclass_fields__ and k != "notification_token"
        }
        encrypted = doc.get("credentials") or {}
        data["credentials"] = StoreCredentials(
            **{k: self._box.decrypt(v) for k, v in encrypted.items()}
        )
        if doc.get("token_encrypted"):
            data["notification_token"] = self._box.decrypt(doc["token_encrypted"])
        elif doc.get("notification_token"):  # written before tokens were hashed
            data["notification_token"] = doc["notification_token"]
        store = Store(**data)
        KNOWN_SECRETS.add(store.secrets())  # masked by value in logs and dead letters
        return store

    async def migrate_tokens(self) -> int:
        """Replace plaintext tokens of older versions by hash + encryption; returns how many."""
        migrated = 0
        async for doc in self._collection.find({"notification_token": {"$exists": True}}):
            token = doc["notification_token"]
            await self._collection.update_one(
                {"_id": doc["_id"]},
                {
                    "$set": {
                        "token_hash": self._box.digest(token),
                        "token_encrypted": self._box.encrypt(token),
                    },
                    "$unset": {"notification_token": ""},
                },
            )
            migrated += 1
        if migrated:
            self._cache.clear()
            self._forget_tokens()
        return migrated

    async def by_token(self, token: str) -> Store | None:
        """The store whose secret is `token`, found by its keyed hash (a few seconds of
        cache on this hot path; none for changes made through this process).

        Under a storm of notifications the cache must not stampede: one lookup per token is
        in flight at a time (the others wait for it), and an entry that just expired is
        still served while that one lookup refreshes it — never one older than twice the
        cache time."""
        if not token:
            return None
        digest = self._box.digest(token)
        now = time.monotonic()
        hit = self._token_cache.get(digest)
        if hit is not None and now - hit[0] < self._cache_seconds:
            return hit[1]
        lookup = self._token_lookups.get(digest)
        if lookup is None:
            lookup = asyncio.ensure_future(self._look_up_token(digest))
            self._token_lookups[digest] = lookup
            lookup.add_done_callback(lambda _: self._token_lookups.pop(digest, None))
        if hit is not None and now - hit[0] < 2 * self._cache_seconds:
            return hit[1]
        return await asyncio.shield(lookup)

    async def _look_up_token(self, digest: str) -> Store | None:
        generation, now = self._token_generation, time.monotonic()
        doc = await self._collection.find_one({"token_hash": digest})
        store = self.from_document(doc) if doc else None
        if generation == self._token_generation:  # no change through this process meanwhile
            if len(self._token_cache) > 10_000:  # unknown tokens must not grow memory forever
                self._token_cache.clear()
            self._token_cache[digest] = (now, store)
        return store

    def _forget_tokens(self) -> None:
        self._token_cache.clear()
        self._token_generation += 1

    async def rotate_token(self, store_id: str) -> Store | None:
        """Give the store a new secret; every URL with the old one stops working at once."""
        store = await self.get(store_id)
        if store is None:
            return None
        token = secrets.token_urlsafe(24)
        await self._collection.update_one(
            {"store_id": store_id},
            {
                "$set": {
                    "token_hash": self._box.digest(token),
                    "token_encrypted": self._box.encrypt(token),
                    "legacy_endpoint_used": False,
                    "updated_at": dt.datetime.now(dt.UTC),
                },
                "$unset": {"notification_token": ""},
            },
        )
        self._cache.clear()
        self._forget_tokens()
        store.notification_token = token
        store.legacy_endpoint_used = False
        KNOWN_SECRETS.add([token])
        return store

    async def note_legacy_endpoint(self, store: Store) -> None:
        """Remember (once) that VTEX still calls this store's old `?token=` URL."""
        if store.legacy_endpoint_used:
            return
        store.legacy_endpoint_used = True
        await self._collection.update_one(
            {"store_id": store.store_id}, {"$set": {"legacy_endpoint_used": True}}
        )

    async def upsert(self, store: Store) -> bool:
        """Insert or update by store id; True when the stored document changed.

        Raises `InvalidStore` (the problems, in words a person can act on) and
        `AffiliateInUse` when another store of the account has the same affiliate."""
        problems = store.validate()
        if problems:
            raise InvalidStore(problems)
        existing = await self._collection.find_one({"store_id": store.store_id})
        if existing is not None:
            # The token is the store's, not the caller's: an update never replaces it.
            known = self.from_document(existing)
            store.notification_token = known.notification_token
            store.legacy_endpoint_used = known.legacy_endpoint_used
            if known == store and "notification_token" not in existing:
                return False
        doc = self.to_document(store)
        KNOWN_SECRETS.add(store.secrets())
        now = dt.datetime.now(dt.UTC)
        try:
            await self._collection.update_one(
                {"store_id": store.store_id},
                {
                    "$set": {**doc, "updated_at": now},
                    "$setOnInsert": {"created_at": now},
                    "$unset": {"notification_token": ""},
                },
                upsert=True,
            )
        except DuplicateKeyError:
            raise AffiliateInUse(store.affiliate_id) from None
        self._cache.clear()
        self._forget_tokens()
        return True

    async def get(self, store_id: str) -> Store | None:
        doc = await self._collection.find_one({"store_id": store_id})
        return self.from_document(doc) if doc else None

    async def by_account(self, account: str, affiliate_id: str | None = None) -> list[Store]:
        query: dict[str, Any] = {"account": account}
        if affiliate_id:
            query["affiliate_id"] = affiliate_id
        return [self.from_document(doc) async for doc in self._collection.find(query)]

    async def by_vtex_credentials(
        self, app_key: str, app_token: str, account: str | None = None
    ) -> list[Store]:
        """Stores whose VTEX appKey and appToken are these (of `account` when given),
        compared in constant time: the one check of the routes VTEX calls with its app key
        (the template's config route, the log endpoint)."""
        stores = await (self.by_account(account) if account else self.list())
        return [
            store
            for store in stores
            if secrets_match(app_key, store.credentials.vtex_app_key)
            and secrets_match(app_token, store.credentials.vtex_app_token)
        ]

    async def list(self, *, active_only: bool = False) -> list[Store]:
        query = {"active": True} if active_only else {}
        cursor = self._collection.find(query).sort("store_id", 1)
        return [self.from_document(doc) async for doc in cursor]

    async def ids(self) -> list[str]:
        return [doc["store_id"] async for doc in self._collection.find({}, {"store_id": 1})]

    async def set_fields(self, store_id: str, values: dict[str, Any]) -> None:
        """Set plain fields of a stored store (rules, courier and postal-code maps) as
        given, already validated; never credentials or the token."""
        assert not {"credentials", "notification_token", "store_id"} & set(values)
        self._cache.clear()
        self._forget_tokens()
        await self._collection.update_one(
            {"store_id": store_id},
            {"$set": {**values, "updated_at": dt.datetime.now(dt.UTC)}},
        )

    async def set_active(self, store_id: str, active: bool) -> None:
        self._cache.clear()
        self._forget_tokens()
        await self._collection.update_one(
            {"store_id": store_id},
            {"$set": {"active": active, "updated_at": dt.datetime.now(dt.UTC)}},
        )
