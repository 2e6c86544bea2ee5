"""A sandbox restart on the same DATA_DIR (issue 19 item 6, CLARIFICATIONS §9 "Sandbox
restart").

The real process (`python -m app serve` with SANDBOX=1: its embedded SecantusDB, broker and
both simulators, which keep their state under `DATA_DIR/sandbox/`) publishes the demo
catalog; then it is stopped and started again on the same DATA_DIR:

- `sigterm`: stopped once the catalog is published (what `make serve` and Ctrl-C do);
- `kill-mid-publish`: kill -9 as soon as the first feed left (feeds queued on Seller
  Center, feed records unsure, SKUs staged), so the restart finds the publication half done;
- `seller-center-lost`: stopped once published, and the Seller Center simulator's file
  deleted: the restart meets a Seller Center without the products we hold live (what every
  sandbox restart was before the simulators kept their state). The load's census finds
  them gone; variations refused with "the parent product does not exist" are healed by the
  feed owner (GetProducts of the parent, its create, then the variation).

Each ends with the demo catalog's end states (180 live, the faulty SKUs held back for
their own reasons) and no SKU rejected, in particular none for "the parent product does
not exist" (before the fix a restart left variations rejected so). Every wait is for a
condition, under a generous hang guard; no timing is asserted.
"""

from __future__ import annotations

import base64
import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.service import ADMIN_PASSWORD, Service, wait_until

END_STATES = {"live": 180, "invalid": 6, "pending_mapping": 3, "skipped": 7}
"""The demo catalog published (`app.sandbox`: 200 SKUs, seed 1, 10 % faulty)."""


def _status(service: Service) -> dict[str, Any] | None:
    token = base64.b64encode(f"admin:{ADMIN_PASSWORD}".encode()).decode()
    request = urllib.request.Request(
        f"{service.url}/api/stores/sandbox-mx/status",
        headers={"Authorization": f"Basic {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    except OSError:
        return None


def _load_started(service: Service) -> str | None:
    """When the store's current initial load started (the status API's `initial_load`)."""
    status = _status(service)
    return None if status is None else str((status.get("initial_load") or {}).get("started_at"))


def _published(service: Service, *, not_the_load_of: str | None = None) -> bool:
    """The demo catalog's end states, nothing staged, in flight or queued, after an initial
    load other than `not_the_load_of` (a restart starts its own: it re-checks everything)."""
    status = _status(service)
    if status is None:
        return False
    pending, load = status["pending"], status.get("initial_load") or {}
    if load.get("status") != "done" or str(load.get("started_at")) == not_the_load_of:
        return False
    return (
        status["skus"]["by_state"] == END_STATES
        and not pending["staged_changes"]
        and not pending["feeds_in_flight"]
        and not any(pending["queues"].values())
    )


def _untrue_rejections(service: Service) -> list[dict[str, Any]]:
    status = _status(service)
    assert status is not None
    return [h for h in status["skus"]["held_back"] if h["status"] == "rejected"]


@pytest.mark.parametrize("stop", ["sigterm", "kill-mid-publish", "seller-center-lost"])
def test_sandbox_restart_ends_in_the_same_states(tmp_path: Path, stop: str) -> None:
    data = tmp_path / "data"
    first = Service(data, SANDBOX="1").start()
    try:
        if stop in ("sigterm", "seller-center-lost"):
            wait_until(lambda: _published(first), timeout=600, what="the demo catalog")
            load = _load_started(first)
            assert first.stop() == 0
        else:
            wait_until(lambda: '"feed_sent"' in first.output(), timeout=600, what="a feed")
            load = _load_started(first)
            first.kill()
        assert load is not None
    finally:
        if first.process is not None and first.process.poll() is None:
            first.kill()
    kept = sorted(p.name for p in (data / "sandbox").iterdir())
    assert kept == ["linio.pickle", "vtex.pickle"]
    if stop == "seller-center-lost":
        (data / "sandbox" / "linio.pickle").unlink()
    second = Service(data, port=first.port, SANDBOX="1").start()
    try:
        # A crashed owner's lease (120 s) is waited out before the restart's owner sends.
        wait_until(
            lambda: _published(second, not_the_load_of=load),
            timeout=900,
            what="the same end states",
        )
        assert _untrue_rejections(second) == []  # none for "parent product does not exist"
    finally:
        second.stop()
