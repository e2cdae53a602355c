"""Hundreds of simultaneous hook calls against a real server: no turn twice, counts within one."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, delete, select

from app.db import make_engine, transaction
from app.db import writer as make_writer
from app.domain.hours import ALWAYS
from app.migrations import upgrade
from app.models import Assignment, Rotation, TeamMember, Turn
from app.services import accounts, assigner, teams
from app.services import presence as presence_service
from app.services.errors import Refused
from tests.conftest import PG_URL, must_run, postgres_reachable
from tests.unit.test_fairness import Team as Simulated

CALLS = 240
REPS = 7
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Server:
    url: str
    token: str
    engine: Engine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed(database_url: str) -> str:
    """Schema, a company open round the clock, a team of Available reps, an assign token."""
    upgrade(database_url)
    engine = make_engine(database_url)
    now = datetime.now(UTC)
    with transaction(engine) as s:
        company = accounts.create_company(s, slug="acme", name="Acme", timezone="UTC", now=now)
        company.hours = ALWAYS.to_json()
        reps = []
        for i in range(REPS):
            rep = accounts.add_person(
                s, company, name=f"Rep {i}", email=f"rep{i}@acme.test", now=now
            ).rep
            presence_service.change(s, rep, status="available", now=now)
            reps.append(rep.id)
        teams.create(s, company, slug="sales", name="Sales", members=reps, now=now)
        token = accounts.create_token(s, company, "crm", "assign", now).secret
    engine.dispose()
    return token


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[object]:
    """Start `python -m app serve` on a database; stop it (and its workers) afterwards."""
    started: list[tuple[subprocess.Popen[bytes], Engine]] = []

    def start(database_url: str, workers: int) -> Server:
        token = seed(database_url)
        port = free_port()
        env = {**os.environ, "ONDECK_DATABASE_URL": database_url}
        env["ONDECK_SESSION_DIR"] = str(tmp_path / "sessions")
        cmd = [sys.executable, "-m", "app", "serve", "--port", str(port)]
        proc = subprocess.Popen(
            [*cmd, "--workers", str(workers)],
            cwd=tmp_path,
            env={**env, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        engine = make_engine(database_url)
        started.append((proc, engine))
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, proc)
        return Server(url, token, engine)

    yield start
    for proc, engine in started:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        engine.dispose()


def _wait_healthy(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server exited while starting"
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("the server did not become healthy within 60 s")


def fire(server: Server, n: int, key: str | None = None) -> list[httpx.Response]:
    """n hook calls released at the same instant, each on its own connection."""
    barrier = threading.Barrier(n)
    results: list[httpx.Response | BaseException] = [None] * n  # type: ignore[list-item]
    headers = {"Authorization": f"Bearer {server.token}"}
    if key is not None:
        headers["Idempotency-Key"] = key

    def call(i: int) -> None:
        body = {"team": "sales", "kind": "lead", "external_id": "same" if key else f"lead-{i}"}
        with httpx.Client(base_url=server.url, timeout=120) as c:  # slow CI is not a failure
            barrier.wait()
            try:
                results[i] = c.post("/api/v1/assignments", json=body, headers=headers)
            except BaseException as exc:  # noqa: BLE001 - reported below
                results[i] = exc

    threads = [threading.Thread(target=call, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    failures = [r for r in results if not isinstance(r, httpx.Response)]
    assert not failures, failures[:3]
    return results  # type: ignore[return-value]


def assert_no_turn_twice_and_fair(server: Server) -> None:
    responses = fire(server, CALLS)
    codes = Counter(r.status_code for r in responses)
    assert codes == {201: CALLS}, [r.text for r in responses if r.status_code != 201][:3]
    answers = [r.json() for r in responses]
    counts = Counter(a["assignee"]["id"] for a in answers)
    assert len(counts) == REPS
    assert max(counts.values()) - min(counts.values()) <= 1, counts
    with Session(server.engine) as s:
        stored = s.exec(select(func.count()).select_from(Assignment)).one()
        rotation = s.exec(select(Rotation)).one()
        last = [t.last_seq for t in s.exec(select(Turn))]
    assert stored == CALLS == len({a["id"] for a in answers})
    assert rotation.seq == CALLS  # every turn moved the counter once: none lost, none shared
    assert len(set(last)) == len(last) == REPS


def assert_concurrent_duplicates_get_one_answer(server: Server) -> None:
    responses = fire(server, 40, key="retry-storm")
    codes = Counter(r.status_code for r in responses)
    assert codes == {201: 1, 200: 39}, codes
    assert len({r.json()["id"] for r in responses}) == 1
    assert all(
        r.headers.get("Idempotent-Replayed") == "true" for r in responses if r.status_code == 200
    )
    with Session(server.engine) as s:
        q = (
            select(func.count())
            .select_from(Assignment)
            .where(Assignment.idempotency_key == "retry-storm")
        )
        assert s.exec(q).one() == 1


def assert_weights_and_caps_hold(server: Server) -> None:
    """Rep 0 weighs 3, rep 1 stops at 4 leads a day: simultaneous calls give exactly the counts
    of the same calls one after another (turns are atomic), and the cap is never passed."""
    weights, caps = [3] + [1] * (REPS - 1), [None, 4] + [None] * (REPS - 2)
    with transaction(server.engine) as s:
        members = s.exec(select(TeamMember).order_by(col(TeamMember.position))).all()
        for m, w, cap in zip(members, weights, caps, strict=True):
            m.weight, m.cap_lead = w, cap
        ids = [m.rep_id for m in members]
        s.exec(delete(Turn))  # a fresh rotation: the serial run starts from nothing too
    serial = Simulated(weights, caps)
    expected = Counter(serial.turn(set(serial.ids)) for _ in range(90))
    answers = [r.json() for r in fire(server, 90)]
    got = Counter(a["assignee"]["id"] for a in answers)
    assert got == {ids[int(rep[1:])]: n for rep, n in expected.items()}, (got, expected)
    assert got[ids[1]] == 4
    capped = [a for a in answers if any(t["reason"] == "daily_cap" for t in a["trace"])]
    assert capped and all(a["assignee"]["id"] != ids[1] for a in capped)


@pytest.mark.parametrize("workers", [1, 2])
def test_simultaneous_hook_calls_on_sqlite_never_share_a_turn(serve, tmp_path, workers):
    server = serve(f"sqlite:///{tmp_path / 'ondeck.db'}", workers)
    assert_no_turn_twice_and_fair(server)
    assert_concurrent_duplicates_get_one_answer(server)
    if workers == 2:
        assert_weights_and_caps_hold(server)


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A database of its own on the PostgreSQL test server, dropped afterwards."""
    if not postgres_reachable():
        must_run(f"PostgreSQL is not reachable at {PG_URL}")
    import psycopg

    name = f"ondeck_conc_{os.getpid()}"
    admin_url = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_simultaneous_hook_calls_on_postgres_with_two_workers_never_share_a_turn(
    pg_database, serve
):
    server = serve(pg_database, 2)
    assert_no_turn_twice_and_fair(server)
    assert_concurrent_duplicates_get_one_answer(server)
    assert_weights_and_caps_hold(server)


