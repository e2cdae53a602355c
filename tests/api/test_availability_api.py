"""GET /reps/{id}/availability?at=: reason and next change, in the right zones, across DST."""

from urllib.parse import quote

import pytest

from tests.builders import make_company, make_rep
from tests.conftest import shared_fixtures

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

WEEKDAYS_9_TO_5 = {
    **{d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
    "sat": [],
    "sun": [],
}
ALWAYS = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def availability(client, world, rep, at=None):
    url = f"/api/v1/reps/{rep.id}/availability"
    r = client.get(url + (f"?at={quote(at)}" if at else ""), headers=world.assign())
    assert r.status_code == 200, r.text
    return r.json()


def test_default_is_now_and_answers_status_hours_reason_and_next_change(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    client.put(f"/api/v1/reps/{rep.id}/status", headers=w.assign(), json={"status": "away"})
    # now = Mon 2026-03-09 11:00 in New York
    assert availability(client, w, rep) == {
        "effective_status": "away",
        "working": True,
        "reason": "working",
        "next_change": "2026-03-09T17:00:00-04:00",
        "detail": None,
    }


@pytest.mark.parametrize(
    ("at", "reason", "next_change"),
    [
        ("2026-03-06T16:59:00-05:00", "working", "2026-03-06T17:00:00-05:00"),
        # Friday evening before the spring change: Monday 09:00 is already EDT
        ("2026-03-06T18:00:00-05:00", "company_closed", "2026-03-09T09:00:00-04:00"),
        ("2026-03-08T02:30:00-04:00", "company_closed", "2026-03-09T09:00:00-04:00"),
        # the autumn change: Monday 09:00 is EST again
        ("2026-10-30T18:00:00-04:00", "company_closed", "2026-11-02T09:00:00-05:00"),
    ],
)
def test_new_york_company_hours_across_dst(client, engine, at, reason, next_change):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    body = availability(client, w, rep, at)
    assert (body["reason"], body["next_change"]) == (reason, next_change)
    assert body["working"] is (reason == "working")


def test_a_23_hour_day_in_new_york_keeps_wall_clock_hours(client, engine):
    w = make_company(engine)
    client.patch("/api/v1/company", headers=w.admin(), json={"hours": ALWAYS})
    hours = {**{d: [] for d in ALWAYS}, "sun": [["01:00", "04:00"]]}
    rep = make_rep(w, "Dana", hours=hours)
    # 01:00 EST to 04:00 EDT on 2026-03-08 is two real hours
    body = availability(client, w, rep, "2026-03-08T01:30:00-05:00")
    assert body["working"] and body["next_change"] == "2026-03-08T04:00:00-04:00"
    body = availability(client, w, rep, "2026-03-08T04:00:00-04:00")
    assert body["reason"] == "outside_hours"
    assert body["next_change"] == "2026-03-15T01:00:00-04:00"


@pytest.mark.parametrize(
    ("at", "reason", "next_change"),
    [
        ("2026-03-27T16:30:00+00:00", "working", "2026-03-27T17:00:00Z"),
        # over the weekend of 2026-03-29 London moves to BST: Monday 09:00 is 08:00 UTC
        ("2026-03-27T18:00:00+00:00", "company_closed", "2026-03-30T09:00:00+01:00"),
        ("2026-03-30T08:30:00+00:00", "working", "2026-03-30T17:00:00+01:00"),
    ],
)
def test_london_company_hours_across_dst(client, engine, at, reason, next_change):
    w = make_company(engine, tz="Europe/London")
    rep = make_rep(w, "Priya")
    body = availability(client, w, rep, at)
    assert (body["reason"], body["next_change"]) == (reason, next_change)


@pytest.mark.parametrize(
    ("at", "reason", "next_change"),
    [
        # both on winter time: New York opens 14:00 UTC, the London rep stops 17:00 UTC
        ("2026-03-03T16:30:00Z", "working", "2026-03-03T17:00:00Z"),
        # US on summer time, UK not yet: New York opens 13:00 UTC
        ("2026-03-10T12:30:00Z", "company_closed", "2026-03-10T13:00:00Z"),
        ("2026-03-10T14:00:00Z", "working", "2026-03-10T17:00:00Z"),
        ("2026-03-10T17:30:00Z", "outside_hours", "2026-03-11T13:00:00Z"),
        # both on summer time: the London rep stops at 16:00 UTC
        ("2026-03-31T15:30:00Z", "working", "2026-03-31T17:00:00+01:00"),
        ("2026-03-31T16:30:00Z", "outside_hours", "2026-04-01T14:00:00+01:00"),
    ],
)
def test_london_rep_on_a_new_york_team_works_the_overlap(client, engine, at, reason, next_change):
    w = make_company(engine)
    rep = make_rep(w, "Priya", timezone="Europe/London", hours=WEEKDAYS_9_TO_5)
    body = availability(client, w, rep, at)
    assert (body["reason"], body["next_change"]) == (reason, next_change)


def test_observed_holiday_closes_the_company_with_its_name(client, engine):
    w = make_company(engine)
    client.patch("/api/v1/company", headers=w.admin(), json={"holiday_region": {"country": "US"}})
    rep = make_rep(w, "Dana")
    body = availability(client, w, rep, "2026-07-03T11:00:00-04:00")
    assert body["reason"] == "holiday" and body["working"] is False
    assert body["detail"] == "Independence Day (observed)"
    assert body["next_change"] == "2026-07-06T09:00:00-04:00"


def test_custom_holiday_is_read_in_the_company_zone(client, engine):
    w = make_company(engine)
    client.post(
        "/api/v1/holidays", headers=w.admin(), json={"date": "2026-03-11", "name": "Offsite"}
    )
    rep = make_rep(w, "Ken", timezone="Asia/Tokyo")
    # 2026-03-11 09:30 in Tokyo is still the 10th in New York: not a holiday there yet
    assert availability(client, w, rep, "2026-03-10T20:30:00-04:00")["reason"] == "company_closed"
    body = availability(client, w, rep, "2026-03-11T10:00:00-04:00")
    assert body["reason"] == "holiday" and body["detail"] == "Offsite"


def test_part_day_time_off_routes_around_the_afternoon(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    client.post(
        f"/api/v1/reps/{rep.id}/time-off",
        headers=w.admin(),
        json={"date": "2026-03-10", "start": "13:00", "end": "15:00"},
    )
    before = availability(client, w, rep, "2026-03-10T12:59:00-04:00")
    assert before["working"] and before["next_change"] == "2026-03-10T13:00:00-04:00"
    during = availability(client, w, rep, "2026-03-10T14:00:00-04:00")
    assert during["reason"] == "time_off" and during["next_change"] == "2026-03-10T15:00:00-04:00"
    assert availability(client, w, rep, "2026-03-10T15:00:00-04:00")["working"] is True


def test_several_days_off_end_at_the_next_working_morning(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    client.post(
        f"/api/v1/reps/{rep.id}/time-off",
        headers=w.admin(),
        json={"date": "2026-03-11", "end_date": "2026-03-12"},
    )
    body = availability(client, w, rep, "2026-03-11T10:00:00-04:00")
    assert body["reason"] == "time_off" and body["next_change"] == "2026-03-13T09:00:00-04:00"


def test_time_off_is_read_in_the_reps_own_zone(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Ken", timezone="Asia/Tokyo")
    client.post(f"/api/v1/reps/{rep.id}/time-off", headers=w.admin(), json={"date": "2026-03-10"})
    # Monday 12:00 in New York is already Tuesday 01:00 in Tokyo
    body = availability(client, w, rep, "2026-03-09T12:00:00-04:00")
    assert body["reason"] == "time_off"
    assert body["next_change"] == "2026-03-11T00:00:00+09:00"


def test_holiday_comes_before_time_off_and_closed_before_personal_hours(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana", hours={**WEEKDAYS_9_TO_5, "mon": [["10:00", "12:00"]]})
    client.post(
        "/api/v1/holidays", headers=w.admin(), json={"date": "2026-03-10", "name": "Offsite"}
    )
    client.post(f"/api/v1/reps/{rep.id}/time-off", headers=w.admin(), json={"date": "2026-03-10"})
    assert availability(client, w, rep, "2026-03-10T10:00:00-04:00")["reason"] == "holiday"
    assert availability(client, w, rep, "2026-03-09T08:00:00-04:00")["reason"] == "company_closed"
    assert availability(client, w, rep, "2026-03-09T09:30:00-04:00")["reason"] == "outside_hours"


def test_effective_status_is_read_at_the_instant_asked(client, engine, clock):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    client.put(
        f"/api/v1/reps/{rep.id}/status",
        headers=w.assign(),
        json={"status": "busy", "until": "2026-03-09T12:00:00-04:00"},
    )
    assert availability(client, w, rep, "2026-03-09T11:30:00-04:00")["effective_status"] == "busy"
    later = availability(client, w, rep, "2026-03-09T12:30:00-04:00")
    assert later["effective_status"] == "available"


@pytest.mark.parametrize("at", ["2026-03-09T09:00:00", "yesterday", "9999-12-31T10:00:00+00:00"])
def test_an_instant_without_offset_or_out_of_range_is_422_naming_at(client, engine, at):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    r = client.get(f"/api/v1/reps/{rep.id}/availability?at={quote(at)}", headers=w.assign())
    assert r.status_code == 422 and r.json()["field"] == "at"


def test_an_unencoded_plus_offset_is_understood(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    r = client.get(
        f"/api/v1/reps/{rep.id}/availability?at=2026-03-10T14:00:00+00:00", headers=w.assign()
    )
    assert r.status_code == 200 and r.json()["reason"] == "working"
