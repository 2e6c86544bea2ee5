"""Who may use the dashboard and its APIs, checked in one place for every route.

- Accounts come from the settings: ADMIN_USER (role `admin`) and an optional read-only
  SUPPORT_USER (role `support`). Passwords are kept only as scrypt hashes (`hashlib.scrypt`,
  standard library: no native dependency, memory-hard); a setting may hold the plain
  password or a hash made by `vtex-linio hash-password`.
- Browsers sign in at `/login` and get a session: an encrypted, signed cookie
  (`aiohttp-session`'s `EncryptedCookieStorage`, Fernet from `cryptography`, key derived from
  SECRET_KEY), HttpOnly, SameSite=Lax, Secure behind https, 12 hours at most.
- Every form carries the session's CSRF token; a POST without it is refused.
- Programs keep HTTP Basic for the JSON/status APIs and VTEX's log endpoint; Basic never
  authorises a form action (a browser that cached the credentials would send them along
  with a forged form).
- Wrong passwords are throttled per client address (`LoginThrottle`).

Handlers declare what they are with `page`, `api` or `action` (`access(handler)` reads
it); `app/web.py`'s middleware applies the rules.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from aiohttp import web
from aiohttp_session import Session, get_session
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from app.settings import Settings

Role = Literal["admin", "support"]
Access = Literal["page", "api", "action", "own_action"]
SESSION_COOKIE = "vtex_linio_session"
SESSION_MAX_AGE = 12 * 3600
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

# --- password hashes ---------------------------------------------------------------------

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_PREFIX = "scrypt$"


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """`scrypt$N$r$p$<salt b64>$<hash b64>` (RFC 7914 parameters, 64-byte key)."""
    salt = salt or secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=64, **_SCRYPT)
    return _PREFIX + "$".join(
        [
            str(_SCRYPT["n"]),
            str(_SCRYPT["r"]),
            str(_SCRYPT["p"]),
            base64.b64encode(salt).decode("ascii"),
            base64.b64encode(key).decode("ascii"),
        ]
    )


def verify_password(password: str, hashed: str) -> bool:
    """True when `password` matches `hashed` (constant-time compare); False for a bad hash."""
    try:
        n, r, p, salt, key = hashed.removeprefix(_PREFIX).split("$")
        expected = base64.b64decode(key)
        given = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, binascii.Error):
        return False
    return hmac.compare_digest(given, expected)


def _hashed(setting: str) -> str:
    return setting if setting.startswith(_PREFIX) else hash_password(setting)


@dataclass(frozen=True)
class Account:
    user: str
    password_hash: str
    role: Role


class Accounts:
    """The dashboard's accounts, built once from the settings (plain passwords hashed then)."""

    def __init__(self, settings: Settings) -> None:
        self._accounts: dict[str, Account] = {
            settings.admin_user: Account(
                settings.admin_user, _hashed(settings.admin_password), "admin"
            )
        }
        if settings.support_user and settings.support_password:
            self._accounts[settings.support_user] = Account(
                settings.support_user, _hashed(settings.support_password), "support"
            )
        # Basic auth is checked on every API call: remember digests of pairs already
        # verified so scrypt runs once per pair, not once per request.
        self._verified: dict[bytes, Account] = {}

    def check(self, user: str, password: str) -> Account | None:
        """The account when user and password match, else None (same work either way)."""
        account = self._accounts.get(user)
        if account is None:
            verify_password(password, next(iter(self._accounts.values())).password_hash)
            return None
        digest = hashlib.sha256(f"{user}\x00{password}".encode()).digest()
        if self._verified.get(digest) is account:
            return account
        if not verify_password(password, account.password_hash):
            return None
        if len(self._verified) > 100:
            self._verified.clear()
        self._verified[digest] = account
        return account

    def basic(self, request: web.BaseRequest) -> Account | None:
        """The account of a valid `Authorization: Basic` header, else None."""
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        try:
            given = base64.b64decode(header[6:], validate=True).decode("utf-8")
        except (ValueError, binascii.Error):
            return None
        user, sep, password = given.partition(":")
        return self.check(user, password) if sep else None


ACCOUNTS = web.AppKey("accounts", Accounts)


def is_admin(request: web.Request, settings: Settings) -> bool:
    """True for a request carrying the admin's valid Basic credentials (VTEX log endpoint)."""
    accounts = request.app.get(ACCOUNTS) or Accounts(settings)
    account = accounts.basic(request)
    return account is not None and account.role == "admin"


# --- sessions and CSRF -------------------------------------------------------------------


def session_storage(settings: Settings) -> EncryptedCookieStorage:
    """The cookie session store; its Fernet key is derived from SECRET_KEY."""
    key = hashlib.sha256(b"vtex-linio session\x00" + settings.secret_key.encode()).digest()
    return EncryptedCookieStorage(
        key,
        cookie_name=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.public_base_url.startswith("https://"),
        path="/",
    )


def start_session(session: Session, account: Account) -> None:
    """A fresh session for `account` with a new CSRF token (never reuse the anonymous one)."""
    session.invalidate()
    session["user"] = account.user
    session["role"] = account.role
    session["csrf"] = secrets.token_urlsafe(32)
    session["since"] = int(time.time())


async def csrf_token(request: web.Request) -> str:
    """The token the current session's forms carry (created for anonymous sessions too, so
    the login form has one)."""
    session = await get_session(request)
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


async def csrf_valid(request: web.Request) -> bool:
    """True when the form field (or header) matches the session's token."""
    session = await get_session(request)
    expected = session.get("csrf")
    given = request.headers.get(CSRF_HEADER, "")
    if not given and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        given = str((await request.post()).get(CSRF_FIELD, ""))
    return bool(expected) and hmac.compare_digest(str(given), str(expected))


@dataclass(frozen=True)
class Viewer:
    """Who is asking: user, role, and how they proved it (`session` or `basic`)."""

    user: str
    role: Role
    via: Literal["session", "basic"]

    @property
    def may_act(self) -> bool:
        return self.role == "admin"


VIEWER_KEY = web.RequestKey("vtex_linio_viewer", Viewer)


async def identify(request: web.Request) -> Viewer | None:
    session = await get_session(request)
    user, role = session.get("user"), session.get("role")
    if user and role in ("admin", "support"):
        return Viewer(str(user), role, "session")
    account = request.app[ACCOUNTS].basic(request)
    if account is not None:
        return Viewer(account.user, account.role, "basic")
    return None


def viewer(request: web.Request) -> Viewer | None:
    """The viewer the auth middleware identified (None on public routes)."""
    return request.get(VIEWER_KEY)


# --- what a handler is -------------------------------------------------------------------

H = TypeVar("H", bound=Callable[..., object])
_ACCESS_ATTR = "vtex_linio_access"


def _mark(kind: Access) -> Callable[[H], H]:
    def mark(handler: H) -> H:
        setattr(handler, _ACCESS_ATTR, kind)
        return handler

    return mark


page = _mark("page")
"""A dashboard page (GET, HTML): without login the browser is sent to /login."""
api = _mark("api")
"""A JSON or CSV API (GET): session or HTTP Basic; without them 401 JSON."""
action = _mark("action")
"""A form action (POST): a session with the admin role and the form's CSRF token."""
own_action = _mark("own_action")
"""A form action on the viewer's own session (sign out): any role, session and CSRF."""


def access(handler: object) -> Access:
    """How a private route is guarded; undeclared handlers are APIs (401, Basic allowed)."""
    return getattr(handler, _ACCESS_ATTR, "api")


# --- wrong passwords ---------------------------------------------------------------------


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


THROTTLE = web.AppKey("login_throttle", LoginThrottle)
