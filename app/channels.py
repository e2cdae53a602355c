"""Live events for the board through Litestar's channels plugin (one channel per company)."""

from litestar.channels import ChannelsPlugin
from litestar.channels.backends.base import ChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.channels.backends.psycopg import PsycoPgChannelsBackend
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from redis.asyncio import Redis

from app.db import normalize_url
from app.settings import Settings


def make_backend(settings: Settings) -> ChannelsBackend:
    """Redis when configured, PostgreSQL LISTEN/NOTIFY on PostgreSQL, else memory (one process)."""
    if settings.redis_url:
        return RedisChannelsPubSubBackend(redis=Redis.from_url(settings.redis_url))
    url = normalize_url(settings.database_url)
    if url.startswith("postgresql+psycopg://"):
        return PsycoPgChannelsBackend(pg_dsn="postgresql://" + url.split("://", 1)[1])
    return MemoryChannelsBackend()


def make_channels(settings: Settings) -> ChannelsPlugin:
    """The channels plugin; channel names are `company:<id>`."""
    return ChannelsPlugin(
        backend=make_backend(settings),
        arbitrary_channels_allowed=True,
        subscriber_max_backlog=200,
        subscriber_backlog_strategy="dropleft",
    )


def company_channel(company_id: str) -> str:
    """The channel carrying one company's board events."""
    return f"company:{company_id}"
