"""The Schedule tab and the managers' settings pages, through their forms (no JavaScript)."""

import re
from datetime import date

from sqlmodel import Session, select

from app.models import Company, Holiday, Rep, TimeOff
from tests.builders import make_company, make_rep, make_time_off
from tests.conftest import shared_fixtures
from tests.web.helpers import post, sign_in

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

HX = {"HX-Request": "true"}


def stored(engine, model, ident):
    with Session(engine) as s:
        return s.get(model, ident)


def hours_form(**days):
    """Editor fields: days={"mon": [("09:00", "17:00")], ...}; unnamed days are closed."""
    data: dict[str, list[str]] = {}
    for day, intervals in days.items():
        data[f"{day}_open"] = ["on"]
        data[f"{day}_start"] = [s for s, _ in intervals]
        data[f"{day}_end"] = [e for _, e in intervals]
    return data


def test_rep_sees_company_hours_read_only_and_follows_them_by_default(client, engine):
    w = make_company(engine)
    make_rep(w, "Dana")
    sign_in(client, "dana@acme.test")
    page = client.get("/schedule").text
    assert "Company hours" in page and "Mon–Fri" in page and "09:00–17:00" in page
    assert re.search(r'value="company" checked', page)
    assert 'name="mon_start"' not in page  # following: no editor rows


