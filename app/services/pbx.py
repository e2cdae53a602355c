"""Dial targets for Asterisk, FreeSWITCH and other PBXs (docs/integrations/asterisk.md,
freeswitch.md): run the hook, or answer the N-th target of an assignment's hunt
list without a new turn. The formats themselves are in app/domain/telephony.py."""

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.domain import routing as r
from app.domain import telephony as t
from app.models import Company, Rep
from app.services import assigner
from app.services import external_ids as xids
from app.services.telephony import assignment_of, away, eligible_now, final_team


def pbx_next(
    session: Session,
    company: Company,
    *,
    team: str,
    kind: str,
    external_id: str | None,
    now: datetime,
) -> tuple[dict[str, Any], list[str], str, int]:
    """Run the hook for a PBX (idempotent on external_id when given): the answer, the dial
    targets of its hunt list in order, the ring mode of the team that answered, and the position
    (1-based) in the hunt list of the first target (past the end when there is none)."""
    key = None if external_id is None else f"pbx:{kind}:{external_id}"[:255]
    answer = assigner.assign(
        session, company, team=team, kind=kind, now=now, external_id=external_id, key=key
    ).answer
    final = final_team(session, company, answer)
    hunt = [p["id"] for p in answer.get("hunt", [])]
    targets = _targets(session, company, hunt)
    first = next((i for i, rep in enumerate(hunt) if targets.get(rep)), len(hunt))
    ring = final.ring if final else "sequence"
    return answer, [x for x in targets.values() if x], ring, first + 1


def pbx_nth(
    session: Session, company: Company, assignment_id: str, n: int, now: datetime
) -> tuple[dict[str, Any], str | None, dict[str, Any] | None, int]:
    """The N-th (1-based) target of an assignment's hunt list, skipping reps no longer eligible,
    without a new turn: (answer, target or None, destination when past the end, position)."""
    row = assignment_of(session, company, assignment_id)
    answer = row.answer
    hunt = [p["id"] for p in answer.get("hunt", [])]
    targets = _targets(session, company, hunt)
    team = final_team(session, company, answer)
    eligible = eligible_now(session, company, team, now) if team is not None else set()
    eligible &= {rep for rep, x in targets.items() if x}
    i = t.next_index(hunt, eligible, n - 1)
    if i is not None:
        return answer, targets[hunt[i]], None, i + 1
    dest = answer.get("destination") or (away(team).to_json() if team else r.VOICEMAIL.to_json())
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
