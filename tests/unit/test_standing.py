"""The one eligibility engine: a team at an instant, member by member, agrees with the rules."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import hours as h
from app.domain import presence as p
from app.domain import routing as r
from app.domain import standing as s
from tests.unit.test_hours import instants, time_offs, weekly_hours, zones

NY = h.zone("America/New_York")
NINE_TO_FIVE = h.COMPANY_DEFAULT
LUNCH_HOUR = h.WeeklyHours((((720, 780),),) * 5 + ((),) * 2)
OFFICE = h.WeeklyHours((((540, 720), (780, 1020)),) * 5 + ((),) * 2)
MON_10 = datetime(2026, 3, 9, 14, tzinfo=UTC)  # 10:00 in New York
MON_1230 = datetime(2026, 3, 9, 16, 30, tzinfo=UTC)

states = st.sampled_from(list(r.TeamState))
destinations = st.sampled_from([r.MEMBERS, r.VOICEMAIL, r.Destination("team", team="other")])
statuses = st.sampled_from(list(p.Status))


def rules(
    override: r.Override | None = None, lunch: r.Destination = r.MEMBERS, holidays=None
) -> s.TeamRules:
    sched = r.TeamSchedule(NY, OFFICE, LUNCH_HOUR, holidays or {})
    return s.TeamRules(sched, override, {r.TeamState.LUNCH: lunch})


def member(status=p.Status.AVAILABLE, *, hours=None, taking_part=True, locked=None) -> s.Member:
    cal = h.RepCalendar(NY, hours, ())
    return s.Member("r1", "Dana", 0, taking_part, cal, p.Presence(status, locked=locked))


def company(holidays=None) -> h.CompanyCalendar:
    return h.CompanyCalendar(NY, NINE_TO_FIVE, holidays or {})


def test_an_available_member_in_office_hours_is_tier_1() -> None:
    at = s.team_at(company(), rules(), [member()], MON_10)
    assert at.routing.state is r.TeamState.IN_OFFICE and at.routing.reason is None
    entry = at.members[0].entry
    assert (entry.eligible, entry.tier, entry.reason) == (True, 1, "available")


def test_at_lunch_routed_elsewhere_every_member_carries_the_team_reason() -> None:
    at = s.team_at(company(), rules(lunch=r.VOICEMAIL), [member()], MON_1230)
    assert at.routing.destination == r.VOICEMAIL and at.routing.reason == "team_lunch"
    assert at.members[0].entry.reason == "team_lunch" and not at.members[0].scheduled


def test_at_lunch_routed_to_the_members_the_members_are_picked() -> None:
    at = s.team_at(company(), rules(lunch=r.MEMBERS), [member(p.Status.AWAY)], MON_1230)
    assert at.routing.reason is None and at.members[0].entry.tier == 2


def test_on_a_company_holiday_the_team_is_away_for_the_holiday() -> None:
    holidays = {date(2026, 3, 9): "Founders' day"}
    at = s.team_at(company(holidays), rules(holidays=holidays), [member()], MON_10)
    assert (at.routing.state, at.routing.reason) == (r.TeamState.AWAY, "holiday")


def test_a_member_on_a_call_is_skipped_but_still_scheduled() -> None:
    at = s.team_at(company(), rules(), [member(locked="call")], MON_10)
    assert at.members[0].entry.reason == "on_a_call" and at.members[0].scheduled
    assert not at.anyone_eligible


def test_the_state_now_needs_no_boundary_but_the_boundary_is_there_apart() -> None:
    team = rules()
    assert s.routing_at(team, MON_10).state is r.TeamState.IN_OFFICE
    assert s.next_boundary(team, MON_10) == datetime(2026, 3, 9, 16, tzinfo=UTC)


@settings(max_examples=150, deadline=None)
@given(
    weekly_hours,
    st.one_of(st.none(), weekly_hours),
    zones,
    st.lists(time_offs(), max_size=3),
    st.lists(st.dates(date(2025, 12, 25), date(2027, 1, 5)), max_size=3),
    st.one_of(st.none(), st.tuples(states, st.one_of(st.none(), instants))),
    destinations,
    statuses,
    st.booleans(),
    st.booleans(),
    instants,
)
def test_the_engine_agrees_with_the_hours_the_team_state_and_the_trace(
    company_week, rep_week, rep_tz, offs, holidays, override, lunch, status, part, locked, t
) -> None:
    named = {d: "Holiday" for d in holidays}
    firm = h.CompanyCalendar(NY, company_week, named)
    sched = r.TeamSchedule(NY, company_week, LUNCH_HOUR, named)
    over = None if override is None else r.Override(*override)
    team = s.TeamRules(sched, over, {r.TeamState.LUNCH: lunch})
    cal = h.RepCalendar(rep_tz, rep_week, tuple(offs))
    one = s.Member("r1", "Dana", 0, part, cal, p.Presence(status, locked="x" if locked else None))
    at = s.team_at(firm, team, [one], t)
    mine = at.members[0]
    # The team's state is the one team_state reports, boundary aside.
    assert at.routing.state is r.team_state(sched, over, t).state
    to_members = at.routing.destination.type == "members"
    assert (at.routing.reason is None) == to_members
    # The hours part is whether the rep is working; the rest is the trace rule.
    expected = h.working_at(firm, cal, t).reason if to_members else at.routing.reason
    assert mine.working == expected
    assert mine.scheduled == (part and to_members and h.is_working(firm, cal, t))
    cand = r.Candidate("r1", "Dana", 0, part, expected, status, locked, None)
    assert mine.entry == r.trace_entry(cand)
    assert mine.entry.eligible == (
        mine.scheduled and not locked and status in (p.Status.AVAILABLE, p.Status.AWAY)
    )


@settings(max_examples=60, deadline=None)
@given(weekly_hours, instants)
def test_the_next_boundary_is_where_the_state_first_changes(week, t) -> None:
    team = s.TeamRules(r.TeamSchedule(NY, week, LUNCH_HOUR, {}), None, {})
    flip = s.next_boundary(team, t)
    now = s.routing_at(team, t).state
    if flip is None:
        return
    assert s.routing_at(team, flip).state is not now
    assert s.routing_at(team, flip - timedelta(microseconds=1)).state is now
