"""What each pipeline costs: database commands, documents written and outbound HTTP calls,
counted per pipeline in this process (issue 19, CLARIFICATIONS §10).

"Pipeline" is a context tag (`PIPELINE`, a `contextvars.ContextVar`) set where work enters:
the broker's dispatch sets the queue's context (`catalog`, `price`, `stock`, `order`,
`order-status`, `feed`), the web app sets `web` for requests and `status` for status reads
(`/api/stores/{store}/status`, `/health`, `/ready`, `/metrics`), time-driven loops (pollers,
the worker's sync and watchdog, the stall check) set `periodic`; anything else is `other`.
The pipelines in `APART` are time-driven: the benchmark reports them apart, never per item.

`CommandCounter` is a pymongo `monitoring.CommandListener` (registered on the service's
clients by `app.storage`); `http_trace()` is an aiohttp `TraceConfig` counting requests by
host kind (`vtex`, `linio`, `other`). Counting is a dict increment per command.

With the setting `DB_COUNTS_DIR`, `exporting()` writes this process's counts as JSON to
`<DB_COUNTS_DIR>/<role>-<pid>.json` every `EXPORT_INTERVAL_S` seconds and at shutdown:
`{"role", "pid", "written_at" (epoch s), "commands": [[pipeline, collection, command, n]],
"documents": [[pipeline, collection, command, n]], "http": [[pipeline, host_kind, n]]}`.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import os
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from pymongo import monitoring

PIPELINE: ContextVar[str] = ContextVar("vtex_linio_pipeline", default="other")
"""The pipeline the running work belongs to (see the module's docstring)."""

PERIODIC = "periodic"
STATUS = "status"
APART = (PERIODIC, STATUS)
"""Time-driven pipelines: reported apart, never in per-item figures."""

EXPORT_INTERVAL_S = 2.0

# Handshake, monitoring and authentication: what any connection does, not the work's cost.
IGNORED = frozenset(
    name.lower()
    for name in (
        "hello",
        "isMaster",
        "ping",
        "endSessions",
        "buildInfo",
        "saslStart",
        "saslContinue",
        "authenticate",
        "getnonce",
        "getLastError",
        "serverStatus",
    )
)


@contextlib.contextmanager
def pipeline(name: str) -> Iterator[None]:
    """Run the block (and the tasks it creates) tagged as `name`."""
    token = PIPELINE.set(name)
    try:
        yield
    finally:
        PIPELINE.reset(token)


def documents_written(command: str, reply: Mapping[str, Any]) -> int:
    """Documents a successful command's `reply` says it wrote: insert `n`; update
    `nModified` + upserted; delete `n`; findAndModify 1 when it changed, removed or
    inserted a document; `bulkWrite` the sum of its statements' effects; 0 otherwise."""
    name = command.lower()
    if name in ("insert", "delete"):
        return int(reply.get("n") or 0)
    if name == "update":
        return int(reply.get("nModified") or 0) + len(reply.get("upserted") or ())
    if name == "findandmodify":
        last = reply.get("lastErrorObject") or {}
        return 1 if last.get("n") or last.get("upserted") is not None else 0
    if name == "bulkwrite":
        return sum(
            int(reply.get(k) or 0) for k in ("nInserted", "nUpserted", "nModified", "nDeleted")
        )
    return 0


def _collection(command: str, body: Mapping[str, Any]) -> str:
    if command == "getMore":
        return str(body.get("collection") or "-")
    value = body.get(command)
    return value if isinstance(value, str) else "-"


@dataclass
class Counts:
    """One process's counters, keyed `(pipeline, collection, command)` for the database and
    `(pipeline, host_kind)` for HTTP."""

    commands: collections.Counter[tuple[str, str, str]] = field(default_factory=collections.Counter)
    documents: collections.Counter[tuple[str, str, str]] = field(
        default_factory=collections.Counter
    )
    http: collections.Counter[tuple[str, str]] = field(default_factory=collections.Counter)

    def to_json(self) -> dict[str, Any]:
        return {
            "commands": [[*k, n] for k, n in sorted(self.commands.items())],
            "documents": [[*k, n] for k, n in sorted(self.documents.items()) if n],
            "http": [[*k, n] for k, n in sorted(self.http.items())],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Counts:
        counts = cls()
        counts.add_json(data)
        return counts

    def add_json(self, data: Mapping[str, Any]) -> None:
        """Add an exported file's counters (see the module's docstring) to these."""
        for p, c, cmd, n in data.get("commands") or ():
            self.commands[(p, c, cmd)] += int(n)
        for p, c, cmd, n in data.get("documents") or ():
            self.documents[(p, c, cmd)] += int(n)
        for p, host, n in data.get("http") or ():
            self.http[(p, host)] += int(n)

    def __sub__(self, before: Counts) -> Counts:
        return Counts(
            self.commands - before.commands,
            self.documents - before.documents,
            self.http - before.http,
        )

    def by_pipeline(self) -> dict[str, dict[str, int]]:
        """`{pipeline: {"commands", "documents_written", "vtex_calls", "linio_calls"}}`."""
        out: dict[str, dict[str, int]] = collections.defaultdict(
            lambda: {"commands": 0, "documents_written": 0, "vtex_calls": 0, "linio_calls": 0}
        )
        for (p, _, _), n in self.commands.items():
            out[p]["commands"] += n
        for (p, _, _), n in self.documents.items():
            out[p]["documents_written"] += n
        for (p, host), n in self.http.items():
            if host in ("vtex", "linio"):
                out[p][f"{host}_calls"] += n
        return dict(sorted(out.items()))


class CommandCounter(monitoring.CommandListener):
    """Counts every command (but `IGNORED`) per `(PIPELINE, collection, command)` into
    `counts.commands`, and on success the documents it wrote into `counts.documents`."""

    def __init__(self, counts: Counts | None = None) -> None:
        self.counts = counts if counts is not None else Counts()
        self._open: dict[tuple[Any, int], tuple[str, str, str]] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        name = event.command_name
        if name.lower() in IGNORED:
            return
        key = (PIPELINE.get(), _collection(name, event.command), name)
        self.counts.commands[key] += 1
        if name.lower() in ("insert", "update", "delete", "findandmodify", "bulkwrite"):
            self._open[(event.connection_id, event.request_id)] = key

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        key = self._open.pop((event.connection_id, event.request_id), None)
        if key is not None:
            written = documents_written(event.command_name, event.reply)
            if written:
                self.counts.documents[key] += written

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._open.pop((event.connection_id, event.request_id), None)


COUNTS = Counts()
"""This process's counters."""

LISTENER = CommandCounter(COUNTS)
"""The listener `app.storage` registers on the service's MongoDB clients."""


def host_kind(host: str) -> str:
    """`vtex` (VTEX's hosts, the VTEX simulator), `linio` (Seller Center, its simulator) or
    `other`, from a request's host name."""
    host = host.lower()
    if "vtex" in host:
        return "vtex"
    if "linio" in host or "sellercenter" in host:
        return "linio"
    return "other"


def http_trace(counts: Counts = COUNTS) -> aiohttp.TraceConfig:
    """An aiohttp `TraceConfig` counting each request started per `(PIPELINE, host kind)`
    (`kind_for`)."""

    async def on_start(
        _session: aiohttp.ClientSession, _ctx: Any, params: aiohttp.TraceRequestStartParams
    ) -> None:
        counts.http[(PIPELINE.get(), kind_for(params.url.host or "", params.url.path))] += 1

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_start)
    return trace


def kind_for(host: str, path: str) -> str:
    """The host kind of a request, from its host and, for loopback simulators, its path
    (VTEX's paths start with `/api/`, Seller Center's is `/` with an `Action`)."""
    kind = host_kind(host)
    if kind != "other" or host not in ("127.0.0.1", "localhost", "::1"):
        return kind
    return "vtex" if path.startswith("/api/") else "linio"


def read_dir(
    directory: Path, *, skip_pid: int | None = None
) -> tuple[Counts, list[dict[str, Any]]]:
    """The sum of the counters exported in `directory` (every process's last file) and each
    file's `{"role", "pid", "written_at"}`; `skip_pid`: leave that process's file out.
    Unreadable files (one being replaced) are skipped."""
    total = Counts()
    files: list[dict[str, Any]] = []
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if data.get("pid") == skip_pid:
            continue
        total.add_json(data)
        files.append({k: data.get(k) for k in ("role", "pid", "written_at")})
    return total, files


def write_file(directory: Path, role: str, counts: Counts = COUNTS) -> Path:
    """Write `counts` to `<directory>/<role>-<pid>.json` (atomically: a reader never sees
    half a file)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{role}-{os.getpid()}.json"
    body = {"role": role, "pid": os.getpid(), "written_at": time.time(), **counts.to_json()}
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(body))
    os.replace(partial, path)
    return path


@contextlib.asynccontextmanager
async def exporting(directory: Path | None, role: str) -> AsyncIterator[None]:
    """While open, write this process's counts to `directory` every `EXPORT_INTERVAL_S`
    seconds, and once more on exit; nothing when `directory` is None."""
    if directory is None:
        yield
        return

    async def forever() -> None:
        while True:
            write_file(directory, role)
            await asyncio.sleep(EXPORT_INTERVAL_S)

    with pipeline(PERIODIC):
        task = asyncio.create_task(forever(), name="db-counts-export")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        write_file(directory, role)


def merged(directory: Path | None) -> Counts:
    """This process's live counters plus, when `directory` is set, the other processes'
    last exported files (the web process's `/metrics` covers the workers too)."""
    total = Counts()
    total.commands.update(COUNTS.commands)
    total.documents.update(COUNTS.documents)
    total.http.update(COUNTS.http)
    if directory is not None and directory.is_dir():
        others, _ = read_dir(directory, skip_pid=os.getpid())
        total.commands.update(others.commands)
        total.documents.update(others.documents)
        total.http.update(others.http)
    return total
