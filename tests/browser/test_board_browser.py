"""The live board in Chromium: a status change through the API shows within a second, also when
it went through another worker (PostgreSQL LISTEN/NOTIFY carries the event between them)."""

import statistics
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from app.db import make_engine, transaction
from app.models import Rep
from tests.browser.conftest import PHONE, sign_in
from tests.conftest import must_run, postgres_reachable
from tests.live import Server, postgres_database, run_cli, server_env

LAPTOP = {"width": 1280, "height": 800}
BUDGET_MS = 1000
RIYA = "+12125550106"  # a demo rep nobody else's browser test touches
LATENCIES: dict[str, list[float]] = {}

WATCH = """(id) => {
  window.__seen = {};
  const board = document.getElementById("board");
  const check = () => {
    const card = document.getElementById("rep-" + id);
    const found = card && card.textContent.match(/latency-([0-9a-f]+-[0-9]+)/);
    if (found && !(found[1] in window.__seen)) window.__seen[found[1]] = Date.now();
  };
  new MutationObserver(check).observe(board, {childList: true, subtree: true, characterData: true});
}"""
# the stream's first event arrives once the server listens for changes
CONNECTED = "() => document.getElementById('board-ready')?.textContent === 'connected'"


def admin_token(env: dict[str, str]) -> str:
    out = run_cli(
        env, "token", "create", "--org", "demo", "--name", "board-test", "--scope", "admin"
    )
    return out.split()[-1]


def rep_id(url: str, token: str, phone: str = RIYA) -> str:
    r = httpx.get(
        url + "/api/v1/reps", params={"phone": phone}, headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 200, r.text
    return str(r.json()[0]["id"])


def open_board(browser, url: str, viewport: dict[str, int], rep: str):  # type: ignore[no-untyped-def]
    """A manager's browser on the board, connected to the event stream, watching one rep."""
    context = browser.new_context(viewport=viewport, base_url=url)
    page = context.new_page()
    sign_in(page, "manager@demo.ondeck.app")
    page.goto("/team")
    page.wait_for_function(CONNECTED, timeout=10_000)
    page.evaluate(WATCH, rep)
    return context, page


def change_and_time(page, url: str, token: str, rep: str, k: str) -> float:  # type: ignore[no-untyped-def]
    """Change the rep's note through the API (a fresh connection) and time it to the browser."""
    started = time.time() * 1000
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}) as api:
        r = api.put(
            f"{url}/api/v1/reps/{rep}/status", json={"status": "busy", "note": f"latency-{k}"}
        )
    assert r.status_code == 200, r.text
    page.wait_for_function("(k) => window.__seen && window.__seen[k]", arg=k, timeout=5_000)
    taken = float(page.evaluate("(k) => window.__seen[k]", k)) - started
    assert taken > 0, "the board showed the change before it was made"
    return taken


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390x844", "1280x800"])
def test_board_shows_an_api_status_change_within_a_second(browser, demo_server, viewport):
    token = admin_token(demo_server.env)
    rep = rep_id(demo_server.url, token)
    context, page = open_board(browser, demo_server.url, viewport, rep)
    try:
        tag = uuid.uuid4().hex[:8]  # the demo server is shared: an earlier test's notes stay
        notes = [f"{tag}-{k}" for k in range(1, 8)]
        taken = [change_and_time(page, demo_server.url, token, rep, k) for k in notes]
        card = page.locator(f"#rep-{rep}")
        assert "Busy" in card.inner_text() and f"latency-{tag}-7" in card.inner_text()
    finally:
        context.close()
    LATENCIES[f"one worker, {viewport['width']}x{viewport['height']}"] = taken
    assert max(taken) < BUDGET_MS, taken


# a dropped connection as the browser sees it: the stream closes and errors; htmx's sse extension
# opens a new one, whose `ready` makes the page catch up
DROP_STREAM = """() => {
  const source = document.getElementById("board-live")["htmx-internal-data"].sseEventSource;
  source.close();
  source.onerror(new Event("error"));
}"""


@pytest.mark.browser
def test_board_catches_up_on_what_changed_while_its_stream_was_down(browser, demo_server):
    token = admin_token(demo_server.env)
    rep = rep_id(demo_server.url, token)
    context, page = open_board(browser, demo_server.url, PHONE, rep)
    try:
        note = f"missed-{uuid.uuid4().hex[:8]}"
        engine = make_engine(demo_server.env["ONDECK_DATABASE_URL"])
        with transaction(engine) as s:  # written behind the app's back: no board event
            s.get(Rep, rep).note = note  # type: ignore[union-attr]
        engine.dispose()
        page.evaluate(DROP_STREAM)  # the stream drops; htmx opens a new one
        page.locator(f"#rep-{rep}").get_by_text(note).wait_for(timeout=5_000)
    finally:
        context.close()


@contextmanager
def demo_on_two_workers(tmp: Path) -> Iterator[tuple[Server, str]]:
    """The demo company on a fresh PostgreSQL database served by two workers, and an admin
    token; each new connection may reach either worker."""
    if not postgres_reachable():
        must_run("PostgreSQL is not reachable (two workers share events through it)")
    with postgres_database() as url:
        env = server_env(url, tmp)
        run_cli(env, "demo")
        token = admin_token(env)
        server = Server(env, workers=2)
        try:
            yield server, token
        finally:
            server.stop()


@pytest.mark.browser
@pytest.mark.postgres
def test_board_updates_arrive_when_the_change_went_through_another_worker(browser, tmp_path):
    with demo_on_two_workers(tmp_path) as (server, token):
        rep = rep_id(server.url, token)
        context, page = open_board(browser, server.url, PHONE, rep)
        try:
            # Each change is a new connection, so the workers share them out: with 12 the
            # chance that none reached the other worker is 1 in 4096.
            notes = [f"{uuid.uuid4().hex[:8]}-{k}" for k in range(1, 13)]
            taken = [change_and_time(page, server.url, token, rep, k) for k in notes]
        finally:
            context.close()
    LATENCIES["two workers, PostgreSQL, 390x844"] = taken
    assert max(taken) < BUDGET_MS, taken


def teardown_module() -> None:
    """Print the measured event latency (API change → browser update) for the report."""
    for name, taken in LATENCIES.items():
        print(
            f"\nboard event latency ({name}): median {statistics.median(taken):.0f} ms,"
            f" max {max(taken):.0f} ms over {len(taken)} changes"
        )


@pytest.mark.browser
def test_one_tap_on_a_profile_updates_the_status_card_and_the_panel(phone):
    sign_in(phone, "kim@demo.ondeck.app")
    phone.locator("#profiles").get_by_role("button", name="In a meeting").click()
    phone.wait_for_function(
        "() => document.querySelector('button.toggle .toggle-label').innerText === 'Busy'"
    )
    current = phone.locator("#profiles [aria-current=true]")
    assert "In a meeting" in current.inner_text()
    assert "no longer matches" not in phone.locator("#profiles").inner_text()
