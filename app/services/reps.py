"""Reps and managers of a company: list, look up, change, deactivate."""

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.domain import hours as h
from app.models import Company, Rep
from app.services import accounts, checks, external_ids
from app.services import presence as presence_service
from app.services.errors import Invalid, NotFound, Refused


def get(session: Session, company: Company, rep_id: str, *, active_only: bool = False) -> Rep:
    """One person of the company; another company's ids are not found."""
    rep = session.get(Rep, rep_id)
    if rep is None or rep.company_id != company.id or (active_only and not rep.active):
        raise NotFound("No such rep.")
    return rep


def listing(
    session: Session,
    company: Company,
    *,
    phone: str | None = None,
    external_id: str | None = None,
) -> list[Rep]:
    """Active people of the company by name; `phone` looks one up by E.164 number (a caller
    number that belongs to nobody is NotFound, so a phone system can tell it apart at once);
    `external_id` = `system:id` looks one up by their id in another system."""
    if external_id is not None:
        return [external_ids.find(session, company.id, external_id)]
    q = select(Rep).where(Rep.company_id == company.id, col(Rep.active).is_(True))
    if phone is None:
        return list(session.exec(q.order_by(Rep.name)))
    number = checks.check_phone(phone)
    found = list(session.exec(q.where(Rep.phone == number)))
    if not found:
        raise NotFound(f"Nobody in this company has the phone number {number}.")
    return found


def warnings(rep: Rep, company: Company, now: datetime) -> list[str]:
    """Plain sentences naming personal hours that fall outside company hours (they do not route)."""
    if rep.hours is None:
        return []
    return h.outside_company_warnings(
        h.WeeklyHours.from_json(rep.hours),
        h.zone(rep.timezone),
        h.WeeklyHours.from_json(company.hours),
        h.zone(company.timezone),
        now,
    )


def as_json(rep: Rep, company: Company, now: datetime) -> dict[str, Any]:
    """The API shape of a rep."""
    eff = presence_service.read(rep, now)
    return {
        "id": rep.id,
        "name": rep.name,
        "email": rep.email,
        "phone": rep.phone,
        "timezone": rep.timezone,
        "role": rep.role,
        "hours": rep.hours,
        "external_ids": external_ids.of(rep),
        "active": rep.active,
        "status": eff.status.value,
        "effective_status": eff.effective_status.value,
        "warnings": warnings(rep, company, now),
    }


def update(session: Session, company: Company, rep: Rep, changes: dict[str, Any]) -> Rep:
    """Apply validated changes to a person; nothing is stored if a field is bad."""
    values: dict[str, Any] = {}
    if "name" in changes:
        values["name"] = checks.check_name(changes["name"])
    if "email" in changes:
        values["email"] = _free_email(session, checks.check_email(changes["email"]), rep)
    if "phone" in changes:
        values["phone"] = checks.check_phone(changes["phone"])
        checks.check_phone_free(session, company.id, values["phone"], rep.id)
    if "timezone" in changes:
        values["timezone"] = checks.check_timezone(changes["timezone"])
    if "role" in changes:
        if changes["role"] not in accounts.ROLES:
            raise Invalid("role", "Role must be 'rep' or 'manager'.")
        values["role"] = changes["role"]
    if "hours" in changes:
        hours = changes["hours"]
        values["hours"] = None if hours is None else checks.check_hours(hours).to_json()
    for key, value in values.items():
        setattr(rep, key, value)
    session.add(rep)
    if "external_ids" in changes:
        external_ids.set_ids(session, rep, changes["external_ids"])
    return rep


def _free_email(session: Session, email: str, rep: Rep) -> str:
    """Email addresses sign people in, so each belongs to one person."""
    other = session.exec(select(Rep).where(Rep.email == email)).first()
    if other is not None and other.id != rep.id:
        raise Invalid("email", "Someone with this email already has an account.")
    return email


def everyone(session: Session, company: Company) -> list[Rep]:
    """Every person of the company by name, deactivated ones included (their history is kept)."""
    q = select(Rep).where(Rep.company_id == company.id)
    return list(session.exec(q.order_by(Rep.name)))


def reactivate(session: Session, company: Company, rep: Rep) -> None:
    """Bring a deactivated person back (Offline, no password: they need a new invitation)."""
    if rep.active:
        raise Refused(f"{rep.name} is active already.")
    if rep.phone is not None:
        try:
            checks.check_phone_free(session, company.id, rep.phone, rep.id)
        except Invalid as exc:
            raise Refused(f"{exc.message} Change their number first.") from None
    rep.active = True
    try:
        external_ids.reactivated(session, rep)
    except Refused as exc:
        raise Refused(f"{exc} Change their ids first.") from None
    accounts.end_sessions(session, rep)  # a cookie kept from before must not come back to life


def deactivate(session: Session, rep: Rep, *, by: Rep | None = None) -> None:
    """Deactivate a person: they cannot sign in or be routed to; history is kept."""
    if by is not None and by.id == rep.id:
        raise Refused("You can't deactivate yourself; ask another manager.")
    rep.active = False
    rep.password_hash = None
    external_ids.deactivated(session, rep)
    accounts.end_sessions(session, rep)
