"""A simulator's state on disk, so that a sandbox restart is a real restart.

The sandbox (`SANDBOX=1 serve`) gives each simulator a file under `DATA_DIR/sandbox/`
(`linio.pickle`, `vtex.pickle`); tests and the benchmark give none and stay in memory.

How it is written: the whole state is pickled into a temporary file next to the target,
flushed and fsync'ed, then `os.replace`d over it (and the directory fsync'ed). A rename
within one directory is atomic on POSIX, so a kill -9 at any moment leaves either the
previous complete state or the new complete one, never a torn file. Why not a database:
the states are small object graphs (a sandbox store is 200 SKUs and a few orders) that
pickle round-trips exactly (Decimal, aware datetimes, dataclasses, shared references such as
an order item held by its order and by the item index), and the simulators read them once,
at start; a write is a few milliseconds. The file is the service's own (its DATA_DIR), never
data from elsewhere, which is what makes unpickling it acceptable.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

import structlog

log = structlog.get_logger(__name__)


class StateFile:
    """One simulator's saved state: `load()` once at start, `save(state)` after each change.

    `path`: the file (its directory is created). `save` skips the write when the pickled
    bytes equal the last ones written, so calling it after every request costs a pickle,
    not a disk write."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._last: bytes | None = None

    def load(self) -> Any | None:
        """The saved state, or None when there is none (first start). An unreadable file
        (an older layout) is logged and set aside as `<name>.unreadable`: the simulator
        starts fresh rather than not at all."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            state = pickle.loads(raw)  # our own DATA_DIR's file: see the module doc
        except Exception as exc:  # pickle raises many kinds on a file it cannot read
            log.warning("simulator_state_unreadable", path=str(self.path), error=str(exc))
            with contextlib.suppress(OSError):
                os.replace(self.path, self.path.with_suffix(".unreadable"))
            return None
        self._last = raw
        return state

    def save(self, state: Any) -> bool:
        """Write `state` atomically (temp file, fsync, rename, fsync of the directory).
        True when something was written, False when it was unchanged."""
        raw = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
        if raw == self._last:
            return False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(raw)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        self._last = raw
        return True
