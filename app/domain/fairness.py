"""Fairness beyond round robin: weights (stride scheduling), calibration and daily caps.

Every member of a team has a **pass** per kind of work; each turn adds 1/weight to the pass of
the rep who takes it, and the pick goes to the lowest pass (ties: the least recent turn, then
member order). Passes are integers in units of 1/2520 of a turn (2520 is divisible by every
weight 1–10, so no rounding ever accumulates).

Calibration: the team keeps a *virtual time*, the pass at which the last turn was taken (the
lowest pass among the members eligible then). A member whose pass is behind it (new, or back
after any time without being eligible) counts as being at it: one turn soon, never a flood.
With equal weights this is exactly least-recently-assigned, because a later turn always ends
at a pass at least as high as an earlier one.

Daily caps count a rep's turns for the team and kind on the company's local date.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from app.domain import routing as r

UNIT = 2520  # lcm(1..10): 1/weight of a turn is a whole number of units for every weight
WEIGHTS = range(1, 11)


@dataclass(frozen=True)
class TurnRecord:
    """A member's last turn for a team and kind: its sequence number, the pass after it, the
    pass it was taken at (the team's virtual time then), and the day's count."""

    seq: int
    pass_value: int = 0
    pass_from: int = 0
    day: str | None = None
    day_count: int = 0


@dataclass(frozen=True)
class Share:
    """What fairness needs of a member: weight and the daily cap for this kind (None: none)."""

    weight: int = 1
    cap: int | None = None


EQUAL = Share()


def stride(weight: int) -> int:
    """How far one turn moves a member's pass."""
    return UNIT // weight


def virtual_time(turns: Mapping[str, TurnRecord]) -> int:
    """The pass at which the team's last turn was taken (0 before any)."""
    last = max(turns.values(), key=lambda t: t.seq, default=None)
    return 0 if last is None else last.pass_from


def local_day(t: datetime, tz: tzinfo) -> str:
    """The company's date at t, as stored with each turn ("YYYY-MM-DD")."""
    return t.astimezone(tz).date().isoformat()


def count_on(record: TurnRecord | None, day: str) -> int:
    """How many turns the member took on `day`."""
    return record.day_count if record is not None and record.day == day else 0


def effective_pass(record: TurnRecord | None, vtime: int) -> int:
    """The member's pass for the pick: never behind the team's virtual time (calibration)."""
    return max(record.pass_value if record is not None else 0, vtime)


def ready(
    candidates: Sequence[r.Candidate],
    shares: Mapping[str, Share],
    turns: Mapping[str, TurnRecord],
    day: str,
) -> list[r.Candidate]:
    """The candidates with their last turn, calibrated pass and whether the cap holds them."""
    vtime = virtual_time(turns)
    out = []
    for c in candidates:
        rec, share = turns.get(c.rep_id), shares.get(c.rep_id, EQUAL)
        capped = share.cap is not None and count_on(rec, day) >= share.cap
        out.append(
            r.Candidate(
                c.rep_id,
                c.name,
                c.position,
                c.taking_part,
                c.working_reason,
                c.status,
                c.locked,
                rec.seq if rec else None,
                effective_pass(rec, vtime),
                capped,
            )  # fmt: skip
        )
    return out


def after_turn(
    record: TurnRecord | None, share: Share, vtime: int, seq: int, day: str
) -> TurnRecord:
    """The member's turn record once they take the turn numbered `seq` on `day`."""
    start = effective_pass(record, vtime)
    return TurnRecord(seq, start + stride(share.weight), start, day, count_on(record, day) + 1)


def targets(total: int, weights: Mapping[str, int]) -> dict[str, float]:
    """Each member's fair share of `total` turns by weight (the fairness chart's targets)."""
    whole = sum(weights.values())
    return {rep: total * w / whole if whole else 0.0 for rep, w in weights.items()}
