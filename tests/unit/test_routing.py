"""Routing: team state and overrides, destinations, and the least-recently-assigned pick."""

from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.hours import ALWAYS, WeeklyHours
from app.domain.presence import Status
from app.domain.routing import (
    MEMBERS,
    VOICEMAIL,
    Candidate,
    Decision,
    Destination,
    Kind,
    RoutingError,
    TeamSchedule,
    TeamState,
    describe,
    find_team_loop,
    make_override,
    next_boundary,
    pick,
    scheduled_state,
    team_state,
    trace_entry,
)

NY = ZoneInfo("America/New_York")
WEEKDAYS_WITH_LUNCH_GAP = WeeklyHours((((540, 720), (780, 1020)),) * 5 + ((),) * 2)
LUNCH_HOUR = WeeklyHours((((720, 780),),) * 5 + ((),) * 2)
EVERY_DAY_9_TO_5 = WeeklyHours((((540, 1020),),) * 7)
NEVER = WeeklyHours(((),) * 7)
JULY_3 = date(2026, 7, 3)  # a Friday: Independence Day observed


def schedule(
    in_office: WeeklyHours = WEEKDAYS_WITH_LUNCH_GAP,
    lunch: WeeklyHours = LUNCH_HOUR,
    holidays: dict[date, str] | None = None,
) -> TeamSchedule:
    return TeamSchedule(NY, in_office, lunch, holidays or {})


def ny(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NY)


def rep(rep_id: str, position: int, **changes: object) -> Candidate:
    base = Candidate(
        rep_id, rep_id.title(), position, True, "working", Status.AVAILABLE, False, None
    )
    return replace(base, **changes)  # type: ignore[arg-type]


# --- Team state ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "state"),
    [
        (ny(2026, 7, 1, 9, 0), TeamState.IN_OFFICE),
        (ny(2026, 7, 1, 12, 30), TeamState.LUNCH),
        (ny(2026, 7, 1, 17, 0), TeamState.AWAY),
        (ny(2026, 7, 4, 10, 0), TeamState.AWAY),  # a Saturday: unchecked day
    ],
)
def test_scheduled_state_follows_the_weekly_schedule(at: datetime, state: TeamState) -> None:
    assert scheduled_state(schedule(), at) is state


def test_scheduled_state_on_a_company_holiday_is_away() -> None:
    s = schedule(holidays={JULY_3: "Independence Day (observed)"})
    assert scheduled_state(s, ny(2026, 7, 3, 10, 0)) is TeamState.AWAY
    assert scheduled_state(s, ny(2026, 7, 3, 12, 30)) is TeamState.AWAY


def test_holiday_is_read_in_the_company_zone_not_utc() -> None:
    s = schedule(in_office=ALWAYS, holidays={JULY_3: "Independence Day (observed)"})
    # 02:00 UTC on July 4 is still July 3 in New York.
    assert scheduled_state(s, datetime(2026, 7, 4, 2, 0, tzinfo=UTC)) is TeamState.AWAY


def test_next_boundary_is_the_next_change_of_state() -> None:
    assert next_boundary(schedule(), ny(2026, 7, 1, 10, 0)) == ny(2026, 7, 1, 12, 0)
    assert next_boundary(schedule(), ny(2026, 7, 1, 12, 0)) == ny(2026, 7, 1, 13, 0)


def test_next_boundary_skips_over_a_holiday() -> None:
    s = schedule(holidays={JULY_3: "Independence Day (observed)"})
    assert next_boundary(s, ny(2026, 7, 2, 17, 0)) == ny(2026, 7, 6, 9, 0)


def test_holiday_midnights_are_boundaries_for_a_round_the_clock_team() -> None:
    s = schedule(in_office=ALWAYS, holidays={date(2026, 12, 25): "Christmas Day"})
    assert next_boundary(s, ny(2026, 12, 24, 10, 0)) == ny(2026, 12, 25, 0, 0)
    assert next_boundary(s, ny(2026, 12, 25, 3, 0)) == ny(2026, 12, 26, 0, 0)


@pytest.mark.parametrize("in_office", [NEVER, ALWAYS])
def test_next_boundary_is_none_when_the_state_never_changes(in_office: WeeklyHours) -> None:
    assert next_boundary(schedule(in_office, NEVER), ny(2026, 7, 1, 10, 0)) is None


