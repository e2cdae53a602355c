"""The Team tab: the live board, contradictions, a manager's status change, charts, access."""

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend
from sqlmodel import select

from app import feed
from app.db import transaction
from app.live import everything, live_events
from app.models import Assignment, Rep, StatusEvent
from tests.builders import make_company, make_rep
from tests.conftest import shared_fixtures
from tests.web.helpers import post, sign_in

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

HX = {"HX-Request": "true"}


def text_of(html: str) -> str:
    """The visible words of some HTML, tags dropped and spaces squeezed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def rep_card(html: str, rep_id: str) -> str:
    """The words of one rep's card on the board."""
    cards = [c for c in html.split('<li class="board-rep')[1:] if f'id="rep-{rep_id}"' in c]
    assert cards, f"rep {rep_id} is not on the board"
    return text_of(cards[0].split(">", 1)[1])


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The body rows of a table (a chart's text alternative) as lists of cell texts."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    assert table, f"no table {table_id}"
    body = table.group(0).split("<tbody>", 1)[1]
    return [
        [text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def counts_only(rows: list[list[str]]) -> list[list[str]]:
    """A fairness table's counts without its targets (each "(target …)", the last column)."""
    return [[c.split(" (target")[0] for c in row[:-1]] for row in rows]


def set_status(client, w, rep, **body):
    r = client.put(f"/api/v1/reps/{rep.id}/status", headers=w.admin(), json=body)
    assert r.status_code == 200, r.text
    return r.json()


def make_team(client, w, *people, slug="sales", name="Sales"):
    body = {"slug": slug, "name": name, "members": [x.id for x in people]}
    r = client.post("/api/v1/teams", headers=w.admin(), json=body)
    assert r.status_code == 201, r.text


def board(client) -> str:
    r = client.get("/team/board", headers=HX)
    assert r.status_code == 200, r.text
    return r.text


@pytest.fixture
def world(client, engine):
    """Acme with Dana and Sam, the manager signed in."""
    w = make_company(engine)
    w.dana = make_rep(w, "Dana Cruz")
    w.sam = make_rep(w, "Sam Ortiz")
    sign_in(client, "boss@acme.test")
    return w


# --- the board -----------------------------------------------------------------------------------


def test_board_lists_every_rep_with_status_note_until_and_hours(client, world, clock):
    until = (clock.now() + timedelta(hours=1)).isoformat()
    set_status(client, world, world.dana, status="busy", note="Demo call", until=until)
    set_status(client, world, world.sam, status="available")
    html = board(client)
    dana = rep_card(html, world.dana.id)
    assert "Dana Cruz" in dana and "Busy" in dana and "“Demo call”" in dana
    assert "until 12:00, then Available" in dana  # 16:00 UTC = 12:00 in New York
    assert "In hours until 17:00" in dana
    assert "Available" in rep_card(html, world.sam.id)
    assert "1 Busy" in text_of(html) and "1 Available" in text_of(html)


def test_board_page_connects_to_the_event_stream_and_refetches_on_board_events(client, world):
    page = client.get("/team")
    assert page.status_code == 200
    assert 'sse-connect="/team/events?page=' in page.text and 'hx-ext="sse"' in page.text
    assert (
        'hx-trigger="sse:board, catch-up"' in page.text
        and 'data-catch-up="#board"' in page.text
        and 'hx-get="/team/board"' in page.text
    )
    assert "/static/vendor/htmx-ext-sse-2.2.4.js" in page.text
    assert "<html" not in board(client)  # htmx gets only the contents


def test_available_rep_outside_company_hours_is_marked_in_red_with_a_reason(client, world, clock):
    set_status(client, world, world.dana, status="available")
    set_status(client, world, world.sam, status="offline")
    assert "board-alerts" not in board(client)
    clock.fixed = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)  # 19:00 in New York
    html = board(client)
    assert "Available while the company is closed" in rep_card(html, world.dana.id)
    assert "has-alert" in html and "1 needs a look" in text_of(html)
    assert "board-alerts" not in rep_card(html, world.sam.id)  # offline after hours is fine


def test_available_rep_on_time_off_or_a_holiday_is_marked(client, world):
    set_status(client, world, world.dana, status="available")
    set_status(client, world, world.sam, status="available")
    r = client.post(
        f"/api/v1/reps/{world.dana.id}/time-off", headers=world.admin(), json={"date": "2026-03-09"}
    )
    assert r.status_code == 201, r.text
    html = board(client)
    assert "Available but on time off" in rep_card(html, world.dana.id)
    assert "Time off until" in rep_card(html, world.dana.id)
    r = client.post(
        "/api/v1/holidays", headers=world.admin(), json={"date": "2026-03-09", "name": "Founders"}
    )
    assert r.status_code == 201, r.text
    html = board(client)
    assert "Holiday: Founders" in rep_card(html, world.sam.id)
    assert "Available on a company holiday" in rep_card(html, world.sam.id)


def test_busy_for_longer_than_the_alert_limit_is_marked(client, world, clock):
    set_status(client, world, world.dana, status="busy")
    clock.fixed = clock.now() + timedelta(minutes=89)
    assert "Busy for" not in rep_card(board(client), world.dana.id)
    clock.fixed = clock.now() + timedelta(minutes=36)
    assert "Busy for 2 h 5 min" in rep_card(board(client), world.dana.id)


def test_profile_and_live_state_disagreeing_is_marked(client, world, engine):
    with transaction(engine) as s:
        dana = s.get(Rep, world.dana.id)
        from app.services import profiles

        working = profiles.listing(s, dana)[0]
        profiles.apply(s, dana, working.id, datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
    assert "board-alerts" not in rep_card(board(client), world.dana.id)
    assert "Profile: Working" in rep_card(board(client), world.dana.id)
    set_status(client, world, world.dana, status="busy", note="Grabbed by the CRM")
    assert "Profile “Working” says Available" in rep_card(board(client), world.dana.id)


def test_a_presence_lock_shows_on_a_call_and_the_status_it_returns_to(client, world):
    set_status(client, world, world.dana, status="available")
    r = client.put(f"/api/v1/reps/{world.dana.id}/lock", headers=world.admin(), json={})
    assert r.status_code == 200, r.text
    dana = rep_card(board(client), world.dana.id)
    assert "On a call" in dana and "returns to Available" in dana
    assert 'chip is-busy">On a call' in board(client)
    client.delete(f"/api/v1/reps/{world.dana.id}/lock", headers=world.admin())
    assert 'chip is-available">Available' in board(client)


def test_place_in_line_per_team_follows_the_assigner(client, world):
    make_team(client, world, world.dana, world.sam)
    set_status(client, world, world.dana, status="available")
    set_status(client, world, world.sam, status="away")
    html = board(client)
    assert "Sales: next in line" in rep_card(html, world.dana.id)
    assert "Sales: 2nd in line" in rep_card(html, world.sam.id)
    r = client.post(
        "/api/v1/assignments", headers=world.admin(), json={"team": "sales", "kind": "lead"}
    )
    assert r.status_code == 201, r.text
    set_status(client, world, world.sam, status="available")
    html = board(client)
    assert "Sales: 2nd for leads, next for calls" in rep_card(html, world.dana.id)
    set_status(client, world, world.sam, status="busy")
    assert "Sales: not in line (busy)" in rep_card(board(client), world.sam.id)


def test_an_expired_timed_status_shows_on_the_board_and_the_board_refetches_then(
    client, world, clock
):
    until = clock.now() + timedelta(minutes=30)
    set_status(client, world, world.dana, status="busy", until=until.isoformat())
    html = board(client)
    assert 'hx-trigger="load delay:1801s"' in html  # the board fetches itself when it runs out
    clock.fixed = until + timedelta(seconds=5)
    dana = rep_card(board(client), world.dana.id)
    assert "Available" in dana and "Busy ended 11:30" in dana


def test_a_rep_sees_a_read_only_board_without_alerts_or_manager_links(client, world, clock):
    set_status(client, world, world.dana, status="available")
    clock.fixed = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)
    client.cookies.clear()
    sign_in(client, "sam.ortiz@acme.test")
    page = client.get("/team/board")
    assert page.status_code == 200 and "Dana Cruz" in page.text
    assert "/team/reps/" not in page.text and "board-alerts" not in page.text


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/team"),
        ("get", "/team/charts"),
        ("get", "/team/reps/{id}"),
        ("post", "/team/reps/{id}/status"),
    ],
)
def test_reps_cannot_use_manager_routes(client, world, method, path):
    client.cookies.clear()
    sign_in(client, "sam.ortiz@acme.test")
    url = path.format(id=world.dana.id)
    r = client.get(url) if method == "get" else post(client, url, {"status": "busy", "reason": "x"})
    assert r.status_code == 403
    assert set_status  # the rep's status is untouched below
    assert client.get("/team/board").status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_companys_rep_is_not_found(client, world, engine, method):
    other = make_company(engine, slug="globex")
    stranger = make_rep(other, "Stranger")
    url = f"/team/reps/{stranger.id}"
    if method == "get":
        r = client.get(url)
    else:
        r = post(client, url + "/status", {"status": "busy", "reason": "Because"})
    assert r.status_code == 404
    with transaction(engine) as s:
        assert s.get(Rep, stranger.id).status == "offline"


