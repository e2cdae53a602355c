"""The Schedule tab: my weekly hours, my time off and my calendar feed."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from litestar import Controller, Request
from litestar.di import Provide
from litestar.response import Redirect, Template
from sqlmodel import Session

from app.clock import Clock
from app.domain import hours as h
from app.models import Company, Rep
from app.services import calendar_feed as feed
from app.services import reps, schedule
from app.services.errors import Invalid, Refused
from app.settings import Settings
from app.web.common import SIGNED_IN, page, web_get, web_post
from app.web.schedule_forms import (
    KINDS,
    DayRow,
    MultiForm,
    apply_action,
    has_rows,
    hours_errors,
    hours_json,
    one,
    rows_from_form,
    rows_from_hours,
    time_off_from_form,
)

Req = Request[Any, Any, Any]


@dataclass(frozen=True)
class Ctx:
    """What every schedule handler works with: the request, the session, who, and when."""

    request: Req
    db: Session
    company: Company
    user: Rep
    now: datetime
    settings: Settings

    @property
    def htmx(self) -> bool:
        """Whether htmx asked (then only the swapped fragment is answered)."""
        return bool(self.request.headers.get("hx-request"))

    def wants(self, target: str) -> bool:
        """Whether htmx asked for the fragment with this id."""
        return self.htmx and self.request.headers.get("hx-target") == target


@dataclass
class HoursView:
    """The weekly hours editor: where it posts, its draft rows and what to say about them."""

    id: str
    action: str
    rows: list[DayRow]
    tz: str
    follow: bool | None = None  # None: no "follow company hours" choice (the company's editor)
    errors: dict[str, tuple[int | None, str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    notice: str | None = None


@dataclass
class TimeOffView:
    """The time-off form and list of one rep."""

    action: str  # POST here to add; {action}/{id}/delete to remove
    page_url: str
    whose: str
    tz: str
    today: str
    kind: str = "day"
    form: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    upcoming: list[tuple[str, str, str]] = field(default_factory=list)  # (id, when, what)
    past: list[tuple[str, str, str]] = field(default_factory=list)
    notice: str | None = None
    problem: str | None = None  # why a removal was refused
    undo: dict[str, str] | None = None  # the form that adds back what was just removed
    kinds: dict[str, str] = field(default_factory=lambda: dict(KINDS))


def hours_view(company: Company, now: datetime, scope: str = "personal", **kw: Any) -> HoursView:
    """An hours editor whose warnings say what a valid draft means for routing: personal or a
    team's in-office hours outside company hours get no leads; no open day routes nothing."""
    view = HoursView(**kw)
    if view.errors or (scope == "personal" and view.follow is not False):
        return view
    try:
        hours = hours_json(view.rows)
        view.warnings = schedule.hours_warnings(hours, view.tz, company, now, scope=scope)
    except Invalid:
        view.warnings = []
    return view


def edit_hours(rows: list[DayRow], data: dict[str, Any], follow: bool = False) -> Any:
    """Apply the editor's action to the draft; on save answer the hours to store or Invalid."""
    action = one(data, "action") or "save"
    apply_action(rows, action)
    if action != "save" or follow:
        return action, None
    return action, hours_json(rows)


def time_off_view(c: Ctx, rep: Rep, **kw: Any) -> TimeOffView:
    """A rep's time-off form and list (upcoming, and past as history), in the rep's zone."""
    today = c.now.astimezone(h.zone(rep.timezone)).date()
    upcoming, past = schedule.split_time_off(schedule.list_time_off(c.db, rep), rep, c.now)

    def rows(found: list[Any]) -> list[tuple[str, str, str]]:
        return [(r.id, *schedule.describe_time_off(r, today)) for r in found]

    kind = kw.pop("kind", None) or c.request.query_params.get("off")
    return TimeOffView(
        tz=rep.timezone,
        today=today.isoformat(),
        upcoming=rows(upcoming),
        past=rows(past),
        kind=kind if kind in KINDS else "day",
        **kw,
    )


# The API names fields (date, end_date); the form shows them as "First day", "Until", ...
FRIENDLY = {
    "must be on or after date": "The last day can't be before the first day.",
    "must be after start": "Until must be after From.",
    "give both start and end": "Give both From and Until.",
    "is in the past: time off starts today or later": "That day has passed: pick today or later.",
    "has passed already today": "That time has passed already today.",
}


def post_time_off(c: Ctx, rep: Rep, data: dict[str, Any], **where: str) -> TimeOffView | None:
    """Add the time off the form asks for; None when stored, else the form with its error."""
    try:
        asked = time_off_from_form(data)
        schedule.add_time_off(
            c.db,
            rep,
            day=asked.day,
            end_date=asked.end_date,
            start=asked.start,
            end=asked.end,
            now=c.now,
        )
    except Invalid as exc:
        c.db.rollback()
        values = {name: one(data, name) for name in ("date", "end_date", "start", "end")}
        errors = {exc.field: FRIENDLY.get(exc.message, exc.message[:1].upper() + exc.message[1:])}
        return time_off_view(c, rep, kind=one(data, "kind"), form=values, errors=errors, **where)
    return None


def undo_form(c: Ctx, rep: Rep, time_off_id: str) -> dict[str, str] | None:
    """The add form's fields that would put this time off back (offered after removing it)."""
    row = next((r for r in schedule.list_time_off(c.db, rep) if r.id == time_off_id), None)
    if row is None:
        return None
    if row.start_min is not None and row.end_min is not None:
        start, end = (f"{m // 60:02d}:{m % 60:02d}" for m in (row.start_min, row.end_min))
        return {"kind": "part", "date": row.day.isoformat(), "start": start, "end": end}
    if row.end_date is not None:
        return {"kind": "range", "date": row.day.isoformat(), "end_date": row.end_date.isoformat()}
    return {"kind": "day", "date": row.day.isoformat()}


def delete_time_off(c: Ctx, rep: Rep, time_off_id: str) -> str | None:
    """Remove time off; answers why not when it has ended (someone else's is not found: 404)."""
    try:
        schedule.remove_time_off(c.db, rep, time_off_id, c.now)
    except Refused as exc:
        return str(exc)
    return None


MY_HOURS = "/schedule/hours"
MINE = {"action": "/schedule/time-off", "page_url": "/schedule", "whose": "Your"}


def provide_ctx(
    request: Req, db: Session, company: Company, user: Rep, clock: Clock, settings: Settings
) -> Ctx:
    """The request, session, signed-in person and the one `now` of a schedule handler."""
    return Ctx(request, db, company, user, clock.now(), settings)


CTX = {**SIGNED_IN, "c": Provide(provide_ctx, sync_to_thread=False)}


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
        return page(
            c.request,
            "schedule/index.html",
            status_code,
            user=c.user,
            company=c.company,
            active_tab="schedule",
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
        errors, notice = {}, None
        try:
            action, hours = edit_hours(rows, data, follow)
            if action == "save":
                reps.update(c.db, c.company, c.user, {"hours": hours})
                notice = "Hours saved."
        except Invalid as exc:
            c.db.rollback()
            errors = {exc.field: exc.message}
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
