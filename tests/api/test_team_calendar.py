"""A team's private calendar feed: each member's hours and time off, holidays once; its own key."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar
from sqlmodel import Session

from app.db import transaction
from app.models import Team
from app.services import calendar_feed, team_calendar
from tests.api.test_calendar import SECRET, WEEKDAYS_9_TO_5, events
from tests.builders import make_company, make_holiday, make_rep, make_team, make_time_off
from tests.conftest import shared_fixtures

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module


def team_url(team: Team, key: str | None = None) -> str:
    key = team_calendar.team_calendar_key(SECRET, team) if key is None else key
    return f"/api/v1/teams/{team.slug}/calendar.ics?key={key}"


def fetch(client, team: Team) -> Calendar:
    r = client.get(team_url(team))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"  # one charset, not two
    return Calendar.from_ical(r.content)


def summaries(cal: Calendar) -> list[str]:
    return sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT"))


def fresh(engine, team: Team) -> Team:
    with Session(engine) as s:
        row = s.get(Team, team.id)
        assert row is not None
        return row


def test_team_feed_lists_each_members_hours_and_time_off_and_the_company_holiday(client, engine):
    w = make_company(engine)
    dana = make_rep(w, "Dana")  # follows company hours
    afternoons = {d: [["15:00", "17:00"]] if spans else [] for d, spans in WEEKDAYS_9_TO_5.items()}
    # inside New York's 09:00–17:00 in London (nothing flagged as outside company hours)
    priya = make_rep(w, "Priya", timezone="Europe/London", hours=afternoons)
    team = make_team(w, "sales", [dana, priya])
    make_time_off(w, dana, date(2026, 4, 6), end_date=date(2026, 4, 8))
    make_time_off(w, priya, date(2026, 3, 10), start_min=13 * 60, end_min=17 * 60)
    make_holiday(w, date(2026, 12, 24), "Eve")
    cal = fetch(client, team)
    assert summaries(cal) == [
        "Company holiday: Eve",
        "Dana off",
        "Dana working",
        "Priya off",
        "Priya working",
    ]
    (dana_hours,) = events(cal, "Dana working")
    (priya_hours,) = events(cal, "Priya working")
    assert dana_hours["DTSTART"].params["TZID"] == "America/New_York"
    assert priya_hours["DTSTART"].params["TZID"] == "Europe/London"
    assert priya_hours["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    (days,) = events(cal, "Dana off")
    # whole days off are the member's days in the member's zone, not floating dates
    ny = ZoneInfo("America/New_York")
    assert days["DTSTART"].params["TZID"] == "America/New_York"
    assert (days.decoded("DTSTART"), days.decoded("DTEND")) == (
        datetime(2026, 4, 6, tzinfo=ny),
        datetime(2026, 4, 9, tzinfo=ny),
    )
    (part,) = events(cal, "Priya off")
    assert part["DTSTART"].params["TZID"] == "Europe/London"
    assert part.decoded("DTSTART").replace(tzinfo=None) == datetime(2026, 3, 10, 13, 0)
    assert sorted(tz["TZID"] for tz in cal.walk("VTIMEZONE")) == [
        "America/New_York",
        "Europe/London",
    ]
    assert cal["VERSION"] == "2.0" and cal["X-WR-CALNAME"] == "OnDeck: Sales"


def test_members_not_taking_part_or_deactivated_are_left_out(client, engine):
    w = make_company(engine)
    dana, lee, kim = make_rep(w, "Dana"), make_rep(w, "Lee"), make_rep(w, "Kim")
    team = make_team(w, "sales", [dana, lee, kim])
    url = f"/api/v1/teams/sales/members/{lee.id}"
    assert client.put(url, headers=w.admin(), json={"taking_part": False}).status_code == 200
    assert client.delete(f"/api/v1/reps/{kim.id}", headers=w.admin()).status_code == 204
    assert summaries(fetch(client, team)) == ["Dana working"]


def test_a_team_with_its_own_schedule_shows_in_office_and_lunch_hours(client, engine):
    w = make_company(engine)
    lunch = {**{d: [] for d in WEEKDAYS_9_TO_5}, "mon": [["12:00", "13:00"]]}
    team = make_team(w, "sales", [], schedule={"in_office": WEEKDAYS_9_TO_5, "lunch": lunch})
    cal = fetch(client, team)
    (office,) = events(cal, "Sales in office")
    (at_lunch,) = events(cal, "Sales at lunch")
    assert office["DTSTART"].params["TZID"] == "America/New_York"
    assert at_lunch["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO"
    assert at_lunch.decoded("DTSTART").hour == 12


def test_team_feed_uids_are_stable_unique_and_apart_from_the_members_own_feeds(client, engine):
    w = make_company(engine)
    dana, lee = make_rep(w, "Dana"), make_rep(w, "Lee")
    team = make_team(w, "sales", [dana, lee])
    make_holiday(w, date(2026, 12, 24), "Eve")
    uids = [str(e["UID"]) for e in fetch(client, team).walk("VEVENT")]
    assert len(uids) == len(set(uids)) == 3  # two members' hours (alike) and the holiday
    assert uids == [str(e["UID"]) for e in fetch(client, team).walk("VEVENT")]
    key = calendar_feed.calendar_key(SECRET, dana)
    own = client.get(f"/api/v1/reps/{dana.id}/calendar.ics?key={key}")
    assert not set(uids) & {str(e["UID"]) for e in Calendar.from_ical(own.content).walk("VEVENT")}


def test_a_wrong_or_missing_team_key_is_not_found(client, engine):
    w = make_company(engine)
    dana = make_rep(w, "Dana")
    sales, support = make_team(w, "sales", [dana]), make_team(w, "support", [dana])
    assert client.get("/api/v1/teams/sales/calendar.ics").status_code == 404
    assert client.get(team_url(sales, "nope")).status_code == 404
    other = team_calendar.team_calendar_key(SECRET, support)
    assert client.get(team_url(sales, other)).status_code == 404
    rep_key = calendar_feed.calendar_key(SECRET, dana)
    assert client.get(team_url(sales, rep_key)).status_code == 404
    r = client.get("/api/v1/teams/nobody/calendar.ics?key=x")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")


def test_a_new_team_link_revokes_the_old_one(client, engine):
    w = make_company(engine)
    team = make_team(w, "sales", [make_rep(w, "Dana")])
    old = team_url(team)
    with transaction(engine) as s:
        row = s.get(Team, team.id)
        assert row is not None
        team_calendar.new_team_calendar_key(s, row)
    assert client.get(old).status_code == 404
    assert client.get(team_url(fresh(engine, team))).status_code == 200


def test_another_companys_team_is_not_found_with_a_valid_looking_key(client, engine):
    mine, theirs = make_company(engine, "acme"), make_company(engine, "globex")
    sales = make_team(mine, "sales", [make_rep(mine, "Dana")])
    make_team(theirs, "support", [make_rep(theirs, "Stranger")])
    mine_key = team_calendar.team_calendar_key(SECRET, sales)
    assert client.get(f"/api/v1/teams/support/calendar.ics?key={mine_key}").status_code == 404


def test_two_companies_teams_with_one_slug_each_open_with_their_own_key(client, engine):
    mine, theirs = make_company(engine, "acme"), make_company(engine, "globex")
    ours = make_team(mine, "sales", [make_rep(mine, "Dana")])
    their = make_team(theirs, "sales", [make_rep(theirs, "Stranger")])
    assert summaries(fetch(client, ours)) == ["Dana working"]
    assert summaries(fetch(client, their)) == ["Stranger working"]


def test_a_deleted_teams_feed_is_gone_even_when_the_slug_is_used_again(client, engine):
    w = make_company(engine)
    dana = make_rep(w, "Dana")
    old = team_url(make_team(w, "sales", [dana]))
    assert client.delete("/api/v1/teams/sales", headers=w.admin()).status_code == 204
    assert client.get(old).status_code == 404
    again = make_team(w, "sales", [dana])
    assert client.get(old).status_code == 404
    assert client.get(team_url(again)).status_code == 200


def test_the_team_feed_is_documented_without_a_token_and_with_a_404_problem(client):
    doc = client.get("/schema/openapi.json").json()
    op = doc["paths"]["/api/v1/teams/{slug}/calendar.ics"]["get"]
    assert "text/calendar" in op["responses"]["200"]["content"]
    assert "application/problem+json" in op["responses"]["404"]["content"]
    assert [p["name"] for p in op["parameters"] if p["in"] == "query"] == ["key"]
    assert not op.get("security")
