"""HubSpot: the company's connection (client secret sealed at rest, team and kind), and the two
ways a HubSpot workflow asks who owns a record: "Send a webhook" (signature v3) and a custom
workflow action (signature v2). Each runs the hook once and replays its answer to HubSpot's
retries."""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from app import vault
from app.domain import hubspot as hs
from app.models import Company, HubspotConfig, HubspotReplay, Rep
from app.services import accounts, assigner, teams
from app.services.errors import Invalid, NotFound, WrongSecret

KINDS = ("lead", "call")


@dataclass(frozen=True)
class Request:
    """A HubSpot request as it reached us: its public URI (base URL + path + query), body and
    signature headers."""

    method: str
    uri: str
    body: bytes
    headers: dict[str, str]
    now_ms: int


def configure(
    session: Session, company: Company, data: dict[str, Any], secret_key: str, now: datetime
) -> HubspotConfig:
    """Save the connection; the client secret may be left out to keep the one stored."""
    found = session.get(HubspotConfig, company.id)
    secret = data.get("client_secret")
    if secret is None and found is None:
        raise Invalid("client_secret", "Paste your HubSpot app's client secret.")
    team = data.get("team", found.team if found else None)
    if not isinstance(team, str) or not team:
        raise Invalid("team", "Choose the team HubSpot's records go to.")
    teams.get(session, company, team)
    kind = data.get("kind", found.kind if found else "lead")
    if kind not in KINDS:
        raise Invalid("kind", "Use 'lead' or 'call'.")
    row = found or HubspotConfig(company_id=company.id, secret_enc="", team="", updated_at=now)
    if secret is not None:
        row.secret_enc = vault.seal(secret_key, _secret(secret))
    row.team, row.kind, row.updated_at = str(team), kind, now
    session.add(row)
    return row


def _secret(secret: object) -> str:
    if not isinstance(secret, str) or not 8 <= len(secret.strip()) <= 200:
        raise Invalid("client_secret", "Paste the client secret (8 to 200 characters).")
    return secret.strip()


def config(session: Session, company: Company) -> HubspotConfig:
    """The company's connection, or NotFound."""
    found = session.get(HubspotConfig, company.id)
    if found is None:
        raise NotFound("HubSpot is not connected.")
    return found


def remove(session: Session, company: Company) -> None:
    """Disconnect HubSpot: its requests are refused from now on."""
    session.delete(config(session, company))


def _verified(session: Session, slug: str, secret_key: str, ok: Any) -> tuple[Company, Any]:
    """The company and its connection when `ok(secret)` says the signature is HubSpot's."""
    try:
        company = accounts.company_by_slug(session, slug)
        cfg = config(session, company)
    except (NotFound, Invalid):
        raise WrongSecret("Unknown company or HubSpot is not connected.") from None
    secret = vault.open_(secret_key, cfg.secret_enc)
    if secret is None or not ok(secret):
        raise WrongSecret("The HubSpot signature is missing, wrong or too old.")
    return company, cfg


def webhook(
    session: Session, slug: str, req: Request, params: dict[str, str], secret_key: str,
    now: datetime,
) -> dict[str, Any]:  # fmt: skip
    """ "Send a webhook" (v3): who owns the record; a retry within 3 days replays."""
    stamp = req.headers.get("x-hubspot-request-timestamp", "")
    sig = req.headers.get("x-hubspot-signature-v3", "")
    company, cfg = _verified(session, slug, secret_key, lambda s: hs.v3_valid(
        s, req.method, req.uri, req.body, stamp, sig, req.now_ms))  # fmt: skip
    obj = hs.object_id(_json(req.body))
    if obj is None:
        raise Invalid("objectId", "Send the record (objectId, id or properties.hs_object_id).")
    team, kind = params.get("team") or cfg.team, params.get("kind") or cfg.kind
    key = f"webhook:{obj}:{team}:{kind}"
    return _once(session, company, key, now, lambda: _owner(session, company, team, kind, obj, now))


def action(
    session: Session, slug: str, req: Request, secret_key: str, now: datetime
) -> dict[str, Any]:
    """A custom workflow action (v2): outputFields with the owner; a repeated callbackId replays."""
    sig = req.headers.get("x-hubspot-signature", "")
    company, cfg = _verified(session, slug, secret_key, lambda s: hs.v2_valid(
        s, req.method, req.uri, req.body, sig))  # fmt: skip
    body = _json(req.body)
    callback = body.get("callbackId") if isinstance(body, dict) else None
    if not isinstance(callback, str) or not 0 < len(callback) <= 100:
        raise Invalid("callbackId", "Send the callbackId HubSpot gives the action.")
    obj = hs.object_id(body.get("object"))
    if obj is None:
        raise Invalid("object.objectId", "Send the enrolled record's objectId.")
    fields = body.get("inputFields") if isinstance(body.get("inputFields"), dict) else {}
    team = str(fields.get("team") or cfg.team)
    kind = str(fields.get("kind") or cfg.kind)

    def run() -> dict[str, Any]:
        found = _owner(session, company, team, kind, obj, now)
        keep = ("hubspot_owner_id", "owner_email", "reason")
        return {"outputFields": {k: found[k] for k in keep}}

    return _once(session, company, f"action:{callback}", now, run, window=None)


def _json(body: bytes) -> Any:
    """The request body as JSON, or Invalid naming `body`."""
    try:
        return json.loads(body or b"{}")
    except ValueError:
        raise Invalid("body", "Send JSON.") from None


def _once(
    session: Session, company: Company, key: str, now: datetime, run: Any,
    window: timedelta | None = timedelta(days=hs.REPLAY_DAYS),
) -> dict[str, Any]:  # fmt: skip
    """The stored answer for `key` (within `window`), else run and store a new one."""
    found = session.get(HubspotReplay, (company.id, key))
    if found is not None and (window is None or found.created_at > now - window):
        return found.answer
    answer: dict[str, Any] = run()
    if found is not None:
        found.answer, found.created_at = answer, now
        session.add(found)
        return answer
    # a retry racing this one fails on the key (409) and HubSpot retries it into a replay
    session.add(HubspotReplay(company_id=company.id, key=key, answer=answer, created_at=now))
    session.flush()
    return answer


def _owner(
    session: Session, company: Company, team: str, kind: str, obj: str, now: datetime
) -> dict[str, Any]:
    """Run the hook for the record and answer in HubSpot's shape."""
    if kind not in KINDS:
        raise Invalid("kind", "Use 'lead' or 'call'.")
    out = assigner.assign(session, company, team=team, kind=kind, external_id=f"hubspot:{obj}",
                          now=now).answer  # fmt: skip
    person = out.get("assignee") or {}
    rep = session.get(Rep, person["id"]) if person.get("id") else None
    ids = (getattr(rep, "external_ids", None) or {}) if rep is not None else {}
    return {
        "hubspot_owner_id": ids.get("hubspot"),
        "owner_email": person.get("email"),
        "owner_name": person.get("name"),
        "reason": out["reason"],
        "assignment_id": out["id"],
    }
