"""Telephony: the Twilio account (/api/v1/integrations/twilio), the requests Twilio sends
(/integrations/twilio/{company}/…, signed), and the PBX endpoint (/integrations/pbx/next)."""

import base64
import binascii
import json
from typing import Annotated, Any
from xml.sax.saxutils import quoteattr

import msgspec
from litestar import Controller, Request, Response, post, route
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException
from litestar.params import Body
from sqlmodel import Session

from app.api.common import ADMIN, AUTH, api_delete, api_get, api_put
from app.clock import Clock
from app.domain import telephony as t
from app.models import Company
from app.services import accounts, teams
from app.services import telephony as tel
from app.services.errors import Invalid
from app.settings import Settings

XML = "text/xml"
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


class TwilioIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    account_sid: str
    auth_token: str | None = None  # write-only; omitted keeps the stored one
    answer_seconds: int | None = None


class TwilioOut(msgspec.Struct, kw_only=True):
    configured: bool
    account_sid: str | None
    answer_seconds: int | None
    teams: dict[str, str]  # team slug → the voice URL to paste into its Twilio number
    presence_url: str


class TwilioConfigController(Controller):
    path = "/api/v1/integrations/twilio"
    tags = ["integrations"]
    dependencies = {**AUTH, **ADMIN}

    @api_get("/", summary="The Twilio account (admin; the auth token is never shown)")
    def read(self, company: Company, db: Session, settings: Settings, admin: Any) -> TwilioOut:
        """Whether Twilio is configured, and the URLs to paste into Twilio."""
        return _out(db, company, settings)

    @api_put("/", summary="Configure Twilio (admin)")
    def configure(
        self,
        company: Company,
        db: Session,
        clock: Clock,
        settings: Settings,
        data: TwilioIn,
        admin: Any,
    ) -> TwilioOut:
        """Account SID, auth token (write-only, kept encrypted) and how long phones ring."""
        tel.configure(
            db,
            company,
            account_sid=data.account_sid,
            auth_token=data.auth_token,
            answer_seconds=data.answer_seconds,
            secret_key=settings.secret_key,
            now=clock.now(),
        )
        return _out(db, company, settings)

    @api_delete("/", summary="Forget the Twilio account (admin)")
    def forget(self, company: Company, db: Session, admin: Any) -> None:
        """Requests from Twilio are refused from now on."""
        tel.remove(db, company)


def _out(db: Session, company: Company, settings: Settings) -> TwilioOut:
    slugs = [team.slug for team in teams.listing(db, company)]
    body = tel.config_json(tel.config(db, company), settings.base_url, company, slugs)
    return msgspec.convert(body, TwilioOut)


# --- What Twilio sends ---------------------------------------------------------------------------


def _params(data: dict[str, Any]) -> dict[str, str]:
    """Twilio's form fields (each sent once) as plain strings."""
    return {k: (v[0] if isinstance(v, list) and v else v) for k, v in data.items()}


def _call(request: Request[Any, Any, Any], db: Session, settings: Settings, slug: str, data: dict):
    """Verify the request's signature against its public URL (ONDECK_BASE_URL + path + query)."""
    query = request.scope.get("query_string", b"").decode("latin-1")
    url = settings.base_url + request.url.path + (f"?{query}" if query else "")
    return tel.verify(
        db,
        slug,
        url,
        _params(data or {}),
        request.headers.get("x-twilio-signature"),
        secret_key=settings.secret_key,
        base_url=settings.base_url,
    )


def _xml(body: str) -> Response[str]:
    return Response(body, media_type=XML, status_code=200)


def _tries(text: str | None) -> int:
    """The attempt number carried in a menu URL (1 when absent or odd)."""
    return int(text) if text and text.isdigit() and len(text) < 3 else 1


TWILIO: dict[str, Any] = {
    "sync_to_thread": True,
    "include_in_schema": False,
    "media_type": XML,
    "status_code": 200,
}
BASE = "/integrations/twilio/{company_slug:str}"


@post(f"{BASE}/voice", **TWILIO)
def twilio_voice(
    request: Request[Any, Any, Any],
    db: Session,
    clock: Clock,
    settings: Settings,
    company_slug: str,
    data: Form,
    team: str | None = None,
) -> Response[str]:
    """A call to a team's number: ring its hunt list (idempotent on CallSid)."""
    call = _call(request, db, settings, company_slug, data)
    return _xml(tel.voice(db, call, team, clock.now()))


@post(f"{BASE}/dial-next", **TWILIO)
def twilio_dial_next(
    request: Request[Any, Any, Any],
    db: Session,
    clock: Clock,
    settings: Settings,
    company_slug: str,
    data: Form,
    assignment: str,
    n: str = "0",
) -> Response[str]:
    """<Dial action>: done when answered, else the next eligible rep, else the AWAY destination."""
    call = _call(request, db, settings, company_slug, data)
    return _xml(tel.dial_next(db, call, assignment, n, clock.now()))


@post(f"{BASE}/call-status", **TWILIO)
def twilio_call_status(
    request: Request[Any, Any, Any],
    db: Session,
    clock: Clock,
    settings: Settings,
    company_slug: str,
    data: Form,
    assignment: str,
    rep: str,
) -> Response[str]:
    """A leg's status: answered locks the rep, ended releases the lock this call set."""
    call = _call(request, db, settings, company_slug, data)
    return _xml(tel.call_status(db, call, assignment, rep, clock.now()))


