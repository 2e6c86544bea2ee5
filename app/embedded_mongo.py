"""The embedded MongoDB-compatible server used when MONGODB_URI is unset.

SecantusDB speaks MongoDB's wire protocol, so the very same PyMongo code runs against it and
against a production MongoDB. It is GPL-2.0, so it is installed as an optional extra and
started as a separate process (`python -m secantus`); our code never imports it.

Three guarantees (docs/reliability.md, "Embedded database"):

- **No orphans.** The child is started through `app.db_child`, which asks the kernel to send
  it SIGTERM when its parent dies (`PR_SET_PDEATHSIG`) before it becomes SecantusDB, so a
  `kill -9` of the service takes the database with it. A database left behind by an older
  version (parent gone, still holding `WiredTiger.lock`) is recognised at start and stopped.
- **Supervised.** `supervise()` restarts the child on the same port when it dies; the
  driver reconnects by itself. While it is away requests answer 503.
- **Failures in one line.** A start-up failure raises `EmbeddedMongoError` carrying the
  real cause read from `secantus.log`, never a generic hint.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)

RESTART_DELAYS = (0.2, 0.5, 1.0, 2.0, 5.0)  # seconds between restarts of a dying child
GIVE_UP_AFTER = 10  # consecutive failed restarts before the process reports itself unhealthy


class EmbeddedMongoError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _ppid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # "pid (comm) state ppid ...": comm may hold spaces, so split after the last ')'.
    return int(stat.rsplit(")", 1)[1].split()[1])


def holders_of(storage_path: Path) -> list[int]:
    """Pids of SecantusDB processes serving `storage_path` (Linux /proc; [] elsewhere)."""
    wanted = str(storage_path.resolve())
    found = []
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        args = _cmdline(int(entry.name))
        if "secantus" not in args or "--storage-path" not in args:
            continue
        index = args.index("--storage-path") + 1
        if index < len(args) and str(Path(args[index]).resolve()) == wanted:
            found.append(int(entry.name))
    return found


def is_orphan(pid: int) -> bool:
    """A database whose service is gone: re-parented to init (or to a non-Python reaper)."""
    parent = _ppid(pid)
    if parent is None:
        return False
    if parent == 1:
        return True
    parent_args = _cmdline(parent)
    return not parent_args or "python" not in Path(parent_args[0]).name


def stop_orphans(storage_path: Path, *, timeout: float = 10.0) -> list[int]:
    """Stop SecantusDB processes left behind on `storage_path`; refuse to touch a live one.

    Raises EmbeddedMongoError when the data directory belongs to a running service.
    """
    stopped = []
    for pid in holders_of(storage_path):
        if not is_orphan(pid):
            raise EmbeddedMongoError(
                f"DATA_DIR {storage_path.parent} is in use by another running vtex-linio "
                f"(database pid {pid}, service pid {_ppid(pid)}); stop it or use another DATA_DIR"
            )
        log.warning("embedded_mongo_orphan_stopped", pid=pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            if _ppid(pid) is None:
                break
            time.sleep(0.05)
        if Path(f"/proc/{pid}").exists():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        stopped.append(pid)
    return stopped


def start_failure_cause(log_path: Path, offset: int = 0) -> str:
    """The one line of SecantusDB's log (written after `offset`) that says why it stopped."""
    try:
        with open(log_path, "rb") as handle:
            handle.seek(offset)
            lines = handle.read().decode(errors="replace").splitlines()[-80:]
    except OSError:
        lines = []
    for marker in (
        "already being managed by another process",
        "No module named",
        "Address already in use",
        "Permission denied",
        "No space left",
    ):
        for line in reversed(lines):
            if marker in line:
                cause = line.strip()
                if "No module named" in marker:
                    return (
                        "SecantusDB is not installed: pip install 'vtex-linio[embedded]' "
                        "or set MONGODB_URI"
                    )
                return cause[-300:]
    meaningful = [line.strip() for line in lines if line.strip()]
    return meaningful[-1][-300:] if meaningful else "no output; see secantus.log"


