"""Managers: the Integrations page (API tokens, how a CRM calls the hook, and the sections of
Twilio, HubSpot and webhooks), and the tokens' own handlers."""

from typing import Any

from litestar import Controller
from litestar.response import Redirect, Template

from app.services import accounts
from app.services.errors import Invalid
from app.web.common import MANAGER_CTX, Ctx, page, web_get, web_post
from app.web.integration_views import ONCE, tokens_view, whole_page
from app.web.once import done
from app.web.schedule_forms import MultiForm, one


class IntegrationsController(Controller):
    path = "/settings/integrations"
    dependencies = MANAGER_CTX

    @staticmethod
    def _answer(c: Ctx, status_code: int = 200, **kw: Any) -> Template:
        """The tokens section for htmx, else the whole page."""
        tv = tokens_view(c, **kw)
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
