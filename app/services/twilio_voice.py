"""Twilio voice routing: a call to a team's number rings its hunt list one by one (or all at
once), each leg's status locks and releases the rep, and voicemail keeps its recording URL
(docs/integrations/twilio.md)."""

from datetime import datetime
from typing import Any

from sqlmodel import Session
from twilio.twiml.voice_response import VoiceResponse

from app.domain import telephony as t
from app.domain.stamps import stamp
from app.models import CallLock, Company, Rep, Team
from app.services import assigner, teams
from app.services import presence as presence_service
from app.services.errors import Invalid, NotFound
from app.services.telephony import (
    VOICE,
    Call,
    assignment_of,
    away,
    eligible_now,
    final_team,
    goodbye,
)


def voice(session: Session, call: Call, team_slug: str | None, now: datetime) -> str:
    """A call to a team's number: run the hook once per CallSid and ring its hunt list."""
    sid = call.get("CallSid")
    if not team_slug:
        return goodbye("This number is not set up with a team yet.")
    if not sid:
        return goodbye("This call could not be identified.")
    try:
        teams.get(session, call.company, team_slug)
    except NotFound:
        return goodbye("This number's team no longer exists.")
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
    row = assignment_of(session, call.company, assignment_id)
    if call.get("DialCallStatus") in t.CONNECTED:
        return str(VoiceResponse())
    start = _whole(n, "n")
    return _ring_from(session, call, row.answer, start, now, first=False)


def _ring_from(
    session: Session, call: Call, answer: dict[str, Any], start: int, now: datetime, *, first: bool
) -> str:
    """The TwiML that rings the hunt list from position `start`, or the final destination."""
    team = final_team(session, call.company, answer)
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
        dest = away(team).to_json()
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


def _eligible(
    session: Session, company: Company, team: Team, now: datetime, phones: dict[str, Any]
) -> set[str]:
    """Members who may take a call now and have a number to ring."""
    return {rep for rep in eligible_now(session, company, team, now) if phones.get(rep)}


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
    row = assignment_of(session, call.company, assignment_id)
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
    row = assignment_of(session, call.company, assignment_id)
    url = call.get("RecordingUrl")
    if not url.startswith("https://"):
        raise Invalid("RecordingUrl", "Expected the recording's https URL.")
    row.answer = {**row.answer, "recording_url": url}
    session.add(row)
    return str(VoiceResponse())
