"""A committed event survives kill -9 of the app: after a restart it is delivered, signed, with
the webhook-id it was given when the change committed. A real server process (two workers on
PostgreSQL, one on SQLite) and a real receiver."""

import contextlib
import json
import os
import signal
import subprocess
import time

import httpx
import pytest
from sqlalchemy import text
from standardwebhooks import Webhook

from app.db import make_engine
from tests.conftest import PG_URL, must_run, postgres_reachable
from tests.live import Server, free_port, postgres_database, run_cli, server_env
from tests.receiver import start_receiver


@pytest.fixture
def database(tmp_path):
    if os.environ.get("ONDECK_TEST_DATABASE") == "postgres":
        if not postgres_reachable(PG_URL):
            must_run("PostgreSQL is not reachable")
        with postgres_database() as url:
            yield url, 2
    else:
        yield f"sqlite:///{tmp_path / 'crash.db'}", 1


def _kill_group(server: Server) -> None:
    """kill -9 the server and every worker it started."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(os.getpgid(server.proc.pid), signal.SIGKILL)
    server.proc.kill()
    server.proc.wait(10)


def test_an_event_committed_before_kill_9_is_delivered_after_restart(tmp_path, database):
    url, workers = database
    env = server_env(url, tmp_path)
    run_cli(env, "migrate")
    run_cli(env, "org", "create", "acme", "--name", "Acme")
    token = run_cli(env, "token", "create", "--org", "acme", "--name", "t", "--scope", "admin")
    token = token.split()[-1]
    port = free_port()  # the receiver is down while the app runs the first time
    auth = {"Authorization": f"Bearer {token}"}
    first = _start(env, workers)
    try:
        hook = {"url": f"http://127.0.0.1:{port}/hook", "events": ["webhook.test"]}
        r = httpx.post(f"{first.url}/api/v1/webhooks", headers=auth, json=hook)
        assert r.status_code == 201, r.text
        made = r.json()
        assert (
            httpx.post(f"{first.url}/api/v1/webhooks/{made['id']}/test", headers=auth).status_code
            == 202
        )
    finally:
        _kill_group(first)
    engine = make_engine(url)
    with engine.connect() as conn:
        (msg_id,) = conn.execute(text("SELECT msg_id FROM webhook_delivery")).one()
    engine.dispose()
    rec = start_receiver(port)
    second = _start(env, workers)
    try:
        got = rec.wait_for(1, timeout=30)  # the first attempt failed: retried within 5 s
        assert {g.headers["webhook-id"] for g in got} == {msg_id}
        event = Webhook(made["secret"]).verify(got[0].body, got[0].headers)
        assert event["type"] == "webhook.test" and json.loads(got[0].body)["data"]
    finally:
        second.stop()
        rec.close()


def _wait_for_a_failed_attempt(url: str) -> str:
    """The event's webhook-id once its first attempt (receiver down) is recorded."""
    engine = make_engine(url)
    q = text("SELECT msg_id FROM webhook_delivery WHERE state = 'pending' AND attempts >= 1 "
             "AND claimed_until IS NULL")  # fmt: skip
    try:
        for _ in range(200):
            with engine.connect() as conn:
                found = conn.execute(q).scalar_one_or_none()
            if found:
                return str(found)
            time.sleep(0.05)
        raise AssertionError("the first attempt was never recorded")
    finally:
        engine.dispose()


def _start(env: dict[str, str], workers: int) -> Server:
    """A server in its own process group (so kill -9 reaches its workers)."""
    original = subprocess.Popen

    def popen(*args, **kw):  # type: ignore[no-untyped-def]
        return original(*args, **kw, start_new_session=True)

    subprocess.Popen = popen  # type: ignore[misc]
    try:
        return Server(env, workers)
    finally:
        subprocess.Popen = original  # type: ignore[misc]
