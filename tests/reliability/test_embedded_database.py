"""Faults of the embedded default: kills of the service and of its SecantusDB child.

Accepted means durable (writes journaled with j:true), no orphan survives its service, the
service restarts its own database and answers 503 (never 500) while it is away, and a
start-up failure says its cause in one line. Counting is done on the journal itself, read
from the data directory after the service is gone: 0 lost, 0 duplicated.
"""

from __future__ import annotations

import asyncio
import collections
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.reliability.service import (
    Service,
    burst,
    http,
    journaled,
    pid_alive,
    running,
    seed_store,
    wait_until,
)


def _assert_nothing_lost(statuses: dict[int, int], journal: list[dict]) -> None:
    accepted = {sku for sku, status in statuses.items() if status == 200}
    per_sku = collections.Counter(int(doc["body"]["sku_id"]) for doc in journal)
    lost = accepted - set(per_sku)
    duplicated = {sku: n for sku, n in per_sku.items() if n > 1}
    assert not lost, f"{len(lost)} accepted notifications lost: {sorted(lost)[:20]}"
    assert not duplicated, f"duplicated in the journal: {duplicated}"
    # Nothing journaled that was never sent; unanswered ones (status 0) may be either way.
    assert set(per_sku) <= set(statuses)


async def test_service_and_database_killed_together_mid_burst_lose_nothing(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    await seed_store(data)
    service = Service(data)
    statuses: dict[int, int] = {}
    with running(service):
        [db_pid] = service.db_pids()
        task = asyncio.create_task(
            burst(service.notification_url(), range(1, 1501), statuses=statuses)
        )
        await asyncio.to_thread(
            wait_until, lambda: len(statuses) >= 300, 120, "300 answers before the kill"
        )
        os.kill(service.process.pid, signal.SIGKILL)
        os.kill(db_pid, signal.SIGKILL)
        await task
        service.process.wait(timeout=30)
    assert sum(1 for s in statuses.values() if s == 200) >= 300
    assert all(s in (0, 200) for s in statuses.values()), collections.Counter(statuses.values())
    _assert_nothing_lost(statuses, await journaled(data))


async def test_kill_of_the_service_leaves_no_orphan_and_it_restarts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    service = Service(data)
    with running(service):
        [db_pid] = service.db_pids()
        service.kill()
        # PR_SET_PDEATHSIG: the database follows its parent instead of holding the lock.
        await asyncio.to_thread(
            wait_until, lambda: not pid_alive(db_pid), 30, "the database to exit"
        )
    again = Service(data)
    with running(again):
        assert http("GET", f"{again.url}/ready")[0] == 200


async def test_orphan_of_an_older_version_is_recognised_and_stopped(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "mongo").mkdir(parents=True)
    # An older service started SecantusDB directly and died: the database is re-parented.
    port = Service(data).port
    launcher = await asyncio.to_thread(
        subprocess.run,
        [
            "sh",
            "-c",
            f"{sys.executable} -m secantus --host 127.0.0.1 --port {port} "
            f"--storage-path {data / 'mongo'} --log-level WARNING >/dev/null 2>&1 & echo $!",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    orphan = int(launcher.stdout.strip())
    try:
        await asyncio.to_thread(
            wait_until,
            lambda: (data / "mongo" / "WiredTiger.lock").exists(),
            60,
            "the orphan to hold its lock",
        )
        service = Service(data)
        with running(service):
            assert not pid_alive(orphan)
            assert "embedded_mongo_orphan_stopped" in service.output()
    finally:
        if pid_alive(orphan):
            os.kill(orphan, signal.SIGKILL)


async def test_a_second_service_on_the_same_data_dir_fails_in_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = Service(data)
    with running(first):
        second = Service(data)
        result = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "app", "serve"],
            env=second.env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 1
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        failure = [line for line in lines if line.startswith("vtex-linio could not start")]
        assert len(failure) == 1 and "in use by another running vtex-linio" in failure[0]
        assert "Traceback" not in result.stderr
        # `import` on the same data directory says the same, in one line.
        (tmp_path / "csv").mkdir()
        imported = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "app", "import", str(tmp_path / "csv")],
            env=second.env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert imported.returncode == 1 and "Traceback" not in imported.stderr
        assert "in use by another running vtex-linio" in imported.stderr
        # The running service was not disturbed.
        assert http("GET", f"{first.url}/ready")[0] == 200


async def test_unreachable_broker_fails_in_one_line_without_its_password(tmp_path: Path) -> None:
    canary = "CanaryAmqpPassword-7731"
    from app.embedded_mongo import free_port

    service = Service(tmp_path / "data", AMQP_URL=f"amqp://guest:{canary}@127.0.0.1:{free_port()}/")
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "app", "serve"],
        env=service.env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "vtex-linio could not start: RabbitMQ" in result.stderr
    assert canary not in result.stderr + result.stdout


async def test_database_killed_is_restarted_and_the_outage_answers_503_not_500(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    await seed_store(data)
    service = Service(data)
    statuses: dict[int, int] = {}
    with running(service):
        [db_pid] = service.db_pids()
        task = asyncio.create_task(
            burst(service.notification_url(), range(1, 801), concurrency=10, statuses=statuses)
        )
        await asyncio.to_thread(wait_until, lambda: len(statuses) >= 150, 120, "150 answers")
        os.kill(db_pid, signal.SIGKILL)
        await task
        # The supervisor brought a new database up on the same port.
        await asyncio.to_thread(
            wait_until,
            lambda: bool(service.db_pids()) and service.db_pids() != [db_pid],
            60,
            "the database to be restarted",
        )
        await asyncio.to_thread(
            wait_until, lambda: http("GET", f"{service.url}/ready")[0] == 200, 60, "ready"
        )
        status, health = http("GET", f"{service.url}/health")
        assert status == 200 and health["embedded_database"]["restarts"] >= 1
        after = await burst(service.notification_url(), range(5001, 5011))
        assert set(after.values()) == {200}
        assert service.stop() == 0
    counts = collections.Counter(statuses.values())
    assert set(counts) <= {200, 503}, counts  # never a 500, never a cut connection
    assert "embedded_mongo_restarted" in service.output()
    journal = await journaled(data)
    _assert_nothing_lost({**statuses, **after}, journal)
