"""The delivery loop: one task per worker posts the webhook outbox (app/outbox.py), off every
request's path. It claims due rows in short transactions (taking the process's writer turn on
SQLite, FOR UPDATE SKIP LOCKED on PostgreSQL), posts each with httpx (15 s timeout), and records
the outcome. The same loop ends offers that ran out (app/services/offers.py: passed on, or
expired), waking at the next expiry, and sends Web Push messages (app/push_sender.py).
A commit that left work wakes at once only the step it fed (outbox.WEBHOOKS, PUSH, OFFERS): a
hook answer with webhook endpoints costs the loop one read, not one per step. Every POLL seconds
each step looks anyway, so a restart or another worker's leftovers are picked up; a due offer
found at start-up expires then. While the database cannot be reached it waits and tries again:
the app still starts.
"""

import asyncio
import logging
import time
from contextlib import suppress
from datetime import datetime
from typing import Any

import anyio.to_thread
import httpx

from app import outbox
from app.db import transaction
from app.domain import webhooks as wh
from app.push_sender import Pusher
from app.services import offers
from app.services import outbox as sender
from app.services.webhooks import resolve

TIMEOUT = 15.0
POLL = 1.0
RETRY = 5.0  # seconds between tries while the database cannot answer
logger = logging.getLogger("ondeck.delivery")


