"""A rep on a phone: sign in, tap the toggle, reload, go offline."""

from pathlib import Path

from tests.browser.conftest import sign_in

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_rep_taps_the_toggle_and_the_status_survives_a_reload(phone):
    sign_in(phone, "sam@demo.ondeck.app")
    toggle = phone.locator("button.toggle")
    before = toggle.locator(".toggle-label").inner_text()
    expected = {"Available": "Away", "Away": "Busy", "Busy": "Offline", "Offline": "Available"}
    toggle.click()
    label = phone.locator("button.toggle .toggle-label")
    phone.wait_for_function(
        "([sel, want]) => document.querySelector(sel)?.innerText === want",
        arg=["button.toggle .toggle-label", expected[before]],
    )
    assert label.inner_text() == expected[before]
    phone.reload()
    assert phone.locator("button.toggle .toggle-label").inner_text() == expected[before]
    phone.screenshot(path=str(DOCS / "phone-tab.png"))


def test_rep_picks_a_status_with_a_note_from_the_menu(phone):
    sign_in(phone, "alex@demo.ondeck.app")
    phone.get_by_text("Choose status, note or until").click()
    phone.get_by_role("radio", name="Busy").check()
    phone.get_by_label("Note for teammates").fill("Demo until 4pm")
    phone.get_by_role("radio", name="1 hour").check()
    phone.get_by_role("button", name="Set status").click()
    phone.wait_for_selector("button.toggle.is-busy")
    assert "Demo until 4pm" in phone.locator("#presence").inner_text()
    assert "then Available" in phone.locator("#presence").inner_text()


def test_offline_page_is_shown_without_a_connection(phone):
    sign_in(phone, "kim@demo.ondeck.app")
    phone.wait_for_function(
        "navigator.serviceWorker && navigator.serviceWorker.controller !== null"
        " || (location.reload(), false)",
        timeout=15000,
        polling=1000,
    )
    phone.context.set_offline(True)
    phone.goto("/schedule", wait_until="domcontentloaded")
    assert "offline" in phone.content().lower()
    phone.context.set_offline(False)
