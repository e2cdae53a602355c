"""Presence profiles: defaults, add/edit/delete, one-tap apply, the drift warning and its fix."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from app.db import transaction
from app.models import Profile, Rep, Team, TeamMember
from tests.builders import make_company, make_rep
from tests.conftest import shared_fixtures
from tests.web.helpers import post, sign_in

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

HX = {"HX-Request": "true"}


@pytest.fixture
def world(client, engine):
    """Acme with Dana (signed in) on teams Sales and Support."""
    w = make_company(engine)
    w.dana = make_rep(w, "Dana Cruz")
    for slug in ("sales", "support"):
        body = {"slug": slug, "name": slug.title(), "members": [w.dana.id]}
        assert client.post("/api/v1/teams", headers=w.admin(), json=body).status_code == 201
    sign_in(client, "dana.cruz@acme.test")
    return w


def rows(engine, w) -> list[Profile]:
    with transaction(engine) as s:
        q = select(Profile).where(Profile.rep_id == w.dana.id).order_by(Profile.position)
        return list(s.exec(q))


def by_name(engine, w, name: str) -> Profile:
    return next(p for p in rows(engine, w) if p.name == name)


def dana(engine, w) -> Rep:
    with transaction(engine) as s:
        return s.get(Rep, w.dana.id)


def taking_part(engine, w) -> dict[str, bool]:
    with transaction(engine) as s:
        q = select(Team.slug, TeamMember.taking_part).where(
            TeamMember.team_id == Team.id, TeamMember.rep_id == w.dana.id
        )
        return dict(s.exec(q).all())


def test_default_profiles_come_with_a_new_person_and_a_page_read_writes_nothing(
    client, world, engine
):
    before = [(p.id, p.name) for p in rows(engine, world)]
    assert [name for _id, name in before] == ["Working", "In a meeting", "Lunch", "Gone home"]
    page = client.get("/profiles")
    assert page.status_code == 200
    for name in ("Working", "In a meeting", "Lunch", "Gone home"):
        assert name in page.text
    client.get("/profiles")
    found = rows(engine, world)
    assert [(p.id, p.name) for p in found] == before
    assert [(p.name, p.status, p.minutes) for p in found] == [
        ("Working", "available", None),
        ("In a meeting", "busy", None),
        ("Lunch", "away", 60),
        ("Gone home", "offline", None),
    ]


def test_a_rep_adds_a_profile_with_a_note_a_duration_and_some_teams(client, world, engine):
    client.get("/profiles")
    form = {"name": "Focus", "status": "busy", "note": "Writing proposals", "minutes": "90"}
    r = post(client, "/profiles", {**form, "teams_mode": "some", "teams": ["support"]})
    assert r.status_code == 303 and r.headers["location"] == "/profiles?done=added"
    focus = by_name(engine, world, "Focus")
    assert (focus.status, focus.note, focus.minutes, focus.team_slugs, focus.position) == (
        "busy",
        "Writing proposals",
        90,
        ["support"],
        4,
    )
    page = client.get("/profiles?done=added")
    assert (
        "Profile added." in page.text and "1 h 30 min" in page.text and "only Support" in page.text
    )


@pytest.mark.parametrize(
    "form,field,message",
    [
        ({"name": "", "status": "busy"}, "name", "Give the profile a name"),
        ({"name": "working", "status": "busy"}, "name", "already have a profile"),
        ({"name": "Nap", "status": "asleep"}, "status", "Pick a status"),
        ({"name": "Nap", "status": "away", "minutes": "0"}, "minutes", "Pick between"),
        ({"name": "Nap", "status": "away", "note": "x" * 141}, "note", "140 characters"),
        (
            {"name": "Nap", "status": "away", "teams_mode": "some", "teams": "hr"},
            "teams",
            "own teams",
        ),
    ],
)
def test_bad_profile_input_is_refused_inline_and_changes_nothing(
    client, world, engine, form, field, message
):
    client.get("/profiles")
    r = post(client, "/profiles", form)
    assert r.status_code == 422
    assert message in r.text
    assert len(rows(engine, world)) == 4


def test_a_rep_edits_and_deletes_a_profile_but_keeps_at_least_one(client, world, engine):
    client.get("/profiles")
    lunch = by_name(engine, world, "Lunch")
    page = client.get(f"/profiles/{lunch.id}")
    assert page.status_code == 200 and 'value="Lunch"' in page.text
    form = {"name": "Long lunch", "status": "away", "minutes": "120", "note": "Team lunch"}
    r = post(client, f"/profiles/{lunch.id}", form)
    assert r.status_code == 303
    assert by_name(engine, world, "Long lunch").minutes == 120
    for p in rows(engine, world)[:-1]:
        assert post(client, f"/profiles/{p.id}/delete").status_code == 303
    last = rows(engine, world)
    assert [p.name for p in last] == ["Gone home"]
    r = post(client, f"/profiles/{last[0].id}/delete")
    assert r.status_code == 409 and "Keep at least one profile" in r.text
    assert client.get("/profiles").text.count("/apply") == 1  # not recreated


def test_another_reps_profiles_are_not_found(client, world, engine):
    mallory = make_rep(world, "Mallory")
    with transaction(engine) as s:
        from app.services import profiles

        theirs = profiles.listing(s, s.get(Rep, mallory.id))[0]
    assert client.get(f"/profiles/{theirs.id}").status_code == 404
    assert post(client, f"/profiles/{theirs.id}/apply").status_code == 404
    assert post(client, f"/profiles/{theirs.id}/delete").status_code == 404
    assert (
        post(client, f"/profiles/{theirs.id}", {"name": "x", "status": "busy"}).status_code == 404
    )


def test_one_tap_applies_status_note_until_and_teams_and_remembers_the_profile(
    client, world, engine
):
    client.get("/profiles")
    post(
        client,
        "/profiles",
        {
            "name": "Focus",
            "status": "busy",
            "note": "Deep work",
            "minutes": "30",
            "teams_mode": "some",
            "teams": "support",
        },
    )
    focus = by_name(engine, world, "Focus")
    r = post(client, f"/profiles/{focus.id}/apply", {"next": "/"})
    assert r.status_code == 303 and r.headers["location"] == "/"
    me = dana(engine, world)
    assert (me.status, me.note, me.profile_id) == ("busy", "Deep work", focus.id)
    assert me.until == datetime(2026, 3, 9, 15, 30, tzinfo=UTC) and me.then_status == "available"
    assert taking_part(engine, world) == {"sales": False, "support": True}
    post(client, f"/profiles/{by_name(engine, world, 'Working').id}/apply", {"next": "/profiles"})
    me = dana(engine, world)
    assert (me.status, me.note, me.until) == ("available", None, None)
    assert taking_part(engine, world) == {"sales": True, "support": True}


def test_apply_from_the_phone_tab_answers_the_panel_and_the_status_card_reads_fresh(
    client, world, engine
):
    client.get("/profiles")
    lunch = by_name(engine, world, "Lunch")
    r = client.post(
        f"/profiles/{lunch.id}/apply", headers=HX, data={"_csrf_token": client.cookies["csrftoken"]}
    )
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<section class="card profiles" id="profiles"')
    assert 'aria-current="true"' in r.text and ">In use</span>" in r.text
    assert 'hx-trigger="sse:profiles, catch-up"' in r.text  # the rest of the tab follows live
    assert "no longer matches" not in r.text
    status = client.get("/", headers={**HX, "HX-Target": "presence"})
    assert 'id="presence"' in status.text and "Away" in status.text


def test_drift_shows_a_warning_with_a_one_tap_fix(client, world, engine):
    client.get("/profiles")
    working = by_name(engine, world, "Working")
    post(client, f"/profiles/{working.id}/apply")
    panel = client.get("/profiles/panel", headers=HX).text
    assert "no longer matches" not in panel
    r = client.put(
        f"/api/v1/reps/{world.dana.id}/status", headers=world.assign(), json={"status": "busy"}
    )
    assert r.status_code == 200
    assert dana(engine, world).profile_id == working.id  # an integration keeps the chosen profile
    panel = client.get("/profiles/panel", headers=HX).text
    assert "Your status no longer matches “Working”." in panel
    assert 'action="/profiles/fix"' in panel and "Apply “Working” again" in panel
    r = post(client, "/profiles/fix", {"next": "/"})
    assert r.status_code == 303
    assert dana(engine, world).status == "available"
    assert "no longer matches" not in client.get("/profiles/panel", headers=HX).text


def test_a_timed_profile_that_ran_out_counts_as_drift(client, world, engine, clock):
    client.get("/profiles")
    post(client, f"/profiles/{by_name(engine, world, 'Lunch').id}/apply")
    clock.fixed = clock.now() + timedelta(minutes=61)
    assert "no longer matches “Lunch”" in client.get("/profiles/panel", headers=HX).text


def test_during_a_call_the_panel_explains_instead_of_offering_a_fix(client, world, engine):
    client.get("/profiles")
    post(client, f"/profiles/{by_name(engine, world, 'Working').id}/apply")
    client.put(f"/api/v1/reps/{world.dana.id}/lock", headers=world.assign(), json={})
    panel = client.get("/profiles/panel", headers=HX).text
    assert "On a call: you count as Busy for now" in panel
    assert "/profiles/fix" not in panel


def test_a_reps_own_status_change_leaves_the_profile_without_a_warning(client, world, engine):
    client.get("/profiles")
    post(client, f"/profiles/{by_name(engine, world, 'Working').id}/apply")
    post(client, "/status", {"status": "away"})
    assert dana(engine, world).profile_id is None
    panel = client.get("/profiles/panel", headers=HX).text
    assert "no longer matches" not in panel and 'aria-current="true"' not in panel


def test_fix_without_a_chosen_profile_is_refused(client, world):
    assert post(client, "/profiles/fix").status_code == 409


def test_the_panel_page_without_htmx_goes_to_the_profiles_page(client, world):
    r = client.get("/profiles/panel", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/profiles"


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    client.cookies.clear()
    r = client.get("/profiles", follow_redirects=False)
    assert r.status_code in (302, 303, 307) and r.headers["location"].startswith("/signin")
