"""The requests Twilio sends (/integrations/twilio/{company}/…): a call to a team's number, the
hunt's next step, each leg's status, a voicemail's recording, and the presence line. Every one is
form-encoded and signed: one dependency reads the form and verifies X-Twilio-Signature before any
handler runs (a bad or missing signature → 403, nothing changes). These routes stay out of the
OpenAPI document: Twilio calls them, not integrators (docs/integrations/twilio.md)."""

from typing import Any

from litestar import Request, Response, post
from litestar.di import Provide
from sqlmodel import Session

from app.clock import Clock
from app.services import phone_control as ivr
from app.services import telephony as tel
from app.services import twilio_voice as voice
from app.services.errors import Invalid
from app.settings import Settings

XML = "text/xml"
BASE = "/integrations/twilio/{company_slug:str}"


async def twilio_form(request: Request[Any, Any, Any]) -> dict[str, str]:
    """Twilio's form fields (each sent once) as plain strings; the first of a repeated name."""
    form = await request.form()
    params: dict[str, str] = {}
    for name, value in form.multi_items():
        if isinstance(value, str):
            params.setdefault(name, value)
    return params


def twilio_call(
    request: Request[Any, Any, Any],
    db: Session,
    settings: Settings,
    company_slug: str,
    twilio_form: dict[str, str],
) -> tel.Call:
    """The verified request: its signature checked against the public URL (ONDECK_BASE_URL + path
    + query) and the form, with the company's auth token."""
    query = request.scope.get("query_string", b"").decode("latin-1")
    url = settings.base_url + request.url.path + (f"?{query}" if query else "")
    return tel.verify(
        db,
        company_slug,
        url,
        twilio_form,
        request.headers.get("x-twilio-signature"),
        secret_key=settings.secret_key,
        base_url=settings.base_url,
    )


TWILIO: dict[str, Any] = {
    "sync_to_thread": True,
    "include_in_schema": False,
    "media_type": XML,
    "status_code": 200,
    "dependencies": {
        "twilio_form": Provide(twilio_form),
        "call": Provide(twilio_call, sync_to_thread=True),
    },
}


def _xml(body: str) -> Response[str]:
    return Response(body, media_type=XML, status_code=200)


def _tries(text: str | None) -> int:
    """The attempt number carried in a menu URL (1 when absent or odd)."""
    return int(text) if text and text.isdigit() and len(text) < 3 else 1


@post(f"{BASE}/voice", **TWILIO)
def twilio_voice(
    call: tel.Call, db: Session, clock: Clock, team: str | None = None
) -> Response[str]:
    """A call to a team's number: ring its hunt list (idempotent on CallSid)."""
    return _xml(voice.voice(db, call, team, clock.now()))


@post(f"{BASE}/dial-next", **TWILIO)
def twilio_dial_next(
    call: tel.Call, db: Session, clock: Clock, assignment: str, n: str = "0"
) -> Response[str]:
    """<Dial action>: done when answered, else the next eligible rep, else the AWAY destination."""
    return _xml(voice.dial_next(db, call, assignment, n, clock.now()))


@post(f"{BASE}/call-status", **TWILIO)
def twilio_call_status(
    call: tel.Call, db: Session, clock: Clock, assignment: str, rep: str
) -> Response[str]:
    """A leg's status: answered locks the rep, ended releases the lock this call set."""
    return _xml(voice.call_status(db, call, assignment, rep, clock.now()))


@post(f"{BASE}/recording", **TWILIO)
def twilio_recording(call: tel.Call, db: Session, assignment: str) -> Response[str]:
    """A voicemail was recorded: its URL is kept on the assignment."""
    return _xml(voice.recording(db, call, assignment))


@post(f"{BASE}/presence", **TWILIO)
def twilio_presence(call: tel.Call, db: Session, clock: Clock) -> Response[str]:
    """The presence line: the caller (by From) hears their status and the menu."""
    return _xml(ivr.presence_menu(db, call, clock.now()))


@post(f"{BASE}/presence/{{step:str}}", **TWILIO)
def twilio_presence_step(
    call: tel.Call,
    db: Session,
    clock: Clock,
    settings: Settings,
    step: str,
    tries: str | None = None,
    team: str | None = None,
    ok: str | None = None,
) -> Response[str]:
    """One answer to a presence-line menu (menu, hours, team, pin, state)."""
    now, n = clock.now(), _tries(tries)
    if step == "menu":
        return _xml(ivr.presence_choice(db, call, n, now))
    if step == "hours":
        return _xml(ivr.presence_hours(db, call, n, now))
    if step == "team":
        return _xml(ivr.presence_team(db, call, n))
    if step == "pin" and team:
        return _xml(ivr.presence_pin(db, call, team, n, now, settings.secret_key))
    if step == "state" and team and ok:
        return _xml(ivr.presence_state(db, call, team, ok, n, now, settings.secret_key))
    raise Invalid("step", "Unknown step of the presence line.")


TWILIO_WEBHOOKS: list[Any] = [
    twilio_voice,
    twilio_dial_next,
    twilio_call_status,
    twilio_recording,
    twilio_presence,
    twilio_presence_step,
]
