"""PUT /reps/{id}/status against its floor: throughput and p99 under wrk (32 connections), p50 at
one connection, and the server's CPU per request; one worker, SQLite, reported as bench/hook.py
reports the hook.

Run: python -m bench.status_put [--seconds 10]
The floor (bench/floor.py) checks the token's digest, then does one UPDATE of the rep's row and
one INSERT of a status event in one write transaction. Needs wrk (apt-get install -y wrk).
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

import httpx

from bench import floor
from bench.common import cli, company_token, free_port
from bench.hook import Run, busy_and_single, line, serve, stop

LUA = """wrk.method = "PUT"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer TOKEN"
local statuses = {"available", "away", "busy", "offline"}
local i = 0
request = function()
  i = i + 1
  local body = '{"status": "' .. statuses[i % 4 + 1] .. '", "note": "n' .. i .. '"}'
  return wrk.format(nil, "PATH", nil, body)
end
"""


def measure_app(tmp: Path, seconds: int) -> tuple[Run, Run]:
    """A fresh database with one rep; the app's status PUT under wrk, 32 connections then 1."""
    env = {
        **os.environ,
        "ONDECK_DATABASE_URL": f"sqlite:///{tmp}/status.db",
        "ONDECK_SESSION_DIR": f"{tmp}/s",
        "ONDECK_DEV_SECRET": "s" * 64,
    }
    cli(env, "migrate")
    token = company_token(env)
    port = free_port()
    proc = serve([sys.executable, "-m", "app", "serve", "--port", str(port)], env, port)
    try:
        base = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {token}"}
        rep = httpx.post(
            base + "/api/v1/reps",
            json={"name": "Dana", "email": "dana@bench.test"},
            headers=headers,
        ).json()
        path = f"/api/v1/reps/{rep['id']}/status"
        lua = LUA.replace("TOKEN", token).replace("PATH", path)
        return busy_and_single(base + path, lua, seconds, proc.pid)
    finally:
        stop(proc)


def measure_floor(tmp: Path, seconds: int) -> tuple[Run, Run]:
    """The floor's status PUT under the same load."""
    path = f"{tmp}/floor.db"
    floor.prepare(path)
    port = free_port()
    args = [sys.executable, "-m", "uvicorn", "bench.floor:app", "--port", str(port),
            "--log-level", "warning"]  # fmt: skip
    proc = serve(args, {**os.environ, "FLOOR_DB": path}, port)
    try:
        target = f"/reps/{floor.REP}/status"
        lua = LUA.replace("TOKEN", "floor-token").replace("PATH", target)
        return busy_and_single(f"http://127.0.0.1:{port}{target}", lua, seconds, proc.pid)
    finally:
        stop(proc)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} (CPU figures are the server's own)")
    with tempfile.TemporaryDirectory() as d:
        app, app1 = measure_app(Path(d), args.seconds)
        flo, flo1 = measure_floor(Path(d), args.seconds)
    print(line("status PUT", app, app1, "request"))
    print(line("floor     ", flo, flo1, "request"))
    print(
        f"status PUT/floor throughput {app.rps / flo.rps:.2f}, p99 {app.p99 / flo.p99:.2f}, "
        f"p50 at 1 connection {app1.p50 / flo1.p50:.2f}, CPU per request "
        f"{app.cpu_us / flo.cpu_us:.1f}x"
    )


if __name__ == "__main__":
    main()
