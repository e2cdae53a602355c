"""The rotation's rows: the counter a turn takes (locked while the hook decides) and each
member's last turn per team and kind, with their stride pass and the day's count
(app/domain/fairness.py). Core statements run on the driver's cursor of the session's
connection (app/raw.py): nothing listens to these rows, and the hook runs them on every answer."""

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy import select as columns
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from app.domain import fairness as f
from app.domain import routing as r
from app.models import Rotation, Turn, UTCDateTime
from app.raw import Raw

_WHICH = (col(Rotation.team_id) == bindparam("b_team"), col(Rotation.kind) == bindparam("b_kind"))
_BUMP = Raw(
    update(Rotation)
    .where(*_WHICH)
    .values(seq=col(Rotation.seq) + 1)
    .returning(col(Rotation.seq))
    .execution_options(synchronize_session=False)
)
_TURNS = Raw(
    columns(
        col(Turn.rep_id),
        col(Turn.last_seq),
        col(Turn.pass_value),
        col(Turn.pass_from),
        col(Turn.day),
        col(Turn.day_count),
    ).where(col(Turn.team_id) == bindparam("b_team"), col(Turn.kind) == bindparam("b_kind"))
)


def next_seq(session: Session, team_id: str, kind: r.Kind) -> int:
    """Lock the team's rotation row for this kind and move its counter (PostgreSQL row lock;
    on SQLite the request already holds the write lock from BEGIN IMMEDIATE)."""
    which, conn = {"b_team": team_id, "b_kind": kind.value}, session.connection()
    found = _BUMP.rows(conn, which)
    if not found:  # the first turn of this team and kind: create the row, racing safely
        _dialect(session).CREATE_ROTATION.rows(conn, which)
        found = _BUMP.rows(conn, which)
    return int(found[0][0])


def turns(session: Session, team_id: str, kind: r.Kind) -> dict[str, f.TurnRecord]:
    """Each member's last turn for this team and kind (one query)."""
    rows = _TURNS.rows(session.connection(), {"b_team": team_id, "b_kind": kind.value})
    return {rep: f.TurnRecord(seq, at, frm, day, n) for rep, seq, at, frm, day, n in rows}


def take_turn(
    session: Session, team_id: str, kind: str, rep_id: str, turn: f.TurnRecord, now: datetime
) -> None:
    """Record the assignee's turn (insert or move forward), under the rotation's lock."""
    values = {
        "b_team": team_id, "b_kind": kind, "b_rep": rep_id, "b_seq": turn.seq, "b_at": now,
        "b_pass": turn.pass_value, "b_from": turn.pass_from, "b_day": turn.day,
        "b_count": turn.day_count,
    }  # fmt: skip
    _dialect(session).TAKE_TURN.rows(session.connection(), values)


class _Upserts:
    """INSERTs that tolerate a race (ON CONFLICT), built once per dialect."""

    def __init__(self, dialect: Any) -> None:
        self.CREATE_ROTATION = Raw(
            dialect.insert(Rotation)
            .values(team_id=bindparam("b_team"), kind=bindparam("b_kind"), seq=0)
            .on_conflict_do_nothing()
        )
        moved = {
            "last_seq": bindparam("b_seq"),
            "last_at": bindparam("b_at", type_=UTCDateTime),
            "pass_value": bindparam("b_pass"),
            "pass_from": bindparam("b_from"),
            "day": bindparam("b_day"),
            "day_count": bindparam("b_count"),
        }
        self.TAKE_TURN = Raw(
            dialect.insert(Turn)
            .values(
                team_id=bindparam("b_team"),
                kind=bindparam("b_kind"),
                rep_id=bindparam("b_rep"),
                **moved,
            )  # fmt: skip
            .on_conflict_do_update(index_elements=["team_id", "kind", "rep_id"], set_=moved)
        )


_UPSERTS = {"postgresql": _Upserts(postgresql), "sqlite": _Upserts(sqlite)}


def _dialect(session: Session) -> _Upserts:
    """The upserts for the session's database."""
    return _UPSERTS[session.get_bind().dialect.name]
