"""Reps' ids in other systems: set them (unique per company and system), find a rep by one."""

from typing import Any

from sqlmodel import Session, col, delete, select

from app.domain import external_ids as x
from app.models import Rep, RepExternalId
from app.services.errors import NotFound, Refused


def of(rep: Rep) -> dict[str, str]:
    """A rep's `external_ids` object (`{}` when none)."""
    return dict(rep.external_ids or {})


def set_ids(session: Session, rep: Rep, ids: Any, field: str = "external_ids") -> dict[str, str]:
    """Replace a rep's ids with a checked object; an id another active person of the company
    holds for the same system is refused (409) and nothing changes."""
    checked = x.check(ids, field)
    _check_free(session, rep, checked)
    rep.external_ids = checked or None
    session.add(rep)
    _index(session, rep)
    return checked


def _check_free(session: Session, rep: Rep, ids: dict[str, str]) -> None:
    """Each (system, id) belongs to one active person of a company."""
    for system, value in ids.items():
        holder = session.exec(
            select(Rep)
            .join(RepExternalId, col(RepExternalId.rep_id) == col(Rep.id))
            .where(
                RepExternalId.company_id == rep.company_id,
                RepExternalId.system == system,
                RepExternalId.value == value,
                RepExternalId.rep_id != rep.id,
            )
        ).first()
        if holder is not None:
            raise Refused(f"The {system} id {value!r} already belongs to {holder.name}.")


def _index(session: Session, rep: Rep) -> None:
    """Rewrite the uniqueness index of one rep from its ids (none while deactivated)."""
    session.exec(delete(RepExternalId).where(col(RepExternalId.rep_id) == rep.id))
    session.flush()
    if rep.active:
        for system, value in (rep.external_ids or {}).items():
            session.add(
                RepExternalId(rep_id=rep.id, system=system, company_id=rep.company_id, value=value)
            )


def deactivated(session: Session, rep: Rep) -> None:
    """A deactivated person keeps their ids (history) but no longer holds them."""
    _index(session, rep)


def reactivated(session: Session, rep: Rep) -> None:
    """Someone coming back takes their ids again, unless another person has them now."""
    _check_free(session, rep, of(rep))
    _index(session, rep)


def find(session: Session, company_id: str, text: str) -> Rep:
    """The active person whose id in a system is `system:id` (404 if nobody)."""
    system, value = x.lookup(text)
    rep = session.exec(
        select(Rep)
        .join(RepExternalId, col(RepExternalId.rep_id) == col(Rep.id))
        .where(
            RepExternalId.company_id == company_id,
            RepExternalId.system == system,
            RepExternalId.value == value,
            col(Rep.active).is_(True),
        )
    ).first()
    if rep is None:
        raise NotFound(f"Nobody in this company has the {system} id {value!r}.")
    return rep