def test_rep_saves_own_hours_with_a_lunch_gap(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    sign_in(client, "dana@acme.test")
    form = {
        "mode": "own",
        "action": "save",
        **hours_form(mon=[("09:00", "12:00"), ("13:00", "17:00")], tue=[("10:00", "00:00")]),
    }
    r = post(client, "/schedule/hours", form)
    assert r.status_code == 303 and r.headers["location"] == "/schedule#hours"
    hours = stored(engine, Rep, rep.id).hours
    assert hours["mon"] == [["09:00", "12:00"], ["13:00", "17:00"]]
    assert hours["tue"] == [["10:00", "24:00"]] and hours["sat"] == []


def test_bad_hours_show_an_inline_message_and_store_nothing(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    sign_in(client, "dana@acme.test")
    form = {"mode": "own", **hours_form(wed=[("17:00", "09:00")])}
    r = post(client, "/schedule/hours", form)
    assert r.status_code == 422
    assert 'id="hours-wed-error"' in r.text and "Wednesday: Start must be before end" in r.text
    assert 'aria-invalid="true"' in r.text
    assert stored(engine, Rep, rep.id).hours is None


def test_overlapping_or_half_filled_intervals_are_refused_inline(client, engine):
    w = make_company(engine)
    make_rep(w, "Dana")
    sign_in(client, "dana@acme.test")
    overlap = {"mode": "own", **hours_form(mon=[("09:00", "13:00"), ("12:00", "17:00")])}
    assert (
        "Monday: Overlaps the interval before it" in post(client, "/schedule/hours", overlap).text
    )
    half = {"mode": "own", **hours_form(fri=[("09:00", "")])}
    r = post(client, "/schedule/hours", half)
    assert r.status_code == 422 and "Friday: Enter both a start and an end time." in r.text


def test_editor_actions_change_the_draft_but_store_nothing(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    sign_in(client, "dana@acme.test")
    base = {"mode": "own", **hours_form(mon=[("08:00", "12:00")])}
    added = post(client, "/schedule/hours", {**base, "action": "add:mon"}, headers=HX).text
    assert added.count('name="mon_start"') == 2 and 'value="13:00"' in added
    assert "<html" not in added  # htmx gets just the section
    copied = post(client, "/schedule/hours", {**base, "action": "copy"}, headers=HX).text
    assert copied.count('value="08:00"') == 5
    opened = post(client, "/schedule/hours", {**base, "action": "add:sat"}, headers=HX).text
    assert 'id="hours-sat-start-0"' in opened
    assert stored(engine, Rep, rep.id).hours is None


def test_warnings_name_parts_outside_company_hours(client, engine):
    w = make_company(engine)
    make_rep(w, "Dana")
    sign_in(client, "dana@acme.test")
    form = {"mode": "own", "action": "save", **hours_form(sat=[("10:00", "12:00")])}
    r = post(client, "/schedule/hours", form, headers=HX)
    assert r.status_code == 200 and "Hours saved." in r.text
    assert "Sat 10:00–12:00 is outside company hours" in r.text


def test_following_company_hours_clears_personal_hours(client, engine):
    w = make_company(engine)
    rep = make_rep(
        w,
        "Dana",
        hours={d: [["08:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    )
    sign_in(client, "dana@acme.test")
    r = post(client, "/schedule/hours", {"mode": "company", "action": "save"})
    assert r.status_code == 303
    assert stored(engine, Rep, rep.id).hours is None


def test_rep_adds_an_afternoon_off_and_sees_it_listed(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    sign_in(client, "dana@acme.test")
    form = {"kind": "part", "date": "2026-03-12", "start": "13:00", "end": "17:00"}
    r = post(client, "/schedule/time-off", form, headers=HX)
    assert r.status_code == 200 and "Time off added." in r.text
    assert "Thu 12 Mar, 13:00–17:00" in r.text
    with Session(engine) as s:
        (row,) = s.exec(select(TimeOff).where(TimeOff.rep_id == rep.id)).all()
    assert (row.start_min, row.end_min) == (13 * 60, 17 * 60)


def test_bad_time_off_shows_an_inline_message_and_stores_nothing(client, engine):
    w = make_company(engine)
    make_rep(w, "Dana")
    sign_in(client, "dana@acme.test")
    cases = [
        ({"kind": "part", "date": "2026-03-12", "start": "15:00", "end": "13:00"}, "off-end"),
        ({"kind": "range", "date": "2026-03-12", "end_date": "2026-03-10"}, "off-end-date"),
        ({"kind": "range", "date": "2026-03-12"}, "off-end-date"),
        ({"kind": "day", "date": ""}, "off-date"),
        ({"kind": "part", "date": "2026-03-12", "end": "13:00"}, "off-start"),
    ]
    for form, field_id in cases:
        r = post(client, "/schedule/time-off", form)
        assert r.status_code == 422, form
        assert f'id="{field_id}-error"' in r.text, form
    with Session(engine) as s:
        assert s.exec(select(TimeOff)).all() == []


def test_time_off_is_removed_and_past_entries_stay_as_history(client, engine):
    w = make_company(engine)
    dana = make_rep(w, "Dana")
    sign_in(client, "dana@acme.test")
    r = post(client, "/schedule/time-off", {"kind": "day", "date": "2026-03-02"}, headers=HX)
    assert r.status_code == 422 and "That day has passed: pick today or later." in r.text
    make_time_off(w, dana, date(2026, 3, 2))  # planned back then, now history
    post(
        client,
        "/schedule/time-off",
        {"kind": "range", "date": "2026-03-16", "end_date": "2026-03-18"},
    )
    page = client.get("/schedule").text
    assert "Past (1)" in page and "Mon 16 Mar – Wed 18 Mar" in page and "3 days" in page
    with Session(engine) as s:
        past, upcoming = sorted(s.exec(select(TimeOff)).all(), key=lambda t: t.day)
    assert f"/schedule/time-off/{past.id}/delete" not in page
    r = post(client, f"/schedule/time-off/{upcoming.id}/delete")
    assert r.status_code == 303
    r = post(client, f"/schedule/time-off/{past.id}/delete", headers=HX)
    assert r.status_code == 409 and "stays in the history" in r.text
    assert stored(engine, TimeOff, upcoming.id) is None
    assert stored(engine, TimeOff, past.id) is not None


def test_kind_of_time_off_is_picked_by_link_and_htmx_gets_the_section(client, engine):
    w = make_company(engine)
    make_rep(w, "Dana")
    sign_in(client, "dana@acme.test")
    assert 'id="off-start"' in client.get("/schedule?off=part").text
    r = client.get("/schedule?off=range", headers={**HX, "HX-Target": "time-off"})
    assert 'id="off-end-date"' in r.text and "<html" not in r.text


def test_new_calendar_link_revokes_the_old_one(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    sign_in(client, "dana@acme.test")
    old = re.search(r'id="calendar-url" type="url" value="([^"]+)"', client.get("/schedule").text)[
        1
    ]
    assert client.get(old.replace("http://testserver", "")).status_code == 200
    r = post(client, "/schedule/calendar-key", headers=HX)
    assert "The old link no longer works" in r.text
    assert stored(engine, Rep, rep.id).calendar_key_version == 2
    assert client.get(old.replace("http://testserver", "")).status_code == 404


def test_rep_cannot_open_manager_settings(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    sign_in(client, "dana@acme.test")
    assert client.get("/settings/company").status_code == 403
    assert (
        post(client, "/settings/company/hours", hours_form(sat=[("10:00", "14:00")])).status_code
        == 403
    )
    assert client.get(f"/settings/reps/{rep.id}/time-off").status_code == 403
    assert client.get(f"/settings/time-off?rep={rep.id}", follow_redirects=False).status_code == 403
    assert stored(engine, Company, w.company.id).hours["sat"] == []


def test_manager_opens_and_closes_saturday(client, engine):
    w = make_company(engine)
    sign_in(client, "boss@acme.test")
    weekdays = {d: [("09:00", "17:00")] for d in ("mon", "tue", "wed", "thu", "fri")}
    r = post(client, "/settings/company/hours", hours_form(**weekdays, sat=[("10:00", "14:00")]))
    assert r.status_code == 303
    assert stored(engine, Company, w.company.id).hours["sat"] == [["10:00", "14:00"]]
    r = post(client, "/settings/company/hours", hours_form(**weekdays), headers=HX)
    assert r.status_code == 200 and "Company hours saved." in r.text
    assert stored(engine, Company, w.company.id).hours["sat"] == []


def test_manager_sets_region_and_bad_country_is_refused_inline(client, engine):
    w = make_company(engine)
    sign_in(client, "boss@acme.test")
    r = post(
        client,
        "/settings/company/region",
        {"timezone": "America/Chicago", "country": "US", "subdivision": "TX"},
    )
    assert r.status_code == 303
    company = stored(engine, Company, w.company.id)
    assert (company.timezone, company.holiday_country, company.holiday_subdivision) == (
        "America/Chicago",
        "US",
        "TX",
    )
    r = post(client, "/settings/company/region", {"timezone": "Mars/Base", "country": "US"})
    assert r.status_code == 422 and 'id="region-timezone-error"' in r.text
    r = post(
        client,
        "/settings/company/region",
        {"timezone": "UTC", "country": "GB", "subdivision": "TX"},
    )
    assert r.status_code == 422 and "Unknown subdivision" in r.text
    assert stored(engine, Company, w.company.id).timezone == "America/Chicago"
    page = client.get("/settings/company?year=2026").text
    assert "Independence Day (observed)" in page and "Texas (TX)" in page


def test_country_change_offers_its_subdivisions(client, engine):
    make_company(engine)
    sign_in(client, "boss@acme.test")
    r = client.get(
        "/settings/company?country=GB&timezone=Europe/London",
        headers={**HX, "HX-Target": "company-region"},
    )
    assert "Scotland (SCT)" in r.text and "<html" not in r.text


def test_manager_adds_and_removes_a_custom_holiday(client, engine):
    w = make_company(engine)
    sign_in(client, "boss@acme.test")
    r = post(client, "/settings/company/holidays", {"date": "2026-08-14", "name": "Offsite"})
    assert r.status_code == 303
    assert "Offsite" in client.get("/settings/company?year=2026").text
    r = post(client, "/settings/company/holidays", {"date": "2026-08-14", "name": "Again"})
    assert r.status_code == 422 and "already a custom holiday" in r.text
    r = post(client, "/settings/company/holidays", {"date": "2026-08-15", "name": " "})
    assert r.status_code == 422 and 'id="holiday-name-error"' in r.text
    r = post(client, "/settings/company/holidays/2026-08-14/delete", headers=HX)
    assert r.status_code == 200 and "Holiday removed." in r.text
    with Session(engine) as s:
        assert s.exec(select(Holiday).where(Holiday.company_id == w.company.id)).all() == []


def test_manager_adds_time_off_for_a_rep_in_the_reps_zone(client, engine):
    w = make_company(engine)
    rep = make_rep(w, "Priya", timezone="Europe/London")
    sign_in(client, "boss@acme.test")
    r = client.get(f"/settings/time-off?rep={rep.id}", follow_redirects=False)
    assert r.headers["location"] == f"/settings/reps/{rep.id}/time-off"
    page = client.get(r.headers["location"]).text
    assert "Time off for Priya" in page and "Europe/London" in page
    url = f"/settings/reps/{rep.id}/time-off"
    r = post(client, url, {"kind": "range", "date": "2026-04-06", "end_date": "2026-04-10"})
    assert r.status_code == 303
    with Session(engine) as s:
        (row,) = s.exec(select(TimeOff).where(TimeOff.rep_id == rep.id)).all()
    assert (row.day.isoformat(), row.end_date.isoformat()) == ("2026-04-06", "2026-04-10")
    r = post(client, f"{url}/{row.id}/delete", headers=HX)
    assert r.status_code == 200 and "Time off removed." in r.text


def test_manager_cannot_reach_another_companys_rep(client, engine):
    make_company(engine)
    other = make_company(engine, slug="other")
    stranger = make_rep(other, "Stranger")
    sign_in(client, "boss@acme.test")
    assert client.get(f"/settings/reps/{stranger.id}/time-off").status_code == 404
    r = post(
        client, f"/settings/reps/{stranger.id}/time-off", {"kind": "day", "date": "2026-04-06"}
    )
    assert r.status_code == 404


def test_holiday_years_are_paged_with_htmx_fragments(client, engine):
    make_company(engine)
    sign_in(client, "boss@acme.test")
    post(client, "/settings/company/holidays", {"date": "2027-01-04", "name": "Kickoff"})
    r = client.get("/settings/company?year=2027", headers={**HX, "HX-Target": "holidays"})
    assert "Kickoff" in r.text and "<html" not in r.text and "‹ 2026" in r.text
    assert "Kickoff" not in client.get("/settings/company?year=2026").text


def test_someone_elses_time_off_is_not_found_from_the_schedule_tab(client, engine):
    w = make_company(engine)
    make_rep(w, "Dana")
    lee = make_rep(w, "Lee")
    sign_in(client, "lee@acme.test")
    post(client, "/schedule/time-off", {"kind": "day", "date": "2026-03-20"})
    with Session(engine) as s:
        (theirs,) = s.exec(select(TimeOff).where(TimeOff.rep_id == lee.id)).all()
    client.cookies.clear()
    sign_in(client, "dana@acme.test")
    assert post(client, f"/schedule/time-off/{theirs.id}/delete").status_code == 404
    assert stored(engine, TimeOff, theirs.id) is not None
