"""The security matrix: every route and method × every kind of caller, read from the route table;
then CSRF, session fixation, throttling, headers, cookies and body size."""

import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import TestClient
from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from app.clock import Clock
from app.db import make_engine, transaction
from app.main import create_app
from app.models import Rep
from app.services import accounts, assigner, hubspot, profiles, webhooks
from app.settings import Settings
from tests.builders import (
    World,
    available,
    make_company,
    make_holiday,
    make_rep,
    make_team,
    make_time_off,
)
from tests.conftest import DEFAULT_NOW, database_url, fresh_schema
from tests.live import free_port
from tests.web.helpers import csrf, sign_in

# Litestar's API reference page (Scalar) is inline script from a CDN; the CSP blocks it (reported).
RENDERERS = "/schema"  # server-sent events never end; their access is checked for refusals


@dataclass(frozen=True)
class Route:
    """One method of one route, and who it is for."""

    method: str
    path: str
    kind: str  # "api" (bearer token), "web" (session), "feed" (secret key), "public"
    admin: bool  # api: admin scope only
    manager: bool  # web: managers only

    @property
    def params(self) -> set[str]:
        return set(re.findall(r"\{(\w+)", self.path))


TELEPHONY = ("/integrations/twilio/", "/integrations/pbx/")


def route_table(app: Litestar) -> list[Route]:
    """Every route and method of the app, classified by the dependencies that guard it."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            deps = handler.resolve_dependencies()
            kind = "api" if "token" in deps else "web" if "user" in deps else "public"
            if kind == "public" and route.path.startswith("/api/"):
                kind = "feed"
            if kind == "public" and route.path.startswith(TELEPHONY):
                kind = "telephony"  # signed by Twilio (403 unsigned) or a PBX's token (401)
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                found.append(Route(method, route.path, kind, "admin" in deps, "manager" in deps))
    return found


_TMP = Path(tempfile.gettempdir()) / "ondeck-route-table"
ROUTES = route_table(create_app(Settings(database_url="sqlite://", session_dir=_TMP)))
WHO = {
    "api": ["anonymous", "rep", "stranger", "assign", "admin"],
    "web": ["anonymous", "rep", "manager", "stranger", "assign", "admin"],
    "feed": ["anonymous", "rep", "stranger", "assign", "admin"],
    "public": ["anonymous"],
    "telephony": ["anonymous", "rep", "assign"],
}
OBJECTS = {"rep_id", "slug", "assignment_id", "time_off_id", "day", "profile_id", "token_id"}
OBJECTS |= {"webhook_id", "endpoint_id", "delivery_id", "seq"}  # webhook endpoints, deliveries
NAMES_TEAM = {("POST", "/api/v1/assignments"), ("GET", "/api/v1/assignments/preview")}
NAMES_TEAM |= {(m, "/api/v1/integrations/hubspot") for m in ("GET", "PUT", "DELETE")}
SIGNED = {
    "/integrations/hubspot/{company:str}/webhook",
    "/integrations/hubspot/{company:str}/action",
}
PERSONAL = {"profile_id"}  # objects only their owner (the rep) may touch
HIDDEN_AS: dict[tuple[str, str], int] = {}  # routes that hide objects with another status
SIGNS_OUT = {("POST", "/signout/everywhere")}  # success ends the session: back to sign-in


def expected(route: Route, who: str) -> int | str:
    """401, 403, 404 or "allowed" for this caller on this route."""
    if route.kind == "telephony":  # a session or a bearer token is no Twilio signature
        if route.path.startswith("/integrations/pbx/"):
            return "allowed" if who == "assign" else 401
        return 403
    if route.kind == "public":
        return 401 if route.path in SIGNED else "allowed"  # HubSpot's signature is missing
    if route.kind == "feed":
        return 404  # without the private key nobody, token or session, gets a feed
    if route.kind == "api":
        if who in ("anonymous", "rep", "manager"):
            return 401  # a browser session is not an API credential
        if who == "stranger":
            hidden = route.params & OBJECTS or (route.method, route.path) in NAMES_TEAM
            return 404 if hidden else "allowed"
        if who == "assign" and (route.admin or route.path.endswith("/override")):
            return 403  # the override needs the team's PIN with an assign token
        return "allowed"
    if who in ("anonymous", "assign", "admin"):
        return 401  # a token is not a browser session
    if who == "rep" and route.manager:
        return 403
    owned = route.params & (OBJECTS - {"day"})
    if who == "stranger" and owned or who == "manager" and route.params & PERSONAL:
        return 404
    if who == "manager" and route.path.startswith("/me/teams/"):
        return 404  # a member's own teams (the manager of this world is on none)
    if who == "manager" and "time_off_id" in route.params and route.path.startswith("/schedule"):
        return 404  # the rep's own time off, seen from the Schedule tab
    return "allowed"


def cases() -> list[Any]:
    out = []
    for route in ROUTES:
        for who in WHO[route.kind]:
            want = expected(route, who)
            if route.path.endswith("/events") and want == "allowed":  # streams never end
                continue
            out.append(pytest.param(route, who, want, id=f"{who}-{route.method} {route.path}"))
    return out


# --- the world every case runs in ---------------------------------------------------------------


@dataclass
class Scene:
    """Company A (ours) with a rep, a team and some history; company B (the stranger's)."""

    ours: World
    theirs: World
    dana: Rep
    ids: dict[str, str]

    def ours_ids(self) -> set[str]:
        return {self.ours.company.id, self.ours.manager.id, self.dana.id, self.ids["team_id"]}


def make_scene(engine: Engine) -> Scene:
    ours = make_company(engine, "acme")
    dana = make_rep(ours, "Dana")
    available(ours, dana)
    team = make_team(ours, "sales", [dana])
    with transaction(engine) as s:  # the hook's lead is offered to Dana (accept, decline)
        s.merge(team).offer_seconds = 30
    make_holiday(ours, date(2026, 12, 25))
    off = make_time_off(ours, dana, date(2026, 4, 1))
    with transaction(engine) as s:
        row = s.get(Rep, dana.id)
        assert row is not None
        profile = profiles.listing(s, row)[0]
        answer = assigner.assign(s, ours.company, team="sales", kind="lead", now=DEFAULT_NOW)
        invite = accounts.add_person(s, ours.company, name="Kim", email="kim@acme.test",
                                     now=DEFAULT_NOW).invite_token  # fmt: skip
        token = accounts.token_for(s, ours.assign_token)
        assert token is not None
        policy = webhooks.Policy(False, True, "t" * 64)
        hook = {"url": "https://example.com/hook", "events": ["webhook.test"]}
        endpoint = webhooks.create(s, ours.company, hook, policy, DEFAULT_NOW).endpoint
        webhooks.send_test(s, ours.company, endpoint.id, DEFAULT_NOW)
        sent = webhooks.deliveries(s, ours.company, endpoint.id)[0]
        sent.state, seq = "delivered", str(sent.seq)  # the delivery loop leaves it alone
        hubspot.configure(s, ours.company, {"client_secret": "x" * 20, "team": "sales"},
                          "t" * 64, DEFAULT_NOW)  # fmt: skip
    ids = {
        "rep_id": dana.id,
        "slug": "sales",
        "time_off_id": off.id,
        "assignment_id": answer.answer["id"],
        "profile_id": profile.id,
        "day": "2026-12-25",
        "token": invite,
        "file_path": "css/app.css",
        "path": "openapi.json",
        "part": "in_office",
        "part_name": "status",
        "section": "now",
        "team_id": team.id,
        "token_id": token.id,
        "company_slug": "acme",
        "step": "menu",
        "webhook_id": endpoint.id,
        "endpoint_id": endpoint.id,
        "delivery_id": seq,
        "seq": seq,
        "company": "acme",
    }
    return Scene(ours, make_company(engine, "globex"), dana, ids)


def fill(path: str, ids: dict[str, str]) -> str:
    """Concrete values for the path parameters ({rep_id:str} and the like)."""
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: ids.get(m.group(1), "x"), path)


