"""The migrations build exactly the schema the models describe."""

import os

import pytest
from alembic import command

from app.migrations import alembic_config, upgrade
from tests.conftest import must_run, postgres_reachable
from tests.live import postgres_database


def _check(url: str) -> None:
    upgrade(url)
    command.check(alembic_config(url))  # raises when models and migrations disagree


def test_migrations_match_the_models_on_sqlite(tmp_path):
    _check(f"sqlite:///{tmp_path / 'm.db'}")


def test_migrations_match_the_models_on_postgres():
    if os.environ.get("ONDECK_TEST_DATABASE") != "postgres":
        pytest.skip("runs in the PostgreSQL pass of the suite (ONDECK_TEST_DATABASE=postgres)")
    if not postgres_reachable():
        must_run("PostgreSQL is not reachable")
    with postgres_database() as url:
        _check(url.replace("postgresql://", "postgresql+psycopg://"))
