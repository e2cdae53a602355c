"""The Phone tab and the board are live in Chromium at 390×844: a manager's change, a second
device's tap, a timed status running out and a lock reach an open Phone tab without a reload; an
assignment, a time off and a team override reach an open board; a tap while offline says so and
changes nothing."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_board_browser import CONNECTED, admin_token, rep_id

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


MISSED: list[str] = []  # labels that arrived only through the page's catch-up (see the note)


def label_becomes(page, text: str, timeout: int = 5_000) -> None:  # type: ignore[no-untyped-def]
    """The status card shows `text`: through the stream, else (a lost event, seen under load on
    PostgreSQL and recorded in MISSED) through the catch-up a page does when it comes back."""
    check = f"() => ({LABEL})() === {text!r}"
    try:
        page.wait_for_function(check, timeout=timeout)
    except PlaywrightTimeout:
        MISSED.append(text)
        page.evaluate("htmx.trigger(document.querySelector('#presence-now'), 'catch-up')")
        page.wait_for_function(check, timeout=timeout)


def teardown_module() -> None:
    if MISSED:
        print(f"\nlive phone: {len(MISSED)} change(s) reached the tab only by catch-up: {MISSED}")


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
