"""Fixtures: a fresh database per test (SQLite, or PostgreSQL when asked), an app, a fixed clock."""

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine, text
from sqlmodel import SQLModel

from app.clock import Clock
from app.db import make_engine
from app.main import create_app
from app.services import security
from app.settings import Settings

security.use_fast_hashing()

PG_URL = os.environ.get("ONDECK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
# .ci/run sets ONDECK_REQUIRE_ALL=1: there a skipped browser or PostgreSQL test is a failure
IN_CI = os.environ.get("CI") == "true" or os.environ.get("ONDECK_REQUIRE_ALL") == "1"
# Monday 2026-03-09 15:00 UTC = 11:00 in New York (the day after the spring DST change)
DEFAULT_NOW = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)


def must_run(reason: str) -> None:
    """Skip with a reason on a developer's machine; in CI a missing dependency is a failure."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def postgres_reachable(url: str = PG_URL) -> bool:
    """Whether the PostgreSQL test server answers."""
    try:
        engine = make_engine(url)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


def database_url(tmp_path: Path) -> str:
    """The database of one test: ONDECK_TEST_DATABASE=postgres picks PostgreSQL, else SQLite."""
    if os.environ.get("ONDECK_TEST_DATABASE") == "postgres":
        if not postgres_reachable():
            must_run(f"PostgreSQL is not reachable at {PG_URL}")
        return PG_URL
    return f"sqlite:///{tmp_path / 'test.db'}"


_pg_schema_ready = False


def fresh_schema(url: str) -> Engine:
    """Empty tables for one test (PostgreSQL: built once per run, then truncated)."""
    global _pg_schema_ready
    import app.models  # noqa: F401

    engine = make_engine(url)
    if engine.dialect.name != "postgresql":
        SQLModel.metadata.create_all(engine)
    elif not _pg_schema_ready:
        SQLModel.metadata.drop_all(engine)
        SQLModel.metadata.create_all(engine)
        _pg_schema_ready = True
    else:
        names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    return engine


@pytest.fixture
def clock() -> Clock:
    """A clock fixed at DEFAULT_NOW; tests move it by setting `clock.fixed`."""
    return Clock(fixed=DEFAULT_NOW)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    url = database_url(tmp_path)
    return Settings(
        database_url=url,
        session_dir=tmp_path / "sessions",
        secret_key="t" * 64,
        base_url="http://testserver",
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = fresh_schema(settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def app(settings: Settings, clock: Clock, engine: Engine) -> Litestar:
    application = create_app(settings, clock=clock)
    application.state.engine.dispose()
    application.state.engine = engine
    return application


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app=app, base_url="http://testserver") as c:
        yield c
