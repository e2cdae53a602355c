"""The Phone tab and the board are live in Chromium at 390×844: a manager's change, a second
device's tap, a timed status running out and a lock reach an open Phone tab without a reload; an
assignment, a time off and a team override reach an open board; a tap while offline says so and
changes nothing."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_board_browser import (
    CONNECTED,
    admin_token,
    demo_on_two_workers,
    rep_id,
)

LEE = "+12125550102"  # the demo's Lee: only a no-JavaScript time-off test signs in as Lee
READY = "() => document.getElementById('phone-ready')?.textContent === 'connected'"
LABEL = "() => document.querySelector('#presence-now .toggle-label').innerText"


@pytest.fixture
def api(demo_server):  # type: ignore[no-untyped-def]
    token = admin_token(demo_server.env)
    with httpx.Client(
        base_url=demo_server.url + "/api/v1", headers={"Authorization": f"Bearer {token}"}
    ) as client:
        yield client


@pytest.fixture
def lee(api, demo_server):  # type: ignore[no-untyped-def]
    """Lee, Available with no lock, as every test here starts."""
    rep = rep_id(demo_server.url, api.headers["Authorization"].split()[-1], LEE)
    api.delete(f"/reps/{rep}/lock")
    assert api.put(f"/reps/{rep}/status", json={"status": "available"}).status_code == 200
    return rep


def open_phone(browser, url: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, base_url=url, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, "lee@demo.ondeck.app")
    page.wait_for_function(READY, timeout=10_000)
    return context, page


def label_becomes(page, text: str, timeout: int = 5_000) -> None:  # type: ignore[no-untyped-def]
    """The status card shows `text`, brought by the stream (no reload, no catch-up)."""
    page.wait_for_function(f"() => ({LABEL})() === {text!r}", timeout=timeout)


def quiet(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until no request is in flight (the stream's refetches after a change have landed)."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('.htmx-request')", timeout=5_000)


@pytest.mark.browser
def test_a_managers_change_and_a_lock_reach_the_open_phone_tab(browser, demo_server, api, lee):
    context, page = open_phone(browser, demo_server.url)
    try:
        assert page.evaluate(LABEL) == "Available"
        assert api.put(f"/reps/{lee}/status", json={"status": "offline"}).status_code == 200
        label_becomes(page, "Offline")
        # the toggle now promises what follows Offline, not what followed the stale Available
        assert "Tap for Available" in page.locator("#toggle").inner_text()
        assert api.put(f"/reps/{lee}/lock", json={"reason": "On a call"}).status_code == 200
        label_becomes(page, "On a call")
        assert api.delete(f"/reps/{lee}/lock").status_code in (200, 204)
        label_becomes(page, "Offline")
    finally:
        context.close()


@pytest.mark.browser
def test_changes_in_quick_succession_all_reach_the_open_phone_tab(browser, demo_server, api, lee):
    """Each change lands while the refetch of the one before is in flight or just landing (the
    moment a replaced fragment used to miss an event): the tab ends on the last one."""
    context, page = open_phone(browser, demo_server.url)
    try:
        for k in range(6):
            status = ("busy", "away", "offline")[k % 3]
            body = {"status": status, "note": f"q{k}"}
            assert api.put(f"/reps/{lee}/status", json=body).status_code == 200
            page.wait_for_timeout(k * 7)  # 0 to 35 ms apart: in and around htmx's swap
        page.locator("#presence-now").get_by_text("q5").wait_for(timeout=5_000)
        assert api.put(f"/reps/{lee}/lock", json={"reason": "On a call"}).status_code == 200
        assert api.put(f"/reps/{lee}/status", json={"status": "available"}).status_code == 200
        label_becomes(page, "On a call")
        assert api.delete(f"/reps/{lee}/lock").status_code in (200, 204)
        label_becomes(page, "Available")
    finally:
        context.close()


@pytest.mark.browser
def test_a_change_made_while_the_tab_was_opening_reaches_it(browser, demo_server, api, lee):
    """A change between the page's render and its stream listening sends no event: the tab
    catches up when the stream says it is ready."""
    context = browser.new_context(
        viewport=PHONE, base_url=demo_server.url, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    held: list = []  # type: ignore[type-arg]

    def hold(route):  # type: ignore[no-untyped-def]
        held.append(route)  # the stream waits until the change is made

    page.route("**/events?*", hold)
    try:
        sign_in(page, "lee@demo.ondeck.app")
        assert page.evaluate(LABEL) == "Available"
        assert api.put(f"/reps/{lee}/status", json={"status": "offline"}).status_code == 200
        page.wait_for_function("() => true")  # let the route handler run
        assert held, "the page opened its stream"
        held[0].continue_()
        page.wait_for_function(READY, timeout=10_000)
        label_becomes(page, "Offline")
    finally:
        context.close()


@pytest.mark.browser
def test_a_tap_on_one_device_reaches_the_other(browser, demo_server, lee):
    first, one = open_phone(browser, demo_server.url)
    second, two = open_phone(browser, demo_server.url)
    try:
        one.locator("#toggle").click()
        label_becomes(one, "Away")
        label_becomes(two, "Away")
    finally:
        first.close()
        second.close()


@pytest.mark.browser
def test_a_timed_status_that_runs_out_reaches_the_phone_tab_at_its_instant(
    browser, demo_server, api, lee
):
    context, page = open_phone(browser, demo_server.url)
    try:
        until = (datetime.now(UTC) + timedelta(seconds=3)).isoformat()
        body = {"status": "busy", "until": until, "then": "available"}
        assert api.put(f"/reps/{lee}/status", json=body).status_code == 200
        label_becomes(page, "Busy")
        label_becomes(page, "Available", timeout=8_000)  # no reload, no polling: the timer's event
        assert "ended at" in page.locator("#presence-now").inner_text()
    finally:
        context.close()


@pytest.mark.browser
def test_a_tap_while_offline_says_so_and_changes_nothing(browser, demo_server, api, lee):
    context, page = open_phone(browser, demo_server.url)
    try:
        context.set_offline(True)
        page.locator("#toggle").click()
        page.get_by_text("You're offline — not sent.").wait_for(timeout=3_000)
        assert page.evaluate(LABEL) == "Available"
        assert api.get(f"/reps/{lee}/status").json()["status"] == "available"
        context.set_offline(False)
        quiet(page)  # back online, the page refetches what it shows
        page.locator("#toggle").click()
        label_becomes(page, "Away")
        assert page.get_by_text("You're offline").count() == 0
    finally:
        context.close()


BOARD_SWAPS = """() => {
  window.__swaps = 0;
  document.body.addEventListener('htmx:afterSwap', (e) => {
    if (e.detail.target.id === 'board') window.__swaps += 1;
  });
}"""


@pytest.mark.browser
def test_an_assignment_a_time_off_and_an_override_reach_the_open_board(
    browser, demo_server, api, lee
):
    context = browser.new_context(viewport=PHONE, base_url=demo_server.url)
    page = context.new_page()
    try:
        sign_in(page, "manager@demo.ondeck.app")
        page.goto("/team")
        page.wait_for_function(CONNECTED, timeout=10_000)
        page.evaluate(BOARD_SWAPS)
        changes = [
            lambda: api.post("/assignments", json={"team": "sales", "kind": "lead"}),
            lambda: api.post(f"/reps/{lee}/time-off", json={"date": "2099-01-05"}),
            lambda: api.put("/teams/sales/override", json={"state": "lunch"}),
            lambda: api.delete("/teams/sales/override"),
        ]
        for n, change in enumerate(changes, start=1):
            assert change().status_code < 300
            page.wait_for_function(f"() => window.__swaps >= {n}", timeout=5_000)
    finally:
        context.close()


@pytest.mark.browser
def test_the_team_page_follows_an_override_and_a_status_change(browser, demo_server, api, lee):
    context = browser.new_context(viewport=PHONE, base_url=demo_server.url)
    page = context.new_page()
    try:
        sign_in(page, "manager@demo.ondeck.app")
        page.goto("/teams/sales")
        page.wait_for_function(
            "() => document.getElementById('team-ready')?.textContent === 'connected'"
        )
        assert api.put("/teams/sales/override", json={"state": "vacation"}).status_code == 200
        page.locator("#now").get_by_text("Sales is on vacation", exact=False).wait_for(
            timeout=5_000
        )
        assert api.delete("/teams/sales/override").status_code in (200, 204)
        page.wait_for_function(
            "() => !document.querySelector('#now').innerText.includes('on vacation')",
            timeout=5_000,
        )
        member = page.locator(f"#member-{lee}")
        assert api.put(f"/reps/{lee}/status", json={"status": "busy"}).status_code == 200
        member.locator(".chip", has_text="Busy").wait_for(timeout=5_000)
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.postgres
def test_the_phone_tab_hears_changes_made_through_another_worker(browser, tmp_path):
    with demo_on_two_workers(tmp_path) as (server, token):
        lee = rep_id(server.url, token, LEE)
        context, page = open_phone(browser, server.url)
        headers = {"Authorization": f"Bearer {token}"}
        try:
            # each change is a new connection, shared out between the workers: with 8, the
            # chance that none went through the worker not serving the page is 1 in 256
            for k in range(8):
                status = ("busy", "away")[k % 2]
                r = httpx.put(
                    f"{server.url}/api/v1/reps/{lee}/status",
                    json={"status": status, "note": f"w{k}"},
                    headers=headers,
                )
                assert r.status_code == 200
                page.locator("#presence-now").get_by_text(f"w{k}").wait_for(timeout=5_000)
                assert page.evaluate(LABEL) == status.title()
        finally:
            context.close()


FOCUSED = """() => {
  const e = document.activeElement;
  return e && (e.id || e.closest("form")?.getAttribute("action") + " " + e.value);
}"""


@pytest.mark.browser
def test_keyboard_focus_stays_on_the_control_that_was_used(browser, demo_server, lee):
    context, page = open_phone(browser, demo_server.url)
    try:
        page.locator("#toggle").focus()
        page.keyboard.press("Enter")
        label_becomes(page, "Away")
        assert page.evaluate(FOCUSED) == "toggle"
        quiet(page)  # a person reads the screen before the next tap
        working = page.locator("#profiles").get_by_role("button", name="Working")
        action = working.locator("xpath=ancestor::form").get_attribute("action")
        working.focus()
        page.keyboard.press("Enter")
        label_becomes(page, "Available")
        page.wait_for_function(f"() => ({FOCUSED})() === {action + ' '!r}", timeout=5_000)
    finally:
        context.close()
    manager = browser.new_context(viewport=PHONE, base_url=demo_server.url)
    page = manager.new_page()
    try:
        sign_in(page, "manager@demo.ondeck.app")
        page.goto("/teams/sales")
        down = page.locator(f"#member-{lee} button[value=down]")
        action = down.locator("xpath=ancestor::form").get_attribute("action")
        down.focus()
        page.keyboard.press("Enter")
        page.wait_for_function(f"() => ({FOCUSED})() === {action + ' down'!r}", timeout=5_000)
    finally:
        manager.close()
