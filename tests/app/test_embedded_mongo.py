from pathlib import Path

from pymongo import AsyncMongoClient

from app.embedded_mongo import EmbeddedMongo


async def test_embedded_server_keeps_data_across_restarts(tmp_path: Path) -> None:
    storage = tmp_path / "mongo"
    for round_number in (1, 2):
        server = EmbeddedMongo(storage)
        uri = await server.start()
        client: AsyncMongoClient = AsyncMongoClient(uri)
        try:
            # SecantusDB's costly paths stay off (see EmbeddedMongo.uri): retryable-write
            # records scanned on every write, and a thread per pooled connection.
            assert client.options.retry_writes is False
            assert client.options.pool_options.max_pool_size == 8
            collection = client.vtex_linio.stores
            if round_number == 1:
                await collection.insert_one({"store_id": "acme-mx"})
            else:
                assert await collection.count_documents({"store_id": "acme-mx"}) == 1
        finally:
            await client.close()
            await server.stop()
    assert server._process is None


def test_start_failure_cause_is_the_real_line_of_this_start(tmp_path: Path) -> None:
    from app.embedded_mongo import start_failure_cause

    log = tmp_path / "secantus.log"
    old = "2026 ERROR Address already in use\n"
    log.write_text(
        old
        + "Traceback (most recent call last):\n  File x\n"
        + "secantus.storage.Error: WiredTiger database is already being managed by another"
        " process\n"
    )
    cause = start_failure_cause(log, offset=len(old))
    assert "already being managed by another process" in cause and "\n" not in cause
    (tmp_path / "missing.log").write_text("/usr/bin/python: No module named secantus\n")
    assert "pip install" in start_failure_cause(tmp_path / "missing.log")


def test_an_external_uri_keeps_its_own_write_concern() -> None:
    from app.storage import _sets_write_concern

    assert not _sets_write_concern("mongodb://db:27017/?directConnection=true")
    assert _sets_write_concern("mongodb://db:27017/?w=majority")
    assert _sets_write_concern("mongodb://db:27017/?journal=false")
