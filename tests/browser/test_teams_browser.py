"""A manager runs a team from a phone in Chromium: routing, an override, the preview, the log.

The demo server is shared by every browser test, so each test puts team `sales` back as it was."""

from collections.abc import Iterator

import httpx
import pytest

from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_live_phone import quiet
from tests.live import run_cli

MANAGER = "manager@demo.ondeck.app"
LUNCH_NUMBER = "+12125550199"
DEFAULT_ROUTING = {
    "lunch_to": "members",
    "away_to": "voicemail",
    "vacation_to": "voicemail",
    "ring": "sequence",
}


def fits_the_phone(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"])


def restore_sales(page) -> None:  # type: ignore[no-untyped-def]
    """Team sales back to the demo's routing and schedule, through the same forms."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    for path, form in (
        ("/teams/sales/routing", DEFAULT_ROUTING),
        ("/teams/sales/override", {"state": "schedule"}),
    ):
        r = page.request.post(path, form={**form, "_csrf_token": token}, max_redirects=0)
        assert r.status == 303, r.text()


@pytest.fixture
def manager(phone) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """The demo manager signed in on a phone; team sales is restored afterwards."""
    sign_in(phone, MANAGER)
    yield phone
    restore_sales(phone)


def test_manager_sets_sales_to_lunch_and_the_preview_shows_the_lunch_destination(manager):
    page = manager
    page.get_by_role("link", name="Team").click()
    page.wait_for_url("**/team")
    page.goto("/teams")
    assert fits_the_phone(page)
    page.screenshot(path="/tmp/teams-list.png")
    page.locator("main").get_by_role("link", name="Sales").click()
    page.wait_for_url("**/teams/sales")

    # Lunch goes to a phone number: picking it brings up the number input (htmx redraws).
    page.get_by_label("At lunch, send work to").select_option("number")
    number = page.get_by_label("At lunch: phone number")
    number.fill(LUNCH_NUMBER)
    page.get_by_role("button", name="Save routing").click()
    page.locator("#routing").get_by_text("Routing saved.").wait_for()
    lunch = page.get_by_role("button", name="Lunch")
    assert LUNCH_NUMBER in lunch.inner_text()  # the state buttons were redrawn beside it

    lunch.click()
    now = page.locator("#now")
    now.get_by_text("Sales is at lunch").wait_for()
    assert "Override until" in page.locator("#now-when").inner_text()
    preview = page.locator("#preview")
    assert f"Next lead: {LUNCH_NUMBER}" in preview.inner_text()
    assert f"Next call: {LUNCH_NUMBER}" in preview.inner_text()
    assert f"Team at lunch. Sent to {LUNCH_NUMBER}." in preview.inner_text()
    assert lunch.get_attribute("aria-current") == "true"
    assert fits_the_phone(page)
    quiet(page)  # the other live parts have refetched
    now.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/teams-lunch.png")
    preview.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/teams-preview.png")

    page.get_by_role("button", name="Back to schedule").click()
    now.get_by_text("Back to schedule.").wait_for()
    quiet(page)
    assert "On schedule" in page.locator("#now-when").inner_text()
    assert LUNCH_NUMBER not in preview.inner_text()
    page.locator("#members").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/teams-members.png")


def test_without_javascript_a_bad_number_is_shown_beside_its_field(browser, demo_server):
    context = browser.new_context(
        viewport=PHONE, base_url=demo_server.url, java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page, MANAGER)
    try:
        page.goto("/teams/sales")
        page.get_by_label("On vacation, send work to").select_option("number")
        page.get_by_label("On vacation: phone number").fill("555 0100")
        page.get_by_role("button", name="Save routing").click()
        error = page.locator("#route-vacation-number-error")
        assert "e.164 number" in error.inner_text().lower()
        assert (
            page.get_by_label("On vacation: phone number").get_attribute("aria-invalid") == "true"
        )
        page.locator("#routing").scroll_into_view_if_needed()
        page.screenshot(path="/tmp/teams-routing-error.png")
        page.get_by_label("On vacation: phone number").fill("+1 212 555 0100")
        page.get_by_role("button", name="Save routing").click()
        page.wait_for_url("**/teams/sales#routing")
        assert "Sends work to +12125550100" in page.locator("#now").inner_text()
    finally:
        restore_sales(page)
        context.close()


def test_log_shows_a_decision_newest_first_with_its_trace(manager, demo_server):
    page = manager
    # On vacation the hook takes nobody's turn, so the other tests' rotation is untouched.
    page.goto("/teams/sales")
    page.get_by_role("button", name="Vacation").click()
    page.locator("#now").get_by_text("Sales is on vacation").wait_for()
    token = run_cli(demo_server.env, "token", "create", "--org", "demo", "--name", "teams-log")
    body = {"team": "sales", "kind": "lead", "external_id": "browser-log-1"}
    headers = {"Authorization": f"Bearer {token.split()[-1]}"}
    r = httpx.post(demo_server.url + "/api/v1/assignments", json=body, headers=headers)
    assert r.status_code == 201, r.text

    page.get_by_role("link", name="Log").click()
    page.wait_for_url("**/log")
    first = page.locator("#log-entries a.list-item").first
    assert "browser-log-1" in first.inner_text() and "Team on vacation" in first.inner_text()
    assert fits_the_phone(page)
    page.screenshot(path="/tmp/teams-log.png")
    page.locator("#log-filters summary").click()
    page.get_by_label("Kind").select_option("call")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/log?*kind=call*")
    assert "browser-log-1" not in page.locator("#log-entries").inner_text()
    page.goto("/log")
    page.locator("#log-entries a.list-item", has_text="browser-log-1").click()
    page.wait_for_url("**/log/*")
    assert "Team on vacation. Sent to voicemail." in page.locator("main").inner_text()
    assert page.locator("table.table tbody tr").count() == 7  # every member of sales
    assert fits_the_phone(page)
    page.screenshot(path="/tmp/teams-log-entry.png")