class EmbeddedMongo:
    """A SecantusDB child process with its files under `storage_path` (':memory:' for tests).

    Writes acknowledged with `journal=True` (see `app.storage`) are fsynced to SecantusDB's
    write-ahead log before the answer, so they survive a hard kill of either process.
    """

    def __init__(self, storage_path: Path | str, *, port: int | None = None) -> None:
        self.storage_path = storage_path
        self.port = port or free_port()
        self._process: asyncio.subprocess.Process | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._log_file = None
        self.restarts = 0
        self.failed = False  # True once restarts were given up: /health answers 503

    @property
    def uri(self) -> str:
        """The driver URI. Retryable writes are off: SecantusDB keeps the last 10,000 write
        records in memory and scans them on every write (an insert cost 7.6 ms of database CPU
        with them, 0.95 ms without, `bench/REPORT.md`), and they would not survive the
        restart of a dying child anyway. A write cut by a broken connection raises instead, and
        the message that made it is retried (our writes are keyed upserts, `$max`/`$setOnInsert`
        or journal ids, so doing one twice is safe). At most 8 connections: SecantusDB serves
        each on its own thread under one interpreter lock, and fewer threads contending for it
        made the 1,000-SKU load 15 % faster (71 s against 83 s, database CPU 68 against 81 ms
        per SKU); requests queue in the driver instead."""
        return (
            f"mongodb://127.0.0.1:{self.port}/"
            "?directConnection=true&retryWrites=false&maxPoolSize=8"
        )

    @property
    def in_memory(self) -> bool:
        return str(self.storage_path) == ":memory:"

    @property
    def log_path(self) -> Path:
        return (
            Path(os.devnull) if self.in_memory else Path(self.storage_path).parent / "secantus.log"
        )

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def start(self, timeout: float = 30.0) -> str:
        if not self.in_memory:
            Path(self.storage_path).mkdir(parents=True, exist_ok=True)
            await asyncio.to_thread(stop_orphans, Path(self.storage_path))
        await self._spawn(timeout)
        return self.uri

    async def _spawn(self, timeout: float) -> None:
        log_start = (
            0 if self.in_memory or not self.log_path.exists() else self.log_path.stat().st_size
        )
        try:
            self._log_file = open(self.log_path, "ab")
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "app.db_child",
                str(os.getpid()),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--storage-path",
                str(self.storage_path if self.in_memory else Path(self.storage_path).resolve()),
                "--log-level",
                "WARNING",
                # No replica-set advertisement: nothing here uses change streams, and the
                # standalone path costs SecantusDB ~8 % less CPU per update (measured: 1.03
                # -> 0.95 ms per indexed update at 3,000 documents; the oplog's retention
                # and size settings made no difference).
                "--standalone",
                stdout=self._log_file,
                stderr=self._log_file,
                # Its own session: a Ctrl-C in the terminal or a signal to the service's
                # process group reaches the service only, which drains its work and then
                # stops the database (`stop()`); PR_SET_PDEATHSIG still ends it with us.
                start_new_session=True,
            )
        except OSError as exc:  # pragma: no cover - interpreter missing
            raise EmbeddedMongoError(f"cannot start the embedded database: {exc}") from exc
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if self._process.returncode is not None:
                cause = (
                    start_failure_cause(self.log_path, log_start)
                    if not self.in_memory
                    else f"exit status {self._process.returncode}"
                )
                raise EmbeddedMongoError(
                    f"the embedded database (SecantusDB) exited at start-up: {cause}"
                )
            if await _port_open(self.port):
                log.info(
                    "embedded_mongo_started",
                    port=self.port,
                    pid=self._process.pid,
                    path=str(self.storage_path),
                )
                return
            await asyncio.sleep(0.05)
        await self._terminate()
        raise EmbeddedMongoError(f"the embedded database did not listen within {timeout:.0f} s")

    def supervise(self) -> None:
        """Restart the child whenever it dies until `stop()` (idempotent)."""
        if self._supervisor is None or self._supervisor.done():
            self._supervisor = asyncio.create_task(self._watch(), name="embedded-mongo-supervisor")

    async def _watch(self) -> None:
        failures = 0
        while True:
            process = self._process
            if process is None:
                return
            code = await process.wait()
            if self._process is not process:  # stop() or a restart replaced it
                return
            log.error("embedded_mongo_died", pid=process.pid, returncode=code)
            while True:
                await asyncio.sleep(RESTART_DELAYS[min(failures, len(RESTART_DELAYS) - 1)])
                try:
                    await self._spawn(timeout=30.0)
                except EmbeddedMongoError as exc:
                    failures += 1
                    self.failed = failures >= GIVE_UP_AFTER
                    log.error("embedded_mongo_restart_failed", error=str(exc), attempt=failures)
                    continue
                failures = 0
                self.failed = False
                self.restarts += 1
                log.warning("embedded_mongo_restarted", pid=self.pid, restarts=self.restarts)
                break

    async def stop(self) -> None:
        supervisor, self._supervisor = self._supervisor, None
        if supervisor is not None:
            supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await supervisor
        await self._terminate()
        log.info("embedded_mongo_stopped", port=self.port)

    async def _terminate(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), timeout=10)
            except TimeoutError:
                process.kill()
                await process.wait()
        if self._log_file is not None:
            with contextlib.suppress(Exception):
                self._log_file.close()
            self._log_file = None


async def _port_open(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    with contextlib.suppress(Exception):
        await writer.wait_closed()
    return True
