"""Twilio, played step by step: every request signed with the real `twilio` library, every
answer parsed as XML (INTEGRATIONS.md "Telephony: Twilio" and "Phone control")."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, select
from twilio.request_validator import RequestValidator

from app.db import transaction
from app.models import Assignment, CallLock, Rep, StatusEvent, Team, TwilioConfig
from app.services import presence as presence_service
from tests.builders import available, make_company, make_rep, make_team
from tests.conftest import shared_fixtures

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

SID = "AC" + "a1" * 16
TOKEN = "f" * 32
BASE = "http://testserver"


@pytest.fixture
def world(client, engine):
    w = make_company(engine)
    r = client.put(
        "/api/v1/integrations/twilio",
        json={"account_sid": SID, "auth_token": TOKEN, "answer_seconds": 15},
        headers=w.admin(),
    )
    assert r.status_code == 200, r.text
    w.ann = make_rep(w, "Ann", phone="+12125550001")
    w.bob = make_rep(w, "Bob", phone="+12125550002")
    w.cid = make_rep(w, "Cid", phone="+12125550003")
    return w


def twilio(client, path, params, token=TOKEN, signature=None):
    """POST as Twilio does: form-encoded, signed over the public URL and the sorted params."""
    url = BASE + path
    sig = (
        signature
        if signature is not None
        else RequestValidator(token).compute_signature(url, params)
    )
    return client.post(path, data=params, headers={"X-Twilio-Signature": sig})


def xml(r):
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(r.text)
    assert root.tag == "Response"
    return root


def path_of(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def q(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_a_hunt_rings_each_rep_in_turn_locks_who_answers_and_releases_them(client, world, engine):
    available(world, world.ann, world.bob)
    make_team(world, "sales", [world.ann, world.bob])
    root = xml(twilio(client, "/integrations/twilio/acme/voice?team=sales", {"CallSid": "CA1"}))
    (dial,) = root.findall("Dial")
    assert dial.get("timeout") == "15"
    (number,) = dial.findall("Number")
    assert number.text == "+12125550001"
    assert number.get("statusCallbackEvent") == "answered completed"
    status_url = number.get("statusCallback")
    assert q(status_url)["rep"] == world.ann.id
    action = dial.get("action")
    assert q(action)["n"] == "1"
    # Ann does not answer: Bob rings
    root = xml(twilio(client, path_of(action), {"CallSid": "CA1", "DialCallStatus": "no-answer"}))
    (number,) = root.find("Dial").findall("Number")
    assert number.text == "+12125550002"
    bob_status = number.get("statusCallback")
    # Bob answers: locked "On a call", the assignment says who answered
    leg = {"CallSid": "CA1-leg2", "CallStatus": "in-progress"}
    xml(twilio(client, path_of(bob_status), leg))
    with Session(engine) as s:
        bob = s.get(Rep, world.bob.id)
        assert bob.locked_reason == "On a call"
        assert s.get(CallLock, bob.id).call_sid == "CA1-leg2"
        row = s.exec(select(Assignment)).one()
        assert row.answer["answered_by"]["name"] == "Bob"
        assert row.answer["answered_by"]["attempt"] == 2
    # the call ends: the lock is released and Bob is Available again
    after = {"CallSid": "CA1-leg2", "CallStatus": "completed"}
    xml(twilio(client, path_of(bob_status), after))
    with Session(engine) as s:
        bob = s.get(Rep, world.bob.id)
        assert bob.locked_reason is None and bob.status == "available"
        assert s.get(CallLock, bob.id) is None
    # the Dial ends as answered: nothing more
    root = xml(
        twilio(
            client,
            "/integrations/twilio/acme/dial-next?" + urlsplit(action).query.replace("n=1", "n=2"),
            {"CallSid": "CA1", "DialCallStatus": "completed"},
        )
    )
    assert list(root) == []


def test_an_exhausted_hunt_ends_in_voicemail_and_keeps_the_recording(client, world, engine):
    available(world, world.ann)
    make_team(world, "sales", [world.ann])
    root = xml(twilio(client, "/integrations/twilio/acme/voice?team=sales", {"CallSid": "CA2"}))
    action = root.find("Dial").get("action")
    root = xml(twilio(client, path_of(action), {"CallSid": "CA2", "DialCallStatus": "busy"}))
    assert root.find("Dial") is None
    assert "Sales" in root.find("Say").text or "sales" in root.find("Say").text
    record = root.find("Record")
    assert record is not None and root.find("Hangup") is not None
    rec_url = record.get("recordingStatusCallback")
    params = {"CallSid": "CA2", "RecordingUrl": "https://api.twilio.com/rec/RE1"}
    xml(twilio(client, path_of(rec_url), params))
    with Session(engine) as s:
        assert s.exec(select(Assignment)).one().answer["recording_url"].endswith("/RE1")


def test_a_rep_who_stopped_being_eligible_is_skipped(client, world, engine):
    available(world, world.ann, world.bob, world.cid)
    make_team(world, "sales", [world.ann, world.bob, world.cid])
    root = xml(twilio(client, "/integrations/twilio/acme/voice?team=sales", {"CallSid": "CA3"}))
    action = root.find("Dial").get("action")
    with transaction(engine) as s:  # Bob went offline while Ann's phone rang
        presence_service.change(s, s.get(Rep, world.bob.id), status="offline", now=world_now())
    root = xml(twilio(client, path_of(action), {"CallSid": "CA3", "DialCallStatus": "no-answer"}))
    assert root.find("Dial").find("Number").text == "+12125550003"


def world_now():
    from tests.conftest import DEFAULT_NOW

    return DEFAULT_NOW


def test_ring_all_dials_every_eligible_number_at_once(client, world):
    available(world, world.ann, world.bob, world.cid)
    make_team(world, "sales", [world.ann, world.bob, world.cid], ring="all")
    root = xml(twilio(client, "/integrations/twilio/acme/voice?team=sales", {"CallSid": "CA4"}))
    (dial,) = root.findall("Dial")
    assert {n.text for n in dial.findall("Number")} == {
        "+12125550001",
        "+12125550002",
        "+12125550003",
    }
    root = xml(
        twilio(
            client, path_of(dial.get("action")), {"CallSid": "CA4", "DialCallStatus": "no-answer"}
        )
    )
    assert root.find("Record") is not None  # nobody answered: voicemail


def test_a_number_destination_dials_it(client, world, engine):
    make_team(
        world,
        "sales",
        [world.ann],
        destinations={"away": {"type": "number", "number": "+13125550100"}},
    )
    root = xml(twilio(client, "/integrations/twilio/acme/voice?team=sales", {"CallSid": "CA5"}))
    assert root.find("Dial").find("Number").text == "+13125550100"


def test_a_team_destination_answers_as_that_team(client, world):
    available(world, world.cid)
    make_team(world, "support", [world.cid])
    make_team(
        world, "sales", [world.ann], destinations={"away": {"type": "team", "team": "support"}}
    )
    root = xml(twilio(client, "/integrations/twilio/acme/voice?team=sales", {"CallSid": "CA6"}))
    assert root.find("Dial").find("Number").text == "+12125550003"


def test_the_same_call_sid_is_one_assignment(client, world, engine):
    available(world, world.ann, world.bob)
    make_team(world, "sales", [world.ann, world.bob])
    first = xml(twilio(client, "/integrations/twilio/acme/voice?team=sales", {"CallSid": "CA7"}))
    again = xml(twilio(client, "/integrations/twilio/acme/voice?team=sales", {"CallSid": "CA7"}))
    assert ET.tostring(first) == ET.tostring(again)
    with Session(engine) as s:
        assert len(s.exec(select(Assignment)).all()) == 1


@pytest.mark.parametrize("how", ["missing", "wrong token", "other params", "other url"])
def test_a_bad_signature_is_refused_and_nothing_changes(client, world, engine, how):
    available(world, world.ann)
    make_team(world, "sales", [world.ann])
    path, params = "/integrations/twilio/acme/voice?team=sales", {"CallSid": "CA8"}
    sig = {
        "missing": "",
        "wrong token": RequestValidator("e" * 32).compute_signature(BASE + path, params),
        "other params": RequestValidator(TOKEN).compute_signature(BASE + path, {"CallSid": "X"}),
        "other url": RequestValidator(TOKEN).compute_signature(BASE + "/other", params),
    }[how]
    r = client.post(path, data=params, headers={"X-Twilio-Signature": sig} if sig else {})
    assert r.status_code == 403
    with Session(engine) as s:
        assert s.exec(select(Assignment)).all() == []


def test_the_config_api_keeps_the_token_sealed_and_shows_the_urls(client, world, engine):
    make_team(world, "sales", [world.ann])
    r = client.get("/api/v1/integrations/twilio", headers=world.admin())
    body = r.json()
    assert body["configured"] and body["account_sid"] == SID and "auth_token" not in body
    assert body["teams"]["sales"] == "http://testserver/integrations/twilio/acme/voice?team=sales"
    assert body["presence_url"] == "http://testserver/integrations/twilio/acme/presence"
    with Session(engine) as s:
        row = s.exec(select(TwilioConfig)).one()
        assert TOKEN not in row.auth_token_enc
    assert client.get("/api/v1/integrations/twilio", headers=world.assign()).status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"account_sid": "XX1", "auth_token": TOKEN}, "account_sid"),
        ({"account_sid": SID, "auth_token": "short"}, "auth_token"),
        ({"account_sid": SID, "auth_token": TOKEN, "answer_seconds": 500}, "answer_seconds"),
        ({"account_sid": SID, "auth_token": TOKEN, "answer_seconds": 1}, "answer_seconds"),
    ],
)
def test_bad_config_is_refused_naming_the_field(client, world, engine, body, field):
    r = client.put("/api/v1/integrations/twilio", json=body, headers=world.admin())
    assert r.status_code == 422 and r.json()["field"] == field
    with Session(engine) as s:
        assert s.exec(select(TwilioConfig)).one().answer_seconds == 15


# --- The presence line ---------------------------------------------------------------------------

ANN = "+12125550001"


def step(client, url, digits=None, sender=ANN, sid="CP1"):
    params = {"CallSid": sid, "From": sender}
    if digits is not None:
        params["Digits"] = digits
    return xml(twilio(client, path_of(url) if url.startswith("http") else url, params))


def said(root):
    return " ".join(s.text or "" for s in root.iter("Say"))


def test_an_unknown_caller_hears_so_and_the_call_ends(client, world):
    root = step(client, "/integrations/twilio/acme/presence", sender="+19995550000")
    assert "not registered with OnDeck" in said(root) and root.find("Hangup") is not None


def test_pressing_2_makes_the_rep_available_for_2_hours_by_phone(client, world, engine):
    root = step(client, "/integrations/twilio/acme/presence")
    assert "Hello Ann" in said(root) and "offline" in said(root)
    gather = root.find("Gather")
    root = step(client, gather.get("action"), "2")
    assert "You are Available until 1:00 PM" in said(root)  # 11:00 in New York + 2 h
    with Session(engine) as s:
        ann = s.get(Rep, world.ann.id)
        assert ann.status == "available" and ann.then_status == "offline"
        assert ann.until == world_now() + timedelta(hours=2)
        event = s.exec(select(StatusEvent).where(StatusEvent.rep_id == ann.id)).all()[-1]
        assert event.by == "phone" and event.to_status == "available"


@pytest.mark.parametrize(("key", "hours"), [("1", 1), ("3", 4), ("4", 8)])
def test_each_preset(client, world, engine, key, hours):
    root = step(client, "/integrations/twilio/acme/presence")
    step(client, root.find("Gather").get("action"), key)
    with Session(engine) as s:
        assert s.get(Rep, world.ann.id).until == world_now() + timedelta(hours=hours)


def test_custom_hours_and_offline(client, world, engine):
    root = step(client, "/integrations/twilio/acme/presence")
    root = step(client, root.find("Gather").get("action"), "9")
    assert root.find("Gather").get("finishOnKey") == "#"
    bad = step(client, root.find("Gather").get("action"), "0")
    assert "Sorry" in said(bad)
    done = step(client, bad.find("Gather").get("action"), "12")
    assert "You are Available until" in said(done)
    with Session(engine) as s:
        assert s.get(Rep, world.ann.id).until == world_now() + timedelta(hours=12)
    root = step(client, "/integrations/twilio/acme/presence")
    root = step(client, root.find("Gather").get("action"), "0")
    assert "You are Offline" in said(root)
    with Session(engine) as s:
        assert s.get(Rep, world.ann.id).status == "offline"


def test_invalid_input_repeats_the_menu_three_times_then_goodbye(client, world, engine):
    root = step(client, "/integrations/twilio/acme/presence")
    for _ in range(2):
        root = step(client, root.find("Gather").get("action"), "7")
        assert "not a choice" in said(root) and root.find("Gather") is not None
    root = step(client, root.find("Gather").get("action"), "7")
    assert root.find("Gather") is None and root.find("Hangup") is not None
    assert "Goodbye" in said(root)


def team_path(client, world, pin_digits):
    root = step(client, "/integrations/twilio/acme/presence")
    root = step(client, root.find("Gather").get("action"), "*")
    root = step(client, root.find("Gather").get("action"), "42")
    return step(client, root.find("Gather").get("action"), pin_digits)


def test_a_team_state_is_set_by_phone_with_its_pin(client, world, engine):
    make_team(world, "sales", [world.ann], pin="2468", extension="42")
    root = team_path(client, world, "2468")
    gather = root.find("Gather")
    assert "Press 1 for in office" in said(root)
    root = step(client, gather.get("action"), "3")
    assert "Sales is now away" in said(root)
    with Session(engine) as s:
        team = s.exec(select(Team)).one()
        assert team.override_state == "away" and "by phone" in team.override_by
    # the state step refuses a URL whose PIN proof was not earned on this call
    forged = gather.get("action").replace(q(gather.get("action"))["ok"], "0" * 32)
    r = twilio(client, path_of(forged), {"CallSid": "CP1", "From": ANN, "Digits": "4"})
    assert r.status_code == 403


def test_wrong_pins_count_toward_the_lockout(client, world, engine):
    make_team(world, "sales", [world.ann], pin="2468", extension="42")
    root = team_path(client, world, "1111")
    assert "not right" in said(root)
    for _ in range(4):
        root = team_path(client, world, "1111")
    root = team_path(client, world, "2468")  # locked now, even with the right PIN
    assert "locked" in said(root)
    with Session(engine) as s:
        assert s.exec(select(Team)).one().override_state is None


def test_team_extensions_are_unique_per_company(client, world):
    make_team(world, "sales", [world.ann], extension="42")
    r = client.post(
        "/api/v1/teams",
        json={"slug": "ops", "name": "Ops", "extension": "42"},
        headers=world.admin(),
    )
    assert r.status_code == 409
    r = client.post(
        "/api/v1/teams",
        json={"slug": "ops", "name": "Ops", "extension": "7"},
        headers=world.admin(),
    )
    assert r.status_code == 422
    r = client.patch("/api/v1/teams/sales", json={"extension": "4321"}, headers=world.admin())
    assert r.status_code == 200 and r.json()["extension"] == "4321"


def test_forgetting_the_account_refuses_twilio_from_then_on(client, world):
    make_team(world, "sales", [world.ann])
    assert client.delete("/api/v1/integrations/twilio", headers=world.admin()).status_code == 204
    r = twilio(client, "/integrations/twilio/acme/voice?team=sales", {"CallSid": "CA9"})
    assert r.status_code == 403
    assert client.delete("/api/v1/integrations/twilio", headers=world.admin()).status_code == 204
