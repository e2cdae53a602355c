"""Request dependencies: the database session (one transaction per request) and its gates.

No database work ever runs on the event loop: the transaction is opened, committed and closed in
worker threads, and each request first waits, on the loop and without a thread or a connection,
for a free slot (never more transactions than the pool can serve) and, on SQLite, for the
process's single writer turn. Measured without them: the loop blocked on a pool checkout while
the request holding SQLite's write lock waited for the loop to commit (docs/performance.md).
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

import anyio.to_thread
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy import Engine
from sqlmodel import Session

from app import feed
from app.db import is_sqlite, transaction

SAFE = {"GET", "HEAD", "OPTIONS"}
SLOTS = 24  # below every pool's size (SQLite 80, PostgreSQL 30 per worker)
UNIT = "ondeck.unit"
T = TypeVar("T")


class Gates:
    """Per-process admission: a slot for every transaction, one writer at a time on SQLite."""

    def __init__(self, engine: Engine) -> None:
        self.slots = asyncio.Semaphore(SLOTS)
        self.writer = asyncio.Lock() if is_sqlite(engine) else None

    async def enter(self, write: bool) -> None:
        """Wait for this request's turn (the writer turn first, so waiting writers hold no slot)."""
        if write and self.writer is not None:
            await self.writer.acquire()
        try:
            await self.slots.acquire()
        except BaseException:
            self.leave(write, slot=False)
            raise

    def leave(self, write: bool, *, slot: bool = True) -> None:
        """Give the turn back."""
        if slot:
            self.slots.release()
        if write and self.writer is not None:
            self.writer.release()


async def open_gates(app: Any) -> None:
    """Startup: gates bound to this event loop."""
    app.state.gates = Gates(app.state.engine)


class Unit:
    """One request's transaction, ended exactly once (commit, or rollback on error)."""

    def __init__(self, engine: Engine, gates: Gates, write: bool) -> None:
        self.gates, self.write, self.ended = gates, write, False
        self._tx: AbstractContextManager[Session] = transaction(engine, write=write)
        self.session = self._tx.__enter__()

    async def end(self, exc: BaseException | None = None) -> None:
        """Commit (or roll back when `exc`) in a worker thread, then give the gates back."""
        if self.ended:
            return
        self.ended = True
        try:
            args = (type(exc), exc, exc.__traceback__) if exc else (None, None, None)
            await anyio.to_thread.run_sync(self._tx.__exit__, *args)
        finally:
            self.gates.leave(self.write)

    def _run(self, work: Callable[[Session], T]) -> T:
        """In a worker thread: `work` on the session, then commit (or roll back if it raised)."""
        try:
            result = work(self.session)
        except BaseException as exc:
            self._tx.__exit__(type(exc), exc, exc.__traceback__)  # rolls back (or a Conflict)
            raise
        self._tx.__exit__(None, None, None)
        return result

    async def finish(self, work: Callable[[Session], T]) -> T:
        """Run `work` and commit in one worker thread (one hop instead of a handler's and a
        commit's), then give the gates back; the answer is durable when this returns."""
        if self.ended:
            raise RuntimeError("this unit of work has ended")
        self.ended = True
        try:
            return await anyio.to_thread.run_sync(self._run, work)
        finally:
            self.gates.leave(self.write)


async def open_unit(connection: ASGIConnection[Any, Any, Any, Any]) -> Unit:
    """Wait for a writer's turn and open the request's unit of work before its handler (the hook's
    guard checks the token inside it); `end_abandoned_units` ends it if the request fails."""
    gates: Gates = connection.app.state.gates
    await gates.enter(True)
    unit = Unit(connection.app.state.engine, gates, True)
    connection.scope[UNIT] = unit  # type: ignore[literal-required]
    return unit


def unit_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Unit:
    """The unit of work `open_unit` opened for this request."""
    unit: Unit = connection.scope[UNIT]  # type: ignore[literal-required]
    return unit


async def provide_db(request: Request[Any, Any, Any]) -> AsyncIterator[Session]:
    """A session whose transaction commits before the answer is sent, or rolls back on error.

    What it changed is published by the change feed once it has committed (app/feed.py).
    """
    gates: Gates = request.app.state.gates
    write = request.method not in SAFE
    await gates.enter(write)
    unit = Unit(request.app.state.engine, gates, write)
    request.scope[UNIT] = unit  # type: ignore[literal-required]
    page, target = request.headers.get("x-ondeck-page"), request.headers.get("hx-target")
    if page and target:  # that page already shows what this request answers into `target`
        unit.session.info[feed.ORIGIN] = (page, target)
    try:
        yield unit.session
    except GeneratorExit:
        raise  # closed without a result: end_abandoned_units rolls back
    except BaseException as exc:
        await unit.end(exc)
        raise
    await unit.end()


def end_abandoned_units(app: ASGIApp) -> ASGIApp:
    """Middleware: roll back a transaction whose request failed in a later dependency.

    Litestar cleans up generator dependencies only once all of them are resolved; a guard that
    refuses after `db` was opened would otherwise keep its gates forever.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await app(scope, receive, send)
        finally:
            unit: Unit | None = scope.get(UNIT)  # type: ignore[assignment]
            if unit is not None:
                await unit.end()

    return middleware


def reader(request: Request[Any, Any, Any]) -> Any:
    """A short read-only transaction apart from the request's own (authentication reads here,
    in a worker thread, before the request's own transaction takes any lock)."""
    return transaction(request.app.state.engine, write=False)
