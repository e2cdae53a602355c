"""The numbers behind the Team charts: fairness, coverage and a rep's status timeline.
`fairness`, `coverage` and `timeline` take plain values; the `*_for` functions load the rows."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from app.domain import hours as h
from app.domain import presence as p
from app.domain import routing as r
from app.domain import standing as st
from app.models import Assignment, Company, Rep, StatusEvent, Team
from app.services import availability as avail
from app.services import presence as presence_service
from app.services import team_state, teams

DAYS_SHOWN, WEEKS_SHOWN, COVERAGE_DAYS = 7, 4, 7


# --- Fairness: assignments per rep per day or week ---------------------------------------------


@dataclass(frozen=True)
class Series:
    """One rep's assignments in each period."""

    name: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        """All of the rep's assignments in the chart."""
        return sum(self.counts)


@dataclass(frozen=True)
class Fairness:
    """Assignments per rep per period; `labels` are (short, full) names of the periods."""

    labels: tuple[tuple[str, str], ...]
    series: tuple[Series, ...]

    @property
    def peak(self) -> int:
        """The largest count in any one period (the bars' scale)."""
        return max((c for s in self.series for c in s.counts), default=0)

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
    people = [(m.rep.id, m.rep.name) for m in teams.members(session, team)]
    return fairness(rows, people + _former(session, people, rows), starts, span, tz)


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


# --- A rep's status timeline for one day -------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A status change as the timeline needs it."""

    at: datetime
    status: str
    note: str | None = None
    by: str | None = None


@dataclass(frozen=True)
class Segment:
    """A stretch of one status."""

    start: datetime
    end: datetime
    status: str
    note: str | None
    by: str | None

    @property
    def minutes(self) -> int:
        """Its length in whole minutes."""
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class Timeline:
    """A day from `start` to `end` (local midnights in `zone`, held in UTC so that differences
    are real durations); segments stop at `stop` (now, for today)."""

    start: datetime
    end: datetime
    stop: datetime
    segments: tuple[Segment, ...]
    zone: tzinfo

    def at(self, t: datetime) -> float:
        """Where t falls in the day, from 0 to 1 (a DST day has 23 or 25 hours)."""
        return (t - self.start) / (self.end - self.start)

    def ticks(self, every: int = 3) -> list[tuple[float, str]]:
        """Axis marks every few local hours, as (position 0..1, label)."""
        day = self.start.astimezone(self.zone).date()
        marks = [
            (self.at(datetime.combine(day, time(x), tzinfo=self.zone)), f"{x:02d}")
            for x in range(0, 24, every)
        ]
        return [*marks, (1.0, "24")]

    def totals(self) -> dict[str, int]:
        """Minutes per status over the day so far."""
        out: dict[str, int] = {}
        for s in self.segments:
            out[s.status] = out.get(s.status, 0) + s.minutes
        return out


def timeline(
    initial: str, changes: Sequence[Change], start: datetime, end: datetime, stop: datetime
) -> Timeline:
    """Segments from `initial` at start through each change, until `stop` (at most `end`)."""
    # Aware datetimes sharing a zone subtract as wall clocks, so a DST day would come out 24 h.
    zone = start.tzinfo or UTC
    start, end, stop = start.astimezone(UTC), end.astimezone(UTC), stop.astimezone(UTC)
    stop = max(start, min(stop, end))
    segments, status, note, by, at = [], initial, None, None, start
    for c in sorted(changes, key=lambda c: c.at):
        when = c.at.astimezone(UTC)
        if not start <= when < stop:
            continue
        if when > at:
            segments.append(Segment(at, when, status, note, by))
        status, note, by, at = c.status, c.note, c.by, when
    if stop > at:
        segments.append(Segment(at, stop, status, note, by))
    return Timeline(start, end, stop, tuple(segments), zone)


def timeline_for(session: Session, rep: Rep, day: date, now: datetime) -> Timeline:
    """A rep's day (in their zone) from their status events, with a timer that ran out unstored."""
    tz = h.zone(rep.timezone)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    before = _events(session, rep, until=start, last=True)
    events = _events(session, rep, since=start, until=end)
    changes = [Change(e.at, e.to_status, e.note, e.by) for e in events]
    if before:
        initial = before[0].to_status
    else:  # no earlier event: where the day's (or a later) first event started, else as it is
        first = events or _events(session, rep, since=end, first=True)
        now_status = presence_service.read(rep, now).effective_status.value
        initial = first[0].from_status if first else now_status
    pending = _pending_expiry(rep, now)
    if pending is not None and pending.at < start and (not before or pending.at > before[0].at):
        initial = pending.status
    elif pending is not None:
        changes.append(pending)
    return timeline(initial, changes, start, end, now)


def _events(
    session: Session,
    rep: Rep,
    since: datetime | None = None,
    until: datetime | None = None,
    first: bool = False,
    last: bool = False,
) -> list[StatusEvent]:
    """The rep's status events in [since, until) by time; `first`/`last` keep just that one."""
    q = select(StatusEvent).where(StatusEvent.rep_id == rep.id)
    if since is not None:
        q = q.where(col(StatusEvent.at) >= since)
    if until is not None:
        q = q.where(col(StatusEvent.at) < until)
    q = q.order_by(col(StatusEvent.at).desc() if last else col(StatusEvent.at))
    return list(session.exec(q.limit(1) if first or last else q))


def _pending_expiry(rep: Rep, now: datetime) -> Change | None:
    """A timed status that ran out but is not stored yet (expiry is evaluated when read)."""
    if rep.until is None or rep.until > now or rep.locked_reason is not None:
        return None
    then = rep.then_status or p.default_then(p.Status(rep.status)).value
    return Change(rep.until, then, None, "timer")