# --- a manager changes a rep's status ------------------------------------------------------------


def test_manager_changes_a_reps_status_with_a_reason_recorded_as_an_event(
    client, world, engine, clock
):
    r = post(
        client,
        f"/team/reps/{world.dana.id}/status",
        {"status": "busy", "note": "In the QBR", "until": "1h", "reason": "Pulled into the QBR"},
    )
    assert r.status_code == 303 and r.headers["location"] == f"/team/reps/{world.dana.id}?saved=1"
    with transaction(engine) as s:
        dana = s.get(Rep, world.dana.id)
        assert dana.status == "busy" and dana.note == "In the QBR"
        assert dana.until == datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
        event = s.exec(select(StatusEvent).where(StatusEvent.rep_id == dana.id)).one()
    assert (event.by, event.by_rep_id, event.note) == (
        "manager",
        world.manager.id,
        "Pulled into the QBR",
    )
    assert (event.from_status, event.to_status) == ("offline", "busy")
    clock.fixed = clock.now() + timedelta(minutes=30)
    page = client.get(f"/team/reps/{world.dana.id}?saved=1")
    assert "Status changed." in page.text
    rows = table_rows(page.text, "timeline-chart-table")
    assert rows == [
        ["00:00", "11:00", "Offline", "660", ""],
        ["11:00", "11:30", "Busy", "30", "Pulled into the QBR · by manager"],
    ]


