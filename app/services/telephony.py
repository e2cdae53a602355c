"""The telephony channel's common ground: the company's Twilio account (configuration, the URLs
to paste), verifying a signed Twilio request, and helpers shared by the steps of a call.

The steps themselves: app/services/twilio_voice.py (ring the hunt list, call status,
recordings), app/services/phone_control.py (the presence line) and app/services/pbx.py (dial
targets for Asterisk, FreeSWITCH and other PBXs). Rules are in app/domain/telephony.py; TwiML is
built with the `twilio` package."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session, select
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from app import vault
from app.domain import routing as r
from app.domain import telephony as t
from app.models import Assignment, Company, Team, TwilioConfig
from app.services import accounts, roster, teams
from app.services.errors import Forbidden, Invalid, NotFound

VOICE = "Polly.Joanna"


# --- Configuration -------------------------------------------------------------------------------


def config(session: Session, company: Company) -> TwilioConfig | None:
    """The company's Twilio account, if configured."""
    return session.get(TwilioConfig, company.id)


def configure(
    session: Session,
    company: Company,
    *,
    account_sid: object,
    auth_token: object,
    answer_seconds: object,
    secret_key: str,
    now: datetime,
) -> TwilioConfig:
    """Store the account: the auth token sealed with the app's secret key (write-only). An
    omitted (None) token keeps the stored one."""
    if not isinstance(account_sid, str) or not t.ACCOUNT_SID.fullmatch(account_sid):
        raise Invalid("account_sid", "An account SID is AC followed by 32 hexadecimal digits.")
    low, high = t.ANSWER_SECONDS
    if answer_seconds is None:
        answer_seconds = t.DEFAULT_ANSWER_SECONDS
    if isinstance(answer_seconds, bool) or not isinstance(answer_seconds, int):
        raise Invalid("answer_seconds", f"Use a whole number of seconds, {low} to {high}.")
    if not low <= answer_seconds <= high:
        raise Invalid("answer_seconds", f"Use a whole number of seconds, {low} to {high}.")
    found = config(session, company)
    if auth_token is None and found is None:
        raise Invalid("auth_token", "Paste the account's auth token (Twilio Console, Account).")
    if auth_token is not None and (
        not isinstance(auth_token, str) or not t.AUTH_TOKEN.fullmatch(auth_token)
    ):
        raise Invalid("auth_token", "An auth token is 16 to 64 letters and digits.")
    row = found or TwilioConfig(company_id=company.id, account_sid=account_sid, auth_token_enc="")
    row.account_sid, row.answer_seconds, row.updated_at = account_sid, answer_seconds, now
    if isinstance(auth_token, str):
        row.auth_token_enc = vault.seal(secret_key, auth_token)
    session.add(row)
    return row


def config_json(row: TwilioConfig | None, base_url: str, company: Company, team_slugs: list[str]):
    """The API shape: never the token; the URLs to paste into Twilio."""
    urls = urls_for(base_url, company, team_slugs)
    if row is None:
        return {"configured": False, "account_sid": None, "answer_seconds": None, **urls}
    return {
        "configured": True,
        "account_sid": row.account_sid,
        "answer_seconds": row.answer_seconds,
        **urls,
    }


def urls_for(base_url: str, company: Company, team_slugs: list[str]) -> dict[str, Any]:
    """What to paste into each Twilio number's "A call comes in" webhook (HTTP POST)."""
    root = f"{base_url}/integrations/twilio/{company.slug}"
    return {
        "teams": {slug: f"{root}/voice?{urlencode({'team': slug})}" for slug in team_slugs},
        "presence_url": f"{root}/presence",
    }


def remove(session: Session, company: Company) -> None:
    """Forget the Twilio account (if any): every request from it is refused from now on."""
    row = config(session, company)
    if row is not None:
        session.delete(row)


# --- Signed requests -----------------------------------------------------------------------------


@dataclass
class Call:
    """A verified Twilio request: its company and account, and what Twilio sent."""

    company: Company
    cfg: TwilioConfig
    params: dict[str, str]
    base: str  # the public URL of this company's Twilio paths

    def get(self, name: str) -> str:
        return self.params.get(name, "")

    def url(self, step: str, **query: object) -> str:
        """The public URL of another step, e.g. dial-next?assignment=…&n=2."""
        shown = {k: str(v) for k, v in query.items() if v is not None}
        return f"{self.base}/{step}" + (f"?{urlencode(shown)}" if shown else "")


def verify(
    session: Session,
    slug: str,
    url: str,
    params: dict[str, str],
    signature: str | None,
    *,
    secret_key: str,
    base_url: str,
) -> Call:
    """Check X-Twilio-Signature (HMAC-SHA1 of the public URL and the sorted POST parameters,
    keyed by the company's auth token): a missing or bad one is Forbidden and nothing runs."""
    try:
        company = accounts.company_by_slug(session, slug)
    except NotFound:
        raise Forbidden("Unknown company or bad signature.") from None
    cfg = config(session, company)
    token = vault.open_(secret_key, cfg.auth_token_enc) if cfg is not None else None
    if cfg is None or token is None or not signature:
        raise Forbidden("Twilio is not configured for this company, or the request is unsigned.")
    if not RequestValidator(token).validate(url, params, signature):
        raise Forbidden("The X-Twilio-Signature does not match this request.")
    return Call(company, cfg, params, f"{base_url}/integrations/twilio/{company.slug}")


# --- Shared by the Twilio steps and the PBX answers -------------------------------------------


def final_team(session: Session, company: Company, answer: dict[str, Any]) -> Team | None:
    """The team whose members the answer rings (the last one routed through)."""
    slug = (answer.get("routed_via") or [answer.get("team")])[-1]
    try:
        return teams.get(session, company, str(slug))
    except NotFound:
        return None


def away(team: Team) -> r.Destination:
    dest = r.Destination.from_json(team.dest_away, "destinations.away")
    return r.VOICEMAIL if dest.type in ("members", "team") else dest


def assignment_of(session: Session, company: Company, assignment_id: str) -> Assignment:
    row = session.exec(select(Assignment).where(Assignment.id == assignment_id)).first()
    if row is None or row.company_id != company.id:
        raise NotFound("No such assignment.")
    return row


def goodbye(text: str) -> str:
    vr = VoiceResponse()
    vr.say(f"{text} Goodbye.", voice=VOICE)
    vr.hangup()
    return str(vr)


def eligible_now(session: Session, company: Company, team: Team, now: datetime) -> set[str]:
    """Members of `team` who may take a call now (as the hook would judge them)."""
    seen = roster.look(session, company, team, now).seen
    return {s.rep.id for s in seen if r.trace_entry(s.candidate).eligible}
