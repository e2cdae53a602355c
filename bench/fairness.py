"""What weights and caps cost the hook, measured inside one process (CPU time per answer).

Run: python -m bench.fairness [--rounds 6] [--answers 300]
Two SQLite databases, each a team of 50 Available reps open all week: one with equal weights, one
with weights 1-10 in turn and daily caps on every member (high enough that nobody reaches them,
so both pick among the same members). Answers are given through the hook's service
(assigner.assign, in a transaction each, as a request does), round after round on each side; the
process's CPU time per answer is steadier than wrk's throughput on a shared machine.
bench/hook.py --fairness measures the same over HTTP.
"""

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median

from sqlalchemy import Engine
from sqlmodel import col, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from app.db import make_engine, transaction  # noqa: E402
from app.domain.hours import ALWAYS  # noqa: E402
from app.migrations import upgrade  # noqa: E402
from app.models import Company, TeamMember  # noqa: E402
from app.services import assigner  # noqa: E402
from tests.builders import World, available, make_company, make_rep, make_team  # noqa: E402

START = datetime(2026, 3, 9, 15, tzinfo=UTC)


def setup(url: str, weighted: bool) -> tuple[Engine, World]:
    """A team of 50 Available reps, open all week; weights 1-10 and caps when `weighted`."""
    upgrade(url)
    engine = make_engine(url)
    w = make_company(engine)
    reps = [make_rep(w, f"Rep{i}") for i in range(50)]
    available(w, *reps)
    make_team(w, "sales", reps)
    with transaction(engine) as s:
        company = s.get(Company, w.company.id)
        assert company is not None
        company.hours = ALWAYS.to_json()
        if weighted:
            found = s.exec(select(TeamMember).order_by(col(TeamMember.position)))
            for i, m in enumerate(found):
                m.weight, m.cap_lead, m.cap_call = i % 10 + 1, 10**6, 10**6
    return engine, w


def answers(side: tuple[Engine, World], n: int, start: datetime) -> float:
    """CPU microseconds per answer over n answers."""
    engine, w = side
    t0 = time.process_time()
    for i in range(n):
        with transaction(engine) as s:
            company = s.get(Company, w.company.id)
            assert company is not None
            assigner.assign(s, company, team="sales", kind="lead", now=start + timedelta(seconds=i))
    return (time.process_time() - t0) / n * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--answers", type=int, default=300)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        equal, weighted = setup(f"sqlite:///{d}/e.db", False), setup(f"sqlite:///{d}/w.db", True)
        answers(equal, 50, START), answers(weighted, 50, START)  # warm up both
        ratios = []
        for r in range(args.rounds):
            at = START + timedelta(hours=r + 1)
            e, w = answers(equal, args.answers, at), answers(weighted, args.answers, at)
            ratios.append(w / e)
            print(f"round {r + 1}: equal {e:.0f} us, weights and caps {w:.0f} us per answer")
        each = ", ".join(f"{x - 1:+.1%}" for x in ratios)
        print(f"weights and caps cost {median(ratios) - 1:+.1%} CPU per answer (median of "
              f"{args.rounds} rounds: {each}; target < 10%)")  # fmt: skip


if __name__ == "__main__":
    main()
