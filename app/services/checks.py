"""Checks of what people type, shared by the services: slugs, names, email addresses, phone
numbers, time zones and weekly hours. Each answers the clean value or raises Invalid naming the
field."""

import re

from sqlmodel import Session, select

from app.domain import hours as h
from app.models import Rep
from app.services.errors import Invalid

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
E164 = re.compile(r"^\+[1-9]\d{7,14}$")


def check_slug(slug: str, field: str = "slug") -> str:
    """A lowercase slug of letters, digits and dashes."""
    if not SLUG.match(slug or ""):
        raise Invalid(field, "Use 1–40 lowercase letters, digits or dashes.")
    return slug


def check_name(name: object, field: str = "name", limit: int = 120) -> str:
    """A non-empty display name."""
    text = name.strip() if isinstance(name, str) else ""
    if not text or len(text) > limit:
        raise Invalid(field, f"Enter a name of 1–{limit} characters.")
    return text


def check_email(email: object) -> str:
    """A plausible email address, lowercased."""
    text = email.strip().lower() if isinstance(email, str) else ""
    if not EMAIL.match(text) or len(text) > 254:
        raise Invalid("email", "Enter an email address like dana@example.com.")
    return text


def check_phone(phone: object, field: str = "phone") -> str | None:
    """An E.164 number such as +15551234567, or None."""
    if phone in (None, ""):
        return None
    if not isinstance(phone, str) or not E164.match(phone):
        raise Invalid(field, "Use E.164 format: + then country code and number, e.g. +15551234567.")
    return phone


def check_timezone(name: object, field: str = "timezone") -> str:
    """A known IANA time zone name."""
    try:
        h.zone(name if isinstance(name, str) else "", field)
    except h.HoursError as exc:
        raise Invalid(field, exc.message) from exc
    return str(name)


def check_hours(obj: object, field: str = "hours") -> h.WeeklyHours:
    """Weekly hours as the API takes them (docs/api.md, "Hours"), errors naming e.g.
    `hours.wed[1]`."""
    try:
        return h.WeeklyHours.from_json(obj)
    except h.HoursError as exc:
        raise Invalid(f"{field}.{exc.field}" if exc.field else field, exc.message) from exc


def check_phone_free(
    session: Session, company_id: str, phone: str | None, rep_id: str | None
) -> None:
    """Phone numbers identify callers, so one number belongs to one person of a company."""
    if phone is None:
        return
    q = select(Rep).where(Rep.company_id == company_id, Rep.phone == phone, Rep.active)
    other = session.exec(q).first()
    if other is not None and other.id != rep_id:
        raise Invalid("phone", f"{phone} already belongs to {other.name}.")
