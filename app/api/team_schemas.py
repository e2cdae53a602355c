"""The JSON shapes of teams, team state and a team's members' availability (msgspec structs,
as app/api/schemas.py: `kw_only`, bodies `forbid_unknown_fields`)."""

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from app.api.schemas import Destination, Extension, Hours, Name, RepRef, StatusName
from app.services.team_checks import CAP_HIGH, WEIGHT_HIGH, WEIGHT_LOW

TeamStateName = Literal["in_office", "lunch", "away", "vacation"]
Ring = Literal["sequence", "all"]
Pin = Annotated[str, Meta(pattern=r"^[0-9]{4,8}$", description="4–8 digits; write-only")]
OfferSeconds = Annotated[
    int, Meta(ge=10, le=600, description="Leads are offered for this long (seconds); null: off")
]


class DestinationsIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """Destinations per state; left out = unchanged (defaults on create: members, voicemail)."""

    lunch: Destination | UnsetType = UNSET
    away: Destination | UnsetType = UNSET
    vacation: Destination | UnsetType = UNSET


class Destinations(Struct, kw_only=True):
    lunch: Destination
    away: Destination
    vacation: Destination


class TeamScheduleIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """IN OFFICE and LUNCH hours in the company's zone; lunch left out = no lunch."""

    in_office: Hours
    lunch: Hours | None = None


class TeamScheduleOut(Struct, kw_only=True):
    in_office: Hours
    lunch: Hours


Weight = Annotated[
    int,
    Meta(ge=WEIGHT_LOW, le=WEIGHT_HIGH, description="A share of the turns: weight / total weight"),
]
Cap = Annotated[int, Meta(ge=0, le=CAP_HIGH, description="At most this many a day; null: no cap")]


class DailyCapIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """Per kind; left out = unchanged, null = no cap."""

    lead: Cap | None | UnsetType = UNSET
    call: Cap | None | UnsetType = UNSET


class RosterIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """One current member's weight and daily caps; only the fields given change."""

    rep: Annotated[str, Meta(description="The member's rep id")]
    weight: Weight | UnsetType = UNSET
    daily_cap: DailyCapIn | UnsetType = UNSET


class DailyCap(Struct, kw_only=True):
    lead: int | None
    call: int | None


class RosterEntry(Struct, kw_only=True):
    rep: RepRef
    position: int
    taking_part: bool
    weight: int
    daily_cap: DailyCap


Roster = Annotated[list[RosterIn], Meta(max_length=1000)]


class TeamCreate(Struct, kw_only=True, forbid_unknown_fields=True):
    slug: Annotated[str, Meta(min_length=1, max_length=40, examples=["sales"])]
    name: Name
    members: Annotated[list[str], Meta(max_length=1000)] = msgspec.field(default_factory=list)
    schedule: TeamScheduleIn | None = None
    destinations: DestinationsIn | None = None
    ring: Ring = "sequence"
    pin: Pin | None = None
    extension: Extension | None = None
    roster: Roster = msgspec.field(default_factory=list)


class TeamPatch(Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    members: Annotated[list[str], Meta(max_length=1000)] | UnsetType = UNSET
    schedule: TeamScheduleIn | None | UnsetType = UNSET
    destinations: DestinationsIn | UnsetType = UNSET
    ring: Ring | UnsetType = UNSET
    pin: Pin | None | UnsetType = UNSET
    extension: Extension | None | UnsetType = UNSET
    roster: Roster | UnsetType = UNSET
    offer_seconds: OfferSeconds | None | UnsetType = UNSET


class MemberOut(Struct, kw_only=True):
    id: str
    name: str
    taking_part: bool


class TeamOut(Struct, kw_only=True):
    slug: str
    name: str
    members: list[str]
    members_detail: list[MemberOut]
    roster: list[RosterEntry]
    schedule: TeamScheduleOut | None
    destinations: Destinations
    ring: Ring
    pin_set: bool
    extension: str | None = None
    offer_seconds: int | None = None


class TakingPartIn(Struct, kw_only=True, forbid_unknown_fields=True):
    taking_part: bool


class TeamStateOut(Struct, kw_only=True):
    state: TeamStateName
    override: TeamStateName | None
    next_boundary: datetime | None


class OverrideIn(Struct, kw_only=True, forbid_unknown_fields=True):
    state: TeamStateName


class MemberAvailability(Struct, kw_only=True):
    rep: RepRef
    effective_status: StatusName
    eligible: bool
    tier: int | None
    reason: str
