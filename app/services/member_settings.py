"""A member's weight and daily caps as a team's roster lists them (GET and PATCH /teams): the
answer's shape, the changes a body asks for (checked by team_checks.roster) and storing them."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from app.models import Rep, Team, TeamMember
from app.services import team_checks

if TYPE_CHECKING:
    from app.services.teams import Member


def roster_json(m: "Member") -> dict[str, Any]:
    """The API shape of one roster entry."""
    return {
        "rep": {"id": m.rep.id, "name": m.rep.name},
        "position": m.position,
        "taking_part": m.taking_part,
        "weight": m.weight,
        "daily_cap": {"lead": m.cap_lead, "call": m.cap_call},
    }


def given(
    session: Session, team: Team, ids: list[str] | None, changes: Mapping[str, Any]
) -> dict[str, dict[str, int | None]]:
    """The roster a change asks for, checked against the members (the new ones when `ids`)."""
    if "roster" not in changes:
        return {}
    return team_checks.roster(changes["roster"], current_ids(session, team) if ids is None else ids)


def current_ids(session: Session, team: Team) -> list[str]:
    """The team's active members' ids in order."""
    q = (
        select(TeamMember.rep_id)
        .join(Rep, col(Rep.id) == col(TeamMember.rep_id))
        .where(TeamMember.team_id == team.id, col(Rep.active).is_(True))
        .order_by(col(TeamMember.position))
    )
    return list(session.exec(q))


def apply(session: Session, team: Team, settings: Mapping[str, Mapping[str, int | None]]) -> None:
    """Store each member's new weight and caps (only the columns given)."""
    for rep_id, values in settings.items():
        tm = session.get(TeamMember, (team.id, rep_id))
        if tm is None:
            continue
        for key, value in values.items():
            setattr(tm, key, value)
        session.add(tm)
