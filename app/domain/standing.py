"""The one eligibility engine: for a team at an instant, where its state sends work and how each
member stands (eligible, tier, reason). The hook, its preview, the availability answers, the
Phone tab's places in line, the board and the coverage chart all ask here.

`routing_at` and `team_at` are cheap (no search for the next change); `next_boundary` is apart,
for the screens that say when the team's state changes next.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.domain import hours as h
from app.domain import presence as p
from app.domain import routing as r

TEAM_REASONS = {
    r.TeamState.LUNCH: "team_lunch",
    r.TeamState.AWAY: "team_away",
    r.TeamState.VACATION: "team_vacation",
}


@dataclass(frozen=True)
class TeamRules:
    """A team's schedule (with the company holidays), its override, and where its work goes in
    each state but IN OFFICE (which always routes to the members)."""

    schedule: r.TeamSchedule
    override: r.Override | None
    destinations: Mapping[r.TeamState, r.Destination]


@dataclass(frozen=True)
class Member:
    """What the engine needs of a member: place, taking part, calendar and stored presence."""

    rep_id: str
    name: str
    position: int
    taking_part: bool
    calendar: h.RepCalendar
    presence: p.Presence


@dataclass(frozen=True)
class Routing:
    """The team's state at an instant and where it sends work; `reason` names why not to the
    members (None when it routes to them)."""

    state: r.TeamState
    scheduled: r.TeamState
    override: r.TeamState | None
    destination: r.Destination
    reason: str | None


@dataclass(frozen=True)
class Standing:
    """One member at an instant: effective presence, the hours (or team) reason, the pick's
    candidate (no turn yet) and the trace entry (eligible, tier, reason)."""

    member: Member
    presence: p.EffectivePresence
    working: str  # "working", or why hours or the team's state keep them out
    candidate: r.Candidate
    entry: r.TraceEntry

    @property
    def scheduled(self) -> bool:
        """Whether the member may take work by schedule alone (status aside): taking part,
        the team routing to its members, the member within their hours."""
        return self.member.taking_part and self.working == "working"


@dataclass(frozen=True)
class TeamAt:
    """A team at an instant: its routing and each member's standing, in member order."""

    routing: Routing
    members: tuple[Standing, ...]

    @property
    def anyone_eligible(self) -> bool:
        """Whether at least one member could be picked now."""
        return any(s.entry.eligible for s in self.members)


def routing_at(team: TeamRules, t: datetime) -> Routing:
    """The team's state at t (override while it lasts, else the schedule) and its destination."""
    now = r.state_now(team.schedule, team.override, t)
    if now.state is r.TeamState.IN_OFFICE:
        return Routing(now.state, now.scheduled, now.override, r.MEMBERS, None)
    dest = team.destinations.get(now.state, r.VOICEMAIL)
    if dest.type == "members":
        return Routing(now.state, now.scheduled, now.override, dest, None)
    s = team.schedule
    on_holiday = now.state is r.TeamState.AWAY and t.astimezone(s.tz).date() in s.holidays
    reason = "holiday" if on_holiday else TEAM_REASONS[now.state]
    return Routing(now.state, now.scheduled, now.override, dest, reason)


def shared_reason(company: h.CompanyCalendar, routing: Routing, t: datetime) -> str:
    """The part of every member's reason that is the same for all: the team's (when it does
    not route to its members), else the company's (holiday, closed), else "working"."""
    return routing.reason or h.company_reason(company, t)[0]


def stand(member: Member, shared: str, t: datetime) -> Standing:
    """One member's standing at t, given the shared reason."""
    return standing_of(member, p.read(member.presence, t), working_at(member.calendar, shared, t))


def working_at(calendar: h.RepCalendar, shared: str, t: datetime) -> str:
    """Why the team's state, the company or the member's own calendar (time off, hours) keep
    the member out at t, or "working"."""
    return shared if shared != "working" else h.rep_reason(calendar, t)[0]


def timeless(member: Member) -> bool:
    """Whether the member's presence reads the same at every instant (no timer), so that their
    standing depends on the instant only through `working_at`."""
    return member.presence.until is None


def standing_of(member: Member, eff: p.EffectivePresence, working: str) -> Standing:
    """The standing of a member whose presence reads as `eff`, working or not as `working`."""
    cand = r.Candidate(
        member.rep_id,
        member.name,
        member.position,
        member.taking_part,
        working,
        eff.status,
        eff.locked is not None,
        None,
    )
    return Standing(member, eff, working, cand, r.trace_entry(cand))


def team_at(
    company: h.CompanyCalendar, team: TeamRules, members: Sequence[Member], t: datetime
) -> TeamAt:
    """The team at t: where its state sends work and how each member stands."""
    routing = routing_at(team, t)
    shared = shared_reason(company, routing, t)
    return TeamAt(routing, tuple(stand(m, shared, t) for m in members))


def next_boundary(team: TeamRules, t: datetime) -> datetime | None:
    """The next instant after t where the team's scheduled state changes (None within 370
    days); a year's search, so only for the screens that show it."""
    return r.next_boundary(team.schedule, t)
