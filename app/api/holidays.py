"""Company holidays: the year's list (region and custom), and custom ones added or removed."""

from datetime import date
from typing import Any

import msgspec
from litestar import Controller
from sqlmodel import Session

from app.api.common import ADMIN, AUTH, api_delete, api_get, api_post
from app.api.schemas import HolidayIn, HolidayOut
from app.clock import Clock
from app.domain import hours as h
from app.domain import inputs
from app.models import Company
from app.services import schedule


class HolidayController(Controller):
    path = "/api/v1/holidays"
    tags = ["holidays"]
    dependencies = {**AUTH, **ADMIN}

    @api_get(path="/", summary="The year's company holidays (admin)")
    def listing(
        self, company: Company, db: Session, clock: Clock, admin: Any, year: int | None = None
    ) -> list[HolidayOut]:
        """Region holidays (observed days included) and custom ones; `year` defaults to now."""
        this_year = clock.now().astimezone(h.zone(company.timezone)).year
        year = inputs.year(this_year if year is None else year)
        rows = schedule.holidays_of_year(db, company, year)
        return msgspec.convert(rows, list[HolidayOut])

    @api_post(path="/", summary="Add a custom holiday (admin)")
    def create(self, company: Company, db: Session, data: HolidayIn, admin: Any) -> HolidayOut:
        """A date the whole company is closed, with a name; one per date (409 if taken)."""
        row = schedule.add_holiday(db, company, data.date, data.name)
        return HolidayOut(date=row.day, name=row.name, source="custom")

    @api_delete(path="/{day:date}", summary="Remove a custom holiday (admin)")
    def remove(self, company: Company, db: Session, day: date, admin: Any) -> None:
        """Remove the custom holiday on `day`; 404 when there is none."""
        schedule.remove_holiday(db, company, day)
