"""Offers (a team's offer_seconds): a lead's answer is an offer to one rep, who accepts or
declines it; a decline or an expiry (run by the delivery loop, on the set clock) passes it to the
next eligible rep; when nobody is left it expires to the team's AWAY destination. Webhooks
assignment.accepted and assignment.expired announce the end."""

import json
import time
from datetime import timedelta

import pytest
from litestar.testing import TestClient
from sqlmodel import Session, select

from app.db import transaction
from app.main import create_app
from app.models import Assignment, WebhookDelivery, WebhookEndpoint
from tests.builders import available, make_company, make_rep, make_team
from tests.conftest import DEFAULT_NOW
from tests.web.helpers import post, sign_in

AWAY = {"type": "number", "number": "+15557654321"}


@pytest.fixture
def world(client, engine):
    """Dana then Lee, both available, in Sales, which offers leads for 30 seconds."""
    w = make_company(engine)
    w.dana, w.lee = make_rep(w, "Dana"), make_rep(w, "Lee")
    make_team(w, "sales", [w.dana, w.lee], destinations={"away": AWAY})
    available(w, w.dana, w.lee)
    r = client.patch("/api/v1/teams/sales", headers=w.admin(), json={"offer_seconds": 30})
    assert r.status_code == 200, r.text
    return w


def hook(client, w, kind="lead", external_id="lead-7"):
    body = {"team": "sales", "kind": kind, "external_id": external_id}
    r = client.post("/api/v1/assignments", headers=w.assign(), json=body)
    assert r.status_code == 201, r.text
    return r.json()


def read(client, w, assignment_id):
    r = client.get(f"/api/v1/assignments/{assignment_id}", headers=w.assign())
    assert r.status_code == 200, r.text
    return r.json()


def act(client, w, assignment_id, what, rep_id):
    path = f"/api/v1/assignments/{assignment_id}/{what}"
    return client.post(path, headers=w.assign(), json={"rep": rep_id})


def states(answer):
    return [(o["rep"]["name"], o["state"]) for o in answer["offers"]]


