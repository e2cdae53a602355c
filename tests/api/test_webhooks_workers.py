"""Delivery workers as separate processes against one database (SQLite: the writer turn;
PostgreSQL: FOR UPDATE SKIP LOCKED), posting to a real local receiver: a worker killed with
SIGKILL in the middle of a POST leaves a lease that lapses, and another worker then delivers the
event with the same webhook-id; two workers running at once never post the same event at the
same time, deliver each exactly once, and keep every endpoint's order."""

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, col, select
from standardwebhooks import Webhook

from app.db import transaction
from app.models import Company, WebhookDelivery
from app.services import webhooks
from tests.builders import make_company
from tests.live import ROOT
from tests.receiver import Received, Receiver, start_receiver

KEY = "t" * 64  # the secret key of the settings fixture: the endpoints' secrets are sealed with it
POLICY = webhooks.Policy(production=False, allow_private=True, secret_key=KEY)


class Workers:
    """Delivery worker processes started by one test, killed when it ends."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.procs: list[subprocess.Popen[str]] = []

    def start(self, name: str, ahead: float = 0.0) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.delivery_worker", self.url, KEY, name, str(ahead)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in self.procs:
            proc.kill()
            proc.wait(10)


@pytest.fixture
def workers(settings, engine) -> Iterator[Workers]:
    running = Workers(settings.database_url)
    yield running
    running.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = start_receiver()
    yield rec
    rec.close()


def _endpoint(engine, company: Company, url: str) -> tuple[str, str]:
    """A new endpoint for webhook.test events: (id, secret)."""
    with transaction(engine) as s:
        made = webhooks.create(s, company, {"url": url, "events": ["webhook.test"]}, POLICY,
                               datetime.now(UTC))  # fmt: skip
        return made.endpoint.id, made.secret


def _events(engine, company: Company, endpoint_ids: list[str], n: int) -> None:
    """n test events for each endpoint, each committed on its own (as changes are)."""
    for _ in range(n):
        for endpoint_id in endpoint_ids:
            with transaction(engine) as s:
                webhooks.send_test(s, company, endpoint_id, datetime.now(UTC))


def _rows(engine) -> list[WebhookDelivery]:
    with Session(engine) as s:
        return list(s.exec(select(WebhookDelivery).order_by(col(WebhookDelivery.seq))).all())


def _wait(until, what: str, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if until():
            return
        time.sleep(0.05)
    raise AssertionError(f"waited {timeout} s for {what}")


def test_a_worker_killed_mid_post_leaves_the_event_to_another_with_the_same_id(
    engine, workers, receiver
):
    w = make_company(engine)
    endpoint, secret = _endpoint(engine, w.company, receiver.url)
    release = threading.Event()
    receiver.before = lambda got: release.wait(30) if len(receiver.got) == 1 else None
    _events(engine, w.company, [endpoint], 1)
    first = workers.start("A")
    _wait(lambda: len(receiver.got) == 1, "worker A's POST")
    (row,) = _rows(engine)
    assert row.claimed_until is not None and row.state == "pending"  # leased to A, mid-flight
    first.kill()  # SIGKILL while its POST waits for an answer: nothing is recorded
    first.wait(10)
    release.set()
    (row,) = _rows(engine)
    assert (row.state, row.attempts) == ("pending", 0) and row.claimed_until is not None
    workers.start("B", ahead=61)  # B's clock is past the 60 s lease A took and never gave back
    _wait(lambda: len(receiver.got) == 2, "worker B's POST")
    killed, delivered = receiver.got
    assert killed.headers["x-test-worker"] == "A" and delivered.headers["x-test-worker"] == "B"
    assert delivered.headers["webhook-id"] == killed.headers["webhook-id"] == row.msg_id
    assert Webhook(secret).verify(delivered.body, delivered.headers)["type"] == "webhook.test"
    _wait(lambda: _rows(engine)[0].state == "delivered", "the delivery to be recorded")
    assert _rows(engine)[0].attempts == 1  # the killed attempt left no trace but its lease


def test_two_workers_at_once_deliver_each_event_once_in_order_per_endpoint(
    engine, workers, receiver
):
    w = make_company(engine)
    base = receiver.url.rsplit("/", 1)[0]
    first_three = [_endpoint(engine, w.company, f"{base}/ep{i}")[0] for i in range(3)]
    held = threading.Event()
    # hold worker A on its first POST to /ep0: its whole round waits, leases held
    receiver.before = lambda got: (held.wait(30) if got.path == "/ep0" and not held.is_set()
                                   else time.sleep(0.005))  # fmt: skip
    _events(engine, w.company, first_three, 5)
    workers.start("A")
    _wait(lambda: any(g.path == "/ep0" for g in receiver.got), "worker A's first POST")
    workers.start("B")
    fourth = _endpoint(engine, w.company, f"{base}/ep3")[0]
    _events(engine, w.company, [fourth], 5)
    # A is stuck in its round, so only B can take the new endpoint's events
    _wait(lambda: sum(g.path == "/ep3" for g in receiver.got) == 5, "B delivering /ep3")
    assert {g.headers["x-test-worker"] for g in receiver.got if g.path == "/ep3"} == {"B"}
    held.set()
    everyone = [*first_three, fourth]
    for _ in range(4):  # more changes while both workers run and race for them
        _events(engine, w.company, everyone, 5)
        time.sleep(0.3)
    total = 3 * 5 + 5 + 4 * 4 * 5
    _wait(lambda: sum(r.state == "delivered" for r in _rows(engine)) == total, "every delivery")
    rows = _rows(engine)
    got: list[Received] = list(receiver.got)
    assert len(rows) == total and len(got) == total  # each event posted exactly once
    assert receiver.overlaps == []  # never the same event twice at the same time
    for endpoint in everyone:
        path = "/ep" + str(everyone.index(endpoint))
        sent = [g.headers["webhook-id"] for g in got if g.path == path]
        assert sent == [r.msg_id for r in rows if r.endpoint_id == endpoint]  # in order
    assert {g.headers["x-test-worker"] for g in got} == {"A", "B"}