API_BODIES: dict[tuple[str, str], Any] = {
    ("PATCH", "/api/v1/company"): {"name": "Acme Two"},
    ("POST", "/api/v1/reps"): {"name": "Lee", "email": "lee@example.test"},
    ("PATCH", "/api/v1/reps/{rep_id:str}"): {"name": "Dana B"},
    ("PUT", "/api/v1/reps/{rep_id:str}/status"): {"status": "busy"},
    ("PUT", "/api/v1/reps/{rep_id:str}/lock"): {"reason": "On a call"},
    ("POST", "/api/v1/holidays"): {"date": "2026-07-03", "name": "Summer day"},
    ("POST", "/api/v1/reps/{rep_id:str}/time-off"): {"date": "2026-05-01"},
    ("POST", "/api/v1/teams"): {"slug": "support", "name": "Support"},
    ("PATCH", "/api/v1/teams/{slug:str}"): {"name": "Sales Two"},
    ("PUT", "/api/v1/teams/{slug:str}/members/{rep_id:str}"): {"taking_part": False},
    ("PUT", "/api/v1/teams/{slug:str}/override"): {"state": "away"},
    ("POST", "/api/v1/assignments"): {"team": "sales", "kind": "lead"},
    ("POST", "/api/v1/assignments/{assignment_id:str}/accept"): {"rep": "{rep_id}"},
    ("POST", "/api/v1/assignments/{assignment_id:str}/decline"): {"rep": "{rep_id}"},
    ("POST", "/api/v1/webhooks"): {"url": "https://example.com/h", "events": ["webhook.test"]},
    ("PATCH", "/api/v1/webhooks/{webhook_id:str}"): {"enabled": False},
    ("PUT", "/api/v1/integrations/hubspot"): {"client_secret": "y" * 20, "team": "sales"},
}
QUERIES = {("GET", "/api/v1/assignments/preview"): "?team=sales"}
QUERIES |= {
    ("POST", "/integrations/twilio/{company_slug:str}/dial-next"): "?assignment=x&n=1",
    ("POST", "/integrations/twilio/{company_slug:str}/call-status"): "?assignment=x&rep=y",
    ("POST", "/integrations/twilio/{company_slug:str}/recording"): "?assignment=x",
    ("GET", "/integrations/pbx/next"): "?team=sales",
    ("POST", "/integrations/pbx/next"): "?team=sales",
}
WEB_BODIES: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/signin"): {"email": "dana@acme.test", "password": "correct horse battery"},
    ("POST", "/invite/{token:str}"): {
        "password": "a long passphrase",
        "confirm": "a long passphrase",
    },
    ("POST", "/status"): {"status": "busy"},
    ("POST", "/profiles"): {"name": "Focus", "status": "busy", "teams_mode": "all"},
    ("POST", "/profiles/{profile_id:str}"): {"name": "Working", "status": "available"},
    ("POST", "/team/reps/{rep_id:str}/status"): {"status": "busy", "reason": "Review"},
    ("POST", "/schedule/time-off"): {"kind": "day", "date": "2026-05-01"},
    ("POST", "/settings/reps/{rep_id:str}/time-off"): {"kind": "day", "date": "2026-05-01"},
    ("POST", "/settings/company/holidays"): {"date": "2026-07-03", "name": "Summer day"},
    ("POST", "/settings/company/region"): {"timezone": "America/New_York", "country": ""},
    ("POST", "/settings/people"): {"name": "Lee", "email": "lee@example.test", "role": "rep"},
    ("POST", "/settings/integrations"): {"name": "Zapier", "scope": "assign"},
    ("POST", "/settings/integrations/webhooks"): {
        "url": "https://example.com/h",
        "events": "webhook.test",
    },
    ("POST", "/settings/integrations/webhooks/{endpoint_id:str}/events"): {
        "events": "webhook.test"
    },
    ("POST", "/settings/integrations/twilio"): {
        "account_sid": "AC" + "0" * 32,
        "auth_token": "a" * 32,
        "answer_seconds": "20",
    },
    ("POST", "/settings/integrations/hubspot"): {"client_secret": "z" * 20, "team": "sales"},
}
# web routes whose body is JSON (a browser's Web Push subscription, posted by static/js/push.js)
_POINT = (  # a P-256 public key, as a browser gives it
    "BOu7TZ0UxuQEEWa2CUWXywVUbwELmQncbYmCvHb5SYteGYjbE4BhN84CmqjCqxYwoAaLKTRlEP6zRbJl-YDp72k"
)
WEB_JSON: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/me/push"): {
        "endpoint": "https://push.example.com/d",
        "keys": {"auth": "A" * 22, "p256dh": _POINT},
    },
    ("POST", "/me/push/off"): {"endpoint": "https://push.example.com/d"},
}
SESSIONS = {"rep": "dana@acme.test", "manager": "boss@acme.test", "stranger": "boss@globex.test"}


