"""The Schedule tab: my weekly hours, my time off and my calendar feed."""

from typing import Any

from litestar import Controller
from litestar.response import Redirect, Template

from app.services import calendar_feed as feed
from app.services import reps, schedule
from app.services.errors import Invalid
from app.web.common import CTX, Ctx, page, tab_page, web_get, web_post
from app.web.editors import (
    HoursView,
    TimeOffView,
    delete_time_off,
    edit_hours,
    hours_view,
    post_time_off,
    time_off_view,
    undo_form,
)
from app.web.schedule_forms import (
    DayRow,
    MultiForm,
    has_rows,
    hours_errors,
    one,
    rows_from_form,
    rows_from_hours,
)

MY_HOURS = "/schedule/hours"
MINE = {"action": "/schedule/time-off", "page_url": "/schedule", "whose": "Your"}


class ScheduleController(Controller):
    path = "/schedule"
    dependencies = CTX

    @staticmethod
    def _hours(c: Ctx, rows: list[DayRow] | None = None, **kw: Any) -> HoursView:
        kw.setdefault("follow", c.user.hours is None)
        if rows is None:
            rows = rows_from_hours(c.user.hours or c.company.hours)
        tz = c.user.timezone
        return hours_view(c.company, c.now, id="hours", action=MY_HOURS, rows=rows, tz=tz, **kw)

    def _page(self, c: Ctx, status_code: int = 200, **views: Any) -> Template:
        """The whole tab; `views` replaces a section (a draft, a form with its errors)."""
        views.setdefault("hv", self._hours(c))
        views.setdefault("tv", time_off_view(c, c.user, **MINE))
        s = c.settings
        return tab_page(
            c,
            "schedule/index.html",
            "schedule",
            status_code,
            company_hours=schedule.hours_summary(c.company.hours),
            calendar_url=feed.calendar_url(s.base_url, s.secret_key, c.user),
            people=reps.listing(c.db, c.company) if c.user.role == "manager" else [],
            **views,
        )

    def _time_off_answer(self, c: Ctx, tv: TimeOffView, status_code: int = 200) -> Template:
        if c.htmx:
            return page(c.request, "schedule/_time_off.html", status_code, tv=tv)
        return self._page(c, status_code, tv=tv)

    @web_get("/")
    def index(self, c: Ctx) -> Template:
        """The Schedule tab; `?off=day|range|part` picks the kind of time off to add."""
        if c.wants("time-off"):
            return self._time_off_answer(c, time_off_view(c, c.user, **MINE))
        return self._page(c)

    @web_post("/hours")
    def hours(self, c: Ctx, data: MultiForm) -> Template | Redirect:
        """Edit my hours: open or close a day, add or remove an interval, copy Monday, save."""
        follow = one(data, "mode") == "company"
        stored = c.user.hours or c.company.hours
        rows = rows_from_form(data) if has_rows(data) else rows_from_hours(stored)
        errors, notice = _edit_my_hours(c, rows, data, follow)
        if notice and not c.htmx:
            return Redirect("/schedule#hours", status_code=303)
        hv = self._hours(c, rows, follow=follow, errors=hours_errors(errors), notice=notice)
        status = 422 if errors else 200
        if c.htmx:
            summary = schedule.hours_summary(c.company.hours)
            return page(
                c.request,
                "schedule/_hours.html",
                status,
                hv=hv,
                company_hours=summary,
                company=c.company,
            )
        return self._page(c, status, hv=hv)

    @web_post("/time-off")
    def add_off(self, c: Ctx, data: MultiForm) -> Template | Redirect:
        """Add a whole day, several days, or part of one day off."""
        failed = post_time_off(c, c.user, data, **MINE)
        if failed is not None:
            return self._time_off_answer(c, failed, 422)
        if not c.htmx:
            return Redirect("/schedule#time-off", status_code=303)
        tv = time_off_view(c, c.user, kind=one(data, "kind"), notice="Time off added.", **MINE)
        return self._time_off_answer(c, tv)

    @web_post("/time-off/{time_off_id:str}/delete")
    def remove_off(self, c: Ctx, time_off_id: str) -> Template | Redirect:
        """Remove upcoming time off (ended time off stays in the history), offering an undo."""
        undo = undo_form(c, c.user, time_off_id)
        problem = delete_time_off(c, c.user, time_off_id)
        if problem is None and not c.htmx:
            return Redirect("/schedule#time-off", status_code=303)
        notice = None if problem else "Time off removed."
        tv = time_off_view(
            c, c.user, notice=notice, problem=problem, undo=None if problem else undo, **MINE
        )
        return self._time_off_answer(c, tv, 409 if problem else 200)

    @web_post("/calendar-key")
    def new_key(self, c: Ctx) -> Template | Redirect:
        """Make a new private feed address; the old one stops working."""
        feed.new_calendar_key(c.db, c.user)
        if not c.htmx:
            return Redirect("/schedule#calendar", status_code=303)
        url = feed.calendar_url(c.settings.base_url, c.settings.secret_key, c.user)
        return page(c.request, "schedule/_calendar.html", calendar_url=url, key_renewed=True)


def _edit_my_hours(
    c: Ctx, rows: list[DayRow], data: MultiForm, follow: bool
) -> tuple[dict[str, str], str | None]:
    """Apply the editor's action to my hours; a save stores them. Answers (errors, notice)."""
    try:
        action, hours = edit_hours(rows, data, follow)
        if action == "save":
            reps.update(c.db, c.company, c.user, {"hours": hours})
            return {}, "Hours saved."
    except Invalid as exc:
        c.db.rollback()
        return {exc.field: exc.message}, None
    return {}, None
