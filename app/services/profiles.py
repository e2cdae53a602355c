"""Presence profiles: a rep's named presets, applied in one tap, and the warning when they drift."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.domain import presence as p
from app.models import Profile, Rep
from app.services import presence as presence_service
from app.services import teams as teams_service
from app.services.errors import Invalid, NotFound, Refused

MAX_NAME = 40
DURATIONS = (15, 30, 45, 60, 90, 120, 180, 240, 480)  # minutes offered by the profile form
MAX_MINUTES = 7 * 24 * 60


@dataclass(frozen=True)
class Panel:
    """What the Phone tab shows of profiles: the buttons, the chosen one, and whether it drifted."""

    profiles: list[Profile]
    chosen: Profile | None
    drift: bool
    presence: p.EffectivePresence


def as_domain(row: Profile) -> p.Profile:
    """The domain value of a stored profile."""
    teams = tuple(row.team_slugs) if row.team_slugs is not None else None
    return p.Profile(row.name, p.Status(row.status), row.note, row.minutes, teams)


def listing(session: Session, rep: Rep) -> list[Profile]:
    """The rep's profiles in order (a page read never writes: defaults come with the person)."""
    return _rows(session, rep)


def _rows(session: Session, rep: Rep) -> list[Profile]:
    q = select(Profile).where(Profile.rep_id == rep.id)
    return list(session.exec(q.order_by(col(Profile.position), col(Profile.name))))


def get(session: Session, rep: Rep, profile_id: str) -> Profile:
    """One of the rep's own profiles; anybody else's is not found."""
    row = session.get(Profile, profile_id)
    if row is None or row.rep_id != rep.id:
        raise NotFound("No such profile.")
    return row


def save(
    session: Session, rep: Rep, form: Mapping[str, object], row: Profile | None = None
) -> Profile:
    """Add a profile, or change `row`, from form values; bad input raises Invalid."""
    name = _name(session, rep, form.get("name"), row)
    status = _status(form.get("status"))
    note, minutes = _note(form.get("note")), _minutes(form.get("minutes"))
    teams = _teams(session, rep, form)
    try:
        p.Profile(name, status, note, minutes, teams)
    except p.PresenceError as exc:
        raise Invalid(exc.field, exc.message) from exc
    if row is None:
        row = Profile(rep_id=rep.id, name=name, status=status, position=_position(session, rep))
    row.name, row.status, row.note, row.minutes = name, status.value, note, minutes
    row.team_slugs = list(teams) if teams is not None else None
    session.add(row)
    session.flush()
    return row


def _name(session: Session, rep: Rep, value: object, row: Profile | None) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        raise Invalid("name", "Give the profile a name, e.g. “Focus time”.")
    if len(name) > MAX_NAME:
        raise Invalid("name", f"Keep the name to {MAX_NAME} characters.")
    same = (r for r in _rows(session, rep) if r.name.casefold() == name.casefold())
    if any(row is None or r.id != row.id for r in same):
        raise Invalid("name", f"You already have a profile called “{name}”.")
    return name


def _status(value: object) -> p.Status:
    try:
        return p.parse_status(value)
    except p.PresenceError:
        raise Invalid("status", "Pick a status.") from None


def _note(value: object) -> str | None:
    note = value.strip() if isinstance(value, str) else ""
    if len(note) > p.MAX_NOTE:
        raise Invalid("note", f"Keep the note to {p.MAX_NOTE} characters.")
    return note or None


def _minutes(value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        minutes = int(str(value))
    except ValueError:
        raise Invalid("minutes", "Pick how long the profile keeps its status.") from None
    if not 1 <= minutes <= MAX_MINUTES:
        raise Invalid("minutes", f"Pick between 1 minute and {MAX_MINUTES // 1440} days.")
    return minutes


def _teams(session: Session, rep: Rep, form: Mapping[str, object]) -> tuple[str, ...] | None:
    """None = every team the rep belongs to; else exactly the ticked ones (of the rep's teams)."""
    if form.get("teams_mode", "all") != "some":
        return None
    picked = form.get("teams")
    chosen = {picked} if isinstance(picked, str) else set(map(str, _as_list(picked)))
    mine = [team.slug for team, _ in teams_service.teams_of(session, rep)]
    unknown = chosen - set(mine)
    if unknown:
        raise Invalid("teams", "Pick among your own teams.")
    return tuple(slug for slug in mine if slug in chosen)


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


def _position(session: Session, rep: Rep) -> int:
    return max((r.position for r in _rows(session, rep)), default=-1) + 1


def delete(session: Session, rep: Rep, profile_id: str) -> None:
    """Delete one of the rep's profiles; the last one stays, so the Phone tab always has one."""
    row = get(session, rep, profile_id)
    if len(_rows(session, rep)) <= 1:
        raise Refused("Keep at least one profile; change it instead.")
    if rep.profile_id == row.id:
        rep.profile_id = None
        session.add(rep)
    session.delete(row)
    session.flush()


def apply(session: Session, rep: Rep, profile_id: str, now: datetime) -> p.EffectivePresence:
    """One tap: the profile's status, note and timer, and which teams the rep takes part in."""
    row = get(session, rep, profile_id)
    profile = as_domain(row)
    new = p.apply_profile(p.settle(presence_service.stored(rep), now), profile, now)
    eff = presence_service.change(
        session,
        rep,
        status=new.status,
        note=new.note,
        until=new.until,
        then=new.then,
        now=now,
        by="rep",
        profile_id=row.id,
    )
    _take_part(session, rep, profile.teams)
    return eff


def _take_part(session: Session, rep: Rep, slugs: tuple[str, ...] | None) -> None:
    """Set taking part per team: every team when the profile names none, else just those named."""
    for team, member in teams_service.teams_of(session, rep):
        wanted = slugs is None or team.slug in slugs
        if member.taking_part != wanted:
            teams_service.set_taking_part(session, team, rep, wanted)


def fix(session: Session, rep: Rep, now: datetime) -> p.EffectivePresence:
    """The one-tap fix for drift: apply the chosen profile again."""
    if rep.profile_id is None:
        raise Refused("No profile is chosen; tap one to apply it.")
    return apply(session, rep, rep.profile_id, now)


def chosen(session: Session, rep: Rep) -> Profile | None:
    """The profile the rep last applied, if it still exists."""
    row = session.get(Profile, rep.profile_id) if rep.profile_id else None
    return row if row is not None and row.rep_id == rep.id else None


def drifted(row: Profile | None, eff: p.EffectivePresence) -> bool:
    """Whether the live state no longer matches the chosen profile (a manager, call or timer)."""
    return row is not None and not p.profile_matches(eff, as_domain(row))


def panel(session: Session, rep: Rep, now: datetime) -> Panel:
    """The Phone tab's profile buttons, the chosen profile and the drift warning for `rep`."""
    rows = listing(session, rep)
    row = chosen(session, rep)
    eff = presence_service.read(rep, now)
    return Panel(rows, row, drifted(row, eff), eff)
