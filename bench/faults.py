"""Faults under load: the server killed with SIGKILL, and PostgreSQL stopped, mid-load.

1. kill -9: lead assignments from C concurrent clients (each with an Idempotency-Key); the
   server's whole process group gets SIGKILL mid-load; it is started again on the same database.
   Checked: every answer a client received a 201 for is in the log; retrying the unanswered
   requests with their keys replays the ones that had been stored (200) and assigns the rest once;
   no turn was handed out twice; the rotation afterwards gives every rep one lead per round.
2. PostgreSQL stops: the same load against two workers on PostgreSQL; the cluster is stopped for
   a few seconds and started again (always, in a `finally`). Checked: while it is down, clients
   get 503 application/problem+json with Retry-After quickly (no request hangs); once it is back
   the app answers 201 again by itself, without a restart.

Loopback only; bounded in requests and time. Needs pg_ctlcluster (run as root) for part 2.

Run: python -m bench.faults [--only kill|postgres] [-c 8]
"""

import argparse
import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.common import percentile
from bench.load_hook import (
    Company,
    double_turns,
    fair_afterwards,
    log_of,
    make_company,
    served,
)

HOOK = "/api/v1/assignments"


@dataclass
class Seen:
    """Every request: when it ended, its status (0: no answer), content type, seconds taken."""

    rows: list[tuple[float, int, str, float]] = field(default_factory=list)
    acked: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> 201 answer
    unanswered: list[str] = field(default_factory=list)  # keys sent without any answer


async def load(company: Company, seen: Seen, stop: asyncio.Event, clients: int, limit: int) -> None:
    """Lead requests with Idempotency-Keys from `clients` workers until `stop` or `limit`."""
    keys = iter(range(limit))
    timeout = httpx.Timeout(20, connect=5)
    async with httpx.AsyncClient(
        base_url=company.url, headers=company.headers, timeout=timeout
    ) as c:

        async def worker() -> None:
            for i in keys:
                if stop.is_set():
                    return
                key = f"fault-{i}"
                body = {"team": "sales", "kind": "lead", "external_id": key}
                started = time.monotonic()
                try:
                    r = await c.post(HOOK, json=body, headers={"Idempotency-Key": key})
                except httpx.HTTPError:
                    seen.rows.append((time.monotonic(), 0, "", time.monotonic() - started))
                    seen.unanswered.append(key)
                    await asyncio.sleep(0.05)
                    continue
                kind = r.headers.get("content-type", "")
                seen.rows.append(
                    (time.monotonic(), r.status_code, kind, time.monotonic() - started)
                )
                if r.status_code == 201:
                    seen.acked[key] = r.json()
                elif r.status_code >= 500:
                    await asyncio.sleep(0.05)

        await asyncio.gather(*(worker() for _ in range(clients)))


def kill_run(clients: int) -> bool:
    """Part 1 on SQLite, one worker."""
    with served(None, 1) as (server, env):
        company = make_company(server.url, env)
        seen = Seen()

        async def go() -> None:
            stop = asyncio.Event()
            task = asyncio.create_task(load(company, seen, stop, clients, 100_000))
            while len(seen.acked) < 300 and not task.done():
                await asyncio.sleep(0.01)
            server.kill()  # SIGKILL to the whole group, mid-request
            await asyncio.sleep(0.5)
            stop.set()
            await task

        asyncio.run(go())
        acked, cut = len(seen.acked), len(seen.unanswered)
        print(f"kill -9 (SQLite, 1 worker, {clients} clients): {acked} answers acknowledged "
              f"(201), {cut} requests cut off by the kill")  # fmt: skip
        server.start()
        return after_kill(company, seen)


