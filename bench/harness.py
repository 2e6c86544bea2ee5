"""The service under test, run as the real processes an operator starts.

Two setups (issue 13):

- `embedded`: one `vtex-linio serve` with the defaults — SecantusDB started by the service
  under DATA_DIR (journaled writes, `j:true`) and the in-process broker.
- `rabbitmq`: one SecantusDB on disk started here (the "one database"), `vtex-linio web`
  and two `vtex-linio worker` processes against RabbitMQ at AMQP_URL.

Stores are written into the service's database before it starts (through the same
`StoreRepository` the service uses). The simulators run in the benchmark's own process, so
their CPU is never counted as the connector's; the connector's CPU and memory are read from
/proc for exactly the service's processes (the database is reported on its own), and their
database commands, documents written and HTTP calls per pipeline from the files each
process exports to DB_COUNTS_DIR (`app.db_counts`, a directory of the run's own).
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from app.db_counts import Counts, read_dir
from app.embedded_mongo import EmbeddedMongo, free_port
from app.runtime import Runtime, open_runtime
from app.settings import Settings
from domain.stores import Store

CLK_TCK = os.sysconf("SC_CLK_TCK")
DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"


# --- the machine and its processes, from /proc -------------------------------------------------


def machine() -> dict[str, object]:
    """nproc, CPU model, memory and the load average right now (other developers share it)."""
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": model or "unknown",
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": sys.version.split()[0],
    }


def load_average() -> tuple[float, float, float]:
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return float(one), float(five), float(fifteen)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def peak_rss_mib(pid: int) -> float:
    """VmHWM: the process's peak resident memory."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the benchmark dies (no orphaned services)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG


# --- the service -------------------------------------------------------------------------------


@dataclass
class Service:
    """The running connector: its URL and its processes."""

    setup: str
    url: str
    settings: Settings
    connector_pids: list[int]
    database_pids: list[int]
    processes: list[asyncio.subprocess.Process] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    counts_dir: Path = Path()
    """DB_COUNTS_DIR of the service's processes (`counts`)."""

    def cpu_by_process(self) -> dict[str, float]:
        """CPU seconds so far per connector process ("serve", "web", "worker-1", …)."""
        pids = zip(self.roles, self.connector_pids, strict=True)
        return {role: cpu_seconds(pid) for role, pid in pids}

    def cpu(self) -> dict[str, float]:
        """CPU seconds so far: the connector's processes, the database's."""
        return {
            "connector": sum(cpu_seconds(p) for p in self.connector_pids),
            "database": sum(cpu_seconds(p) for p in self.database_pids),
        }

    def peak_memory_mib(self) -> float:
        return round(sum(peak_rss_mib(p) for p in self.connector_pids), 1)

    def database_uri(self) -> str | None:
        """The MongoDB URI of the service's database (read-only use by the benchmark: stage
        timestamps), found from the database process's command line."""
        for pid in self.database_pids:
            try:
                args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"--port" in args:
                port = args[args.index(b"--port") + 1].decode()
                return f"mongodb://127.0.0.1:{port}/?directConnection=true&retryWrites=false"
        return None

    async def counts(self, guard_s: float = 30.0) -> Counts:
        """What the service's processes have counted so far (`app.db_counts`: database
        commands, documents written and HTTP calls per pipeline), read from the files they
        export to DB_COUNTS_DIR once every process has written one since this call began
        (at most `EXPORT_INTERVAL_S` later). Raises TimeoutError when a live process wrote
        none within `guard_s` seconds (a hang guard: it writes every 2 s)."""
        since = time.time()
        deadline = time.monotonic() + guard_s
        while True:
            total, files = read_dir(self.counts_dir)
            fresh = {f["pid"] for f in files if (f["written_at"] or 0) >= since}
            live = {p.pid for p in self.processes if p.returncode is None}
            if live <= fresh:
                return total
            if time.monotonic() > deadline:
                raise TimeoutError(f"no fresh counts from {sorted(live - fresh)} in {guard_s} s")
            await asyncio.sleep(0.2)

    def alive(self) -> bool:
        return all(p.returncode is None for p in self.processes)