def as_caller(client: TestClient[Litestar], scene: Scene, who: str, route: Route) -> dict[str, str]:
    """Sign the client in as `who` (or not), and answer the headers it sends."""
    csrf(client)  # every caller holds a CSRF cookie, so refusals below are about who it is
    if who == "stranger" and route.kind in ("api", "feed"):
        return scene.theirs.admin()
    if who in SESSIONS:
        assert sign_in(client, SESSIONS[who]).status_code == 303
        return {}
    return {"assign": scene.ours.assign(), "admin": scene.ours.admin()}.get(who, {})


def send(client: TestClient[Litestar], route: Route, scene: Scene, headers: dict[str, str]) -> Any:
    """The route's request with a body that would succeed for a caller who may use it."""
    key = (route.method, route.path)
    url = fill(route.path, scene.ids) + QUERIES.get(key, "")
    if route.kind == "api" or route.kind == "feed":
        body = API_BODIES.get(key) if route.method in ("POST", "PUT", "PATCH") else None
        if body is not None:  # ids in a body ({"rep": "{rep_id}"}) are the scene's
            body = {k: fill(v, scene.ids) if isinstance(v, str) else v for k, v in body.items()}
        return client.request(route.method, url, headers=headers, json=body)
    if route.method == "GET":
        return client.get(url, headers=headers, follow_redirects=False)
    if key in WEB_JSON:
        sent = {**headers, "X-CSRFToken": csrf(client)}
        return client.post(url, headers=sent, json=WEB_JSON[key], follow_redirects=False)
    form = {**WEB_BODIES.get(key, {}), "_csrf_token": csrf(client)}
    return client.post(url, headers=headers, data=form, follow_redirects=False)


