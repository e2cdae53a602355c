"""Alembic migrations: `upgrade(url)` brings a database schema up to date."""

from pathlib import Path

from alembic import command
from alembic.config import Config

HERE = Path(__file__).resolve().parent


def alembic_config(url: str) -> Config:
    """An Alembic config for this package, independent of the working directory."""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str) -> None:
    """Bring the schema at `url` to the newest revision."""
    from app.db import normalize_url

    command.upgrade(alembic_config(normalize_url(url)), "head")
