"""The PBX endpoint (/integrations/pbx/next): the next dial target for Asterisk, FreeSWITCH and
other PBXs in their own formats (text, kv for CURLOPT(hashcompat), json, httapi). Auth: Bearer,
Basic with the token as password, or ?token= (kept out of the access log: app/logs.py)."""

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode
from xml.sax.saxutils import quoteattr

from litestar import Request, Response, route
from litestar.exceptions import NotAuthorizedException
from litestar.openapi.spec import (
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Schema,
)
from litestar.params import Parameter
from sqlmodel import Session

from app.api.common import ERRORS
from app.clock import Clock
from app.domain import telephony as t
from app.models import Company
from app.services import accounts, pbx
from app.services.errors import Invalid
from app.settings import Settings

XML = "text/xml"


def _pbx_company(request: Request[Any, Any, Any], db: Session, token: str | None) -> Company:
    """Bearer, Basic (the token as password, Asterisk CURLOPT(userpwd)) or ?token=."""
    scheme, _sep, value = request.headers.get("authorization", "").partition(" ")
    secret = None
    if scheme.lower() == "bearer":
        secret = value.strip()
    elif scheme.lower() == "basic":
        try:
            secret = base64.b64decode(value.strip(), validate=True).decode().partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            secret = None
    elif token:
        secret = token
    if not secret or len(secret) > 512 or not secret.isascii():
        raise NotAuthorizedException("Send Authorization: Bearer <token>, Basic, or ?token=.")
    found = accounts.token_for(db, secret)
    company = db.get(Company, found.company_id) if found else None
    if company is None:
        raise NotAuthorizedException("Unknown or revoked token.")
    return company


@dataclass
class PbxOperation(Operation):
    """The 200 answer in each format's own media type (Litestar documents one per status)."""

    def __post_init__(self) -> None:
        text = Schema(type=OpenAPIType.STRING)
        kept = {k: v for k, v in (self.responses or {}).items() if k != "201"}  # POST answers 200
        self.responses = {
            **kept,
            "200": OpenAPIResponse(
                description="The dial target: text (format=text or kv), the hook's answer "
                "(json), or a mod_httapi document (httapi)",
                content={
                    "text/plain": OpenAPIMediaType(schema=text),
                    "application/json": OpenAPIMediaType(schema=Schema(type=OpenAPIType.OBJECT)),
                    XML: OpenAPIMediaType(schema=text),
                },
            ),
        }


def _q(description: str) -> Any:
    return Parameter(description=description)


@route(
    "/integrations/pbx/next",
    http_method=["GET", "POST"],
    sync_to_thread=True,
    tags=["integrations"],
    summary="The next dial target for a PBX (Asterisk CURL(), FreeSWITCH mod_httapi)",
    security=[{"bearer": []}],
    responses={k: v for k, v in ERRORS.items() if k in (401, 404, 409, 422, 429, 503)},
    operation_class=PbxOperation,
)
def pbx_next(
    request: Request[Any, Any, Any],
    db: Session,
    clock: Clock,
    settings: Settings,
    team: Annotated[str | None, _q("The team's slug: runs the hook (a new turn)")] = None,
    kind: Annotated[str, _q("call or lead")] = "call",
    format: Annotated[str, _q("text, kv (CURLOPT(hashcompat)), json or httapi")] = "text",
    external_id: Annotated[str | None, _q("The call's id: the same id, the same answer")] = None,
    assignment: Annotated[
        str | None, _q("With n: that assignment's n-th target, no new turn")
    ] = None,
    n: Annotated[str | None, _q("Position in the hunt list, 1 or more (with assignment)")] = None,
    token: Annotated[
        str | None, _q("The token, for PBXs that cannot send a header; not logged")
    ] = None,
) -> Response[Any]:
    """The next dial target in the PBX's own format. Auth: `Authorization: Bearer`, HTTP Basic
    with the token as password (Asterisk `CURLOPT(userpwd)`, httapi `gateway-credentials`), or
    `?token=`. Dial targets are reps' `external_ids.pbx`, else their phone. See
    docs/integrations/asterisk.md and freeswitch.md."""
    company = _pbx_company(request, db, token)
    if format not in t.FORMATS:
        raise Invalid("format", "Use text, kv, json or httapi.")
    now = clock.now()
    if assignment is not None:
        if not n or not n.isascii() or not n.isdigit() or not 1 <= int(n) <= 1000:
            raise Invalid("n", "Use the position in the hunt list, 1 or more.")
        answer, target, dest, pos = pbx.pbx_nth(db, company, assignment, int(n), now)
        targets = [target] if target else []
        ring, reason = "sequence", (answer["reason"] if target else "exhausted")
        count, after = pos, (pos + 1 if target else None)
    else:
        if not team:
            raise Invalid("team", "Name the team (?team=slug).")
        if kind not in ("call", "lead"):
            raise Invalid("kind", "Use 'lead' or 'call'.")
        if external_id is not None and not 1 <= len(external_id) <= 255:
            raise Invalid("external_id", "Use 1 to 255 characters.")
        answer, targets, ring, first = pbx.pbx_next(
            db, company, team=team, kind=kind, external_id=external_id, now=now
        )
        dest, reason, count = answer.get("destination"), answer["reason"], len(targets)
        # the n to ask for when nobody answers: after the first target, or after everyone
        # (ring: all) for the AWAY destination; none once the answer is a destination
        hunt_size = len(answer.get("hunt", []))
        after = None if not targets else (hunt_size + 1 if ring == "all" else first + 1)
    text = t.text_answer(targets, ring, dest)
    if format == "text":
        return Response(text, media_type="text/plain", status_code=200)
    if format == "kv":
        kv = t.kv_answer(text, answer["id"], reason, count, after)
        return Response(kv, media_type="text/plain", status_code=200)
    if format == "json":
        return Response(json.dumps(answer), media_type="application/json", status_code=200)
    nxt = None
    if after is not None:
        query = urlencode({"assignment": answer["id"], "n": after, "format": "httapi"})
        nxt = f"{settings.base_url}/integrations/pbx/next?{query}"
    return Response(_httapi(text, nxt), media_type=XML, status_code=200)


def _httapi(target: str, after: str | None) -> str:
    """FreeSWITCH mod_httapi: bridge to the target(s) (`,` rings several at once); `after` is the
    URL httapi posts to next when nobody answered (the next rep). A destination number is
    bridged and the call hangs up after it; voicemail is a <break/>: the dialplan after the
    httapi application takes the message (docs/integrations/freeswitch.md)."""
    if target == "voicemail":
        return '<document type="xml/freeswitch-httapi"><work><break/></work></document>'
    bridge = f'<execute application="bridge" data={quoteattr(",".join(target.split("&")))}'
    work = f"{bridge}/><hangup/>" if after is None else f"{bridge} action={quoteattr(after)}/>"
    return f'<document type="xml/freeswitch-httapi"><work>{work}</work></document>'
