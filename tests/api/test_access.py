"""Access rules over every API route, read from the app's own route table."""

import re

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from tests.builders import make_company, make_rep
from tests.conftest import shared_fixtures

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

KEY_AUTH = {"/api/v1/reps/{rep_id:str}/calendar.ics"}  # private feeds: a secret key in the URL
KEY_AUTH.add("/api/v1/teams/{slug:str}/calendar.ics")  # a team's private feed


def api_routes(app: Litestar) -> list[tuple[str, str, bool]]:
    """(method, path, admin_only) for every token-authenticated /api/v1 route."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/api/v1"):
            continue
        for handler in route.route_handlers:
            deps = handler.resolve_dependencies()
            if "token" not in deps:
                assert route.path in KEY_AUTH, f"{route.path} has no authentication"
                continue
            admin = "admin" in deps
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                found.append((method, route.path, admin))
    return found


def fill(path: str, values: dict[str, str]) -> str:
    """Put concrete values into path parameters like {rep_id:str}."""
    defaults = {"date": "2026-12-25", "int": "1"}
    return re.sub(
        r"\{(\w+)(?::(\w+))?\}",
        lambda m: values.get(m.group(1), defaults.get(m.group(2) or "", "x")),
        path,
    )


@pytest.fixture
def routes(app):
    return api_routes(app)


def test_every_api_route_refuses_anonymous_callers(client, engine, routes):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    assert routes
    for method, path, _ in routes:
        url = fill(
            path,
            {
                "rep_id": rep.id,
                "slug": "sales",
                "date": "2026-12-25",
                "time_off_id": "x",
                "assignment_id": "x",
                "token_id": "x",
            },
        )
        r = client.request(method, url, json={})
        assert r.status_code == 401, (method, path, r.status_code)
        assert r.headers["content-type"].startswith("application/problem+json")


def test_assign_scope_token_is_refused_on_admin_routes(client, engine, routes):
    w = make_company(engine)
    rep = make_rep(w, "Dana")
    admin_routes = [(m, p) for m, p, admin in routes if admin]
    assert admin_routes
    for method, path in admin_routes:
        url = fill(path, {"rep_id": rep.id, "slug": "sales", "date": "2026-12-25"})
        r = client.request(method, url, headers=w.assign(), json={})
        assert r.status_code == 403, (method, path, r.status_code, r.text)


def test_another_companys_rep_is_not_found(client, engine, routes):
    mine = make_company(engine, "acme")
    theirs = make_company(engine, "globex")
    stranger = make_rep(theirs, "Stranger")
    rep_routes = [(m, p) for m, p, _ in routes if "{rep_id" in p]
    assert rep_routes
    for method, path in rep_routes:
        url = fill(path, {"rep_id": stranger.id, "time_off_id": "x"})
        r = client.request(
            method, url, headers=mine.admin(), json={"status": "busy", "reason": "On a call"}
        )
        assert r.status_code in (404, 422), (method, path, r.status_code)
        if r.status_code == 422:  # a body check may come first; the object is never touched
            continue
    r = client.get(f"/api/v1/reps/{stranger.id}/status", headers=theirs.admin())
    assert r.json()["status"] == "offline"


def test_revoked_token_is_refused(client, engine, clock):
    from app.db import transaction
    from app.services import accounts

    w = make_company(engine)
    with transaction(engine) as s:
        tokens = accounts.list_tokens(s, w.company)
        for t in tokens:
            accounts.revoke_token(s, w.company, t.id, clock.now())
    assert client.get("/api/v1/reps", headers=w.admin()).status_code == 401


def test_health_answers_ok_without_credentials(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_openapi_documents_the_api_with_problem_errors(client):
    doc = client.get("/schema/openapi.json").json()
    put = doc["paths"]["/api/v1/reps/{rep_id}/status"]["put"]
    assert "application/problem+json" in put["responses"]["422"]["content"]
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert not any(p.startswith("/signin") for p in doc["paths"])
