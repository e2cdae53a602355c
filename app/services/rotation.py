"""The rotation's rows: the counter a turn takes (locked while the hook decides) and each
member's last turn per team and kind. Core statements on the session's connection."""

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy import select as columns
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from app.domain import routing as r
from app.models import Rotation, Turn, UTCDateTime

_WHICH = (col(Rotation.team_id) == bindparam("b_team"), col(Rotation.kind) == bindparam("b_kind"))
_BUMP = (
    update(Rotation)
    .where(*_WHICH)
    .values(seq=col(Rotation.seq) + 1)
    .returning(col(Rotation.seq))
    .execution_options(synchronize_session=False)
)
_TURNS = columns(col(Turn.rep_id), col(Turn.last_seq)).where(
    col(Turn.team_id) == bindparam("b_team"), col(Turn.kind) == bindparam("b_kind")
)


def next_seq(session: Session, team_id: str, kind: r.Kind) -> int:
    """Lock the team's rotation row for this kind and move its counter (PostgreSQL row lock;
    on SQLite the request already holds the write lock from BEGIN IMMEDIATE)."""
    which = {"b_team": team_id, "b_kind": kind.value}
    seq = session.connection().execute(_BUMP, which).scalar_one_or_none()
    if seq is None:  # the first turn of this team and kind: create the row, racing safely
        session.connection().execute(_dialect(session).CREATE_ROTATION, which)
        seq = session.connection().execute(_BUMP, which).scalar_one()
    return int(seq)


def turns(session: Session, team_id: str, kind: r.Kind) -> dict[str, int]:
    """When each member last had a turn for this team and kind (one query)."""
    rows = session.connection().execute(_TURNS, {"b_team": team_id, "b_kind": kind.value})
    return {rep_id: seq for rep_id, seq in rows}


def take_turn(
    session: Session, team_id: str, kind: str, rep_id: str, seq: int, now: datetime
) -> None:
    """Record the assignee's turn (insert or move forward)."""
    values = {"b_team": team_id, "b_kind": kind, "b_rep": rep_id, "b_seq": seq, "b_at": now}
    session.connection().execute(_dialect(session).TAKE_TURN, values)


class _Upserts:
    """INSERTs that tolerate a race (ON CONFLICT), built once per dialect."""

    def __init__(self, dialect: Any) -> None:
        self.CREATE_ROTATION = (
            dialect.insert(Rotation)
            .values(team_id=bindparam("b_team"), kind=bindparam("b_kind"), seq=0)
            .on_conflict_do_nothing()
        )
        at = bindparam("b_at", type_=UTCDateTime)
        self.TAKE_TURN = (
            dialect.insert(Turn)
            .values(
                team_id=bindparam("b_team"),
                kind=bindparam("b_kind"),
                rep_id=bindparam("b_rep"),
                last_seq=bindparam("b_seq"),
                last_at=at,
            )
            .on_conflict_do_update(
                index_elements=["team_id", "kind", "rep_id"],
                set_={"last_seq": bindparam("b_seq"), "last_at": at},
            )
        )


_UPSERTS = {"postgresql": _Upserts(postgresql), "sqlite": _Upserts(sqlite)}


def _dialect(session: Session) -> _Upserts:
    """The upserts for the session's database."""
    return _UPSERTS[session.get_bind().dialect.name]
