"""Managers: the Integrations page (API tokens, how a CRM calls the hook, and the sections of
Twilio, HubSpot and webhooks), and the tokens' own handlers."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from litestar import Controller
from litestar.response import Redirect, Template

from app.domain import hours as h
from app.models import ApiToken
from app.services import accounts, teams
from app.services.errors import Invalid
from app.web import integration_views as views
from app.web.common import page, web_get, web_post
from app.web.once import done, settings_page, take_once
from app.web.schedule import Ctx
from app.web.schedule_forms import MultiForm, one
from app.web.schedule_settings import MANAGER_CTX

ONCE = "once:integrations"
ONCE_TWILIO, ONCE_HUBSPOT = "once:twilio", "once:hubspot"
SCOPES = {
    "assign": "Ask who gets the next lead or call; report calls and statuses.",
    "admin": "Everything an assign token may do, plus people, teams, hours and holidays.",
}


@dataclass
class TokensView:
    """The company's API tokens, the form to make one, and a new secret shown once."""

    tokens: list[ApiToken]
    tz: str
    hook_url: str
    team: str  # a team slug for the example call
    form: dict[str, str] = field(default_factory=lambda: {"scope": "assign"})
    errors: dict[str, str] = field(default_factory=dict)
    secret: dict[str, str] | None = None  # {name, value}
    notice: str | None = None
    scopes: dict[str, str] = field(default_factory=lambda: dict(SCOPES))

    def day(self, at: datetime) -> str:
        """A date in the company's zone, like "9 Mar 2026"."""
        local = at.astimezone(h.zone(self.tz))
        return f"{local.day} {local:%b %Y}"


def whole_page(c: Ctx, status_code: int = 200, **sections: Any) -> Template:
    """The Integrations page: tokens, the hook example, Twilio, HubSpot and webhooks. A section
    passed in (a view with errors, say) replaces the stored one; each section shows once what
    a redirect held for it (a secret, a notice)."""
    tv = sections.pop("tv", None) or _tokens(c, **take_once(c, ONCE))
    twilio = sections.pop("twilio", None) or views.twilio_view(c, **take_once(c, ONCE_TWILIO))
    hubspot = sections.pop("hubspot", None) or views.hubspot_view(c, **take_once(c, ONCE_HUBSPOT))
    return settings_page(
        c, "settings/integrations.html", status_code, tv=tv, twilio=twilio, hubspot=hubspot
    )


def _tokens(c: Ctx, **kw: Any) -> TokensView:
    slugs = [t.slug for t in teams.listing(c.db, c.company)]
    return TokensView(
        accounts.list_tokens(c.db, c.company),
        tz=c.company.timezone,
        hook_url=f"{c.settings.base_url}/api/v1/assignments",
        team=slugs[0] if slugs else "sales",
        **kw,
    )


class IntegrationsController(Controller):
    path = "/settings/integrations"
    dependencies = MANAGER_CTX

    @staticmethod
    def _answer(c: Ctx, status_code: int = 200, **kw: Any) -> Template:
        """The tokens section for htmx, else the whole page."""
        tv = _tokens(c, **kw)
        if c.htmx:
            return page(c.request, "settings/_tokens.html", status_code, tv=tv)
        return whole_page(c, status_code, tv=tv)

    @web_get("/")
    def tokens(self, c: Ctx) -> Template:
        """The company's API tokens, how a CRM calls the hook, Twilio, HubSpot and webhooks."""
        return whole_page(c)

    @web_post("/")
    def create(self, c: Ctx, data: MultiForm) -> Template | Redirect:
        """Make an API token and show its secret once."""
        form = {"name": one(data, "name"), "scope": one(data, "scope")}
        try:
            new = accounts.create_token(c.db, c.company, form["name"], form["scope"], c.now)
        except Invalid as exc:
            c.db.rollback()
            return self._answer(c, 422, form=form, errors={exc.field: exc.message})
        secret = {"name": new.token.name, "value": new.secret}
        url = "/settings/integrations#token-secret-box"
        return done(c, ONCE, url, self._answer, secret=secret)

    @web_post("/{token_id:str}/revoke")
    def revoke(self, c: Ctx, token_id: str) -> Template | Redirect:
        """Revoke a token: calls that present it are refused (401) from now on."""
        accounts.revoke_token(c.db, c.company, token_id, c.now)
        notice = "Token revoked. Calls that present it now get 401 Unauthorized."
        return done(c, ONCE, "/settings/integrations#tokens", self._answer, notice=notice)