def _env(settings_env: dict[str, str]) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k not in ("MONGODB_URI", "AMQP_URL")}
    return {**keep, **settings_env}


async def _wait_ready(url: str, processes: Sequence[asyncio.subprocess.Process]) -> None:
    deadline = time.monotonic() + 90
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            for process in processes:
                if process.returncode is not None:
                    raise RuntimeError(f"service process exited with {process.returncode}")
            try:
                async with session.get(f"{url}/ready") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise TimeoutError(f"the service at {url} was not ready within 90 s")


Prepare = Callable[[Runtime, str], Awaitable[None]]


async def _seed(
    settings: Settings, stores: Sequence[Store], prepare: Prepare | None, url: str
) -> None:
    async with open_runtime(settings, start_broker=False) as runtime:
        for store in stores:
            await runtime.stores.upsert(store)
        if prepare is not None:
            await prepare(runtime, url)


@asynccontextmanager
async def run_service(
    setup: str,
    stores: Sequence[Store],
    *,
    amqp_url: str = DEFAULT_AMQP_URL,
    workers: int = 2,
    prepare: Prepare | None = None,
    settings_env: dict[str, str] | None = None,
) -> AsyncIterator[Service]:
    """Start the connector in `setup` ("embedded" or "rabbitmq") with `stores` in its
    database (and whatever `prepare(runtime, service_url)` writes before it starts); stop
    it (SIGTERM, then SIGKILL after 20 s) and delete its data afterwards. `settings_env`:
    settings of the service's own (`ORDER_POLL_INTERVAL`…) over the benchmark's."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"vtex-linio-bench-{setup}-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        "DATA_DIR": str(data_dir),
        "PORT": str(port),
        "PUBLIC_BASE_URL": url,
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(24),
        "ADMIN_PASSWORD": "bench-" + secrets.token_urlsafe(12),
        "MONGODB_DB": "vtex_linio_bench",
        "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
        "ALLOW_LOOPBACK": "1",
        "DB_COUNTS_DIR": str(data_dir / "counts"),
        **(settings_env or {}),
    }
    database: EmbeddedMongo | None = None
    processes: list[asyncio.subprocess.Process] = []
    command = [sys.executable, "-m", "app"]
    log = (data_dir / "service.log").open("wb")
    try:
        if setup == "rabbitmq":
            database = EmbeddedMongo(data_dir / "mongo")
            env["MONGODB_URI"] = await database.start()
            env["AMQP_URL"] = amqp_url
        elif setup != "embedded":
            raise ValueError(f"unknown setup {setup!r}")
        settings = Settings.from_env(env)
        await _seed(settings, stores, prepare, url)
        roles = ["serve"] if setup == "embedded" else ["web"] + ["worker"] * workers
        for role in roles:
            processes.append(
                await asyncio.create_subprocess_exec(
                    *command,
                    role,
                    env=_env(env),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    preexec_fn=_die_with_parent,
                )
            )
        await _wait_ready(url, processes)
        connector = [p.pid for p in processes]
        if database is not None and database.pid is not None:
            db_pids = [database.pid]
        else:  # the embedded database is the serve process's child
            db_pids = [c for p in connector for c in children(p)]
        names = [r if roles.count(r) == 1 else f"{r}-{i}" for i, r in enumerate(roles)]
        yield Service(
            setup, url, settings, connector, db_pids, processes, names, data_dir / "counts"
        )
    finally:
        for process in processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                await process.wait()
        if database is not None:
            await database.stop()
        log.close()
        if os.environ.get("BENCH_KEEP_DATA"):
            print(f"service data kept in {data_dir}", file=sys.stderr)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
