"""The service as an operator runs it (`python -m app serve`), for fault tests.

Starts the real process with its embedded SecantusDB under a temporary DATA_DIR, finds the
database child, and reads what was journaled straight from the data directory once the
service is gone. No timing assertions: every wait is for a condition, with a generous limit.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient

from app.broker.journal import FILENAME as JOURNAL_FILE
from app.broker.journal import Journal
from app.embedded_mongo import EmbeddedMongo, free_port, holders_of
from app.secrets_box import SecretBox
from domain.stores import Store, StoreCredentials, StoreRepository

SECRET_KEY = "reliability-secret-key-0123456789"
ADMIN_PASSWORD = "reliability-admin-pw"
TOKEN = "reliabilityTOKEN0123456789abcdef"


def service_env(data_dir: Path, port: int, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MONGODB_URI", "AMQP_URL", "SECRET_KEY", "ADMIN_PASSWORD", "SANDBOX")
    }
    env.update(
        {
            "PORT": str(port),
            "DATA_DIR": str(data_dir),
            "SECRET_KEY": SECRET_KEY,
            "ADMIN_PASSWORD": ADMIN_PASSWORD,
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
            **extra,
        }
    )
    return env


def http(method: str, url: str, body: bytes | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        url, data=body, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


class Service:
    def __init__(
        self, data_dir: Path, *, role: str = "serve", port: int | None = None, **env: str
    ) -> None:
        """`role`: `serve` (web + worker, as an operator runs it) or `web` (the HTTP side
        alone: nothing runs in the background, so every database write is a request's).
        `port`: a previous service's, so that callbacks addressed to it reach this one."""
        self.role = role
        self.data_dir = data_dir
        self.port = port or free_port()
        self.env = service_env(data_dir, self.port, **env)
        self.process: subprocess.Popen[str] | None = None
        self.log = data_dir.parent / f"service-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, wait: bool = True) -> Service:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        handle = open(self.log, "a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app", self.role],
            env=self.env,
            cwd=self.data_dir.parent,
            stdout=handle,
            stderr=subprocess.STDOUT,
            text=True,
        )
        handle.close()
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited: {self.output()[-2000:]}")
            try:
                status, _ = http("GET", f"{self.url}/ready")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"serve not ready: {self.output()[-2000:]}")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def db_pids(self) -> list[int]:
        return holders_of(self.data_dir / "mongo")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> int:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)

    def notification_url(self) -> str:
        return f"{self.url}/vtex/{TOKEN}/catalog/notification"


def wait_until(condition: Any, timeout: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def pid_alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@asynccontextmanager
async def data_dir_db(data_dir: Path):  # type: ignore[no-untyped-def]
    """The service's database, opened on its DATA_DIR while no service runs."""
    server = EmbeddedMongo(data_dir / "mongo")
    uri = await server.start()
    client: AsyncMongoClient = AsyncMongoClient(uri, tz_aware=True)
    try:
        yield client["vtex_linio"]
    finally:
        await client.close()
        await server.stop()


def acme_store(**changes: Any) -> Store:
    values: dict[str, Any] = {
        "store_id": "acme-mx",
        "account": "acme",
        "affiliate_id": "LMX",
        "sales_channel": "1",
        "country": "MX",
        "linio_user_id": "seller@acme.mx",
        "notification_token": TOKEN,
        "credentials": StoreCredentials(
            linio_api_key="linio-key-reliability", vtex_app_key="k", vtex_app_token="t-1234"
        ),
    }
    values.update(changes)
    return Store(**values)


async def seed_store(data_dir: Path, store: Store | None = None) -> None:
    """Create the store in DATA_DIR before the service starts (what `import` does)."""
    from app.settings import Settings
    from app.storage import ensure_indexes

    async with data_dir_db(data_dir) as db:
        await ensure_indexes(db, Settings())
        await StoreRepository(db, SecretBox(SECRET_KEY)).upsert(store or acme_store())


async def journaled(data_dir: Path) -> list[dict[str, Any]]:
    """Every message the in-process broker journaled (`app.broker.journal`: id, queue,
    body, attempt, headers, available_at), read after the service is gone."""
    journal = Journal(data_dir / JOURNAL_FILE)
    await journal.open()
    try:
        return [dataclasses.asdict(entry) for entry in await journal.entries()]
    finally:
        await journal.close()


def notification(sku: int) -> bytes:
    return json.dumps(
        {"IdSku": str(sku), "An": "acme", "IdAffiliate": "LMX", "StockModified": True}
    ).encode()


async def burst(
    url: str, skus: range, *, concurrency: int = 20, statuses: dict[int, int] | None = None
) -> dict[int, int]:
    """POST one notification per SKU; the status each got (0 = no answer: connection cut).
    `statuses` fills while the burst runs, so a test can strike mid-burst."""
    import aiohttp

    statuses = {} if statuses is None else statuses
    queue: asyncio.Queue[int] = asyncio.Queue()
    for sku in skus:
        queue.put_nowait(sku)

    async def worker(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            sku = queue.get_nowait()
            try:
                async with session.post(
                    url, data=notification(sku), headers={"Content-Type": "application/json"}
                ) as response:
                    await response.read()
                    statuses[sku] = response.status
            except (TimeoutError, aiohttp.ClientError, OSError):
                statuses[sku] = 0

    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    return statuses


@contextmanager
def running(service: Service) -> Iterator[Service]:
    try:
        yield service.start()
    finally:
        if service.process is not None and service.process.poll() is None:
            service.process.kill()
            service.process.wait(timeout=30)
        for pid in service.db_pids():
            os.kill(pid, signal.SIGKILL)
