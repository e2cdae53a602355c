"""The hook's prepared inputs (app/services/prepared.py) are never stale: every write to what it
prepares raises the company's config version in the same transaction, the hook reads the
version in its own, and a write made by another worker is seen by the very next answer."""

import json
from collections.abc import Callable
from datetime import date

import pytest
from sqlmodel import Session, col, select

from app import outbox
from app.db import make_engine, transaction
from app.integration_models import WebhookDelivery, WebhookEndpoint
from app.models import Company, Rep, Team, TeamMember, TimeOff
from app.services import accounts, assigner, prepared
from app.services import company as company_service
from tests.builders import (
    World,
    available,
    make_company,
    make_holiday,
    make_rep,
    make_team,
    make_time_off,
    set_status,
)
from tests.conftest import DEFAULT_NOW, shared_fixtures

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

MORNINGS = {d: [["08:00", "12:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
TODAY = DEFAULT_NOW.date()  # a Monday, 10:00 in New York: the company is open


def version(engine, world: World) -> int:
    with Session(engine) as s:
        return s.exec(select(Company.config_version).where(Company.id == world.company.id)).one()


def hook(client, world: World, team: str = "sales") -> dict:
    r = client.post(
        "/api/v1/assignments", headers=world.assign(), json={"team": team, "kind": "lead"}
    )
    assert r.status_code == 201, r.text
    return r.json()


def sales_of_two(engine) -> tuple[World, Rep, Rep]:
    """A company with Dana and Eve, both available, in the team "sales" in that order."""
    w = make_company(engine)
    dana, eve = make_rep(w, "Dana"), make_rep(w, "Eve")
    available(w, dana, eve)
    make_team(w, "sales", [dana, eve])
    return w, dana, eve


def _team(s: Session, world: World) -> Team:
    return s.exec(select(Team).where(Team.company_id == world.company.id)).one()


def _member(s: Session, world: World) -> TeamMember:
    team = _team(s, world)
    return s.exec(select(TeamMember).where(TeamMember.team_id == team.id)).first()  # type: ignore[return-value]


CHANGES: dict[str, Callable[[Session, World, Rep], None]] = {
    "company hours": lambda s, w, rep: company_service.update(
        s, s.get(Company, w.company.id), {"hours": MORNINGS}
    ),
    "company zone": lambda s, w, rep: setattr(
        s.get(Company, w.company.id), "timezone", "Europe/Paris"
    ),
    "team destination": lambda s, w, rep: setattr(
        _team(s, w), "dest_away", {"type": "number", "number": "+15551234567"}
    ),
    "team override": lambda s, w, rep: setattr(_team(s, w), "override_state", "away"),
    "member taking part": lambda s, w, rep: setattr(_member(s, w), "taking_part", False),
    "member weight": lambda s, w, rep: setattr(_member(s, w), "weight", 3),
    "member leaves": lambda s, w, rep: s.delete(_member(s, w)),
    "rep hours": lambda s, w, rep: setattr(s.get(Rep, rep.id), "hours", MORNINGS),
    "rep name": lambda s, w, rep: setattr(s.get(Rep, rep.id), "name", "Dana B."),
    "rep deactivated": lambda s, w, rep: setattr(s.get(Rep, rep.id), "active", False),
    "webhook endpoint off": lambda s, w, rep: setattr(
        s.exec(select(WebhookEndpoint)).one(), "enabled", False
    ),
}


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_every_write_to_a_prepared_input_raises_the_version(engine, name):
    w = make_company(engine)
    dana = make_rep(w, "Dana")
    make_team(w, "sales", [dana])
    with transaction(engine) as s:
        s.add(
            WebhookEndpoint(
                company_id=w.company.id,
                url="https://crm.example/hook",
                events=["assignment.created"],
                secret_enc="x",
                created_at=DEFAULT_NOW,
            )
        )
    before = version(engine, w)
    with transaction(engine) as s:
        CHANGES[name](s, w, dana)
    assert version(engine, w) > before


def test_time_off_and_holidays_raise_the_version(engine):
    w = make_company(engine)
    dana = make_rep(w, "Dana")
    before = version(engine, w)
    make_time_off(w, dana, TODAY)
    assert version(engine, w) > before
    before = version(engine, w)
    make_holiday(w, date(2026, 7, 4))
    assert version(engine, w) > before


def test_presence_and_passwords_change_nothing_prepared(engine):
    w = make_company(engine)
    dana = make_rep(w, "Dana")
    before = version(engine, w)
    set_status(w, dana, "available")
    set_status(w, dana, "busy", note="With a client")
    with transaction(engine) as s:
        accounts.set_password(s, s.get(Rep, dana.id), "another horse battery")
    assert version(engine, w) == before


def test_the_next_answer_sees_a_write_made_by_another_worker(client, engine, settings):
    w, dana, eve = sales_of_two(engine)
    assert hook(client, w)["assignee"]["name"] == "Dana"
    prepared_before = prepared._cache[w.company.id]
    other = make_engine(settings.database_url)  # another worker: its own engine and process cache
    try:
        with transaction(other) as s:
            s.get(Rep, dana.id).name = "Dana B."  # type: ignore[union-attr]
        with transaction(other) as s:
            s.get(Rep, eve.id).active = False  # type: ignore[union-attr]
        answer = hook(client, w)
        assert answer["assignee"]["name"] == "Dana B."
        assert [t["rep"]["name"] for t in answer["trace"]] == ["Dana B."]
        with transaction(other) as s:
            s.add(
                TimeOff(company_id=w.company.id, rep_id=dana.id, day=TODAY, created_at=DEFAULT_NOW)
            )
        answer = hook(client, w)
        assert answer["assignee"] is None and answer["reason"] == "nobody_available"
        assert answer["trace"][0]["reason"] == "time_off"
    finally:
        other.dispose()
    assert prepared._cache[w.company.id] is not prepared_before


def test_presence_is_read_fresh_and_the_prepared_copy_is_kept(client, engine):
    w, dana, eve = sales_of_two(engine)
    assert hook(client, w)["assignee"]["name"] == "Dana"
    kept = prepared._cache[w.company.id]
    set_status(w, eve, "busy")
    answer = hook(client, w)
    assert answer["assignee"]["name"] == "Dana"  # Eve is next in line but busy now
    assert prepared._cache[w.company.id] is kept


def test_a_team_created_after_a_miss_is_found(client, engine):
    w = make_company(engine)
    dana = make_rep(w, "Dana")
    available(w, dana)
    r = client.post(
        "/api/v1/assignments", headers=w.assign(), json={"team": "later", "kind": "lead"}
    )
    assert r.status_code == 404
    make_team(w, "later", [dana])
    assert hook(client, w, "later")["assignee"]["name"] == "Dana"


def test_members_keep_their_order_after_a_reorder(client, engine):
    w, dana, eve = sales_of_two(engine)
    first = hook(client, w)
    assert [t["rep"]["name"] for t in first["trace"]] == ["Dana", "Eve"]
    with transaction(engine) as s:
        rows = s.exec(select(TeamMember).order_by(col(TeamMember.position))).all()
        rows[0].position, rows[1].position = 2, 1
    answer = hook(client, w)
    assert [t["rep"]["name"] for t in answer["trace"]] == ["Eve", "Dana"]


def test_what_a_rolled_back_transaction_read_is_never_prepared_for_others(client, engine):
    w, dana, eve = sales_of_two(engine)
    with pytest.raises(RuntimeError), transaction(engine) as s:
        s.get(Rep, dana.id).name = "Ghost"  # type: ignore[union-attr]
        s.flush()  # raises the version in this transaction only
        ghost = assigner.preview(s, w.company, team="sales", kind="lead", at=DEFAULT_NOW)
        assert ghost["assignee"]["name"] == "Ghost"  # the transaction sees its own write
        raise RuntimeError("rolled back")
    with transaction(engine) as s:  # a later, committed write raises the version to the same number
        s.get(Rep, eve.id).name = "Eve B."  # type: ignore[union-attr]
    answer = hook(client, w)
    assert [t["rep"]["name"] for t in answer["trace"]] == ["Dana", "Eve B."]


def test_the_hook_writes_webhooks_to_the_prepared_subscribers_without_reading_them(
    client, engine, monkeypatch
):
    w, _, _ = sales_of_two(engine)
    with transaction(engine) as s:
        s.add(
            WebhookEndpoint(
                company_id=w.company.id,
                url="https://crm.example/hook",
                events=["assignment.created"],
                secret_enc="x",
                created_at=DEFAULT_NOW,
            )
        )
    hook(client, w)  # prepares the company under its new version

    def no_read(*_args):
        raise AssertionError("the hook read the subscribers again")

    monkeypatch.setattr(outbox, "_subscribed", no_read)
    answer = hook(client, w)
    with Session(engine) as s:
        found = s.exec(select(WebhookDelivery).where(WebhookDelivery.type == "assignment.created"))
        assert answer["id"] in [json.loads(d.body)["data"]["id"] for d in found]