# --- A duplicate that arrives while the first answer is still being given (PostgreSQL) ----------
# SQLite serializes writers, so there a duplicate always finds the first answer already stored.


@pytest.fixture
def pg_engine(pg_database: str) -> Iterator[Engine]:
    upgrade(pg_database)
    engine = make_engine(pg_database)
    yield engine
    engine.dispose()


def _race(engine: Engine, second_body: dict[str, str]) -> tuple[dict, object]:
    """Answer with key K in an open transaction; meanwhile a second request with K starts."""
    from tests.builders import available, make_company, make_rep, make_team

    w = make_company(engine)
    reps = [make_rep(w, n) for n in ("Ann", "Bob")]
    available(w, *reps)
    make_team(w, "sales", reps)
    now = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
    first = Session(make_writer(engine), expire_on_commit=False)
    answer = assigner.assign(first, w.company, team="sales", kind="lead", key="K", now=now).answer
    outcome: dict[str, object] = {}

    def second() -> None:
        try:
            with transaction(engine) as s:
                outcome["it"] = assigner.assign(s, w.company, key="K", now=now, **second_body)
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            outcome["it"] = exc

    t = threading.Thread(target=second)
    t.start()
    time.sleep(1.0)
    assert t.is_alive(), "the duplicate should wait for the first answer"
    first.commit()
    first.close()
    t.join(30)
    return answer, outcome["it"]


def test_a_duplicate_arriving_mid_answer_waits_and_replays_the_first(pg_engine):
    answer, outcome = _race(pg_engine, {"team": "sales", "kind": "lead"})
    assert isinstance(outcome, assigner.Outcome), outcome
    assert outcome.replayed and outcome.answer == answer
    with Session(pg_engine) as s:
        assert s.exec(select(func.count()).select_from(Assignment)).one() == 1
        assert s.exec(select(Rotation)).one().seq == 1  # the duplicate's turn was undone


def test_a_different_body_arriving_mid_answer_under_the_same_key_is_refused(pg_engine):
    _answer, outcome = _race(pg_engine, {"team": "sales", "kind": "call"})
    assert isinstance(outcome, Refused), outcome
    with Session(pg_engine) as s:
        assert s.exec(select(func.count()).select_from(Assignment)).one() == 1
