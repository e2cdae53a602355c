"""Teams: ordered members who take part or not, schedule, destinations, ring mode and PIN."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete
from sqlmodel import Session, col, select

from app.domain import offers as offer_rules
from app.domain import routing as r
from app.models import Company, Rep, Rotation, Team, TeamMember, Turn
from app.services import member_settings, security, team_checks, team_pin
from app.services.checks import check_name, check_slug
from app.services.errors import Invalid, NotFound, Refused
from app.services.team_checks import CLOSED as CLOSED  # teams.CLOSED, as callers know it
from app.services.team_checks import by_extension as by_extension  # checks live there
from app.services.team_checks import check_extension as check_extension

STATES = ("lunch", "away", "vacation")
DEFAULTS = {"lunch": r.MEMBERS, "away": r.VOICEMAIL, "vacation": r.VOICEMAIL}


@dataclass(frozen=True)
class Member:
    """A member as a team lists them: the rep, their place in the order, whether they take part."""

    rep: Rep
    position: int
    taking_part: bool
    weight: int = 1  # a share of the turns (1–10); caps: at most this many a day, None: no cap
    cap_lead: int | None = None
    cap_call: int | None = None


def get(session: Session, company: Company, slug: str) -> Team:
    """The company's team with this slug; another company's teams are simply not found."""
    team = _by_slug(session, company, slug)
    if team is None:
        raise NotFound(f"No team '{slug}'.")
    return team


_BY_SLUG = select(Team).where(
    col(Team.company_id) == bindparam("company_id"), col(Team.slug) == bindparam("slug")
)


def _by_slug(session: Session, company: Company, slug: str) -> Team | None:
    """The company's team with this slug, or None."""
    return session.exec(_BY_SLUG, params={"company_id": company.id, "slug": slug}).first()


def listing(session: Session, company: Company) -> list[Team]:
    """The company's teams by name."""
    q = select(Team).where(Team.company_id == company.id).order_by(Team.name, Team.slug)
    return list(session.exec(q))


def members_of(session: Session, team_ids: Sequence[str]) -> dict[str, list[Member]]:
    """The active members of several teams in member order, by team (one query)."""
    found: dict[str, list[Member]] = {tid: [] for tid in team_ids}
    if not team_ids:
        return found
    q = (
        select(TeamMember, Rep)
        .join(Rep, col(Rep.id) == col(TeamMember.rep_id))
        .where(col(TeamMember.team_id).in_(team_ids), col(Rep.active).is_(True))
        .order_by(col(TeamMember.position))
    )
    for tm, rep in session.exec(q):
        found[tm.team_id].append(_member(rep, tm))
    return found


def members(session: Session, team: Team) -> list[Member]:
    """The team's active members in order (one query)."""
    return members_of(session, [team.id])[team.id]


def with_members(session: Session, company: Company) -> list[tuple[Team, list[Member]]]:
    """Every team of the company by name, each with its members in order (two queries)."""
    found = listing(session, company)
    by_team = members_of(session, [t.id for t in found])
    return [(t, by_team[t.id]) for t in found]


def teams_of(session: Session, rep: Rep) -> list[tuple[Team, Member]]:
    """The teams a rep belongs to, by name, with their membership (the Phone tab)."""
    q = (
        select(Team, TeamMember)
        .join(TeamMember, col(TeamMember.team_id) == col(Team.id))
        .where(TeamMember.rep_id == rep.id, Team.company_id == rep.company_id)
        .order_by(Team.name)
    )
    return [(t, _member(rep, tm)) for t, tm in session.exec(q)]


def _member(rep: Rep, tm: TeamMember) -> Member:
    return Member(rep, tm.position, tm.taking_part, tm.weight, tm.cap_lead, tm.cap_call)


def destinations(team: Team) -> dict[str, dict[str, Any]]:
    """The team's destination per state, as JSON."""
    return {"lunch": team.dest_lunch, "away": team.dest_away, "vacation": team.dest_vacation}


def team_targets(team: Team) -> list[str]:
    """Slugs of the teams this team sends work to in any state."""
    return [d["team"] for d in destinations(team).values() if d.get("type") == "team"]


def member_json(m: Member) -> dict[str, Any]:
    """The API shape of one member."""
    return {"id": m.rep.id, "name": m.rep.name, "taking_part": m.taking_part}


def as_json(team: Team, found: list[Member]) -> dict[str, Any]:
    """The API shape of a team (the PIN is write-only: only whether one is set)."""
    return {
        "slug": team.slug,
        "name": team.name,
        "members": [m.rep.id for m in found],
        "members_detail": [member_json(m) for m in found],
        "roster": [member_settings.roster_json(m) for m in found],
        "schedule": team.schedule,
        "destinations": destinations(team),
        "ring": team.ring,
        "pin_set": team.pin_hash is not None,
        "extension": team.extension,
        "offer_seconds": team.offer_seconds,
    }


