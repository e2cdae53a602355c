"""The Phone tab: the status toggle, a status menu, note and until, teammates."""

from typing import Any

from litestar import Controller, get
from litestar.channels import ChannelsPlugin
from litestar.response import Redirect, ServerSentEvent, Template

from app import feed, live
from app.channels import company_channel
from app.domain import presence as p
from app.models import Company, Rep
from app.services import offers, team_state, teams
from app.services import presence as presence_service
from app.services.errors import Invalid, NotFound, Refused
from app.views import offers as offer_views
from app.views import phone
from app.views import team as tv
from app.web.common import CTX, Ctx, Form, page, web_get, web_post
from app.web.status_card import phone_context, shown

PARTS = {
    "status": "phone/_now.html",
    "teams": "phone/_teams.html",
    "mates": "phone/_mates.html",
    "offer": "phone/_offer.html",
}
OFFER = "phone/_offer.html"
NEEDS = {  # which parts of the Phone view each template shows
    "phone/index.html": phone.PARTS,
    "phone/_status.html": frozenset({"status"}),
    "phone/_now.html": frozenset({"status"}),
    "phone/_teams.html": frozenset({"teams"}),
    "phone/_mates.html": frozenset({"mates"}),
}


def _render(
    c: Ctx,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    name: str | None = None,
    notice: str | None = None,
    form: dict[str, str] | None = None,
    also: frozenset[str] = frozenset(),
) -> Template:
    """The whole tab, or for htmx the status card (or the part `name`); `also` adds parts the
    answer carries out of band (a tap's own screen never waits for the stream)."""
    if name is None:
        name = "phone/_status.html" if c.htmx else "phone/index.html"
    ctx = phone_context(c.db, c.company, c.user, c.now, NEEDS[name] | also)
    ctx.update(notice=notice, form=form or {}, errors=errors or {}, user=c.user, company=c.company)
    ctx["offers"] = offer_views.cards(c.db, c.company, c.user, c.now)
    return page(c.request, name, status_code, active_tab="phone", **ctx)


def phone_events(me: str) -> live.Pick:
    """Which parts of my Phone tab a change touches."""
    everyone = {feed.PRESENCE, feed.TEAM, feed.ROTATION, feed.PEOPLE, feed.HOURS}
    my_day = {feed.HOURS, feed.HOLIDAYS, feed.TIME_OFF}

    def pick(change: feed.Change) -> list[str]:
        mine = me in change.reps
        names = ["status", "profiles"] if mine else []
        if change.topics & my_day:
            names.append("status")
        if change.topics & (everyone | my_day):
            if "status" not in names:  # the status card's headline says my place in line
                names.append("status")
            names.append("teams")
        if change.topics & {feed.PRESENCE, feed.PEOPLE, feed.TEAM}:
            names.append("mates")
        if change.topics & {feed.ROTATION, feed.OFFERS}:  # a lead offered, taken or passed on
            names.append("offer")
        return names

    return pick