def wait_for(client, w, assignment_id, check, timeout=8.0):
    """The answer once `check` holds (the delivery loop polls every second)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = read(client, w, assignment_id)
        if check(answer):
            return answer
        time.sleep(0.1)
    raise AssertionError(f"never got there: {answer}")


def subscribe_rows(engine, w, events):
    with transaction(engine) as s:
        s.add(WebhookEndpoint(company_id=w.company.id, url="http://127.0.0.1:9/x", events=events,
                              secret_enc="x", created_at=w.company.created_at))  # fmt: skip


def events_written(engine):
    with Session(engine) as s:
        rows = s.exec(select(WebhookDelivery).order_by(WebhookDelivery.seq)).all()
        return [(r.type, json.loads(r.body)["data"]) for r in rows]


# --- The team's setting ----------------------------------------------------------------------


@pytest.mark.parametrize("value", [9, 601, 0, -5, "thirty", 30.5, [30]])
def test_offer_seconds_out_of_range_is_a_422_naming_it(client, world, value):
    r = client.patch("/api/v1/teams/sales", headers=world.admin(), json={"offer_seconds": value})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["field"] == "offer_seconds"
    got = client.get("/api/v1/teams/sales", headers=world.admin()).json()
    assert got["offer_seconds"] == 30


def test_offer_seconds_is_read_back_and_null_turns_offers_off(client, world):
    assert client.get("/api/v1/teams/sales", headers=world.admin()).json()["offer_seconds"] == 30
    r = client.patch("/api/v1/teams/sales", headers=world.admin(), json={"offer_seconds": None})
    assert r.status_code == 200 and r.json()["offer_seconds"] is None
    answer = hook(client, world)
    assert "offer" not in answer and "offers" not in answer
    assert answer["assignee"]["name"] == "Dana"


# --- The offer --------------------------------------------------------------------------------


def test_a_lead_is_offered_to_the_rep_next_in_line(client, world):
    answer = hook(client, world)
    dana = {"id": world.dana.id, "name": "Dana"}
    assert answer["assignee"]["id"] == world.dana.id and answer["assignee_id"] == world.dana.id
    assert answer["offer"] == {
        "rep": dana,
        "expires_at": "2026-03-09T15:00:30Z",
        "state": "pending",
    }
    assert answer["offers"] == [
        {"rep": dana, "state": "pending", "offered_at": "2026-03-09T15:00:00Z",
         "expires_at": "2026-03-09T15:00:30Z", "ended_at": None}
    ]  # fmt: skip
    assert read(client, world, answer["id"]) == answer


def test_a_call_is_never_offered(client, world):
    answer = hook(client, world, kind="call")
    assert "offer" not in answer and answer["assignee"]["name"] == "Dana"
    r = act(client, world, answer["id"], "accept", world.dana.id)
    assert r.status_code == 409


def test_the_offered_rep_accepts(client, world, engine):
    subscribe_rows(engine, world, ["assignment.accepted", "assignment.expired"])
    answer = hook(client, world)
    r = act(client, world, answer["id"], "accept", world.dana.id)
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["offer"]["state"] == "accepted" and got["assignee"]["name"] == "Dana"
    assert states(got) == [("Dana", "accepted")]
    assert got["offers"][0]["ended_at"] == "2026-03-09T15:00:00Z"
    assert read(client, world, answer["id"]) == got
    ((type_, data),) = events_written(engine)
    assert type_ == "assignment.accepted" and data["id"] == answer["id"]
    assert data["offer"]["state"] == "accepted"
    again = act(client, world, answer["id"], "accept", world.dana.id)
    assert again.status_code == 409 and "accepted" in again.json()["detail"]
    assert act(client, world, answer["id"], "decline", world.dana.id).status_code == 409


def test_a_decline_passes_the_lead_to_the_next_rep(client, world, clock):
    answer = hook(client, world)
    clock.fixed = DEFAULT_NOW + timedelta(seconds=5)
    r = act(client, world, answer["id"], "decline", world.dana.id)
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["assignee"]["name"] == "Lee" and got["assignee_id"] == world.lee.id
    assert got["offer"] == {
        "rep": {"id": world.lee.id, "name": "Lee"},
        "expires_at": "2026-03-09T15:00:35Z",
        "state": "pending",
    }
    assert states(got) == [("Dana", "declined"), ("Lee", "pending")]
    assert got["offers"][0]["ended_at"] == "2026-03-09T15:00:05Z"
    assert read(client, world, answer["id"]) == got
    # Lee took a turn: the next lead goes to Dana
    assert hook(client, world, external_id="lead-8")["assignee"]["name"] == "Dana"


def test_only_the_offered_rep_may_answer(client, world):
    answer = hook(client, world)
    for what in ("accept", "decline"):
        r = act(client, world, answer["id"], what, world.lee.id)
        assert r.status_code == 409, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
    assert read(client, world, answer["id"])["offer"]["state"] == "pending"


def test_an_unknown_or_another_companys_assignment_is_404(client, world, engine):
    assert act(client, world, "nope", "accept", world.dana.id).status_code == 404
    other = make_company(engine, slug="other")
    r = client.post(
        f"/api/v1/assignments/{hook(client, world)['id']}/accept",
        headers=other.assign(),
        json={"rep": world.dana.id},
    )
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "rep"), ({"rep": 5}, "rep"), ({"rep": ""}, "rep"), ({"rep": "x", "also": 1}, "also")],
)
def test_a_bad_body_is_a_422_naming_the_field(client, world, body, field):
    answer = hook(client, world)
    r = client.post(f"/api/v1/assignments/{answer['id']}/accept", headers=world.assign(), json=body)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field


def test_an_expired_offer_passes_on_through_the_loop_then_expires_to_away(
    client, world, clock, engine
):
    subscribe_rows(engine, world, ["assignment.accepted", "assignment.expired"])
    answer = hook(client, world)
    clock.fixed = DEFAULT_NOW + timedelta(seconds=30)
    got = wait_for(client, world, answer["id"], lambda a: a["assignee"]["name"] == "Lee")
    assert states(got) == [("Dana", "expired"), ("Lee", "pending")]
    assert got["offer"]["expires_at"] == "2026-03-09T15:01:00Z"
    assert act(client, world, answer["id"], "accept", world.dana.id).status_code == 409
    assert events_written(engine) == []  # passed on: not the end yet
    clock.fixed = DEFAULT_NOW + timedelta(seconds=61)
    got = wait_for(client, world, answer["id"], lambda a: a["offer"]["state"] == "expired")
    assert got["assignee"] is None and got["assignee_id"] is None
    assert got["destination"] == AWAY and got["reason"] == "nobody_available"
    assert states(got) == [("Dana", "expired"), ("Lee", "expired")]
    ((type_, data),) = events_written(engine)
    assert type_ == "assignment.expired" and data["destination"] == AWAY
    with Session(engine) as s:
        row = s.exec(select(Assignment).where(Assignment.id == answer["id"])).one()
        assert (row.offer_state, row.offer_expires_at, row.assignee_id) == ("expired", None, None)


def test_an_offer_accepted_after_it_ran_out_is_refused(client, world, clock):
    answer = hook(client, world)
    clock.fixed = DEFAULT_NOW + timedelta(seconds=30)
    r = act(client, world, answer["id"], "accept", world.dana.id)
    assert r.status_code == 409 and "expired" in r.json()["detail"]


def test_an_offer_of_a_deleted_team_expires_with_nobody_left(client, world, clock):
    answer = hook(client, world)
    assert client.delete("/api/v1/teams/sales", headers=world.admin()).status_code == 204
    clock.fixed = DEFAULT_NOW + timedelta(seconds=30)
    got = wait_for(client, world, answer["id"], lambda a: a["offer"]["state"] == "expired")
    assert got["assignee"] is None and got["destination"] is None
    assert states(got) == [("Dana", "expired")]


def test_a_due_offer_found_at_start_up_expires_then(settings, clock, engine):
    w = make_company(engine)
    dana, lee = make_rep(w, "Dana"), make_rep(w, "Lee")
    make_team(w, "sales", [dana, lee])
    available(w, dana, lee)
    first = create_app(settings, clock=clock)
    with TestClient(app=first) as c:
        c.patch("/api/v1/teams/sales", headers=w.admin(), json={"offer_seconds": 10})
        answer = hook(c, w)
    clock.fixed = DEFAULT_NOW + timedelta(minutes=5)  # the app was down when it ran out
    with TestClient(app=create_app(settings, clock=clock)) as c:
        got = wait_for(c, w, answer["id"], lambda a: a["assignee"]["name"] == "Lee")
        assert states(got) == [("Dana", "expired"), ("Lee", "pending")]


# --- The signed-in rep (the Phone tab's buttons) ----------------------------------------------


def test_the_signed_in_rep_accepts_on_the_phone_tab(client, world):
    answer = hook(client, world)
    assert sign_in(client, world.dana.email).status_code == 303
    card = client.get("/parts/offer").text
    assert f'action="/assignments/{answer["id"]}/accept"' in card and "lead-7" in card
    assert 'data-countdown="30"' in card
    r = post(client, f"/assignments/{answer['id']}/accept", headers={"HX-Request": "true"})
    assert r.status_code == 200, r.text
    assert "Accepted" in r.text and "/accept" not in r.text
    assert read(client, world, answer["id"])["offer"]["state"] == "accepted"


def test_a_teammate_cannot_answer_an_offer_that_is_not_theirs(client, world):
    answer = hook(client, world)
    assert sign_in(client, world.lee.email).status_code == 303
    assert "/accept" not in client.get("/parts/offer").text
    r = post(client, f"/assignments/{answer['id']}/accept", headers={"HX-Request": "true"})
    assert r.status_code == 409 and "someone else" in r.text
    assert read(client, world, answer["id"])["offer"]["state"] == "pending"


def test_the_phone_tab_answer_needs_the_csrf_token(client, world):
    answer = hook(client, world)
    assert sign_in(client, world.dana.email).status_code == 303
    r = client.post(f"/assignments/{answer['id']}/accept", follow_redirects=False)
    assert r.status_code == 403
    assert read(client, world, answer["id"])["offer"]["state"] == "pending"


# --- The decision log ---------------------------------------------------------------------------


def test_the_decision_log_shows_each_offer_of_a_lead(client, world, clock):
    answer = hook(client, world)
    clock.fixed = DEFAULT_NOW + timedelta(seconds=5)
    assert act(client, world, answer["id"], "decline", world.dana.id).status_code == 200
    assert sign_in(client, world.manager.email).status_code == 303
    listed = client.get("/log").text
    assert "Offered to Dana (declined), then Lee (pending)." in listed
    page = client.get(f"/log/{answer['id']}").text
    offers = page[page.index('id="offers"') :]
    assert offers.index("Dana") < offers.index("declined") < offers.index("Lee")
    assert "Offered at 11:00:00 · ended at 11:00:05" in offers and "waiting" in offers
