"""The presence line (docs/integrations/twilio.md): a rep calls in, is known by their phone,
and goes Available for some hours or Offline by pressing keys; `*` changes a team's state with its
extension and PIN. Each step answers TwiML that gathers the next keys."""

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlmodel import Session, col, select
from twilio.twiml.voice_response import VoiceResponse

from app.domain import telephony as t
from app.models import Rep, Team
from app.services import presence as presence_service
from app.services import team_pin, team_state, teams
from app.services.errors import Forbidden, Throttled, WrongSecret
from app.services.telephony import VOICE, Call, goodbye


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
        return goodbye("You are Offline.")
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
            return goodbye("Sorry, that is not a number of hours from 1 to 99.")
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
    return goodbye(f"You are Available until {t.spoken_until(until, now, rep.timezone)}.")


def presence_team(session: Session, call: Call, tries: int) -> str:
    """The caller typed a team's extension after *."""
    if _caller(session, call) is None:
        return _unknown()
    team = teams.by_extension(session, call.company, call.get("Digits"))
    if team is None:
        nxt = t.next_try(tries)
        if nxt is None:
            return goodbye("Sorry, no team has that number.")
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
    """The caller typed the team's PIN: wrong ones count toward the same lockout as the API's
    `X-Team-Pin` (five within 15 minutes lock the PIN for 15 minutes)."""
    if _caller(session, call) is None:
        return _unknown()
    team = teams.get(session, call.company, team_slug)
    if team.pin_hash is None:
        return goodbye(f"{team.name} has no PIN, so it cannot be changed by phone.")
    try:
        team_pin.check_pin(session, team, call.get("Digits"), now)
    except Throttled:
        return goodbye("Too many wrong PINs. This team's PIN is locked for now; try later.")
    except WrongSecret:  # the failure is counted (this transaction commits: TwiML is an answer)
        nxt = t.next_try(tries)
        if nxt is None:
            return goodbye("That PIN is not right.")
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
            return goodbye("Sorry, that is not a choice.")
        return _state_menu(call, team, nxt, secret_key)
    if state is None:
        team_state.clear_override(session, call.company, team, now)
        return goodbye(f"{team.name} follows its schedule again.")
    team_state.set_override(session, call.company, team, state, now, by=f"{rep.name} by phone")
    return goodbye(f"{team.name} is now {t.STATE_WORDS[state]}.")


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
        return goodbye("Sorry, that is not a choice.")
    vr = VoiceResponse()
    vr.say("Sorry, that is not a choice.", voice=VOICE)
    gather = vr.gather(
        input="dtmf", num_digits=1, action=call.url("presence/menu", tries=nxt), timeout=8
    )
    gather.say(MENU, voice=VOICE)
    vr.redirect(call.url("presence/menu", tries=nxt), method="POST")
    return str(vr)