class PhoneController(Controller):
    dependencies = CTX

    @web_get("/")
    def index(self, c: Ctx) -> Template:
        """The Phone tab, a rep's home after sign-in."""
        return _render(c)

    @web_post("/status")
    def set_status(self, c: Ctx, data: Form) -> Template | Redirect:
        """Tap the toggle (cycle) or pick a status, with optional note and until."""
        current = presence_service.read(c.user, c.now)
        status = data.get("status") or p.next_in_cycle(current.status).value
        seen = data.get("seen")
        if seen and seen != shown(current):  # the screen was stale: show, don't guess
            label = "On a call" if current.locked else phone.LABELS[current.effective_status.value]
            notice = (
                f"Your status had changed to {label} — nothing was changed. Tap again to change it."
            )
            return _render(c, notice=notice)
        try:
            until = phone.until_from_form(
                data.get("until", ""), data.get("custom_until", ""), c.user, c.company, c.db, c.now
            )
            note = data.get("note")  # a tap of the toggle starts a fresh status
            presence_service.change(
                c.db,
                c.user,
                status=status,
                note=note,
                until=until,
                then=data.get("then") or None,
                now=c.now,
                by="rep",
            )
        except Invalid as exc:
            c.db.rollback()
            custom = data.get("until") == "custom" and exc.field == "until"
            errors = {"custom_until" if custom else exc.field: exc.message}  # beside the date
            return _render(c, errors, 422, form=data)
        if c.htmx:  # the panel too: a tap drops the chosen profile
            return _render(c, also=frozenset({"profiles"}))
        return Redirect("/", status_code=303)

    @web_get("/parts/{part_name:str}")
    def part(self, c: Ctx, part_name: str) -> Template:
        """One live part of the Phone tab, refetched when the change feed says it changed."""
        if part_name not in PARTS:
            raise NotFound("No such part of the Phone tab.")
        if part_name == "offer":
            return _offer(c)
        return _render(c, name=PARTS[part_name])

    @web_post("/assignments/{assignment_id:str}/accept")
    def accept(self, c: Ctx, assignment_id: str) -> Template | Redirect:
        """I take the lead offered to me."""
        return _answer_offer(c, offers.accept, assignment_id, "Accepted: the lead is yours.")

    @web_post("/assignments/{assignment_id:str}/decline")
    def decline(self, c: Ctx, assignment_id: str) -> Template | Redirect:
        """I let the lead go: it is offered to the next rep."""
        return _answer_offer(
            c, offers.decline, assignment_id, "Declined: it goes to the next rep in line."
        )

    @get("/events", include_in_schema=False)
    async def events(
        self, company: Company, user: Rep, channels: ChannelsPlugin, page: str | None = None
    ) -> ServerSentEvent:
        """Server-sent events naming the parts of my Phone tab that a committed change touched."""
        channel, pick = company_channel(company.id), phone_events(user.id)
        stream = live.live_events(channels, channel, pick, page=page)
        return ServerSentEvent(stream, headers={"Cache-Control": "no-cache, no-transform"})

    @web_post("/me/teams/{slug:str}/taking-part")
    def taking_part(self, c: Ctx, slug: str, data: Form) -> Template | Redirect:
        """Stop or resume taking part in one of my teams."""
        team = _my_team(c, slug)
        teams.set_taking_part(c.db, team, c.user, data.get("taking_part") == "on")
        return _after(c)

    @web_post("/me/teams/{slug:str}/override")
    def override(self, c: Ctx, slug: str, data: Form) -> Template | Redirect:
        """A member overrides the team state (or hands it back to the schedule)."""
        team = _my_team(c, slug)
        state = data.get("state", "")
        if state == "schedule":
            team_state.clear_override(c.db, c.company, team, c.now)
            said = f"{team.name} follows its schedule again."
        else:
            now = team_state.set_override(c.db, c.company, team, state, c.now, by=c.user.name)
            said = override_words(team, now.state.value)
        return _after(c, notice=said)


def _offer(c: Ctx, notice: str | None = None, status_code: int = 200) -> Template:
    """The offers waiting for my answer (the Phone tab's live offer card)."""
    cards = offer_views.cards(c.db, c.company, c.user, c.now)
    return page(c.request, OFFER, status_code, offers=cards, offer_notice=notice)


def _answer_offer(c: Ctx, act: Any, assignment_id: str, done: str) -> Template | Redirect:
    """Accept or decline an offer; what went wrong (taken, expired) is said in the card."""
    try:
        act(c.db, c.company, assignment_id, c.user.id, c.now)
    except (Refused, NotFound) as exc:
        c.db.rollback()
        return _offer(c, str(exc), 404 if isinstance(exc, NotFound) else 409)
    if c.htmx:
        c.db.flush()
        return _offer(c, done)
    return Redirect("/", status_code=303)


def _my_team(c: Ctx, slug: str) -> Any:
    """A team the signed-in person is a member of; others are not found."""
    for team, _member in teams.teams_of(c.db, c.user):
        if team.slug == slug:
            return team
    raise NotFound("You are not a member of that team.")


def override_words(team: Any, state: str) -> str:
    """What a member's override does, in words: where calls and leads go, and until when."""
    goes = tv.destinations_in_words(team)[state]
    if state == "vacation":
        return f"Calls and leads for {team.name} go to {goes} until someone clears it."
    if state == "in_office":
        return f"{team.name} is in office: calls and leads go to {goes} until the next change."
    return f"Calls and leads for {team.name} go to {goes} until the schedule's next change."


def _after(c: Ctx, notice: str | None = None) -> Template | Redirect:
    """After a change: the teams card for htmx, else back to the Phone tab."""
    if c.htmx:
        c.db.flush()
        v = phone.view(c.db, c.company, c.user, c.now, NEEDS["phone/_teams.html"])
        return page(c.request, "phone/_teams.html", v=v, now=c.now, errors={}, notice=notice)
    return Redirect("/", status_code=303)
