"""Pick the broker from the settings: RabbitMQ when AMQP_URL is set, in-process otherwise."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from app.broker.base import Broker, DeadLetterSink, Message, RetryPolicy
from app.broker.dead_letters import DeadLetters
from app.broker.journal import FILENAME, Journal
from app.broker.memory import LEGACY_JOURNAL, InProcessBroker
from app.broker.rabbit import RabbitBroker
from app.settings import Settings


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=settings.retry_max_attempts,
        base_delay=settings.retry_base_delay,
        max_delay=settings.retry_max_delay,
    )


def create_broker(
    settings: Settings, db: AsyncDatabase, *, on_dead: DeadLetterSink | None = None
) -> Broker:
    """RabbitMQ when AMQP_URL is set, else the in-process broker, journaled in
    DATA_DIR/`FILENAME`. Every dead letter is recorded (`DeadLetters`), then handed to
    `on_dead` (the seller log)."""
    dead = DeadLetters(db)
    policy = retry_policy(settings)

    async def sink(message: Message, reason: str) -> None:
        await dead.record(message, reason)
        if on_dead is not None:
            await on_dead(message, reason)

    if settings.amqp_url:
        return RabbitBroker(
            settings.amqp_url,
            policy=policy,
            dead_letter_sink=sink,
            prefetch=settings.broker_prefetch,
        )
    return InProcessBroker(
        policy=policy,
        dead_letter_sink=sink,
        journal=Journal(settings.data_dir / FILENAME),
        legacy_journal=db[LEGACY_JOURNAL],
        prefetch=settings.broker_prefetch,
    )
