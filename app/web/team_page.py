"""What a team's page shows: its state, members, routing form, hours editors and calendar
feed, with a draft or errors in place of a part; and which form field a service error names."""

from typing import Any

from app.models import Team
from app.services import schedule, team_calendar, teams
from app.views import fairness as fv
from app.views import team as tv
from app.web.common import Ctx
from app.web.editors import HoursView, hours_view
from app.web.schedule_forms import one, rows_from_hours

STATES = {"lunch": "At lunch", "away": "Away", "vacation": "On vacation"}
HOURS = {"in_office": "in-office", "lunch": "lunch"}  # the editors' element ids


def hours_editor(c: Ctx, team: Team, part: str, **kw: Any) -> HoursView:
    """The weekly hours editor of the team's IN OFFICE or LUNCH hours."""
    stored = team.schedule or {"in_office": c.company.hours, "lunch": teams.CLOSED}
    kw.setdefault("rows", rows_from_hours(stored[part]))
    action = f"/teams/{team.slug}/hours/{part}"
    scope = "team" if part == "in_office" else "lunch"
    tz = c.company.timezone
    return hours_view(c.company, c.now, scope, id=HOURS[part], action=action, tz=tz, **kw)


def routing_rows(team: Team, form: dict[str, Any] | None) -> list[dict[str, str]]:
    """Each state's destination as the routing form shows it: posted values, else stored ones."""
    out = []
    for state, legend in STATES.items():
        choice, number = tv.destination_choice(teams.destinations(team)[state])
        if form is not None:
            choice, number = one(form, f"{state}_to"), one(form, f"{state}_number")
        out.append({"state": state, "legend": legend, "choice": choice, "number": number})
    return out


def team_context(c: Ctx, team: Team, **views: Any) -> dict[str, Any]:
    """Everything the team page shows; `views` replaces a part (a draft, a form with errors)."""
    form = views.pop("form", None)
    ctx: dict[str, Any] = {
        "team": team,
        "state": tv.state_view(c.db, c.company, team, c.now),
        "previews": tv.previews(c.db, c.company, team, c.now),
        "members": tv.member_rows(c.db, c.company, team, c.now),
        "roster": fv.roster_view(teams.members(c.db, team)),
        "addable": [(rep.id, rep.name) for rep in tv.addable(c.db, c.company, team)],
        "routing": routing_rows(team, form),
        "ring": one(form, "ring") if form else team.ring,
        "extension": one(form, "extension") if form else (team.extension or ""),
        "offer_seconds": one(form, "offer_seconds") if form else (team.offer_seconds or ""),
        "options": tv.destination_options(team, teams.listing(c.db, c.company)),
        "goes": tv.destinations_in_words(team),
        "state_labels": tv.STATE_LABELS,
        "state_tones": tv.STATE_TONES,
        "company_hours": schedule.hours_summary(c.company.hours),
        "calendar_team": team,
        "calendar_url": feed_url(c, team),
        "errors": {},
        "notice": {},
        "form": form or {},
    }
    if team.schedule is not None:
        ctx["editors"] = [hours_editor(c, team, part) for part in HOURS]
    ctx.update(views)
    return ctx


def feed_url(c: Ctx, team: Team) -> str:
    """The private address of the team's calendar feed."""
    return team_calendar.team_calendar_url(c.settings.base_url, c.settings.secret_key, team)


def form_field(error: str) -> str:
    """The form field a service error names: "destinations.lunch.number" → "lunch_number"."""
    parts = error.split(".")
    if parts[0] == "destinations" and len(parts) > 1:
        return f"{parts[1]}_number" if parts[-1] == "number" else f"{parts[1]}_to"
    return "rep" if error.startswith("members") else error