def after_kill(company: Company, seen: Seen) -> bool:
    """Acknowledged answers survived; retries replay or assign once; rotation stays fair."""
    logged = {a["id"]: a for a in log_of(company)}
    lost = [k for k, a in seen.acked.items() if a["id"] not in logged]
    replayed = fresh = 0
    with httpx.Client(base_url=company.url, headers=company.headers, timeout=30) as c:
        for key in seen.unanswered:
            body = {"team": "sales", "kind": "lead", "external_id": key}
            r = c.post(HOOK, json=body, headers={"Idempotency-Key": key})
            replayed += r.status_code == 200
            fresh += r.status_code == 201
    log = log_of(company)
    keys = Counter(a["external_id"] for a in log)
    assignees = [a["assignee"]["id"] for a in log if a["assignee"]]
    doubles = double_turns(assignees, set(company.reps))
    once = all(n == 1 for n in keys.values())
    print(f"  after restart: {len(lost)} acknowledged answers missing from the log; "
          f"retries of the cut-off requests: {replayed} replayed (stored before the kill), "
          f"{fresh} assigned now; every key in the log once: {'yes' if once else 'NO'}; "
          f"double turns: {doubles}")  # fmt: skip
    ok = not lost and once and doubles == 0 and replayed + fresh == len(seen.unanswered)
    return fair_afterwards(company, "  kill -9: restarted") and ok


def pg_ctl(action: str) -> None:
    """Start or stop the local PostgreSQL cluster (Debian's wrapper)."""
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
        check=True, timeout=120, capture_output=True,
    )  # fmt: skip


def postgres_run(clients: int, down_seconds: float) -> bool:
    """Part 2 on PostgreSQL, two workers."""
    from tests.live import postgres_database

    with postgres_database() as database, served(database, 2) as (server, env):
        company = make_company(server.url, env)
        seen, marks = Seen(), {}

        async def go() -> None:
            stop = asyncio.Event()
            task = asyncio.create_task(load(company, seen, stop, clients, 100_000))
            await asyncio.sleep(2)
            try:
                marks["down"] = time.monotonic()
                await asyncio.to_thread(pg_ctl, "stop")
                await asyncio.sleep(down_seconds)
            finally:
                marks["starting"] = time.monotonic()
                await asyncio.to_thread(pg_ctl, "start")
                marks["up"] = time.monotonic()
            await asyncio.sleep(8)
            stop.set()
            await task

        asyncio.run(go())
        return outage_report(seen, marks, clients)


def outage_report(seen: Seen, marks: dict[str, float], clients: int) -> bool:
    """What clients saw while PostgreSQL was down, and whether the app came back by itself."""
    during = [r for r in seen.rows if marks["down"] + 1 < r[0] <= marks["starting"]]
    after = [r for r in seen.rows if r[0] > marks["up"] + 5]
    statuses = Counter(r[1] for r in during)
    problem = all(r[2].startswith("application/problem+json") for r in during if r[1] == 503)
    slowest = max((r[3] for r in during), default=0.0)
    times = [r[3] * 1000 for r in during] or [0.0]
    recovered = bool(after) and all(r[1] in (200, 201) for r in after)
    print(f"PostgreSQL stopped for {marks['starting'] - marks['down']:.1f} s under load "
          f"(2 workers, {clients} clients): answers while down {dict(statuses)}; 503s are "
          f"problem+json: {'yes' if problem else 'NO'}; latency while down p50 "
          f"{percentile(times, 50):.0f} ms, max {slowest * 1000:.0f} ms")  # fmt: skip
    print(f"  back up after {marks['up'] - marks['starting']:.1f} s: answers from 5 s later "
          f"{dict(Counter(r[1] for r in after))} -> recovered by itself: "
          f"{'yes' if recovered else 'NO'}")  # fmt: skip
    no_hang = slowest < 15 and 0 not in statuses
    return problem and recovered and no_hang and statuses.get(503, 0) > 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", choices=["kill", "postgres"])
    p.add_argument("-c", type=int, default=8, help="concurrent clients")
    p.add_argument("--down", type=float, default=6.0, help="seconds PostgreSQL stays stopped")
    args = p.parse_args(argv)
    ok = True
    if args.only in (None, "kill"):
        ok &= kill_run(args.c)
    if args.only in (None, "postgres"):
        if not Path("/etc/postgresql").is_dir():
            print("PostgreSQL is not installed here; part 2 skipped")
        else:
            ok &= postgres_run(args.c, args.down)
    print("all checks passed" if ok else "SOME CHECKS FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
