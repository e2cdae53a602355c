"""The change feed over the route table: every state-changing route publishes, after its commit,
the topics the board and the Phone tab listen to; a refused one publishes nothing."""

import time
from datetime import date

import pytest
from litestar.channels import ChannelsPlugin
from litestar.routes import HTTPRoute
from sqlmodel import SQLModel, select

from app import feed
from app.db import make_engine, transaction
from app.models import Profile, Rep
from app.web.phone import phone_events
from tests.builders import make_company, make_rep, make_team, make_time_off
from tests.web.helpers import post, sign_in

HX = {"HX-Request": "true"}
P, T, R = feed.PRESENCE, feed.TEAM, feed.ROTATION
HOURS, HOL, OFF, PEOPLE, PROF = feed.HOURS, feed.HOLIDAYS, feed.TIME_OFF, feed.PEOPLE, feed.PROFILES

# Routes whose writes no live screen shows (sign-in, secrets, calendar links, PIN, tokens,
# invitations): they publish nothing and need not.
SILENT = {
    "/signin",
    "/signout",
    "/signout/everywhere",
    "/invite/{token:str}",
    "/schedule/calendar-key",
    "/teams/{slug:str}/calendar-key",
    "/teams/{slug:str}/pin",
    "/settings/integrations",
    "/settings/integrations/{token_id:str}/revoke",
    "/settings/people/{rep_id:str}/invite",
    "/api/v1/integrations/twilio",  # the Twilio account: no screen shows it
}
# Integration settings (webhook endpoints, HubSpot): no live screen shows them. HubSpot's own
# requests are covered by the hook they run.
SILENT |= {
    "/api/v1/webhooks",
    "/api/v1/webhooks/{webhook_id:str}",
    "/api/v1/webhooks/{webhook_id:str}/test",
    "/api/v1/webhooks/{webhook_id:str}/deliveries/{delivery_id:int}/resend",
    "/api/v1/integrations/hubspot",
    "/integrations/hubspot/{company:str}/webhook",
    "/integrations/hubspot/{company:str}/action",
    "/settings/integrations/webhooks",
    "/settings/integrations/webhooks/{endpoint_id:str}/events",
    "/settings/integrations/webhooks/{endpoint_id:str}/enabled",
    "/settings/integrations/webhooks/{endpoint_id:str}/delete",
    "/settings/integrations/webhooks/{endpoint_id:str}/test",
    "/settings/integrations/webhooks/{endpoint_id:str}/deliveries/{seq:int}/resend",
    "/settings/integrations/twilio",
    "/settings/integrations/twilio/disconnect",
    "/settings/integrations/hubspot",
    "/settings/integrations/hubspot/disconnect",
}
# A rep's devices for Web Push: no live screen shows them (tests/web/test_push.py covers them).
SILENT |= {"/me/push", "/me/push/off", "/me/push/test"}


