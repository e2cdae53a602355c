"""The telephony channel: Twilio configuration, the calls Twilio sends (voice routing, the hunt,
call status, recordings), the presence line, and dial targets for PBXs. Rules are in
app/domain/telephony.py; TwiML is built with the `twilio` package."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session, col, select
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from app import vault
from app.domain import routing as r
from app.domain import telephony as t
from app.models import Assignment, CallLock, Company, Rep, Team, TwilioConfig
from app.services import accounts, assigner, roster, team_state, teams
from app.services import external_ids as xids
from app.services import presence as presence_service
from app.services.errors import Forbidden, Invalid, NotFound, Throttled, WrongSecret

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


# --- Voice: ring the hunt list -------------------------------------------------------------------


def voice(session: Session, call: Call, team_slug: str | None, now: datetime) -> str:
    """A call to a team's number: run the hook once per CallSid and ring its hunt list."""
    sid = call.get("CallSid")
    if not team_slug:
        return _say_goodbye("This number is not set up with a team yet.")
    if not sid:
        return _say_goodbye("This call could not be identified.")
    try:
        teams.get(session, call.company, team_slug)
    except NotFound:
        return _say_goodbye("This number's team no longer exists.")
    answer = assigner.assign(
        session,
        call.company,
        team=team_slug,
        kind="call",
        now=now,
        external_id=sid[:255],
        key=f"twilio:{sid}"[:255],
    ).answer
    return _ring_from(session, call, answer, 0, now, first=True)


def dial_next(session: Session, call: Call, assignment_id: str, n: str, now: datetime) -> str:
    """Twilio's <Dial action>: stop when someone talked, else ring the next eligible rep."""
    row = _assignment(session, call.company, assignment_id)
    if call.get("DialCallStatus") in t.CONNECTED:
        return str(VoiceResponse())
    start = _whole(n, "n")
    return _ring_from(session, call, row.answer, start, now, first=False)


def _ring_from(
    session: Session, call: Call, answer: dict[str, Any], start: int, now: datetime, *, first: bool
) -> str:
    """The TwiML that rings the hunt list from position `start`, or the final destination."""
    team = _final_team(session, call.company, answer)
    hunt = [p["id"] for p in answer.get("hunt", [])]
    phones = {p["id"]: p.get("phone") for p in answer.get("hunt", [])}
    if team is not None and answer.get("destination") is None and hunt:
        if first:  # the hook has just said who is eligible
            eligible = {rep for rep in hunt if phones.get(rep)}
        else:
            eligible = _eligible(session, call.company, team, now, phones)
        if team.ring == "all" and start == 0:
            return _dial(call, answer, t.ring_all(hunt, eligible), phones, len(hunt))
        i = t.next_index(hunt, eligible, start)
        if i is not None:
            return _dial(call, answer, [hunt[i]], phones, i + 1)
    dest = answer.get("destination")
    if dest is None and team is not None:
        dest = _away(team).to_json()
    return _destination(call, answer, dest or {"type": "voicemail"})


def _dial(call: Call, answer: dict[str, Any], reps: list[str], phones: dict, n: int) -> str:
    """One <Dial> ringing these reps (one for a hunt step, up to ten for ring-all)."""
    vr = VoiceResponse()
    if not reps:
        return _destination(call, answer, {"type": "voicemail"})
    dial = vr.dial(
        action=call.url("dial-next", assignment=answer["id"], n=n),
        timeout=call.cfg.answer_seconds,
    )
    for rep in reps:
        dial.number(
            phones[rep],
            status_callback=call.url("call-status", assignment=answer["id"], rep=rep),
            status_callback_event="answered completed",
        )
    return str(vr)


def _destination(call: Call, answer: dict[str, Any], dest: dict[str, Any]) -> str:
    """Where the call goes when no member takes it: a number, or voicemail."""
    vr = VoiceResponse()
    if dest.get("type") == "number":
        vr.dial().number(str(dest["number"]))
        return str(vr)
    team = (answer.get("routed_via") or [answer.get("team", "")])[-1]
    vr.say(f"Sorry, nobody from {team} can take your call right now.", voice=VOICE)
    vr.say("Please leave a message after the tone.", voice=VOICE)
    vr.record(
        max_length=120,
        play_beep=True,
        recording_status_callback=call.url("recording", assignment=answer["id"]),
    )
    vr.hangup()
    return str(vr)


def _final_team(session: Session, company: Company, answer: dict[str, Any]) -> Team | None:
    """The team whose members the answer rings (the last one routed through)."""
    slug = (answer.get("routed_via") or [answer.get("team")])[-1]
    try:
        return teams.get(session, company, str(slug))
    except NotFound:
        return None


