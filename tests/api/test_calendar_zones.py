"""Calendar feeds against routing and zoneinfo (issue 9): zones, DST days, names, holidays."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from app.db import transaction
from app.domain import hours as h
from app.models import Rep
from app.services import calendar_feed, team_calendar
from tests.builders import make_company, make_holiday, make_rep, make_team, make_time_off
from tests.conftest import shared_fixtures

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

SECRET = "t" * 64
NINE_TO_FIVE = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
WEEK = {**NINE_TO_FIVE, "sat": [], "sun": []}


def rep_feed(client, rep: Rep) -> Calendar:
    key = calendar_feed.calendar_key(SECRET, rep)
    r = client.get(f"/api/v1/reps/{rep.id}/calendar.ics?key={key}")
    assert r.status_code == 200, r.text
    return Calendar.from_ical(r.content)


def team_feed(client, team) -> tuple[bytes, Calendar]:
    key = team_calendar.team_calendar_key(SECRET, team)
    r = client.get(f"/api/v1/teams/{team.slug}/calendar.ics?key={key}")
    assert r.status_code == 200, r.text
    return r.content, Calendar.from_ical(r.content)


def named(cal: Calendar, start: str) -> list:
    return [e for e in cal.walk("VEVENT") if str(e["SUMMARY"]).startswith(start)]


@pytest.mark.parametrize(
    "zone", ["America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata"]
)
def test_vtimezone_onsets_are_the_instants_zoneinfo_changes_at(client, engine, zone):
    w = make_company(engine, tz=zone)
    (vtz,) = rep_feed(client, make_rep(w, "Dana", timezone=zone)).walk("VTIMEZONE")
    tz = ZoneInfo(zone)
    onsets = []
    for part in vtz.subcomponents:
        before, after = part.decoded("TZOFFSETFROM"), part.decoded("TZOFFSETTO")
        at = (part.decoded("DTSTART") - before).replace(tzinfo=UTC)  # DTSTART: wall time before
        assert datetime.fromtimestamp(at.timestamp() - 1, tz).utcoffset() == before
        assert at.astimezone(tz).utcoffset() == after
        assert (part.name == "DAYLIGHT") == bool(at.astimezone(tz).dst())
        if before != after:
            onsets.append(at)
    # every change of 2026 and 2027 is there
    t, expected = datetime(2026, 1, 1, tzinfo=UTC), []
    while t < datetime(2028, 1, 1, tzinfo=UTC):
        if t.astimezone(tz).utcoffset() != (t + timedelta(hours=1)).astimezone(tz).utcoffset():
            expected.append(t)
        t += timedelta(hours=1)
    found = [a for a in onsets if 2026 <= a.year <= 2027]
    assert [a.replace(minute=0) - timedelta(hours=1) for a in found] == expected
    assert bool(expected) == (zone != "Asia/Kolkata")


def test_a_new_york_spring_onset_is_two_in_the_morning_standard_time(client, engine):
    w = make_company(engine)
    (vtz,) = rep_feed(client, make_rep(w, "Dana")).walk("VTIMEZONE")
    spring = [p for p in vtz.walk("DAYLIGHT") if p.decoded("DTSTART").year == 2026]
    assert [p.decoded("DTSTART") for p in spring] == [datetime(2026, 3, 8, 2, 0)]


def test_holidays_are_the_companys_day_in_the_companys_zone(client, engine):
    w = make_company(engine)  # New York
    make_holiday(w, date(2026, 11, 26), "Thanksgiving")
    cal = rep_feed(client, make_rep(w, "Asha", timezone="Asia/Kolkata"))
    (day,) = named(cal, "Company holiday: Thanksgiving")
    assert day["DTSTART"].params["TZID"] == "America/New_York"
    ny = ZoneInfo("America/New_York")
    assert day.decoded("DTSTART") == datetime(2026, 11, 26, tzinfo=ny)
    assert day.decoded("DTEND") == datetime(2026, 11, 27, tzinfo=ny)
    assert "America/New_York" in [str(z["TZID"]) for z in cal.walk("VTIMEZONE")]


def test_team_feed_time_off_is_the_members_day_in_the_members_zone(client, engine):
    w = make_company(engine)
    asha = make_rep(w, "Asha", timezone="Asia/Kolkata")
    team = make_team(w, "sales", [asha])
    make_time_off(w, asha, date(2026, 4, 6), date(2026, 4, 7))
    _raw, cal = team_feed(client, team)
    (off,) = named(cal, "Asha off")
    kolkata = ZoneInfo("Asia/Kolkata")
    assert off["DTSTART"].params["TZID"] == "Asia/Kolkata"
    assert off.decoded("DTSTART") == datetime(2026, 4, 6, tzinfo=kolkata)
    assert off.decoded("DTEND") == datetime(2026, 4, 8, tzinfo=kolkata)


def test_personal_hours_outside_company_hours_are_flagged_not_routed(client, engine):
    w = make_company(engine)
    mine = {**WEEK, "mon": [["08:00", "18:00"]], "sat": [["10:00", "12:00"]]}
    cal = rep_feed(client, make_rep(w, "Dana", hours=mine))
    spans = {
        (str(e["SUMMARY"]), str(e["RRULE"].to_ical().decode()), e.decoded("DTSTART").hour,
         e.decoded("DTEND").hour)
        for e in named(cal, "Working hours")
    }  # fmt: skip
    outside = f"Working hours {calendar_feed.OUTSIDE}"
    assert spans == {
        ("Working hours", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", 9, 17),
        (outside, "FREQ=WEEKLY;BYDAY=MO", 8, 9),
        (outside, "FREQ=WEEKLY;BYDAY=MO", 17, 18),
        (outside, "FREQ=WEEKLY;BYDAY=SA", 10, 12),
    }


def test_control_characters_in_stored_names_never_reach_the_feed_raw(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    team = make_team(w, "sales", [rep])
    with transaction(engine) as s:
        s.get(Rep, rep.id).name = "Dana\nEVIL:1\rX, Jr.; ok"  # stored before names were checked
        team_row = s.get(type(team), team.id)
        team_row.name = "Sales\r\nBEGIN:VEVENT, west; east"
    raw, cal = team_feed(client, team)
    text = raw.decode()
    assert "\r\nBEGIN:VEVENT, west" not in text and "\nEVIL" not in text
    assert "NAME:OnDeck: Sales  BEGIN:VEVENT\\, west\\; east\r\n" in text
    assert "X-WR-CALNAME:OnDeck: Sales  BEGIN:VEVENT\\, west\\; east\r\n" in text
    assert len(cal.walk("VEVENT")) == len(named(cal, "Dana EVIL:1 X, Jr.; ok working")) + len(
        named(cal, "Company holiday")
    )
    rep_cal = rep_feed(client, rep)
    assert "OnDeck: Dana EVIL:1 X\\, Jr.\\; ok" in rep_cal.to_ical().decode()


@pytest.mark.parametrize("day", [date(2026, 11, 1), date(2027, 3, 14), date(2030, 3, 10)])
def test_recurring_hours_on_dst_days_end_where_routing_ends_them(client, engine, day):
    w = make_company(engine)
    sunday = {**WEEK, "sun": [["01:00", "05:00"]]}
    rep = make_rep(w, "Dana", hours=sunday)
    with transaction(engine) as s:  # company open Sundays too, so nothing is flagged
        s.get(type(w.company), w.company.id).hours = {**WEEK, "sun": [["00:00", "24:00"]]}
    cal = rep_feed(client, rep)
    ny = ZoneInfo("America/New_York")
    events = [e for e in named(cal, "Working hours") if "SU" in e.get("UID", "")]
    master = [e for e in events if "RECURRENCE-ID" not in e]
    assert len(master) == 1 and master[0].decoded("DTEND") - master[0].decoded("DTSTART") == (
        timedelta(hours=4)
    )
    (moved,) = [e for e in events if e.get("RECURRENCE-ID") and e.decoded("DTSTART").date() == day]
    expected = h.local_intervals(h.WeeklyHours.from_json(sunday), ny, day)
    utc = [(moved.decoded("DTSTART").astimezone(UTC), moved.decoded("DTEND").astimezone(UTC))]
    assert utc == expected  # (aware times in a fold compare unequal across zones: compare UTC)
    assert moved.decoded("RECURRENCE-ID") == moved.decoded("DTSTART")
