"""Rules of the telephony channel (docs/integrations/twilio.md, asterisk.md, freeswitch.md): which
number rings next, what a call's status means for the rep's lock, what a caller's keypress asks for
on the presence line, and how a PBX is answered. No web, database or Twilio imports: the services
turn these into TwiML and writes."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

RING_ALL_MAX = 10  # Twilio rings at most 10 <Number>s of one <Dial> at once
ANSWER_SECONDS = (5, 120)  # the <Dial timeout> a manager may choose; Twilio's default is 30
DEFAULT_ANSWER_SECONDS = 20
MAX_TRIES = 3  # invalid input repeats a menu at most this often, then the caller hears goodbye
PRESETS = {"1": 1, "2": 2, "3": 4, "4": 8}  # presence line keys → hours Available
CUSTOM_KEY, OFFLINE_KEY, TEAM_KEY = "9", "0", "*"
TEAM_STATES = {"1": "in_office", "2": "lunch", "3": "away", "4": "vacation", "0": None}
STATE_WORDS = {
    "in_office": "in office",
    "lunch": "at lunch",
    "away": "away",
    "vacation": "on vacation",
}
EXTENSION = re.compile(r"[0-9]{2,6}")
ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")
AUTH_TOKEN = re.compile(r"[0-9A-Za-z]{16,64}")
FORMATS = ("text", "kv", "json", "httapi")
# what a dialled leg's DialCallStatus says: the caller talked to someone, so the hunt is over
CONNECTED = frozenset({"completed", "answered"})
# a leg's CallStatus that ends the lock it set ("in-progress" is answered: it sets the lock)
ENDED = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})


def next_index(hunt: Sequence[str], eligible: set[str] | frozenset[str], start: int) -> int | None:
    """The position of the first rep at or after `start` in the hunt list who is still eligible
    (has a number to ring and may take the call now), or None when the list is used up."""
    for i in range(max(start, 0), len(hunt)):
        if hunt[i] in eligible:
            return i
    return None


def ring_all(hunt: Sequence[str], eligible: set[str] | frozenset[str]) -> list[str]:
    """Who `ring: all` rings at once: the eligible reps of the hunt list, at most ten."""
    return [rep for rep in hunt if rep in eligible][:RING_ALL_MAX]


# --- The presence line ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """What a key on the presence line's menu asks for."""

    action: str  # "available" (for `hours`), "custom", "offline", "team" or "invalid"
    hours: int | None = None


def menu_choice(digits: str) -> Choice:
    """The main menu: 1-4 Available for 1, 2, 4, 8 hours; 9 a number of hours; 0 Offline; * a
    team's state; anything else is invalid."""
    if digits in PRESETS:
        return Choice("available", PRESETS[digits])
    return {
        CUSTOM_KEY: Choice("custom"),
        OFFLINE_KEY: Choice("offline"),
        TEAM_KEY: Choice("team"),
    }.get(digits, Choice("invalid"))


def custom_hours(digits: str) -> int | None:
    """Hours typed after 9: one or two digits, 1 to 99 (None when not)."""
    if not re.fullmatch(r"[0-9]{1,2}", digits):
        return None
    hours = int(digits)
    return hours if 1 <= hours <= 99 else None


def team_state_choice(digits: str) -> tuple[bool, str | None]:
    """The team menu: (valid, state); state None is "back to the schedule"."""
    if digits not in TEAM_STATES:
        return False, None
    return True, TEAM_STATES[digits]


def next_try(tries: int) -> int | None:
    """After an invalid answer: the next attempt's number, or None when the caller is done."""
    return tries + 1 if tries < MAX_TRIES else None


def spoken_time(t: datetime, tz: str) -> str:
    """An instant as a caller hears it in their zone: "5:30 PM"."""
    local = t.astimezone(ZoneInfo(tz))
    return f"{local.hour % 12 or 12}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"


def spoken_until(until: datetime, now: datetime, tz: str) -> str:
    """When a timed status ends, in the caller's zone: "5:30 PM" today, else with the weekday
    ("Tuesday 5:30 PM"; 99 hours at most is within five days)."""
    zone = ZoneInfo(tz)
    when = spoken_time(until, tz)
    if until.astimezone(zone).date() == now.astimezone(zone).date():
        return when
    return f"{until.astimezone(zone):%A} {when}"


def digits_spoken(text: str) -> str:
    """Digits read one by one ("1 2 3 4"), the way a caller hears an extension."""
    return " ".join(text)


# --- Answers for PBXs ----------------------------------------------------------------------------


def text_answer(targets: Sequence[str], ring: str, destination: Mapping[str, object] | None) -> str:
    """`format=text`: the dial string. The first target, or every target joined by `&` for
    `ring: all` (Asterisk's parallel dial); with no target, the destination's number or
    `voicemail`."""
    if targets:
        return "&".join(targets[:RING_ALL_MAX]) if ring == "all" else targets[0]
    if destination is not None and destination.get("type") == "number":
        return str(destination["number"])
    return "voicemail"


def kv_answer(
    target: str, assignment: str, reason: str, count: int, after: int | None = None
) -> str:
    """`format=kv` for Asterisk's CURLOPT(hashcompat): target, assignment, reason, count, and
    `next`: the `n` to ask for when this target does not answer (empty when this answer is the
    last step, a destination). Spaces are %20, never `+`: hashcompat decodes `+` as itself."""
    return urlencode(
        {
            "target": target,
            "assignment": assignment,
            "reason": reason,
            "count": str(count),
            "next": "" if after is None else str(after),
        },
        quote_via=quote,
    )