def test_next_boundary_is_none_beyond_370_days() -> None:
    s = schedule(ALWAYS, NEVER, holidays={date(2027, 12, 25): "Christmas Day"})
    assert next_boundary(s, ny(2026, 7, 1, 10, 0)) is None


def test_next_boundary_on_the_spring_forward_day_in_new_york() -> None:
    # Sunday 8 March 2026 has 23 hours: opening at 09:00 EDT is 15 hours after 17:00 EST.
    got = next_boundary(schedule(EVERY_DAY_9_TO_5, NEVER), ny(2026, 3, 7, 17, 0))
    assert got == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)
    assert got == ny(2026, 3, 8, 9, 0)


def test_next_boundary_on_the_fall_back_day_in_new_york() -> None:
    got = next_boundary(schedule(EVERY_DAY_9_TO_5, NEVER), ny(2026, 10, 31, 17, 0))
    assert got == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)


def test_away_override_ends_at_the_next_boundary() -> None:
    s = schedule()
    override = make_override(s, TeamState.AWAY, ny(2026, 7, 1, 10, 0))
    assert override.until == ny(2026, 7, 1, 12, 0)
    before = team_state(s, override, ny(2026, 7, 1, 11, 59))
    after = team_state(s, override, ny(2026, 7, 1, 12, 0))
    assert (before.state, before.scheduled, before.override) == ("away", "in_office", "away")
    assert (after.state, after.override) == (TeamState.LUNCH, None)


def test_in_office_override_on_a_holiday_ends_when_the_holiday_does() -> None:
    s = schedule(holidays={JULY_3: "Independence Day (observed)"})
    override = make_override(s, TeamState.IN_OFFICE, ny(2026, 7, 3, 10, 0))
    assert override.until == ny(2026, 7, 6, 9, 0)
    assert team_state(s, override, ny(2026, 7, 3, 15, 0)).state is TeamState.IN_OFFICE


def test_vacation_override_stays_until_cleared() -> None:
    s = schedule()
    override = make_override(s, TeamState.VACATION, ny(2026, 7, 1, 10, 0))
    assert override.until is None
    assert team_state(s, override, ny(2026, 9, 1, 10, 0)).state is TeamState.VACATION
    assert team_state(s, None, ny(2026, 9, 1, 10, 0)).state is TeamState.IN_OFFICE


def test_override_on_a_schedule_without_boundaries_stays_until_cleared() -> None:
    override = make_override(schedule(NEVER, NEVER), TeamState.IN_OFFICE, ny(2026, 7, 1, 10, 0))
    assert override.until is None


def test_team_state_reports_the_next_boundary() -> None:
    at = team_state(schedule(), None, ny(2026, 7, 1, 10, 0))
    assert (at.state, at.override, at.next_boundary) == ("in_office", None, ny(2026, 7, 1, 12, 0))


# --- Destinations -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "obj",
    [
        {"type": "members"},
        {"type": "team", "team": "support"},
        {"type": "voicemail"},
        {"type": "number", "number": "+15551234567"},
        {"type": "number", "number": "+49301234"},
    ],
)
def test_destination_round_trips_through_json(obj: dict[str, str]) -> None:
    assert Destination.from_json(obj, "destinations.away").to_json() == obj


def test_members_and_voicemail_are_ready_made() -> None:
    assert (MEMBERS.to_json(), VOICEMAIL.to_json()) == ({"type": "members"}, {"type": "voicemail"})


@pytest.mark.parametrize(
    ("obj", "field"),
    [
        ("voicemail", "destinations.away"),
        ({}, "destinations.away.type"),
        ({"type": "fax"}, "destinations.away.type"),
        ({"type": "team"}, "destinations.away.team"),
        ({"type": "team", "team": ""}, "destinations.away.team"),
        ({"type": "number"}, "destinations.away.number"),
        ({"type": "number", "number": "5551234567"}, "destinations.away.number"),
        ({"type": "number", "number": "+05551234567"}, "destinations.away.number"),
        ({"type": "number", "number": "+1234567"}, "destinations.away.number"),
        ({"type": "number", "number": "+1234567890123456"}, "destinations.away.number"),
        ({"type": "number", "number": "+1 555 123 4567"}, "destinations.away.number"),
        ({"type": "voicemail", "number": "+15551234567"}, "destinations.away.number"),
        ({"type": "members", "team": "support"}, "destinations.away.team"),
        ({"type": "members", "ring": "all"}, "destinations.away.ring"),
    ],
)
def test_invalid_destination_names_the_field(obj: object, field: str) -> None:
    with pytest.raises(RoutingError) as err:
        Destination.from_json(obj, "destinations.away")
    assert err.value.field == field


