"""Managers: teams (members, hours, routing, PIN, overrides, a preview, calendar feed)."""

from typing import Any

from litestar import Controller, get
from litestar.channels import ChannelsPlugin
from litestar.response import Redirect, ServerSentEvent, Template

from app import feed, live
from app.channels import company_channel
from app.models import Team
from app.services import reps, team_calendar, team_state, teams
from app.services.errors import Invalid, NotFound, Refused
from app.views import team as tv
from app.web.common import MANAGER_CTX, Ctx, page, team_section, web_get, web_post
from app.web.editors import edit_hours
from app.web.schedule_forms import MultiForm, hours_errors, one, rows_from_form
from app.web.team_page import HOURS, STATES, feed_url, form_field, hours_editor, team_context

LIVE_PARTS = {"now": "teams/_now.html", "members": "teams/_members.html"}
PROFILES_ONLY = {feed.PROFILES}


def _team_events(change: feed.Change) -> list[str]:
    """Every change but a profile edit can move the team's state, preview or places in line."""
    return [] if change.topics <= PROFILES_ONLY else ["now", "members"]


class TeamsController(Controller):
    dependencies = MANAGER_CTX

    def _team(self, c: Ctx, slug: str) -> Team:
        """The company's team with this slug; another company's is not found (404)."""
        return teams.get(c.db, c.company, slug)

    def _answer(
        self, c: Ctx, team: Team, section: str, status_code: int = 200, **views: Any
    ) -> Template | Redirect:
        """After a change: redirect (no JS), else the changed section and the state beside it."""
        if not c.htmx and status_code == 200 and not views.pop("draft", False):
            return Redirect(f"/teams/{team.slug}#{section}", status_code=303)
        views.pop("draft", None)
        ctx = {**team_section(c, "teams"), **team_context(c, team, **views)}
        if c.htmx:
            return page(c.request, "teams/_fragment.html", status_code, section=section, **ctx)
        return page(c.request, "teams/team.html", status_code, **ctx)

    def _failed(
        self, c: Ctx, team: Team, section: str, exc: Exception, **views: Any
    ) -> Template | Redirect:
        """A refused change: nothing stored, the message beside the field."""
        c.db.rollback()
        if isinstance(exc, Invalid):
            return self._answer(
                c, team, section, 422, errors={form_field(exc.field): exc.message}, **views
            )
        return self._answer(c, team, section, 409, errors=views.pop("errors"), **views)

    def _list(self, c: Ctx, status_code: int = 200, **ctx: Any) -> Template:
        """The list of teams with the new-team form (and its errors)."""
        rows = tv.team_rows(c.db, c.company, c.now)
        ctx.setdefault("errors", {})
        ctx.setdefault("form", {})
        return page(
            c.request, "teams/index.html", status_code, rows=rows, **team_section(c, "teams"), **ctx
        )

    @web_get("/teams")
    def index(self, c: Ctx) -> Template:
        """Every team with its state now, member count and next change; a form for a new one."""
        return self._list(c)

    @web_post("/teams")
    def create(self, c: Ctx, data: MultiForm) -> Template | Redirect:
        """Add a team (slug and name); everything else is set on its page."""
        form = {"slug": one(data, "slug").lower(), "name": one(data, "name")}
        try:
            team = teams.create(c.db, c.company, slug=form["slug"], name=form["name"], now=c.now)
        except Invalid as exc:
            c.db.rollback()
            return self._list(c, 422, errors={exc.field: exc.message}, form=form)
        return Redirect(f"/teams/{team.slug}", status_code=303)

    @web_get("/teams/{slug:str}")
    def team_page(self, c: Ctx, slug: str) -> Template:
        """A team: state and override, the preview, members, routing, hours, PIN."""
        team = self._team(c, slug)
        ctx = {**team_section(c, "teams"), **team_context(c, team)}
        if c.wants("now"):
            return page(c.request, "teams/_now.html", **ctx)
        return page(c.request, "teams/team.html", **ctx)

    @web_get("/teams/{slug:str}/parts/{section:str}")
    def part(self, c: Ctx, slug: str, section: str) -> Template:
        """One live part of the team page (its state now, its members), refetched on changes."""
        if section not in LIVE_PARTS:
            raise NotFound("No such part of the team page.")
        team = self._team(c, slug)
        ctx = {**team_section(c, "teams"), **team_context(c, team)}
        return page(c.request, LIVE_PARTS[section], **ctx)

    @get("/teams/{slug:str}/events", include_in_schema=False, sync_to_thread=True)
    def events(
        self, c: Ctx, slug: str, channels: ChannelsPlugin, page: str | None = None
    ) -> ServerSentEvent:
        """Server-sent events: the team's state, preview and members move with every change."""
        self._team(c, slug)  # another company's team is not found
        channel = company_channel(c.company.id)
        stream = live.live_events(channels, channel, _team_events, page=page)
        return ServerSentEvent(stream, headers={"Cache-Control": "no-cache, no-transform"})

    @web_post("/teams/{slug:str}/override")
    def override(self, c: Ctx, slug: str, data: MultiForm) -> Template | Redirect:
        """In office, Lunch or Away until the next change of schedule, Vacation until cleared."""
        team, state = self._team(c, slug), one(data, "state")
        if state == "schedule":
            team_state.clear_override(c.db, c.company, team, c.now)
            return self._answer(c, team, "now", notice={"now": "Back to schedule."})
        try:
            team_state.set_override(c.db, c.company, team, state, c.now, by=c.user.name)
        except Invalid as exc:
            return self._failed(c, team, "now", exc)
        return self._answer(c, team, "now", notice={"now": f"Set to {tv.STATE_LABELS[state]}."})

    @web_post("/teams/{slug:str}/members")
    def add_member(self, c: Ctx, slug: str, data: MultiForm) -> Template | Redirect:
        """Add a person at the end of the member order."""
        team, rep_id = self._team(c, slug), one(data, "rep")
        order = [m.rep.id for m in teams.members(c.db, team)]
        try:
            if not rep_id:
                raise Invalid("rep", "Pick a person to add.")
            teams.update(c.db, c.company, team, {"members": [*order, rep_id]})
        except Invalid as exc:
            return self._failed(c, team, "members", exc)
        return self._answer(c, team, "members", notice={"members": "Member added."})

    def _member_order(self, c: Ctx, team: Team, rep_id: str) -> list[str]:
        """The member order, when this rep is a member (else 404)."""
        order = [m.rep.id for m in teams.members(c.db, team)]
        if rep_id not in order:
            raise NotFound("No such member.")
        return order

    @web_post("/teams/{slug:str}/members/{rep_id:str}/move")
    def move_member(self, c: Ctx, slug: str, rep_id: str, data: MultiForm) -> Template | Redirect:
        """Move a member one place up or down (member order breaks ties in the rotation)."""
        team = self._team(c, slug)
        order = self._member_order(c, team, rep_id)
        try:
            changed = tv.moved(order, rep_id, one(data, "direction"))
        except Invalid as exc:
            return self._failed(c, team, "members", exc)
        teams.update(c.db, c.company, team, {"members": changed})
        return self._answer(c, team, "members")

    @web_post("/teams/{slug:str}/members/{rep_id:str}/remove")
    def remove_member(self, c: Ctx, slug: str, rep_id: str) -> Template | Redirect:
        """Take a person out of the team (their log entries stay)."""
        team = self._team(c, slug)
        order = self._member_order(c, team, rep_id)
        teams.update(c.db, c.company, team, {"members": [i for i in order if i != rep_id]})
        return self._answer(c, team, "members", notice={"members": "Member removed."})

    @web_post("/teams/{slug:str}/members/{rep_id:str}/taking-part")
    def taking_part(self, c: Ctx, slug: str, rep_id: str, data: MultiForm) -> Template | Redirect:
        """A member stops or resumes taking part in the team's leads and calls."""
        team = self._team(c, slug)
        rep = reps.get(c.db, c.company, rep_id)
        teams.set_taking_part(c.db, team, rep, one(data, "taking_part") == "1")
        return self._answer(c, team, "members")

    @web_post("/teams/{slug:str}/routing")
    def routing(self, c: Ctx, slug: str, data: MultiForm) -> Template | Redirect:
        """Where work goes at lunch, when away and on vacation, and how calls ring."""
        team = self._team(c, slug)
        if one(data, "draft"):  # a choice changed: show the form for it (a number input or not)
            return self._answer(c, team, "routing", draft=True, form=data)
        dests = {
            s: tv.destination_from_form(one(data, f"{s}_to"), one(data, f"{s}_number"))
            for s in STATES
        }
        changes: dict[str, Any] = {"destinations": dests, "ring": one(data, "ring")}
        if "extension" in data:  # the presence line's team number (empty: none)
            changes["extension"] = one(data, "extension") or None
            try:
                teams.check_extension(c.db, c.company, team, changes["extension"])
            except Refused as exc:
                errors = {"extension": str(exc)}
                return self._failed(c, team, "routing", exc, errors=errors, form=data)
            except Invalid as exc:
                return self._failed(c, team, "routing", exc, form=data)
        if "offer_seconds" in data:  # how long a lead is offered to each rep (empty: no offers)
            changes["offer_seconds"] = one(data, "offer_seconds")
        try:
            teams.update(c.db, c.company, team, changes)
        except Refused as exc:
            looped = next((s for s, d in dests.items() if d["type"] == "team"), "lunch")
            return self._failed(
                c, team, "routing", exc, errors={f"{looped}_to": str(exc)}, form=data
            )
        except Invalid as exc:
            return self._failed(c, team, "routing", exc, form=data)
        return self._answer(c, team, "routing", notice={"routing": "Routing saved."})

    @web_post("/teams/{slug:str}/schedule")
    def schedule_mode(self, c: Ctx, slug: str, data: MultiForm) -> Template | Redirect:
        """Follow company hours, or start the team's own hours from them (no lunch yet)."""
        team = self._team(c, slug)
        custom = one(data, "mode") == "custom"
        hours = {"in_office": c.company.hours, "lunch": teams.CLOSED} if custom else None
        if custom != (team.schedule is not None):
            teams.update(c.db, c.company, team, {"schedule": hours})
        said = "Set the team's hours below." if custom else "Following company hours."
        return self._answer(c, team, "schedule", notice={"schedule": said})

    @web_post("/teams/{slug:str}/hours/{part:str}")
    def hours(self, c: Ctx, slug: str, part: str, data: MultiForm) -> Template | Redirect:
        """Edit IN OFFICE or LUNCH hours: open or close a day, add or remove intervals, save."""
        team = self._team(c, slug)
        if part not in HOURS:
            raise NotFound("No such hours.")
        rows, errors, notice = rows_from_form(data), {}, None
        try:
            action, hours = edit_hours(rows, data)
            if action == "save":
                current = team.schedule or {"in_office": c.company.hours, "lunch": teams.CLOSED}
                teams.update(c.db, c.company, team, {"schedule": {**current, part: hours}})
                notice = "Hours saved."
        except Invalid as exc:
            c.db.rollback()
            errors = {exc.field: exc.message}
        editor = hours_editor(c, team, part, rows=rows, errors=hours_errors(errors), notice=notice)
        status_code = 422 if errors else 200
        editors = [editor if p == part else hours_editor(c, team, p) for p in HOURS]
        if c.htmx:
            ctx = {**team_section(c, "teams"), **team_context(c, team), "hv": editor}
            return page(c.request, "teams/_fragment.html", status_code, section="hours", **ctx)
        if notice:
            return Redirect(f"/teams/{team.slug}#{HOURS[part]}", status_code=303)
        return self._answer(c, team, "schedule", status_code, draft=True, editors=editors)

    @web_post("/teams/{slug:str}/pin")
    def pin(self, c: Ctx, slug: str, data: MultiForm) -> Template | Redirect:
        """Set or remove the PIN a phone system overrides the team's state with."""
        team = self._team(c, slug)
        clear = one(data, "clear") == "1"
        try:
            teams.update(c.db, c.company, team, {"pin": None if clear else one(data, "pin")})
        except Invalid as exc:
            return self._failed(c, team, "pin", exc)
        return self._answer(c, team, "pin", notice={"pin": "PIN removed." if clear else "PIN set."})

    @web_post("/teams/{slug:str}/calendar-key")
    def new_calendar_key(self, c: Ctx, slug: str) -> Template | Redirect:
        """Make a new private address for the team's calendar feed; the old one stops working."""
        team = self._team(c, slug)
        team_calendar.new_team_calendar_key(c.db, team)
        if not c.htmx:
            return Redirect(f"/teams/{team.slug}#calendar", status_code=303)
        url = feed_url(c, team)
        return page(
            c.request,
            "schedule/_calendar.html",
            calendar_team=team,
            calendar_url=url,
            key_renewed=True,
        )

    @web_get("/teams/{slug:str}/delete")
    def confirm_delete(self, c: Ctx, slug: str) -> Template:
        """Ask before deleting a team."""
        return page(
            c.request, "teams/delete.html", team=self._team(c, slug), **team_section(c, "teams")
        )

    @web_post("/teams/{slug:str}/delete")
    def delete(self, c: Ctx, slug: str) -> Template | Redirect:
        """Delete a team (its log stays); refused while another team sends work to it."""
        team = self._team(c, slug)
        try:
            teams.remove(c.db, c.company, team)
        except Refused as exc:
            c.db.rollback()
            ctx = {**team_section(c, "teams"), "team": team, "problem": str(exc)}
            return page(c.request, "teams/delete.html", 409, **ctx)
        return Redirect("/teams", status_code=303)
