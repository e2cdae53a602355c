"""The walk-through's defects on the Phone tab and around it, each as a rep or manager meets it."""

import re

import pytest

from tests.builders import make_company, make_rep, make_team
from tests.conftest import shared_fixtures
from tests.web.helpers import post, sign_in

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

HX = {"HX-Request": "true"}


@pytest.fixture
def world(client, engine):  # type: ignore[no-untyped-def]
    w = make_company(engine)
    w.dana = make_rep(w, "Dana")  # type: ignore[attr-defined]
    make_team(w, "sales", [w.dana])  # type: ignore[attr-defined]
    return w


def test_a_refused_status_keeps_what_the_rep_entered_and_says_why_beside_the_date(client, world):
    assert sign_in(client, "dana@acme.test").status_code == 303
    form = {
        "status": "busy",
        "note": "Dentist",
        "until": "custom",
        "custom_until": "2026-03-01T10:00",  # before the clock's now (2026-03-09)
        "then": "away",
    }
    r = post(client, "/status", form, headers=HX)
    assert r.status_code == 422
    error = re.search(r'<p class="field-error" id="field-custom_until-error">([^<]+)</p>', r.text)
    assert error, r.text
    assert 'value="Dentist"' in r.text
    assert 'value="2026-03-01T10:00"' in r.text
    assert re.search(r'value="busy" checked', r.text) and re.search(
        r'value="custom" checked', r.text
    )
    assert '<option value="away" selected>' in r.text


def test_a_pin_longer_than_eight_digits_is_refused_with_a_message_never_cut(client, world):
    assert sign_in(client, "boss@acme.test").status_code == 303
    page = client.get("/teams/sales").text
    pin_input = re.search(r'<input type="password" id="team-pin"[^>]*>', page)
    assert pin_input and "maxlength" not in pin_input.group(0)  # the browser would cut silently
    r = post(client, "/teams/sales/pin", {"pin": "123456789"}, headers=HX)
    assert r.status_code == 422
    assert 'id="team-pin-error"' in r.text


def test_the_board_marks_a_rep_offline_in_their_own_working_hours_amber(client, world):
    # 2026-03-09 15:00 UTC is Monday 11:00 in New York: inside the default working hours
    assert sign_in(client, "boss@acme.test").status_code == 303
    board = client.get("/team/board", headers=HX).text
    start = board.rindex('<li class="board-rep', 0, board.index(f'id="rep-{world.dana.id}"'))
    end = board.find('<li class="board-rep', start + 1)
    card = board[start : end if end > 0 else None]
    assert "has-caution" in card and "Offline in their working hours" in card


def test_head_is_answered_wherever_get_is_without_a_body(client, world):
    for path in ("/signin", "/healthz", "/static/js/app.js", "/offline"):
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]
    assert sign_in(client, "dana@acme.test").status_code == 303
    assert client.head("/").status_code == 200
    assert client.head("/schedule").status_code == 200
    assert client.head("/nowhere").status_code == 404


def test_removing_time_off_offers_an_undo_that_puts_it_back(client, world, engine):
    from datetime import date

    from sqlmodel import select

    from app.db import transaction
    from app.models import TimeOff
    from tests.builders import make_time_off

    off = make_time_off(world, world.dana, date(2026, 3, 20), start_min=13 * 60, end_min=17 * 60)
    assert sign_in(client, "dana@acme.test").status_code == 303
    r = post(client, f"/schedule/time-off/{off.id}/delete", headers=HX)
    assert r.status_code == 200 and "Time off removed." in r.text
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', r.text))
    assert fields == {"kind": "part", "date": "2026-03-20", "start": "13:00", "end": "17:00"} | {
        k: v for k, v in fields.items() if k == "_csrf_token"
    }
    fields.pop("_csrf_token", None)
    r = post(client, "/schedule/time-off", fields, headers=HX)
    assert r.status_code == 200 and "Time off added." in r.text
    with transaction(engine) as s:
        rows = s.exec(select(TimeOff).where(TimeOff.rep_id == world.dana.id)).all()
        assert [(t.day, t.start_min, t.end_min) for t in rows] == [(date(2026, 3, 20), 780, 1020)]


