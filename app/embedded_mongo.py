"""The embedded MongoDB-compatible server used when MONGODB_URI is unset.

SecantusDB speaks MongoDB's wire protocol, so the very same PyMongo code runs against it and
against a production MongoDB. It is GPL-2.0, so it is installed as an optional extra and
started as a separate process (`python -m secantus`); our code never imports it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)


class EmbeddedMongoError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedMongo:
    """A SecantusDB child process with its files under `storage_path` (':memory:' for tests)."""

    def __init__(self, storage_path: Path | str, *, port: int | None = None) -> None:
        self.storage_path = storage_path
        self.port = port or free_port()
        self._process: asyncio.subprocess.Process | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    async def start(self, timeout: float = 30.0) -> str:
        if str(self.storage_path) != ":memory:":
            Path(self.storage_path).mkdir(parents=True, exist_ok=True)
        log_path = (
            Path(self.storage_path).parent / "secantus.log"
            if str(self.storage_path) != ":memory:"
            else Path(os.devnull)
        )
        try:
            self._log_file = open(log_path, "ab")
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "secantus",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--storage-path",
                str(self.storage_path),
                "--log-level",
                "WARNING",
                stdout=self._log_file,
                stderr=self._log_file,
            )
        except OSError as exc:  # pragma: no cover - interpreter missing
            raise EmbeddedMongoError(f"cannot start the embedded database: {exc}") from exc
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if self._process.returncode is not None:
                raise EmbeddedMongoError(
                    "the embedded database (SecantusDB) exited at start-up; install it with "
                    "`pip install 'vtex-linio[embedded]'` or set MONGODB_URI"
                )
            if await _port_open(self.port):
                log.info("embedded_mongo_started", port=self.port, path=str(self.storage_path))
                return self.uri
            await asyncio.sleep(0.05)
        await self.stop()
        raise EmbeddedMongoError(f"the embedded database did not listen within {timeout:.0f} s")

    async def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), timeout=10)
        except TimeoutError:
            process.kill()
            await process.wait()
        with contextlib.suppress(Exception):
            self._log_file.close()
        log.info("embedded_mongo_stopped", port=self.port)


async def _port_open(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    with contextlib.suppress(Exception):
        await writer.wait_closed()
    return True
