"""The hook with weights, daily caps and calibration (stride scheduling), over HTTP."""

from collections import Counter
from datetime import UTC, datetime

from sqlmodel import select

from app.db import transaction
from app.domain.hours import ALWAYS
from app.models import Company, TeamMember
from tests.api.test_assignments import assignee, hook, team_of
from tests.builders import set_status


def terms(engine, reps, **by_name):
    """Set members' weight and caps: terms(engine, reps, Ann={"weight": 2, "cap_lead": 1})."""
    with transaction(engine) as s:
        for rep in reps:
            row = s.exec(select(TeamMember).where(TeamMember.rep_id == rep.id)).one()
            for key, value in by_name.get(rep.name, {}).items():
                setattr(row, key, value)


def open_all_day(w) -> None:
    with transaction(w.engine) as s:
        company = s.get(Company, w.company.id)
        assert company is not None
        company.hours = ALWAYS.to_json()


def test_weights_two_one_one_give_the_first_rep_two_of_every_four_leads(client, engine, clock):
    w, reps = team_of(engine, ["Ann", "Bob", "Cid"])
    terms(engine, reps, Ann={"weight": 2})
    got = [assignee(hook(client, w)) for _ in range(8)]
    assert got[:4] == ["Ann", "Bob", "Cid", "Ann"]
    assert Counter(got) == {"Ann": 4, "Bob": 2, "Cid": 2}


def test_equal_weights_other_than_one_keep_the_plain_rotation(client, engine, clock):
    w, reps = team_of(engine, ["Ann", "Bob", "Cid"])
    terms(engine, reps, Ann={"weight": 5}, Bob={"weight": 5}, Cid={"weight": 5})
    assert [assignee(hook(client, w)) for _ in range(6)] == ["Ann", "Bob", "Cid"] * 2


def test_a_rep_at_their_daily_cap_is_skipped_and_the_trace_says_daily_cap(client, engine, clock):
    w, reps = team_of(engine, ["Ann", "Bob"])
    terms(engine, reps, Ann={"cap_lead": 1})
    assert assignee(hook(client, w)) == "Ann"
    second = hook(client, w).json()
    assert second["assignee"]["name"] == "Bob"
    ann = next(t for t in second["trace"] if t["rep"]["name"] == "Ann")
    assert (ann["eligible"], ann["reason"]) == (False, "daily_cap")
    assert assignee(hook(client, w)) == "Bob"
    assert assignee(hook(client, w, kind="call")) == "Ann"  # the cap is for leads only


def test_when_everyone_is_at_their_cap_the_lead_goes_where_nobody_available_sends_it(
    client, engine, clock
):
    w, reps = team_of(engine, ["Ann", "Bob"])
    terms(engine, reps, Ann={"cap_lead": 1}, Bob={"cap_lead": 0})
    assert assignee(hook(client, w)) == "Ann"
    body = hook(client, w).json()
    assert (body["assignee"], body["reason"]) == (None, "nobody_available")
    assert body["destination"] is not None
    assert {t["reason"] for t in body["trace"]} == {"daily_cap"}


def test_the_cap_starts_again_at_midnight_in_the_companys_zone_on_a_dst_day(client, engine, clock):
    # 2026-03-08 is the spring-forward day in New York: 23:50 there is 03:50 UTC on the 9th.
    w, reps = team_of(engine, ["Ann", "Bob"])
    open_all_day(w)
    terms(engine, reps, Ann={"cap_lead": 1})
    clock.fixed = datetime(2026, 3, 9, 3, 50, tzinfo=UTC)
    assert assignee(hook(client, w)) == "Ann"
    clock.fixed = datetime(2026, 3, 9, 3, 59, tzinfo=UTC)  # still the 8th in New York
    assert assignee(hook(client, w)) == "Bob"
    clock.fixed = datetime(2026, 3, 9, 4, 1, tzinfo=UTC)  # 00:01 on the 9th in New York
    assert assignee(hook(client, w)) == "Ann"


def test_a_rep_back_from_busy_gets_one_turn_soon_then_the_rotation(client, engine, clock):
    w, (ann, bob, cid) = team_of(engine, ["Ann", "Bob", "Cid"])
    assert [assignee(hook(client, w)) for _ in range(3)] == ["Ann", "Bob", "Cid"]
    set_status(w, ann, "busy")
    assert [assignee(hook(client, w)) for _ in range(6)] == ["Bob", "Cid"] * 3
    set_status(w, ann, "available")
    assert [assignee(hook(client, w)) for _ in range(6)] == ["Ann", "Bob", "Cid"] * 2


def test_a_heavy_rep_back_from_busy_is_not_flooded_with_catch_up_turns(client, engine, clock):
    w, (ann, bob, cid) = team_of(engine, ["Ann", "Bob", "Cid"])
    terms(engine, [ann, bob, cid], Ann={"weight": 2})
    set_status(w, ann, "busy")
    for _ in range(10):
        hook(client, w)
    set_status(w, ann, "available")
    got = [assignee(hook(client, w)) for _ in range(8)]
    assert Counter(got) == {"Ann": 4, "Bob": 2, "Cid": 2}  # her share from now on, no more
    assert "Ann" in got[:2]


def test_the_preview_follows_the_weights(client, engine, clock):
    w, reps = team_of(engine, ["Ann", "Bob"])
    terms(engine, reps, Bob={"weight": 3})
    assert assignee(hook(client, w)) == "Ann"
    r = client.get("/api/v1/assignments/preview?team=sales&kind=lead", headers=w.admin())
    assert r.status_code == 200, r.text
    assert r.json()["assignee"]["name"] == "Bob"
