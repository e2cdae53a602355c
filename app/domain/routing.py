"""Routing: team state, destinations, eligibility tiers and the least-recently-assigned pick."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from app.domain.destinations import (  # re-exported: routing is where callers find them
    DESTINATION_TYPES as DESTINATION_TYPES,
)
from app.domain.destinations import MEMBERS as MEMBERS
from app.domain.destinations import VOICEMAIL as VOICEMAIL
from app.domain.destinations import Destination as Destination
from app.domain.destinations import RoutingError as RoutingError
from app.domain.destinations import find_team_loop as find_team_loop
from app.domain.hours import WeeklyHours, is_inside, next_change
from app.domain.presence import Status

# How far next_boundary looks: a year and a bit, so a yearly holiday is always within reach.
BOUNDARY_HORIZON = timedelta(days=370)


class TeamState(StrEnum):
    IN_OFFICE = "in_office"
    LUNCH = "lunch"
    AWAY = "away"
    VACATION = "vacation"


class Kind(StrEnum):
    LEAD = "lead"
    CALL = "call"


# --- Team state ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamSchedule:
    """A team's weekly IN OFFICE and LUNCH hours and the company holidays, in the company zone."""

    tz: ZoneInfo
    in_office: WeeklyHours
    lunch: WeeklyHours
    holidays: Mapping[date, str]


def scheduled_state(s: TeamSchedule, t: datetime) -> TeamState:
    """Return the state the schedule alone puts the team in at t."""
    if t.astimezone(s.tz).date() in s.holidays:
        return TeamState.AWAY
    if is_inside(s.in_office, s.tz, t):
        return TeamState.IN_OFFICE
    if is_inside(s.lunch, s.tz, t):
        return TeamState.LUNCH
    return TeamState.AWAY


def _day_start(d: date, tz: ZoneInfo) -> datetime:
    # fold=0 gives the first instant of d even where midnight is skipped or repeated by DST.
    return datetime.combine(d, time(0), tzinfo=tz)


def _next_holiday_edge(s: TeamSchedule, t: datetime) -> datetime | None:
    # Holidays begin and end at company-local midnight, which the weekly hours know nothing of.
    today = t.astimezone(s.tz).date()
    edges = (d for h in s.holidays for d in (h, h + timedelta(days=1)) if d > today)
    first = min(edges, default=None)
    return None if first is None else _day_start(first, s.tz)


def _next_candidate(s: TeamSchedule, t: datetime) -> datetime | None:
    found = (
        next_change(s.in_office, s.tz, t),
        next_change(s.lunch, s.tz, t),
        _next_holiday_edge(s, t),
    )
    return min((c for c in found if c is not None), default=None)


def next_boundary(s: TeamSchedule, t: datetime) -> datetime | None:
    """Return the next instant after t where the scheduled state changes (None within 370 days)."""
    start, limit, at = scheduled_state(s, t), t + BOUNDARY_HORIZON, t
    # Not every change of hours or holiday edge changes the state (lunch hours on a holiday do not).
    while (at_next := _next_candidate(s, at)) is not None and at_next <= limit:
        if scheduled_state(s, at_next) != start:
            return at_next
        at = at_next
    return None


@dataclass(frozen=True)
class Override:
    """A manual team state; until None means it stays until cleared."""

    state: TeamState
    until: datetime | None


def make_override(s: TeamSchedule, state: TeamState, set_at: datetime) -> Override:
    """Return an override set at set_at: VACATION stays, others end at the next boundary."""
    if state is TeamState.VACATION:
        return Override(state, None)
    return Override(state, next_boundary(s, set_at))


@dataclass(frozen=True)
class StateAt:
    """A team's state at one instant, with what the schedule says and any override in force."""

    state: TeamState
    scheduled: TeamState
    override: TeamState | None
    next_boundary: datetime | None


def _in_force(override: Override | None, t: datetime) -> TeamState | None:
    if override is None or (override.until is not None and t >= override.until):
        return None
    return override.state


def state_now(s: TeamSchedule, override: Override | None, t: datetime) -> StateAt:
    """The team's state at t, cheaply: no search for the next boundary (next_boundary None)."""
    scheduled, in_force = scheduled_state(s, t), _in_force(override, t)
    return StateAt(in_force if in_force is not None else scheduled, scheduled, in_force, None)


