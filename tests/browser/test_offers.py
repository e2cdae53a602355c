"""Offers in Chromium at 390×844: a lead offered to Alex appears on Alex's open Phone tab without
a reload and is accepted with one tap; the next lead, offered to Kim, runs out on Kim's tab and
appears on Alex's, live. The test makes its own team (offers for 10 s) and puts the demo back."""

import httpx
import pytest

from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_board_browser import admin_token, rep_id

ALEX, KIM = "+12125550105", "+12125550103"  # demo reps; their statuses are put back after
READY = "() => document.getElementById('phone-ready')?.textContent === 'connected'"
TEAM = {"slug": "offers-test", "name": "Offers test"}


@pytest.fixture
def api(demo_server):  # type: ignore[no-untyped-def]
    """The demo's API with an admin token (as the live Phone tab tests have it)."""
    token = admin_token(demo_server.env)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=demo_server.url + "/api/v1", headers=headers) as client:
        yield client


@pytest.fixture
def team(api, demo_server):  # type: ignore[no-untyped-def]
    """Alex then Kim, both Available, in a team that offers leads for 10 seconds."""
    token = api.headers["Authorization"].split()[-1]
    alex, kim = rep_id(demo_server.url, token, ALEX), rep_id(demo_server.url, token, KIM)
    before = {rep: api.get(f"/reps/{rep}/status").json() for rep in (alex, kim)}
    made = api.post("/teams", json={**TEAM, "members": [alex, kim]})
    assert made.status_code == 201, made.text
    try:
        assert api.patch(f"/teams/{TEAM['slug']}", json={"offer_seconds": 10}).status_code == 200
        for rep in (alex, kim):
            assert api.put(f"/reps/{rep}/status", json={"status": "available"}).status_code == 200
        yield alex, kim
    finally:
        api.delete(f"/teams/{TEAM['slug']}")
        for rep, was in before.items():
            api.put(f"/reps/{rep}/status", json={"status": was["status"], "note": was["note"]})


def open_phone(browser, url: str, email: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, base_url=url, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, email)
    page.wait_for_function(READY, timeout=10_000)
    return context, page


def lead(api, external_id: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    r = api.post(
        "/assignments", json={"team": TEAM["slug"], "kind": "lead", "external_id": external_id}
    )
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


@pytest.mark.browser
def test_an_offer_arrives_live_is_accepted_with_a_tap_and_the_next_expires_to_a_teammate(
    browser, demo_server, api, team
):
    alex, kim = team
    first, alex_page = open_phone(browser, demo_server.url, "alex@demo.ondeck.app")
    second, kim_page = open_phone(browser, demo_server.url, "kim@demo.ondeck.app")
    try:
        one = lead(api, "crm-offer-1")
        assert one["offer"]["rep"]["id"] == alex and one["offer"]["state"] == "pending"
        card = alex_page.locator(f"#offer-{one['id']}")
        card.wait_for(timeout=5_000)  # no reload: the stream brought it
        assert "crm-offer-1" in card.inner_text() and "Offers test" in card.inner_text()
        accept = card.get_by_role("button", name="Accept")
        box = accept.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 120  # thumb-sized
        count = card.locator("[data-countdown]")
        start = int(count.inner_text())
        alex_page.wait_for_function(
            f"() => Number(document.querySelector('#offer-{one['id']} [data-countdown]')"
            f"?.textContent) < {start}",
            timeout=3_000,
        )  # the countdown runs
        accept.tap()
        alex_page.locator("#offer-notice").get_by_text("Accepted").wait_for(timeout=5_000)
        assert card.count() == 0
        assert api.get(f"/assignments/{one['id']}").json()["offer"]["state"] == "accepted"

        two = lead(api, "crm-offer-2")
        assert two["offer"]["rep"]["id"] == kim  # Alex just had a turn
        kim_card = kim_page.locator(f"#offer-{two['id']}")
        kim_card.wait_for(timeout=5_000)
        # nobody taps: after 10 seconds it passes to Alex, live on both tabs
        passed = alex_page.locator(f"#offer-{two['id']}")
        passed.wait_for(timeout=20_000)
        kim_card.wait_for(state="detached", timeout=5_000)
        answer = api.get(f"/assignments/{two['id']}").json()
        assert [(o["rep"]["id"], o["state"]) for o in answer["offers"]] == [
            (kim, "expired"),
            (alex, "pending"),
        ]
        passed.get_by_role("button", name="Decline").tap()  # nobody is left: it expires
        passed.wait_for(state="detached", timeout=5_000)
        assert api.get(f"/assignments/{two['id']}").json()["offer"]["state"] == "expired"
    finally:
        first.close()
        second.close()
