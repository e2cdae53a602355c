"""The hook (POST /assignments), its preview, and the decision log."""

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, post
from litestar.datastructures import ResponseHeader
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from sqlmodel import Session

from app.api.common import (
    AT,
    AUTH,
    ERRORS,
    IN_TRANSACTION,
    SECURITY,
    api_get,
    api_post,
    instant,
)
from app.api.offer_schemas import OfferAnswerIn
from app.api.schemas import AssignmentIn, AssignmentOut, AssignmentPreview, KindName
from app.clock import Clock
from app.deps import unit_of
from app.domain import inputs
from app.encoded import Encoded
from app.models import Company
from app.services import assigner, offers
from app.views import log as assignment_log

KEY_HEADER = Parameter(
    header="Idempotency-Key",
    required=False,
    description="Any string up to 255 characters; a retry with it replays the first answer",
)
SINCE = Parameter(
    query="since",
    required=False,
    description="Only answers given at or after this ISO 8601 instant with an offset, 1971–2099",
    schema_extra={"format": "date-time"},
)
REPLAYED = ResponseSpec(
    data_container=AssignmentOut,
    description="A replay of the first answer given under this Idempotency-Key "
    "(header Idempotent-Replayed: true); nothing new is assigned",
)

JSON = "application/json"
_REPLAY = {"Idempotent-Replayed": "true"}


def _encode(outcome: assigner.Outcome) -> bytes:
    """The answer's JSON, encoded once: a new answer as built and stored (it has the published
    shape), a replay read back through the published shape (a stored answer may carry later
    fields)."""
    if outcome.replayed:
        return msgspec.json.encode(msgspec.convert(outcome.answer, AssignmentOut))
    if isinstance(outcome.answer, Encoded):
        return outcome.answer.raw  # the very bytes the log stored
    return msgspec.json.encode(outcome.answer)


REPLAYED_HEADER = ResponseHeader(
    name="Idempotent-Replayed",
    description="true on a replay (status 200) of the first answer under the Idempotency-Key",
    documentation_only=True,
)


class AssignmentController(Controller):
    path = "/api/v1/assignments"
    tags = ["assignments"]
    dependencies = AUTH

    @post(
        "/",
        status_code=201,
        responses={**ERRORS, 200: REPLAYED},
        response_headers=[REPLAYED_HEADER],
        summary="Who gets the next lead or call (the hook)",
        security=SECURITY,
        opt={IN_TRANSACTION: True},
    )
    async def hook(
        self,
        request: Request[Any, Any, Any],
        clock: Clock,
        data: AssignmentIn,
        key: str | None = KEY_HEADER,
    ) -> Response[AssignmentOut]:
        """Assign the next lead or call of a team; durable before it answers, with its trace.

        One transaction, one worker thread: the guard opened the unit of work and checked the
        token in it; here the work is assigned, committed and encoded (docs/performance.md)."""
        company: Company = request.state.token_company
        now = clock.now()

        def work(db: Session) -> tuple[bytes, bool]:
            found = assigner.assign(
                db,
                company,
                team=data.team,
                kind=data.kind,
                external_id=data.external_id,
                key=key,
                now=now,
                version=request.state.token_version,
            )
            return _encode(found), found.replayed

        body, replayed = await unit_of(request).finish(work)
        status, headers = (200, _REPLAY) if replayed else (201, None)
        # the bytes are sent as they are: the answer is already AssignmentOut's JSON
        return Response(body, status_code=status, headers=headers, media_type=JSON)  # type: ignore[arg-type]

    @api_get("/preview", summary="What the hook would answer at an instant")
    def preview(
        self,
        company: Company,
        db: Session,
        clock: Clock,
        team: str,
        kind: KindName = "lead",
        at: str | None = AT,
    ) -> AssignmentPreview:
        """The answer the hook would give at `at` (default now); assigns nothing."""
        found = assigner.preview(db, company, team=team, kind=kind, at=instant(at, clock))
        return msgspec.convert(found, AssignmentPreview)

    @api_get("/", summary="The decision log, oldest first")
    def log(
        self,
        company: Company,
        db: Session,
        team: str | None = None,
        kind: KindName | None = None,
        rep: str | None = None,
        since: str | None = SINCE,
        limit: Annotated[int, Parameter(ge=1, le=1000)] = 100,
        offset: Annotated[int, Parameter(ge=0, le=2**63 - 1)] = 0,  # the databases' integer limit
    ) -> list[AssignmentOut]:
        """Hook answers oldest first (offset paging stays stable while new ones arrive)."""
        after = None if since is None else inputs.instant(since, "since")
        found = assignment_log.listing(
            db, company, team=team, kind=kind, rep=rep, since=after, limit=limit, offset=offset
        )
        return msgspec.convert(found, list[AssignmentOut])

    @api_get("/{assignment_id:str}", summary="One answer of the log")
    def read(self, company: Company, db: Session, assignment_id: str) -> AssignmentOut:
        """One hook answer, as first given (an offered lead: as its offer now stands)."""
        return msgspec.convert(assignment_log.get(db, company, assignment_id), AssignmentOut)

    @api_post(
        "/{assignment_id:str}/accept",
        status_code=200,
        summary="The rep offered a lead accepts it (offers)",
    )
    def accept(
        self, company: Company, db: Session, clock: Clock, assignment_id: str, data: OfferAnswerIn
    ) -> AssignmentOut:
        """The offer becomes accepted; 409 unless it is pending for `rep`."""
        return _offer_answer(offers.accept(db, company, assignment_id, data.rep, clock.now()))

    @api_post(
        "/{assignment_id:str}/decline",
        status_code=200,
        summary="The rep offered a lead declines it: it goes to the next rep (offers)",
    )
    def decline(
        self, company: Company, db: Session, clock: Clock, assignment_id: str, data: OfferAnswerIn
    ) -> AssignmentOut:
        """The lead is offered to the next eligible rep, or expires when nobody is left."""
        return _offer_answer(offers.decline(db, company, assignment_id, data.rep, clock.now()))


def _offer_answer(answer: dict[str, Any]) -> AssignmentOut:
    """An offered lead's answer as it now stands."""
    return msgspec.convert(answer, AssignmentOut)
