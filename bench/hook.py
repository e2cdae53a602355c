"""The hook against its floor: throughput and p99 under wrk (32 connections), one worker, SQLite.

Run: python -m bench.hook [--seconds 15] [--scale] [--fairness [--rounds 3]]
Prints the hook's and the floor's requests/s, p99, the server's CPU microseconds per answer
(user + system of the server's processes, from /proc: steadier than throughput on a shared
machine), and p50 at 1 connection, with their ratios. --scale also measures the hook's cost at
1,000 vs 1,000,000 past assignments and with 50 vs 500 members. --fairness compares the hook
with equal weights and with weights 1-10 and daily caps on every member (caps high enough that
nobody reaches them, so both pick among the same members), round after round.
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
from dataclasses import dataclass
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and all its descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    total, todo = 0.0, [pid]
    while todo:
        one = todo.pop()
        total += stats.get(one, (0, 0.0))[1]
        todo += [child for child, (parent, _) in stats.items() if parent == one]
    return total


@dataclass(frozen=True)
class Run:
    """What wrk saw, and the server's CPU time per answer."""

    rps: float
    p99: float
    p50: float
    cpu_us: float  # the server's CPU microseconds per answer (user + system, all processes)


def wrk(url: str, lua: str, seconds: int, pid: int | None = None, connections: int = 32) -> Run:
    """Run wrk; answer throughput, p99 and p50 (ms), and the server's CPU per answer."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
    before = cpu_seconds(pid) if pid else 0.0
    threads = min(2, connections)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
         "--latency", "-s", f.name, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout  # fmt: skip
    cpu = cpu_seconds(pid) - before if pid else 0.0
    if os.environ.get("BENCH_DEBUG"):
        print(out)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    done = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    if "Non-2xx" in out:
        print("  warning:", re.search(r"Non-2xx.*", out).group(0))  # type: ignore[union-attr]
    return Run(rps, _percentile(out, "99"), _percentile(out, "50"), cpu / max(done, 1) * 1e6)


def _percentile(out: str, which: str) -> float:
    m = re.search(which + r"%\s+([\d.]+)(us|ms|s)", out)
    assert m, out
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]


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


def weigh(url: str) -> None:
    """Weights 1-10 in turn and daily caps on every member of the bench team."""
    from sqlmodel import col, select

    from app.db import make_engine, transaction
    from app.models import TeamMember

    engine = make_engine(url)
    with transaction(engine) as s:
        found = s.exec(select(TeamMember).order_by(col(TeamMember.position)))
        for i, m in enumerate(found):
            m.weight, m.cap_lead, m.cap_call = i % 10 + 1, 1_000_000, 1_000_000
    engine.dispose()


def measure_hook(
    tmp: Path, members: int, past: int, seconds: int, *, weighted: bool = False
) -> tuple[Run, Run]:
    """Seed a fresh database and drive the app's hook with wrk: 32 connections, then 1."""
    url = f"sqlite:///{tmp}/hook-{members}-{past}-{uuid.uuid4().hex[:6]}.db"
    env = {
        **os.environ,
        "ONDECK_DATABASE_URL": url,
        "ONDECK_SESSION_DIR": f"{tmp}/s",
        "ONDECK_DEV_SECRET": "h" * 64,
    }
    token = seed(url, env, members, past)
    if weighted:
        weigh(url)
    port = free_port()
    proc = serve([sys.executable, "-m", "app", "serve", "--port", str(port)], env, port)
    try:
        target = f"http://127.0.0.1:{port}/api/v1/assignments"
        return busy_and_single(target, LUA % token, seconds, proc.pid)
    finally:
        stop(proc)


def measure_floor(tmp: Path, seconds: int) -> tuple[Run, Run]:
    """Prepare the floor's database and drive it with wrk: 32 connections, then 1."""
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
        target = f"http://127.0.0.1:{port}/hook"
        return busy_and_single(target, LUA % "floor-token", seconds, proc.pid)
    finally:
        stop(proc)


def busy_and_single(url: str, lua: str, seconds: int, pid: int) -> tuple[Run, Run]:
    """wrk at 32 connections, then at 1 for half as long (at least 3 s)."""
    busy = wrk(url, lua, seconds, pid)
    return busy, wrk(url, lua, max(3, seconds // 2), pid, connections=1)


def line(name: str, busy: Run, single: Run, per: str = "answer") -> str:
    """One server's figures on a line."""
    return (
        f"{name}: {busy.rps:8.1f} req/s  p99 {busy.p99:7.2f} ms  CPU {busy.cpu_us:7.0f} us/{per}"
        f"  | 1 connection: p50 {single.p50:6.2f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--scale", action="store_true")
    ap.add_argument("--fairness", action="store_true")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} (CPU figures are the server's own)")
    if args.fairness:
        fairness(args.seconds, args.rounds)
        return
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        hook, hook1 = measure_hook(tmp, 50, 5_000, args.seconds)
        flo, flo1 = measure_floor(tmp, args.seconds)
        print(line("hook ", hook, hook1) + "  (50 reps, 20 time off each, 5,000 past)")
        print(line("floor", flo, flo1))
        print(
            f"hook/floor throughput {hook.rps / flo.rps:.2f} (target >= 0.5), "
            f"p99 {hook.p99 / flo.p99:.2f} (target <= 2), "
            f"p50 at 1 connection {hook1.p50 / flo1.p50:.2f} (target <= 2), "
            f"CPU per answer {hook.cpu_us / flo.cpu_us:.1f}x"
        )
        if args.scale:
            small, _ = measure_hook(tmp, 50, 1_000, args.seconds)
            large, _ = measure_hook(tmp, 50, 1_000_000, args.seconds)
            print(
                f"past 1,000: {small.rps:.1f} req/s, {small.cpu_us:.0f} us; 1,000,000: "
                f"{large.rps:.1f} req/s, {large.cpu_us:.0f} us; cost ratio (CPU per answer) "
                f"{large.cpu_us / small.cpu_us:.2f} (target <= 1.2)"
            )
            big, _ = measure_hook(tmp, 500, 5_000, args.seconds)
            print(
                f"50 members: {hook.rps:.1f} req/s, {hook.cpu_us:.0f} us; 500 members: "
                f"{big.rps:.1f} req/s, {big.cpu_us:.0f} us; cost ratio (CPU per answer) "
                f"{big.cpu_us / hook.cpu_us:.2f} (target <= 5)"
            )


def fairness(seconds: int, rounds: int) -> None:
    """Equal weights against weights and caps, interleaved round by round."""
    equal: list[Run] = []
    weighted: list[Run] = []
    with tempfile.TemporaryDirectory() as d:
        for r in range(rounds):
            equal.append(measure_hook(Path(d), 50, 5_000, seconds)[0])
            weighted.append(measure_hook(Path(d), 50, 5_000, seconds, weighted=True)[0])
            print(f"round {r + 1}: " + line("equal", equal[-1], equal[-1]))
            print(f"round {r + 1}: " + line("weighted+caps", weighted[-1], weighted[-1]))
    rps = sorted(w.rps / e.rps for e, w in zip(equal, weighted, strict=True))
    cpu = sorted(w.cpu_us / e.cpu_us for e, w in zip(equal, weighted, strict=True))
    print(
        f"weights and caps vs equal weights: throughput {rps[len(rps) // 2]:.2f}x, "
        f"CPU per answer {cpu[len(cpu) // 2]:.2f}x (medians of {rounds} rounds; target: within 10%)"
    )


if __name__ == "__main__":
    main()