def _eligible(
    session: Session, company: Company, team: Team, now: datetime, phones: dict[str, Any]
) -> set[str]:
    """Members who may take a call now and have a number to ring."""
    seen = roster.look(session, company, team, now).seen
    return {s.rep.id for s in seen if r.trace_entry(s.candidate).eligible and phones.get(s.rep.id)}


def _away(team: Team) -> r.Destination:
    dest = r.Destination.from_json(team.dest_away, "destinations.away")
    return r.VOICEMAIL if dest.type in ("members", "team") else dest


def _assignment(session: Session, company: Company, assignment_id: str) -> Assignment:
    row = session.exec(select(Assignment).where(Assignment.id == assignment_id)).first()
    if row is None or row.company_id != company.id:
        raise NotFound("No such assignment.")
    return row


def _whole(text: str, field: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 3:
        raise Invalid(field, "Use a whole number.")
    return int(text)


# --- Call status: lock and release ---------------------------------------------------------------


def call_status(
    session: Session, call: Call, assignment_id: str, rep_id: str, now: datetime
) -> str:
    """A leg answered → lock the rep "On a call" (remembering the call) and record who answered;
    a leg that ended → release the lock this call set (only that one)."""
    row = _assignment(session, call.company, assignment_id)
    rep = session.get(Rep, rep_id)
    if rep is None or rep.company_id != call.company.id:
        raise NotFound("No such rep.")
    status, sid = call.get("CallStatus"), call.get("CallSid")
    held = session.get(CallLock, rep.id)
    if status == "in-progress":
        if held is None and presence_service.read(rep, now).locked is None:
            presence_service.lock(session, rep, "On a call", now)
            session.add(
                CallLock(
                    rep_id=rep.id,
                    company_id=rep.company_id,
                    call_sid=sid,
                    assignment_id=row.id,
                    at=now,
                )
            )
        if not row.answer.get("answered_by"):
            hunt = [p["id"] for p in row.answer.get("hunt", [])]
            attempt = hunt.index(rep.id) + 1 if rep.id in hunt else None
            answered = {"id": rep.id, "name": rep.name, "attempt": attempt, "at": stamp(now)}
            row.answer = {**row.answer, "answered_by": answered}
            session.add(row)
    elif status in t.ENDED and held is not None and held.call_sid == sid:
        session.delete(held)
        presence_service.unlock(session, rep, now)
    return str(VoiceResponse())


def recording(session: Session, call: Call, assignment_id: str) -> str:
    """Twilio's recordingStatusCallback: keep the voicemail's URL on the assignment."""
    row = _assignment(session, call.company, assignment_id)
    url = call.get("RecordingUrl")
    if not url.startswith("https://"):
        raise Invalid("RecordingUrl", "Expected the recording's https URL.")
    row.answer = {**row.answer, "recording_url": url}
    session.add(row)
    return str(VoiceResponse())


def stamp(at: datetime) -> str:
    return assigner.stamp(at)


# --- The presence line ---------------------------------------------------------------------------


def _caller(session: Session, call: Call) -> Rep | None:
    """The rep calling, by their phone (From)."""
    number = call.get("From")
    if not number:
        return None
    return session.exec(
        select(Rep).where(
            Rep.company_id == call.company.id, Rep.phone == number, col(Rep.active).is_(True)
        )
    ).first()


def _unknown() -> str:
    vr = VoiceResponse()
    vr.say("This phone number is not registered with OnDeck. Goodbye.", voice=VOICE)
    vr.hangup()
    return str(vr)


def _say_goodbye(text: str) -> str:
    vr = VoiceResponse()
    vr.say(f"{text} Goodbye.", voice=VOICE)
    vr.hangup()
    return str(vr)


MENU = (
    "Press 1, 2, 3 or 4 to be available for 1, 2, 4 or 8 hours. Press 9 to choose the hours. "
    "Press 0 to go offline. Press star to change a team's state."
)


def presence_menu(session: Session, call: Call, now: datetime, tries: int = 1) -> str:
    """The presence line's first answer: who you are, your status, the menu."""
    rep = _caller(session, call)
    if rep is None:
        return _unknown()
    eff = presence_service.read(rep, now)
    vr = VoiceResponse()
    if tries == 1:
        status = eff.effective_status.value
        said = f"Hello {rep.name}. You are {status}"
        if eff.until is not None:
            said += f" until {t.spoken_until(eff.until, now, rep.timezone)}"
        vr.say(said + ".", voice=VOICE)
    gather = vr.gather(
        input="dtmf", num_digits=1, action=call.url("presence/menu", tries=tries), timeout=8
    )
    gather.say(MENU, voice=VOICE)
    vr.redirect(call.url("presence/menu", tries=tries), method="POST")  # silence counts as invalid
    return str(vr)


def presence_choice(session: Session, call: Call, tries: int, now: datetime) -> str:
    """The caller pressed a key on the main menu."""
    rep = _caller(session, call)
    if rep is None:
        return _unknown()
    choice = t.menu_choice(call.get("Digits"))
    if choice.action == "available" and choice.hours is not None:
        return _available_for(session, rep, choice.hours, now)
    if choice.action == "offline":
        presence_service.change(session, rep, status="offline", now=now, by="phone", by_rep=rep.id)
        return _say_goodbye("You are Offline.")
    if choice.action == "custom":
        return _gather(
            call,
            "presence/hours",
            "Enter the number of hours, 1 to 99, then press pound.",
            2,
            tries=1,
        )
    if choice.action == "team":
        return _gather(
            call, "presence/team", "Enter the team's number, then press pound.", 6, tries=1
        )
    return _again(call, tries)


def presence_hours(session: Session, call: Call, tries: int, now: datetime) -> str:
    """The caller typed a number of hours after 9."""
    rep = _caller(session, call)
    if rep is None:
        return _unknown()
    hours = t.custom_hours(call.get("Digits"))
    if hours is None:
        nxt = t.next_try(tries)
        if nxt is None:
            return _say_goodbye("Sorry, that is not a number of hours from 1 to 99.")
        return _gather(
            call, "presence/hours", "Sorry. Enter 1 to 99 hours, then press pound.", 2, tries=nxt
        )
    return _available_for(session, rep, hours, now)


def _available_for(session: Session, rep: Rep, hours: int, now: datetime) -> str:
    """Available for `hours`, then Offline; confirmed in the rep's time zone."""
    until = now + timedelta(hours=hours)
    presence_service.change(
        session,
        rep,
        status="available",
        until=until,
        then="offline",
        now=now,
        by="phone",
        by_rep=rep.id,
    )
    return _say_goodbye(f"You are Available until {t.spoken_until(until, now, rep.timezone)}.")


def presence_team(session: Session, call: Call, tries: int) -> str:
    """The caller typed a team's extension after *."""
    if _caller(session, call) is None:
        return _unknown()
    team = teams.by_extension(session, call.company, call.get("Digits"))
    if team is None:
        nxt = t.next_try(tries)
        if nxt is None:
            return _say_goodbye("Sorry, no team has that number.")
        return _gather(
            call,
            "presence/team",
            "Sorry, no team has that number. Enter the team's number, then press pound.",
            6,
            tries=nxt,
        )
    return _gather(
        call, "presence/pin", f"{team.name}. Enter the team's PIN, then press pound.", 8,
        tries=1, team=team.slug,
    )  # fmt: skip


def presence_pin(
    session: Session, call: Call, team_slug: str, tries: int, now: datetime, secret_key: str
) -> str:
    """The caller typed the team's PIN: wrong ones count toward the lockout of API.md."""
    if _caller(session, call) is None:
        return _unknown()
    team = teams.get(session, call.company, team_slug)
    if team.pin_hash is None:
        return _say_goodbye(f"{team.name} has no PIN, so it cannot be changed by phone.")
    try:
        team_state.check_pin(session, team, call.get("Digits"), now)
    except Throttled:
        return _say_goodbye("Too many wrong PINs. This team's PIN is locked for now; try later.")
    except WrongSecret:  # the failure is counted (this transaction commits: TwiML is an answer)
        nxt = t.next_try(tries)
        if nxt is None:
            return _say_goodbye("That PIN is not right.")
        prompt = "That PIN is not right. Enter the team's PIN, then press pound."
        return _gather(call, "presence/pin", prompt, 8, tries=nxt, team=team.slug)
    return _state_menu(call, team, 1, secret_key)


def _state_menu(call: Call, team: Team, tries: int, secret_key: str) -> str:
    prompt = (
        "Press 1 for in office, 2 for lunch, 3 for away, 4 for vacation, "
        "or 0 to go back to the schedule."
    )
    return _gather(
        call, "presence/state", prompt, 1, tries=tries, team=team.slug,
        ok=pin_passed(secret_key, call.get("CallSid"), team.id),
    )  # fmt: skip


def presence_state(
    session: Session,
    call: Call,
    team_slug: str,
    ok: str,
    tries: int,
    now: datetime,
    secret_key: str,
) -> str:
    """The caller chose the team's state (only after the right PIN on this call)."""
    rep = _caller(session, call)
    if rep is None:
        return _unknown()
    team = teams.get(session, call.company, team_slug)
    if not hmac.compare_digest(ok, pin_passed(secret_key, call.get("CallSid"), team.id)):
        raise Forbidden("The team's PIN was not entered on this call.")
    valid, state = t.team_state_choice(call.get("Digits"))
    if not valid:
        nxt = t.next_try(tries)
        if nxt is None:
            return _say_goodbye("Sorry, that is not a choice.")
        return _state_menu(call, team, nxt, secret_key)
    if state is None:
        team_state.clear_override(session, call.company, team, now)
        return _say_goodbye(f"{team.name} follows its schedule again.")
    team_state.set_override(session, call.company, team, state, now, by=f"{rep.name} by phone")
    return _say_goodbye(f"{team.name} is now {t.STATE_WORDS[state]}.")


def pin_passed(secret_key: str, call_sid: str, team_id: str) -> str:
    """Proof, carried in the next step's URL, that this call gave this team's PIN."""
    key = hashlib.sha256(b"ondeck twilio pin\x00" + secret_key.encode()).digest()
    return hmac.new(key, f"{call_sid}\x00{team_id}".encode(), "sha256").hexdigest()[:32]


def _gather(call: Call, step: str, prompt: str, digits: int, **query: object) -> str:
    """Ask for digits; silence is handled as invalid input by the same step."""
    vr = VoiceResponse()
    gather = vr.gather(
        input="dtmf",
        num_digits=digits,
        finish_on_key="#",
        action=call.url(step, **query),
        timeout=10,
    )
    gather.say(prompt, voice=VOICE)
    vr.redirect(call.url(step, **query), method="POST")
    return str(vr)


def _again(call: Call, tries: int) -> str:
    """Invalid input on the main menu: the menu again, at most three times in all."""
    nxt = t.next_try(tries)
    if nxt is None:
        return _say_goodbye("Sorry, that is not a choice.")
    vr = VoiceResponse()
    vr.say("Sorry, that is not a choice.", voice=VOICE)
    gather = vr.gather(
        input="dtmf", num_digits=1, action=call.url("presence/menu", tries=nxt), timeout=8
    )
    gather.say(MENU, voice=VOICE)
    vr.redirect(call.url("presence/menu", tries=nxt), method="POST")
    return str(vr)


# --- PBXs ----------------------------------------------------------------------------------------


def pbx_next(
    session: Session,
    company: Company,
    *,
    team: str,
    kind: str,
    external_id: str | None,
    now: datetime,
) -> tuple[dict[str, Any], list[str], str]:
    """Run the hook for a PBX (idempotent on external_id when given): the answer, the dial
    targets of its hunt list in order, and the ring mode of the team that answered."""
    key = None if external_id is None else f"pbx:{kind}:{external_id}"[:255]
    answer = assigner.assign(
        session, company, team=team, kind=kind, now=now, external_id=external_id, key=key
    ).answer
    final = _final_team(session, company, answer)
    targets = _targets(session, company, [p["id"] for p in answer.get("hunt", [])])
    return answer, [x for x in targets.values() if x], final.ring if final else "sequence"


def pbx_nth(
    session: Session, company: Company, assignment_id: str, n: int, now: datetime
) -> tuple[dict[str, Any], str | None, dict[str, Any] | None, int]:
    """The N-th (1-based) target of an assignment's hunt list, skipping reps no longer eligible,
    without a new turn: (answer, target or None, destination when past the end, position)."""
    row = _assignment(session, company, assignment_id)
    answer = row.answer
    hunt = [p["id"] for p in answer.get("hunt", [])]
    targets = _targets(session, company, hunt)
    team = _final_team(session, company, answer)
    eligible = set()
    if team is not None:
        seen = roster.look(session, company, team, now).seen
        eligible = {s.rep.id for s in seen if r.trace_entry(s.candidate).eligible}
    eligible &= {rep for rep, x in targets.items() if x}
    i = t.next_index(hunt, eligible, n - 1)
    if i is not None:
        return answer, targets[hunt[i]], None, i + 1
    dest = answer.get("destination") or (_away(team).to_json() if team else r.VOICEMAIL.to_json())
    return answer, None, dest, len(hunt) + 1


def _targets(session: Session, company: Company, rep_ids: list[str]) -> dict[str, str | None]:
    """Each rep's dial target: external_ids.pbx when set (PJSIP/1001), else their phone."""
    if not rep_ids:
        return {}
    rows = session.exec(
        select(Rep).where(Rep.company_id == company.id, col(Rep.id).in_(rep_ids))
    ).all()
    found = {rep.id: xids.of(rep).get("pbx") or rep.phone for rep in rows}
    return {rep_id: found.get(rep_id) for rep_id in rep_ids}
