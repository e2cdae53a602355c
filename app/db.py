"""The database engine, SQLite pragmas, and one transaction per request."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from app import encoded

WRITE = {"immediate": True}


class Conflict(Exception):
    """A write broke a uniqueness rule (mapped to 409)."""


class Unavailable(Exception):
    """The database cannot be reached (mapped to 503)."""


def normalize_url(url: str) -> str:
    """Accept a plain postgresql:// URL and pick the psycopg 3 driver for it."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(engine: Engine) -> bool:
    """Whether the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """Create the engine: SQLite in WAL mode with a busy timeout, PostgreSQL through psycopg."""
    import app.config_version  # noqa: F401  (and the prepared inputs' version)
    import app.feed  # noqa: F401  (registers the change feed's session events)
    import app.outbox  # noqa: F401  (and the webhook outbox's)

    url = normalize_url(url)
    if url.startswith("sqlite"):
        # writers wait for the lock holding a connection each; keep spare ones for readers
        memory = url in ("sqlite://", "sqlite:///:memory:")
        pool = {} if memory else {"pool_size": 20, "max_overflow": 60}
        engine = create_engine(
            url,
            connect_args={"timeout": 60, "check_same_thread": False},
            json_serializer=encoded.dumps,
            **pool,
        )  # type: ignore[arg-type]
        _sqlite_pragmas(engine)
        return engine
    return create_engine(
        url,
        pool_size=10,
        max_overflow=20,
        pool_pre_ping=True,
        pool_timeout=10,
        connect_args={"connect_timeout": 5},
        json_serializer=encoded.dumps,
    )


def _sqlite_pragmas(engine: Engine) -> None:
    """WAL, a busy timeout, foreign keys; writers start with BEGIN IMMEDIATE so turns serialize."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (pysqlite's is deferred)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")  # an answer returned is durable
        cur.execute("PRAGMA busy_timeout=60000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def writer(engine: Engine) -> Engine:
    """The same engine, marked so each transaction takes the write lock up front (SQLite); made
    once per engine (making it cost as much as a short statement, on every request)."""
    found: Engine | None = engine.__dict__.get(_WRITER)
    if found is None:
        found = engine.__dict__[_WRITER] = engine.execution_options(**WRITE)
    return found


_WRITER = "_ondeck_writer"


@contextmanager
def transaction(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error, integrity errors become Conflict."""
    # close_resets_only=False: a closed session cannot silently start a new transaction
    session = Session(
        writer(engine) if write else engine, expire_on_commit=False, close_resets_only=False
    )
    try:
        yield session
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(str(exc.orig)) from exc
    except OperationalError as exc:
        session.rollback()
        if _is_connection_error(exc):
            raise Unavailable(str(exc.orig)) from exc
        raise
    except Exception as exc:
        # A refused attempt (wrong password or PIN) must still count: such errors keep changes.
        if getattr(exc, "keep_changes", False):
            session.commit()
        else:
            session.rollback()
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _is_connection_error(exc: OperationalError) -> bool:
    """Whether an operational error means the server is gone (not a bad statement)."""
    return bool(exc.connection_invalidated) or "connect" in str(exc.orig).lower()
