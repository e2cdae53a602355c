"""Live screens: the change feed (app/feed.py) published on the channels plugin, timers for what
ends by itself, and the server-sent event stream every live page subscribes to.

One channel per company (`company:<id>`) carries every committed change as a feed message. Each
page's stream reads it and sends only the events that page listens to (`pick`), named after the
fragment to refetch. Across workers and machines the channels backend carries it (PostgreSQL
LISTEN/NOTIFY or Redis).
"""

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager, suppress
from datetime import datetime
from typing import Any

import anyio
import anyio.to_thread
from litestar.channels import ChannelsPlugin, Subscriber
from litestar.channels.backends.base import ChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.response import ServerSentEventMessage
from sqlmodel import col, select

from app import feed
from app.channels import company_channel, make_backend
from app.db import transaction
from app.models import Rep, Team
from app.settings import Settings

PING_SECONDS = 25  # a comment this often keeps proxies from closing a quiet stream
RETRY = 30  # seconds between tries to read the running timers while the database cannot answer
LATE = 0.05  # seconds after an `until` the timer fires, so a read at that instant sees it ended

Pick = Callable[[feed.Change], Iterable[str]]
logger = logging.getLogger("ondeck.live")


class Timers:
    """Publishes again when a timed status or a team override ends (one timer per instant)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, channels: ChannelsPlugin, now: Any) -> None:
        self.loop, self.channels, self.now = loop, channels, now
        self.handles: dict[tuple[str, str, str, datetime], asyncio.TimerHandle] = {}

    def schedule(self, company_id: str, kind: str, ident: str, at: datetime) -> None:
        """At `at`, tell the company's screens that this rep's status or team's state changed."""
        key = (company_id, kind, ident, at)
        if key in self.handles:
            return
        delay = max(0.0, (at - self.now()).total_seconds()) + LATE
        self.handles[key] = self.loop.call_later(delay, self._fire, key)

    def _fire(self, key: tuple[str, str, str, datetime]) -> None:
        self.handles.pop(key, None)
        company_id, kind, ident, _at = key
        change = feed.Change({feed.PRESENCE}, {ident} if kind == "rep" else set())
        self.channels.publish(change.encode(), [company_channel(company_id)])

    def cancel_all(self) -> None:
        for handle in self.handles.values():
            handle.cancel()
        self.handles.clear()


async def start(app: Any) -> None:
    """Startup: publish this app's committed changes on its channels; arm timers for every
    status and override that ends in the future."""
    loop = asyncio.get_running_loop()
    channels = app.plugins.get(ChannelsPlugin)
    clock = app.state.clock
    timers = Timers(loop, channels, clock.now)
    app.state.timers = timers

    def send(company_id: str, data: bytes) -> None:  # on the loop
        channels.publish(data, [company_channel(company_id)])
        for kind, ident, at in feed.future_untils(feed.decode(data).untils, clock.now()):
            timers.schedule(company_id, kind, ident, at)

    def publisher(company_id: str, data: bytes) -> None:  # from any thread
        with suppress(RuntimeError):  # the loop has closed: no screen is listening any more
            loop.call_soon_threadsafe(send, company_id, data)

    feed.attach(app.state.engine, publisher)
    app.state.arming = asyncio.create_task(_arm(app.state.engine, timers, clock))


async def _arm(engine: Any, timers: Timers, clock: Any) -> None:
    """Timers for every status and override that already runs; while the database cannot be
    read (down, or not migrated yet) the app still starts and tries again every half minute."""
    while True:
        try:
            ending = await anyio.to_thread.run_sync(_ending, engine, clock.now())
        except Exception:  # noqa: BLE001 - any database error: try again later
            logger.warning("live: cannot read timed statuses yet; retrying in %s s", RETRY)
            await asyncio.sleep(RETRY)
            continue
        for company_id, kind, ident, at in ending:
            timers.schedule(company_id, kind, ident, at)
        return


async def stop(app: Any) -> None:
    """Shutdown: stop publishing and drop the timers."""
    feed.detach(app.state.engine)
    arming: asyncio.Task[None] | None = getattr(app.state, "arming", None)
    if arming is not None:  # wait for its read to end before the engine is disposed
        arming.cancel()
        with suppress(asyncio.CancelledError, Exception):
            await arming
    timers: Timers | None = getattr(app.state, "timers", None)
    if timers is not None:
        timers.cancel_all()


