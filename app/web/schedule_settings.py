"""Managers: company hours, time zone, holiday region, custom holidays, and a rep's time off."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from litestar import Controller, Request
from litestar.response import Redirect, Template

from app.domain import hours as h
from app.domain import inputs
from app.models import Rep
from app.services import company as company_service
from app.services import reps, schedule
from app.services.errors import Invalid, NotFound, Refused
from app.web import editors as ed
from app.web.common import MANAGER_CTX, Ctx, page, tab_page, web_get, web_post
from app.web.schedule_forms import (
    MultiForm,
    hours_errors,
    one,
    rows_from_form,
    rows_from_hours,
)

Req = Request[Any, Any, Any]


PAGE = "settings/company.html"


@dataclass
class RegionView:
    """The time zone and holiday region form."""

    timezone: str
    country: str
    subdivision: str
    errors: dict[str, str] = field(default_factory=dict)
    notice: str | None = None

    @property
    def subdivisions(self) -> list[tuple[str, str]]:
        """The chosen country's subdivisions for the select."""
        return schedule.subdivision_options(self.country) if self.country else []


@dataclass
class HolidaysView:
    """The year's holidays and the form to add a custom one."""

    year: int
    listed: list[dict[str, Any]]
    form: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    notice: str | None = None


def _year(c: Ctx, asked: str | None) -> int:
    """The year asked for in ?year=, else this year in the company's zone."""
    this_year = c.now.astimezone(h.zone(c.company.timezone)).year
    if not asked:
        return this_year
    return inputs.year(inputs.whole_number(asked, "year", high=9999))