def snapshot(engine: Engine) -> dict[str, set[tuple[str, ...]]]:
    """Every stored row (failure counters aside, which refusals are meant to keep)."""
    rows = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name == "throttle":
                continue
            columns = [c for c in table.columns if not c.name.startswith("pin_")]
            rows[table.name] = {tuple(map(str, r)) for r in conn.execute(select(*columns))}
    return rows


def touching(rows: dict[str, set[tuple[str, ...]]], ids: set[str]) -> set[Any]:
    """The rows that name one of `ids` (company A's objects)."""
    return {(t, r) for t, found in rows.items() for r in found if ids & set(r)}


# --- one app for the whole module; every test starts from the same rows -------------------------


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Litestar, Engine]]:
    """One app and engine for the module (building an app per case would dominate the run)."""
    tmp = tmp_path_factory.mktemp("security")
    settings = Settings(
        database_url=database_url(tmp),
        session_dir=tmp / "sessions",
        secret_key="t" * 64,
        base_url="http://testserver",
    )
    engine = fresh_schema(settings.database_url)
    app = create_app(settings, clock=Clock(fixed=DEFAULT_NOW))
    app.state.engine.dispose()
    app.state.engine = engine
    yield app, engine
    engine.dispose()


def _clear(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(scope="module")
def template(shared: tuple[Litestar, Engine]) -> tuple[Scene, dict[Any, list[dict[str, Any]]]]:
    """The scene, built once, and a copy of every row it stored."""
    engine = shared[1]
    _clear(engine)
    scene = make_scene(engine)
    with engine.connect() as conn:
        rows = {
            t: [dict(r._mapping) for r in conn.execute(select(t))]
            for t in SQLModel.metadata.sorted_tables
        }
    return scene, rows


@pytest.fixture
def scene(shared: tuple[Litestar, Engine], template: Any) -> Scene:
    """The scene's rows put back, so each case starts from the same stored state."""
    engine, (built, rows) = shared[1], template
    _clear(engine)
    with engine.begin() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if rows[table]:
                conn.execute(table.insert(), rows[table])
    return built


@pytest.fixture
def engine(shared: tuple[Litestar, Engine], scene: Scene) -> Engine:
    return shared[1]


@pytest.fixture
def app(shared: tuple[Litestar, Engine], engine: Engine) -> Litestar:
    return shared[0]


@pytest.fixture(scope="module")
def module_client(shared: tuple[Litestar, Engine]) -> Iterator[TestClient[Litestar]]:
    with TestClient(app=shared[0], base_url="http://testserver") as c:
        yield c


@pytest.fixture
def client(module_client: TestClient[Litestar], engine: Engine) -> TestClient[Litestar]:
    """The shared client with no cookies: a new visitor."""
    module_client.cookies.clear()
    return module_client


# --- the matrix ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("route", "who", "want"), cases())
def test_every_route_answers_each_caller_exactly_as_expected(
    client, engine, scene, route, who, want
):  # noqa: E501
    headers = as_caller(client, scene, who, route)
    before = snapshot(engine)
    r = send(client, route, scene, headers)
    assert_security_headers(r)
    if want == "allowed":
        assert_allowed(route, r)
        if who == "stranger":  # the other company's caller saw and changed nothing of ours
            assert touching(snapshot(engine), scene.ours_ids()) == touching(
                before, scene.ours_ids()
            )
            assert scene.dana.id not in r.text and "acme.test" not in r.text
        return
    assert_refused(
        route, r, HIDDEN_AS.get((route.method, route.path), 404) if want == 404 else want
    )
    assert snapshot(engine) == before, "a refused request changed stored data"


def assert_allowed(route: Route, r: Any) -> None:
    assert r.status_code < 500, r.text[:300]
    assert r.status_code not in (401, 403, 404), (r.status_code, r.text[:300])
    if route.kind == "api" and (route.method, route.path) in API_BODIES | QUERIES:
        assert r.status_code < 400, r.text[:300]
    if route.kind == "api" and route.method == "GET":
        assert r.status_code == 200, r.text[:300]
    if route.kind == "web" and (route.method, route.path) not in SIGNS_OUT:
        assert not r.headers.get("location", "").startswith("/signin"), r.headers
    html = r.headers.get("content-type", "").startswith("text/html")
    if html and not route.path.startswith(RENDERERS):
        assert_no_inline_script(r.text)


def assert_refused(route: Route, r: Any, want: int) -> None:
    if want == 401 and route.kind == "web":
        assert r.status_code in (302, 303), (r.status_code, r.text[:200])
        assert r.headers["location"].startswith("/signin")
        return
    assert r.status_code == want, (r.status_code, r.text[:300])
    if route.kind in ("api", "feed"):
        assert r.headers["content-type"].startswith("application/problem+json")


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:|\sstyle\s*=", re.I)


def assert_no_inline_script(html: str) -> None:
    """No inline script, event-handler attribute, javascript: URL or style attribute (CSP)."""
    found = INLINE.findall(html)
    assert not found, found[:5]


def assert_security_headers(r: Any) -> None:
    csp = r.headers.get("content-security-policy", "")
    policy = dict((p.split(" ", 1) + [""])[:2] for p in (d.strip() for d in csp.split(";")) if p)
    assert policy.get("frame-ancestors") == "'none'", csp
    assert policy.get("object-src") == "'none'", csp
    script = policy.get("script-src", policy.get("default-src", ""))
    assert script == "'self'", csp  # no 'unsafe-inline', no 'unsafe-eval', no other origin
    assert r.headers.get("x-content-type-options") == "nosniff"
    assert r.headers.get("referrer-policy") in ("same-origin", "strict-origin-when-cross-origin")


def test_the_matrix_covers_every_route_of_the_app():
    kinds = {r.kind for r in ROUTES}
    assert kinds == {"api", "web", "feed", "public", "telephony"}, kinds
    assert sum(r.kind == "api" and r.admin for r in ROUTES) >= 10
    assert sum(r.kind == "web" and r.manager for r in ROUTES) >= 5
    assert len(cases()) > 3 * len(ROUTES)


# --- CSRF and sessions --------------------------------------------------------------------------

# machine routes signed by their caller (HubSpot) carry no CSRF token: the signature stands in
WEB_POSTS = [
    r for r in ROUTES if r.method == "POST" and r.kind in ("web", "public") and r.path not in SIGNED
]


@pytest.mark.parametrize("token", ["missing", "wrong"])
@pytest.mark.parametrize("route", WEB_POSTS, ids=lambda r: r.path)
def test_form_post_without_the_right_csrf_token_is_refused(client, engine, scene, route, token):
    assert sign_in(client, "boss@acme.test").status_code == 303
    before = snapshot(engine)
    form = {**WEB_BODIES.get((route.method, route.path), {})}
    if token == "wrong":
        form["_csrf_token"] = "forged" + csrf(client)[6:]
    r = client.post(fill(route.path, scene.ids), data=form, follow_redirects=False)
    assert r.status_code == 403
    assert_security_headers(r)
    assert snapshot(engine) == before


def test_csrf_header_from_htmx_is_accepted_and_a_forged_one_is_not(client, engine):
    sign_in(client, "dana@acme.test")
    ok = client.post("/status", headers={"HX-Request": "true", "X-CSRFToken": csrf(client)})
    assert ok.status_code == 200
    bad = client.post("/status", headers={"HX-Request": "true", "X-CSRFToken": "forged"})
    assert bad.status_code == 403


def test_sign_in_issues_a_new_session_id_and_sign_out_ends_the_old_one(client, engine):
    planted = "f" * 64  # an id an attacker chose and slipped into the victim's browser
    client.cookies.set("ondeck_session", planted, domain="testserver.local")
    assert sign_in(client, "dana@acme.test").status_code == 303
    issued = client.cookies["ondeck_session"]
    assert issued != planted

    def attacker_with(session_id: str) -> int:  # another browser holding this cookie
        cookie = {"Cookie": f"ondeck_session={session_id}"}
        return int(client.get("/", headers=cookie, follow_redirects=False).status_code)

    assert attacker_with(planted) in (302, 303)
    assert attacker_with(issued) == 200  # a stolen copy of the real cookie works...
    client.post("/signout", data={"_csrf_token": csrf(client)}, follow_redirects=False)
    assert attacker_with(issued) in (302, 303)  # ...but not after the victim signs out


# --- throttling ---------------------------------------------------------------------------------


def test_sign_in_is_throttled_with_retry_after_even_for_the_right_password(client, engine):
    for _ in range(5):
        assert sign_in(client, "dana@acme.test", "not the password").status_code == 401
    r = sign_in(client, "dana@acme.test")
    assert r.status_code == 429
    assert 1 <= int(r.headers["retry-after"]) <= 901
    assert client.get("/", follow_redirects=False).status_code in (302, 303)


def test_team_pin_is_throttled_with_retry_after_even_for_the_right_pin(client, engine, scene):
    client.patch("/api/v1/teams/sales", headers=scene.ours.admin(), json={"pin": "2468"})
    url, assign = "/api/v1/teams/sales/override", scene.ours.assign()
    for _ in range(5):
        wrong = client.put(url, headers={**assign, "X-Team-Pin": "1111"}, json={"state": "away"})
        assert wrong.status_code in (403, 429)
    r = client.put(url, headers={**assign, "X-Team-Pin": "2468"}, json={"state": "away"})
    assert r.status_code == 429
    assert r.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(r.headers["retry-after"]) <= 901
    state = client.get("/api/v1/teams/sales/state", headers=assign).json()
    assert state["override"] is None


# --- headers, cookies, size ---------------------------------------------------------------------

SAMPLES = [
    ("GET", "/signin", 200),
    ("GET", "/api/v1/reps", 401),
    ("GET", "/no-such-page", 404),
    ("DELETE", "/signin", 405),
    ("GET", "/", 302),
    ("GET", "/static/css/app.css", 200),
    ("GET", "/manifest.webmanifest", 200),
    ("GET", "/sw.js", 200),
    ("GET", "/healthz", 200),
    ("GET", "/schema/openapi.json", 200),
]


@pytest.mark.parametrize(("method", "path", "status"), SAMPLES)
def test_every_kind_of_answer_carries_the_security_headers(client, method, path, status):
    r = client.request(method, path, follow_redirects=False)
    assert r.status_code == status
    assert_security_headers(r)


def cookie_flags(r: Any) -> dict[str, set[str]]:
    """Cookie name -> its lowercased attributes, from every Set-Cookie of an answer."""
    found = {}
    for line in r.headers.get_list("set-cookie"):
        name, *attrs = [part.strip() for part in line.split(";")]
        found[name.split("=", 1)[0]] = {a.lower() for a in attrs}
    return found


def test_cookies_are_httponly_and_samesite_lax_but_not_secure_in_development(client, engine):
    cookies = cookie_flags(client.get("/signin")) | cookie_flags(sign_in(client, "dana@acme.test"))
    assert {"ondeck_session", "csrftoken"} <= set(cookies)
    for flags in cookies.values():
        assert "httponly" in flags and "samesite=lax" in flags and "secure" not in flags


def test_cookies_are_secure_in_production(tmp_path, engine):
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        env="production",
        secret_key="p" * 64,
        session_dir=tmp_path / "sessions",
    )
    app = create_app(settings)
    app.state.engine.dispose()
    app.state.engine = engine
    with TestClient(app=app, base_url="https://testserver") as c:
        cookies = cookie_flags(c.get("/signin")) | cookie_flags(sign_in(c, "dana@acme.test"))
        assert c.get("/signin").headers["strict-transport-security"].startswith("max-age=")
    assert {"ondeck_session", "csrftoken"} <= set(cookies)
    for flags in cookies.values():
        assert {"httponly", "samesite=lax", "secure"} <= flags


