"""The Phone tab: the status toggle, a status menu, note and until, teammates."""

from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.channels import ChannelsPlugin
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, ServerSentEvent, Template
from sqlmodel import Session

from app import feed, live
from app.channels import company_channel
from app.clock import Clock
from app.domain import presence as p
from app.models import Company, Rep
from app.services import presence as presence_service
from app.services import team_state, teams
from app.services.errors import Invalid, NotFound
from app.views import phone
from app.views import team as tv
from app.web.common import SIGNED_IN, page, web_get, web_post

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


PARTS = {
    "status": "phone/_now.html",
    "teams": "phone/_teams.html",
    "mates": "phone/_mates.html",
}
NEEDS = {  # which parts of the Phone view each template shows
    "phone/index.html": phone.PARTS,
    "phone/_status.html": frozenset({"status"}),
    "phone/_now.html": frozenset({"status"}),
    "phone/_teams.html": frozenset({"teams"}),
    "phone/_mates.html": frozenset({"mates"}),
}


def _render(
    request: Request[Any, Any, Any],
    db: Session,
    company: Company,
    user: Rep,
    clock: Clock,
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
        name = "phone/_status.html" if request.headers.get("hx-request") else "phone/index.html"
    ctx = phone_context(db, company, user, clock.now(), NEEDS[name] | also)
    ctx.update(notice=notice, form=form or {}, errors=errors or {}, user=user, company=company)
    return page(request, name, status_code, active_tab="phone", **ctx)


def phone_context(
    db: Session, company: Company, user: Rep, now: datetime, parts: frozenset[str]
) -> dict[str, Any]:
    """What the Phone tab's templates read: the view with `parts`, and the toggle's promise."""
    v = phone.view(db, company, user, now, parts)
    return {
        "v": v,
        "now": now,
        "cycle": p.CYCLE,
        "next_status": p.next_in_cycle(v.presence.status),
        "seen": shown(v.presence),
        "notice": None,
        "form": {},
        "errors": {},
    }


def shown(eff: p.EffectivePresence) -> str:
    """The status a screen shows, as its toggle sends it back ("busy", "busy:locked")."""
    return eff.effective_status.value + (":locked" if eff.locked else "")


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
        return names

    return pick


class PhoneController(Controller):
    dependencies = SIGNED_IN

    @web_get("/")
    def index(
        self,
        request: Request[Any, Any, Any],
        db: Session,
        company: Company,
        user: Rep,
        clock: Clock,
    ) -> Template:
        """The Phone tab, a rep's home after sign-in."""
        return _render(request, db, company, user, clock)

    @web_post("/status")
    def set_status(
        self,
        request: Request[Any, Any, Any],
        db: Session,
        company: Company,
        user: Rep,
        clock: Clock,
        data: Form,
    ) -> Template | Redirect:
        """Tap the toggle (cycle) or pick a status, with optional note and until."""
        now = clock.now()
        current = presence_service.read(user, now)
        status = data.get("status") or p.next_in_cycle(current.status).value
        seen = data.get("seen")
        if seen and seen != shown(current):  # the screen was stale: show, don't guess
            label = "On a call" if current.locked else phone.LABELS[current.effective_status.value]
            notice = (
                f"Your status had changed to {label} — nothing was changed. Tap again to change it."
            )
            return _render(request, db, company, user, clock, notice=notice)
        try:
            until = phone.until_from_form(
                data.get("until", ""), data.get("custom_until", ""), user, company, db, now
            )
            note = data.get("note")  # a tap of the toggle starts a fresh status
            presence_service.change(
                db,
                user,
                status=status,
                note=note,
                until=until,
                then=data.get("then") or None,
                now=now,
                by="rep",
            )
        except Invalid as exc:
            db.rollback()
            custom = data.get("until") == "custom" and exc.field == "until"
            errors = {"custom_until" if custom else exc.field: exc.message}  # beside the date
            return _render(request, db, company, user, clock, errors, 422, form=data)
        if request.headers.get("hx-request"):  # the panel too: a tap drops the chosen profile
            return _render(request, db, company, user, clock, also=frozenset({"profiles"}))
        return Redirect("/", status_code=303)

    @web_get("/parts/{part_name:str}")
    def part(
        self,
        request: Request[Any, Any, Any],
        db: Session,
        company: Company,
        user: Rep,
        clock: Clock,
        part_name: str,
    ) -> Template:
        """One live part of the Phone tab, refetched when the change feed says it changed."""
        if part_name not in PARTS:
            raise NotFound("No such part of the Phone tab.")
        return _render(request, db, company, user, clock, name=PARTS[part_name])

    @get("/events", include_in_schema=False)
    async def events(
        self, company: Company, user: Rep, channels: ChannelsPlugin, page: str | None = None
    ) -> ServerSentEvent:
        """Server-sent events naming the parts of my Phone tab that a committed change touched."""
        channel, pick = company_channel(company.id), phone_events(user.id)
        stream = live.live_events(channels, channel, pick, page=page)
        return ServerSentEvent(stream, headers={"Cache-Control": "no-cache, no-transform"})

    @web_post("/me/teams/{slug:str}/taking-part")
    def taking_part(
        self,
        request: Request[Any, Any, Any],
        db: Session,
        company: Company,
        user: Rep,
        clock: Clock,
        slug: str,
        data: Form,
    ) -> Template | Redirect:
        """Stop or resume taking part in one of my teams."""
        team = _my_team(db, company, user, slug)
        teams.set_taking_part(db, team, user, data.get("taking_part") == "on")
        return _after(request, db, company, user, clock)

    @web_post("/me/teams/{slug:str}/override")
    def override(
        self,
        request: Request[Any, Any, Any],
        db: Session,
        company: Company,
        user: Rep,
        clock: Clock,
        slug: str,
        data: Form,
    ) -> Template | Redirect:
        """A member overrides the team state (or hands it back to the schedule)."""
        team = _my_team(db, company, user, slug)
        state = data.get("state", "")
        if state == "schedule":
            team_state.clear_override(db, company, team, clock.now())
            said = f"{team.name} follows its schedule again."
        else:
            now = team_state.set_override(db, company, team, state, clock.now(), by=user.name)
            said = override_words(team, now.state.value)
        return _after(request, db, company, user, clock, notice=said)


def _my_team(db: Session, company: Company, user: Rep, slug: str) -> Any:
    """A team the signed-in person is a member of; others are not found."""
    for team, _member in teams.teams_of(db, user):
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


def _after(
    request: Request[Any, Any, Any],
    db: Session,
    company: Company,
    user: Rep,
    clock: Clock,
    notice: str | None = None,
) -> Template | Redirect:
    """After a change: the teams card for htmx, else back to the Phone tab."""
    if request.headers.get("hx-request"):
        db.flush()
        v = phone.view(db, company, user, clock.now(), NEEDS["phone/_teams.html"])
        return page(
            request,
            "phone/_teams.html",
            v=v,
            now=clock.now(),
            errors={},
            notice=notice,
        )
    return Redirect("/", status_code=303)
