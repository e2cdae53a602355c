"""The Phone tab's headline says, in Chromium at 390×844, whether leads and calls come to the rep
now and if not why and until when: in line, the office closed, on time off, on a call, not taking
part in any team. Each change is made through the API while the tab is open and reaches the
headline live. With ONDECK_SCREENS=<dir> the test also saves a screenshot of each situation
(docs/screens.md)."""

import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.browser import test_live_phone as live_phone
from tests.browser.conftest import PHONE, sign_in

READY = live_phone.READY
api, lee = live_phone.api, live_phone.lee  # the admin API client and Lee, Available (fixtures)

HEADLINE = "() => document.getElementById('headline')?.innerText"
ALL_DAY = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
NONE = {d: [] for d in ALL_DAY}
SCREENS = os.environ.get("ONDECK_SCREENS")


@pytest.fixture
def open_company(api):  # type: ignore[no-untyped-def]
    """The demo company and team `sales` open around the clock (the server's clock is real),
    restored after."""
    before = api.get("/company").json()["hours"]
    schedule = api.get("/teams/sales").json().get("schedule")
    assert api.patch("/company", json={"hours": ALL_DAY}).status_code == 200
    always = {"in_office": ALL_DAY}
    assert api.patch("/teams/sales", json={"schedule": always}).status_code == 200
    yield
    assert api.patch("/company", json={"hours": before}).status_code == 200
    assert api.patch("/teams/sales", json={"schedule": schedule}).status_code == 200


TOGGLE_BOX = """() => {
  const r = document.getElementById("toggle").getBoundingClientRect();
  return {y: r.top, height: r.height};
}"""


def headline_becomes(page, pattern: str) -> str:  # type: ignore[no-untyped-def]
    """Wait until the headline matches `pattern` (brought by the stream) and answer it."""
    try:
        page.wait_for_function(
            f"() => new RegExp({pattern!r}).test(({HEADLINE})() || '')", timeout=8_000
        )
    except Exception as e:
        raise AssertionError(f"headline {page.evaluate(HEADLINE)!r} !~ {pattern!r}") from e
    return str(page.evaluate(HEADLINE))


def screen(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SCREENS:
        page.wait_for_function("() => !document.querySelector('.htmx-request')", timeout=5_000)
        page.screenshot(path=str(Path(SCREENS) / f"phone-{name}-390.png"))


@pytest.mark.browser
def test_the_headline_says_whether_leads_come_and_why_not(  # type: ignore[no-untyped-def]
    browser, demo_server, api, lee, open_company
):
    context = browser.new_context(
        viewport=PHONE, base_url=demo_server.url, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    sales = f"/teams/sales/members/{lee}"
    try:
        sign_in(page, "lee@demo.ondeck.app")
        page.wait_for_function(READY, timeout=10_000)
        text = headline_becomes(page, "in line")
        assert re.fullmatch(r"You're (next|\d+(st|nd|rd|th)) in line for Sales (leads|calls)", text)
        # the toggle sits in the lower half of the screen, where a thumb rests
        # measured in one step inside the page: a refetch may replace the card at any moment
        box = page.evaluate(TOGGLE_BOX)
        assert box["y"] + box["height"] / 2 > PHONE["height"] / 2
        assert box["y"] + box["height"] < PHONE["height"]
        screen(page, "in-line")

        assert api.put(f"/reps/{lee}/lock", json={"reason": "On a call"}).status_code == 200
        assert headline_becomes(page, "^On a call") == (
            "On a call — back to Available when it ends"
        )
        screen(page, "on-a-call")
        assert api.delete(f"/reps/{lee}/lock").status_code in (200, 204)
        headline_becomes(page, "in line")

        assert api.put(sales, json={"taking_part": False}).status_code == 200
        assert headline_becomes(page, "taking part") == (
            "No leads now: you're not taking part in any team"
        )
        screen(page, "not-taking-part")
        assert api.put(sales, json={"taking_part": True}).status_code == 200
        headline_becomes(page, "in line")

        today = datetime.now(ZoneInfo("America/New_York")).date()
        off = api.post(
            f"/reps/{lee}/time-off",
            json={
                "date": str(today - timedelta(days=1)),
                "end_date": str(today + timedelta(days=1)),
            },
        )
        assert off.status_code == 201, off.text
        text = headline_becomes(page, "time off")
        assert text.startswith("No leads now: you're on time off until "), text
        screen(page, "time-off")
        assert api.delete(f"/reps/{lee}/time-off/{off.json()['id']}").status_code in (200, 204)
        headline_becomes(page, "in line")

        # open only on a day that is not today (in any zone the rep may read it in)
        day = list(ALL_DAY)[(today.weekday() + 3) % 7]
        closed = {**NONE, day: [["09:00", "17:00"]]}
        assert api.patch("/company", json={"hours": closed}).status_code == 200
        text = headline_becomes(page, "office is closed")
        assert re.fullmatch(r"No leads now: the office is closed until \w+ \d\d:00", text), text
        screen(page, "office-closed")
    finally:
        api.put(sales, json={"taking_part": True})
        context.close()
