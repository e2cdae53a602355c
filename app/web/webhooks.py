"""Managers: webhook endpoints on the Integrations page (add, edit events, enable or disable,
delete, send a test event; recent deliveries with Resend)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from litestar import Controller
from litestar.response import Redirect, Template

from app.domain import hours as h
from app.models import WebhookDelivery, WebhookEndpoint
from app.services import webhooks
from app.services.errors import Invalid
from app.web.common import MANAGER_CTX, Ctx, page, web_get, web_post
from app.web.once import done, settings_page, take_once
from app.web.schedule_forms import MultiForm, one, values

ONCE = "once:webhooks"
HOME = "/settings/integrations/webhooks"
EVENTS = {
    "assignment.created": "The hook assigned a lead or call",
    "assignment.answered": "A call was answered",
    "assignment.accepted": "A rep accepted an offered lead",
    "assignment.expired": "An offered lead expired with nobody left to take it",
    "rep.status_changed": "A rep's status changed",
    "team.state_changed": "A team's override was set or cleared",
}


@dataclass
class Row:
    """One endpoint with its recent deliveries."""

    endpoint: WebhookEndpoint
    deliveries: list[WebhookDelivery]


@dataclass
class WebhooksView:
    """The company's endpoints, the form to add one, and a new secret shown once."""

    rows: list[Row]
    tz: str
    form: dict[str, Any] = field(default_factory=lambda: {"events": list(EVENTS)})
    errors: dict[str, str] = field(default_factory=dict)
    secret: str | None = None
    notice: str | None = None
    events: dict[str, str] = field(default_factory=lambda: dict(EVENTS))

    def when(self, at: datetime | None) -> str:
        """An instant in the company's zone, like "9 Mar 14:05"."""
        if at is None:
            return "—"
        local = at.astimezone(h.zone(self.tz))
        return f"{local.day} {local:%b %H:%M}"


def _policy(c: Ctx) -> webhooks.Policy:
    s = c.settings
    return webhooks.Policy(s.production, s.private_webhooks, s.secret_key)


class WebhooksController(Controller):
    path = HOME
    dependencies = MANAGER_CTX

    @staticmethod
    def _answer(c: Ctx, status_code: int = 200, **kw: Any) -> Template:
        """The webhooks section for htmx, else its own page."""
        rows = [Row(e, webhooks.deliveries(c.db, c.company, e.id, 10))
                for e in webhooks.listing(c.db, c.company)]  # fmt: skip
        wv = WebhooksView(rows, c.company.timezone, **kw)
        if c.htmx:
            return page(c.request, "settings/_webhooks.html", status_code, wv=wv)
        return settings_page(c, "settings/webhooks.html", status_code, wv=wv)

    @web_get("/")
    def show(self, c: Ctx) -> Template:
        """The company's webhook endpoints and their recent deliveries."""
        return self._answer(c, **take_once(c, ONCE))

    @web_post("/")
    def create(self, c: Ctx, data: MultiForm) -> Template | Redirect:
        """Add an endpoint and show its signing secret once."""
        form = {"url": one(data, "url"), "events": values(data, "events"),
                "description": one(data, "description")}  # fmt: skip
        try:
            made = webhooks.create(c.db, c.company, form, _policy(c), c.now)
        except Invalid as exc:
            c.db.rollback()
            return self._answer(c, 422, form=form, errors={exc.field: exc.message})
        return done(c, ONCE, HOME + "#webhook-secret-box", self._answer, secret=made.secret)

    @web_post("/{endpoint_id:str}/events")
    def events(self, c: Ctx, endpoint_id: str, data: MultiForm) -> Template | Redirect:
        """Change which events an endpoint receives."""
        try:
            webhooks.update(c.db, c.company, endpoint_id, {"events": values(data, "events")},
                            _policy(c))  # fmt: skip
        except Invalid as exc:
            c.db.rollback()
            return self._answer(c, 422, errors={f"events-{endpoint_id}": exc.message})
        return done(c, ONCE, HOME, self._answer, notice="Events saved.")

    @web_post("/{endpoint_id:str}/enabled")
    def enabled(self, c: Ctx, endpoint_id: str, data: MultiForm) -> Template | Redirect:
        """Turn an endpoint on or off."""
        on = one(data, "enabled") == "1"
        webhooks.update(c.db, c.company, endpoint_id, {"enabled": on}, _policy(c))
        notice = "Endpoint enabled." if on else "Endpoint disabled: it receives nothing now."
        return done(c, ONCE, HOME, self._answer, notice=notice)

    @web_post("/{endpoint_id:str}/delete")
    def delete(self, c: Ctx, endpoint_id: str) -> Template | Redirect:
        """Delete an endpoint and its queued deliveries."""
        webhooks.remove(c.db, c.company, endpoint_id)
        return done(c, ONCE, HOME, self._answer, notice="Endpoint deleted.")

    @web_post("/{endpoint_id:str}/test")
    def test(self, c: Ctx, endpoint_id: str) -> Template | Redirect:
        """Send a webhook.test event to this endpoint."""
        webhooks.send_test(c.db, c.company, endpoint_id, c.now)
        return done(c, ONCE, HOME, self._answer, notice="Test event queued; it leaves at once.")

    @web_post("/{endpoint_id:str}/deliveries/{seq:int}/resend")
    def resend(self, c: Ctx, endpoint_id: str, seq: int) -> Template | Redirect:
        """Send one delivery again, with the same webhook-id."""
        webhooks.resend(c.db, c.company, endpoint_id, seq, c.now)
        return done(c, ONCE, HOME, self._answer, notice="Queued again with the same webhook-id.")
