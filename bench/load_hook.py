"""The hook under load: 10,000 lead assignments at 64 concurrent, then a mixed load.

1. Leads: N hook calls (default 10,000) by C concurrent clients (default 64) against a served
   OnDeck on SQLite (one worker) and on PostgreSQL (two workers), 8 equally eligible reps.
   Checked from the decision log afterwards: every 201 answer is in the log, no turn was handed
   out twice (between two turns of a rep every other rep had one), and the per-rep counts differ by
   at most one. Latency p50/p99 and throughput are printed.
2. Mixed: hook calls and status changes at the same time (bounded in count and time): 8 reps stay
   Available, 4 more cycle Available → Away → Busy → Offline. Checked: no error answers, no turn of
   an always-available rep handed out twice, and a fair rotation afterwards.

Everything runs on the loopback interface. Figures are printed, never asserted by the test suite.

Run: python -m bench.load_hook [--only sqlite|postgres] [-n 10000] [-c 64]
"""

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from bench.common import ROOT, cli, company_token, free_port, percentile

HOURS_24_7 = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
CYCLE = ["available", "away", "busy", "offline"]
DEADLINE_SECONDS = 600  # no phase runs longer than this, whatever happens
TIMEOUT_SECONDS = 30  # a request without an answer by then counts as a transport error


@dataclass
class Company:
    """A served company with a 24/7 team `sales` of equally eligible reps."""

    url: str
    headers: dict[str, str]
    reps: list[str]  # always Available
    togglers: list[str] = field(default_factory=list)  # members whose status the mixed load moves


def make_company(url: str, env: dict[str, str], reps: int = 8, togglers: int = 0) -> Company:
    """Company open around the clock, `reps` Available members, `togglers` more (Offline)."""
    assert urlsplit(url).hostname == "127.0.0.1", "benchmarks only talk to the loopback interface"
    headers = {"Authorization": f"Bearer {company_token(env)}"}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as c:
        c.patch("/api/v1/company", json={"hours": HOURS_24_7}).raise_for_status()
        ids = []
        for i in range(reps + togglers):
            r = c.post("/api/v1/reps", json={"name": f"Rep {i}", "email": f"rep{i}@bench.test"})
            ids.append(r.raise_for_status().json()["id"])
        for rep_id in ids[:reps]:
            c.put(f"/api/v1/reps/{rep_id}/status", json={"status": "available"}).raise_for_status()
        c.post("/api/v1/teams", json={"slug": "sales", "name": "Sales", "members": ids})
    return Company(url, headers, ids[:reps], ids[reps:])


@dataclass
class Calls:
    """What the clients saw: status and latency of each request, and the 201 answers."""

    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    stalled: bool = False  # requests stopped getting answers (the run was cut short)

    def line(self, what: str) -> str:
        ms = self.latencies or [0.0]
        rate = len(self.latencies) / self.seconds if self.seconds else 0.0
        return (
            f"{what}: {len(self.latencies)} requests in {self.seconds:.1f} s ({rate:.0f}/s), "
            f"p50 {percentile(ms, 50):.1f} ms, p99 {percentile(ms, 99):.1f} ms, "
            f"max {max(ms):.1f} ms; answers {dict(sorted(self.statuses.items()))}"
            + (f"; transport errors {dict(self.errors)}" if self.errors else "")
            + ("; STALLED: no answer for 30 s, run cut short" if self.stalled else "")
        )


async def fire(
    client: httpx.AsyncClient,
    calls: Calls,
    requests: Iterator[tuple[str, str, dict[str, Any]]],
    concurrency: int,
    deadline: float,
) -> None:
    """Send every request of `requests` from `concurrency` workers until done or the deadline."""

    async def worker() -> None:
        for method, path, body in requests:  # a shared iterator: each request is sent once
            if time.monotonic() > deadline or calls.stalled:
                return
            started = time.perf_counter()
            try:
                r = await client.request(method, path, json=body)
            except httpx.HTTPError as exc:
                calls.errors[type(exc).__name__] += 1
                calls.stalled |= isinstance(exc, httpx.TimeoutException)
                continue
            calls.latencies.append((time.perf_counter() - started) * 1000)
            calls.statuses[r.status_code] += 1
            if r.status_code == 201:
                calls.answers.append(r.json())

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    calls.seconds += time.perf_counter() - started


