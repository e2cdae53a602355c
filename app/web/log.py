"""Managers: the decision log, with filters, and one decision with its trace."""

from litestar import Controller
from litestar.response import Template

from app.domain import hours as h
from app.domain import inputs
from app.services.errors import Invalid
from app.views import decisions
from app.views import log as assignment_log
from app.views import offers as offer_views
from app.web.common import MANAGER_CTX, Ctx, page, team_section, web_get

MAX_OFFSET = 10**9  # far past any log, well inside the databases' integers


class LogController(Controller):
    dependencies = MANAGER_CTX

    @web_get("/log")
    def log(self, c: Ctx) -> Template:
        """The decision log, newest first, by team, kind, rep and company-local day."""
        q = c.request.query_params
        f = decisions.LogFilters(
            q.get("team", ""), q.get("kind", ""), q.get("rep", ""), q.get("day", "")
        )
        offset, errors = 0, {}
        try:
            offset = inputs.whole_number(q.get("offset") or "0", "offset", high=MAX_OFFSET)
            entries, more = decisions.newest_first(c.db, c.company, f, offset)
        except Invalid as exc:
            entries, more, errors = [], False, {exc.field: exc.message}
        today = c.now.astimezone(h.zone(c.company.timezone)).date()
        days = decisions.by_day(entries, today)
        ctx = {**team_section(c, "log"), **decisions.log_choices(c.db, c.company), "errors": errors}
        name = "log/_entries.html" if c.wants("log-entries") else "log/index.html"
        status_code = 422 if errors else 200
        return page(c.request, name, status_code, f=f, days=days, offset=offset, more=more, **ctx)

    @web_get("/log/{assignment_id:str}")
    def log_entry(self, c: Ctx, assignment_id: str) -> Template:
        """One decision with its full trace."""
        answer = assignment_log.get(c.db, c.company, assignment_id)
        tz = h.zone(c.company.timezone)
        e = decisions.entry(answer, tz)
        ctx = {
            **team_section(c, "log"),
            "team_names": decisions.log_choices(c.db, c.company)["team_names"],
            "offers": offer_views.history(answer, tz),
        }
        return page(c.request, "log/entry.html", e=e, **ctx)