def team_state(s: TeamSchedule, override: Override | None, t: datetime) -> StateAt:
    """Return the team's state at t (the override while it lasts, else the schedule) and the
    schedule's next boundary."""
    return replace(state_now(s, override, t), next_boundary=next_boundary(s, t))


# --- The pick -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """One team member as the assigner sees them at the instant of the decision."""

    rep_id: str
    name: str
    position: int
    taking_part: bool
    working_reason: str
    status: Status
    locked: bool
    last_turn: int | None
    pass_value: int = 0  # the calibrated stride pass (app/domain/fairness.py); equal: 0
    capped: bool = False  # at the daily cap for this kind


@dataclass(frozen=True)
class TraceEntry:
    """Whether one member was eligible, in which tier, and why."""

    rep_id: str
    name: str
    eligible: bool
    tier: int | None
    reason: str


_STATUS_TIERS = {Status.AVAILABLE: 1, Status.AWAY: 2}


def _skip_reason(c: Candidate) -> str | None:
    if not c.taking_part:
        return "not_taking_part"
    if c.working_reason != "working":
        return c.working_reason
    if c.locked:
        return "on_a_call"
    if c.status not in _STATUS_TIERS:
        return str(c.status)
    return "daily_cap" if c.capped else None


def trace_entry(c: Candidate) -> TraceEntry:
    """Return the trace line for c: eligible with its tier, or the first reason it is skipped."""
    reason = _skip_reason(c)
    if reason is not None:
        return TraceEntry(c.rep_id, c.name, False, None, reason)
    return TraceEntry(c.rep_id, c.name, True, _STATUS_TIERS[c.status], str(c.status))


@dataclass(frozen=True)
class Decision:
    """The assignee (if any), their tier, the hunt list and the trace behind them."""

    assignee: str | None
    tier: int | None
    hunt: tuple[str, ...]
    trace: tuple[TraceEntry, ...]


def _least_recent_first(c: Candidate) -> tuple[int, bool, int, int, str]:
    # The lowest pass (weights); then never-assigned first, then the oldest turn; member order
    # settles ties, not seniority or ids. With equal weights the pass never reorders the turns.
    return (c.pass_value, c.last_turn is not None, c.last_turn or 0, c.position, c.rep_id)


def _tier(traced: Sequence[tuple[Candidate, TraceEntry]], tier: int) -> list[Candidate]:
    return sorted((c for c, e in traced if e.tier == tier), key=_least_recent_first)


def pick(
    candidates: Sequence[Candidate], kind: Kind, entries: Sequence[TraceEntry] | None = None
) -> Decision:
    """Decide who gets the next lead or call: the lowest pass (with equal weights, the least
    recently assigned) of the best tier.
    `entries`, when given, are the candidates' trace entries already worked out (in order)."""
    found = entries if entries is not None else [trace_entry(c) for c in candidates]
    traced = sorted(zip(candidates, found, strict=True), key=lambda ce: ce[0].position)
    first, second = _tier(traced, 1), _tier(traced, 2)
    chosen = first or second
    assignee = chosen[0].rep_id if chosen else None
    tier = None if not chosen else 1 if first else 2
    if kind is Kind.CALL:
        hunt = tuple(c.rep_id for c in first + second)
    else:
        hunt = () if assignee is None else (assignee,)
    return Decision(assignee, tier, hunt, tuple(e for _, e in traced))


def _words(reason: str) -> str:
    return reason.replace("_", " ")  # "time_off" reads as "time off"


def describe(d: Decision) -> str:
    """Explain a decision, e.g. "Dana: available, least recently assigned. Skipped: Lee (busy)"."""
    chosen = next((e for e in d.trace if e.rep_id == d.assignee), None)
    if chosen is None:
        head = "Nobody eligible."
    elif chosen.tier == 1:
        head = f"{chosen.name}: available, least recently assigned."
    else:
        head = f"{chosen.name}: away (nobody available), least recently assigned."
    skipped = [f"{e.name} ({_words(e.reason)})" for e in d.trace if not e.eligible]
    return f"{head} Skipped: {', '.join(skipped)}" if skipped else head
