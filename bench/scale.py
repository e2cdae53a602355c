"""The hook on PostgreSQL with 20 companies calling at once, served by 1 and then 2 workers.

Run: python -m bench.scale [--seconds 10] [--companies 20] [--members 20]
Needs wrk and PostgreSQL at 127.0.0.1:5432 (user postgres, trust); creates and drops its own
database. Prints, per worker count, throughput, p99 and the app's CPU milliseconds per answer
(user + system of every server process, from /proc): the CPU per answer should not grow with
workers (no contention cost), and throughput should grow while cores are free.
"""

import argparse
import os
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg

from bench.common import free_port
from bench.hook import Run, serve, stop, wrk

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
LUA = """tokens = {%s}
n = 0
request = function()
  n = n + 1
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["Authorization"] = "Bearer " .. tokens[(n %% #tokens) + 1]
  return wrk.format("POST", nil, headers, '{"team": "sales", "kind": "lead"}')
end
"""


def seed(url: str, env: dict[str, str], companies: int, members: int) -> list[str]:
    """`companies` companies, each open all week with a team of `members` available reps."""
    from app.db import make_engine, transaction
    from app.models import Rep
    from app.services import accounts, presence, security, teams
    from app.services import company as company_service
    from bench.common import cli
    from bench.hook import ALL_DAY

    security.use_fast_hashing()
    cli(env, "migrate")
    engine = make_engine(url)
    from datetime import UTC, datetime

    now, tokens = datetime.now(UTC), []
    for k in range(companies):
        with transaction(engine) as s:
            co = accounts.create_company(
                s, slug=f"bench{k}", name=f"Bench {k}", timezone="America/New_York", now=now
            )
            company_service.update(s, co, {"hours": ALL_DAY})
            reps = [
                Rep(
                    company_id=co.id,
                    name=f"Rep {k}.{i}",
                    email=f"r{k}.{i}@bench.test",
                    timezone="America/New_York",
                    hours=ALL_DAY,
                    created_at=now,
                )
                for i in range(members)
            ]
            s.add_all(reps)
            s.flush()
            for rep in reps:
                presence.change(s, rep, status="available", now=now)
            teams.create(s, co, slug="sales", name="Sales", now=now, members=[r.id for r in reps])
            tokens.append(accounts.create_token(s, co, "bench", "assign", now).secret)
    engine.dispose()
    return tokens


def measure(url: str, tmp: Path, tokens: list[str], workers: int, seconds: int) -> Run:
    """Serve with `workers` processes and drive the hook for all companies at once."""
    env = {
        **os.environ,
        "ONDECK_DATABASE_URL": url,
        "ONDECK_SESSION_DIR": f"{tmp}/s",
        "ONDECK_DEV_SECRET": "h" * 64,
    }
    port = free_port()
    args = [sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", str(workers)]
    proc = serve(args, env, port)
    try:
        lua = LUA % ", ".join(f'"{t}"' for t in tokens)
        target = f"http://127.0.0.1:{port}/api/v1/assignments"
        wrk(target, lua, 2, proc.pid)  # warm both workers
        return wrk(target, lua, seconds, proc.pid)
    finally:
        stop(proc)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--companies", type=int, default=20)
    ap.add_argument("--members", type=int, default=20)
    args = ap.parse_args()
    name = "bench_scale_" + uuid.uuid4().hex[:8]
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        with tempfile.TemporaryDirectory() as d:
            env = {**os.environ, "ONDECK_DATABASE_URL": url, "ONDECK_DEV_SECRET": "h" * 64}
            tokens = seed(url, env, args.companies, args.members)
            print(f"load average before: {os.getloadavg()[0]:.1f}; {args.companies} companies")
            runs = {w: measure(url, Path(d), tokens, w, args.seconds) for w in (1, 2)}
            for w, run in runs.items():
                print(
                    f"{w} worker(s): {run.rps:8.1f} req/s  p99 {run.p99:7.1f} ms  "
                    f"app CPU {run.cpu_us / 1000:.2f} ms/answer"
                )
            print(f"2 vs 1 worker: throughput {runs[2].rps / runs[1].rps:.2f}x, CPU per answer "
                  f"{runs[2].cpu_us / runs[1].cpu_us:.2f}x")  # fmt: skip
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
