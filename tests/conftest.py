"""Fixtures: a fresh database per test (SQLite, or PostgreSQL when asked), an app, a fixed clock;
or one app and schema per module with empty tables per test (shared_fixtures, below)."""

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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


def settings_in(tmp_path: Path) -> Settings:
    """Settings of a test (or a module): its database, its session folder."""
    return Settings(
        database_url=database_url(tmp_path),
        session_dir=tmp_path / "sessions",
        secret_key="t" * 64,
        base_url="http://testserver",
    )


def app_over(settings: Settings, clock: Clock, engine: Engine) -> Litestar:
    """An app on the test's engine (the app's own is closed)."""
    application = create_app(settings, clock=clock)
    application.state.engine.dispose()
    application.state.engine = engine
    return application


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_in(tmp_path)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = fresh_schema(settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def app(settings: Settings, clock: Clock, engine: Engine) -> Litestar:
    return app_over(settings, clock, engine)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app=app, base_url="http://testserver") as c:
        yield c


# --- one app and schema per module: for modules whose tests need no app of their own ------------
#
# Building an app costs 0.3-1 s and a schema 0.1 s; emptying the tables costs milliseconds. A
# module opts in with one line, which gives its tests the usual names over the shared app:
#
#     app, engine, clock, client, settings = shared_fixtures()
#
# Each test still starts from empty tables (PostgreSQL: identities restarted too), the clock at
# DEFAULT_NOW and a client of its own (the app's startup runs again, so timers and the delivery
# loop start from the test's rows); what it shares is the app object and the schema.


@dataclass
class Shared:
    """One module's app, engine, clock and settings."""

    app: Litestar
    engine: Engine
    clock: Clock
    settings: Settings


@pytest.fixture(scope="module")
def shared_app_once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    """The module's app over a schema built once (the app's own engine is swapped for it)."""
    settings = settings_in(tmp_path_factory.mktemp("shared"))
    engine = fresh_schema(settings.database_url)
    clock = Clock(fixed=DEFAULT_NOW)
    application = app_over(settings, clock, engine)
    yield Shared(application, engine, clock, settings)
    engine.dispose()


def empty_tables(engine: Engine) -> None:
    """Every row gone, as in a fresh schema (PostgreSQL: TRUNCATE, identities restarted)."""
    tables = SQLModel.metadata.sorted_tables
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        for table in reversed(tables):
            conn.execute(table.delete())
        if conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")).first():
            conn.execute(text("DELETE FROM sqlite_sequence"))


@pytest.fixture
def shared_app(shared_app_once: Shared) -> Shared:
    """The module's app for one test: empty tables, no stored sessions, the clock at DEFAULT_NOW."""
    empty_tables(shared_app_once.engine)
    shutil.rmtree(shared_app_once.settings.session_dir, ignore_errors=True)
    shared_app_once.clock.fixed = DEFAULT_NOW
    return shared_app_once


def shared_fixtures() -> tuple[Any, Any, Any, Any, Any]:
    """`app`, `engine`, `clock`, `client` and `settings` over the module's shared app, in place of
    the per-test ones: `app, engine, clock, client, settings = shared_fixtures()` in the module."""

    def alias(name: str) -> Any:
        @pytest.fixture(name=name)
        def shared_part(shared_app: Shared) -> Any:
            return getattr(shared_app, name)

        return shared_part

    @pytest.fixture(name="client")
    def shared_client(shared_app: Shared) -> Iterator[TestClient[Litestar]]:
        with TestClient(app=shared_app.app, base_url="http://testserver") as c:
            yield c

    return alias("app"), alias("engine"), alias("clock"), shared_client, alias("settings")
