"""Request dependencies: the database session (one transaction per request)."""

from collections.abc import Iterator
from typing import Any

from litestar import Request
from sqlmodel import Session

from app.db import transaction

SAFE = {"GET", "HEAD", "OPTIONS"}


def provide_db(request: Request[Any, Any, Any]) -> Iterator[Session]:
    """A session whose transaction commits before the answer is sent, or rolls back on error."""
    with transaction(request.app.state.engine, write=request.method not in SAFE) as session:
        yield session
