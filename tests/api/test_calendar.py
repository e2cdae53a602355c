"""The private calendar feed: recurring weekly hours, time off, holidays; a revocable key."""

from datetime import date, datetime, timedelta

from dateutil.rrule import rrulestr
from icalendar import Calendar

from app.db import transaction
from app.models import Rep
from app.services import calendar_feed
from tests.builders import make_company, make_rep
from tests.conftest import shared_fixtures

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

SECRET = "t" * 64  # the test settings' secret key
WEEKDAYS_9_TO_5 = {
    **{d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
    "sat": [],
    "sun": [],
}


def feed_url(rep: Rep) -> str:
    return f"/api/v1/reps/{rep.id}/calendar.ics?key={calendar_feed.calendar_key(SECRET, rep)}"


def fetch(client, rep: Rep) -> Calendar:
    r = client.get(feed_url(rep))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/calendar")
    return Calendar.from_ical(r.content)


def events(cal: Calendar, summary: str) -> list:
    return [e for e in cal.walk("VEVENT") if str(e["SUMMARY"]).startswith(summary)]


def test_weekly_hours_are_one_recurring_event_in_the_reps_zone(client, engine):
    w = make_company(engine, tz="Europe/London")
    lunch = {**WEEKDAYS_9_TO_5, "mon": [["09:00", "12:00"], ["13:00", "17:00"]]}
    rep = make_rep(w, "Priya", timezone="Europe/London", hours=lunch)
    cal = fetch(client, rep)
    hours = events(cal, "Working hours")
    rules = sorted(e["RRULE"].to_ical().decode() for e in hours)
    assert rules == [
        "FREQ=WEEKLY;BYDAY=MO",
        "FREQ=WEEKLY;BYDAY=MO",
        "FREQ=WEEKLY;BYDAY=TU,WE,TH,FR",
    ]
    for event in hours:
        assert event["DTSTART"].params["TZID"] == "Europe/London"
        assert event.decoded("DTSTART").tzinfo is not None
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]


def test_recurring_hours_keep_wall_clock_time_across_the_dst_change(client, engine):
    w = make_company(engine, tz="Europe/London")
    rep = make_rep(w, "Priya")  # follows company hours, Mon–Fri 09:00–17:00 London
    (event,) = events(fetch(client, rep), "Working hours")
    start = event.decoded("DTSTART")
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
    mondays = [
        t for t in rule.between(start, start + timedelta(days=28), inc=True) if t.weekday() == 0
    ]
    assert [(t.date(), t.hour, t.utcoffset()) for t in mondays[2:4]] == [
        (date(2026, 3, 23), 9, timedelta(0)),
        (date(2026, 3, 30), 9, timedelta(hours=1)),
    ]


def test_a_rep_following_company_hours_gets_them_in_the_company_zone(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Priya", timezone="Europe/London")
    cal = fetch(client, rep)
    (event,) = events(cal, "Working hours")
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event.decoded("DTSTART").hour == 9 and event.decoded("DTEND").hour == 17
    assert sorted(tz["TZID"] for tz in cal.walk("VTIMEZONE")) == [
        "America/New_York",
        "Europe/London",
    ]


def test_an_interval_ending_at_midnight_ends_at_the_next_days_start(client, engine):
    w = make_company(engine)
    hours = {**WEEKDAYS_9_TO_5, "fri": [["18:00", "24:00"]]}
    rep = make_rep(w, "Dana", hours=hours)
    (late,) = [
        e
        for e in events(fetch(client, rep), "Working hours")
        if "FR" in str(e["RRULE"].to_ical()) and e.decoded("DTSTART").hour == 18
    ]
    assert late.decoded("DTEND") - late.decoded("DTSTART") == timedelta(hours=6)
    assert late.decoded("DTEND").hour == 0


def test_time_off_whole_days_and_part_days_are_in_the_feed(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana", timezone="America/Chicago")
    url = f"/api/v1/reps/{rep.id}/time-off"
    client.post(url, headers=w.admin(), json={"date": "2026-04-06", "end_date": "2026-04-08"})
    client.post(
        url, headers=w.admin(), json={"date": "2026-03-10", "start": "13:00", "end": "17:00"}
    )
    offs = sorted(events(fetch(client, rep), "Time off"), key=lambda e: str(e.decoded("DTSTART")))
    assert len(offs) == 2
    afternoon, days = offs
    assert afternoon["DTSTART"].params["TZID"] == "America/Chicago"
    assert afternoon.decoded("DTSTART").replace(tzinfo=None) == datetime(2026, 3, 10, 13, 0)
    assert afternoon.decoded("DTEND").replace(tzinfo=None) == datetime(2026, 3, 10, 17, 0)
    # whole days are all-day events; DTEND is exclusive
    assert days.decoded("DTSTART") == date(2026, 4, 6) and days.decoded("DTEND") == date(2026, 4, 9)


def test_company_holidays_region_and_custom_are_all_day_events(client, engine):
    w = make_company(engine)
    client.patch("/api/v1/company", headers=w.admin(), json={"holiday_region": {"country": "US"}})
    client.post("/api/v1/holidays", headers=w.admin(), json={"date": "2026-12-24", "name": "Eve"})
    rep = make_rep(w, "Dana")
    holidays = {  # the company's day, 00:00–24:00 in its zone (test_calendar_zones.py)
        e.decoded("DTSTART").date(): str(e["SUMMARY"])
        for e in events(fetch(client, rep), "Company")
    }
    assert holidays[date(2026, 7, 3)] == "Company holiday: Independence Day (observed)"
    assert holidays[date(2026, 12, 24)] == "Company holiday: Eve"
    assert date(2027, 1, 1) in holidays  # next year's too, for planning ahead


def test_every_event_has_a_stable_unique_uid_and_a_dtstamp(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    client.post(f"/api/v1/reps/{rep.id}/time-off", headers=w.admin(), json={"date": "2026-03-20"})
    client.post("/api/v1/holidays", headers=w.admin(), json={"date": "2026-12-24", "name": "Eve"})
    cal = fetch(client, rep)
    uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
    assert len(uids) == len(set(uids)) == 3 and all(rep.id in uid for uid in uids)
    assert all("DTSTAMP" in e for e in cal.walk("VEVENT"))
    assert cal["VERSION"] == "2.0" and "PRODID" in cal
    assert uids == [str(e["UID"]) for e in fetch(client, rep).walk("VEVENT")]


def test_a_wrong_or_missing_key_is_not_found(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    other = make_rep(w, "Lee")
    assert client.get(f"/api/v1/reps/{rep.id}/calendar.ics").status_code == 404
    assert client.get(f"/api/v1/reps/{rep.id}/calendar.ics?key=nope").status_code == 404
    stolen = calendar_feed.calendar_key(SECRET, other)
    assert client.get(f"/api/v1/reps/{rep.id}/calendar.ics?key={stolen}").status_code == 404
    assert client.get("/api/v1/reps/nobody/calendar.ics?key=x").status_code == 404


def test_a_new_link_revokes_the_old_one(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    old = feed_url(rep)
    with transaction(engine) as s:
        fresh = s.get(Rep, rep.id)
        calendar_feed.new_calendar_key(s, fresh)
    assert client.get(old).status_code == 404
    assert client.get(feed_url(fresh)).status_code == 200


def test_a_deactivated_reps_feed_is_gone(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    assert client.delete(f"/api/v1/reps/{rep.id}", headers=w.admin()).status_code == 204
    assert client.get(feed_url(rep)).status_code == 404
