"""What the Phone tab shows a rep: their status, what routing sees, and their teammates."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from app.domain import hours as h
from app.domain import inputs
from app.domain import presence as p
from app.domain import routing as r
from app.models import Company, Rep, Team, TeamMember
from app.services import availability as avail
from app.services import presence as presence_service
from app.services import profiles, team_state, teams
from app.services.errors import Invalid
from app.views import fairness as fv
from app.views import headline as hl
from app.views import log as assignment_log
from app.views import team as team_views

LABELS = hl.LABELS  # a status as people read it
PRESETS = {"1h": 60, "2h": 120, "4h": 240, "8h": 480}


@dataclass(frozen=True)
class TeammateStanding:
    """A teammate as the Phone tab lists them."""

    rep: Rep
    presence: p.EffectivePresence


@dataclass(frozen=True)
class MyTeam:
    """One of my teams: its state, whether I take part, and my place in line."""

    team: Team
    taking_part: bool
    state: r.StateAt
    lines: list[str]
    goes: dict[str, str]  # where the team's work goes in each state, in words
    caps: list[str] = field(default_factory=list)  # "Leads today: 3 of 5" where capped


@dataclass(frozen=True)
class PhoneView:
    """Everything the Phone tab renders."""

    me: Rep
    presence: p.EffectivePresence
    hours: h.Working  # whether the rep's hours allow work now, and why not
    where: str
    tz: ZoneInfo
    headline: hl.Headline
    mates: list[TeammateStanding] = field(default_factory=list)
    teams: list[MyTeam] = field(default_factory=list)
    recent: list[tuple[dict[str, object], str, str]] = field(default_factory=list)
    profiles: "profiles.Panel | None" = None
    places: list[assignment_log.Place] = field(default_factory=list)  # for leads and calls


PARTS = frozenset({"status", "teams", "mates", "profiles"})


def local(t: datetime | None, tz: ZoneInfo, now: datetime) -> str:
    """A short local time: '17:00' today, 'Thu 09:00' this week, else 'Mon 3 Mar 09:00'."""
    if t is None:
        return ""
    lt, ln = t.astimezone(tz), now.astimezone(tz)
    if lt.date() == ln.date():
        return lt.strftime("%H:%M")
    if 0 < (lt.date() - ln.date()).days < 7:
        return lt.strftime("%a %H:%M")
    return lt.strftime("%a %-d %b %H:%M")


def where_sentence(a: h.Working, tz: ZoneInfo, now: datetime) -> str:
    """What routing sees of my hours, in words."""
    nxt = local(a.next_change, tz, now)
    if a.reason == "holiday":
        return f"Company holiday: {a.detail}" + (f" — back {nxt}" if nxt else "")
    if a.reason == "time_off":
        return f"On time off until {nxt}" if nxt else "On time off"
    if a.reason == "company_closed":
        return f"Company closed — opens {nxt}" if nxt else "Company closed"
    if a.reason == "outside_hours":
        return f"Outside your hours — next on {nxt}" if nxt else "Outside your hours"
    return f"In your working hours until {nxt}" if nxt else "In your working hours"


def teammates(session: Session, me: Rep) -> list[Rep]:
    """People who share a team with me, or everyone in my company when I am on no team."""
    my_teams = select(TeamMember.team_id).where(TeamMember.rep_id == me.id)
    shared = select(TeamMember.rep_id).where(col(TeamMember.team_id).in_(my_teams))
    q = select(Rep).where(
        Rep.company_id == me.company_id, col(Rep.active).is_(True), Rep.id != me.id
    )
    mates = list(session.exec(q.where(col(Rep.id).in_(shared)).order_by(Rep.name)))
    return mates or list(session.exec(q.order_by(Rep.name)))


def my_teams(
    session: Session,
    company: Company,
    me: Rep,
    now: datetime,
    places: list[assignment_log.Place],
) -> list[MyTeam]:
    """My teams with their state, my place in line for leads and calls, my caps today."""
    counts = fv.counts_today(session, company, me, now)
    return [
        MyTeam(
            team,
            member.taking_part,
            team_state.state_at(session, company, team, now),
            [assignment_log.place_words(pl) for pl in places if pl.team.id == team.id],
            team_views.destinations_in_words(team),
            fv.today_lines(team.id, member, counts),
        )
        for team, member in teams.teams_of(session, me)
    ]


def my_headline(
    session: Session,
    me: Rep,
    eff: p.EffectivePresence,
    a: h.Working,
    places: list[assignment_log.Place],
    when: Callable[[datetime | None], str],
) -> hl.Headline:
    """The status card's headline from my presence, my hours and my places in line."""
    taking_part = any(member.taking_part for _team, member in teams.teams_of(session, me))
    lines = [hl.InLine(pl.team.name, pl.kind, pl.place, pl.reason) for pl in places]
    return hl.headline(eff, a, lines, taking_part, when)


def recent(
    session: Session, me: Rep, tz: ZoneInfo, now: datetime, names: dict[str, str]
) -> list[tuple[dict, str, str]]:
    """My last five assignments with their local time and what they were ("Sales lead")."""
    return [
        (
            a,
            local(datetime.fromisoformat(str(a["created_at"])), tz, now),
            f"{names.get(str(a['team']), a['team'])} {a['kind']}",
        )
        for a in assignment_log.recent_for(session, me, 5)
    ]


def view(
    session: Session, company: Company, me: Rep, now: datetime, parts: frozenset[str] = PARTS
) -> PhoneView:
    """Build the Phone tab for `me` at `now`: the status card always, the other `parts` (teams,
    mates, profiles) when asked (a tap answers the card; the rest follows the change feed)."""
    tz = h.zone(me.timezone)
    a = avail.rep_availability(session, company, me, now)
    mates = (
        [TeammateStanding(m, presence_service.read(m, now)) for m in teammates(session, me)]
        if "mates" in parts
        else []
    )
    places = assignment_log.places(session, company, me, now)
    mine = my_teams(session, company, me, now, places) if "teams" in parts else []
    eff = presence_service.read(me, now)
    return PhoneView(
        me,
        eff,
        a,
        where_sentence(a, tz, now),
        tz,
        my_headline(session, me, eff, a, places, lambda t: local(t, tz, now)),
        mates,
        mine,
        recent(session, me, tz, now, {t.team.slug: t.team.name for t in mine}) if mine else [],
        profiles.panel(session, me, now) if "profiles" in parts else None,
        places,
    )


def until_from_form(
    preset: str, custom: str, me: Rep, company: Company, session: Session, now: datetime
) -> datetime | None:
    """The `until` instant a form asked for: a preset, end of my working day, or a custom time."""
    if preset in ("", "none"):
        return None
    if preset in PRESETS:
        return now + timedelta(minutes=PRESETS[preset])
    if preset == "eod":
        a = avail.rep_availability(session, company, me, now)
        if not a.working or a.next_change is None:
            raise Invalid("until", "You are outside your working hours now.")
        return a.next_change
    if preset == "custom":
        try:
            naive = datetime.fromisoformat(custom)
        except ValueError:
            raise Invalid("custom_until", "Pick a date and time.") from None
        local = naive.replace(tzinfo=h.zone(me.timezone)) if naive.tzinfo is None else naive
        return inputs.instant(local, "custom_until")
    raise Invalid("until", "Pick one of the offered durations.")
