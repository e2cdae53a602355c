"""Odd input from the attack run (issue 9): each answer is a 4xx naming the field, never a 5xx."""

import pytest

from app.services import calendar_feed
from tests.builders import available, make_company, make_rep, make_team
from tests.conftest import shared_fixtures

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

PROBLEM = "application/problem+json"


@pytest.fixture
def world(engine):
    w = make_company(engine)
    dana = make_rep(w, "Dana")
    available(w, dana)
    make_team(w, "sales", [dana])
    return w, dana


def refused(r, status: int, field: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    if field:
        assert body["field"] == field, body
    return body


@pytest.mark.parametrize("key", ["%C3%A9", "%E2%82%AC" * 20, ""])
def test_a_feed_key_with_any_characters_is_simply_not_found(client, world, key):
    _w, dana = world
    refused(client.get(f"/api/v1/reps/{dana.id}/calendar.ics?key={key}"), 404)
    refused(client.get(f"/api/v1/teams/sales/calendar.ics?key={key}"), 404)


def test_a_deep_json_body_gets_401_without_a_token_and_400_with_one(client, world):
    w, _dana = world
    deep = "[" * 30000 + "]" * 30000
    ctype = {"content-type": "application/json"}
    r = client.post("/api/v1/teams", content=deep, headers={"Authorization": "Bearer x", **ctype})
    refused(r, 401)
    refused(client.post("/api/v1/teams", content=deep, headers={**w.admin(), **ctype}), 400)


def test_a_bogus_token_is_refused_before_its_parameters_are_read(client, world):
    r = client.get("/api/v1/assignments?limit=0&since=x", headers={"Authorization": "Bearer x"})
    refused(r, 401)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/teams/sales/state?", "/api/v1/teams/sales/availability?",
     "/api/v1/assignments/preview?team=sales&", "/api/v1/reps/{rep}/availability?"],
)  # fmt: skip
@pytest.mark.parametrize(
    "at", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00%2B14:00", "0.5", "1700000000", "2026-03-09"]
)
def test_instants_outside_1971_to_2099_or_not_instants_are_422_naming_at(client, world, path, at):
    w, dana = world
    r = client.get(path.format(rep=dana.id) + f"at={at}", headers=w.admin())
    refused(r, 422, "at")


def test_an_instant_with_a_plus_sent_as_a_space_is_read(client, world):
    w, _dana = world
    r = client.get("/api/v1/teams/sales/state?at=2026-03-09T10:00:00 05:00", headers=w.admin())
    assert r.status_code == 200, r.text


def test_since_and_until_take_the_same_range(client, world):
    w, dana = world
    r = client.get("/api/v1/assignments?since=0001-01-01T00:00:00%2B14:00", headers=w.admin())
    refused(r, 422, "since")
    body = {"status": "away", "until": "9999-12-31T23:59:59-14:00", "then": "available"}
    refused(
        client.put(f"/api/v1/reps/{dana.id}/status", json=body, headers=w.admin()), 422, "until"
    )


@pytest.mark.parametrize("bad", ["a\x00b", "line\nbreak", "bell\x07", "cr\r", "del\x7f", "\x85"])
def test_control_characters_are_refused_in_every_text_field(client, world, bad):
    w, dana = world
    h = w.admin()
    cases = [
        (client.post, "/api/v1/reps", {"name": bad, "email": "x@acme.test"}, "name"),
        (client.post, "/api/v1/reps", {"name": "X", "email": f"x{bad}@acme.test"}, "email"),
        (client.put, f"/api/v1/reps/{dana.id}/status", {"status": "away", "note": bad}, "note"),
        (client.put, f"/api/v1/reps/{dana.id}/lock", {"reason": bad}, "reason"),
        (client.post, "/api/v1/assignments", {"team": "sales", "kind": "lead",
                                               "external_id": bad}, "external_id"),
        (client.post, "/api/v1/teams", {"slug": "t", "name": "T", "members": [bad]}, "members[0]"),
        (client.patch, "/api/v1/company", {"name": bad}, "name"),
    ]  # fmt: skip
    for send, path, body, field in cases:
        refused(send(path, json=body, headers=h), 422, field)
    refused(client.get("/api/v1/reps", params={"phone": bad}, headers=h), 422, "phone")
    refused(client.get("/api/v1/assignments", params={"team": bad}, headers=h), 422, "team")


def test_holidays_of_year_zero_are_refused_not_this_year(client, world):
    w, _dana = world
    refused(client.get("/api/v1/holidays?year=0", headers=w.admin()), 422, "year")
    refused(client.get("/api/v1/holidays?year=99999999999999999999", headers=w.admin()), 422)


@pytest.mark.parametrize(
    "name", ["posixrules", "right/UTC", "posix/Europe/Paris", "localtime", "EST"]
)
def test_only_iana_area_names_are_time_zones(client, world, name):
    w, _dana = world
    refused(client.patch("/api/v1/company", json={"timezone": name}, headers=w.admin()), 422)


def test_options_lists_every_method_of_the_path(client, world):
    w, _dana = world
    r = client.options("/api/v1/company", headers=w.admin())
    assert r.status_code == 204
    assert set(r.headers["allow"].split(", ")) == {"GET", "PATCH", "OPTIONS"}


def test_a_feed_key_compare_works_on_bytes():
    assert not calendar_feed.key_matches("abc", "é")
    assert calendar_feed.key_matches("abc", "abc")
