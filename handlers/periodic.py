"""The loop every worker schedule shares (order polling, reconciliation): run `round()`,
sleep `period()` seconds, again until stopped. A failed round is logged and the next one
runs on time: a schedule never dies of one bad round."""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from app.db_counts import PERIODIC, pipeline

log = structlog.get_logger(__name__)


class PeriodicJob:
    name = "periodic-job"

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None

    async def round(self) -> int:
        raise NotImplementedError

    def period(self) -> float:
        raise NotImplementedError

    def start(self) -> None:
        with pipeline(PERIODIC):  # time-driven: counted apart (`app.db_counts`)
            self._task = asyncio.create_task(self._forever(), name=self.name)

    async def _forever(self) -> None:
        while True:
            try:
                await self.round()
            except Exception as exc:  # logged; the next round runs on time
                log.warning("periodic_round_failed", job=self.name, error=str(exc))
            await asyncio.sleep(self.period())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
