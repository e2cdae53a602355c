"""The request gates: a refused request never keeps the writer turn or a transaction slot."""

import threading

from tests.builders import available, make_company, make_rep, make_team

WRONG = {"Authorization": "Bearer od_not-a-token"}


def answer_within(seconds, call):
    """Run `call` in a thread; its result, or None if it did not answer in time (a stuck gate)."""
    out = []
    t = threading.Thread(target=lambda: out.append(call()), daemon=True)
    t.start()
    t.join(seconds)
    return out[0] if out else None


def test_refused_tokens_do_not_keep_the_writer_turn(client, engine):
    w = make_company(engine)
    dana = make_rep(w, "Dana")
    available(w, dana)
    make_team(w, "sales", [dana])
    body = {"team": "sales", "kind": "lead"}
    for _ in range(30):  # more than the 24 slots, and each took the writer turn first
        assert client.post("/api/v1/assignments", json=body, headers=WRONG).status_code == 401
    ok = answer_within(
        30, lambda: client.post("/api/v1/assignments", json=body, headers=w.assign())
    )
    assert ok is not None, "a refused request kept its gate: the next writer never got a turn"
    assert ok.status_code == 201 and ok.json()["assignee"]["name"] == "Dana"


def test_requests_refused_by_a_scope_check_release_their_slot(client, engine):
    w = make_company(engine)
    for _ in range(30):  # an assign token on an admin route: refused after the session opened
        r = client.post(
            "/api/v1/holidays", json={"date": "2026-12-24", "name": "Eve"}, headers=w.assign()
        )
        assert r.status_code == 403
    ok = answer_within(30, lambda: client.get("/api/v1/company", headers=w.admin()))
    assert ok is not None and ok.status_code == 200
