"""Teams (/teams): members, schedule, destinations; team state, overrides, availability and
the private calendar feed."""

from typing import Any

import msgspec
from litestar import Controller, Response
from litestar.params import Parameter
from sqlmodel import Session

from app.api.common import (
    ADMIN,
    AT,
    AUTH,
    api_delete,
    api_get,
    api_patch,
    api_post,
    api_put,
    feed_get,
    ics_response,
    instant,
)
from app.api.team_schemas import (
    MemberAvailability,
    MemberOut,
    OverrideIn,
    TakingPartIn,
    TeamCreate,
    TeamOut,
    TeamPatch,
    TeamStateOut,
)
from app.clock import Clock
from app.models import ApiToken, Company
from app.services import reps, roster, team_calendar, team_pin, team_state, teams
from app.services.calendar_feed import owner_company
from app.settings import Settings

PIN_HEADER = Parameter(header="X-Team-Pin", required=False, description="The team's PIN")


def _body(data: msgspec.Struct) -> dict[str, Any]:
    """The fields a body actually sent, as plain JSON values."""
    sent = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    return msgspec.to_builtins(sent)  # type: ignore[no-any-return]


def _out(db: Session, team: Any) -> TeamOut:
    """The response shape of a team with its members."""
    return msgspec.convert(teams.as_json(team, teams.members(db, team)), TeamOut)


class TeamController(Controller):
    path = "/api/v1/teams"
    tags = ["teams"]
    dependencies = AUTH

    @api_get("/", dependencies=ADMIN, summary="List teams (admin)")
    def listing(self, company: Company, db: Session, admin: Any) -> list[TeamOut]:
        """Every team of the company with its members in order."""
        return [
            msgspec.convert(teams.as_json(t, found), TeamOut)
            for t, found in teams.with_members(db, company)
        ]

    @api_post("/", dependencies=ADMIN, summary="Add a team (admin)")
    def create(
        self, company: Company, db: Session, clock: Clock, data: TeamCreate, admin: Any
    ) -> TeamOut:
        """Add a team; a loop through team destinations is refused with 409."""
        team = teams.create(db, company, now=clock.now(), **_body(data))
        return _out(db, team)

    @api_get("/{slug:str}", dependencies=ADMIN, summary="One team (admin)")
    def read(self, company: Company, db: Session, slug: str, admin: Any) -> TeamOut:
        """A team of the token's company."""
        return _out(db, teams.get(db, company, slug))

    @api_patch("/{slug:str}", dependencies=ADMIN, summary="Change a team (admin)")
    def change(
        self, company: Company, db: Session, slug: str, data: TeamPatch, admin: Any
    ) -> TeamOut:
        """Change name, members, schedule, destinations, ring mode, PIN (null removes it), or
        members' weights and daily caps (`roster`)."""
        team = teams.update(db, company, teams.get(db, company, slug), _body(data))
        return _out(db, team)

    @api_delete("/{slug:str}", dependencies=ADMIN, summary="Delete a team (admin)")
    def remove(self, company: Company, db: Session, slug: str, admin: Any) -> None:
        """Delete a team; refused (409) while another team sends work to it."""
        teams.remove(db, company, teams.get(db, company, slug))

    @api_put(
        "/{slug:str}/members/{rep_id:str}",
        dependencies=ADMIN,
        summary="A member stops or resumes taking part (admin)",
    )
    def taking_part(
        self, company: Company, db: Session, slug: str, rep_id: str, data: TakingPartIn, admin: Any
    ) -> MemberOut:
        """Set whether a member takes part in the team's leads and calls."""
        team = teams.get(db, company, slug)
        member = teams.set_taking_part(db, team, reps.get(db, company, rep_id), data.taking_part)
        return msgspec.convert(teams.member_json(member), MemberOut)

    @api_get("/{slug:str}/state", summary="A team's state at an instant")
    def state(
        self,
        company: Company,
        db: Session,
        clock: Clock,
        slug: str,
        at: str | None = AT,
    ) -> TeamStateOut:
        """State (a company holiday makes it away), the override in force, the next boundary."""
        s = team_state.state_at(db, company, teams.get(db, company, slug), instant(at, clock))
        return msgspec.convert(team_state.as_json(s), TeamStateOut)

    @api_put("/{slug:str}/override", summary="Override a team's state (admin, or assign + PIN)")
    def override(
        self,
        company: Company,
        db: Session,
        clock: Clock,
        token: ApiToken,
        slug: str,
        data: OverrideIn,
        pin: str | None = PIN_HEADER,
    ) -> TeamStateOut:
        """Vacation stays until cleared; other overrides end at the next schedule boundary."""
        now, team = clock.now(), teams.get(db, company, slug)
        team_pin.authorize_override(db, team, scope=token.scope, pin=pin, now=now)
        s = team_state.set_override(db, company, team, data.state, now, by=token.name)
        return msgspec.convert(team_state.as_json(s), TeamStateOut)

    @api_delete(
        "/{slug:str}/override",
        status_code=200,
        summary="Clear a team's override (admin, or assign + PIN)",
    )
    def clear(
        self,
        company: Company,
        db: Session,
        clock: Clock,
        token: ApiToken,
        slug: str,
        pin: str | None = PIN_HEADER,
    ) -> TeamStateOut:
        """The schedule decides the team's state again."""
        now, team = clock.now(), teams.get(db, company, slug)
        team_pin.authorize_override(db, team, scope=token.scope, pin=pin, now=now)
        s = team_state.clear_override(db, company, team, now)
        return msgspec.convert(team_state.as_json(s), TeamStateOut)

    @api_get("/{slug:str}/availability", summary="Each member's eligibility at an instant")
    def availability(
        self,
        company: Company,
        db: Session,
        clock: Clock,
        slug: str,
        at: str | None = AT,
    ) -> list[MemberAvailability]:
        """Every member: effective status, eligible, tier (1 available, 2 away) and reason."""
        found = roster.availability(db, company, teams.get(db, company, slug), instant(at, clock))
        return msgspec.convert(found, list[MemberAvailability])


@feed_get("/api/v1/teams/{slug:str}/calendar.ics", "A team's private calendar feed (iCalendar)")
def team_calendar_feed(
    db: Session, clock: Clock, settings: Settings, slug: str, key: str = ""
) -> Response[bytes]:
    """Members' hours and time off, and company holidays; the key is private (else 404)."""
    team = team_calendar.team_for_feed(db, slug, key, settings.secret_key)
    body = team_calendar.team_feed(db, owner_company(db, team), team, clock.now())
    return ics_response(body, f"ondeck-{team.slug}.ics")
