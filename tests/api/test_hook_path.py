"""The hook's one transaction: the token is checked inside it, before the body is read; a refusal
or a lost database never keeps the request's gates; the answer is what the log gives back."""

import pytest
from litestar.testing import TestClient

from app.db import make_engine, transaction
from app.main import create_app
from app.services import accounts
from app.settings import Settings
from tests.builders import available, make_company, make_rep, make_team
from tests.conftest import shared_fixtures
from tests.live import free_port

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

BAD_BODY = b'{"team": 7, "kind": "sideways", "extra": true}'
JSON = {"content-type": "application/json"}


@pytest.mark.parametrize("token", ["od_not-a-token", "x" * 600, "tab\there"])
def test_a_bad_token_gets_401_even_with_a_bad_body(client, engine, token):
    make_company(engine)
    headers = {"Authorization": f"Bearer {token}", **JSON}
    r = client.post("/api/v1/assignments", content=BAD_BODY.decode(), headers=headers)
    assert r.status_code == 401, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_a_revoked_token_is_refused_and_the_next_hook_still_gets_its_turn(client, engine, clock):
    w = make_company(engine)
    dana = make_rep(w, "Dana")
    available(w, dana)
    make_team(w, "sales", [dana])
    with transaction(engine) as s:
        tokens = accounts.list_tokens(s, w.company)
        assign_id = next(t.id for t in tokens if t.scope == "assign")
        accounts.revoke_token(s, w.company, assign_id, clock.now())
    body = {"team": "sales", "kind": "lead"}
    assert client.post("/api/v1/assignments", json=body, headers=w.assign()).status_code == 401
    r = client.post("/api/v1/assignments", json=body, headers=w.admin())
    assert r.status_code == 201 and r.json()["assignee"]["name"] == "Dana"


def test_a_good_token_with_a_bad_body_names_the_field(client, engine):
    w = make_company(engine)
    r = client.post(
        "/api/v1/assignments", content='{"team": 7, "kind": "lead"}', headers={**w.assign(), **JSON}
    )
    assert r.status_code == 422 and r.json()["field"] == "team"


def test_the_answer_is_what_the_log_gives_back_and_a_replay_repeats_it(client, engine):
    w = make_company(engine)
    dana = make_rep(w, "Dana", phone="+15551230000")
    available(w, dana)
    make_team(w, "sales", [dana])
    headers = {**w.assign(), "Idempotency-Key": "k-1"}
    body = {"team": "sales", "kind": "call", "external_id": "crm-1"}
    first = client.post("/api/v1/assignments", json=body, headers=headers)
    assert first.status_code == 201 and first.headers["content-type"] == "application/json"
    logged = client.get(f"/api/v1/assignments/{first.json()['id']}", headers=w.assign())
    assert logged.json() == first.json()
    again = client.post("/api/v1/assignments", json=body, headers=headers)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


def test_the_hook_answers_503_when_the_database_is_gone(tmp_path):
    app = create_app(Settings(database_url="sqlite://", session_dir=tmp_path, secret_key="u" * 64))
    with TestClient(app=app) as c:
        closed = f"postgresql://postgres@127.0.0.1:{free_port()}/nothing"  # nobody listens there
        app.state.engine = make_engine(closed)
        body = {"team": "sales", "kind": "lead"}
        headers = {"Authorization": "Bearer od_whatever"}
        for _ in range(3):  # the gates are given back each time
            r = c.post("/api/v1/assignments", json=body, headers=headers)
            assert r.status_code == 503, r.text
            assert r.headers["retry-after"] == "5"
