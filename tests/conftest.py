"""Shared fixtures: a real SecantusDB server, a real RabbitMQ, settings per test.

One SecantusDB process serves the whole session (each test gets its own database, dropped
afterwards). RabbitMQ tests are mandatory when CI=true: an unreachable broker fails them
instead of skipping, so a green CI always means they ran.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pymongo import AsyncMongoClient

from app.embedded_mongo import free_port
from app.runtime import Runtime, open_runtime
from app.settings import Settings
from app.web import create_app
from domain.stores import Store
from simulators.vtex import VtexSimulator

RABBIT_URL = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
FIXTURES_DIR = TESTS_DIR / "fixtures"


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def mongo_uri() -> Iterator[str]:
    external = os.environ.get("TEST_MONGODB_URI")
    if external:
        yield external
        return
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "secantus",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--storage-path",
            ":memory:",
            "--log-level",
            "WARNING",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not _port_open("127.0.0.1", port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("SecantusDB did not start; install the 'embedded' extra")
        time.sleep(0.05)
    yield f"mongodb://127.0.0.1:{port}/?directConnection=true&retryWrites=false"
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def rabbit_url() -> str:
    host_port = RABBIT_URL.split("@")[-1].split("/")[0]
    host, _, port = host_port.partition(":")
    if _port_open(host, int(port or 5672)):
        return RABBIT_URL
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(
            f"RabbitMQ is required when CI=true but {host_port} is unreachable "
            "(start it with `rabbitmq-server -detached`)"
        )
    pytest.skip(f"NOTICE: RabbitMQ at {host_port} is unreachable; RabbitMQ tests skipped")


@pytest.fixture
def db_name() -> str:
    return f"t_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def settings(tmp_path: Path, mongo_uri: str, db_name: str) -> Settings:
    return Settings.from_env(
        {
            "MONGODB_URI": mongo_uri,
            "MONGODB_DB": db_name,
            "DATA_DIR": str(tmp_path / "data"),
            "SECRET_KEY": "test-secret-key-0123456789",
            "ADMIN_PASSWORD": "test-admin-password",
            "RETRY_BASE_DELAY": "0.01",
            "RETRY_MAX_DELAY": "0.05",
            "SANDBOX": "1",
            "LOG_LEVEL": "WARNING",
        }
    )


@pytest.fixture(params=["in-process", "rabbitmq"])
def broker_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """The same test runs against both brokers."""
    if request.param == "rabbitmq":
        return settings.with_(amqp_url=request.getfixturevalue("rabbit_url"))
    return settings


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    async with open_runtime(settings) as opened:
        yield opened
    await _drop(settings)


async def _drop(settings: Settings) -> None:
    client: AsyncMongoClient = AsyncMongoClient(settings.mongodb_uri)
    try:
        await client.drop_database(settings.mongodb_db)
    finally:
        await client.close()


@pytest.fixture
def fixtures_dir() -> Path:
    """Test data kept inside the repository (Seller Center replies under `linio/`)."""
    return FIXTURES_DIR


@pytest.fixture
async def service(settings: Settings, runtime: Runtime) -> AsyncIterator[TestClient]:
    """The web app over a real socket, sharing the test's runtime."""
    client = TestClient(TestServer(create_app(settings, runtime=runtime)))
    await client.start_server()
    yield client
    await client.close()


CallbackHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture
async def callback_server() -> AsyncIterator[Callable[[str, CallbackHandler], Awaitable[str]]]:
    """Starts small receivers (webhooks, callbacks) on 127.0.0.1; returns each one's URL."""
    runners: list[web.AppRunner] = []

    async def start(path: str, handler: CallbackHandler) -> str:
        app = web.Application()
        app.router.add_post(path, handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://127.0.0.1:{port}{path}"

    yield start
    for runner in runners:
        await runner.cleanup()


def acme_store(**overrides: Any) -> Store:
    """The store most tests use: VTEX account acme selling on Linio Mexico."""
    fields: dict[str, Any] = {
        "store_id": "acme-mx",
        "account": "acme",
        "affiliate_id": "LMX",
        "sales_channel": "3",
        "country": "MX",
        "linio_user_id": "ops@acme.mx",
    }
    fields.update(overrides)
    return Store(**fields)


@pytest.fixture
def make_store() -> Callable[..., Store]:
    return acme_store


@pytest.fixture
async def vtex_sim() -> AsyncIterator[VtexSimulator]:
    """Account "acme" with 120 generated SKUs, a fifth of them faulty (deterministic)."""
    async with VtexSimulator("acme", seed=7) as simulator:
        simulator.catalog.generate(n_skus=120, faulty_share=0.2)
        yield simulator


@pytest.fixture
async def vtex_http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