def test_destination_built_in_code_is_checked_too() -> None:
    with pytest.raises(RoutingError):
        Destination("team")


# --- Loops through team destinations ------------------------------------------------------------


def test_loop_through_team_destinations_is_found() -> None:
    edges = {"sales": ["support"], "support": ["billing"], "billing": ["sales"]}
    assert find_team_loop("sales", edges) == ["sales", "support", "billing", "sales"]


def test_loop_reachable_from_start_is_found_without_the_way_in() -> None:
    edges = {"sales": ["support"], "support": ["billing"], "billing": ["support"]}
    assert find_team_loop("sales", edges) == ["support", "billing", "support"]


def test_team_routing_to_itself_is_a_loop() -> None:
    assert find_team_loop("sales", {"sales": ["sales"]}) == ["sales", "sales"]


def test_chains_and_diamonds_are_not_loops() -> None:
    edges = {"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": []}
    assert find_team_loop("a", edges) is None


def test_loop_not_reachable_from_start_is_not_reported() -> None:
    assert find_team_loop("sales", {"sales": [], "x": ["y"], "y": ["x"]}) is None


# --- Trace --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"taking_part": False, "working_reason": "holiday", "locked": True}, "not_taking_part"),
        ({"working_reason": "holiday", "status": Status.BUSY}, "holiday"),
        ({"working_reason": "company_closed"}, "company_closed"),
        ({"working_reason": "time_off", "locked": True}, "time_off"),
        ({"working_reason": "outside_hours"}, "outside_hours"),
        ({"locked": True, "status": Status.BUSY}, "on_a_call"),
        ({"status": Status.BUSY}, "busy"),
        ({"status": Status.OFFLINE}, "offline"),
    ],
)
def test_trace_gives_the_first_reason_a_rep_is_skipped(
    changes: dict[str, object], reason: str
) -> None:
    entry = trace_entry(rep("lee", 0, **changes))
    assert (entry.eligible, entry.tier, entry.reason) == (False, None, reason)


def test_available_rep_is_tier_1_and_away_rep_tier_2() -> None:
    assert trace_entry(rep("dana", 0)).tier == 1
    assert trace_entry(rep("dana", 0, status=Status.AWAY)).tier == 2


# --- The pick -----------------------------------------------------------------------------------


def test_never_assigned_rep_goes_first() -> None:
    team = [rep("ann", 0, last_turn=1), rep("bob", 1, last_turn=2), rep("cy", 2)]
    assert pick(team, Kind.LEAD).assignee == "cy"


def test_least_recently_assigned_rep_gets_the_lead() -> None:
    team = [rep("ann", 0, last_turn=7), rep("bob", 1, last_turn=3), rep("cy", 2, last_turn=5)]
    assert pick(team, Kind.LEAD).assignee == "bob"


def test_ties_go_by_member_order_not_by_list_order() -> None:
    team = [rep("cy", 2), rep("bob", 1), rep("ann", 3), rep("dee", 0, status=Status.BUSY)]
    assert pick(team, Kind.LEAD).assignee == "bob"


def test_busy_offline_and_locked_reps_are_skipped_for_leads() -> None:
    team = [
        rep("ann", 0, status=Status.BUSY),
        rep("bob", 1, status=Status.OFFLINE),
        rep("cy", 2, locked=True, status=Status.BUSY),
        rep("dee", 3, last_turn=99),
    ]
    assert pick(team, Kind.LEAD).assignee == "dee"


def test_away_rep_gets_work_only_when_nobody_available_is_eligible() -> None:
    away = rep("ann", 0, status=Status.AWAY)
    available = rep("bob", 1, last_turn=99)
    assert pick([away, available], Kind.LEAD).assignee == "bob"
    decision = pick([away, replace(available, working_reason="time_off")], Kind.LEAD)
    assert (decision.assignee, decision.tier) == ("ann", 2)


def test_call_hunt_list_rings_available_then_away_each_least_recent_first() -> None:
    team = [
        rep("ann", 0, status=Status.AWAY, last_turn=4),
        rep("bob", 1, last_turn=9),
        rep("cy", 2, status=Status.AWAY),
        rep("dee", 3, last_turn=2),
        rep("eve", 4, status=Status.BUSY),
    ]
    decision = pick(team, Kind.CALL)
    assert decision.hunt == ("dee", "bob", "cy", "ann")
    assert decision.assignee == "dee"


