"""What the Integrations page shows of the Twilio and HubSpot connections: whether each is set
up, the form (secrets never shown back, only "set"), and the exact URLs to paste into the other
system; the API tokens section; and the whole page. Built from the services; the handlers are
in app/web/integrations.py (tokens) and app/web/connections.py."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from litestar.response import Template

from app.domain import hours as h
from app.domain import telephony as t
from app.models import ApiToken
from app.services import accounts, hubspot, teams, telephony
from app.services.errors import NotFound
from app.web.common import Ctx
from app.web.once import settings_page, take_once

HUBSPOT_KINDS = {"lead": "Lead", "call": "Call"}


@dataclass
class Paste:
    """One URL to paste into the other system: where it goes and what it does."""

    id: str
    label: str
    url: str
    hint: str


@dataclass
class TeamUrls:
    """A team's URLs for its Twilio number."""

    slug: str
    name: str
    voice: Paste


@dataclass
class TwilioView:
    """The Twilio account form and, once saved, the URLs for each team and the presence line."""

    configured: bool
    form: dict[str, str]
    teams: list[TeamUrls]
    presence: Paste
    seconds: tuple[int, int] = t.ANSWER_SECONDS
    errors: dict[str, str] = field(default_factory=dict)
    notice: str | None = None


@dataclass
class HubspotView:
    """The HubSpot connection form and, once connected, the two URLs for its workflows."""

    connected: bool
    form: dict[str, str]
    teams: list[tuple[str, str]]  # (slug, name) for the team select
    urls: list[Paste]
    kinds: dict[str, str] = field(default_factory=lambda: dict(HUBSPOT_KINDS))
    errors: dict[str, str] = field(default_factory=dict)
    notice: str | None = None


def twilio_view(c: Ctx, form: dict[str, str] | None = None, **kw: Any) -> TwilioView:
    """The Twilio section: the stored account (never its token) or the form as sent."""
    row = telephony.config(c.db, c.company)
    listed = teams.listing(c.db, c.company)
    urls = telephony.urls_for(c.settings.base_url, c.company, [x.slug for x in listed])
    stored = {
        "account_sid": row.account_sid if row else "",
        "answer_seconds": str(row.answer_seconds if row else t.DEFAULT_ANSWER_SECONDS),
    }
    voice = [
        TeamUrls(x.slug, x.name, Paste(
            f"twilio-voice-{x.slug}", f"{x.name}: A call comes in", urls["teams"][x.slug],
            f"On the number callers dial for {x.name}: Webhook, HTTP POST.",
        ))
        for x in listed
    ]  # fmt: skip
    presence = Paste(
        "twilio-presence", "Presence line: A call comes in", urls["presence_url"],
        "On the number reps call to go Available or Offline (and to set a team's state with "
        "its PIN): Webhook, HTTP POST.",
    )  # fmt: skip
    return TwilioView(
        configured=row is not None,
        form={**stored, **(form or {})},
        teams=voice,
        presence=presence,
        **kw,
    )


def hubspot_view(c: Ctx, form: dict[str, str] | None = None, **kw: Any) -> HubspotView:
    """The HubSpot section: the stored connection (never its secret) or the form as sent."""
    try:
        row = hubspot.config(c.db, c.company)
    except NotFound:
        row = None
    listed = [(x.slug, x.name) for x in teams.listing(c.db, c.company)]
    stored = {
        "team": row.team if row else (listed[0][0] if listed else ""),
        "kind": row.kind if row else "lead",
    }
    base = f"{c.settings.base_url}/integrations/hubspot/{c.company.slug}"
    urls = [
        Paste(
            "hubspot-webhook", "“Send a webhook” action", f"{base}/webhook",
            "In a workflow: Send a webhook, method POST, authentication “Include request "
            "signature” with this app. For another team, add ?team= and its slug to the URL "
            "(and &kind=call for calls).",
        ),
        Paste(
            "hubspot-action", "Custom workflow action", f"{base}/action",
            "The actionUrl of your app's custom action; inputs team and kind, outputs "
            "hubspot_owner_id, owner_email and reason.",
        ),
    ]  # fmt: skip
    return HubspotView(
        connected=row is not None,
        form={**stored, **(form or {})},
        teams=listed,
        urls=urls if row is not None else [],
        **kw,
    )


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
    tv = sections.pop("tv", None) or tokens_view(c, **take_once(c, ONCE))
    twilio = sections.pop("twilio", None) or twilio_view(c, **take_once(c, ONCE_TWILIO))
    hubspot = sections.pop("hubspot", None) or hubspot_view(c, **take_once(c, ONCE_HUBSPOT))
    return settings_page(
        c, "settings/integrations.html", status_code, tv=tv, twilio=twilio, hubspot=hubspot
    )


def tokens_view(c: Ctx, **kw: Any) -> TokensView:
    """The tokens section: every token, the hook example's URL and a team to name in it."""
    slugs = [t.slug for t in teams.listing(c.db, c.company)]
    return TokensView(
        accounts.list_tokens(c.db, c.company),
        tz=c.company.timezone,
        hook_url=f"{c.settings.base_url}/api/v1/assignments",
        team=slugs[0] if slugs else "sales",
        **kw,
    )