class Deliverer:
    """Claims and posts due deliveries until stopped."""

    def __init__(self, app: Any) -> None:
        self.engine = app.state.engine
        self.clock = app.state.clock
        self.settings = app.state.settings
        self.gates = getattr(app.state, "gates", None)
        self.wake = asyncio.Event()
        self.asked: set[str] = set()  # the steps a commit woke since the last round
        self.woken: set[str] = set()  # the webhook endpoints those commits wrote for
        self.blocked: dict[str, datetime] = {}  # endpoints whose head waits (until), last look
        self.poll_at = 0.0  # (monotonic) when every step looks next
        self.offer_at = 0.0  # (monotonic) when the next offer runs out, at most a POLL away
        self.client = httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False)
        self.pusher = Pusher(self)  # Web Push messages, one step a round

    def poke(self, steps: frozenset[str], endpoints: frozenset[str] = frozenset()) -> None:
        """A commit left work for these steps and webhook endpoints (on the event loop)."""
        self.asked |= steps
        self.woken |= endpoints
        self.wake.set()

    def look_now(self) -> None:
        """Run every step at once (as at a poll)."""
        self.poll_at = 0.0
        self.wake.set()

    def _due_steps(self) -> set[str]:
        """The steps to run this round: those woken, every step at a poll, offers at expiry."""
        steps, self.asked = self.asked, set()
        woken, self.woken = self.woken, set()
        now = time.monotonic()
        if now >= self.poll_at:
            steps |= outbox.STEPS
            self.poll_at = now + POLL
        elif woken and steps == {outbox.WEBHOOKS} and self._all_blocked(woken):
            steps = set()  # their events queue behind a head that waits: nothing to look for
        if now >= self.offer_at:
            steps.add(outbox.OFFERS)
        return steps

    def _all_blocked(self, endpoints: set[str]) -> bool:
        """Whether every one of these endpoints' heads waited, at the last look, past now."""
        now = self.clock.now()
        return all(self.blocked.get(e, now) > now for e in endpoints)

    async def run(self) -> None:
        """Deliver forever: each round runs the steps due; sleep until woken or a timer."""
        while True:
            self.wake.clear()
            steps = self._due_steps()
            try:
                if outbox.OFFERS in steps:
                    self.offer_at = time.monotonic() + await self._expire()
                claimed = await self._claim() if outbox.WEBHOOKS in steps else []
            except Exception:  # noqa: BLE001 - database down or not migrated: later
                logger.warning("delivery: cannot read the outbox; retrying in %s s", RETRY)
                self.asked |= steps
                await asyncio.sleep(RETRY)
                continue
            pushed = await self.pusher.round() if outbox.PUSH in steps else 0
            if claimed:
                await self._round(claimed)
                self.asked.add(outbox.WEBHOOKS)  # more may be due behind them
            if pushed:
                self.asked.add(outbox.PUSH)
            if self.asked:
                continue
            wait = max(0.0, min(self.poll_at, self.offer_at) - time.monotonic())
            with suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), wait)

    async def _expire(self) -> float:
        """Pass on the offers that ran out; the seconds until the next one does (at most POLL).
        A database that cannot be read raises (the loop waits RETRY); a failed pass is retried."""
        now = self.clock.now()
        nxt = await anyio.to_thread.run_sync(self._read, offers.next_expiry)
        if nxt is None or nxt > now:
            return POLL if nxt is None else min(POLL, (nxt - now).total_seconds() + 0.01)
        try:
            done = await self._write(offers.expire_due, now)
        except Exception:  # noqa: BLE001 - logged; the offers stay due and are tried again
            logger.warning("delivery: cannot pass on the offers that ran out", exc_info=True)
            return POLL
        return 0.0 if done >= offers.CLAIM else 0.05  # more due; or one another worker holds

    async def _claim(self) -> list[sender.Claimed]:
        """The due heads, leased to this worker (a read first, so idle polls take no lock)."""
        now = self.clock.now()
        found = await anyio.to_thread.run_sync(self._read, sender.heads)
        due, self.blocked = sender.waits(found, now)
        if not due:
            return []
        return await self._write(sender.claim, now, self.settings.secret_key)

    def _read(self, fn: Any, *args: Any) -> Any:
        with transaction(self.engine, write=False) as s:
            return fn(s, *args)

    async def _write(self, fn: Any, *args: Any) -> Any:
        """Run `fn(session, *args)` in a write transaction, in this process's writer turn."""
        if self.gates is not None:
            await self.gates.enter(True)
        try:
            return await anyio.to_thread.run_sync(self._in_tx, fn, *args)
        finally:
            if self.gates is not None:
                self.gates.leave(True)

    def _in_tx(self, fn: Any, *args: Any) -> Any:
        with transaction(self.engine) as s:
            return fn(s, *args)

    async def _round(self, claimed: list[sender.Claimed]) -> None:
        """Post each endpoint's claimed events in order (endpoints side by side); an endpoint
        stops at its first failure, and what was not attempted is given back."""
        queues: dict[str, list[sender.Claimed]] = {}
        for c in claimed:
            queues.setdefault(c.endpoint_id, []).append(c)
        done = await asyncio.gather(*(self._in_order(q) for q in queues.values()))
        outcomes = [o for found, _ in done for o in found]
        skipped = [seq for _, left in done for seq in left]
        try:
            await self._write(sender.record_all, outcomes, skipped, self.clock.now())
        except Exception:  # noqa: BLE001 - the leases lapse and the rows are tried again
            logger.warning("delivery: cannot record %s attempts", len(outcomes))

    async def _in_order(
        self, queue: list[sender.Claimed]
    ) -> tuple[list[tuple[sender.Claimed, int | None, str | None]], list[int]]:
        """Attempt one endpoint's events in order until one is not delivered."""
        outcomes = []
        for i, c in enumerate(queue):
            code, error = await self._post(c)
            outcomes.append((c, code, error))
            if error is not None or wh.verdict(code) is not wh.Verdict.DELIVERED:
                return outcomes, [later.seq for later in queue[i + 1 :]]
        return outcomes, []

    async def _post(self, c: sender.Claimed) -> tuple[int | None, str | None]:
        """The receiver's status code, or the error that kept it from answering."""
        if c.secret is None:
            return None, "The signing secret cannot be read (the app's secret key changed)."
        if not self.settings.private_webhooks and await self._private(c.url):
            return None, "The URL resolves to a private, loopback or link-local address."
        body = c.body.encode()
        headers = wh.headers(c.secret, c.msg_id, int(time.time()), body)
        try:
            answer = await self.client.post(c.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}"[:200]
        return answer.status_code, None

    async def _private(self, url: str) -> bool:
        """Whether the URL's host resolves (now) to an address receivers may not have."""
        try:
            target = wh.parse_url(url, production=False)
        except ValueError:
            return True
        found = await anyio.to_thread.run_sync(resolve, target.host, target.port)
        return not found or any(wh.refused_address(a) for a in found)


async def start(app: Any) -> None:
    """Startup: the delivery loop of this worker, woken by this worker's commits."""
    deliverer = Deliverer(app)
    loop = asyncio.get_running_loop()

    def wake(steps: frozenset[str], endpoints: frozenset[str]) -> None:  # from any thread
        with suppress(RuntimeError):  # the loop has closed
            loop.call_soon_threadsafe(deliverer.poke, steps, endpoints)

    outbox.attach(app.state.engine, wake)
    app.state.deliverer = deliverer
    app.state.delivering = asyncio.create_task(deliverer.run())


async def stop(app: Any) -> None:
    """Shutdown: stop the loop (an attempt cut short is retried when its lease lapses)."""
    outbox.detach(app.state.engine)
    task: asyncio.Task[None] | None = getattr(app.state, "delivering", None)
    if task is not None:
        task.cancel()
        with suppress(asyncio.CancelledError, Exception):
            await task
    deliverer: Deliverer | None = getattr(app.state, "deliverer", None)
    if deliverer is not None:
        await deliverer.client.aclose()