@post(f"{BASE}/recording", **TWILIO)
def twilio_recording(
    request: Request[Any, Any, Any],
    db: Session,
    settings: Settings,
    company_slug: str,
    data: Form,
    assignment: str,
) -> Response[str]:
    """A voicemail was recorded: its URL is kept on the assignment."""
    call = _call(request, db, settings, company_slug, data)
    return _xml(tel.recording(db, call, assignment))


@post(f"{BASE}/presence", **TWILIO)
def twilio_presence(
    request: Request[Any, Any, Any],
    db: Session,
    clock: Clock,
    settings: Settings,
    company_slug: str,
    data: Form,
) -> Response[str]:
    """The presence line: the caller (by From) hears their status and the menu."""
    call = _call(request, db, settings, company_slug, data)
    return _xml(tel.presence_menu(db, call, clock.now()))


@post(f"{BASE}/presence/{{step:str}}", **TWILIO)
def twilio_presence_step(
    request: Request[Any, Any, Any],
    db: Session,
    clock: Clock,
    settings: Settings,
    company_slug: str,
    step: str,
    data: Form,
    tries: str | None = None,
    team: str | None = None,
    ok: str | None = None,
) -> Response[str]:
    """One answer to a presence-line menu (menu, hours, team, pin, state)."""
    call = _call(request, db, settings, company_slug, data)
    now, n = clock.now(), _tries(tries)
    if step == "menu":
        return _xml(tel.presence_choice(db, call, n, now))
    if step == "hours":
        return _xml(tel.presence_hours(db, call, n, now))
    if step == "team":
        return _xml(tel.presence_team(db, call, n))
    if step == "pin" and team:
        return _xml(tel.presence_pin(db, call, team, n, now, settings.secret_key))
    if step == "state" and team and ok:
        return _xml(tel.presence_state(db, call, team, ok, n, now, settings.secret_key))
    raise Invalid("step", "Unknown step of the presence line.")


# --- PBXs ----------------------------------------------------------------------------------------


def _pbx_company(request: Request[Any, Any, Any], db: Session, token: str | None) -> Company:
    """Bearer, Basic (the token as password, Asterisk CURLOPT(userpwd)) or ?token=."""
    scheme, _sep, value = request.headers.get("authorization", "").partition(" ")
    secret = None
    if scheme.lower() == "bearer":
        secret = value.strip()
    elif scheme.lower() == "basic":
        try:
            secret = base64.b64decode(value.strip(), validate=True).decode().partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            secret = None
    elif token:
        secret = token
    if not secret or len(secret) > 512 or not secret.isascii():
        raise NotAuthorizedException("Send Authorization: Bearer <token>, Basic, or ?token=.")
    found = accounts.token_for(db, secret)
    company = db.get(Company, found.company_id) if found else None
    if company is None:
        raise NotAuthorizedException("Unknown or revoked token.")
    return company


@route(
    "/integrations/pbx/next",
    http_method=["GET", "POST"],
    sync_to_thread=True,
    include_in_schema=False,
)
def pbx_next(
    request: Request[Any, Any, Any],
    db: Session,
    clock: Clock,
    team: str | None = None,
    kind: str = "call",
    format: str = "text",
    external_id: str | None = None,
    assignment: str | None = None,
    n: str | None = None,
    token: str | None = None,
) -> Response[Any]:
    """The next dial target in the PBX's own format (text, kv, json, httapi)."""
    company = _pbx_company(request, db, token)
    if format not in t.FORMATS:
        raise Invalid("format", "Use text, kv, json or httapi.")
    now = clock.now()
    if assignment is not None:
        if not n or not n.isascii() or not n.isdigit() or not 1 <= int(n) <= 1000:
            raise Invalid("n", "Use the position in the hunt list, 1 or more.")
        answer, target, dest, pos = tel.pbx_nth(db, company, assignment, int(n), now)
        targets = [target] if target else []
        ring, reason = "sequence", (answer["reason"] if target else "exhausted")
        count = pos
    else:
        if not team:
            raise Invalid("team", "Name the team (?team=slug).")
        if kind not in ("call", "lead"):
            raise Invalid("kind", "Use 'lead' or 'call'.")
        if external_id is not None and not 1 <= len(external_id) <= 255:
            raise Invalid("external_id", "Use 1 to 255 characters.")
        answer, targets, ring = tel.pbx_next(
            db, company, team=team, kind=kind, external_id=external_id, now=now
        )
        dest, reason, count = answer.get("destination"), answer["reason"], len(targets)
    text = t.text_answer(targets, ring, dest)
    if format == "text":
        return Response(text, media_type="text/plain", status_code=200)
    if format == "kv":
        kv = t.kv_answer(text, answer["id"], reason, count)
        return Response(kv, media_type="text/plain", status_code=200)
    if format == "json":
        return Response(json.dumps(answer), media_type="application/json", status_code=200)
    return Response(_httapi(text), media_type=XML, status_code=200)


def _httapi(target: str) -> str:
    """FreeSWITCH mod_httapi: bridge to the target(s) (`,` rings several at once), or voicemail
    when nobody is left."""
    if target == "voicemail":
        work = (
            '<execute application="voicemail" data="default ${domain_name} ${destination_number}"/>'
        )
    else:
        work = f'<execute application="bridge" data={quoteattr(",".join(target.split("&")))}/>'
    return f'<document type="xml/freeswitch-httapi"><work>{work}</work></document>'


TELEPHONY_WEBHOOKS: list[Any] = [
    twilio_voice,
    twilio_dial_next,
    twilio_call_status,
    twilio_recording,
    twilio_presence,
    twilio_presence_step,
    pbx_next,
]