def test_lead_hunt_list_is_just_the_assignee() -> None:
    assert pick([rep("ann", 0), rep("bob", 1)], Kind.LEAD).hunt == ("ann",)


def test_nobody_eligible_means_no_assignee_and_an_empty_hunt_list() -> None:
    decision = pick([rep("ann", 0, status=Status.OFFLINE)], Kind.CALL)
    assert (decision.assignee, decision.tier, decision.hunt) == (None, None, ())
    assert pick([], Kind.LEAD) == Decision(None, None, (), ())


def test_trace_lists_every_member_in_member_order() -> None:
    decision = pick([rep("cy", 2), rep("ann", 0, status=Status.BUSY), rep("bob", 1)], Kind.LEAD)
    assert [e.rep_id for e in decision.trace] == ["ann", "bob", "cy"]


def test_rep_back_from_vacation_gets_one_turn_then_the_normal_rotation() -> None:
    team = {name: rep(name, i, last_turn=i - 3) for i, name in enumerate(["ann", "bob", "cy"])}
    team["cy"] = replace(team["cy"], working_reason="time_off")
    picks = [_assign(team, turn) for turn in range(1, 7)]
    team["cy"] = replace(team["cy"], working_reason="working")
    picks += [_assign(team, turn) for turn in range(7, 13)]
    assert picks == ["ann", "bob"] * 3 + ["cy", "ann", "bob"] * 2


def _assign(team: dict[str, Candidate], turn: int) -> str | None:
    assignee = pick(list(team.values()), Kind.LEAD).assignee
    if assignee is not None:
        team[assignee] = replace(team[assignee], last_turn=turn)
    return assignee


def test_describe_says_who_and_why_and_who_was_skipped() -> None:
    team = [
        rep("dana", 0, name="Dana"),
        rep("lee", 1, name="Lee", status=Status.BUSY),
        rep("kim", 2, name="Kim", working_reason="time_off"),
    ]
    assert describe(pick(team, Kind.LEAD)) == (
        "Dana: available, least recently assigned. Skipped: Lee (busy), Kim (time off)"
    )


def test_describe_says_when_an_away_rep_was_picked_and_when_nobody_was() -> None:
    away = rep("dana", 0, name="Dana", status=Status.AWAY)
    assert describe(pick([away], Kind.LEAD)) == (
        "Dana: away (nobody available), least recently assigned."
    )
    locked = rep("lee", 0, name="Lee", locked=True)
    assert describe(pick([locked], Kind.LEAD)) == "Nobody eligible. Skipped: Lee (on a call)"


# --- Property: any sequence of status changes and assignments -----------------------------------

WORKING_REASONS = ("working", "holiday", "company_closed", "time_off", "outside_hours")
TEAM_SIZE = 5


@dataclass(frozen=True)
class Step:
    rep: int  # index into the team; ignored for assignments
    field: str  # "assign" or the Candidate field that changes
    value: object


ASSIGN = Step(0, "assign", None)
# Weighted towards eligible, so most runs have several reps competing for turns.
STATUSES = st.sampled_from(
    [Status.AVAILABLE] * 3 + [Status.AWAY] * 2 + [Status.BUSY, Status.OFFLINE]
)
REASONS = st.sampled_from(("working",) * 6 + WORKING_REASONS[1:])
MOSTLY_TRUE = st.sampled_from((True,) * 5 + (False,))
MOSTLY_FALSE = st.sampled_from((False,) * 5 + (True,))


def _member(i: int) -> st.SearchStrategy[Candidate]:
    last_turn = st.none() | st.integers(-20, 0)
    return st.builds(
        Candidate, st.just(f"r{i}"), st.just(f"Rep {i}"), st.just(i),
        MOSTLY_TRUE, REASONS, STATUSES, MOSTLY_FALSE, last_turn,
    )  # fmt: skip


def _change(reps: list[int]) -> st.SearchStrategy[Step]:
    who = st.sampled_from(reps)
    return st.one_of(
        st.builds(Step, who, st.just("status"), STATUSES),
        st.builds(Step, who, st.just("working_reason"), REASONS),
        st.builds(Step, who, st.just("taking_part"), MOSTLY_TRUE),
        st.builds(Step, who, st.just("locked"), MOSTLY_FALSE),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Candidate], list[Step]]:
    """A team and a sequence of steps in which only some reps ever change."""
    team = [draw(_member(i)) for i in range(TEAM_SIZE)]
    changing = sorted(draw(st.sets(st.integers(0, TEAM_SIZE - 1))))
    step = st.one_of(_change(changing), *[st.just(ASSIGN)] * 3) if changing else st.just(ASSIGN)
    return team, draw(st.lists(step, max_size=120))


