"""The numbers behind the Team charts: fairness, coverage and a rep's status timeline.
`fairness`, `coverage` and `timeline` take plain values; the `*_for` functions load the rows."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from app.domain import hours as h
from app.domain import presence as p
from app.domain import routing as r
from app.domain import standing as st
from app.models import Assignment, Company, Rep, Team
from app.services import availability as avail
from app.services import team_state, teams
from app.views.timeline import Change, Segment, Timeline, timeline, timeline_for

__all__ = ["Change", "Segment", "Timeline", "timeline", "timeline_for"]  # its own module now

DAYS_SHOWN, WEEKS_SHOWN, COVERAGE_DAYS = 7, 4, 7


# --- Fairness: assignments per rep per day or week ---------------------------------------------


@dataclass(frozen=True)
class Series:
    """One rep's assignments in each period."""

    name: str
    counts: tuple[int, ...]
    targets: tuple[float, ...] = ()  # per period, by weight (none for a former member)

    @property
    def total(self) -> int:
        """All of the rep's assignments in the chart."""
        return sum(self.counts)

    @property
    def target_total(self) -> float | None:
        """The rep's target over the whole chart, when they have one."""
        return sum(self.targets) if self.targets else None


@dataclass(frozen=True)
class Fairness:
    """Assignments per rep per period; `labels` are (short, full) names of the periods."""

    labels: tuple[tuple[str, str], ...]
    series: tuple[Series, ...]

    @property
    def peak(self) -> float:
        """The largest count or target in any one period (the bars' scale)."""
        return max((c for s in self.series for c in (*s.counts, *s.targets)), default=0)

    @property
    def spread(self) -> int:
        """Most minus fewest assignments over the whole chart (0 or 1 is fair)."""
        totals = [s.total for s in self.series]
        return max(totals) - min(totals) if totals else 0


def day_starts(today: date, n: int = DAYS_SHOWN) -> list[date]:
    """The last n days, oldest first, ending today."""
    return [today - timedelta(days=k) for k in range(n - 1, -1, -1)]


def week_starts(today: date, n: int = WEEKS_SHOWN) -> list[date]:
    """The Mondays of the last n weeks, oldest first, this week last."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=k) for k in range(n - 1, -1, -1)]


def fairness(
    assigned: Iterable[tuple[str, datetime]],
    people: Sequence[tuple[str, str]],
    starts: Sequence[date],
    span_days: int,
    tz: ZoneInfo,
) -> Fairness:
    """Count (assignee id, instant) pairs per person (id, name) in periods from each start."""
    index = {rep_id: k for k, (rep_id, _) in enumerate(people)}
    counts = [[0] * len(starts) for _ in people]
    end = starts[-1] + timedelta(days=span_days)
    for rep_id, at in assigned:
        local = at.astimezone(tz).date()
        if rep_id not in index or not starts[0] <= local < end:
            continue
        period = max(k for k, s in enumerate(starts) if s <= local)
        counts[index[rep_id]][period] += 1
    series = tuple(Series(name, tuple(c)) for (_, name), c in zip(people, counts, strict=True))
    return Fairness(tuple(_period_label(s, span_days) for s in starts), series)


def with_targets(f: Fairness, weights: Sequence[int]) -> Fairness:
    """Each of the first len(weights) series (the members) with its target per period: the
    period's assignments × weight / total weight."""
    whole = sum(weights)
    if not whole:
        return f
    totals = [sum(col) for col in zip(*(s.counts for s in f.series), strict=True)]
    series = [
        replace(s, targets=tuple(t * weights[k] / whole for t in totals)) if k < len(weights) else s
        for k, s in enumerate(f.series)
    ]
    return replace(f, series=tuple(series))


def _period_label(start: date, span_days: int) -> tuple[str, str]:
    if span_days == 1:
        return f"{start:%a} {start.day}", f"{start:%a} {start.day} {start:%b}"
    return f"{start.day} {start:%b}", f"Week of {start:%a} {start.day} {start:%b}"