BIG = 64 * 1024 + 1


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/assignments"),
        ("PUT", "/api/v1/reps/{rep_id:str}/status"),
        ("POST", "/api/v1/teams"),
        ("PATCH", "/api/v1/company"),
    ],
)
def test_api_bodies_over_64_kb_are_refused_with_413_problem(client, engine, scene, method, path):
    before = snapshot(engine)
    body = b'{"note": "' + b"x" * BIG + b'"}'
    headers = {**scene.ours.admin(), "content-type": "application/json"}
    r = client.request(method, fill(path, scene.ids), content=body, headers=headers)
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "64 KB" in r.json()["detail"]
    assert snapshot(engine) == before


def test_a_chunked_body_over_64_kb_is_refused_too(client, engine, scene):

    def chunks():  # no Content-Length: the limit must hold while reading
        for _ in range(20):
            yield b"x" * 4096

    headers = {**scene.ours.admin(), "content-type": "application/json"}
    r = client.post("/api/v1/assignments", content=chunks(), headers=headers)
    assert r.status_code == 413


def test_a_form_over_64_kb_is_refused_with_413(client, engine):
    sign_in(client, "dana@acme.test")
    r = client.post("/status", data={"note": "x" * BIG, "_csrf_token": csrf(client)})
    assert r.status_code == 413


# --- failure answers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/healthz", "/api/v1/reps", "/api/v1/assignments/preview?team=sales"]
)
def test_an_unreachable_database_answers_503_problem_with_retry_after(tmp_path, path):
    app = create_app(Settings(database_url="sqlite://", session_dir=tmp_path, secret_key="u" * 64))
    with TestClient(app=app) as c:
        closed = f"postgresql://postgres@127.0.0.1:{free_port()}/nothing"  # nobody listens there
        app.state.engine = make_engine(closed)  # the database went away after start-up
        r = c.get(path, headers={"Authorization": "Bearer od_whatever"})
    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.headers["retry-after"] == "5"
    assert_security_headers(r)
