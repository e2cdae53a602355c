"""Teams: members, schedule, destinations, PIN; team state, overrides and who may set them."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from app.models import Team, Throttle
from app.services import team_pin
from tests.builders import make_company, make_holiday, make_rep, make_team
from tests.conftest import shared_fixtures

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

NY_LUNCH = {
    "in_office": {d: [["09:00", "12:00"], ["13:00", "17:00"]] for d in ("mon", "tue", "wed")}
    | {"thu": [], "fri": [], "sat": [], "sun": []},
    "lunch": {d: [["12:00", "13:00"]] for d in ("mon", "tue", "wed")}
    | {"thu": [], "fri": [], "sat": [], "sun": []},
}
DEFAULT_DESTINATIONS = {
    "lunch": {"type": "members"},
    "away": {"type": "voicemail"},
    "vacation": {"type": "voicemail"},
}


def create(client, world, slug="sales", **body):
    return client.post(
        "/api/v1/teams", headers=world.admin(), json={"slug": slug, "name": slug.title(), **body}
    )


def stored(engine, world, slug="sales") -> Team:
    from sqlmodel import select

    with Session(engine) as s:
        q = select(Team).where(Team.company_id == world.company.id, Team.slug == slug)
        return s.exec(q).one()


def throttle_count(engine, key: str) -> int:
    with Session(engine) as s:
        row = s.get(Throttle, key)
        return row.failures if row else 0


# --- CRUD ---------------------------------------------------------------------------------------


def test_a_new_team_has_the_documented_defaults_and_reads_back(client, engine):
    w = make_company(engine)
    ann, bob = make_rep(w, "Ann"), make_rep(w, "Bob")
    r = create(client, w, members=[bob.id, ann.id])
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["members"] == [bob.id, ann.id]
    assert body["members_detail"] == [
        {"id": bob.id, "name": "Bob", "taking_part": True},
        {"id": ann.id, "name": "Ann", "taking_part": True},
    ]
    assert (body["schedule"], body["ring"], body["pin_set"]) == (None, "sequence", False)
    assert body["destinations"] == DEFAULT_DESTINATIONS
    assert client.get("/api/v1/teams/sales", headers=w.admin()).json() == body
    assert client.get("/api/v1/teams", headers=w.admin()).json() == [body]


def test_the_pin_is_write_only_and_stored_as_an_argon2id_hash(client, engine):
    w = make_company(engine)
    body = create(client, w, pin="4321").json()
    assert "pin" not in body and body["pin_set"] is True
    assert stored(engine, w).pin_hash.startswith("$argon2id$")
    assert "4321" not in stored(engine, w).pin_hash


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4"])
def test_a_pin_must_be_4_to_8_digits(client, engine, pin):
    w = make_company(engine)
    r = create(client, w, pin=pin)
    assert (r.status_code, r.json()["field"]) == (422, "pin")


def test_patch_reorders_members_and_keeps_their_taking_part_choice(client, engine):
    w = make_company(engine)
    ann, bob, cy = make_rep(w, "Ann"), make_rep(w, "Bob"), make_rep(w, "Cy")
    create(client, w, members=[ann.id, bob.id, cy.id])
    r = client.put(f"/api/v1/teams/sales/members/{bob.id}", headers=w.admin(),
                   json={"taking_part": False})  # fmt: skip
    assert r.json() == {"id": bob.id, "name": "Bob", "taking_part": False}
    r = client.patch("/api/v1/teams/sales", headers=w.admin(), json={"members": [cy.id, bob.id]})
    assert r.status_code == 200, r.text
    assert [(m["name"], m["taking_part"]) for m in r.json()["members_detail"]] == [
        ("Cy", True),
        ("Bob", False),
    ]


def test_patch_changes_name_schedule_destinations_ring_and_pin(client, engine):
    w = make_company(engine)
    create(client, w, pin="1234")
    change = {
        "name": "Inside sales",
        "schedule": NY_LUNCH,
        "destinations": {"away": {"type": "number", "number": "+15551234567"}},
        "ring": "all",
        "pin": None,
    }
    r = client.patch("/api/v1/teams/sales", headers=w.admin(), json=change)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["name"], body["schedule"], body["ring"], body["pin_set"]) == (
        "Inside sales",
        NY_LUNCH,
        "all",
        False,
    )
    assert body["destinations"] == {
        **DEFAULT_DESTINATIONS,
        "away": {"type": "number", "number": "+15551234567"},
    }


def test_a_schedule_without_lunch_hours_has_no_lunch(client, engine):
    w = make_company(engine)
    body = create(client, w, schedule={"in_office": NY_LUNCH["in_office"]}).json()
    assert body["schedule"]["lunch"] == {d: [] for d in NY_LUNCH["lunch"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"schedule": {"in_office": {**NY_LUNCH["in_office"], "mon": [["17:00", "09:00"]]}}},
         "schedule.in_office.mon[0]"),
        ({"schedule": {"in_office": NY_LUNCH["in_office"], "lunch": {"mon": []}}},
         "schedule.lunch.tue"),
        ({"destinations": {"away": {"type": "number", "number": "555"}}},
         "destinations.away.number"),
        ({"destinations": {"lunch": {"type": "team"}}}, "destinations.lunch.team"),
        ({"destinations": {"away": {"type": "fax"}}}, "destinations.away.type"),
        ({"ring": "some"}, "ring"),
        ({"slug": "Not A Slug"}, "slug"),
        ({"name": ""}, "name"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_naming_the_field_and_stores_nothing(client, engine, body, field):
    w = make_company(engine)
    r = client.post("/api/v1/teams", headers=w.admin(), json={"slug": "sales", "name": "S", **body})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["field"] == field
    assert client.get("/api/v1/teams", headers=w.admin()).json() == []


def test_a_team_destination_must_name_a_known_team(client, engine):
    w = make_company(engine)
    r = create(client, w, destinations={"away": {"type": "team", "team": "ghosts"}})
    assert (r.status_code, r.json()["field"]) == (422, "destinations.away.team")


def test_members_must_be_active_reps_of_the_company_each_once(client, engine):
    w = make_company(engine)
    ann, gone = make_rep(w, "Ann"), make_rep(w, "Gone")
    client.delete(f"/api/v1/reps/{gone.id}", headers=w.admin())
    stranger = make_rep(make_company(engine, "globex"), "Stranger")
    for members, field in [
        ([ann.id, stranger.id], "members[1]"),
        ([gone.id], "members[0]"),
        ([ann.id, "nobody"], "members[1]"),
        ([ann.id, ann.id], "members[1]"),
    ]:
        r = create(client, w, members=members)
        assert (r.status_code, r.json()["field"]) == (422, field), members


def test_a_second_team_with_the_same_slug_is_refused(client, engine):
    w = make_company(engine)
    create(client, w)
    r = create(client, w)
    assert (r.status_code, r.json()["field"]) == (422, "slug")


def test_two_companies_may_both_have_a_sales_team(client, engine):
    create(client, make_company(engine, "acme"))
    assert create(client, make_company(engine, "globex")).status_code == 201


def test_a_loop_through_team_destinations_is_refused_with_409(client, engine):
    w = make_company(engine)
    create(client, w, "sales")
    create(client, w, "support", destinations={"away": {"type": "team", "team": "sales"}})
    loop = {"destinations": {"vacation": {"type": "team", "team": "support"}}}
    r = client.patch("/api/v1/teams/sales", headers=w.admin(), json=loop)
    assert r.status_code == 409
    assert "sales → support → sales" in r.json()["detail"]
    dests = client.get("/api/v1/teams/sales", headers=w.admin()).json()["destinations"]
    assert dests == DEFAULT_DESTINATIONS


def test_a_team_sending_work_to_itself_is_a_loop(client, engine):
    w = make_company(engine)
    r = create(client, w, destinations={"lunch": {"type": "team", "team": "sales"}})
    assert r.status_code == 409
    assert client.get("/api/v1/teams", headers=w.admin()).json() == []


def test_a_team_others_send_work_to_cannot_be_deleted_until_they_stop(client, engine):
    w = make_company(engine)
    create(client, w, "sales", members=[make_rep(w, "Ann").id])
    create(client, w, "support", destinations={"away": {"type": "team", "team": "sales"}})
    assert client.delete("/api/v1/teams/sales", headers=w.admin()).status_code == 409
    voicemail = {"destinations": {"away": {"type": "voicemail"}}}
    client.patch("/api/v1/teams/support", headers=w.admin(), json=voicemail)
    assert client.delete("/api/v1/teams/sales", headers=w.admin()).status_code == 204
    assert client.get("/api/v1/teams/sales", headers=w.admin()).status_code == 404


def test_taking_part_of_someone_who_is_not_a_member_is_not_found(client, engine):
    w = make_company(engine)
    outsider = make_rep(w, "Out")
    create(client, w)
    url = f"/api/v1/teams/sales/members/{outsider.id}"
    r = client.put(url, headers=w.admin(), json={"taking_part": False})
    assert r.status_code == 404


# --- Access -------------------------------------------------------------------------------------

TEAM_ROUTES = [
    ("GET", "/api/v1/teams/sales", None),
    ("PATCH", "/api/v1/teams/sales", {"name": "Mine now"}),
    ("DELETE", "/api/v1/teams/sales", None),
    ("GET", "/api/v1/teams/sales/state", None),
    ("PUT", "/api/v1/teams/sales/override", {"state": "away"}),
    ("DELETE", "/api/v1/teams/sales/override", None),
    ("GET", "/api/v1/teams/sales/availability", None),
    ("GET", "/api/v1/assignments/preview?team=sales", None),
    ("POST", "/api/v1/assignments", {"team": "sales", "kind": "lead"}),
]


@pytest.mark.parametrize(("method", "url", "body"), TEAM_ROUTES)
def test_another_companys_team_is_not_found(client, engine, method, url, body):
    theirs = make_company(engine, "globex")
    make_team(theirs, "sales", [make_rep(theirs, "Bea")])
    mine = make_company(engine, "acme")
    r = client.request(method, url, headers=mine.admin(), json=body)
    assert r.status_code == 404, r.text
    assert client.get("/api/v1/teams/sales", headers=theirs.admin()).json()["name"] == "Sales"


ADMIN_ROUTES = [
    ("GET", "/api/v1/teams", None),
    ("POST", "/api/v1/teams", {"slug": "mine", "name": "Mine"}),
    ("GET", "/api/v1/teams/sales", None),
    ("PATCH", "/api/v1/teams/sales", {"name": "Mine"}),
    ("PUT", "/api/v1/teams/sales/members/{rep}", {"taking_part": False}),
    ("DELETE", "/api/v1/teams/sales", None),
]


@pytest.mark.parametrize(("method", "url", "body"), ADMIN_ROUTES)
def test_an_assign_token_is_refused_on_team_admin_routes(client, engine, method, url, body):
    w = make_company(engine)
    ann = make_rep(w, "Ann")
    make_team(w, "sales", [ann])
    r = client.request(method, url.format(rep=ann.id), headers=w.assign(), json=body)
    assert r.status_code == 403, r.text
    team = client.get("/api/v1/teams/sales", headers=w.admin()).json()
    assert (team["name"], team["members_detail"][0]["taking_part"]) == ("Sales", True)


@pytest.mark.parametrize("path", ["state", "availability"])
def test_an_assign_token_may_read_team_state_and_availability(client, engine, path):
    w = make_company(engine)
    make_team(w, "sales", [])
    assert client.get(f"/api/v1/teams/sales/{path}", headers=w.assign()).status_code == 200


# --- State and overrides ------------------------------------------------------------------------


def state(client, world, at=None):
    params = {"at": at} if at else {}
    r = client.get("/api/v1/teams/sales/state", params=params, headers=world.assign())
    assert r.status_code == 200, r.text
    body = r.json()
    nb = body["next_boundary"]
    return body["state"], body["override"], nb and datetime.fromisoformat(nb)


def ny(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour + 4, minute, tzinfo=UTC)  # EDT from 8 March


def test_state_follows_company_hours_by_default(client, engine):
    w = make_company(engine)
    make_team(w, "sales", [])
    assert state(client, w) == ("in_office", None, ny(9, 17))
    assert state(client, w, "2026-03-09T18:00:00-04:00") == ("away", None, ny(10, 9))
    assert state(client, w, "2026-03-14T12:00:00-04:00")[0] == "away"  # Saturday


def test_state_follows_the_team_schedule_with_lunch(client, engine):
    w = make_company(engine)
    make_team(w, "sales", [], schedule=NY_LUNCH)
    assert state(client, w, "2026-03-09T12:30:00-04:00") == ("lunch", None, ny(9, 13))


def test_a_company_holiday_makes_the_team_away(client, engine):
    w = make_company(engine)
    make_team(w, "sales", [])
    make_holiday(w, date(2026, 3, 9))
    assert state(client, w) == ("away", None, ny(10, 9))


def test_a_naive_instant_is_refused_naming_at(client, engine):
    w = make_company(engine)
    make_team(w, "sales", [])
    params = {"at": "2026-03-09T12:00:00"}
    r = client.get("/api/v1/teams/sales/state", params=params, headers=w.assign())
    assert (r.status_code, r.json()["field"]) == (422, "at")


def test_an_override_ends_at_the_next_boundary(client, engine, clock):
    w = make_company(engine)
    make_team(w, "sales", [])
    r = client.put("/api/v1/teams/sales/override", headers=w.admin(), json={"state": "lunch"})
    assert r.status_code == 200, r.text
    assert r.json() == {
        "state": "lunch",
        "override": "lunch",
        "next_boundary": "2026-03-09T21:00:00Z",
    }
    clock.fixed = ny(9, 16, 59)
    assert state(client, w)[:2] == ("lunch", "lunch")
    clock.fixed = ny(9, 17)
    assert state(client, w)[:2] == ("away", None)
    clock.fixed = ny(10, 10)
    assert state(client, w)[:2] == ("in_office", None)


def test_a_vacation_override_stays_until_cleared(client, engine, clock):
    w = make_company(engine)
    make_team(w, "sales", [])
    client.put("/api/v1/teams/sales/override", headers=w.admin(), json={"state": "vacation"})
    clock.fixed = ny(23, 10)
    assert state(client, w)[:2] == ("vacation", "vacation")
    r = client.delete("/api/v1/teams/sales/override", headers=w.admin())
    assert r.status_code == 200
    assert r.json()["state"] == "in_office" and r.json()["override"] is None
    assert state(client, w)[:2] == ("in_office", None)


def test_an_unknown_override_state_is_refused(client, engine):
    w = make_company(engine)
    make_team(w, "sales", [])
    r = client.put("/api/v1/teams/sales/override", headers=w.admin(), json={"state": "asleep"})
    assert (r.status_code, r.json()["field"]) == (422, "state")


# --- The team PIN -------------------------------------------------------------------------------


def override(client, world, pin=None, state="away"):
    headers = {**world.assign(), **({"X-Team-Pin": pin} if pin is not None else {})}
    return client.put("/api/v1/teams/sales/override", headers=headers, json={"state": state})


def test_an_assign_token_overrides_with_the_right_pin(client, engine):
    w = make_company(engine)
    make_team(w, "sales", [], pin="2468")
    r = override(client, w, "2468")
    assert (r.status_code, r.json()["override"]) == (200, "away")
    headers = {**w.assign(), "X-Team-Pin": "2468"}
    assert client.delete("/api/v1/teams/sales/override", headers=headers).json()["override"] is None


def test_an_assign_token_without_a_pin_or_with_a_wrong_one_is_refused(client, engine):
    w = make_company(engine)
    make_team(w, "sales", [], pin="2468")
    assert override(client, w).status_code == 403
    r = override(client, w, "1111")
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("application/problem+json")
    assert state(client, w)[1] is None
    assert throttle_count(engine, team_pin.pin_key(stored(engine, w))) == 1


def test_a_team_without_a_pin_takes_overrides_from_admin_tokens_only(client, engine):
    w = make_company(engine)
    make_team(w, "sales", [])
    assert override(client, w, "1234").status_code == 403


def test_five_wrong_pins_lock_the_pin_for_15_minutes_even_for_the_right_one(client, engine, clock):
    w = make_company(engine)
    make_team(w, "sales", [], pin="2468")
    codes = [override(client, w, "0000").status_code for _ in range(5)]
    assert codes == [403, 403, 403, 403, 429]
    r = override(client, w, "2468")
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) == 15 * 60
    clock.fixed = clock.now() + timedelta(minutes=10)
    assert int(override(client, w, "2468").headers["Retry-After"]) == 5 * 60
    clock.fixed = clock.now() + timedelta(minutes=5)
    assert override(client, w, "2468").status_code == 200


def test_wrong_pins_spread_over_more_than_15_minutes_do_not_lock(client, engine, clock):
    w = make_company(engine)
    make_team(w, "sales", [], pin="2468")
    assert [override(client, w, "0000").status_code for _ in range(4)] == [403] * 4
    clock.fixed = clock.now() + timedelta(minutes=16)
    assert [override(client, w, "0000").status_code for _ in range(4)] == [403] * 4
    assert override(client, w, "2468").status_code == 200


def test_the_right_pin_resets_the_count_of_wrong_ones(client, engine):
    w = make_company(engine)
    make_team(w, "sales", [], pin="2468")
    for _ in range(4):
        override(client, w, "0000")
    assert override(client, w, "2468").status_code == 200
    assert [override(client, w, "0000").status_code for _ in range(4)] == [403] * 4


def test_an_admin_token_needs_no_pin_even_while_it_is_locked(client, engine):
    w = make_company(engine)
    make_team(w, "sales", [], pin="2468")
    for _ in range(5):
        override(client, w, "0000")
    r = client.put("/api/v1/teams/sales/override", headers=w.admin(), json={"state": "lunch"})
    assert (r.status_code, r.json()["override"]) == (200, "lunch")


def test_a_new_pin_ends_the_lock(client, engine):
    w = make_company(engine)
    make_team(w, "sales", [], pin="2468")
    for _ in range(5):
        override(client, w, "0000")
    client.patch("/api/v1/teams/sales", headers=w.admin(), json={"pin": "13579"})
    assert override(client, w, "13579").status_code == 200
