"""RabbitMQ faults a test can cause: its own vhost, a broker restart, every connection closed.

Each test gets a vhost of its own (created and deleted with `rabbitmqctl`), so closing its
connections touches no other test. `restart_broker` stops and starts the whole node (what an
upgrade or a failover does): `start_app` always runs, even when the test fails.

`broker` (a fixture, made available to the reliability tests by their `conftest.py`) runs a
`python -m app serve` test on the embedded broker and on RabbitMQ in a vhost of its own;
a test that needs RabbitMQ for some cases only parametrises it indirectly
(`pytest.mark.parametrize("broker", ["rabbitmq"], indirect=True)`).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aio_pika
import pytest
from aio_pika.exceptions import ChannelNotFoundEntity


def rabbitmqctl(*args: str, timeout: float = 120) -> str:
    """Run `rabbitmqctl` and return its output; raises CalledProcessError on failure."""
    done = subprocess.run(
        ["rabbitmqctl", *args], capture_output=True, text=True, timeout=timeout, check=True
    )
    return done.stdout


@dataclass
class Broker:
    """The broker a served process runs on: `env` for the process (`AMQP_URL` on
    RabbitMQ, nothing for the embedded broker); `vhost`: its own vhost on RabbitMQ."""

    kind: str
    env: dict[str, str] = field(default_factory=dict)
    vhost: str | None = None

    def rabbitmqctl(self, *args: str) -> str:
        """`rabbitmqctl -q <command> -p <vhost> …` (its output)."""
        assert self.vhost is not None
        return rabbitmqctl("-q", *args[:1], "-p", self.vhost, *args[1:], timeout=60)

    def messages(self) -> dict[str, int]:
        """Queue name → messages in it, ready and unacknowledged together."""
        lines = self.rabbitmqctl("list_queues", "name", "messages").splitlines()
        rows = [line.split("\t") for line in lines if "\t" in line]
        return {name: int(count) for name, count in rows if count.isdigit()}


@pytest.fixture(params=["embedded", pytest.param("rabbitmq", marks=pytest.mark.rabbitmq)])
def broker(request: pytest.FixtureRequest) -> Iterator[Broker]:
    """The embedded broker, or RabbitMQ in a vhost created for the test (deleted after)."""
    if request.param == "embedded":
        yield Broker("embedded")
        return
    rabbit_url: str = request.getfixturevalue("rabbit_url")  # skips when unreachable
    if shutil.which("rabbitmqctl") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("rabbitmqctl is required when CI=true")
        pytest.skip("NOTICE: rabbitmqctl not found; the RabbitMQ case is skipped")
    with own_vhost(rabbit_url) as url:
        yield Broker("rabbitmq", {"AMQP_URL": url}, urlsplit(url).path.lstrip("/"))


@contextmanager
def own_vhost(rabbit_url: str) -> Iterator[str]:
    """A new vhost for guest; yields the AMQP URL that points to it, deletes it afterwards."""
    name = f"t-{uuid.uuid4().hex[:10]}"
    rabbitmqctl("add_vhost", name)
    rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    try:
        yield urlsplit(rabbit_url)._replace(path=f"/{name}").geturl()
    finally:
        rabbitmqctl("delete_vhost", name)


def close_connections(vhost_url: str) -> None:
    """What a broker does to its clients on a forced close: CONNECTION_FORCED to each."""
    rabbitmqctl("close_all_connections", "-p", vhost_url.rsplit("/", 1)[1], "test fault")


async def restart_broker(down_for: float = 9.0) -> None:
    """`stop_app`, `down_for` seconds away (a node restart takes about 9 s), then
    `start_app` (in a `finally`): every connection is closed with CONNECTION_FORCED and the
    node answers nothing until it is back."""
    try:
        await asyncio.to_thread(rabbitmqctl, "stop_app")
        await asyncio.sleep(down_for)
    finally:
        await asyncio.to_thread(rabbitmqctl, "start_app")
        await asyncio.to_thread(rabbitmqctl, "await_startup")


async def delete_store_queues(url: str, store_id: str) -> None:
    """Delete a test store's catalog, stock and price queues (and their retry and dead
    queues) on RabbitMQ."""
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        for context in ("catalog", "stock", "price"):
            for suffix in ("", ".retry", ".dead"):
                await channel.queue_delete(f"{context}.{store_id}{suffix}")


async def consumer_counts(vhost_url: str, queues: Iterable[str]) -> dict[str, int | None]:
    """RabbitMQ's own count of consumers per queue (passive declare); None for a queue that
    does not exist."""
    counts: dict[str, int | None] = {}
    connection = await aio_pika.connect(vhost_url)
    async with connection:
        for queue in queues:
            channel = await connection.channel()
            try:
                declared = await channel.declare_queue(queue, passive=True)
                counts[queue] = int(declared.declaration_result.consumer_count or 0)
            except ChannelNotFoundEntity:
                counts[queue] = None
            finally:
                if not channel.is_closed:
                    await channel.close()
    return counts
