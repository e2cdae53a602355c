"""A rep's time off, availability at an instant and private calendar feed."""

from typing import Any

import msgspec
from litestar import Controller, Response
from sqlmodel import Session

from app.api.common import (
    ADMIN,
    AT,
    AUTH,
    api_delete,
    api_get,
    api_post,
    feed_get,
    ics_response,
    instant,
)
from app.api.schemas import AvailabilityOut, TimeOffIn, TimeOffOut
from app.clock import Clock
from app.domain import hours as h
from app.models import Company
from app.services import calendar_feed as feed
from app.services import presence as presence_service
from app.services import reps, schedule
from app.services.availability import rep_availability
from app.settings import Settings


class TimeOffController(Controller):
    path = "/api/v1/reps/{rep_id:str}/time-off"
    tags = ["time off"]
    dependencies = {**AUTH, **ADMIN}

    @api_get(path="/", summary="A rep's time off, history included (admin)")
    def listing(self, company: Company, db: Session, rep_id: str, admin: Any) -> list[TimeOffOut]:
        """Every time off of the rep, oldest first."""
        rows = schedule.list_time_off(db, reps.get(db, company, rep_id))
        return [msgspec.convert(schedule.time_off_json(r), TimeOffOut) for r in rows]

    @api_post(path="/", summary="Add time off for a rep (admin)")
    def create(
        self, company: Company, db: Session, clock: Clock, rep_id: str, data: TimeOffIn, admin: Any
    ) -> TimeOffOut:
        """Whole days (date, optional end_date) or start–end on one date, in the rep's zone."""
        rep = reps.get(db, company, rep_id, active_only=True)
        row = schedule.add_time_off(
            db,
            rep,
            day=data.date,
            end_date=data.end_date,
            start=data.start,
            end=data.end,
            now=clock.now(),
        )
        return msgspec.convert(schedule.time_off_json(row), TimeOffOut)

    @api_delete(path="/{time_off_id:str}", summary="Remove a rep's time off (admin)")
    def remove(
        self, company: Company, db: Session, clock: Clock, rep_id: str, time_off_id: str, admin: Any
    ) -> None:
        """Remove upcoming or ongoing time off; ended entries stay as history (409)."""
        rep = reps.get(db, company, rep_id)
        schedule.remove_time_off(db, rep, time_off_id, clock.now())


class AvailabilityController(Controller):
    path = "/api/v1/reps/{rep_id:str}/availability"
    tags = ["availability"]
    dependencies = AUTH

    @api_get(path="/", summary="Whether a rep works at an instant, why, and when that changes")
    def availability(
        self, company: Company, db: Session, clock: Clock, rep_id: str, at: str | None = AT
    ) -> AvailabilityOut:
        """Hours, holidays and time off at `at` (default now), with the effective status."""
        rep = reps.get(db, company, rep_id)
        when = instant(at, clock)
        a = rep_availability(db, company, rep, when)
        nxt = a.next_change.astimezone(h.zone(rep.timezone)) if a.next_change else None
        body = {
            "effective_status": presence_service.read(rep, when).effective_status.value,
            "working": a.working,
            "reason": a.reason,
            "next_change": nxt,
            "detail": a.detail,
        }
        return msgspec.convert(body, AvailabilityOut, from_attributes=True)


@feed_get("/api/v1/reps/{rep_id:str}/calendar.ics", "A rep's private calendar feed (iCalendar)")
def calendar_feed(
    db: Session, clock: Clock, settings: Settings, rep_id: str, key: str = ""
) -> Response[bytes]:
    """Weekly hours, time off and company holidays; the key is private and revocable (else 404)."""
    rep = feed.rep_for_feed(db, rep_id, key, settings.secret_key)
    body = feed.calendar_feed(db, feed.owner_company(db, rep), rep, clock.now())
    return ics_response(body, "ondeck.ics")


SCHEDULE_ROUTES: list[object] = [
    TimeOffController,
    AvailabilityController,
    calendar_feed,
]
