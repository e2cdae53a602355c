"""Notifications on this phone (the Phone tab's card, templates/phone/_notify.html): the key a
browser subscribes with, this device's subscription on and off (the PushSubscription JSON the
browser gives, posted by static/js/push.js), and a test notification to the rep's devices."""

from functools import lru_cache
from typing import Any

from litestar import Controller, Response
from litestar.response import Redirect, Template

from app.push_sender import public_key
from app.services import push
from app.services.errors import Invalid, NotFound, Refused
from app.web.common import CTX, Ctx, page, web_get, web_post

CARD = "phone/_notify.html"


def _card(c: Ctx, state: str, status: int = 200, **ctx: Any) -> Template:
    """The card, in this device's state as the server just learnt it."""
    return page(c.request, CARD, status, push_state=state, **ctx)


@lru_cache(maxsize=4)
def _public(private_key: str) -> str:
    return public_key(private_key)


class PushController(Controller):
    path = "/me/push"
    dependencies = CTX

    @web_get("/key")
    def key(self, c: Ctx) -> Response[dict[str, str]]:
        """The application server key (VAPID public key) browsers subscribe with."""
        if not c.settings.vapid_private_key:
            raise NotFound("Notifications are not set up on this server.")
        return Response({"key": _public(c.settings.vapid_private_key)})

    @web_post("/")
    def subscribe(self, c: Ctx, data: dict[str, Any]) -> Template:
        """Turn notifications on for this device: store its subscription for me."""
        if not c.settings.vapid_private_key:
            raise Refused("Notifications are not set up on this server.")
        try:
            push.subscribe(c.db, c.user, data, c.now)
        except Invalid as exc:
            c.db.rollback()
            return _card(c, "off", 422, errors={exc.field: f"{exc.field}: {exc.message}"})
        return _card(c, "on", notice="Notifications are on for this phone.")

    @web_post("/off")
    def unsubscribe(self, c: Ctx, data: dict[str, Any]) -> Template:
        """Turn notifications off for this device (its endpoint)."""
        try:
            push.unsubscribe(c.db, c.user, data)
        except Invalid as exc:
            return _card(c, "on", 422, errors={exc.field: f"{exc.field}: {exc.message}"})
        return _card(c, "off", notice="Notifications are off for this phone.")

    @web_post("/test")
    def test(self, c: Ctx) -> Template | Redirect:
        """A test notification to each of my devices."""
        sent = push.send_test(c.db, c.user, c.now)
        if not c.htmx:
            return Redirect("/", status_code=303)
        if not sent:
            return _card(c, "on", notice="No device of yours has notifications on.")
        devices = "device" if sent == 1 else "devices"
        return _card(c, "on", notice=f"A test notification is on its way to {sent} {devices}.")
