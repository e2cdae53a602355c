"""The hook: who gets the next lead or call, why, where work goes otherwise, retries and the log."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app.models import Assignment, Rotation, Turn
from tests.builders import (
    available,
    make_company,
    make_holiday,
    make_rep,
    make_team,
    make_time_off,
    set_status,
)
from tests.conftest import shared_fixtures

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

AFTERNOON_ONLY = {d: [["13:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")} | {
    "sat": [],
    "sun": [],
}
NUMBER = {"type": "number", "number": "+15551234567"}


def hook(client, world, team="sales", kind="lead", headers=None, **body):
    return client.post(
        "/api/v1/assignments",
        headers={**world.assign(), **(headers or {})},
        json={"team": team, "kind": kind, **body},
    )


def assignee(response) -> str | None:
    assert response.status_code in (200, 201), response.text
    found = response.json()["assignee"]
    return found["name"] if found else None


def team_of(engine, names, **kw):
    """A company whose team `sales` has these reps, all Available, in this order."""
    w = make_company(engine)
    reps = [make_rep(w, n, phone=f"+1212555{i:04d}") for i, n in enumerate(names)]
    available(w, *reps)
    make_team(w, "sales", reps, **kw)
    return w, reps


def test_the_answer_has_the_shape_of_the_contract(client, engine, clock):
    w, (ann,) = team_of(engine, ["Ann"])
    r = hook(client, w, external_id="crm-lead-42")
    assert r.status_code == 201
    body = r.json()
    person = {"id": ann.id, "name": "Ann", "email": "ann@acme.test", "phone": "+12125550000"}
    assert body["assignee"] == person
    assert body["hunt"] == [person]
    assert (body["team"], body["kind"], body["external_id"]) == ("sales", "lead", "crm-lead-42")
    assert (body["destination"], body["reason"], body["routed_via"]) == (
        None,
        "assigned",
        ["sales"],
    )
    assert body["trace"] == [
        {"rep": {"id": ann.id, "name": "Ann"}, "eligible": True, "tier": 1, "reason": "available"}
    ]
    assert datetime.fromisoformat(body["created_at"]) == clock.now()
    assert body["id"]


def test_unavailable_reps_are_skipped_with_the_reason_in_the_trace(client, engine):
    w = make_company(engine)
    ann, bob = make_rep(w, "Ann"), make_rep(w, "Bob")
    cy, dee = make_rep(w, "Cy", hours=AFTERNOON_ONLY), make_rep(w, "Dee")
    eve, fay, gus = make_rep(w, "Eve"), make_rep(w, "Fay"), make_rep(w, "Gus")
    available(w, cy, dee, eve, fay, gus)
    set_status(w, ann, "busy")
    make_time_off(w, dee, date(2026, 3, 9))
    make_team(w, "sales", [ann, bob, cy, dee, eve, fay, gus])
    client.put(
        f"/api/v1/teams/sales/members/{eve.id}", headers=w.admin(), json={"taking_part": False}
    )
    client.put(f"/api/v1/reps/{fay.id}/lock", headers=w.assign(), json={"reason": "On a call"})
    body = hook(client, w).json()
    assert body["assignee"]["name"] == "Gus"
    reasons = [(t["rep"]["name"], t["eligible"], t["reason"]) for t in body["trace"]]
    assert reasons == [
        ("Ann", False, "busy"),
        ("Bob", False, "offline"),
        ("Cy", False, "outside_hours"),
        ("Dee", False, "time_off"),
        ("Eve", False, "not_taking_part"),
        ("Fay", False, "on_a_call"),
        ("Gus", True, "available"),
    ]


def test_deactivated_rep_is_never_assigned(client, engine):
    w, (ann, bob) = team_of(engine, ["Ann", "Bob"])
    client.delete(f"/api/v1/reps/{ann.id}", headers=w.admin())
    assert [assignee(hook(client, w)) for _ in range(3)] == ["Bob"] * 3


def test_away_rep_gets_work_only_when_nobody_available_is_eligible(client, engine):
    w, (ann, bob) = team_of(engine, ["Ann", "Bob"])
    set_status(w, ann, "away")
    assert assignee(hook(client, w)) == "Bob"
    assert assignee(hook(client, w)) == "Bob"
    set_status(w, bob, "busy")
    body = hook(client, w).json()
    assert body["assignee"]["name"] == "Ann"
    assert body["trace"][0] == {
        "rep": {"id": ann.id, "name": "Ann"},
        "eligible": True,
        "tier": 2,
        "reason": "away",
    }


def test_never_assigned_rep_goes_first_then_the_least_recently_assigned(client, engine):
    w, (ann, bob, cy) = team_of(engine, ["Ann", "Bob", "Cy"])
    assert [assignee(hook(client, w)) for _ in range(4)] == ["Ann", "Bob", "Cy", "Ann"]
    dee = make_rep(w, "Dee")
    available(w, dee)
    members = [ann.id, bob.id, cy.id, dee.id]
    client.patch("/api/v1/teams/sales", headers=w.admin(), json={"members": members})
    assert [assignee(hook(client, w)) for _ in range(4)] == ["Dee", "Bob", "Cy", "Ann"]


def test_rep_back_from_busy_gets_one_turn_then_the_normal_rotation(client, engine):
    w, (ann, bob, cy) = team_of(engine, ["Ann", "Bob", "Cy"])
    set_status(w, cy, "busy")
    assert [assignee(hook(client, w)) for _ in range(4)] == ["Ann", "Bob", "Ann", "Bob"]
    set_status(w, cy, "available")
    assert [assignee(hook(client, w)) for _ in range(4)] == ["Cy", "Ann", "Bob", "Cy"]


def test_leads_and_calls_rotate_independently(client, engine):
    w, _ = team_of(engine, ["Ann", "Bob"])
    assert assignee(hook(client, w, kind="lead")) == "Ann"
    assert assignee(hook(client, w, kind="lead")) == "Bob"
    assert assignee(hook(client, w, kind="call")) == "Ann"
    assert assignee(hook(client, w, kind="lead")) == "Ann"


def test_a_call_rings_the_available_reps_then_the_away_ones(client, engine):
    w, (ann, bob, cy, dee) = team_of(engine, ["Ann", "Bob", "Cy", "Dee"])
    set_status(w, ann, "away")
    set_status(w, dee, "busy")
    first = hook(client, w, kind="call").json()
    assert [p["name"] for p in first["hunt"]] == ["Bob", "Cy", "Ann"]
    assert first["assignee"]["name"] == "Bob"
    second = hook(client, w, kind="call").json()
    assert [p["name"] for p in second["hunt"]] == ["Cy", "Bob", "Ann"]


def test_a_lead_has_the_assignee_alone_as_its_hunt_list(client, engine):
    w, _ = team_of(engine, ["Ann", "Bob"])
    assert [p["name"] for p in hook(client, w).json()["hunt"]] == ["Ann"]


def test_nobody_eligible_in_office_goes_to_the_away_destination(client, engine):
    w, (ann,) = team_of(engine, ["Ann"], destinations={"away": NUMBER})
    set_status(w, ann, "busy")
    body = hook(client, w, kind="call").json()
    assert (body["assignee"], body["hunt"]) == (None, [])
    assert (body["reason"], body["destination"]) == ("nobody_available", NUMBER)


def test_nobody_eligible_goes_to_voicemail_by_default(client, engine):
    w, (ann,) = team_of(engine, ["Ann"])
    set_status(w, ann, "offline")
    body = hook(client, w).json()
    assert (body["reason"], body["destination"]) == ("nobody_available", {"type": "voicemail"})


@pytest.mark.parametrize(
    ("state", "reason", "destination"),
    [
        ("lunch", "team_lunch", {"type": "number", "number": "+15550001111"}),
        ("away", "team_away", {"type": "number", "number": "+15550002222"}),
        ("vacation", "team_vacation", {"type": "number", "number": "+15550003333"}),
    ],
)
def test_a_team_out_of_office_sends_work_to_the_destination_of_its_state(
    client, engine, state, reason, destination
):
    dests = {
        "lunch": {"type": "number", "number": "+15550001111"},
        "away": {"type": "number", "number": "+15550002222"},
        "vacation": {"type": "number", "number": "+15550003333"},
    }
    w, _ = team_of(engine, ["Ann"], destinations=dests)
    client.put("/api/v1/teams/sales/override", headers=w.admin(), json={"state": state})
    body = hook(client, w, kind="call").json()
    assert (body["assignee"], body["hunt"]) == (None, [])
    assert (body["reason"], body["destination"]) == (reason, destination)
    assert {t["reason"] for t in body["trace"]} == {reason}


def test_lunch_with_the_members_destination_routes_like_in_office(client, engine):
    w, _ = team_of(engine, ["Ann"])
    client.put("/api/v1/teams/sales/override", headers=w.admin(), json={"state": "lunch"})
    body = hook(client, w).json()
    assert (body["assignee"]["name"], body["reason"], body["destination"]) == (
        "Ann",
        "assigned",
        None,
    )


def test_after_hours_the_team_is_away(client, engine, clock):
    w, _ = team_of(engine, ["Ann"])
    clock.fixed = datetime(2026, 3, 9, 22, 0, tzinfo=UTC)  # 18:00 in New York
    body = hook(client, w).json()
    assert (body["reason"], body["destination"]) == ("team_away", {"type": "voicemail"})


def test_on_a_company_holiday_the_reason_is_holiday_with_the_away_destination(client, engine):
    w, _ = team_of(engine, ["Ann"], destinations={"away": NUMBER})
    make_holiday(w, date(2026, 3, 9))
    body = hook(client, w).json()
    assert (body["assignee"], body["reason"], body["destination"]) == (None, "holiday", NUMBER)


def test_a_team_destination_answers_as_that_team_would(client, engine):
    w, (ann,) = team_of(engine, ["Ann"])
    dana = make_rep(w, "Dana")
    available(w, dana)
    make_team(w, "support", [dana])
    sales = {"lunch": {"type": "team", "team": "support"}}
    client.patch("/api/v1/teams/sales", headers=w.admin(), json={"destinations": sales})
    client.put("/api/v1/teams/sales/override", headers=w.admin(), json={"state": "lunch"})
    body = hook(client, w).json()
    assert (body["team"], body["assignee"]["name"], body["reason"]) == ("sales", "Dana", "assigned")
    assert body["routed_via"] == ["sales", "support"]
    assert [t["rep"]["name"] for t in body["trace"]] == ["Dana"]
    client.put("/api/v1/teams/support/override", headers=w.admin(), json={"state": "vacation"})
    body = hook(client, w).json()
    assert (body["reason"], body["destination"]) == ("team_vacation", {"type": "voicemail"})
    assert body["routed_via"] == ["sales", "support"]


def test_nobody_available_follows_a_team_away_destination(client, engine):
    w, (ann,) = team_of(engine, ["Ann"])
    dana = make_rep(w, "Dana")
    available(w, dana)
    make_team(w, "support", [dana])
    away = {"away": {"type": "team", "team": "support"}}
    client.patch("/api/v1/teams/sales", headers=w.admin(), json={"destinations": away})
    set_status(w, ann, "busy")
    body = hook(client, w).json()
    assert (body["assignee"]["name"], body["routed_via"]) == ("Dana", ["sales", "support"])


def test_every_assignment_takes_one_turn_and_is_stored_whole(client, engine):
    w, _ = team_of(engine, ["Ann", "Bob"])
    answers = [hook(client, w).json() for _ in range(3)]
    with Session(engine) as s:
        rows = s.exec(select(Assignment).order_by(Assignment.seq)).all()
        rotation = s.exec(select(Rotation)).one()
        turns = sorted(t.last_seq for t in s.exec(select(Turn)))
    assert [row.answer for row in rows] == answers
    assert (rotation.kind, rotation.seq, turns) == ("lead", 3, [2, 3])


# --- Idempotency --------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_replays_the_first_answer_and_assigns_nothing(client, engine):
    w, _ = team_of(engine, ["Ann", "Bob"])
    key = {"Idempotency-Key": "lead-42-attempt"}
    first = hook(client, w, headers=key, external_id="crm-42")
    again = hook(client, w, headers=key, external_id="crm-42")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.json() == first.json()
    assert assignee(hook(client, w)) == "Bob"
    assert len(client.get("/api/v1/assignments", headers=w.assign()).json()) == 2


def test_the_same_key_with_another_body_is_a_conflict(client, engine):
    w, _ = team_of(engine, ["Ann"])
    key = {"Idempotency-Key": "k1"}
    hook(client, w, headers=key, external_id="crm-1")
    r = hook(client, w, headers=key, external_id="crm-2")
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")


def test_keys_belong_to_the_company(client, engine):
    w, _ = team_of(engine, ["Ann"])
    other = make_company(engine, "globex")
    bea = make_rep(other, "Bea")
    available(other, bea)
    make_team(other, "sales", [bea])
    key = {"Idempotency-Key": "shared"}
    assert hook(client, w, headers=key).status_code == 201
    r = hook(client, other, headers=key)
    assert (r.status_code, assignee(r)) == (201, "Bea")


def test_a_key_is_still_honoured_a_day_later(client, engine, clock):
    w, _ = team_of(engine, ["Ann", "Bob"])
    key = {"Idempotency-Key": "slow-retry"}
    first = hook(client, w, headers=key).json()
    clock.fixed = clock.now() + timedelta(hours=25)
    again = hook(client, w, headers=key)
    assert (again.status_code, again.json()) == (200, first)


def test_a_key_over_255_characters_is_refused(client, engine):
    w, _ = team_of(engine, ["Ann"])
    r = hook(client, w, headers={"Idempotency-Key": "k" * 256})
    assert (r.status_code, r.json()["field"]) == (422, "Idempotency-Key")
    assert client.get("/api/v1/assignments", headers=w.assign()).json() == []


# --- Bad requests -------------------------------------------------------------------------------


def test_unknown_team_is_not_found_and_another_companys_team_too(client, engine):
    w, _ = team_of(engine, ["Ann"])
    other = make_company(engine, "globex")
    make_team(other, "support", [])
    assert hook(client, w, team="nope").status_code == 404
    assert hook(client, w, team="support").status_code == 404


def test_an_unknown_kind_is_refused_naming_kind(client, engine):
    w, _ = team_of(engine, ["Ann"])
    r = hook(client, w, kind="email")
    assert (r.status_code, r.json()["field"]) == (422, "kind")


# --- Preview ------------------------------------------------------------------------------------


def test_preview_answers_like_the_hook_and_assigns_nothing(client, engine, clock):
    w, _ = team_of(engine, ["Ann", "Bob"])
    url = "/api/v1/assignments/preview"
    r = client.get(url, params={"team": "sales", "kind": "call"}, headers=w.assign())
    assert r.status_code == 200, r.text
    body = r.json()
    assert "id" not in body
    assert (body["assignee"]["name"], [p["name"] for p in body["hunt"]]) == ("Ann", ["Ann", "Bob"])
    assert client.get(url, params={"team": "sales"}, headers=w.assign()).json()["assignee"]
    assert assignee(hook(client, w)) == "Ann"
    assert (
        client.get("/api/v1/assignments", headers=w.assign()).json()[0]["assignee"]["name"] == "Ann"
    )


def test_preview_at_another_instant_shows_that_instants_routing(client, engine):
    w, _ = team_of(engine, ["Ann"])
    saturday = "2026-03-14T11:00:00-04:00"
    params = {"team": "sales", "kind": "lead", "at": saturday}
    body = client.get("/api/v1/assignments/preview", params=params, headers=w.assign()).json()
    assert (body["reason"], body["destination"]) == ("team_away", {"type": "voicemail"})
    assert datetime.fromisoformat(body["at"]) == datetime(2026, 3, 14, 15, 0, tzinfo=UTC)


# --- The log ------------------------------------------------------------------------------------


def test_the_log_is_oldest_first_and_pages_with_limit_and_offset(client, engine):
    w, _ = team_of(engine, ["Ann", "Bob"])
    ids = [hook(client, w, external_id=f"crm-{i}").json()["id"] for i in range(5)]
    log = client.get("/api/v1/assignments", headers=w.assign()).json()
    assert [a["id"] for a in log] == ids
    page = client.get("/api/v1/assignments", params={"limit": 2, "offset": 1}, headers=w.assign())
    assert [a["external_id"] for a in page.json()] == ["crm-1", "crm-2"]


@pytest.mark.parametrize("limit", [0, 1001])
def test_a_limit_outside_1_to_1000_is_refused(client, engine, limit):
    w, _ = team_of(engine, ["Ann"])
    r = client.get("/api/v1/assignments", params={"limit": limit}, headers=w.assign())
    assert r.status_code == 422
    assert client.get("/api/v1/assignments", params={"limit": 1000}, headers=w.assign()).is_success


def test_the_log_filters_by_team_kind_rep_and_since(client, engine, clock):
    w, (ann, bob) = team_of(engine, ["Ann", "Bob"])
    make_team(w, "support", [bob])
    hook(client, w, kind="lead")
    hook(client, w, kind="call")
    clock.fixed = clock.now() + timedelta(hours=1)
    hook(client, w, kind="lead")
    hook(client, w, team="support", kind="lead")

    def log(**params):
        found = client.get("/api/v1/assignments", params=params, headers=w.assign()).json()
        return [(a["team"], a["kind"], a["assignee"]["name"]) for a in found]

    assert log(kind="call") == [("sales", "call", "Ann")]
    assert log(team="support") == [("support", "lead", "Bob")]
    assert log(rep=bob.id) == [("sales", "lead", "Bob"), ("support", "lead", "Bob")]
    assert log(since=clock.now().isoformat()) == [
        ("sales", "lead", "Bob"),
        ("support", "lead", "Bob"),
    ]


def test_since_without_an_offset_is_refused_naming_since(client, engine):
    w, _ = team_of(engine, ["Ann"])
    params = {"since": "2026-03-09T10:00:00"}
    r = client.get("/api/v1/assignments", params=params, headers=w.assign())
    assert (r.status_code, r.json()["field"]) == (422, "since")


def test_one_answer_reads_back_and_another_companys_is_not_found(client, engine):
    w, _ = team_of(engine, ["Ann"])
    answer = hook(client, w).json()
    r = client.get(f"/api/v1/assignments/{answer['id']}", headers=w.assign())
    assert r.json() == answer
    other = make_company(engine, "globex")
    assert (
        client.get(f"/api/v1/assignments/{answer['id']}", headers=other.assign()).status_code == 404
    )
    assert client.get("/api/v1/assignments", headers=other.assign()).json() == []


# --- Team availability --------------------------------------------------------------------------


def test_team_availability_lists_each_member_with_tier_and_reason(client, engine):
    w, (ann, bob, cy) = team_of(engine, ["Ann", "Bob", "Cy"])
    set_status(w, bob, "away")
    set_status(w, cy, "busy")
    r = client.get("/api/v1/teams/sales/availability", headers=w.assign())
    assert r.status_code == 200, r.text
    rows = [(a["rep"]["name"], a["effective_status"], a["eligible"], a["tier"], a["reason"])
            for a in r.json()]  # fmt: skip
    assert rows == [
        ("Ann", "available", True, 1, "available"),
        ("Bob", "away", True, 2, "away"),
        ("Cy", "busy", False, None, "busy"),
    ]


def test_team_availability_at_night_shows_the_team_away(client, engine):
    w, _ = team_of(engine, ["Ann"])
    params = {"at": "2026-03-10T02:00:00Z"}
    rows = client.get("/api/v1/teams/sales/availability", params=params, headers=w.assign()).json()
    assert [(a["eligible"], a["reason"]) for a in rows] == [(False, "team_away")]


def test_counts_among_the_same_eligible_reps_differ_by_at_most_one(client, engine):
    w, _ = team_of(engine, ["Ann", "Bob", "Cy"])
    counts = Counter(assignee(hook(client, w)) for _ in range(10))
    assert counts == Counter({"Ann": 4, "Bob": 3, "Cy": 3})


def test_team_availability_agrees_with_each_reps_own_availability(client, engine):
    w = make_company(engine)
    reps = [
        make_rep(w, "Ann"),
        make_rep(w, "Bob", hours=AFTERNOON_ONLY),
        make_rep(w, "Cy", timezone="Europe/Berlin"),
        make_rep(w, "Dee"),
    ]
    available(w, *reps)
    make_time_off(w, reps[3], date(2026, 3, 9), start_min=10 * 60, end_min=12 * 60)
    make_team(w, "sales", reps)
    for at in [
        "2026-03-09T11:00:00-04:00",
        "2026-03-09T14:00:00-04:00",
        "2026-03-09T08:00:00-04:00",
    ]:
        team = client.get("/api/v1/teams/sales/availability", params={"at": at}, headers=w.assign())
        for row, rep in zip(team.json(), reps, strict=True):
            own = client.get(f"/api/v1/reps/{rep.id}/availability", params={"at": at},
                             headers=w.assign()).json()  # fmt: skip
            expected = "available" if own["reason"] == "working" else own["reason"]
            assert row["reason"] in (expected, "team_away"), (at, rep.name, row, own)


# --- What the web pages call --------------------------------------------------------------------


def test_the_log_in_words_says_who_and_who_was_skipped(client, engine):
    from app.views import log as assignment_log

    w, (ann, bob, cy) = team_of(engine, ["Ann", "Bob", "Cy"])
    set_status(w, ann, "busy")
    make_time_off(w, cy, date(2026, 3, 9))
    answer = hook(client, w).json()
    assert assignment_log.describe(answer) == (
        "Bob: available, least recently assigned. Skipped: Ann (busy), Cy (time off)."
    )
    set_status(w, bob, "offline")
    answer = hook(client, w).json()
    assert assignment_log.describe(answer) == (
        "Nobody eligible. Skipped: Ann (busy), Bob (offline), Cy (time off). Sent to voicemail."
    )


def test_the_log_in_words_names_the_team_state_and_the_way_work_went(client, engine):
    from app.views import log as assignment_log

    w, _ = team_of(engine, ["Ann"], destinations={"lunch": NUMBER})
    client.put("/api/v1/teams/sales/override", headers=w.admin(), json={"state": "lunch"})
    assert assignment_log.describe(hook(client, w).json()) == "Team at lunch. Sent to +15551234567."


def test_the_log_filters_by_company_local_day(client, engine, clock):
    from app.views import log as assignment_log

    w, _ = team_of(engine, ["Ann"])
    hook(client, w, external_id="monday")
    clock.fixed = datetime(2026, 3, 10, 3, 30, tzinfo=UTC)  # Monday 23:30 in New York
    hook(client, w, external_id="monday-night")
    clock.fixed = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    hook(client, w, external_id="tuesday")
    with Session(engine) as s:
        monday = assignment_log.listing(s, w.company, day=date(2026, 3, 9))
    assert [a["external_id"] for a in monday] == ["monday", "monday-night"]


def test_a_reps_recent_assignments_are_newest_first(client, engine):
    from app.views import log as assignment_log

    w, (ann, bob) = team_of(engine, ["Ann", "Bob"])
    for i in range(4):
        hook(client, w, external_id=f"crm-{i}")
    with Session(engine) as s:
        recent = assignment_log.recent_for(s, ann)
    assert [a["external_id"] for a in recent] == ["crm-2", "crm-0"]


def test_a_reps_place_in_line_counts_from_the_next_assignee(client, engine, clock):
    from app.views import log as assignment_log

    w, (ann, bob, cy) = team_of(engine, ["Ann", "Bob", "Cy"])
    hook(client, w, kind="lead")  # Ann had the last lead: Bob is next, then Cy, then Ann
    set_status(w, bob, "away")  # tier 2 comes after every Available rep

    def places(rep):
        with Session(engine) as s:
            found = assignment_log.places(s, w.company, rep, clock.now())
        return {(p.team.slug, p.kind): (p.place, p.of) for p in found}

    assert places(ann) == {("sales", "lead"): (2, 3), ("sales", "call"): (1, 3)}
    assert places(bob)[("sales", "lead")] == (3, 3)
    with Session(engine) as s:
        words = [
            assignment_log.place_words(p)
            for p in assignment_log.places(s, w.company, cy, clock.now())
        ]
    assert words == ["You are next in line for Sales leads", "You are 2nd in line for Sales calls"]


def test_a_rep_out_of_line_is_told_why(client, engine, clock):
    from app.views import log as assignment_log

    w, (ann,) = team_of(engine, ["Ann"])
    set_status(w, ann, "busy")
    with Session(engine) as s:
        found = assignment_log.places(s, w.company, ann, clock.now())
        words = [assignment_log.place_words(p) for p in found]
    assert words == ["Not in line for Sales leads (busy)", "Not in line for Sales calls (busy)"]


def test_a_member_can_stop_and_resume_taking_part_through_the_service(client, engine):
    from app.db import transaction
    from app.services import teams

    w, (ann, bob) = team_of(engine, ["Ann", "Bob"])
    with transaction(engine) as s:
        teams.set_taking_part(s, teams.get(s, w.company, "sales"), ann, False)
    assert [assignee(hook(client, w)) for _ in range(2)] == ["Bob", "Bob"]
    with transaction(engine) as s:
        teams.set_taking_part(s, teams.get(s, w.company, "sales"), ann, True)
    assert assignee(hook(client, w)) == "Ann"