class SettingsController(Controller):
    path = "/settings"
    dependencies = MANAGER_CTX

    @staticmethod
    def _hours(c: Ctx, **kw: Any) -> ed.HoursView:
        kw.setdefault("rows", rows_from_hours(c.company.hours))
        return ed.hours_view(
            c.company,
            c.now,
            "company",
            id="company-hours",
            action="/settings/company/hours",
            tz=c.company.timezone,
            **kw,
        )

    @staticmethod
    def _region(c: Ctx, **kw: Any) -> RegionView:
        kw.setdefault("timezone", c.company.timezone)
        kw.setdefault("country", c.company.holiday_country or "")
        kw.setdefault("subdivision", c.company.holiday_subdivision or "")
        return RegionView(**kw)

    @staticmethod
    def _holidays(c: Ctx, year: int, **kw: Any) -> HolidaysView:
        return HolidaysView(year, schedule.holidays_of_year(c.db, c.company, year), **kw)

    def _section(self, c: Ctx, fragment: str, status_code: int = 200, **views: Any) -> Template:
        """Just the section for htmx, else the whole company page with it."""
        options = {
            "countries": schedule.country_options(),
            "timezones": schedule.timezone_options(),
        }
        if c.htmx and fragment != PAGE:  # an unknown hx-target gets the whole page
            return page(c.request, fragment, status_code, company=c.company, **options, **views)
        views.setdefault("hv", self._hours(c))
        views.setdefault("rv", self._region(c))
        views.setdefault("yv", self._holidays(c, _year(c, c.request.query_params.get("year"))))
        return tab_page(c, PAGE, "schedule", status_code, **options, **views)

    @web_get("/company")
    def company_page(self, c: Ctx) -> Template:
        """Company hours, time zone, holiday region and the year's holidays (`?year=`)."""
        if c.wants("company-region"):  # the country changed: offer its subdivisions
            q = c.request.query_params
            zone = q.get("timezone") or c.company.timezone
            rv = self._region(c, timezone=zone, country=q.get("country", ""), subdivision="")
            return self._section(c, "settings/_region.html", rv=rv)
        if c.wants("holidays"):
            yv = self._holidays(c, _year(c, c.request.query_params.get("year")))
            return self._section(c, "settings/_holidays.html", yv=yv)
        return self._section(c, PAGE)

    @web_post("/company/hours")
    def company_hours(self, c: Ctx, data: MultiForm) -> Template | Redirect:
        """Edit company hours: open or close a day, add or remove an interval, copy Monday, save."""
        rows = rows_from_form(data)
        errors, notice = {}, None
        try:
            action, hours = ed.edit_hours(rows, data)
            if action == "save":
                company_service.update(c.db, c.company, {"hours": hours})
                notice = "Company hours saved."
        except Invalid as exc:
            c.db.rollback()
            errors = {exc.field: exc.message}
        if notice and not c.htmx:
            return Redirect("/settings/company#company-hours", status_code=303)
        hv = self._hours(c, rows=rows, errors=hours_errors(errors), notice=notice)
        return self._section(c, "schedule/_hours.html", 422 if errors else 200, hv=hv)

    @web_post("/company/region")
    def region(self, c: Ctx, data: MultiForm) -> Template | Redirect:
        """Change the company's time zone and holiday region (country and subdivision)."""
        country, sub = one(data, "country"), one(data, "subdivision")
        region = {"country": country, "subdivision": sub or None} if country else None
        try:
            company_service.update(
                c.db, c.company, {"timezone": one(data, "timezone"), "holiday_region": region}
            )
        except Invalid as exc:
            c.db.rollback()
            field_name = exc.field.removeprefix("holiday_region.")
            rv = self._region(
                c,
                timezone=one(data, "timezone"),
                country=country,
                subdivision=sub,
                errors={field_name: exc.message},
            )
            return self._section(c, "settings/_region.html", 422, rv=rv)
        if not c.htmx:
            return Redirect("/settings/company#company-region", status_code=303)
        return self._section(c, "settings/_region.html", rv=self._region(c, notice="Saved."))

    @web_post("/company/holidays")
    def add_holiday(self, c: Ctx, data: MultiForm) -> Template | Redirect:
        """Add a custom holiday: a date the whole company is closed, with a name."""
        form = {"date": one(data, "date"), "name": one(data, "name")}
        try:
            day = _form_date(form["date"])
            schedule.add_holiday(c.db, c.company, day, form["name"])
        except (Invalid, Refused) as exc:
            c.db.rollback()
            errors = {exc.field: exc.message} if isinstance(exc, Invalid) else {"date": str(exc)}
            yv = self._holidays(c, _year(c, one(data, "year")), form=form, errors=errors)
            return self._section(c, "settings/_holidays.html", 422, yv=yv)
        if not c.htmx:
            return Redirect(f"/settings/company?year={day.year}#holidays", status_code=303)
        yv = self._holidays(c, day.year, notice=f"Added {form['name']}.")
        return self._section(c, "settings/_holidays.html", yv=yv)

    @web_post("/company/holidays/{day:date}/delete")
    def remove_holiday(self, c: Ctx, day: date) -> Template | Redirect:
        """Remove a custom holiday."""
        try:
            schedule.remove_holiday(c.db, c.company, day)
            notice = "Holiday removed."
        except NotFound as exc:
            notice = str(exc)
        if not c.htmx:
            return Redirect(f"/settings/company?year={day.year}#holidays", status_code=303)
        return self._section(
            c, "settings/_holidays.html", yv=self._holidays(c, day.year, notice=notice)
        )

    @web_get("/time-off")
    def pick_rep(self, c: Ctx, rep: str = "") -> Redirect:
        """The rep picker of the Schedule tab goes to that rep's time off."""
        return Redirect(f"/settings/reps/{rep}/time-off" if rep else "/schedule", status_code=303)

    def _rep_page(
        self, c: Ctx, rep: Rep, tv: ed.TimeOffView | None = None, status_code: int = 200
    ) -> Template:
        """A rep's time-off page; every htmx request on it is for the time-off section."""
        tv = tv or ed.time_off_view(c, rep, **_theirs(rep))
        if c.htmx:
            return page(c.request, "schedule/_time_off.html", status_code, tv=tv)
        return tab_page(
            c,
            "settings/rep_time_off.html",
            "schedule",
            status_code,
            rep=rep,
            people=reps.listing(c.db, c.company),
            tv=tv,
        )

    @web_get("/reps/{rep_id:str}/time-off")
    def rep_time_off(self, c: Ctx, rep_id: str) -> Template:
        """A rep's time off, for a manager to add or remove."""
        return self._rep_page(c, reps.get(c.db, c.company, rep_id, active_only=True))

    @web_post("/reps/{rep_id:str}/time-off")
    def add_rep_time_off(self, c: Ctx, rep_id: str, data: MultiForm) -> Template | Redirect:
        """Add time off for a rep (in the rep's own time zone)."""
        rep = reps.get(c.db, c.company, rep_id, active_only=True)
        failed = ed.post_time_off(c, rep, data, **_theirs(rep))
        if failed is not None:
            return self._rep_page(c, rep, failed, 422)
        if not c.htmx:
            return Redirect(f"/settings/reps/{rep.id}/time-off", status_code=303)
        tv = ed.time_off_view(
            c, rep, kind=one(data, "kind"), notice="Time off added.", **_theirs(rep)
        )
        return self._rep_page(c, rep, tv)

    @web_post("/reps/{rep_id:str}/time-off/{time_off_id:str}/delete")
    def remove_rep_time_off(self, c: Ctx, rep_id: str, time_off_id: str) -> Template | Redirect:
        """Remove a rep's upcoming time off."""
        rep = reps.get(c.db, c.company, rep_id, active_only=True)
        problem = ed.delete_time_off(c, rep, time_off_id)
        if problem is None and not c.htmx:
            return Redirect(f"/settings/reps/{rep.id}/time-off", status_code=303)
        notice = None if problem else "Time off removed."
        tv = ed.time_off_view(c, rep, notice=notice, problem=problem, **_theirs(rep))
        return self._rep_page(c, rep, tv, 409 if problem else 200)


def _theirs(rep: Rep) -> dict[str, str]:
    base = f"/settings/reps/{rep.id}/time-off"
    return {"action": base, "page_url": base, "whose": f"{rep.name}'s"}


def _form_date(text: str) -> date:
    if not text:
        raise Invalid("date", "Pick the date.")
    return inputs.day(text, "date")