def fairness_for(
    session: Session, company: Company, team: Team, kind: str, period: str, now: datetime
) -> Fairness:
    """A team's assignments of one kind per member per day (last 7) or week (last 4)."""
    tz = h.zone(company.timezone)
    today = now.astimezone(tz).date()
    starts, span = (week_starts(today), 7) if period == "week" else (day_starts(today), 1)
    first = datetime.combine(starts[0], time(0), tzinfo=tz)
    q = select(Assignment.assignee_id, Assignment.created_at).where(
        Assignment.company_id == company.id,
        Assignment.team_slug == team.slug,
        Assignment.kind == kind,
        col(Assignment.assignee_id).is_not(None),
        col(Assignment.created_at) >= first,
    )
    rows = [(str(rep_id), at) for rep_id, at in session.exec(q)]
    members = teams.members(session, team)
    people = [(m.rep.id, m.rep.name) for m in members]
    found = fairness(rows, people + _former(session, people, rows), starts, span, tz)
    return with_targets(found, [m.weight for m in members])


def _former(
    session: Session, people: list[tuple[str, str]], rows: list[tuple[str, datetime]]
) -> list[tuple[str, str]]:
    """People who were assigned work but are no longer members (their turns still count)."""
    missing = {rep_id for rep_id, _ in rows} - {rep_id for rep_id, _ in people}
    if not missing:
        return []
    found = session.exec(select(Rep).where(col(Rep.id).in_(missing)).order_by(Rep.name))
    return [(x.id, f"{x.name} (left)") for x in found]


# --- Coverage: eligible reps per hour, ignoring status -----------------------------------------


@dataclass(frozen=True)
class Coverage:
    """How many members may take work in each hour (sampled at half past) of each day."""

    days: tuple[date, ...]
    hours: tuple[int, ...]  # the company-local hours shown (a window around the open ones)
    counts: tuple[tuple[int, ...], ...]  # per day, per shown hour

    @property
    def peak(self) -> int:
        """The largest count (the colour scale)."""
        return max((c for row in self.counts for c in row), default=0)


@dataclass(frozen=True)
class Member:
    """A member as coverage sees them: their calendar and whether they take part."""

    calendar: h.RepCalendar
    taking_part: bool


def coverage(
    company: h.CompanyCalendar,
    schedule: r.TeamSchedule,
    override: r.Override | None,
    lunch_to_members: bool,
    members: Sequence[Member],
    first: date,
    days: int = COVERAGE_DAYS,
) -> Coverage:
    """Eligible members per hour by hours, holidays, time off and the team's schedule (the
    routing engine's standing with status set aside)."""
    lunch = r.MEMBERS if lunch_to_members else r.VOICEMAIL
    rules = st.TeamRules(schedule, override, {r.TeamState.LUNCH: lunch})
    team = [
        st.Member(str(k), "", k, m.taking_part, m.calendar, p.Presence())
        for k, m in enumerate(members)
    ]
    dates = tuple(first + timedelta(days=k) for k in range(days))
    grid, shown = [], set()
    for d in dates:
        row = []
        for hour in range(24):
            t = datetime.combine(d, time(hour, 30), tzinfo=company.tz)
            row.append(sum(s.scheduled for s in st.team_at(company, rules, team, t).members))
            if row[-1] or h.is_inside(company.hours, company.tz, t):
                shown.add(hour)
        grid.append(row)
    hours = tuple(range(min(shown, default=9), max(shown, default=16) + 1))
    return Coverage(dates, hours, tuple(tuple(row[x] for x in hours) for row in grid))


def coverage_for(session: Session, company: Company, team: Team, now: datetime) -> Coverage:
    """A team's scheduled coverage for the next 7 days, from today (company-local)."""
    cal = avail.company_calendar(session, company, now)
    found = teams.members(session, team)
    offs = avail.time_off_rows(session, [m.rep.id for m in found], now.date() - timedelta(days=2))
    members = [Member(avail.rep_calendar(m.rep, offs[m.rep.id]), m.taking_part) for m in found]
    sched = team_state.schedule_of(team, company, cal.holidays)
    lunch_to_members = team.dest_lunch.get("type") == "members"
    today = now.astimezone(cal.tz).date()
    return coverage(cal, sched, team_state.override_of(team), lunch_to_members, members, today)
