"""Notifications on a phone, in Chromium: the card's states, and a push shown by the service
worker. Headless Chromium has no Push API in its (incognito) contexts, so `pushManager.subscribe`
fails here: the card must say so rather than pretend; the push itself is delivered to the service
worker through the DevTools protocol (ServiceWorker.deliverPushMessage), as a push service would."""

import json

import pytest

from tests.browser.conftest import PHONE, sign_in

STATE = "() => document.querySelector('#notify')?.dataset.push"


@pytest.fixture
def allowed(browser, demo_server):  # type: ignore[no-untyped-def]
    """A phone whose person has allowed notifications for OnDeck."""
    context = browser.new_context(
        viewport=PHONE, base_url=demo_server.url, permissions=["notifications"]
    )
    page = context.new_page()
    yield page
    context.close()


def wait_for_state(page) -> str:  # type: ignore[no-untyped-def]
    for _ in range(75):
        state = page.evaluate(STATE)
        if state and state != "unknown":
            return str(state)
        page.wait_for_timeout(200)
    raise AssertionError("the card never learnt this device's state")


def test_the_card_offers_notifications_and_says_when_the_browser_cannot(allowed):
    sign_in(allowed, "sam@demo.ondeck.app")
    assert wait_for_state(allowed) == "off"
    allowed.get_by_role("button", name="Notify me on this phone").click()
    message = allowed.locator("#notify [data-push-message]")
    message.filter(has_text="could not be turned on").wait_for(timeout=15000)
    assert allowed.evaluate(STATE) == "off"
    assert allowed.get_by_role("button", name="Notify me on this phone").is_visible()


def test_a_blocked_permission_is_said_beside_the_button(phone):
    sign_in(phone, "sam@demo.ondeck.app")
    phone.context.clear_permissions()
    wait_for_state(phone)
    phone.get_by_role("button", name="Notify me on this phone").click()
    message = phone.locator("#notify [data-push-message]")
    message.filter(has_text="blocked").or_(message.filter(has_text="not be turned on")).wait_for()
    said = phone.locator("#notify [data-push-message]").inner_text()
    assert said in (
        "Notifications are blocked for OnDeck. Allow them in the browser's site settings, then "
        "try again.",
        "Notifications could not be turned on. Try again.",
    )


def test_a_push_is_shown_as_a_notification_that_opens_the_phone_tab(allowed, demo_server):
    sign_in(allowed, "sam@demo.ondeck.app")
    allowed.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)")
    cdp = allowed.context.new_cdp_session(allowed)
    found: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: found.extend(e["registrations"]))
    cdp.send("ServiceWorker.enable")
    allowed.wait_for_timeout(500)
    (reg,) = [r for r in found if not r["isDeleted"]]
    payload = {"title": "New lead for you: sales L-1", "body": "sales L-1", "url": "/",
               "tag": "assignment-abc"}  # fmt: skip
    message = {"origin": demo_server.url, "registrationId": reg["registrationId"],
               "data": json.dumps(payload)}  # fmt: skip
    shown = []
    for _ in range(5):  # a push that reaches a worker still starting is lost: send it again
        cdp.send("ServiceWorker.deliverPushMessage", message)  # same tag: one notification
        for _ in range(15):
            shown = allowed.evaluate(
                "navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns => ns.map("
                "n => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url})))"
            )
            if shown:
                break
            allowed.wait_for_timeout(200)
        if shown:
            break
    assert shown == [{"title": payload["title"], "body": "sales L-1", "tag": "assignment-abc",
                      "url": "/"}]  # fmt: skip
