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


def refuse(db: Session, error: Exception) -> NoReturn:
    """End the request's transaction, then raise.

    Litestar does not clean up generator dependencies resolved before a failing one, so a
    dependency that refuses must release the session (and SQLite's write lock) itself.
    """
    db.close()
    raise error
