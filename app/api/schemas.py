"""Request and response shapes of the JSON API (documented in the OpenAPI schema)."""

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from app.api.offer_schemas import Offer, OfferEntry

StatusName = Literal["available", "away", "busy", "offline"]
Role = Literal["rep", "manager"]
Clock = Annotated[str, Meta(pattern=r"^\d{2}:\d{2}$", examples=["09:00"])]
Hours = Annotated[
    dict[str, list[list[Clock]]],
    Meta(
        description="Seven keys mon..sun, each a list of [start, end] HH:MM intervals",
        examples=[
            {
                "mon": [["09:00", "17:00"]],
                "tue": [],
                "wed": [],
                "thu": [],
                "fri": [],
                "sat": [],
                "sun": [],
            }
        ],
    ),
]
Aware = Annotated[datetime, Meta(tz=True, description="ISO 8601 with an offset")]
Name = Annotated[str, Meta(min_length=1, max_length=120)]
Extension = Annotated[
    str,
    Meta(
        pattern=r"^[0-9]{2,6}$",
        description="The number callers key in on the presence line, unique per company",
    ),
]
ExternalIds = Annotated[
    dict[str, str],
    Meta(
        description="System name ([a-z][a-z0-9_]{0,31}) to that system's id for the person "
        "(1-64 printable characters); unique per company and system",
        examples=[{"hubspot": "123", "pbx": "PJSIP/1001"}],
    ),
]


class Problem(Struct, kw_only=True):
    """RFC 9457 problem details; `field` names the bad field for 422."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    field: str | None = None


class HolidayRegion(Struct, kw_only=True):
    country: Annotated[str, Meta(min_length=2, max_length=3, examples=["US"])]
    subdivision: Annotated[str, Meta(max_length=8)] | None = None


class CompanyOut(Struct, kw_only=True):
    name: str
    slug: str
    timezone: str
    hours: Hours
    holiday_region: HolidayRegion | None


class CompanyPatch(Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    timezone: str | UnsetType = UNSET
    hours: Hours | UnsetType = UNSET
    holiday_region: HolidayRegion | None | UnsetType = UNSET


class RepCreate(Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name
    email: Annotated[str, Meta(max_length=254)]
    phone: str | None = None
    timezone: str | None = None
    role: Role = "rep"
    hours: Hours | None = None
    external_ids: ExternalIds | None = None


class RepPatch(Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    email: Annotated[str, Meta(max_length=254)] | UnsetType = UNSET
    phone: str | None | UnsetType = UNSET
    timezone: str | UnsetType = UNSET
    role: Role | UnsetType = UNSET
    hours: Hours | None | UnsetType = UNSET
    external_ids: ExternalIds | UnsetType = UNSET


class RepOut(Struct, kw_only=True):
    id: str
    name: str
    email: str
    phone: str | None
    timezone: str
    role: Role
    hours: Hours | None
    external_ids: ExternalIds
    active: bool
    status: StatusName
    effective_status: StatusName
    warnings: list[str] = msgspec.field(default_factory=list)


class RepCreated(RepOut, kw_only=True):
    invite_url: str


class StatusIn(Struct, kw_only=True, forbid_unknown_fields=True):
    status: StatusName
    note: Annotated[str, Meta(max_length=140)] | None = None
    until: Aware | None = None
    then: StatusName | None = None


class StatusOut(Struct, kw_only=True):
    status: StatusName
    effective_status: StatusName
    note: str | None
    until: datetime | None
    then: StatusName | None
    locked: bool
    lock_reason: str | None = None


class LockIn(Struct, kw_only=True, forbid_unknown_fields=True):
    reason: Annotated[str, Meta(min_length=1, max_length=80)] = "On a call"


# Hours, holidays, time off and availability.
IsoDate = Annotated[date, Meta(description="YYYY-MM-DD", examples=["2026-07-03"])]
AvailabilityReason = Literal["holiday", "company_closed", "time_off", "outside_hours", "working"]


class HolidayIn(Struct, kw_only=True, forbid_unknown_fields=True):
    date: IsoDate
    name: Name


class HolidayOut(Struct, kw_only=True):
    date: IsoDate
    name: str
    source: Literal["custom", "region"]


class TimeOffIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """No start/end: whole days from date to end_date (or just date); start/end: part of date."""

    date: IsoDate
    end_date: IsoDate | None = None
    start: Clock | None = None
    end: Annotated[str, Meta(pattern=r"^\d{2}:\d{2}$", examples=["17:00", "24:00"])] | None = None


class TimeOffOut(Struct, kw_only=True):
    id: str
    date: IsoDate
    end_date: IsoDate | None
    start: str | None
    end: str | None
    all_day: bool


class AvailabilityOut(Struct, kw_only=True):
    effective_status: StatusName
    working: bool
    reason: AvailabilityReason
    next_change: Aware | None
    detail: str | None = None


# --- The assigner (teams: app/api/team_schemas.py) -----------------------------------------------

KindName = Literal["lead", "call"]
Reason = Literal[
    "assigned", "nobody_available", "team_lunch", "team_away", "team_vacation", "holiday"
]


class Destination(Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """Where work goes: the members, another team (by slug), voicemail or an E.164 number."""

    type: Literal["members", "team", "voicemail", "number"]
    team: str | None = None
    number: str | None = None


class RepRef(Struct, kw_only=True):
    id: str
    name: str


class AssignmentIn(Struct, kw_only=True, forbid_unknown_fields=True):
    team: Annotated[str, Meta(min_length=1, max_length=40, examples=["sales"])]
    kind: KindName
    external_id: Annotated[str, Meta(max_length=255)] | None = None


class Assignee(Struct, kw_only=True):
    id: str
    name: str
    email: str
    phone: str | None


class TraceLine(Struct, kw_only=True):
    rep: RepRef
    eligible: bool
    tier: int | None
    reason: str


class _Answer(Struct, kw_only=True):
    """What every answer of the hook says (a preview, a stored answer)."""

    team: str
    kind: KindName
    external_id: str | None
    assignee: Assignee | None
    hunt: list[Assignee]
    destination: Destination | None
    reason: Reason
    routed_via: list[str]
    trace: list[TraceLine]
    assignee_id: str | None = None
    assignee_name: str | None = None
    assignee_email: str | None = None
    assignee_phone: str | None = None
    assignee_external_ids: Annotated[
        dict[str, str],
        Meta(description="The assignee's ids in other systems ({} when none), e.g. hubspot"),
    ] = msgspec.field(default_factory=dict)


class AssignmentPreview(_Answer, kw_only=True):
    """What the hook would answer at `at`; nothing is assigned."""

    at: datetime


class AssignmentOut(_Answer, kw_only=True):
    """One answer of the hook, as first given (replays and the log answer the same)."""

    id: str
    created_at: datetime
    offer: Offer | UnsetType = UNSET  # only when the team offers leads (offer_seconds)
    offers: list[OfferEntry] | UnsetType = UNSET
