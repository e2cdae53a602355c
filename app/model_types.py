"""Column types and field helpers every table module uses (ids, aware instants, JSON)."""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field


def new_id() -> str:
    """A random, unguessable identifier for public objects."""
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always reads them back aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_field(**kw: Any) -> Any:
    """A column holding an aware instant."""
    return Field(sa_type=UTCDateTime, **kw)  # type: ignore[call-overload]


def json_field(**kw: Any) -> Any:
    """A JSON column (hours, destinations, hook answers)."""
    return Field(sa_type=JSON, **kw)  # type: ignore[call-overload]