class Feed:
    """What the app published on its channels, decoded, per company channel."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.seen: list[tuple[str, feed.Change]] = []
        plugin = app.plugins.get(ChannelsPlugin)
        plugin.publish = self._publish  # type: ignore[method-assign]

    def _publish(self, data: bytes, channels: list[str]) -> None:
        for channel in channels:
            self.seen.append((channel, feed.decode(data)))

    def take(self, settle: float = 0.3) -> list[tuple[str, feed.Change]]:
        """What was published since the last take (the publish hops onto the event loop)."""
        deadline = time.monotonic() + settle
        while not self.seen and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.02)
        found, self.seen = self.seen, []
        return found


@pytest.fixture
def world(client, engine):  # type: ignore[no-untyped-def]
    w = make_company(engine)
    dana, lee = make_rep(w, "Dana"), make_rep(w, "Lee")
    make_team(w, "sales", [dana, lee, w.manager])
    w.dana, w.lee = dana, lee  # type: ignore[attr-defined]
    return w


@pytest.fixture
def published(app, client):  # type: ignore[no-untyped-def]
    return Feed(app)


def topics(found: list[tuple[str, feed.Change]], company_id: str) -> set[str]:
    assert {channel for channel, _ in found} <= {f"company:{company_id}"}, found
    return set().union(*(c.topics for _, c in found)) if found else set()


def test_every_state_changing_route_is_covered_here(app):
    covered = {path for _method, path, *_ in API_CASES} | {path for path, *_ in WEB_CASES}
    writes = {
        route.path
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        if handler.http_methods - {"GET", "HEAD", "OPTIONS"}
    }
    covered |= {path for path, *_ in TELEPHONY_CASES} | set(OFFER_CASES)
    assert writes - covered - SILENT == set()


# (method, route, concrete url, json body, topics that must be published)
API_CASES = [
    ("PUT", "/api/v1/reps/{rep_id:str}/status", "/api/v1/reps/{dana}/status",
     {"status": "busy"}, {P}),
    ("PUT", "/api/v1/reps/{rep_id:str}/lock", "/api/v1/reps/{dana}/lock", {}, {P}),
    ("DELETE", "/api/v1/reps/{rep_id:str}/lock", "/api/v1/reps/{dana}/lock", None, {P}),
    ("PATCH", "/api/v1/reps/{rep_id:str}", "/api/v1/reps/{dana}", {"name": "Dana B"}, {PEOPLE}),
    ("POST", "/api/v1/reps", "/api/v1/reps",
     {"name": "Kim", "email": "kim@acme.test", "timezone": "America/New_York"}, {PEOPLE}),
    ("DELETE", "/api/v1/reps/{rep_id:str}", "/api/v1/reps/{lee}", None, {PEOPLE}),
    ("PATCH", "/api/v1/company", "/api/v1/company", {"timezone": "America/Chicago"}, {HOURS}),
    ("POST", "/api/v1/holidays", "/api/v1/holidays",
     {"date": "2026-03-20", "name": "Spring day"}, {HOL}),
    ("DELETE", "/api/v1/holidays/{day:date}", "/api/v1/holidays/2026-03-20", None, {HOL}),
    ("POST", "/api/v1/reps/{rep_id:str}/time-off", "/api/v1/reps/{dana}/time-off",
     {"date": "2026-03-10"}, {OFF}),
    ("DELETE", "/api/v1/reps/{rep_id:str}/time-off/{time_off_id:str}",
     "/api/v1/reps/{dana}/time-off/{off}", None, {OFF}),
    ("POST", "/api/v1/teams", "/api/v1/teams", {"slug": "support", "name": "Support"}, {T}),
    ("PATCH", "/api/v1/teams/{slug:str}", "/api/v1/teams/sales", {"ring": "all"}, {T}),
    ("PUT", "/api/v1/teams/{slug:str}/members/{rep_id:str}", "/api/v1/teams/sales/members/{dana}",
     {"taking_part": False}, {T}),
    ("PUT", "/api/v1/teams/{slug:str}/override", "/api/v1/teams/sales/override",
     {"state": "lunch"}, {P}),
    ("DELETE", "/api/v1/teams/{slug:str}/override", "/api/v1/teams/sales/override", None, {P}),
    ("POST", "/api/v1/assignments", "/api/v1/assignments", {"team": "sales", "kind": "lead"}, {R}),
    ("DELETE", "/api/v1/teams/{slug:str}", "/api/v1/teams/sales", None, {T}),
]  # fmt: skip


def _fill(url: str, w, off: str) -> str:  # type: ignore[no-untyped-def]
    return url.format(dana=w.dana.id, lee=w.lee.id, off=off)


def test_each_api_write_publishes_its_topics_after_commit_and_nothing_when_refused(
    client, world, published, engine
):
    from app.services import presence as presence_service

    with transaction(engine) as s:  # Dana is Available, so the hook has someone to pick
        presence_service.change(s, s.get(Rep, world.dana.id), status="available", now=_now())
    off = make_time_off(world, world.dana, date(2026, 3, 12)).id
    published.take()
    for method, route, url, body, expected in API_CASES:
        target = _fill(url, world, off)
        r = client.request(method, target, headers=world.admin(), json=body)
        assert r.status_code < 300, (route, r.status_code, r.text)
        got = topics(published.take(), world.company.id)
        assert expected <= got, (route, got)
        if body:  # the same call refused: a field it does not know
            r = client.request(method, target, headers=world.admin(), json={**body, "zz": 1})
            assert r.status_code in (400, 404, 409, 422), (route, r.status_code)
            assert published.take(0.1) == [], route


def _now():  # type: ignore[no-untyped-def]
    from tests.conftest import DEFAULT_NOW

    return DEFAULT_NOW


# (route, who signs in, concrete url, form, topics that must be published)
WEB_CASES = [
    ("/status", "dana", "/status", {"status": "away"}, {P}),
    ("/me/teams/{slug:str}/override", "dana", "/me/teams/sales/override", {"state": "lunch"}, {P}),
    ("/me/teams/{slug:str}/taking-part", "dana", "/me/teams/sales/taking-part",
     {"taking_part": "off"}, {T}),
    ("/profiles/{profile_id:str}/apply", "dana", "/profiles/{profile}/apply", {}, {P, PROF}),
    ("/profiles/fix", "dana", "/profiles/fix", {}, set()),  # no drift: nothing to fix
    ("/profiles", "dana", "/profiles", {"name": "Calls", "status": "busy", "teams_mode": "all"},
     {PROF}),
    ("/profiles/{profile_id:str}", "dana", "/profiles/{profile}",
     {"name": "Focus", "status": "away", "teams_mode": "all"}, {PROF}),
    ("/profiles/{profile_id:str}/delete", "dana", "/profiles/{profile}/delete", {}, {PROF}),
    ("/schedule/hours", "dana", "/schedule/hours",
     {"mode": "custom", "mon_start": "10:00", "mon_end": "16:00"}, {HOURS}),
    ("/schedule/time-off", "dana", "/schedule/time-off", {"kind": "day", "date": "2026-03-11"},
     {OFF}),
    ("/schedule/time-off/{time_off_id:str}/delete", "dana", "/schedule/time-off/{off}/delete",
     {}, {OFF}),
    ("/team/reps/{rep_id:str}/status", "boss", "/team/reps/{dana}/status",
     {"status": "offline", "reason": "Coverage"}, {P}),
    ("/settings/company/hours", "boss", "/settings/company/hours",
     {"mon_start": "08:00", "mon_end": "18:00"}, {HOURS}),
    ("/settings/company/region", "boss", "/settings/company/region",
     {"timezone": "America/New_York", "country": "US"}, {HOL}),
    ("/settings/company/holidays", "boss", "/settings/company/holidays",
     {"date": "2026-03-21", "name": "Picnic"}, {HOL}),
    ("/settings/company/holidays/{day:date}/delete", "boss",
     "/settings/company/holidays/2026-03-21/delete", {}, {HOL}),
    ("/settings/reps/{rep_id:str}/time-off", "boss", "/settings/reps/{dana}/time-off",
     {"kind": "day", "date": "2026-03-13"}, {OFF}),
    ("/settings/reps/{rep_id:str}/time-off/{time_off_id:str}/delete", "boss",
     "/settings/reps/{dana}/time-off/{off}/delete", {}, {OFF}),
    ("/settings/people", "boss", "/settings/people",
     {"name": "Sam", "email": "sam@acme.test", "role": "rep", "timezone": "America/New_York"},
     {PEOPLE}),
    ("/settings/people/{rep_id:str}/external-ids", "boss", "/settings/people/{dana}/external-ids",
     {"system": "pbx", "id": "PJSIP/1001"}, {PEOPLE}),
    ("/settings/people/{rep_id:str}/deactivate", "boss", "/settings/people/{lee}/deactivate", {},
     {PEOPLE}),
    ("/settings/people/{rep_id:str}/reactivate", "boss", "/settings/people/{lee}/reactivate", {},
     {PEOPLE}),
    ("/teams", "boss", "/teams", {"slug": "support", "name": "Support"}, {T}),
    ("/teams/{slug:str}/override", "boss", "/teams/sales/override", {"state": "away"}, {P}),
    ("/teams/{slug:str}/members", "boss", "/teams/support/members", {"rep": "{dana}"}, {T}),
    ("/teams/{slug:str}/members/{rep_id:str}/move", "boss", "/teams/sales/members/{dana}/move",
     {"direction": "down"}, {T}),
    ("/teams/{slug:str}/members/{rep_id:str}/taking-part", "boss",
     "/teams/sales/members/{dana}/taking-part", {"taking_part": "on"}, {T}),
    ("/teams/{slug:str}/members/{rep_id:str}/remove", "boss",
     "/teams/support/members/{dana}/remove", {}, {T}),
    ("/teams/{slug:str}/routing", "boss", "/teams/sales/routing",
     {"ring": "all", "lunch_to": "voicemail", "away_to": "voicemail", "vacation_to": "voicemail"},
     {T}),
    ("/teams/{slug:str}/schedule", "boss", "/teams/sales/schedule", {"mode": "custom"}, {T}),
    ("/teams/{slug:str}/roster", "boss", "/teams/sales/roster", {"weight-{dana}": "2"}, {T}),
    ("/teams/{slug:str}/hours/{part:str}", "boss", "/teams/sales/hours/in_office",
     {"mon_open": "on", "mon_start": "09:00", "mon_end": "12:00", "action": "save"}, {T}),
    ("/teams/{slug:str}/delete", "boss", "/teams/support/delete", {"confirm": "support"}, {T}),
]  # fmt: skip


def test_each_web_write_publishes_its_topics_after_commit(client, world, published, engine):
    off = make_time_off(world, world.dana, date(2026, 3, 12)).id
    signed_in = None
    failures = []
    for route, who, url, form, expected in WEB_CASES:
        if who != signed_in:
            client.cookies.clear()
            email = "boss@acme.test" if who == "boss" else "dana@acme.test"
            assert sign_in(client, email).status_code == 303
            signed_in = who
        with transaction(engine) as s:
            mine = s.exec(select(Profile).where(Profile.rep_id == world.dana.id)).first()
            profile = mine.id if mine else "none"
        if "{off}" in url:  # a fresh time off for each removal
            off = make_time_off(world, world.dana, date(2026, 3, 16)).id
        published.take(0.05)
        values = {"dana": world.dana.id, "lee": world.lee.id, "off": off, "profile": profile}
        data = {k.format(**values): v.format(**values) for k, v in form.items()}
        r = post(client, url.format(**values), data, headers={"HX-Request": "true"})
        got = topics(published.take(), world.company.id)
        if r.status_code >= 400 or not expected <= got:
            failures.append((route, r.status_code, got, r.text[:300]))
    assert failures == []


def test_a_rolled_back_change_publishes_nothing(client, world, published, engine):
    published.take()
    with pytest.raises(RuntimeError), transaction(engine) as s:
        rep = s.get(Rep, world.dana.id)
        assert rep is not None
        rep.status = "busy"
        s.add(rep)
        s.flush()
        raise RuntimeError("refused after the write")
    assert published.take(0.2) == []
    with transaction(engine) as s:
        assert s.get(Rep, world.dana.id).status != "busy"  # type: ignore[union-attr]


def test_the_phone_tab_hears_its_own_and_its_teams_changes():
    pick = phone_events("me")
    assert pick(feed.Change({P}, {"me"})) == ["status", "profiles", "teams", "mates"]
    assert pick(feed.Change({P}, {"someone"})) == ["status", "teams", "mates"]
    assert pick(feed.Change({R})) == ["status", "teams", "offer"]  # my place in line; an offer
    assert pick(feed.Change({feed.OFFERS})) == ["offer"]  # accepted, passed on or expired
    assert "status" in pick(feed.Change({OFF}))
    assert pick(feed.Change({PROF}, {"someone"})) == []


def test_a_tap_on_a_stale_toggle_changes_nothing_and_shows_the_fresh_status(client, world, engine):
    from app.services import presence as presence_service

    assert sign_in(client, "dana@acme.test").status_code == 303
    page = client.get("/").text
    assert 'name="seen" value="offline"' in page and 'name="status" value="available"' in page
    with transaction(engine) as s:  # a manager makes her Busy while her screen says Offline
        presence_service.change(s, s.get(Rep, world.dana.id), status="busy", now=_now())
    r = post(client, "/status", {"status": "available", "seen": "offline"}, headers=HX)
    assert r.status_code == 200
    assert "Your status had changed to Busy — nothing was changed" in r.text
    with transaction(engine) as s:
        assert s.get(Rep, world.dana.id).status == "busy"  # type: ignore[union-attr]
    r = post(client, "/status", {"status": "offline", "seen": "busy"}, headers=HX)
    assert "nothing was changed" not in r.text
    with transaction(engine) as s:  # the fresh toggle does what its label said
        assert s.get(Rep, world.dana.id).status == "offline"  # type: ignore[union-attr]


@pytest.mark.postgres
def test_a_commands_changes_reach_running_apps_through_postgresql(tmp_path):
    import psycopg

    from app.live import command_line
    from app.services import accounts
    from app.settings import Settings
    from tests.conftest import must_run, postgres_reachable
    from tests.live import postgres_database

    if not postgres_reachable():
        must_run("PostgreSQL is not reachable")
    with postgres_database() as url:
        settings = Settings(database_url=url, session_dir=tmp_path, secret_key="t" * 64)
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        with psycopg.connect(url, autocommit=True) as listener:
            with command_line(settings, engine), transaction(engine) as s:
                company = accounts.create_company(
                    s, slug="cli", name="Cli", timezone="UTC", now=_now()
                )
                listener.execute(f'LISTEN "company:{company.id}"')
            heard = next(listener.notifies(timeout=5, stop_after=1))
        engine.dispose()
    assert feed.HOURS in feed.decode(heard.payload).topics


def test_a_page_is_not_told_to_refetch_the_fragment_its_own_request_answered():
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from litestar.channels.backends.memory import MemoryChannelsBackend

    from app.live import live_events

    async def scenario() -> list[str]:
        plugin = ChannelsPlugin(backend=MemoryChannelsBackend(), arbitrary_channels_allowed=True)
        async with plugin:
            pick = phone_events("me")
            stream = live_events(plugin, "company:x", pick, ping_seconds=5, page="p1")
            assert (await anext(stream)).event == "ready"
            mine = feed.Change({P}, {"me"}, origin=("p1", "presence"))  # my own tap
            other = feed.Change({P}, {"me"}, origin=("p2", "presence"))  # my other device's
            plugin.publish(mine.encode(), "company:x")
            plugin.publish(other.encode(), "company:x")
            seen = [str((await anext(stream)).event) for _ in range(6)]
            await stream.aclose()
        return seen

    with ThreadPoolExecutor(1) as pool:
        seen = pool.submit(asyncio.run, scenario()).result(10)
    assert seen[:2] == ["teams", "mates"]  # the tap answered the card and the panel itself
    assert seen[2:] == ["status", "profiles", "teams", "mates"]


# Phone systems: (route, what the step changes that a live screen shows). A call's answer locks
# the rep "On a call" and its end releases them; the presence line changes the caller's status;
# the hook's turn is rotation. dial-next, the presence menu and a recording change nothing a live
# screen shows (the recording is on the log, which is not live).
TELEPHONY_CASES = [
    ("/integrations/twilio/{company_slug:str}/voice", {R}),
    ("/integrations/twilio/{company_slug:str}/dial-next", set()),
    ("/integrations/twilio/{company_slug:str}/call-status", {P}),
    ("/integrations/twilio/{company_slug:str}/recording", set()),
    ("/integrations/twilio/{company_slug:str}/presence", set()),
    ("/integrations/twilio/{company_slug:str}/presence/{step:str}", {P}),
    ("/integrations/pbx/next", {R}),
]


def test_a_calls_answer_and_end_reach_the_live_screens(client, world, published, engine):
    from app.services import presence as presence_service
    from tests.api.test_twilio import SID, TOKEN, path_of, twilio, xml

    r = client.put(
        "/api/v1/integrations/twilio",
        json={"account_sid": SID, "auth_token": TOKEN},
        headers=world.admin(),
    )
    assert r.status_code == 200, r.text
    with transaction(engine) as s:
        dana = s.get(Rep, world.dana.id)
        dana.phone = "+12125550001"
        presence_service.change(s, dana, status="available", now=_now())
    published.take()
    seen: dict[str, set[str]] = {}

    def step(route: str, path: str, params: dict[str, str]):  # type: ignore[no-untyped-def]
        root = xml(twilio(client, path, params))
        found = published.take()
        seen[route] = topics(found, world.company.id)
        return root, found

    base = "/integrations/twilio/{company_slug:str}"
    root, _ = step(f"{base}/voice", "/integrations/twilio/acme/voice?team=sales", {"CallSid": "C1"})
    dial = root.find("Dial")
    status = path_of(dial.find("Number").get("statusCallback"))
    _, found = step(f"{base}/call-status", status, {"CallSid": "C1", "CallStatus": "in-progress"})
    assert P in topics(found, world.company.id)  # Dana: "On a call" on every live screen
    assert any(world.dana.id in change.reps for _, change in found)
    _, found = step(f"{base}/call-status", status, {"CallSid": "C1", "CallStatus": "completed"})
    assert P in topics(found, world.company.id)  # the lock ends: her own status again
    assert any(world.dana.id in change.reps for _, change in found)
    done = {"CallSid": "C1", "DialCallStatus": "completed"}
    step(f"{base}/dial-next", path_of(dial.get("action")), done)
    assignment = dial.get("action").split("assignment=")[1].split("&")[0]
    url = f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Recordings/RE1"
    step(f"{base}/recording", f"/integrations/twilio/acme/recording?assignment={assignment}",
         {"CallSid": "C1", "RecordingUrl": url})  # fmt: skip
    caller = {"CallSid": "C2", "From": "+12125550001"}
    step(f"{base}/presence", "/integrations/twilio/acme/presence", caller)
    step(f"{base}/presence/{{step:str}}", "/integrations/twilio/acme/presence/menu?tries=1",
         {**caller, "Digits": "0"})  # fmt: skip
    r = client.get(f"/integrations/pbx/next?team=sales&token={world.assign_token}")
    assert r.status_code == 200, r.text
    seen["/integrations/pbx/next"] = topics(published.take(), world.company.id)
    for route, expected in TELEPHONY_CASES:
        assert expected <= seen[route], (route, seen[route])


# An offer answered on the Phone tab (the rep signed in) or for the rep through the API.
OFFER_CASES = [
    "/assignments/{assignment_id:str}/decline",
    "/assignments/{assignment_id:str}/accept",
    "/api/v1/assignments/{assignment_id:str}/decline",
    "/api/v1/assignments/{assignment_id:str}/accept",
]


def test_answering_an_offer_reaches_the_phone_tabs(client, world, published, engine):
    from app.models import Team
    from tests.builders import available

    available(world, world.dana, world.lee)
    with transaction(engine) as s:
        s.exec(select(Team).where(Team.slug == "sales")).one().offer_seconds = 60
    assert sign_in(client, "dana@acme.test").status_code == 303
    lead = {"team": "sales", "kind": "lead"}
    for route in OFFER_CASES:
        r = client.post("/api/v1/assignments", headers=world.assign(), json=lead)
        answer = r.json()
        assert R in topics(published.take(), world.company.id)  # offered: the Phone tab hears it
        url = route.replace("{assignment_id:str}", answer["id"])
        rep = answer["assignee"]["id"]
        if route.startswith("/api/"):
            r = client.post(url, headers=world.assign(), json={"rep": rep})
        else:  # the Phone tab's buttons: Dana is signed in and each lead is offered to her
            assert rep == world.dana.id, answer
            r = post(client, url, headers=HX)
        assert r.status_code == 200, (route, r.text)
        found = topics(published.take(), world.company.id)
        assert feed.OFFERS in found and "offer" in phone_events(rep)(feed.Change(found)), route
