"""Company settings: name, time zone, company hours and holiday region."""

from functools import cache
from typing import Any

import holidays as holidays_lib
from sqlmodel import Session

from app.models import Company
from app.services.checks import check_hours, check_name, check_timezone
from app.services.errors import Invalid


def as_json(company: Company) -> dict[str, Any]:
    """The API shape of a company."""
    region = None
    if company.holiday_country:
        region = {"country": company.holiday_country, "subdivision": company.holiday_subdivision}
    return {
        "name": company.name,
        "slug": company.slug,
        "timezone": company.timezone,
        "hours": company.hours,
        "holiday_region": region,
    }


@cache
def supported_regions() -> dict[str, tuple[str, ...]]:
    """Countries the `holidays` package knows, with their subdivisions."""
    return {k: tuple(v) for k, v in holidays_lib.list_supported_countries().items()}


def check_region(region: Any) -> tuple[str | None, str | None]:
    """A (country, subdivision) pair the `holidays` package supports, or (None, None)."""
    if region is None:
        return None, None
    country = str(region.get("country") or "").upper()
    sub = region.get("subdivision") or None
    known = supported_regions()
    if country not in known:
        raise Invalid("holiday_region.country", f"Unknown holiday country '{country}'.")
    if sub is not None and str(sub).upper() not in {s.upper() for s in known[country]}:
        raise Invalid("holiday_region.subdivision", f"Unknown subdivision '{sub}' for {country}.")
    return country, (str(sub).upper() if sub else None)


def update(session: Session, company: Company, changes: dict[str, Any]) -> Company:
    """Apply validated changes; any bad field raises Invalid before anything is stored."""
    values: dict[str, Any] = {}
    if "name" in changes:
        values["name"] = check_name(changes["name"])
    if "timezone" in changes:
        values["timezone"] = check_timezone(changes["timezone"])
    if "hours" in changes:
        values["hours"] = check_hours(changes["hours"]).to_json()
    if "holiday_region" in changes:
        values["holiday_country"], values["holiday_subdivision"] = check_region(
            changes["holiday_region"]
        )
    for key, value in values.items():
        setattr(company, key, value)
    session.add(company)
    return company