def test_saving_hours_that_route_nothing_saves_with_a_plain_warning(client, world, engine):
    from app.db import transaction
    from app.models import Company

    assert sign_in(client, "boss@acme.test").status_code == 303
    r = post(client, "/settings/company/hours", {"action": "save"}, headers=HX)  # no open day
    assert r.status_code == 200 and "Nothing will route: every day is closed." in r.text
    with transaction(engine) as s:
        assert not any(s.get(Company, world.company.id).hours.values())  # type: ignore[union-attr]
    # company hours back to Mon 09–17; the team's own in-office hours start at 07:00
    post(client, "/settings/company/hours", {"mon_open": "on", "mon_start": "09:00",
                                              "mon_end": "17:00", "action": "save"})  # fmt: skip
    post(client, "/teams/sales/schedule", {"mode": "custom"})
    form = {"mon_open": "on", "mon_start": "07:00", "mon_end": "17:00", "action": "save"}
    r = post(client, "/teams/sales/hours/in_office", form, headers=HX)
    assert r.status_code == 200 and "These parts get no leads" in r.text
    with transaction(engine) as s:
        team = s.exec(select_team(world)).one()
        assert team.schedule["in_office"]["mon"] == [["07:00", "17:00"]]


def select_team(world):  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from app.models import Team

    return select(Team).where(Team.company_id == world.company.id, Team.slug == "sales")


def test_a_members_vacation_says_what_it_does_and_teammates_see_who_set_it(client, world, engine):
    from app.db import transaction
    from app.models import TeamMember

    lee = make_rep(world, "Lee")
    with transaction(engine) as s:  # Lee joins Sales after Dana
        s.add(TeamMember(team_id=s.exec(select_team(world)).one().id, rep_id=lee.id, position=9))
    assert sign_in(client, "dana@acme.test").status_code == 303
    page = client.get("/").text
    assert "Vacation: calls and leads go to voicemail, until someone clears it" in page
    r = post(client, "/me/teams/sales/override", {"state": "vacation"}, headers=HX)
    assert "Calls and leads for Sales go to voicemail until someone clears it." in r.text
    client.cookies.clear()
    assert sign_in(client, "lee@acme.test").status_code == 303
    mine = client.get("/parts/teams").text
    assert "Set to Vacation by Dana at 11:00" in mine  # 15:00 UTC in New York
    r = client.get("/api/v1/teams/sales/state", headers=world.admin())
    assert r.json()["override"] == "vacation"


def test_signin_while_signed_in_goes_to_the_phone_tab_and_an_ended_session_signs_in(
    client, world, engine
):
    assert client.get("/signin").status_code == 200
    assert sign_in(client, "dana@acme.test").status_code == 303
    r = client.get("/signin", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    r = client.get("/signin?next=/schedule", follow_redirects=False)
    assert r.headers["location"] == "/schedule"
    assert post(client, "/signout/everywhere").status_code == 303  # every session ends
    assert client.get("/signin", follow_redirects=False).status_code == 200  # no loop


def test_a_tap_answers_what_it_changed_on_its_own_screen_without_the_stream(client, world):
    assert sign_in(client, "dana@acme.test").status_code == 303
    client.get("/")
    r = post(client, "/status", {"status": "busy", "seen": "offline"}, headers=HX)
    panel = re.search(r'<section class="card profiles" id="profiles"[^>]*>', r.text)
    assert panel and 'hx-swap-oob="true"' in panel.group(0)  # the tap dropped the profile
    working = re.search(r"/profiles/(\w+)/apply", client.get("/").text)
    assert working
    r = post(client, f"/profiles/{working.group(1)}/apply", {"next": "/"}, headers=HX)
    card = re.search(r'<div id="presence-now"[^>]*>', r.text)
    assert card and 'hx-swap-oob="true"' in card.group(0)
    assert "Available" in r.text[card.start() :]
