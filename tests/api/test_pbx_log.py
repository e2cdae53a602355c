"""A PBX that authenticates with ?token= never finds that token in the server's log: a real
uvicorn serving app.asgi with its access log on (INTEGRATIONS.md: `?token=` is never written to
any log)."""

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx

from app.db import make_engine, transaction
from app.domain.hours import ALWAYS
from app.logs import redact
from app.migrations import upgrade
from app.services import accounts, teams
from app.services import presence as presence_service
from tests.db.test_rotation import ROOT, _wait_healthy, free_port


def seed(database_url: str) -> str:
    """A company open round the clock, one Available rep on a team, an assign token."""
    upgrade(database_url)
    engine = make_engine(database_url)
    now = datetime.now(UTC)
    with transaction(engine) as s:
        company = accounts.create_company(s, slug="acme", name="Acme", timezone="UTC", now=now)
        company.hours = ALWAYS.to_json()
        rep = accounts.add_person(
            s, company, name="Lee", email="lee@acme.test", phone="+12125550001", now=now
        ).rep
        presence_service.change(s, rep, status="available", now=now)
        teams.create(s, company, slug="sales", name="Sales", members=[rep.id], now=now)
        token = accounts.create_token(s, company, "pbx", "assign", now).secret
    engine.dispose()
    return token


def test_a_token_sent_as_query_parameter_is_not_in_the_access_log(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'ondeck.db'}"
    token = seed(database_url)
    port = free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "ONDECK_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    env["ONDECK_SESSION_DIR"] = str(tmp_path / "sessions")
    env["ONDECK_BASE_URL"] = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "uvicorn", "app.asgi:app", "--port", str(port)]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*cmd, "--log-level", "info", "--access-log"],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, proc)
            ok = httpx.get(f"{url}/integrations/pbx/next?team=sales&token={token}", timeout=30)
            assert ok.status_code == 200, ok.text
            assert ok.text == "+12125550001"
            wrong = httpx.get(f"{url}/integrations/pbx/next?token={token}x&team=sales", timeout=30)
            assert wrong.status_code == 401
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
    written = log.read_text()
    assert "GET /integrations/pbx/next?team=sales&token=[redacted] HTTP/1.1" in written, written
    assert "GET /integrations/pbx/next?token=[redacted]&team=sales HTTP/1.1" in written, written
    assert token not in written


def test_redaction_keeps_the_rest_of_the_url() -> None:
    assert redact("/next?team=sales&token=abc&format=kv") == (
        "/next?team=sales&token=[redacted]&format=kv"
    )
    assert redact("/next?Token=abc") == "/next?Token=[redacted]"
    assert redact("/next?team=tokens&n=2") == "/next?team=tokens&n=2"
