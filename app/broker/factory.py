"""Pick the broker from the settings: RabbitMQ when AMQP_URL is set, in-process otherwise."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from app.broker.base import Broker, RetryPolicy
from app.broker.dead_letters import DeadLetters
from app.broker.memory import JOURNAL, InProcessBroker
from app.broker.rabbit import RabbitBroker
from app.settings import Settings


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=settings.retry_max_attempts,
        base_delay=settings.retry_base_delay,
        max_delay=settings.retry_max_delay,
    )


def create_broker(settings: Settings, db: AsyncDatabase) -> Broker:
    dead = DeadLetters(db)
    policy = retry_policy(settings)
    if settings.amqp_url:
        return RabbitBroker(
            settings.amqp_url,
            policy=policy,
            dead_letter_sink=dead.record,
            prefetch=settings.broker_prefetch,
        )
    return InProcessBroker(
        policy=policy,
        dead_letter_sink=dead.record,
        journal=db[JOURNAL],
        prefetch=settings.broker_prefetch,
    )
