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
            collection = client.vtex_linio.stores
            if round_number == 1:
                await collection.insert_one({"store_id": "acme-mx"})
            else:
                assert await collection.count_documents({"store_id": "acme-mx"}) == 1
        finally:
            await client.close()
            await server.stop()
    assert server._process is None
