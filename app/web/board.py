"""The Team tab: the live board, its server-sent events, the charts, and a rep's page."""

from datetime import date, timedelta
from typing import Any

from litestar import Controller, get
from litestar.channels import ChannelsPlugin
from litestar.response import Redirect, ServerSentEvent, Template

from app import live
from app.channels import company_channel
from app.domain import hours as h
from app.domain import inputs
from app.models import Company, Rep
from app.services import reps, teams
from app.services.errors import Invalid
from app.views import board as board_service
from app.views import charts
from app.web.common import CTX, MANAGER_CTX, SIGNED_IN, Ctx, Form, tab_page, web_get, web_post

KINDS = {"lead": "Leads", "call": "Calls"}
PERIODS = {"day": "Per day", "week": "Per week"}
UNTILS = [("", "Until changed"), ("1h", "1 hour"), ("2h", "2 hours"), ("4h", "4 hours")]
UNTILS += [("8h", "8 hours"), ("eod", "End of their day")]


def _board(c: Ctx, only: Rep | None = None) -> board_service.Board:
    """The board (or one rep's row of it) at the request's now, times in the viewer's zone."""
    limit = timedelta(minutes=c.settings.busy_alert_minutes)
    tz = h.zone(c.user.timezone)
    return board_service.build(c.db, c.company, c.now, busy_limit=limit, tz=tz, only=only)


class BoardController(Controller):
    """Reps see the board read-only; the rest is for managers."""

    @web_get("/team", dependencies=MANAGER_CTX)
    def team(self, c: Ctx) -> Template:
        """The Team tab: the live board."""
        return self._board_page(c)

    @web_get("/team/board", dependencies=CTX)
    def board(self, c: Ctx) -> Template:
        """The board: the whole page, or for htmx just its contents (reps see it read-only)."""
        return self._board_page(c)

    def _board_page(self, c: Ctx) -> Template:
        name = "board/_board.html" if c.htmx else "board/board.html"
        return tab_page(
            c,
            name,
            "team" if c.user.role == "manager" else "phone",
            board=_board(c),
            is_manager=c.user.role == "manager",
        )

    @get("/team/events", include_in_schema=False, dependencies=SIGNED_IN)
    async def events(
        self, company: Company, channels: ChannelsPlugin, page: str | None = None
    ) -> ServerSentEvent:
        """Server-sent events: `board` whenever the company's live state changed."""
        board = live.everything("board")
        stream = live.live_events(channels, company_channel(company.id), board, page=page)
        return ServerSentEvent(stream, headers={"Cache-Control": "no-cache, no-transform"})

    @web_get("/team/charts", dependencies=MANAGER_CTX)
    def charts_page(
        self, c: Ctx, team: str | None = None, kind: str = "lead", period: str = "day"
    ) -> Template:
        """Fairness and coverage per team, drawn."""
        found = teams.listing(c.db, c.company)
        chosen = next((t for t in found if t.slug == team), found[0] if found else None)
        kind = kind if kind in KINDS else "lead"
        period = period if period in PERIODS else "day"
        ctx: dict[str, Any] = {}
        if chosen is not None:
            ctx["fair"] = charts.fairness_for(c.db, c.company, chosen, kind, period, c.now)
            ctx["cov"] = charts.coverage_for(c.db, c.company, chosen, c.now)
        return tab_page(
            c,
            "board/charts.html",
            "team",
            teams=found,
            team=chosen,
            kind=kind,
            period=period,
            kinds=KINDS,
            periods=PERIODS,
            people=reps.listing(c.db, c.company),
            **ctx,
        )

    @web_get("/team/reps/{rep_id:str}", dependencies=MANAGER_CTX)
    def rep_page(
        self, c: Ctx, rep_id: str, day: date | None = None, saved: bool = False
    ) -> Template:
        """One rep: where they stand, their status timeline for a day, and a status change."""
        rep = reps.get(c.db, c.company, rep_id, active_only=True)
        return _rep_page(c, rep, day, saved=saved)

    @web_post("/team/reps/{rep_id:str}/status", dependencies=MANAGER_CTX)
    def change_status(self, c: Ctx, rep_id: str, data: Form) -> Template | Redirect:
        """A manager sets a rep's status, with a reason that the status event records."""
        rep = reps.get(c.db, c.company, rep_id, active_only=True)
        try:
            board_service.change_by_manager(c.db, c.company, rep, c.user, data, c.now)
        except Invalid as exc:
            c.db.rollback()
            return _rep_page(c, rep, None, errors={exc.field: exc.message}, form=data)
        return Redirect(f"/team/reps/{rep.id}?saved=1", status_code=303)


def _rep_page(
    c: Ctx,
    rep: Rep,
    day: date | None,
    *,
    saved: bool = False,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Template:
    """The rep page, with the form's values and errors after a refused change."""
    tz = h.zone(rep.timezone)
    day = inputs.day(day, "day") if day else c.now.astimezone(tz).date()  # 1971–2099
    row = _board(c, only=rep).rows[0]
    return tab_page(
        c,
        "board/rep.html",
        "team",
        422 if errors else 200,
        rep=rep,
        row=row,
        day=day,
        prev_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        today=c.now.astimezone(tz).date(),
        tl=charts.timeline_for(c.db, rep, day, c.now),
        tz=tz,
        now=c.now,
        saved=saved,
        errors=errors or {},
        form=form or {},
        untils=UNTILS,
    )
