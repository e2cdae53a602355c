"""The outbox's cost to the hook, and delivery latency: SQLite or PostgreSQL, wrk (32 connections).

Run: python -m bench.webhooks_out [--seconds 10] [--events 200] [--postgres URL] [--workers N]
(--postgres: a server URL like postgresql://postgres@127.0.0.1:5432/postgres; each run gets a
fresh database there, dropped afterwards.)
Three servers, each on a fresh database: no webhook endpoint; 3 endpoints subscribed to
assignment.created whose receiver is down (the hook writes its outbox rows; after each
endpoint's first failed try, delivery waits 5 s, so this is the outbox's own cost); 3 endpoints
with a local receiver answering 200 (the same worker delivers meanwhile). wrk drives them in
turn, round after round (so a shared machine's noise falls on every side); it prints each
round's requests/s and p99, the median costs, then delivery latency p50/p99 from the hook's
answer (its commit) to the receiver's receipt.
Needs wrk (apt-get install -y wrk).
"""

import argparse
import inspect
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

import httpx

from bench.common import free_port, percentile
from bench.hook import LUA, seed, serve, stop, wrk

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.receiver import start_receiver  # noqa: E402


def subscribe(url: str, receiver_url: str, count: int) -> None:
    """`count` endpoints of the bench company, every one wanting assignment.created."""
    from app.db import make_engine, transaction
    from app.services import accounts, webhooks

    engine = make_engine(url)
    policy = webhooks.Policy(False, True, "h" * 64)
    with transaction(engine) as s:
        co = accounts.company_by_slug(s, "bench")
        for _ in range(count):
            data = {"url": receiver_url, "events": ["assignment.created"]}
            webhooks.create(s, co, data, policy, datetime.now(UTC))
    engine.dispose()


def drain(url: str) -> float:
    """Wait until every delivery has left; answer how long that took (s)."""
    from sqlalchemy import text

    from app.db import make_engine

    engine, start = make_engine(url), time.monotonic()
    while True:
        with engine.connect() as conn:
            q = "SELECT count(*) FROM webhook_delivery WHERE state = 'pending'"
            if conn.execute(text(q)).scalar_one() == 0:
                break
        time.sleep(0.2)
    engine.dispose()
    return time.monotonic() - start


@contextmanager
def database(tmp: str, name: str, postgres: str | None) -> Iterator[str]:
    """A fresh database for one server: a SQLite file, or a new PostgreSQL database."""
    if postgres is None:
        yield f"sqlite:///{tmp}/wh-{name}.db"
        return
    import psycopg

    name = f"bench_wh_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def latency(base: str, token: str, rec, events: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """p50 and p99 (ms) from each hook answer to its first receipt."""
    rec.got.clear()
    answered: dict[str, float] = {}
    with httpx.Client() as c:
        for _ in range(events):
            r = c.post(f"{base}/api/v1/assignments", headers={"Authorization": f"Bearer {token}"},
                       json={"team": "sales", "kind": "lead"})  # fmt: skip
            answered[r.json()["id"]] = time.monotonic()
            time.sleep(0.02)
    deadline = time.monotonic() + 30
    while len(rec.got) < events * 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    firsts: dict[str, float] = {}
    for got in rec.got:
        ident = json.loads(got.body)["data"]["id"]
        firsts.setdefault(ident, got.at)
    waits = [(firsts[i] - t) * 1000 for i, t in answered.items() if i in firsts]
    return percentile(waits, 50), percentile(waits, 99)


SIDES = {
    "none": "0 endpoints",
    "written": "3 endpoints, receiver down (the outbox rows only)",
    "delivered": "3 endpoints, delivered by the same worker",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL server URL")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    rec = start_receiver()
    down = f"http://127.0.0.1:{free_port()}/hook"  # nothing listens: first tries fail, then wait
    print(f"{'PostgreSQL' if args.postgres else 'SQLite'}, {args.workers} worker(s), "
          f"{args.rounds} rounds of {args.seconds} s per side")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        targets = {"none": (0, rec.url), "written": (3, down), "delivered": (3, rec.url)}
        servers = {
            side: stack.enter_context(server(tmp, side, n, receiver, args))
            for side, (n, receiver) in targets.items()
        }
        rates: dict[str, list[float]] = {side: [] for side in SIDES}
        cpus: dict[str, list[float]] = {side: [] for side in SIDES}
        for r in range(args.rounds):  # interleaved: the machine's noise falls on every side
            for side, (base, token, url, pid) in servers.items():
                rps, p99, cpu = drive(base, token, args.seconds, pid)
                rates[side].append(rps)
                cpus[side].append(cpu)
                print(f"round {r + 1}, {SIDES[side]}: {rps:.0f} req/s, p99 {p99:.0f} ms, "
                      f"server CPU {cpu:.0f} µs per answer")  # fmt: skip
                if side == "delivered":
                    print(f"  backlog of deliveries drained {drain(url):.1f} s after wrk ended")
        for side in ("written", "delivered"):
            costs = [1 - b / a for a, b in zip(rates["none"], rates[side], strict=True)]
            print(f"throughput cost, {SIDES[side]}: median {median(costs):.1%} "
                  f"(rounds: {', '.join(f'{x:.1%}' for x in costs)})")  # fmt: skip
            if all(cpus["none"]):
                extra = [b / a - 1 for a, b in zip(cpus["none"], cpus[side], strict=True)]
                print(f"CPU cost per answer, {SIDES[side]}: median {median(extra):.1%} "
                      f"(rounds: {', '.join(f'{x:.1%}' for x in extra)})")  # fmt: skip
        base, token, _, _ = servers["delivered"]
        p50, p99 = latency(base, token, rec, args.events)
        print(f"delivery latency (commit to receipt): p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    rec.close()


def drive(base: str, token: str, seconds: int, pid: int) -> tuple[float, float, float]:
    """wrk against the hook: requests/s, p99 (ms) and the server's CPU µs per answer (0 when
    bench.hook's wrk does not measure it)."""
    url = f"{base}/api/v1/assignments"
    if "pid" in inspect.signature(wrk).parameters:
        run: Any = wrk(url, LUA % token, seconds, pid)  # type: ignore[call-arg]
        return run.rps, run.p99, run.cpu_us
    rps, p99 = wrk(url, LUA % token, seconds)
    return rps, p99, 0.0


@contextmanager
def server(  # type: ignore[no-untyped-def]
    tmp: str, name: str, endpoints: int, receiver: str, args
) -> Iterator[tuple[str, str, str, int]]:
    """A server on a fresh database with `endpoints` endpoints: (base URL, token, database,
    process id)."""
    with database(tmp, name, args.postgres) as url:
        env = {**os.environ, "ONDECK_DATABASE_URL": url, "ONDECK_SESSION_DIR": f"{tmp}/s",
               "ONDECK_DEV_SECRET": "h" * 64}  # fmt: skip
        token = seed(url, env, 10, 0)
        subscribe(url, receiver, endpoints)
        port = free_port()
        command = [sys.executable, "-m", "app", "serve", "--port", str(port)]
        proc = serve([*command, "--workers", str(args.workers)], env, port)
        try:
            yield f"http://127.0.0.1:{port}", token, url, proc.pid
        finally:
            stop(proc)


if __name__ == "__main__":
    main()
