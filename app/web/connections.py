"""Managers: connect Twilio and HubSpot on the Integrations page. Secrets are write-only (an
empty field keeps the stored one); the services seal them at rest. Errors are shown beside
their fields; with htmx only the section is answered, else the whole page (or a 303 after a
change)."""

from contextlib import suppress
from typing import Any

from litestar import Controller
from litestar.response import Redirect, Template

from app.services import hubspot, telephony
from app.services.errors import Invalid, NotFound
from app.web import integration_views as views
from app.web.common import MANAGER_CTX, Ctx, page, web_post
from app.web.once import done
from app.web.schedule_forms import MultiForm, one

PAGE = "/settings/integrations"


def _twilio(c: Ctx, status_code: int = 200, **kw: Any) -> Template:
    tv = views.twilio_view(c, **kw)
    if c.htmx:
        return page(c.request, "settings/_twilio.html", status_code, twilio=tv)
    return views.whole_page(c, status_code, twilio=tv)


def _hubspot(c: Ctx, status_code: int = 200, **kw: Any) -> Template:
    hv = views.hubspot_view(c, **kw)
    if c.htmx:
        return page(c.request, "settings/_hubspot.html", status_code, hubspot=hv)
    return views.whole_page(c, status_code, hubspot=hv)


def _seconds(text: str) -> object:
    """The ring time as typed: a whole number when it is one (the service names anything else)."""
    text = text.strip()
    if not text:
        return None
    return int(text) if text.isdigit() and len(text) < 6 else text


class TwilioSettingsController(Controller):
    path = PAGE + "/twilio"
    dependencies = MANAGER_CTX

    @web_post("/")
    def save(self, c: Ctx, data: MultiForm) -> Template | Redirect:
        """Save the account SID, the auth token (kept when left empty) and the ring time."""
        form = {k: one(data, k).strip() for k in ("account_sid", "auth_token", "answer_seconds")}
        try:
            telephony.configure(
                c.db,
                c.company,
                account_sid=form["account_sid"],
                auth_token=form["auth_token"] or None,
                answer_seconds=_seconds(form["answer_seconds"]),
                secret_key=c.settings.secret_key,
                now=c.now,
            )
        except Invalid as exc:
            c.db.rollback()
            form.pop("auth_token")  # a secret is never sent back, even a refused one
            return _twilio(c, 422, form=form, errors={exc.field: exc.message})
        notice = "Twilio saved. Paste each URL below into its number in the Twilio Console."
        return done(c, views.ONCE_TWILIO, PAGE + "#twilio", _twilio, notice=notice)

    @web_post("/disconnect")
    def disconnect(self, c: Ctx) -> Template | Redirect:
        """Forget the account: Twilio's requests are refused (403) from now on."""
        telephony.remove(c.db, c.company)
        c.db.flush()  # the section below reads the account again: gone
        notice = "Twilio disconnected. Calls to its numbers are refused until you connect again."
        return done(c, views.ONCE_TWILIO, PAGE + "#twilio", _twilio, notice=notice)


class HubspotSettingsController(Controller):
    path = PAGE + "/hubspot"
    dependencies = MANAGER_CTX

    @web_post("/")
    def save(self, c: Ctx, data: MultiForm) -> Template | Redirect:
        """Save the client secret (kept when left empty), the team and the kind."""
        form = {k: one(data, k).strip() for k in ("client_secret", "team", "kind")}
        sent: dict[str, Any] = {"team": form["team"], "kind": form["kind"] or "lead"}
        if form["client_secret"]:
            sent["client_secret"] = form["client_secret"]
        try:
            hubspot.configure(c.db, c.company, sent, c.settings.secret_key, c.now)
        except (Invalid, NotFound) as exc:
            c.db.rollback()
            error = {exc.field: exc.message} if isinstance(exc, Invalid) else {
                "team": "Choose one of your teams."}  # fmt: skip
            form.pop("client_secret")  # a secret is never sent back, even a refused one
            return _hubspot(c, 422, form=form, errors=error)
        notice = "HubSpot connected. Paste the URLs below into your workflows."
        return done(c, views.ONCE_HUBSPOT, PAGE + "#hubspot", _hubspot, notice=notice)

    @web_post("/disconnect")
    def disconnect(self, c: Ctx) -> Template | Redirect:
        """Forget the connection: HubSpot's requests get 401 from now on."""
        with suppress(NotFound):  # already disconnected: the page says so
            hubspot.remove(c.db, c.company)
        c.db.flush()  # the section below reads the connection again: gone
        notice = "HubSpot disconnected. Its workflows are refused until you connect again."
        return done(c, views.ONCE_HUBSPOT, PAGE + "#hubspot", _hubspot, notice=notice)
