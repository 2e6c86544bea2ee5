"""`flows/` type-checks clean with the pinned mypy (CLARIFICATIONS §8: lots adds mypy for
`flows/`, orders widens it to `clients/` and `domain/`). Settings in pyproject's
`[tool.mypy]`: what `flows/` imports is read, only `flows/`'s own errors count."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_flows_type_check_clean() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "flows"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
