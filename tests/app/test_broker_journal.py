"""The in-process broker's journal (SQLite in DATA_DIR): what a kill -9 leaves, what a
retry or a wait writes, and the MongoDB journal of older versions adopted on start."""

from __future__ import annotations

import asyncio
import collections
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

from app.broker import Message, Wait, queue_name
from app.broker.journal import FILENAME, Entry, Journal
from app.broker.memory import LEGACY_JOURNAL
from app.runtime import open_runtime
from app.settings import Settings
from clients.errors import TransientError
from tests.conftest import REPO_ROOT
from tests.reliability.waits import until

# A process that publishes through the in-process broker and prints, after each publish
# returned (= accepted), the numbers it carried; it publishes until it is killed.
PUBLISHER = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from app.broker.base import RetryPolicy
    from app.broker.journal import Journal
    from app.broker.memory import InProcessBroker

    async def sink(message, reason):
        pass

    async def main():
        broker = InProcessBroker(
            policy=RetryPolicy(), dead_letter_sink=sink, journal=Journal(Path(sys.argv[1]))
        )
        await broker.start()

        async def one(n):  # single publishes, many at once: committed in groups
            await broker.publish("catalog.kill", {"n": n})
            print(n, flush=True)

        n = 0
        while True:
            batch = [("catalog.kill", {"n": n + i}) for i in range(20)]
            await broker.publish_many(batch)
            print(*range(n, n + 20), flush=True)
            n += 20
            await asyncio.gather(*(one(n + i) for i in range(20)))
            n += 20

    asyncio.run(main())
    """
)


async def _entries(path: Path) -> list[dict[str, object]]:
    journal = Journal(path)
    await journal.open()
    try:
        return [{"id": e.id, **e.body} for e in await journal.entries()]
    finally:
        await journal.close()


async def test_a_killed_publisher_loses_nothing_it_accepted(tmp_path: Path) -> None:
    """kill -9 of a process in the middle of publishing: every message whose publish had
    returned is in the journal, once; nothing is there that was never published."""
    path = tmp_path / "data" / FILENAME
    process = subprocess.Popen(  # noqa: ASYNC220 - started once, read from a thread
        [sys.executable, "-c", PUBLISHER, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    accepted: set[int] = set()
    assert process.stdout is not None
    try:
        while len(accepted) < 2000:
            line = await asyncio.to_thread(process.stdout.readline)
            assert line, f"the publisher stopped (exit {process.poll()})"
            accepted.update(int(n) for n in line.split())
    finally:
        process.send_signal(signal.SIGKILL)  # while it publishes: no flush, no close
        process.wait(timeout=30)
    rest = process.stdout.read()  # printed before the kill: accepted too
    accepted.update(int(n) for n in rest.split())
    numbers = collections.Counter(int(str(e["n"])) for e in await _entries(path))
    assert not accepted - set(numbers), f"lost: {sorted(accepted - set(numbers))[:20]}"
    assert max(numbers.values()) == 1
    # nothing that was never published: at most the 40 in flight beyond the last printed
    assert set(numbers) <= set(range(max(accepted) + 41))
    assert len(numbers) >= 2000


async def test_counted_retries_are_journaled_and_waits_are_not(settings: Settings) -> None:
    """A failure that uses an attempt is kept in the journal (a restart does not hand the
    attempt back); a wait uses none and costs the journal nothing."""
    slow = settings.with_(retry_base_delay=60.0, retry_max_delay=120.0)
    store = f"s{uuid.uuid4().hex[:8]}"
    queue = queue_name("catalog", store)
    tried: list[str] = []

    async def handler(message: Message) -> None:
        tried.append(message.body["kind"])
        if message.body["kind"] == "fails":
            raise TransientError("VTEX answered 503")
        raise Wait("another process reads this SKU", retry_after=60)

    async with open_runtime(slow) as runtime:
        await runtime.broker.publish(queue, {"kind": "fails"})
        await runtime.broker.publish(queue, {"kind": "waits"})
        await runtime.broker.consume(queue, handler)
        await until(lambda: sorted(tried) == ["fails", "waits"], "both tried once", every=0.02)
    # closed: pending settlements flushed

    journal = Journal(slow.data_dir / FILENAME)
    await journal.open()
    try:
        entries = {e.body["kind"]: e for e in await journal.entries()}
    finally:
        await journal.close()
    assert entries["fails"].attempt == 2
    assert entries["fails"].headers["x-failure-kind"] == "transient"
    assert entries["waits"].attempt == 1 and "x-waits" not in entries["waits"].headers


async def test_an_older_versions_mongodb_journal_is_adopted_once(settings: Settings) -> None:
    """Messages an older version left in MongoDB's `broker_journal` are delivered after
    the upgrade, in their order, and that collection is gone."""
    store = f"s{uuid.uuid4().hex[:8]}"
    queue = queue_name("stock", store)
    async with open_runtime(settings, start_broker=False) as runtime:
        # what versions before 2026-12 wrote (app/broker/memory.py at be1a752)
        await runtime.storage.db[LEGACY_JOURNAL].insert_many(
            [
                {
                    "_id": f"old-{n}",
                    "queue": queue,
                    "body": {"n": n},
                    "attempt": 1,
                    "headers": {},
                    "available_at": 0.0,
                    "seq": n,
                }
                for n in (3, 1, 2)
            ]
        )
    seen: list[int] = []

    async def handler(message: Message) -> None:
        seen.append(message.body["n"])

    async with open_runtime(settings) as runtime:
        await runtime.broker.consume(queue, handler)
        await until(lambda: len(seen) == 3, "the adopted messages", every=0.02)
        names = await runtime.storage.db.list_collection_names()
    assert seen == [1, 2, 3]
    assert LEGACY_JOURNAL not in names
    async with open_runtime(settings) as runtime:  # adopted once: nothing comes back
        await runtime.broker.consume(queue, handler)
        await runtime.broker.publish(queue, {"n": 4})
        await until(lambda: len(seen) == 4, "the new message", every=0.02)
    assert seen == [1, 2, 3, 4]


def test_journal_bodies_are_json(tmp_path: Path) -> None:
    """Bodies and headers are kept as JSON text: readable with the sqlite3 shell."""

    async def write() -> None:
        journal = Journal(tmp_path / FILENAME)
        await journal.open()
        try:
            await journal.put([Entry("a", "q", {"sku": "1"}, 1, {"x-dedupe": "k"}, 0.0)])
        finally:
            await journal.close()

    asyncio.run(write())
    with sqlite3.connect(tmp_path / FILENAME) as db:
        [(body, headers)] = db.execute("SELECT body, headers FROM messages").fetchall()
    assert json.loads(body) == {"sku": "1"} and json.loads(headers) == {"x-dedupe": "k"}