def test_manager_status_change_without_a_reason_is_refused_inline(client, world, engine):
    r = post(client, f"/team/reps/{world.dana.id}/status", {"status": "busy", "reason": " "})
    assert r.status_code == 422
    assert "Say why" in r.text and 'aria-invalid="true"' in r.text
    with transaction(engine) as s:
        assert s.get(Rep, world.dana.id).status == "offline"
        assert not s.exec(select(StatusEvent)).all()


def test_manager_change_keeps_the_reps_profile_so_the_drift_shows(client, world, engine):
    with transaction(engine) as s:
        from app.services import profiles

        dana = s.get(Rep, world.dana.id)
        profiles.apply(
            s, dana, profiles.listing(s, dana)[0].id, datetime(2026, 3, 9, 15, tzinfo=UTC)
        )
    post(client, f"/team/reps/{world.dana.id}/status", {"status": "away", "reason": "Coverage"})
    with transaction(engine) as s:
        dana = s.get(Rep, world.dana.id)
        assert dana.profile_id is not None
        assert profiles.panel(s, dana, datetime(2026, 3, 9, 15, 1, tzinfo=UTC)).drift


# --- live events ----------------------------------------------------------------------------------


def test_event_stream_says_ready_once_listening_then_board_after_each_change():
    async def scenario() -> list[str]:
        plugin = ChannelsPlugin(backend=MemoryChannelsBackend(), arbitrary_channels_allowed=True)
        async with plugin:
            stream = live_events(plugin, "company:x", everything("board"), ping_seconds=0.05)
            seen = [(await anext(stream)).event]
            seen.append((await anext(stream)).comment)  # quiet: a keep-alive comment
            change = feed.Change({feed.PRESENCE}).encode()
            plugin.publish(change, "company:y")  # another company's change is not ours
            plugin.publish(change, "company:x")
            msg = await anext(stream)
            while msg.comment:
                msg = await anext(stream)
            seen.append(msg.event)
            await stream.aclose()
        return [str(x) for x in seen]

    # A thread of its own: Playwright's sync API may hold this thread's event loop.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, scenario()).result(10) == ["ready", "ping", "board"]


