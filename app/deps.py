"""Request dependencies: the database session (one transaction per request)."""

from collections.abc import Iterator
from typing import Any, NoReturn

from litestar import Request
from litestar.channels import ChannelsPlugin
from sqlmodel import Session

from app.channels import company_channel
from app.db import transaction
from app.services.events import changed_companies

SAFE = {"GET", "HEAD", "OPTIONS"}


def provide_db(request: Request[Any, Any, Any]) -> Iterator[Session]:
    """A session whose transaction commits before the answer is sent, or rolls back on error.

    After a commit, every company whose live state changed gets a board event (only then, so a
    listener that reloads sees the committed rows).
    """
    with transaction(request.app.state.engine, write=request.method not in SAFE) as session:
        yield session
    companies = changed_companies(session)
    if companies:
        channels = request.app.plugins.get(ChannelsPlugin)
        for company_id in companies:
            channels.publish("board", company_channel(company_id))


def reader(request: Request[Any, Any, Any]) -> Any:
    """A short read-only transaction apart from the request's own.

    Authentication reads through it, on the event loop, so a writer's session takes SQLite's write
    lock only inside its handler's worker thread: a dependency waiting for that lock would hold
    one of the loop's few executor threads that the lock holder itself needs (a deadlock).
    """
    return transaction(request.app.state.engine, write=False)


def refuse(db: Session, error: Exception) -> NoReturn:
    """End the request's transaction, then raise.

    Litestar does not clean up generator dependencies resolved before a failing one, so a
    dependency that refuses must release the session (and SQLite's write lock) itself.
    """
    db.close()
    raise error