def _ending(engine: Any, now: datetime) -> list[tuple[str, str, str, datetime]]:
    """Every timed status and team override still to end."""
    with transaction(engine, write=False) as s:
        reps = s.exec(select(Rep.company_id, Rep.id, Rep.until).where(col(Rep.until) > now)).all()
        teams = s.exec(
            select(Team.company_id, Team.id, Team.override_until).where(
                col(Team.override_until) > now
            )
        ).all()
    found = [(c, "rep", i, u) for c, i, u in reps if u is not None]
    return found + [(c, "team", i, u) for c, i, u in teams if u is not None]


@contextmanager
def command_line(settings: Settings, engine: Any) -> Iterator[None]:
    """Work done by a command (demo seed, a new company) reaches every running app's screens:
    what it commits is published, when it ends, on the backend the apps listen to (nothing to
    do with the in-memory backend: no other process hears it)."""
    backend = make_backend(settings)
    sent: list[tuple[str, bytes]] = []
    feed.attach(engine, lambda company_id, data: sent.append((company_id, data)))
    try:
        yield
    finally:
        feed.detach(engine)
        if sent and not isinstance(backend, MemoryChannelsBackend):
            # a thread of its own: the caller may already run an event loop (tests, notebooks)
            with ThreadPoolExecutor(1) as pool:
                pool.submit(asyncio.run, _send(backend, sent)).result()


async def _send(backend: ChannelsBackend, sent: list[tuple[str, bytes]]) -> None:
    for company_id, data in sent:
        await backend.publish(data, [company_channel(company_id)])


# --- The stream ----------------------------------------------------------------------------------


async def _next(events: AsyncIterator[bytes]) -> bytes:
    return await events.__anext__()


@asynccontextmanager
async def _subscription(channels: ChannelsPlugin, channel: str) -> AsyncIterator[Subscriber]:
    """channels.start_subscription, but safe when the client goes away mid-way."""
    # Litestar cancels a stream when its client disconnects. A subscribe or unsubscribe cut short
    # there stops the PostgreSQL backend's listener for good: that worker then hears no events.
    with anyio.CancelScope(shield=True):
        subscriber = await channels.subscribe([channel])
    try:
        yield subscriber
    finally:
        with anyio.CancelScope(shield=True):
            await channels.unsubscribe(subscriber)


# the fragment a request answered into → the events its answer already covers (the fragment
# itself and what the answer carries out of band: a team page's answers always carry #now)
ANSWERED: dict[str, frozenset[str]] = {
    "presence": frozenset({"status", "profiles"}),
    "profiles": frozenset({"profiles", "status"}),
    "my-teams": frozenset({"teams"}),
    "offer": frozenset({"offer"}),
    "board": frozenset({"board"}),
    "members": frozenset({"members", "now"}),
    **{t: frozenset({"now"}) for t in ("now", "routing", "schedule", "in-office", "lunch", "pin")},
}


async def live_events(
    channels: ChannelsPlugin,
    channel: str,
    pick: Pick,
    ping_seconds: float = PING_SECONDS,
    page: str | None = None,
) -> AsyncGenerator[ServerSentEventMessage, None]:
    """A quiet `ready` event once listening, then, after every committed change, one event per
    fragment of the page that shows something it changed (names from `pick`).

    The page catches up by itself on every reconnection and when it comes back to the foreground
    (static/js/app.js): the browser may open a new stream that carries no Last-Event-ID. A change
    this `page` made itself does not refetch the fragment its request already answered (that
    would wipe the answer's notice a moment after it appeared).
    """
    async with _subscription(channels, channel) as subscriber:
        yield ServerSentEventMessage(event="ready", data="connected", retry=1000)
        events = subscriber.iter_events()
        pending: asyncio.Task[bytes] | None = None
        try:
            while True:
                pending = pending or asyncio.create_task(_next(events))
                done, _ = await asyncio.wait({pending}, timeout=ping_seconds)
                if not done:
                    yield ServerSentEventMessage(comment="ping")
                    continue
                change = feed.decode(pending.result())
                pending = None
                answered: frozenset[str] = frozenset()
                if page and change.origin and change.origin[0] == page:
                    answered = ANSWERED.get(change.origin[1], frozenset())
                for name in dict.fromkeys(pick(change)):
                    if name not in answered:
                        yield ServerSentEventMessage(event=name, data="changed")
        except StopAsyncIteration:
            return  # the plugin is shutting down
        finally:
            if pending is not None:
                pending.cancel()


def everything(name: str) -> Pick:
    """A page with one live fragment that shows a bit of everything (the board)."""
    return lambda change: [name] if change.topics else []
