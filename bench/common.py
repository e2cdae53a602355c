"""Shared bench helpers: a real server process on a fresh database, a token, percentiles."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(env: dict[str, str], *args: str) -> str:
    """Run `python -m app ...`; answer its standard output."""
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@contextmanager
def server(
    workers: int = 1, database_url: str | None = None
) -> Iterator[tuple[str, dict[str, str]]]:
    """A served OnDeck on a fresh SQLite database (or the given URL); yields (url, env)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        env["ONDECK_DATABASE_URL"] = database_url or f"sqlite:///{tmp}/bench.db"
        env["ONDECK_SESSION_DIR"] = f"{tmp}/sessions"
        env["ONDECK_DEV_SECRET"] = "b" * 64
        port = free_port()
        cli(env, "migrate")
        proc = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(150):
                try:
                    if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            yield url, env
        finally:
            proc.terminate()
            proc.wait(10)


def company_token(env: dict[str, str], slug: str = "bench") -> str:
    """Create a company and an admin token; answer the token."""
    cli(env, "org", "create", slug, "--name", "Bench")
    return cli(
        env, "token", "create", "--org", slug, "--name", "bench", "--scope", "admin"
    ).split()[-1]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]