def create(
    session: Session,
    company: Company,
    *,
    slug: str,
    name: object,
    now: datetime,
    members: object = (),
    schedule: object = None,
    destinations: Mapping[str, object] | None = None,
    ring: object = "sequence",
    pin: object = None,
    extension: object = None,
    roster: object = (),
) -> Team:
    """Add a team; every field is checked before anything is stored."""
    check_slug(slug)
    if _by_slug(session, company, slug) is not None:
        raise Invalid("slug", f"A team with slug '{slug}' already exists.")
    team = Team(
        company_id=company.id,
        slug=slug,
        name=check_name(name),
        schedule=team_checks.schedule(schedule),
        **_destinations(session, company, slug, destinations or {}, {}),
        ring=team_checks.ring(ring),
        pin_hash=team_pin.hash_pin(pin),
        extension=check_extension(session, company, None, extension),
        created_at=now,
    )
    ids = team_checks.member_ids(session, company, members)
    settings = team_checks.roster(roster, ids)
    session.add(team)
    session.flush()
    _place_members(session, team, ids)
    member_settings.apply(session, team, settings)
    return team


def update(session: Session, company: Company, team: Team, changes: Mapping[str, Any]) -> Team:
    """Change name, members, schedule, destinations, ring mode, PIN or members' weights and caps;
    bad input changes nothing."""
    values: dict[str, Any] = {}
    if "name" in changes:
        values["name"] = check_name(changes["name"])
    if "schedule" in changes:
        values["schedule"] = team_checks.schedule(changes["schedule"])
    if "destinations" in changes:
        given = changes["destinations"]
        values.update(_destinations(session, company, team.slug, given, destinations(team)))
    if "ring" in changes:
        values["ring"] = team_checks.ring(changes["ring"])
    if "extension" in changes:
        values["extension"] = check_extension(session, company, team, changes["extension"])
    if "offer_seconds" in changes:
        values["offer_seconds"] = offer_rules.check_seconds(changes["offer_seconds"])
    if "pin" in changes:
        # A new PIN also ends any lock-out of the old one.
        values["pin_hash"] = team_pin.hash_pin(changes["pin"])
        security.clear_failures(session, team_pin.pin_key(team))
    ids = (
        team_checks.member_ids(session, company, changes["members"])
        if "members" in changes
        else None
    )
    settings = member_settings.given(session, team, ids, changes)
    for key, value in values.items():
        setattr(team, key, value)
    session.add(team)
    if ids is not None:
        _place_members(session, team, ids)
    member_settings.apply(session, team, settings)
    return team


def remove(session: Session, company: Company, team: Team) -> None:
    """Delete a team (its log stays); refused while another team sends work to it."""
    senders = [t.slug for t in listing(session, company) if team.slug in team_targets(t)]
    senders = [s for s in senders if s != team.slug]
    if senders:
        raise Refused(f"Team '{senders[0]}' sends work to '{team.slug}'; change that first.")
    for model in (TeamMember, Turn, Rotation):
        session.execute(delete(model).where(col(model.team_id) == team.id))
    session.delete(team)


def set_taking_part(session: Session, team: Team, rep: Rep, taking_part: bool) -> Member:
    """A member stops or resumes taking part in the team's leads and calls."""
    tm = session.get(TeamMember, (team.id, rep.id))
    if tm is None or not rep.active:
        raise NotFound(f"{rep.name} is not a member of {team.name}.")
    tm.taking_part = bool(taking_part)
    session.add(tm)
    return Member(rep, tm.position, tm.taking_part)


def _destinations(
    session: Session,
    company: Company,
    slug: str,
    given: Mapping[str, object],
    current: Mapping[str, object],
) -> dict[str, Any]:
    """Destination columns: given, else current, else default; unknown teams and loops refused."""
    for key in given:
        if key not in STATES:
            raise Invalid(f"destinations.{key}", "Use lunch, away or vacation.")
    found: dict[str, r.Destination] = {}
    for state in STATES:
        obj = given.get(state, current.get(state) or DEFAULTS[state].to_json())
        try:
            found[state] = r.Destination.from_json(obj, f"destinations.{state}")
        except r.RoutingError as exc:
            raise Invalid(exc.field, exc.message.capitalize() + ".") from exc
    _check_team_targets(session, company, slug, found)
    return {f"dest_{state}": d.to_json() for state, d in found.items()}


def _check_team_targets(
    session: Session, company: Company, slug: str, found: Mapping[str, r.Destination]
) -> None:
    """Team destinations must name a team of the company and must not lead back in a loop."""
    others = [t for t in listing(session, company) if t.slug != slug]
    known = {t.slug for t in others} | {slug}
    for state, d in found.items():
        if d.team is not None and d.team not in known:
            raise Invalid(f"destinations.{state}.team", f"No team '{d.team}'.")
    edges = {t.slug: team_targets(t) for t in others}
    edges[slug] = [d.team for d in found.values() if d.team is not None]
    loop = r.find_team_loop(slug, edges)
    if loop is not None:
        raise Refused(f"Team destinations would loop: {' → '.join(loop)}.")


def _place_members(session: Session, team: Team, ids: list[str]) -> None:
    """Store the member order; members who stay keep their taking-part choice."""
    q = select(TeamMember).where(TeamMember.team_id == team.id)
    existing = {tm.rep_id: tm for tm in session.exec(q)}
    for rep_id, tm in existing.items():
        if rep_id not in ids:
            session.delete(tm)
    for position, rep_id in enumerate(ids):
        tm = existing.get(rep_id) or TeamMember(team_id=team.id, rep_id=rep_id, position=position)
        tm.position = position
        session.add(tm)
