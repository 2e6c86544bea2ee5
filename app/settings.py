"""Settings: one object built from the environment and validated at start-up.

Every module receives the settings it needs as an argument (aiohttp's `polls` model),
never by importing a global, so tests build their own with `Settings.from_env({...})`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("console", "json")


class SettingsError(ValueError):
    """A variable of the environment is invalid; the message names it and says what to set."""


@dataclass(frozen=True)
class EnvVar:
    name: str
    default: str | None
    example: str
    help: str


# The single list of variables: `Settings.from_env` reads it, `vtex-linio --help` and the
# README table are written from it.
ENV_VARS: tuple[EnvVar, ...] = (
    EnvVar("HOST", "127.0.0.1", "0.0.0.0", "interface the web server binds to"),
    EnvVar("PORT", "8080", "8080", "port of the web server"),
    EnvVar(
        "PUBLIC_BASE_URL",
        None,
        "https://linio.example.com",
        "URL VTEX uses to reach this service (default http://HOST:PORT)",
    ),
    EnvVar(
        "MONGODB_URI",
        None,
        "mongodb://db.internal:27017",
        "MongoDB server; unset = embedded SecantusDB under DATA_DIR",
    ),
    EnvVar("MONGODB_DB", "vtex_linio", "vtex_linio", "database name"),
    EnvVar(
        "AMQP_URL",
        None,
        "amqp://guest:guest@127.0.0.1:5672/",
        "RabbitMQ broker; unset = in-process broker",
    ),
    EnvVar(
        "DATA_DIR",
        "./data",
        "/var/lib/vtex-linio",
        "embedded database files, the in-process broker's journal, generated secrets",
    ),
    EnvVar(
        "SECRET_KEY",
        None,
        "a-long-random-string-of-32+-chars",
        "encrypts stored credentials; unset = generated once into DATA_DIR/secret.key",
    ),
    EnvVar("ADMIN_USER", "admin", "admin", "dashboard user"),
    EnvVar(
        "ADMIN_PASSWORD",
        None,
        "change-me-please",
        "dashboard password (plain or a `vtex-linio hash-password` hash); "
        "unset = generated once into DATA_DIR/admin.password",
    ),
    EnvVar("SUPPORT_USER", None, "support", "optional read-only dashboard user (support staff)"),
    EnvVar(
        "SUPPORT_PASSWORD",
        None,
        "scrypt$16384$8$1$…",
        "password of SUPPORT_USER (plain or hashed); the user exists only when both are set",
    ),
    EnvVar(
        "METRICS_TOKEN",
        None,
        "a-long-random-token",
        "bearer token for GET /metrics; unset = generated once into DATA_DIR/metrics.token",
    ),
    EnvVar("LOG_LEVEL", "INFO", "DEBUG", "one of DEBUG, INFO, WARNING, ERROR"),
    EnvVar("LOG_FORMAT", "console", "json", "console (readable) or json (production)"),
    EnvVar("LOG_RETENTION_DAYS", "90", "30", "seller-facing logs older than this are deleted"),
    EnvVar("MAX_REQUEST_BYTES", "1048576", "2097152", "largest accepted request body"),
    EnvVar(
        "READ_TIMEOUT",
        "15",
        "30",
        "seconds a client has to send a request's headers (and its body); then it is cut",
    ),
    EnvVar("BROKER_PREFETCH", "50", "100", "messages in flight per consumer"),
    EnvVar(
        "QUEUE_STALL_SECONDS",
        "60",
        "120",
        "a queue with messages waiting and nothing acknowledged for this long is stalled: "
        "a warning in the log, a red line on the overview, /ready degraded, a /metrics gauge",
    ),
    EnvVar("RETRY_MAX_ATTEMPTS", "10", "12", "attempts before a message is dead-lettered (>= 10)"),
    EnvVar("RETRY_BASE_DELAY", "1.0", "2", "seconds before the first retry; doubles each time"),
    EnvVar("RETRY_MAX_DELAY", "300", "600", "longest delay between two retries, seconds"),
    EnvVar(
        "ORDER_POLL_INTERVAL",
        "60",
        "120",
        "seconds between two GetOrders rounds of the safety net that catches lost webhooks",
    ),
    EnvVar(
        "FEED_POLL_INTERVAL",
        "10",
        "30",
        "seconds between FeedStatus reads of a feed in flight (onFeedCompleted is faster)",
    ),
    EnvVar(
        "FEED_OWNER_LEASE",
        "120",
        "120",
        "seconds a seller's feed owner holds its lease (renewed every round); after a crash "
        "the next owner waits at most this long",
    ),
    EnvVar(
        "DB_COUNTS_DIR",
        None,
        "/var/lib/vtex-linio/counts",
        "directory where each process writes its database-command and HTTP-call counts per "
        "pipeline as `<role>-<pid>.json` every 2 s (the benchmark reads them); unset = none",
    ),
    EnvVar(
        "SANDBOX",
        "0",
        "1",
        "1 = `serve` starts the VTEX and Linio simulators and a demo store wired to them",
    ),
    EnvVar(
        "ALLOW_LOOPBACK",
        "0",
        "0",
        "1 = stores may point at 127.0.0.1 (simulators: sandbox, `vtex-linio bench`)",
    ),
)


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    public_base_url: str = "http://127.0.0.1:8080"
    mongodb_uri: str | None = None
    mongodb_db: str = "vtex_linio"
    amqp_url: str | None = None
    data_dir: Path = Path("./data")
    secret_key: str = field(default="", repr=False)
    admin_user: str = "admin"
    admin_password: str = field(default="", repr=False)
    support_user: str | None = None
    support_password: str = field(default="", repr=False)
    metrics_token: str = field(default="", repr=False)
    log_level: str = "INFO"
    log_format: str = "console"
    log_retention_days: int = 90
    max_request_bytes: int = 1_048_576
    read_timeout: float = 15.0
    broker_prefetch: int = 50
    queue_stall_seconds: float = 60.0
    retry_max_attempts: int = 10
    retry_base_delay: float = 1.0
    retry_max_delay: float = 300.0
    order_poll_interval: float = 60.0
    feed_poll_interval: float = 10.0
    feed_owner_lease: float = 120.0
    db_counts_dir: Path | None = None
    """Where `app.db_counts` exports this process's counts; None: nowhere."""
    sandbox: bool = False
    allow_loopback: bool = False
    """Outbound calls to loopback hosts (the simulators); always on in sandbox mode."""

    @property
    def embedded_mongo(self) -> bool:
        return self.mongodb_uri is None

    @property
    def embedded_broker(self) -> bool:
        return self.amqp_url is None

    def secret_values(self) -> list[str]:
        """The service's own secrets, for masking: SECRET_KEY, ADMIN_PASSWORD,
        SUPPORT_PASSWORD, METRICS_TOKEN and the passwords inside MONGODB_URI and AMQP_URL."""
        values = [
            self.secret_key,
            self.admin_password,
            self.support_password,
            self.metrics_token,
        ]
        for url in (self.mongodb_uri, self.amqp_url):
            if url:
                password = urlsplit(url).password
                if password:
                    values.append(password)
        return [v for v in values if v]

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build and validate; secrets left unset are generated once and kept in DATA_DIR."""
        env = os.environ if env is None else env
        raw = {var.name: env.get(var.name) or var.default for var in ENV_VARS}
        host = raw["HOST"] or "127.0.0.1"
        port = _int(raw, "PORT", 1, 65535)
        data_dir = Path(raw["DATA_DIR"] or "./data").expanduser()
        public = raw["PUBLIC_BASE_URL"] or f"http://{host}:{port}"
        _url(public, "PUBLIC_BASE_URL", ("http", "https"))
        if raw["MONGODB_URI"]:
            _url(raw["MONGODB_URI"], "MONGODB_URI", ("mongodb", "mongodb+srv"))
        if raw["AMQP_URL"]:
            _url(raw["AMQP_URL"], "AMQP_URL", ("amqp", "amqps"))
        level = (raw["LOG_LEVEL"] or "").upper()
        if level not in LOG_LEVELS:
            raise SettingsError(
                f"LOG_LEVEL={raw['LOG_LEVEL']!r} is invalid: use one of {LOG_LEVELS}"
            )
        fmt = (raw["LOG_FORMAT"] or "").lower()
        if fmt not in LOG_FORMATS:
            raise SettingsError(
                f"LOG_FORMAT={raw['LOG_FORMAT']!r} is invalid: use one of {LOG_FORMATS}"
            )
        secret = raw["SECRET_KEY"] or _generated(data_dir, "secret.key", 48)
        if len(secret) < 16:
            raise SettingsError("SECRET_KEY is too short: use at least 16 random characters")
        password = raw["ADMIN_PASSWORD"] or _generated(data_dir, "admin.password", 18)
        if len(password) < 8:
            raise SettingsError("ADMIN_PASSWORD is too short: use at least 8 characters")
        support_user = raw["SUPPORT_USER"] or None
        support_password = raw["SUPPORT_PASSWORD"] or ""
        if bool(support_user) != bool(support_password):
            raise SettingsError("SUPPORT_USER and SUPPORT_PASSWORD go together: set both or none")
        if support_user and support_user == (raw["ADMIN_USER"] or "admin"):
            raise SettingsError("SUPPORT_USER must differ from ADMIN_USER")
        metrics_token = raw["METRICS_TOKEN"] or _generated(data_dir, "metrics.token", 32)
        if len(metrics_token) < 16:
            raise SettingsError("METRICS_TOKEN is too short: use at least 16 random characters")
        attempts = _int(raw, "RETRY_MAX_ATTEMPTS", 10, 1000)
        return cls(
            host=host,
            port=port,
            public_base_url=public.rstrip("/"),
            mongodb_uri=raw["MONGODB_URI"],
            mongodb_db=raw["MONGODB_DB"] or "vtex_linio",
            amqp_url=raw["AMQP_URL"],
            data_dir=data_dir,
            secret_key=secret,
            admin_user=raw["ADMIN_USER"] or "admin",
            admin_password=password,
            support_user=support_user,
            support_password=support_password,
            metrics_token=metrics_token,
            log_level=level,
            log_format=fmt,
            log_retention_days=_int(raw, "LOG_RETENTION_DAYS", 1, 3650),
            max_request_bytes=_int(raw, "MAX_REQUEST_BYTES", 1024, 100 * 1024 * 1024),
            read_timeout=_float(raw, "READ_TIMEOUT", 0.5, 600),
            broker_prefetch=_int(raw, "BROKER_PREFETCH", 1, 10_000),
            queue_stall_seconds=_float(raw, "QUEUE_STALL_SECONDS", 5, 86400),
            retry_max_attempts=attempts,
            retry_base_delay=_float(raw, "RETRY_BASE_DELAY", 0.001, 3600),
            retry_max_delay=_float(raw, "RETRY_MAX_DELAY", 0.001, 86400),
            order_poll_interval=_float(raw, "ORDER_POLL_INTERVAL", 1, 86400),
            feed_poll_interval=_float(raw, "FEED_POLL_INTERVAL", 0.01, 3600),
            feed_owner_lease=_float(raw, "FEED_OWNER_LEASE", 5, 3600),
            db_counts_dir=Path(raw["DB_COUNTS_DIR"]).expanduser() if raw["DB_COUNTS_DIR"] else None,
            sandbox=_bool(raw, "SANDBOX"),
            allow_loopback=_bool(raw, "ALLOW_LOOPBACK"),
        )


def _int(raw: Mapping[str, str | None], name: str, low: int, high: int) -> int:
    value = raw[name]
    try:
        number = int(str(value))
    except ValueError:
        raise SettingsError(f"{name}={value!r} is not a whole number") from None
    if not low <= number <= high:
        raise SettingsError(f"{name}={number} is out of range: use {low}..{high}")
    return number


def _float(raw: Mapping[str, str | None], name: str, low: float, high: float) -> float:
    value = raw[name]
    try:
        number = float(str(value))
    except ValueError:
        raise SettingsError(f"{name}={value!r} is not a number") from None
    if not low <= number <= high:
        raise SettingsError(f"{name}={number} is out of range: use {low}..{high}")
    return number


def _bool(raw: Mapping[str, str | None], name: str) -> bool:
    value = str(raw[name]).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise SettingsError(f"{name}={raw[name]!r} is not a boolean: use 1 or 0")


def _url(value: str, name: str, schemes: tuple[str, ...]) -> None:
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        raise SettingsError(
            f"{name} is not a valid URL: expected {' or '.join(s + '://…' for s in schemes)}"
        )


def _generated(data_dir: Path, filename: str, length: int) -> str:
    """A secret created on first start and reused after, so zero-config runs keep their data."""
    path = data_dir / filename
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(length)
    path.write_text(value, encoding="utf-8")
    path.chmod(0o600)
    return value
