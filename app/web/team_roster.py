"""Managers: a team's roster form (each member's weight and daily caps) on the team page."""

from typing import Any

from litestar import Controller
from litestar.response import Redirect, Template

from app.models import Team
from app.services import teams
from app.services.errors import Invalid
from app.views import fairness as fv
from app.web.common import MANAGER_CTX, Ctx, Form, page, team_section, web_post
from app.web.team_page import team_context

FIELDS = {"weight": "weight", "daily_cap.lead": "lead", "daily_cap.call": "call"}


def entries(members: list[teams.Member], data: Form) -> list[dict[str, Any]]:
    """Roster entries as the API takes them, from the form's fields ("weight-<rep id>", …)."""
    out = []
    for m in members:
        entry: dict[str, Any] = {"rep": m.rep.id}
        if f"weight-{m.rep.id}" in data:
            entry["weight"] = data[f"weight-{m.rep.id}"]
        caps = {k: data[f"{k}-{m.rep.id}"] for k in ("lead", "call") if f"{k}-{m.rep.id}" in data}
        if caps:
            entry["daily_cap"] = caps
        out.append(entry)
    return out


def form_field(error: str, members: list[teams.Member]) -> str:
    """The form field a service error names: "roster[1].weight" → "weight-<Lee's id>"."""
    index, _, rest = error.removeprefix("roster[").partition("].")
    if not index.isdigit() or int(index) >= len(members) or rest not in FIELDS:
        return "roster"
    return f"{FIELDS[rest]}-{members[int(index)].rep.id}"


class RosterController(Controller):
    dependencies = MANAGER_CTX

    @web_post("/teams/{slug:str}/roster")
    def save(self, c: Ctx, slug: str, data: Form) -> Template | Redirect:
        """Save each member's weight (1–10) and daily caps of leads and calls (blank: none)."""
        team = teams.get(c.db, c.company, slug)
        members = teams.members(c.db, team)
        try:
            teams.update(c.db, c.company, team, {"roster": entries(members, data)})
        except Invalid as exc:
            c.db.rollback()
            roster = fv.roster_view(teams.members(c.db, team), data)
            errors = {form_field(exc.field, members): exc.message}
            return self._answer(c, team, 422, roster=roster, errors=errors)
        if not c.htmx:
            return Redirect(f"/teams/{team.slug}#roster", status_code=303)
        return self._answer(c, team, 200, notice={"roster": "Shares and caps saved."})

    def _answer(self, c: Ctx, team: Team, status_code: int, **views: Any) -> Template:
        """The roster section (htmx, with the team's state beside it) or the whole page."""
        ctx = {**team_section(c, "teams"), **team_context(c, team, **views)}
        name = "teams/_fragment.html" if c.htmx else "teams/team.html"
        return page(c.request, name, status_code, section="roster", **ctx)