def leads(n: int, prefix: str = "lead") -> Iterator[tuple[str, str, dict[str, Any]]]:
    """`n` hook calls for the next lead of team sales."""
    for i in range(n):
        body = {"team": "sales", "kind": "lead", "external_id": f"{prefix}-{i}"}
        yield "POST", "/api/v1/assignments", body


def client_for(company: Company, concurrency: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(
        base_url=company.url, headers=company.headers, limits=limits, timeout=TIMEOUT_SECONDS
    )


def log_of(company: Company, kind: str = "lead") -> list[dict[str, Any]]:
    """The team's whole decision log for a kind, oldest first."""
    found: list[dict[str, Any]] = []
    with httpx.Client(base_url=company.url, headers=company.headers, timeout=60) as c:
        while True:
            params: dict[str, Any] = {"team": "sales", "kind": kind, "limit": 1000}
            page = c.get("/api/v1/assignments", params={**params, "offset": len(found)})
            batch = page.raise_for_status().json()
            found.extend(batch)
            if len(batch) < 1000:
                return found


def double_turns(assignees: list[str | None], always: set[str]) -> int:
    """Turns handed out twice: a rep of `always` (eligible throughout) assigned again before every
    other rep of `always` had a turn since its last one (least recently assigned forbids it)."""
    last: dict[str, int] = {}
    bad = 0
    for i, rep in enumerate(assignees):
        if rep in always:
            if rep in last and any(last.get(o, -1) < last[rep] for o in always - {rep}):
                bad += 1
            last[rep] = i
    return bad


def check_log(company: Company, calls: Calls, always: set[str]) -> tuple[bool, str]:
    """Every 201 answer logged once; no double turn; per-rep spread (counts over `always`)."""
    log = log_of(company)
    logged = {a["id"] for a in log}
    acked = {a["id"] for a in calls.answers}
    assignees = [a["assignee"]["id"] if a["assignee"] else None for a in log]
    counts = Counter(r for r in assignees if r in always)
    spread = max(counts.values()) - min(counts.values()) if counts else 0
    doubles = double_turns(assignees, always)
    missing = len(acked - logged)
    ok = not missing and len(logged) == len(log) and doubles == 0
    return ok, (
        f"log {len(log)} answers, {missing} acknowledged answers missing, "
        f"{len(log) - len(logged)} duplicate ids, {doubles} double turns, "
        f"spread {spread} over {len(counts)} always-available reps "
        f"(counts {min(counts.values(), default=0)}–{max(counts.values(), default=0)})"
    )


def leads_run(company: Company, n: int, concurrency: int, label: str) -> bool:
    """Phase 1: n lead assignments at `concurrency`, then the log checks."""
    calls = Calls()

    async def go() -> None:
        async with client_for(company, concurrency) as client:
            await fire(client, calls, leads(n), concurrency, time.monotonic() + DEADLINE_SECONDS)

    asyncio.run(go())
    print(calls.line(f"{label} leads x{n} at {concurrency} concurrent"))
    if calls.stalled:
        print(f"{label} leads: the server stopped answering -> FAILED (log not checked)")
        return False
    ok, checked = check_log(company, calls, set(company.reps))
    ok = ok and calls.statuses == Counter({201: n}) and not calls.errors
    print(f"{label} leads: {checked} -> {'OK' if ok else 'FAILED'}")
    return ok


def toggles(company: Company, n: int) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """`n` status changes of the togglers, each cycling through every status."""
    for i in range(n):
        rep = company.togglers[i % len(company.togglers)]
        status = CYCLE[(i // len(company.togglers)) % len(CYCLE)]
        yield "PUT", f"/api/v1/reps/{rep}/status", {"status": status, "note": f"n{i}"}


def mixed_run(company: Company, n: int, concurrency: int, label: str) -> bool:
    """Phase 2: n hook calls and n status changes at once, then a fair rotation afterwards."""
    hooks, changes = Calls(), Calls()
    half = max(1, concurrency // 2)

    async def go() -> None:
        async with client_for(company, concurrency) as client:
            deadline = time.monotonic() + DEADLINE_SECONDS
            await asyncio.gather(
                fire(client, hooks, leads(n, "mixed"), half, deadline),
                fire(client, changes, toggles(company, n), half, deadline),
            )

    asyncio.run(go())
    print(hooks.line(f"{label} mixed: hook calls"))
    print(changes.line(f"{label} mixed: status changes"))
    if hooks.stalled or changes.stalled:
        print(f"{label} mixed: the server stopped answering -> FAILED (log not checked)")
        return False
    ok, checked = check_log(company, hooks, set(company.reps))
    clean = hooks.statuses == Counter({201: n}) and changes.statuses == Counter({200: n})
    ok = ok and clean and not hooks.errors and not changes.errors
    print(f"{label} mixed: {checked} -> {'OK' if ok else 'FAILED'}")
    return ok and fair_afterwards(company, f"{label} mixed: togglers offline")


def fair_afterwards(company: Company, label: str, rounds: int = 5) -> bool:
    """Togglers offline, then `rounds` × reps sequential leads: each round gives each rep one."""
    with httpx.Client(base_url=company.url, headers=company.headers, timeout=30) as c:
        for rep in company.togglers:
            c.put(f"/api/v1/reps/{rep}/status", json={"status": "offline"}).raise_for_status()
        got = []
        for _ in range(rounds * len(company.reps)):
            r = c.post("/api/v1/assignments", json={"team": "sales", "kind": "lead"})
            got.append(r.raise_for_status().json()["assignee"]["id"])
    size = len(company.reps)
    fair = all(sorted(got[i : i + size]) == sorted(company.reps) for i in range(0, len(got), size))
    print(
        f"{label}, then {rounds} rounds of {size} sequential leads: "
        f"each round every rep once: {'yes' if fair else 'NO'}"
    )
    return fair


class Served:
    """`python -m app serve` in its own process group, so SIGKILL reaches every worker."""

    def __init__(self, env: dict[str, str], workers: int, port: int | None = None):
        self.env, self.workers = env, workers
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        # the server's own log, to explain any transport error the clients saw
        log = open(f"{tempfile.gettempdir()}/ondeck-bench-server-{self.port}.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--port", str(self.port),
             "--workers", str(self.workers)],
            env=self.env, cwd=ROOT, stdout=log, stderr=log,
            start_new_session=True,
        )  # fmt: skip
        print(f"  server log: {log.name}")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the server did not come up")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the server's process group (its own pid is the group id) and reap it."""
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, sig)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(15)


@contextmanager
def served(database_url: str | None, workers: int) -> Iterator[tuple[Served, dict[str, str]]]:
    """A migrated database (fresh SQLite unless a URL is given) and a started server."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        env["ONDECK_DATABASE_URL"] = database_url or f"sqlite:///{tmp}/faults.db"
        env["ONDECK_SESSION_DIR"] = f"{tmp}/sessions"
        env["ONDECK_DEV_SECRET"] = "l" * 64
        cli(env, "migrate")
        server = Served(env, workers)
        server.start()
        try:
            yield server, env
        finally:
            server.kill(signal.SIGTERM)


@contextmanager
def target(kind: str) -> Iterator[tuple[str, dict[str, str], str]]:
    """A served OnDeck: SQLite with one worker, or a fresh PostgreSQL database with two."""
    with ExitStack() as stack:
        if kind == "sqlite":
            running, env = stack.enter_context(served(None, 1))
            yield running.url, env, "SQLite, 1 worker"
            return
        from tests.live import postgres_database

        database = stack.enter_context(postgres_database())
        running, env = stack.enter_context(served(database, 2))
        yield running.url, env, "PostgreSQL, 2 workers"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", choices=["sqlite", "postgres"])
    p.add_argument("-n", type=int, default=10_000, help="lead assignments (phase 1)")
    p.add_argument("-c", type=int, default=64, help="concurrent clients")
    p.add_argument("--mixed", type=int, default=2_000, help="hook calls and status changes")
    args = p.parse_args(argv)
    ok = True
    for kind in [args.only] if args.only else ["sqlite", "postgres"]:
        with target(kind) as (url, env, label):
            ok &= leads_run(make_company(url, env), args.n, args.c, label)
        with target(kind) as (url, env, label):
            company = make_company(url, env, reps=8, togglers=4)
            ok &= mixed_run(company, args.mixed, args.c, label)
    print("all checks passed" if ok else "SOME CHECKS FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
