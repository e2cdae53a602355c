"""The decision log tells a call's story: who answered it (from Twilio's call status) and the
voicemail a caller left, playable from the log."""

import re
from html import unescape

import pytest

from tests.api.test_twilio import SID, TOKEN, path_of, q, twilio, xml
from tests.builders import available, make_company, make_rep, make_team, set_status
from tests.conftest import shared_fixtures
from tests.web.helpers import sign_in

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def world(client, engine):
    w = make_company(engine)
    r = client.put(
        "/api/v1/integrations/twilio",
        json={"account_sid": SID, "auth_token": TOKEN},
        headers=w.admin(),
    )
    assert r.status_code == 200, r.text
    w.ann = make_rep(w, "Ann", phone="+12125550001")
    w.lee = make_rep(w, "Lee", phone="+12125550002")
    make_team(w, "sales", [w.ann, w.lee])
    assert sign_in(client, w.manager.email).status_code == 303
    return w


def test_the_log_says_who_answered_a_call_and_their_place_in_the_hunt(client, world):
    available(world, world.ann, world.lee)
    root = xml(twilio(client, "/integrations/twilio/acme/voice?team=sales", {"CallSid": "CA1"}))
    action = root.find("Dial").get("action")
    root = xml(twilio(client, path_of(action), {"CallSid": "CA1", "DialCallStatus": "no-answer"}))
    (number,) = root.find("Dial").findall("Number")
    assert number.text == "+12125550002"  # Lee rings second
    status = path_of(number.get("statusCallback"))
    xml(twilio(client, status, {"CallSid": "CA1-leg", "CallStatus": "in-progress"}))
    page = text_of(client.get("/log").text)
    assert "Answered by Lee, 2nd in the hunt list." in page
    one = client.get(f"/log/{q(action)['assignment']}")
    assert "Answered by Lee, 2nd in the hunt list." in text_of(one.text)
    assert "<audio" not in one.text  # no voicemail on an answered call


def test_a_voicemail_plays_from_the_log(client, world):
    set_status(world, world.ann, "offline")
    set_status(world, world.lee, "offline")
    root = xml(twilio(client, "/integrations/twilio/acme/voice?team=sales", {"CallSid": "CA2"}))
    callback = root.find("Record").get("recordingStatusCallback")
    url = f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Recordings/RE123"
    xml(twilio(client, path_of(callback), {"CallSid": "CA2", "RecordingUrl": url}))
    assert "Voicemail left." in text_of(client.get("/log").text)
    page = client.get(f"/log/{q(callback)['assignment']}")
    assert re.search(rf'<audio controls preload="none" src="{re.escape(url)}\.mp3"', page.text)
    assert f'href="{url}.mp3"' in page.text
    # the page's own policy lets the browser play it
    assert "media-src 'self' https://api.twilio.com" in page.headers["content-security-policy"]
