"""`LinioReservations`: SKUs evaluated together share one read of the order ledger, on a
real SecantusDB with the ledger's own query (the units themselves are asserted end to end:
`test_the_first_offer_counts_units_linio_still_reserves…` in tests/handlers)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from pymongo import AsyncMongoClient, monitoring

from app.storage import ORDERS
from domain.catalog.reservations import LinioReservations
from domain.orders.ledger import OrderLedger


class LedgerReads(monitoring.CommandListener):
    """Counts the commands sent to the orders collection."""

    def __init__(self) -> None:
        self.count = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command.get(event.command_name) == ORDERS:
            self.count += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@pytest.fixture
async def counted(mongo_uri: str, db_name: str) -> AsyncIterator[tuple[OrderLedger, LedgerReads]]:
    reads = LedgerReads()
    client: AsyncMongoClient = AsyncMongoClient(mongo_uri, event_listeners=[reads])
    try:
        yield OrderLedger(client[db_name]), reads
    finally:
        await client.drop_database(db_name)
        await client.close()


async def test_skus_evaluated_together_share_one_ledger_read(
    counted: tuple[OrderLedger, LedgerReads],
) -> None:
    ledger, reads = counted
    reservations = LinioReservations(ledger)
    asks = [reservations.ask("acme-mx", str(sku)) for sku in range(30)]  # before VTEX reads
    other = reservations.ask("acme-co", "1")  # another store: its own lot
    assert reads.count == 0  # nothing is read before an answer is needed
    assert await asyncio.gather(*(ask() for ask in asks)) == [0] * 30
    assert reads.count == 1
    assert await other() == 0
    assert reads.count == 2
    # A lot once read is closed: a later evaluation reads again.
    assert await reservations.ask("acme-mx", "1")() == 0
    assert reads.count == 3


async def test_a_full_lot_is_read_at_once_and_an_old_answer_is_read_again(
    counted: tuple[OrderLedger, LedgerReads],
) -> None:
    ledger, reads = counted
    reservations = LinioReservations(ledger, lot_size=5, max_age=0.2)
    asks = [reservations.ask("acme-mx", str(sku)) for sku in range(12)]
    await asyncio.sleep(0.05)
    assert reads.count == 2  # two lots of 5 filled and were read; 2 SKUs still open
    assert await asyncio.gather(*(ask() for ask in asks[:11])) == [0] * 11
    assert reads.count == 3
    await asyncio.sleep(0.3)  # this evaluation's VTEX reads took longer than max_age
    assert await asks[11]() == 0
    assert reads.count == 4
