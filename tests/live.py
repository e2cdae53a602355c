"""A real OnDeck server process for browser, concurrency and fault tests."""

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """An unused TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one server run, dropped afterwards."""
    import psycopg

    name = f"ondeck_{uuid.uuid4().hex[:10]}"
    admin_url = PG_URL
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_cli(env: dict[str, str], *args: str) -> str:
    """Run `python -m app ...` and answer its output."""
    out = subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return out.stdout


class Server:
    """A running `python -m app serve` process."""

    def __init__(self, env: dict[str, str], workers: int = 1):
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app",
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.wait_ready()

    def wait_ready(self, timeout: float = 30) -> None:
        """Wait until /healthz answers ok."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.proc.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("server did not become ready")

    def stop(self) -> None:
        """Stop the server and its workers."""
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def server_env(database_url: str, tmp: Path, **extra: str) -> dict[str, str]:
    """The environment of a test server: its own database, sessions and secret."""
    env = dict(os.environ)
    env.update(
        {
            "ONDECK_DATABASE_URL": database_url,
            "ONDECK_SESSION_DIR": str(tmp / "sessions"),
            "ONDECK_DEV_SECRET": uuid.uuid4().hex * 2,
            **extra,
        }
    )
    return env
