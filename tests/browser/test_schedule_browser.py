"""The Schedule tab and company hours on a phone: time off, shortening and closing Saturday, no
JavaScript."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_board_browser import admin_token

NEW_YORK = ZoneInfo("America/New_York")  # the demo company's and its reps' zone


def upcoming_weekday(days_ahead: int) -> datetime:
    """A weekday at least `days_ahead` days from today in New York (the server's real clock)."""
    day = datetime.now(NEW_YORK) + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def label(day: datetime) -> str:
    """How the Schedule tab writes a date: 'Thu 12 Mar'."""
    return f"{day:%a} {day.day} {day:%b}"


def fits_the_phone(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_rep_adds_an_afternoon_off_and_sees_it_listed(phone):
    sign_in(phone, "dana@demo.ondeck.app")
    phone.get_by_role("link", name="Schedule").click()
    phone.wait_for_url("**/schedule")
    phone.get_by_role("link", name="Hours", exact=True).click()
    phone.wait_for_selector("#off-start")
    day = upcoming_weekday(3)
    phone.locator("#off-date").fill(day.date().isoformat())
    phone.locator("#off-start").fill("13:00")
    phone.locator("#off-end").fill("17:00")
    phone.get_by_role("button", name="Add time off").click()
    item = phone.locator("#time-off .list-item", has_text=f"{label(day)}, 13:00–17:00")
    item.wait_for()
    assert "Time off added." in phone.locator("#time-off").inner_text()
    assert fits_the_phone(phone)
    phone.locator("#time-off").scroll_into_view_if_needed()
    phone.screenshot(path="/tmp/schedule-time-off.png")
    phone.reload()
    assert phone.locator("#time-off .list-item", has_text=f"{label(day)}, 13:00–17:00").count() == 1


def test_manager_shortens_then_closes_saturday_and_a_rep_sees_it(phone, browser, demo_server):
    # The demo company is open all week, all day (its team `inbound` works around the clock).
    sign_in(phone, "manager@demo.ondeck.app")
    phone.goto("/settings/company")
    phone.locator("#company-hours-sat-open").check()
    phone.wait_for_selector("#company-hours-sat-start-0")
    phone.locator("#company-hours-sat-start-0").fill("10:00")
    phone.locator("#company-hours-sat-end-0").fill("14:00")
    phone.get_by_role("button", name="Save hours", exact=True).last.click()
    phone.get_by_text("Company hours saved.").wait_for()
    assert fits_the_phone(phone)
    phone.screenshot(path="/tmp/settings-company.png")

    rep = browser.new_context(viewport=PHONE, base_url=demo_server.url).new_page()
    sign_in(rep, "riya@demo.ondeck.app")
    rep.goto("/schedule#hours")
    company = rep.locator("#hours .card").first
    assert "Sat" in company.inner_text() and "10:00–14:00" in company.inner_text()
    assert rep.locator("#hours-sat-open").count() == 0  # read-only: no editor for company hours

    phone.locator("#company-hours-sat-open").uncheck()
    phone.wait_for_selector("#company-hours-sat-start-0", state="detached")
    phone.get_by_role("button", name="Save hours", exact=True).last.click()
    phone.get_by_text("Company hours saved.").wait_for()
    rep.reload()
    saturday = rep.locator("#hours .card").first.locator(".list-item", has_text="Sat")
    assert "Closed" in saturday.inner_text()
    assert "10:00–14:00" not in rep.locator("#hours .card").first.inner_text()
    rep.context.close()

    # Saturday open all day again, as the demo has it (an end of 00:00 is midnight)
    phone.locator("#company-hours-sat-open").check()
    phone.wait_for_selector("#company-hours-sat-start-0")
    phone.locator("#company-hours-sat-start-0").fill("00:00")
    phone.locator("#company-hours-sat-end-0").fill("00:00")
    phone.get_by_role("button", name="Save hours", exact=True).last.click()
    phone.get_by_text("Company hours saved.").wait_for()


@pytest.fixture
def closed_saturday(demo_server):  # type: ignore[no-untyped-def]
    """The demo company (open all week, all day) closed on Saturdays, restored after."""
    headers = {"Authorization": f"Bearer {admin_token(demo_server.env)}"}
    with httpx.Client(base_url=demo_server.url + "/api/v1", headers=headers) as api:
        before = api.get("/company").json()["hours"]
        assert api.patch("/company", json={"hours": {**before, "sat": []}}).status_code == 200
        yield
        assert api.patch("/company", json={"hours": before}).status_code == 200


def test_rep_sets_own_hours_with_a_lunch_gap_and_sees_the_warning(phone, closed_saturday):
    sign_in(phone, "sam@demo.ondeck.app")
    phone.goto("/schedule#hours")
    phone.get_by_role("radio", name="My hours").check()
    phone.wait_for_selector("#hours-mon-start-0")
    phone.locator("#hours-mon-end-0").fill("12:00")
    phone.get_by_role("button", name="Add hours on Monday").click()
    phone.wait_for_selector("#hours-mon-start-1")
    phone.locator("#hours-mon-start-1").fill("13:00")
    phone.locator("#hours-mon-end-1").fill("17:00")
    phone.locator("#hours-sat-open").check()
    phone.wait_for_selector("#hours-sat-start-0")
    phone.get_by_role("button", name="Save hours", exact=True).last.click()
    phone.get_by_text("Hours saved.").wait_for()
    text = phone.locator("#hours").inner_text()
    assert "Sat 09:00–17:00 is outside company hours" in text
    assert phone.locator("#hours-mon-start-1").input_value() == "13:00"
    assert fits_the_phone(phone)
    phone.locator("#hours").scroll_into_view_if_needed()
    phone.screenshot(path="/tmp/schedule-hours.png")


def test_without_javascript_bad_time_off_is_shown_inline_and_good_time_off_is_listed(
    browser, demo_server
):
    context = browser.new_context(
        viewport=PHONE, base_url=demo_server.url, java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page, "lee@demo.ondeck.app")
    page.goto("/schedule?off=range")
    first, last = upcoming_weekday(10), upcoming_weekday(10) - timedelta(days=2)
    page.locator("#off-date").fill(first.date().isoformat())
    page.locator("#off-end-date").fill(last.date().isoformat())
    page.get_by_role("button", name="Add time off").click()
    assert (
        page.locator("#off-end-date-error").inner_text()
        == "The last day can't be before the first day."
    )
    assert page.locator("#off-end-date").get_attribute("aria-invalid") == "true"
    page.locator("#off-end-date").fill((first + timedelta(days=2)).date().isoformat())
    page.get_by_role("button", name="Add time off").click()
    page.wait_for_url("**/schedule#time-off")
    assert page.locator("#time-off .list-item", has_text=label(first)).count() == 1
    context.close()


def test_rep_copies_the_private_calendar_link_with_one_tap(phone):
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(phone, "riya@demo.ondeck.app")
    phone.goto("/schedule#calendar")
    link = phone.locator("#calendar-url").input_value()
    phone.get_by_role("button", name="Copy link").click()
    phone.get_by_role("button", name="Copied").wait_for()
    assert phone.evaluate("navigator.clipboard.readText()") == link
    assert "/calendar.ics?key=" in link
