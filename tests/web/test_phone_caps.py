"""The Phone tab tells a capped rep their count today, in the company's day."""

from datetime import UTC, datetime

from sqlmodel import Session

from app.db import transaction
from app.models import Company, Rep, TeamMember, Turn
from app.views import phone
from tests.builders import make_company, make_rep, make_team
from tests.web.helpers import sign_in

# 2026-03-08 is the day New York moves its clocks forward (02:00 → 03:00).
MIDNIGHT_PAST = datetime(2026, 3, 8, 5, 30, tzinfo=UTC)  # 00:30 in New York, 05:30 UTC
LAST_NIGHT = datetime(2026, 3, 8, 4, 30, tzinfo=UTC)  # 23:30 on the 7th in New York


def _scene(engine, lead_cap=5, call_cap=None):
    w = make_company(engine)
    sam, lee = make_rep(w, "Sam"), make_rep(w, "Lee")
    team = make_team(w, "sales", [sam, lee])
    with transaction(engine) as s:
        tm = s.get(TeamMember, (team.id, sam.id))
        tm.cap_lead, tm.cap_call = lead_cap, call_cap
        s.add(tm)
    return w, team, sam


def _turn(engine, team, rep, kind, day, count, at):
    with transaction(engine) as s:
        s.add(Turn(team_id=team.id, kind=kind, rep_id=rep.id, last_seq=count, last_at=at, day=day,
                   day_count=count))  # fmt: skip


def _caps(engine, w, sam, now):
    with Session(engine) as s:
        v = phone.view(s, s.get(Company, w.company.id), s.get(Rep, sam.id), now)
        return [t.caps for t in v.teams]


def test_a_turn_late_yesterday_in_the_company_zone_does_not_count_today(engine):
    w, team, sam = _scene(engine)
    _turn(engine, team, sam, "lead", "2026-03-07", 3, LAST_NIGHT)  # same UTC date as now
    assert _caps(engine, w, sam, MIDNIGHT_PAST) == [["Leads today: 0 of 5"]]
    assert _caps(engine, w, sam, LAST_NIGHT) == [["Leads today: 3 of 5"]]


def test_todays_turns_count_against_each_cap_set(engine):
    w, team, sam = _scene(engine, lead_cap=5, call_cap=0)
    _turn(engine, team, sam, "lead", "2026-03-08", 2, MIDNIGHT_PAST)
    assert _caps(engine, w, sam, MIDNIGHT_PAST) == [["Leads today: 2 of 5", "Calls today: 0 of 0"]]


def test_no_cap_no_line(engine):
    w, team, sam = _scene(engine, lead_cap=None)
    _turn(engine, team, sam, "lead", "2026-03-08", 2, MIDNIGHT_PAST)
    assert _caps(engine, w, sam, MIDNIGHT_PAST) == [[]]


def test_the_phone_tab_shows_the_count(client, engine, clock):
    w, team, sam = _scene(engine)
    _turn(engine, team, sam, "lead", "2026-03-09", 3, clock.fixed)
    assert sign_in(client, "sam@acme.test").status_code == 303
    assert "Leads today: 3 of 5" in client.get("/").text
