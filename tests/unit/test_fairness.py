"""Fairness: stride scheduling by weight, calibration of joiners and returners, daily caps.

A small simulator drives the real functions (fairness.ready, routing.pick, fairness.after_turn)
the hook uses, turn by turn, with plain values."""

from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import fairness as f
from app.domain.presence import Status
from app.domain.routing import Candidate, Kind, pick

NY = ZoneInfo("America/New_York")


def member(rep_id: str, position: int, status: Status = Status.AVAILABLE) -> Candidate:
    return Candidate(rep_id, rep_id.upper(), position, True, "working", status, False, None)


class Team:
    """A team's members, their shares and turn records, taking turns as the hook does."""

    def __init__(self, weights: list[int], caps: list[int | None] | None = None) -> None:
        self.ids = [f"r{i}" for i in range(len(weights))]
        caps = caps or [None] * len(weights)
        self.shares = {
            rep: f.Share(w, c) for rep, w, c in zip(self.ids, weights, caps, strict=True)
        }
        self.turns: dict[str, f.TurnRecord] = {}
        self.seq = 0

    def turn(self, eligible: set[str], day: str = "2026-03-09", lra: bool = False) -> str | None:
        """One lead: who gets it among `eligible` (lra: by last turn alone, the old rule)."""
        cands = [
            member(rep, i, Status.AVAILABLE if rep in eligible else Status.BUSY)
            for i, rep in enumerate(self.ids)
        ]
        ready = f.ready(cands, self.shares, self.turns, day)
        if lra:  # least recently assigned: the same candidates with every pass at 0
            ready = [Candidate(*[getattr(c, k) for k in _FIELDS[:-2]]) for c in ready]
        chosen = pick(ready, Kind.LEAD).assignee
        if chosen is not None:
            self.seq += 1
            vtime = f.virtual_time(self.turns)
            self.turns[chosen] = f.after_turn(
                self.turns.get(chosen), self.shares[chosen], vtime, self.seq, day
            )
        return chosen


_FIELDS = list(Candidate.__dataclass_fields__)

eligibility = st.lists(st.sets(st.integers(0, 5)), min_size=1, max_size=120)


@settings(max_examples=150, deadline=None)
@given(n=st.integers(1, 6), weight=st.integers(1, 10), rounds=eligibility, joins=st.integers(0, 5))
def test_equal_weights_pick_exactly_the_least_recently_assigned(n, weight, rounds, joins):
    # Members come and go (busy, back, joining late): with equal weights, whatever the weight,
    # every pick is the one least-recently-assigned makes.
    stride, plain = Team([weight] * n), Team([weight] * n)
    for r in rounds:
        eligible = {f"r{i}" for i in r if i < n and (i < joins or len(stride.turns) > i)}
        assert stride.turn(eligible) == plain.turn(eligible, lra=True)


@settings(max_examples=100, deadline=None)
@given(weights=st.lists(st.integers(1, 10), min_size=1, max_size=6), laps=st.integers(1, 12))
def test_each_share_is_weight_over_total_within_one_turn(weights, laps):
    team = Team(weights)
    total = sum(weights) * laps
    got = Counter(team.turn(set(team.ids)) for _ in range(total))
    for rep, w in zip(team.ids, weights, strict=True):
        assert abs(got[rep] - total * w / sum(weights)) <= 1, (weights, got)


@settings(max_examples=100, deadline=None)
@given(
    weights=st.lists(st.integers(1, 10), min_size=2, max_size=5),
    away=st.integers(0, 4),
    before=st.integers(0, 40),
    gone=st.integers(1, 80),
)
def test_a_returning_member_gets_one_turn_soon_never_a_flood(weights, away, before, gone):
    # The member away for a while comes back: they are not flooded with catch-up turns (no
    # longer a run of turns than their weight gives them anyway) and not starved (a turn within
    # one lap of the others).
    team = Team(weights)
    away %= len(weights)
    rep = team.ids[away]
    everyone, others = set(team.ids), set(team.ids) - {rep}
    for _ in range(before):
        team.turn(everyone)
    for _ in range(gone):
        team.turn(others)
    after = [team.turn(everyone) for _ in range(sum(weights) * 2)]
    lightest_other = min(w for i, w in enumerate(weights) if i != away)
    allowed = -(-weights[away] // lightest_other) + 1  # what the weights alone can give in a row
    assert _longest_run(after, rep) <= allowed
    assert rep in after[: sum(weights)]


@settings(max_examples=100, deadline=None)
@given(n=st.integers(2, 6), gone=st.integers(1, 60), before=st.integers(0, 30))
def test_with_equal_weights_nobody_gets_two_turns_in_a_row_catching_up(n, gone, before):
    team = Team([1] * n)
    everyone, others = set(team.ids), set(team.ids) - {"r0"}
    for _ in range(before):
        team.turn(everyone)
    for _ in range(gone):
        team.turn(others)
    after = [team.turn(everyone) for _ in range(3 * n)]
    assert _longest_run(after, "r0") == 1
    assert after.index("r0") < n


@settings(max_examples=100, deadline=None)
@given(
    caps=st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=1, max_size=5),
    leads=st.integers(0, 40),
)
def test_nobody_takes_more_than_their_daily_cap(caps, leads):
    team = Team([1] * len(caps), caps)
    got = Counter(team.turn(set(team.ids)) for _ in range(leads))
    for rep, cap in zip(team.ids, caps, strict=True):
        if cap is not None:
            assert got[rep] <= cap
    uncapped = any(c is None for c in caps)
    assert got[None] == (0 if uncapped else max(0, leads - sum(c or 0 for c in caps)))


def test_the_cap_counts_the_companys_day_not_utcs():
    # 23:30 in New York on the fall-back day is already the next day in UTC: still the same
    # local day, so the cap holds; after local midnight it is a new day.
    team = Team([1, 1], [1, None])
    late = datetime(2026, 11, 1, 23, 30, tzinfo=NY)
    day = f.local_day(late.astimezone(UTC), NY)
    assert day == "2026-11-01"
    assert team.turn({"r0"}, day) == "r0"
    assert team.turn({"r0"}, f.local_day(datetime(2026, 11, 2, 3, 59, tzinfo=UTC), NY)) is None
    assert team.turn({"r0"}, f.local_day(datetime(2026, 11, 2, 5, 1, tzinfo=UTC), NY)) == "r0"


def test_a_capped_member_is_traced_with_daily_cap():
    team = Team([1, 1], [0, None])
    cands = [member("r0", 0), member("r1", 1)]
    decision = pick(f.ready(cands, team.shares, {}, "2026-03-09"), Kind.LEAD)
    assert decision.assignee == "r1"
    assert [(e.rep_id, e.eligible, e.reason) for e in decision.trace] == [
        ("r0", False, "daily_cap"),
        ("r1", True, "available"),
    ]


def test_weights_two_one_one_give_two_of_every_four():
    team = Team([2, 1, 1])
    got = [team.turn(set(team.ids)) for _ in range(8)]
    assert Counter(got) == {"r0": 4, "r1": 2, "r2": 2}
    assert got[:4] == ["r0", "r1", "r2", "r0"]


def test_targets_split_the_total_by_weight():
    assert f.targets(8, {"a": 2, "b": 1, "c": 1}) == {"a": 4.0, "b": 2.0, "c": 2.0}
    assert f.targets(5, {}) == {}


def _longest_run(seq: list[str | None], rep: str) -> int:
    best = run = 0
    for x in seq:
        run = run + 1 if x == rep else 0
        best = max(best, run)
    return best
