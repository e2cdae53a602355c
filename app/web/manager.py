"""The Team tab: the live board, its server-sent events, the charts, and a rep's page."""

from datetime import date, timedelta
from typing import Any

from litestar import Controller, Request, get
from litestar.channels import ChannelsPlugin
from litestar.response import Redirect, ServerSentEvent, Template
from sqlmodel import Session

from app import live
from app.channels import company_channel
from app.clock import Clock
from app.domain import hours as h
from app.domain import inputs
from app.models import Company, Rep
from app.services import reps, teams
from app.services.errors import Invalid
from app.settings import Settings
from app.views import board as board_service
from app.views import charts
from app.web.common import MANAGER, SIGNED_IN, page, web_get, web_post
from app.web.phone import Form

KINDS = {"lead": "Leads", "call": "Calls"}
PERIODS = {"day": "Per day", "week": "Per week"}
UNTILS = [("", "Until changed"), ("1h", "1 hour"), ("2h", "2 hours"), ("4h", "4 hours")]
UNTILS += [("8h", "8 hours"), ("eod", "End of their day")]


def _board(
    db: Session,
    company: Company,
    user: Rep,
    clock: Clock,
    settings: Settings,
    only: Rep | None = None,
) -> board_service.Board:
    """The board (or one rep's row of it) at the clock's now, times in the viewer's zone."""
    limit = timedelta(minutes=settings.busy_alert_minutes)
    tz = h.zone(user.timezone)
    return board_service.build(db, company, clock.now(), busy_limit=limit, tz=tz, only=only)


class ManagerController(Controller):
    dependencies = SIGNED_IN

    @web_get("/team", dependencies=MANAGER)
    def team(
        self,
        request: Request[Any, Any, Any],
        db: Session,
        company: Company,
        user: Rep,
        manager: Rep,
        clock: Clock,
        settings: Settings,
    ) -> Template:
        """The Team tab: the live board."""
        return self._board_page(request, db, company, user, clock, settings)

    @web_get("/team/board")
    def board(
        self,
        request: Request[Any, Any, Any],
        db: Session,
        company: Company,
        user: Rep,
        clock: Clock,
        settings: Settings,
    ) -> Template:
        """The board: the whole page, or for htmx just its contents (reps see it read-only)."""
        return self._board_page(request, db, company, user, clock, settings)

    def _board_page(
        self,
        request: Request[Any, Any, Any],
        db: Session,
        company: Company,
        user: Rep,
        clock: Clock,
        settings: Settings,
    ) -> Template:
        b = _board(db, company, user, clock, settings)
        htmx = bool(request.headers.get("hx-request"))
        name = "manager/_board.html" if htmx else "manager/board.html"
        return page(
            request,
            name,
            board=b,
            user=user,
            company=company,
            is_manager=user.role == "manager",
            active_tab="team" if user.role == "manager" else "phone",
        )

    @get("/team/events", include_in_schema=False)
    async def events(
        self, company: Company, channels: ChannelsPlugin, page: str | None = None
    ) -> ServerSentEvent:
        """Server-sent events: `board` whenever the company's live state changed."""
        board = live.everything("board")
        stream = live.live_events(channels, company_channel(company.id), board, page=page)
        return ServerSentEvent(stream, headers={"Cache-Control": "no-cache, no-transform"})

    @web_get("/team/charts", dependencies=MANAGER)
    def charts_page(
        self,
        request: Request[Any, Any, Any],
        db: Session,
        company: Company,
        user: Rep,
        manager: Rep,
        clock: Clock,
        team: str | None = None,
        kind: str = "lead",
        period: str = "day",
    ) -> Template:
        """Fairness and coverage per team, drawn."""
        now, found = clock.now(), teams.listing(db, company)
        chosen = next((t for t in found if t.slug == team), found[0] if found else None)
        kind = kind if kind in KINDS else "lead"
        period = period if period in PERIODS else "day"
        ctx: dict[str, Any] = {}
        if chosen is not None:
            ctx["fair"] = charts.fairness_for(db, company, chosen, kind, period, now)
            ctx["cov"] = charts.coverage_for(db, company, chosen, now)
        return page(
            request,
            "manager/charts.html",
            user=user,
            company=company,
            teams=found,
            team=chosen,
            kind=kind,
            period=period,
            kinds=KINDS,
            periods=PERIODS,
            people=reps.listing(db, company),
            active_tab="team",
            **ctx,
        )

    @web_get("/team/reps/{rep_id:str}", dependencies=MANAGER)
    def rep_page(
        self,
        request: Request[Any, Any, Any],
        db: Session,
        company: Company,
        user: Rep,
        manager: Rep,
        clock: Clock,
        settings: Settings,
        rep_id: str,
        day: date | None = None,
        saved: bool = False,
    ) -> Template:
        """One rep: where they stand, their status timeline for a day, and a status change."""
        rep = reps.get(db, company, rep_id, active_only=True)
        return _rep_page(request, db, company, user, clock, settings, rep, day, saved=saved)

    @web_post("/team/reps/{rep_id:str}/status", dependencies=MANAGER)
    def change_status(
        self,
        request: Request[Any, Any, Any],
        db: Session,
        company: Company,
        user: Rep,
        manager: Rep,
        clock: Clock,
        settings: Settings,
        rep_id: str,
        data: Form,
    ) -> Template | Redirect:
        """A manager sets a rep's status, with a reason that the status event records."""
        rep = reps.get(db, company, rep_id, active_only=True)
        try:
            board_service.change_by_manager(db, company, rep, manager, data, clock.now())
        except Invalid as exc:
            db.rollback()
            errors = {exc.field: exc.message}
            return _rep_page(
                request, db, company, user, clock, settings, rep, None, errors=errors, form=data
            )
        return Redirect(f"/team/reps/{rep.id}?saved=1", status_code=303)


def _rep_page(
    request: Request[Any, Any, Any],
    db: Session,
    company: Company,
    user: Rep,
    clock: Clock,
    settings: Settings,
    rep: Rep,
    day: date | None,
    *,
    saved: bool = False,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Template:
    """The rep page, with the form's values and errors after a refused change."""
    now = clock.now()
    tz = h.zone(rep.timezone)
    day = inputs.day(day, "day") if day else now.astimezone(tz).date()  # 1971–2099
    row = _board(db, company, user, clock, settings, only=rep).rows[0]
    return page(
        request,
        "manager/rep.html",
        422 if errors else 200,
        user=user,
        company=company,
        rep=rep,
        row=row,
        day=day,
        prev_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        today=now.astimezone(tz).date(),
        tl=charts.timeline_for(db, rep, day, now),
        tz=tz,
        now=now,
        saved=saved,
        errors=errors or {},
        form=form or {},
        untils=UNTILS,
        active_tab="team",
    )