def test_a_status_change_commits_before_the_board_event_is_published(client, world, app):
    published = []
    plugin = app.plugins.get(ChannelsPlugin)
    original = plugin.publish
    plugin.publish = lambda data, channels: published.append((data, channels))  # type: ignore[method-assign]
    try:
        set_status(client, world, world.dana, status="away")
    finally:
        plugin.publish = original  # type: ignore[method-assign]
    assert [channels for _data, channels in published] == [[f"company:{world.company.id}"]]
    change = feed.decode(published[0][0])
    assert feed.PRESENCE in change.topics and world.dana.id in change.reps


# --- charts ---------------------------------------------------------------------------------------


def _assign(engine, w, rep, at, team="sales", kind="lead"):
    with transaction(engine) as s:
        s.add(
            Assignment(
                company_id=w.company.id,
                team_slug=team,
                kind=kind,
                assignee_id=rep.id if rep else None,
                reason="assigned" if rep else "nobody_available",
                answer={},
                created_at=at,
            )
        )


def test_fairness_chart_counts_assignments_per_rep_per_day_and_week(client, world, engine):
    make_team(client, world, world.dana, world.sam)
    monday = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
    for at in (monday, monday, monday - timedelta(days=1), monday - timedelta(days=8)):
        _assign(engine, world, world.dana, at)
    _assign(engine, world, world.sam, monday)
    _assign(engine, world, world.sam, monday, kind="call")
    _assign(engine, world, None, monday)
    page = client.get("/team/charts?team=sales&kind=lead&period=day")
    assert page.status_code == 200
    rows = table_rows(page.text, "fair-table")
    assert [r[-1] for r in rows] == ["2", "2"]  # targets by (equal) weight: half of 4 each
    assert rows[0][6:8] == ["1 (target 0.5)", "2 (target 1.5)"]
    rows = counts_only(rows)
    assert rows == [
        ["Dana Cruz", "0", "0", "0", "0", "0", "1", "2", "3"],
        ["Sam Ortiz", "0", "0", "0", "0", "0", "0", "1", "1"],
    ]
    assert "a spread of 2" in page.text and "<svg" in page.text
    assert "Tue 3 Mar" in page.text and "Mon 9 Mar" in page.text
    weeks = counts_only(
        table_rows(client.get("/team/charts?team=sales&period=week").text, "fair-table")
    )
    assert weeks == [["Dana Cruz", "0", "1", "1", "2", "4"], ["Sam Ortiz", "0", "0", "0", "1", "1"]]
    calls = counts_only(
        table_rows(client.get("/team/charts?team=sales&kind=call").text, "fair-table")
    )
    assert [r[-1] for r in calls] == ["0", "1"]


def test_coverage_chart_counts_eligible_reps_per_hour_for_the_next_week(client, world):
    make_team(client, world, world.dana, world.sam)
    r = client.post(
        f"/api/v1/reps/{world.sam.id}/time-off", headers=world.admin(), json={"date": "2026-03-10"}
    )
    assert r.status_code == 201
    page = client.get("/team/charts?team=sales")
    rows = table_rows(page.text, "cov-table")
    assert [r[0] for r in rows] == [
        "Mon 9 Mar",
        "Tue 10 Mar",
        "Wed 11 Mar",
        "Thu 12 Mar",
        "Fri 13 Mar",
        "Sat 14 Mar",
        "Sun 15 Mar",
    ]
    assert rows[0][1:] == ["2"] * 8  # 09:00 to 16:00, everyone (status aside)
    assert rows[1][1:] == ["1"] * 8  # Sam's day off
    assert rows[5][1:] == ["0"] * 8  # closed on Saturday
    assert "09:00" in page.text and "16:00" in page.text and "17:00" not in page.text


def test_charts_page_without_teams_says_so(client, world):
    page = client.get("/team/charts")
    assert page.status_code == 200 and "No teams yet" in page.text
