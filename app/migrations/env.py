"""Alembic environment: the metadata comes from app.models; batch mode for SQLite."""

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers the tables)

config = context.config
url = config.get_main_option("sqlalchemy.url") or ""


def run() -> None:
    """Run migrations online against the configured URL."""
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
