"""The weekly hours and time-off editors, shared by the Schedule tab, the company settings
and the team pages: their views, and posting, undoing and removing time off."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.domain import hours as h
from app.models import Company, Rep
from app.services import schedule
from app.services.errors import Invalid, Refused
from app.web.common import Ctx
from app.web.schedule_forms import (
    KINDS,
    DayRow,
    apply_action,
    hours_json,
    one,
    time_off_from_form,
)


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
