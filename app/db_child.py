"""Launcher of the embedded database: `python -m app.db_child <parent pid> <secantus args…>`.

It asks Linux to send it SIGTERM when the service that started it dies
(`prctl(PR_SET_PDEATHSIG)`, kept across `exec`), checks the parent is still the one that
started it (it may have died in between), then becomes `python -m secantus` with the given
arguments. SecantusDB is GPL-2.0 and is never imported: this process execs it.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> None:
    parent = int(argv[0])
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # the service died before prctl took effect
        sys.exit(3)
    os.execv(sys.executable, [sys.executable, "-m", "secantus", *argv[1:]])


if __name__ == "__main__":
    main(sys.argv[1:])