def _tier(c: Candidate) -> int | None:
    # Worked out here from the rules, independently of the code under test.
    if not c.taking_part or c.working_reason != "working" or c.locked:
        return None
    return {Status.AVAILABLE: 1, Status.AWAY: 2}.get(c.status)


@dataclass(frozen=True)
class Round:
    team: tuple[Candidate, ...]
    decision: Decision


def _simulate(scenario: tuple[list[Candidate], list[Step]], kind: Kind) -> list[Round]:
    team, steps = list(scenario[0]), scenario[1]
    rounds: list[Round] = []
    for turn, step in enumerate(steps, start=1):
        if step.field != "assign":
            changes: dict[str, object] = {step.field: step.value}
            team[step.rep] = replace(team[step.rep], **changes)  # type: ignore[arg-type]
            continue
        decision = pick(team, kind)
        rounds.append(Round(tuple(team), decision))
        if decision.assignee is not None:
            i = int(decision.assignee[1:])
            team[i] = replace(team[i], last_turn=turn)
    return rounds


def _pool(r: Round) -> frozenset[str]:
    # The reps the pick chooses among: tier 1 if anyone is in it, else tier 2.
    for tier in (1, 2):
        found = frozenset(c.rep_id for c in r.team if _tier(c) == tier)
        if found:
            return found
    return frozenset()


@given(scenario=scenarios(), kind=st.sampled_from(Kind))
def test_only_eligible_reps_are_picked_and_away_only_when_nobody_available(
    scenario: tuple[list[Candidate], list[Step]], kind: Kind
) -> None:
    for r in _simulate(scenario, kind):
        tiers = {c.rep_id: _tier(c) for c in r.team}
        best = min((t for t in tiers.values() if t is not None), default=None)
        assert r.decision.tier == best
        if best is None:
            assert r.decision.assignee is None
        else:
            assert tiers[r.decision.assignee or ""] == best


@given(scenario=scenarios())
def test_call_hunt_list_is_every_eligible_rep_tier_1_first(
    scenario: tuple[list[Candidate], list[Step]],
) -> None:
    for r in _simulate(scenario, Kind.CALL):
        tiers = {c.rep_id: _tier(c) for c in r.team}
        eligible = {rep_id for rep_id, t in tiers.items() if t is not None}
        assert set(r.decision.hunt) == eligible and len(r.decision.hunt) == len(eligible)
        assert [tiers[h] for h in r.decision.hunt] == sorted(tiers[h] or 0 for h in r.decision.hunt)
        assert r.decision.hunt[:1] == ((r.decision.assignee,) if r.decision.assignee else ())


@given(scenario=scenarios(), kind=st.sampled_from(Kind))
def test_counts_among_reps_eligible_throughout_differ_by_at_most_one(
    scenario: tuple[list[Candidate], list[Step]], kind: Kind
) -> None:
    rounds = _simulate(scenario, kind)
    counts = Counter(r.decision.assignee for r in rounds)
    for tier in (1, 2):
        steady = [
            f"r{i}" for i in range(TEAM_SIZE) if all(_tier(r.team[i]) == tier for r in rounds)
        ]
        if steady:
            assert max(counts[s] for s in steady) - min(counts[s] for s in steady) <= 1


@given(scenario=scenarios(), kind=st.sampled_from(Kind))
def test_while_the_pool_is_unchanged_each_round_gives_every_rep_exactly_one_turn(
    scenario: tuple[list[Candidate], list[Step]], kind: Kind
) -> None:
    # So a rep who returns after an absence gets one turn, then the normal rotation:
    # never a flood of catch-up turns, never starved.
    rounds = _simulate(scenario, kind)
    start = 0
    for end in range(1, len(rounds) + 1):
        if end == len(rounds) or _pool(rounds[end]) != _pool(rounds[start]):
            _assert_rotation(rounds[start:end], _pool(rounds[start]))
            start = end


def _assert_rotation(run: list[Round], pool: frozenset[str]) -> None:
    picks = [r.decision.assignee for r in run]
    n = len(pool)
    for i in range(max(0, len(picks) - n + 1)):
        assert set(picks[i : i + n]) == pool, (picks, pool)
