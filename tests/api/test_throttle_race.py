"""100 wrong passwords or PINs at once against a real server: at most 5 verdicts (20 per address).

Runs on the database of the pass (SQLite, or PostgreSQL with ONDECK_TEST_DATABASE=postgres), where
the counters used to be read-modify-write: 100 concurrent wrong PINs all got 403, and wrong
passwords got 82 verdicts and a 500 (duplicate key on the throttle table).
"""

import os
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, col, select

from app.db import make_engine, transaction
from app.migrations import upgrade
from app.models import Throttle
from app.services import accounts, team_pin, teams
from tests.builders import PASSWORD
from tests.live import Server, postgres_database, server_env

N = 100


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    """An empty database of the pass's kind, for one server."""
    if os.environ.get("ONDECK_TEST_DATABASE") == "postgres":
        with postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'race.db'}"


@pytest.fixture
def server(database: str, tmp_path: Path) -> Iterator[tuple[Server, str]]:
    """Two workers on a company with a manager (password PASSWORD), a team with PIN 2468."""
    upgrade(database)
    engine = make_engine(database)
    now = datetime.now(UTC)
    with transaction(engine) as s:
        company = accounts.create_company(s, slug="acme", name="Acme", timezone="UTC", now=now)
        boss = accounts.add_person(
            s, company, name="Boss", email="boss@acme.test", role="manager", now=now
        ).rep
        accounts.set_password(s, boss, PASSWORD)
        for i in range(N):
            accounts.add_person(s, company, name=f"Rep {i}", email=f"rep{i}@acme.test", now=now)
        team = teams.create(s, company, slug="sales", name="Sales", members=[], now=now)
        team.pin_hash = team_pin.hash_pin("2468")
        token = accounts.create_token(s, company, "crm", "assign", now).secret
    engine.dispose()
    srv = Server(server_env(database, tmp_path), workers=2)
    try:
        yield srv, token
    finally:
        srv.stop()


Call = Callable[[httpx.Client, int, dict[str, str]], httpx.Response]


def at_once(n: int, call: Call, prepare: Callable[[httpx.Client], dict[str, str]]) -> Counter[int]:
    """n calls released at the same instant, each on its own connection (prepared first, e.g.
    with a CSRF token): their status codes."""
    barrier = threading.Barrier(n)
    codes: list[int | BaseException] = [0] * n

    def run(i: int, client: httpx.Client) -> None:
        try:
            extra = prepare(client)
        finally:
            barrier.wait()
        try:
            codes[i] = call(client, i, extra).status_code
        except BaseException as exc:  # noqa: BLE001 - reported below
            codes[i] = exc

    clients = [httpx.Client(timeout=120) for _ in range(n)]
    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in clients:
        c.close()
    errors = [c for c in codes if not isinstance(c, int)]
    assert not errors, errors[:3]
    return Counter(c for c in codes if isinstance(c, int))


def csrf(srv: Server, client: httpx.Client) -> dict[str, str]:
    """The sign-in form's CSRF field, after fetching the page as a browser would."""
    page = client.get(srv.url + "/signin").text
    return {"_csrf_token": page.split('name="_csrf_token" value="', 1)[1].split('"', 1)[0]}


def test_a_hundred_wrong_passwords_at_once_get_at_most_five_verdicts(server):
    srv, _ = server

    def wrong(client: httpx.Client, i: int, form: dict[str, str]) -> httpx.Response:
        data = {**form, "email": "boss@acme.test", "password": f"wrong {i}"}
        return client.post(srv.url + "/signin", data=data)

    codes = at_once(N, wrong, lambda c: csrf(srv, c))
    assert set(codes) <= {401, 429}, codes
    assert codes[401] <= 5, codes
    with httpx.Client() as c:
        data = {**csrf(srv, c), "email": "boss@acme.test", "password": PASSWORD}
        assert c.post(srv.url + "/signin", data=data).status_code == 429  # locked, even so


def test_a_hundred_wrong_passwords_from_one_address_get_at_most_twenty_verdicts(server):
    srv, _ = server

    def wrong(client: httpx.Client, i: int, form: dict[str, str]) -> httpx.Response:
        data = {**form, "email": f"rep{i}@acme.test", "password": "wrong password"}
        return client.post(srv.url + "/signin", data=data)

    codes = at_once(N, wrong, lambda c: csrf(srv, c))
    assert set(codes) <= {401, 429}, codes
    assert codes[401] <= 20, codes


def test_a_hundred_wrong_pins_at_once_get_at_most_five_verdicts_and_lock(server, database):
    srv, token = server
    headers = {"Authorization": f"Bearer {token}"}
    url = srv.url + "/api/v1/teams/sales/override"

    def wrong(client: httpx.Client, i: int, _: dict[str, str]) -> httpx.Response:
        pin = {"X-Team-Pin": f"{1000 + i}"}
        return client.put(url, headers={**headers, **pin}, json={"state": "away"})

    codes = at_once(N, wrong, lambda c: {})
    assert set(codes) <= {403, 429}, codes
    assert codes[403] <= 4, codes  # the fifth wrong PIN answers 429: it starts the lock
    right = httpx.put(url, headers={**headers, "X-Team-Pin": "2468"}, json={"state": "away"})
    assert right.status_code == 429
    engine = make_engine(database)
    with Session(engine) as s:
        rows = s.exec(select(Throttle).where(col(Throttle.key).startswith("pin:team:"))).all()
    engine.dispose()
    assert [row.failures for row in rows] == [N + 1]  # every attempt was counted
