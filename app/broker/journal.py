"""The in-process broker's journal: every accepted, unacknowledged message, on disk.

SQLite (Python's `sqlite3`) in WAL mode, one file under DATA_DIR (`FILENAME`), with
`synchronous=FULL`: a commit returns once the write-ahead log is fsynced, so a message is
durable before its publisher is answered, across a kill -9 of the process or a power cut
(the promise MongoDB's `j:true` gave the journal before). A journal is a queue's log, not a
document store: on SecantusDB each accepted message cost ~1.2 ms of database CPU, here a
few tens of microseconds (bench/REPORT.md, "Embedded database").

All SQLite calls run on one dedicated thread (the connection never leaves it), so the event
loop never waits on the disk. Writes asked for while a commit is under way are committed
together in the next transaction (group commit): a storm costs one fsync per batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FILENAME = "broker-journal.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    queue TEXT NOT NULL,
    body TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    headers TEXT NOT NULL,
    available_at REAL NOT NULL
)
"""


@dataclass(frozen=True)
class Entry:
    """One journaled message: `available_at` is when it may be delivered (epoch seconds);
    `body` and `headers` are JSON objects."""

    id: str
    queue: str
    body: dict[str, Any]
    attempt: int
    headers: dict[str, Any]
    available_at: float


def encode(value: dict[str, Any]) -> str:
    """A message body or headers as stored and sent (JSON; anything else as its text)."""
    return json.dumps(value, separators=(",", ":"), default=str)


def decode(raw: str | bytes) -> dict[str, Any]:
    """The inverse of `encode`; a JSON value that is not an object comes back as
    {"value": it}."""
    value = json.loads(raw)
    return value if isinstance(value, dict) else {"value": value}


# One write of a group commit: ("put", entries) | ("retry", entries) | ("delete", ids)
_Write = tuple[str, Sequence[Any]]


class Journal:
    """The journal file `path` (created with its directory when first used). A failed
    write raises `sqlite3.Error` (nothing of that call is committed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread: ThreadPoolExecutor | None = None
        self._db: sqlite3.Connection | None = None
        self._opening = asyncio.Lock()
        self._queued: list[tuple[list[_Write], asyncio.Future[None]]] = []
        self._committing: asyncio.Task[None] | None = None

    async def _call(self, fn: Any, *args: Any) -> Any:
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="broker-journal")
        return await asyncio.get_running_loop().run_in_executor(self._thread, fn, *args)

    async def open(self) -> None:
        """Open (creating) the file; every other method opens it too when it is not."""
        async with self._opening:
            if self._db is None:
                self._db = await self._call(self._connect)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA busy_timeout=10000")
        db.execute(_SCHEMA)
        return db

    async def close(self) -> None:
        """Wait for the writes under way, then close the file and the thread."""
        if self._committing is not None:
            with contextlib.suppress(Exception):
                await self._committing
        if self._db is not None:
            db, self._db = self._db, None
            await self._call(db.close)
        if self._thread is not None:
            thread, self._thread = self._thread, None
            thread.shutdown(wait=True)

    async def entries(self) -> list[Entry]:
        """Every journaled message, oldest first."""
        await self.open()
        return await self._call(self._entries)

    def _entries(self) -> list[Entry]:
        assert self._db is not None
        rows = self._db.execute(
            "SELECT id, queue, body, attempt, headers, available_at FROM messages ORDER BY seq"
        ).fetchall()
        return [Entry(r[0], r[1], decode(r[2]), r[3], decode(r[4]), r[5]) for r in rows]

    async def put(self, entries: Iterable[Entry]) -> None:
        """Journal these messages (a message id journaled again replaces its entry and
        goes to the end), durably, before returning."""
        await self._write([("put", list(entries))])

    async def settle(self, retried: Iterable[Entry], acknowledged: Iterable[str]) -> None:
        """In one transaction: keep the `retried` messages' attempt, headers and due time
        (ids no longer journaled are skipped) and forget the `acknowledged` ids."""
        await self._write([("retry", list(retried)), ("delete", list(acknowledged))])

    async def _write(self, writes: list[_Write]) -> None:
        writes = [write for write in writes if write[1]]
        if not writes:
            return
        await self.open()
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queued.append((writes, done))
        if self._committing is None or self._committing.done():
            self._committing = asyncio.create_task(self._commit_queued(), name="journal-commit")
        await done

    async def _commit_queued(self) -> None:
        """Commit everything queued, one transaction per round, until nothing is left."""
        while self._queued:
            group, self._queued = self._queued, []
            try:
                await self._call(self._commit, [w for writes, _ in group for w in writes])
            except Exception as exc:
                for _, done in group:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for _, done in group:
                if not done.done():
                    done.set_result(None)

    def _commit(self, writes: list[_Write]) -> None:
        assert self._db is not None, "the journal is not open"
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for kind, items in writes:
                if kind == "put":
                    db.executemany(  # a replaced entry gets a new seq: it goes to the end
                        "INSERT OR REPLACE INTO messages"
                        " (id, queue, body, attempt, headers, available_at)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        [_row(e) for e in items],
                    )
                elif kind == "retry":
                    db.executemany(
                        "UPDATE messages SET attempt = ?, headers = ?, available_at = ?"
                        " WHERE id = ?",
                        [(e.attempt, encode(e.headers), e.available_at, e.id) for e in items],
                    )
                else:
                    db.executemany("DELETE FROM messages WHERE id = ?", [(i,) for i in items])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def _row(e: Entry) -> tuple[str, str, str, int, str, float]:
    return (e.id, e.queue, encode(e.body), e.attempt, encode(e.headers), e.available_at)
