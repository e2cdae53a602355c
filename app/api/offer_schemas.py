"""The JSON shapes of offers (a team's `offer_seconds`): the offer in a lead's answer, each offer
made, and the body of accept and decline (msgspec structs, as app/api/schemas.py)."""

from datetime import datetime
from typing import Annotated, Literal

from msgspec import Meta, Struct

OfferState = Literal["pending", "accepted", "expired"]
OfferEntryState = Literal["pending", "accepted", "declined", "expired"]


class OfferedRep(Struct, kw_only=True):
    id: str
    name: str


class Offer(Struct, kw_only=True):
    """The current offer: pending until the rep answers or it runs out; accepted; or expired
    (nobody left: the answer's destination says where the lead went)."""

    rep: OfferedRep
    expires_at: datetime
    state: OfferState


class OfferEntry(Struct, kw_only=True):
    """One offer made, in order: to whom, when, and how it ended."""

    rep: OfferedRep
    state: OfferEntryState
    offered_at: datetime
    expires_at: datetime
    ended_at: datetime | None = None


class OfferAnswerIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """Who answers the offer: the rep it is offered to (an integration answers for them)."""

    rep: Annotated[str, Meta(min_length=1, max_length=32, description="The offered rep's id")]
