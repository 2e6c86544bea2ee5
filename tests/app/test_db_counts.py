"""`app.db_counts`: commands and documents written per pipeline, counted by a pymongo
command listener on a real SecantusDB, the tag set where work enters, and the export."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pymongo import AsyncMongoClient, DeleteOne, InsertOne, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from app import db_counts
from app.broker import Message, queue_name
from app.db_counts import CommandCounter, Counts, pipeline
from app.runtime import Runtime


@pytest.fixture
async def counted(mongo_uri: str, db_name: str) -> AsyncIterator[tuple[Counts, AsyncCollection]]:
    """A client of its own with a listener of its own: the counts of this test alone."""
    counts = Counts()
    client: AsyncMongoClient = AsyncMongoClient(mongo_uri, event_listeners=[CommandCounter(counts)])
    try:
        yield counts, client[db_name]["things"]
    finally:
        await client.drop_database(db_name)
        await client.close()


def written(counts: Counts, command: str, tag: str = "other") -> int:
    return counts.documents[(tag, "things", command)]


async def test_writes_count_the_documents_they_changed(
    counted: tuple[Counts, AsyncCollection],
) -> None:
    counts, things = counted
    await things.insert_many([{"_id": i, "k": i % 2} for i in range(3)])
    assert written(counts, "insert") == 3
    await things.update_many({"k": 0}, {"$set": {"x": 1}})  # matches 2, modifies 2
    assert written(counts, "update") == 2
    await things.update_many({}, {"$set": {"k": 1}})  # matches 3, one holds k=1 already
    assert written(counts, "update") == 4
    await things.update_many({"k": 1}, {"$set": {"k": 1}})  # matches 3, changes nothing
    assert written(counts, "update") == 4
    await things.update_one({"_id": 9}, {"$set": {"k": 0}}, upsert=True)
    assert written(counts, "update") == 5
    await things.find_one_and_update({"_id": 0}, {"$set": {"y": 1}})
    await things.find_one_and_update({"_id": 99}, {"$set": {"y": 1}})  # matches none
    assert written(counts, "findAndModify") == 1
    await things.delete_many({"_id": {"$in": [1, 2]}})
    assert written(counts, "delete") == 2
    assert counts.commands[("other", "things", "update")] == 4
    assert counts.commands[("other", "things", "findAndModify")] == 2


async def test_a_bulk_write_counts_each_statement_s_effect(
    counted: tuple[Counts, AsyncCollection],
) -> None:
    counts, things = counted
    await things.bulk_write(
        [
            InsertOne({"_id": 1}),
            InsertOne({"_id": 2}),
            UpdateOne({"_id": 1}, {"$set": {"a": 1}}),
            UpdateOne({"_id": 3}, {"$set": {"a": 1}}, upsert=True),
            DeleteOne({"_id": 2}),
        ],
        ordered=True,
    )
    assert written(counts, "insert") == 2
    assert written(counts, "update") == 2  # one modified, one upserted
    assert written(counts, "delete") == 1
    assert sum(counts.documents.values()) == 5


async def test_reads_count_as_commands_and_handshakes_not_at_all(
    counted: tuple[Counts, AsyncCollection],
) -> None:
    counts, things = counted
    await things.insert_one({"_id": 1})
    await things.database.command("ping")
    assert await things.find_one({"_id": 1}) == {"_id": 1}
    assert await things.count_documents({}) == 1
    assert counts.commands[("other", "things", "find")] == 1
    assert counts.commands[("other", "things", "aggregate")] == 1
    commands = {command.lower() for _, _, command in counts.commands}
    assert not commands & db_counts.IGNORED
    assert sum(counts.documents.values()) == 1  # reads write nothing


async def test_the_pipeline_tag_attributes_the_work(
    counted: tuple[Counts, AsyncCollection],
) -> None:
    counts, things = counted
    with pipeline("catalog"):
        await things.insert_many([{"n": 1}, {"n": 2}])

        async def in_a_task() -> None:  # tasks inherit the tag they were created under
            await things.update_many({}, {"$set": {"n": 0}})

        await asyncio.create_task(in_a_task())
    await things.delete_many({})
    assert written(counts, "insert", "catalog") == 2
    assert written(counts, "update", "catalog") == 2
    assert written(counts, "delete", "other") == 2
    assert counts.by_pipeline()["catalog"] == {
        "commands": 2,
        "documents_written": 4,
        "vtex_calls": 0,
        "linio_calls": 0,
    }


async def test_the_broker_tags_a_message_s_work_with_its_queue_context(
    runtime: Runtime,
) -> None:
    queue = queue_name("stock", "acme-mx")
    done = asyncio.Event()
    key = ("stock", "handled", "insert")
    before = db_counts.COUNTS.documents[key]

    async def handler(message: Message) -> None:
        await runtime.storage.db["handled"].insert_one({"id": message.id})
        done.set()

    await runtime.broker.consume(queue, handler)
    await runtime.broker.publish(queue, {"sku": "1"})
    await asyncio.wait_for(done.wait(), 30)  # a hang guard
    assert db_counts.COUNTS.documents[key] == before + 1


async def test_counts_are_exported_per_process_and_summed(tmp_path: Path) -> None:
    async with db_counts.exporting(tmp_path, "worker"):
        with pipeline("feed"):
            db_counts.COUNTS.commands[("feed", "feeds", "insert")] += 1
    (file,) = tmp_path.glob("worker-*.json")  # written on exit, atomically (no .partial)
    data = json.loads(file.read_text())
    assert data["role"] == "worker"
    assert any(row[:3] == ["feed", "feeds", "insert"] for row in data["commands"])
    other = {"role": "web", "pid": 1, "written_at": 0, "commands": [["web", "x", "find", 2]]}
    (tmp_path / "web-1.json").write_text(json.dumps(other))
    total, seen = db_counts.read_dir(tmp_path)
    assert total.commands[("web", "x", "find")] == 2
    assert total.commands[("feed", "feeds", "insert")] >= 1
    assert {f["role"] for f in seen} == {"worker", "web"}
    assert not (total - total).commands


def test_a_request_is_told_vtex_or_seller_center_by_host_and_path() -> None:
    assert db_counts.kind_for("acme.vtexcommercestable.com.br", "/api/x") == "vtex"
    assert db_counts.kind_for("sellercenter-api.linio.com.mx", "/") == "linio"
    assert db_counts.kind_for("127.0.0.1", "/api/catalog_system/pvt/sku") == "vtex"
    assert db_counts.kind_for("127.0.0.1", "/") == "linio"
    assert db_counts.kind_for("example.com", "/") == "other"
