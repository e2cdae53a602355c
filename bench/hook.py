"""The hook against its floor: throughput and p99 under wrk (32 connections), one worker, SQLite.

Run: python -m bench.hook [--seconds 15] [--scale]
Prints the hook's and the floor's requests/s and p99 and their ratios. --scale also measures the
hook's cost at 1,000 vs 1,000,000 past assignments and with 50 vs 500 members.
Needs wrk (apt-get install -y wrk).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert

from bench import floor
from bench.common import ROOT, cli, free_port

LUA = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %s"
wrk.body = '{"team": "sales", "kind": "lead", "external_id": "bench"}'
"""
ALL_DAY = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def seed(url: str, env: dict[str, str], members: int, past: int) -> str:
    """A company open all week, a team of `members` reps (hours, 20 time-off entries each) and
    `past` earlier assignments; answers an assign token."""
    from app.db import make_engine, transaction
    from app.models import Rep, TimeOff
    from app.services import accounts, presence, security, teams
    from app.services import company as company_service

    security.use_fast_hashing()
    cli(env, "migrate")
    engine = make_engine(url)
    now = datetime.now(UTC)
    with transaction(engine) as s:
        co = accounts.create_company(
            s, slug="bench", name="Bench", timezone="America/New_York", now=now
        )
        company_service.update(s, co, {"hours": ALL_DAY})
        reps = []
        for i in range(members):
            rep = Rep(
                company_id=co.id,
                name=f"Rep {i}",
                email=f"r{i}@bench.test",
                timezone="America/New_York",
                hours=ALL_DAY,
                created_at=now,
            )
            s.add(rep)
            reps.append(rep)
        s.flush()
        for rep in reps:
            presence.change(s, rep, status="available", now=now)
        s.execute(
            insert(TimeOff),
            [
                {
                    "id": uuid.uuid4().hex,
                    "company_id": co.id,
                    "rep_id": rep.id,
                    "day": date(2030, 1, 1) + timedelta(days=3 * k),
                    "created_at": now,
                }
                for rep in reps
                for k in range(20)
            ],
        )
        team = teams.create(
            s, co, slug="sales", name="Sales", now=now, members=[r.id for r in reps]
        )
        token = accounts.create_token(s, co, "bench", "assign", now).secret
    _past(engine, co.id, team.id, reps, past, now)
    engine.dispose()
    return token


def _past(engine, company_id, team_id, reps, past, now) -> None:  # type: ignore[no-untyped-def]
    """Bulk-insert earlier answers (history the hook must never scan) and the turns they left."""
    from app.db import transaction
    from app.models import Assignment, Rotation, Turn

    batch = 20_000
    for start in range(0, past, batch):
        with transaction(engine) as s:
            s.execute(
                insert(Assignment),
                [
                    {
                        "id": uuid.uuid4().hex,
                        "company_id": company_id,
                        "team_slug": "sales",
                        "kind": "lead",
                        "assignee_id": reps[i % len(reps)].id,
                        "reason": "assigned",
                        "answer": {"past": i},
                        "created_at": now - timedelta(seconds=past - i),
                    }
                    for i in range(start, min(past, start + batch))
                ],
            )
    with transaction(engine) as s:
        s.execute(
            insert(Turn),
            [
                {
                    "team_id": team_id,
                    "kind": "lead",
                    "rep_id": r.id,
                    "last_seq": i + 1,
                    "last_at": now,
                }
                for i, r in enumerate(reps)
            ],
        )
        s.add(Rotation(team_id=team_id, kind="lead", seq=len(reps)))


def wrk(url: str, lua: str, seconds: int) -> tuple[float, float]:
    """Run wrk with 32 connections; answer (requests/s, p99 ms)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", "--timeout", "30s", "--latency", "-s", f.name, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if os.environ.get("BENCH_DEBUG"):
        print(out)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    assert m, out
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    if "Non-2xx" in out:
        print("  warning:", re.search(r"Non-2xx.*", out).group(0))  # type: ignore[union-attr]
    return rps, p99


def serve(args: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """Start a server and wait for it to answer."""
    proc = subprocess.Popen(
        args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(150):
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server, killing it if it does not stop within 10 s."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def measure_hook(tmp: Path, members: int, past: int, seconds: int) -> tuple[float, float]:
    """Seed a fresh database and drive the app's hook with wrk."""
    url = f"sqlite:///{tmp}/hook-{members}-{past}.db"
    env = {
        **os.environ,
        "ONDECK_DATABASE_URL": url,
        "ONDECK_SESSION_DIR": f"{tmp}/s",
        "ONDECK_DEV_SECRET": "h" * 64,
    }
    token = seed(url, env, members, past)
    port = free_port()
    proc = serve([sys.executable, "-m", "app", "serve", "--port", str(port)], env, port)
    try:
        return wrk(f"http://127.0.0.1:{port}/api/v1/assignments", LUA % token, seconds)
    finally:
        stop(proc)


def measure_floor(tmp: Path, seconds: int) -> tuple[float, float]:
    """Prepare the floor's database and drive it with wrk."""
    path = f"{tmp}/floor.db"
    floor.prepare(path)
    port = free_port()
    env = {**os.environ, "FLOOR_DB": path}
    proc = serve(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.floor:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env,
        port,
    )
    try:
        return wrk(f"http://127.0.0.1:{port}/hook", LUA % "floor-token", seconds)
    finally:
        stop(proc)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--scale", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        h_rps, h_p99 = measure_hook(tmp, 50, 5_000, args.seconds)
        f_rps, f_p99 = measure_floor(tmp, args.seconds)
        print(
            f"hook : {h_rps:8.1f} req/s  p99 {h_p99:7.2f} ms  (50 reps, 20 time off each, "
            "5,000 past assignments)"
        )
        print(f"floor: {f_rps:8.1f} req/s  p99 {f_p99:7.2f} ms")
        print(
            f"hook/floor throughput {h_rps / f_rps:.2f} (target >= 0.5), "
            f"p99 {h_p99 / f_p99:.2f} (target <= 2)"
        )
        if args.scale:
            small = measure_hook(tmp, 50, 1_000, args.seconds)
            large = measure_hook(tmp, 50, 1_000_000, args.seconds)
            print(
                f"past 1,000: {small[0]:.1f} req/s; 1,000,000: {large[0]:.1f} req/s; "
                f"cost ratio {small[0] / large[0]:.2f} (target <= 1.2)"
            )
            big = measure_hook(tmp, 500, 5_000, args.seconds)
            print(
                f"50 members: {h_rps:.1f} req/s; 500 members: {big[0]:.1f} req/s; "
                f"cost ratio {h_rps / big[0]:.2f} (target <= 5)"
            )


if __name__ == "__main__":
    main()
