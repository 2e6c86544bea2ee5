"""RabbitMQ faults a test can cause: its own vhost, a broker restart, every connection closed.

Each test gets a vhost of its own (created and deleted with `rabbitmqctl`), so closing its
connections touches no other test. `restart_broker` stops and starts the whole node (what an
upgrade or a failover does): `start_app` always runs, even when the test fails.
"""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import aio_pika
from aio_pika.exceptions import ChannelNotFoundEntity


def rabbitmqctl(*args: str, timeout: float = 120) -> str:
    """Run `rabbitmqctl` and return its output; raises CalledProcessError on failure."""
    done = subprocess.run(
        ["rabbitmqctl", *args], capture_output=True, text=True, timeout=timeout, check=True
    )
    return done.stdout


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
