"""Hours, holidays and time off through the API: the rules, and bad input that changes nothing."""

from datetime import date

import pytest

from tests.builders import make_company, make_rep, make_time_off
from tests.conftest import shared_fixtures

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

WEEKDAYS_9_TO_5 = {
    **{d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
    "sat": [],
    "sun": [],
}


def names(problem: dict, field: str) -> bool:
    """Whether a 422 problem names `field` (a missing or unknown body key is named in `detail`)."""
    return problem["field"] == field or f"`{field}`" in problem["detail"]


def week(**days):
    """Hours with the named days set and the others closed."""
    return {d: days.get(d, []) for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


BAD_HOURS = [
    (week(mon=[["17:00", "09:00"]]), "hours.mon[0]"),
    (week(mon=[["09:00", "09:00"]]), "hours.mon[0]"),
    (week(tue=[["09:00", "13:00"], ["12:00", "17:00"]]), "hours.tue[1]"),
    (week(wed=[["13:00", "17:00"], ["09:00", "12:00"]]), "hours.wed[1]"),
    (week(thu=[["09:00", "25:00"]]), "hours.thu[0]"),
    (week(fri=[["24:00", "24:00"]]), "hours.fri[0]"),
    ({k: v for k, v in WEEKDAYS_9_TO_5.items() if k != "sun"}, "hours.sun"),
]


@pytest.mark.parametrize(("hours", "field"), BAD_HOURS)
def test_bad_company_hours_are_422_naming_the_field_and_change_nothing(
    client, engine, hours, field
):
    w = make_company(engine)
    r = client.patch("/api/v1/company", headers=w.admin(), json={"hours": hours, "name": "New"})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["field"] == field
    body = client.get("/api/v1/company", headers=w.admin()).json()
    assert body["hours"] == WEEKDAYS_9_TO_5 and body["name"] == "Acme"


@pytest.mark.parametrize(("hours", "field"), BAD_HOURS)
def test_bad_personal_hours_are_422_naming_the_field_and_change_nothing(
    client, engine, hours, field
):
    w = make_company(engine)
    rep = make_rep(w, "Dana", hours=WEEKDAYS_9_TO_5)
    r = client.patch(f"/api/v1/reps/{rep.id}", headers=w.admin(), json={"hours": hours})
    assert r.status_code == 422 and r.json()["field"] == field
    assert (
        client.get(f"/api/v1/reps/{rep.id}", headers=w.admin()).json()["hours"] == WEEKDAYS_9_TO_5
    )


def test_unknown_time_zone_or_holiday_country_is_422_and_changes_nothing(client, engine):
    w = make_company(engine)
    r = client.patch("/api/v1/company", headers=w.admin(), json={"timezone": "Mars/Olympus"})
    assert r.status_code == 422 and r.json()["field"] == "timezone"
    region = {"holiday_region": {"country": "XX"}, "timezone": "Europe/London"}
    r = client.patch("/api/v1/company", headers=w.admin(), json=region)
    assert r.status_code == 422 and r.json()["field"] == "holiday_region.country"
    body = client.get("/api/v1/company", headers=w.admin()).json()
    assert body["timezone"] == "America/New_York" and body["holiday_region"] is None


def test_personal_hours_outside_company_hours_are_kept_with_a_plain_warning(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    hours = week(mon=[["08:00", "12:00"]], sat=[["10:00", "12:00"]])
    r = client.patch(f"/api/v1/reps/{rep.id}", headers=w.admin(), json={"hours": hours})
    assert r.status_code == 200
    assert r.json()["hours"] == hours
    assert r.json()["warnings"] == [
        "Mon 08:00–09:00 is outside company hours",
        "Sat 10:00–12:00 is outside company hours",
    ]


def test_rep_can_follow_company_hours_again_with_null(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana", hours=WEEKDAYS_9_TO_5)
    r = client.patch(f"/api/v1/reps/{rep.id}", headers=w.admin(), json={"hours": None})
    assert r.status_code == 200 and r.json()["hours"] is None and r.json()["warnings"] == []


# ---------- holidays ----------


def test_region_holidays_include_observed_days_and_custom_ones_are_listed(client, engine):
    w = make_company(engine)
    client.patch("/api/v1/company", headers=w.admin(), json={"holiday_region": {"country": "US"}})
    r = client.post(
        "/api/v1/holidays", headers=w.admin(), json={"date": "2026-12-24", "name": "Christmas Eve"}
    )
    assert r.status_code == 201
    assert r.json() == {"date": "2026-12-24", "name": "Christmas Eve", "source": "custom"}
    listed = client.get("/api/v1/holidays?year=2026", headers=w.admin()).json()
    assert {
        "date": "2026-07-03",
        "name": "Independence Day (observed)",
        "source": "region",
    } in listed
    assert {"date": "2026-12-24", "name": "Christmas Eve", "source": "custom"} in listed
    assert [h["date"] for h in listed] == sorted(h["date"] for h in listed)


def test_holiday_list_defaults_to_this_year_and_subdivision_adds_its_own(client, engine):
    w = make_company(engine, tz="Europe/London")
    region = {"holiday_region": {"country": "GB", "subdivision": "SCT"}}
    assert client.patch("/api/v1/company", headers=w.admin(), json=region).status_code == 200
    listed = client.get("/api/v1/holidays", headers=w.admin()).json()
    assert all(h["date"].startswith("2026-") for h in listed)
    assert "2026-01-02" in {h["date"] for h in listed}  # Scotland's 2 January


def test_custom_holiday_wins_over_a_region_holiday_on_the_same_date(client, engine):
    w = make_company(engine)
    client.patch("/api/v1/company", headers=w.admin(), json={"holiday_region": {"country": "US"}})
    client.post(
        "/api/v1/holidays", headers=w.admin(), json={"date": "2026-07-03", "name": "Summer"}
    )
    day = [
        h
        for h in client.get("/api/v1/holidays?year=2026", headers=w.admin()).json()
        if h["date"] == "2026-07-03"
    ]
    assert day == [{"date": "2026-07-03", "name": "Summer", "source": "custom"}]


def test_custom_holiday_is_removed_by_date_and_a_missing_one_is_404(client, engine):
    w = make_company(engine)
    client.post(
        "/api/v1/holidays", headers=w.admin(), json={"date": "2026-08-14", "name": "Offsite"}
    )
    assert client.delete("/api/v1/holidays/2026-08-14", headers=w.admin()).status_code == 204
    assert client.get("/api/v1/holidays?year=2026", headers=w.admin()).json() == []
    r = client.delete("/api/v1/holidays/2026-08-14", headers=w.admin())
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")


def test_second_custom_holiday_on_a_date_is_409(client, engine):
    w = make_company(engine)
    body = {"date": "2026-08-14", "name": "Offsite"}
    assert client.post("/api/v1/holidays", headers=w.admin(), json=body).status_code == 201
    assert client.post("/api/v1/holidays", headers=w.admin(), json=body).status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": "2026-02-30", "name": "Nope"}, "date"),
        ({"date": "tomorrow", "name": "Nope"}, "date"),
        ({"date": "2026-08-14", "name": ""}, "name"),
        ({"date": "2026-08-14", "name": "   "}, "name"),
        ({"date": "2026-08-14"}, "name"),
        ({"date": "9999-12-31", "name": "Far"}, "date"),
        ({"date": "2026-08-14", "name": "Offsite", "color": "red"}, "color"),
    ],
)
def test_bad_holiday_is_422_naming_the_field_and_stores_nothing(client, engine, body, field):
    w = make_company(engine)
    r = client.post("/api/v1/holidays", headers=w.admin(), json=body)
    assert r.status_code == 422, r.text
    assert names(r.json(), field)
    assert client.get("/api/v1/holidays?year=2026", headers=w.admin()).json() == []


def test_holiday_year_out_of_range_is_422(client, engine):
    w = make_company(engine)
    r = client.get("/api/v1/holidays?year=12026", headers=w.admin())
    assert r.status_code == 422 and r.json()["field"] == "year"


# ---------- time off ----------


def test_time_off_whole_day_range_and_part_day_round_trip(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    url = f"/api/v1/reps/{rep.id}/time-off"
    bodies = [
        {"date": "2026-03-20"},
        {"date": "2026-04-06", "end_date": "2026-04-10"},
        {"date": "2026-03-10", "start": "13:00", "end": "17:00"},
        {"date": "2026-03-11", "start": "18:00", "end": "24:00"},
    ]
    created = []
    for body in bodies:
        r = client.post(url, headers=w.admin(), json=body)
        assert r.status_code == 201, r.text
        created.append(r.json())
    assert created[0] | {"id": ""} == {
        "id": "",
        "date": "2026-03-20",
        "end_date": None,
        "start": None,
        "end": None,
        "all_day": True,
    }
    assert created[1]["end_date"] == "2026-04-10" and created[1]["all_day"] is True
    assert created[2]["start"] == "13:00" and created[2]["end"] == "17:00"
    assert created[2]["all_day"] is False and created[3]["end"] == "24:00"
    listed = client.get(url, headers=w.admin()).json()
    assert [t["date"] for t in listed] == ["2026-03-10", "2026-03-11", "2026-03-20", "2026-04-06"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": "2026-03-10", "start": "17:00", "end": "13:00"}, "end"),
        ({"date": "2026-03-10", "start": "13:00", "end": "13:00"}, "end"),
        ({"date": "2026-03-12", "end_date": "2026-03-10"}, "end_date"),
        ({"date": "2026-03-10", "start": "13:00"}, "end"),
        ({"date": "2026-03-10", "end": "13:00"}, "start"),
        (
            {"date": "2026-03-10", "end_date": "2026-03-11", "start": "09:00", "end": "12:00"},
            "end_date",
        ),
        ({"date": "2026-03-10", "start": "25:00", "end": "26:00"}, "start"),
        ({"date": "2026-03-10", "start": "24:00", "end": "24:00"}, "start"),
        ({"date": "2026-03-10", "start": "9am", "end": "12:00"}, "start"),
        ({"date": "2026-03-32"}, "date"),
        ({"date": "2026-03-10", "end_date": "9999-12-31"}, "end_date"),
        ({"end_date": "2026-03-10"}, "date"),
        ({"date": "2026-03-10", "reason": "dentist"}, "reason"),
    ],
)
def test_bad_time_off_is_422_naming_the_field_and_stores_nothing(client, engine, body, field):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    url = f"/api/v1/reps/{rep.id}/time-off"
    r = client.post(url, headers=w.admin(), json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert names(r.json(), field)
    assert client.get(url, headers=w.admin()).json() == []


def test_time_off_is_removed_and_ended_time_off_stays_in_history(client, engine, clock):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    url = f"/api/v1/reps/{rep.id}/time-off"
    upcoming = client.post(url, headers=w.admin(), json={"date": "2026-03-20"}).json()
    refused = client.post(url, headers=w.admin(), json={"date": "2026-03-02"})
    assert refused.status_code == 422 and "past" in refused.text  # a past day changes nothing
    past = {"id": make_time_off(w, rep, date(2026, 3, 2)).id}  # kept from when it was planned
    today = client.post(url, headers=w.admin(), json={"date": "2026-03-09"}).json()
    assert client.delete(f"{url}/{upcoming['id']}", headers=w.admin()).status_code == 204
    assert client.delete(f"{url}/{today['id']}", headers=w.admin()).status_code == 204
    assert client.delete(f"{url}/{past['id']}", headers=w.admin()).status_code == 409
    assert [t["id"] for t in client.get(url, headers=w.admin()).json()] == [past["id"]]
    assert client.delete(f"{url}/{upcoming['id']}", headers=w.admin()).status_code == 404


def test_another_companys_rep_and_time_off_are_not_found(client, engine):
    w = make_company(engine)
    other = make_company(engine, slug="other")
    rep = make_rep(w, "Dana")
    off = client.post(
        f"/api/v1/reps/{rep.id}/time-off", headers=w.admin(), json={"date": "2026-03-20"}
    ).json()
    base = f"/api/v1/reps/{rep.id}"
    assert client.get(f"{base}/time-off", headers=other.admin()).status_code == 404
    assert client.delete(f"{base}/time-off/{off['id']}", headers=other.admin()).status_code == 404
    assert client.get(f"{base}/availability", headers=other.assign()).status_code == 404
    assert client.delete("/api/v1/holidays/2026-03-20", headers=other.admin()).status_code == 404
    mate = make_rep(w, "Lee")
    r = client.delete(f"/api/v1/reps/{mate.id}/time-off/{off['id']}", headers=w.admin())
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/holidays", None),
        ("post", "/api/v1/holidays", {"date": "2026-08-14", "name": "Offsite"}),
        ("delete", "/api/v1/holidays/2026-08-14", None),
        ("get", "/api/v1/reps/{rep}/time-off", None),
        ("post", "/api/v1/reps/{rep}/time-off", {"date": "2026-03-20"}),
        ("delete", "/api/v1/reps/{rep}/time-off/x", None),
    ],
)
def test_holidays_and_time_off_need_the_admin_scope(client, engine, method, path, body):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    url = path.format(rep=rep.id)
    kw = {"json": body} if body is not None else {}
    assert getattr(client, method)(url, headers=w.assign(), **kw).status_code == 403
    assert getattr(client, method)(url, **kw).status_code == 401
