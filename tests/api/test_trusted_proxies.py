"""Behind a reverse proxy: X-Forwarded-For is believed only from ONDECK_TRUSTED_PROXIES.

Without the setting every client behind a proxy shares the proxy's address, so 20 wrong sign-ins
lock out the whole company; with it the throttle sees each client. A client that is not a trusted
proxy cannot choose its address (or dodge the throttle) with the header.
"""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from app.db import make_engine, transaction
from app.migrations import upgrade
from app.services import accounts
from tests.live import Server, server_env

WRONG = 20  # the per-address limit


def seed(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    now = datetime.now(UTC)
    with transaction(engine) as s:
        company = accounts.create_company(s, slug="acme", name="Acme", timezone="UTC", now=now)
        for i in range(WRONG + 2):
            accounts.add_person(s, company, name=f"Rep {i}", email=f"rep{i}@acme.test", now=now)
    engine.dispose()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[[str], Server]]:
    """Start a server (SQLite: proxy headers do not depend on the database) with a setting."""
    started: list[Server] = []

    def start(trusted: str) -> Server:
        url = f"sqlite:///{tmp_path / f'proxy{len(started)}.db'}"
        seed(url)
        extra = {"ONDECK_TRUSTED_PROXIES": trusted} if trusted else {}
        server = Server(server_env(url, tmp_path, **extra))
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def sign_in_from(server: Server, client_address: str, i: int) -> int:
    """A wrong sign-in relayed by a proxy at 127.0.0.1 for `client_address`."""
    with httpx.Client(base_url=server.url) as c:
        page = c.get("/signin").text
        token = page.split('name="_csrf_token" value="', 1)[1].split('"', 1)[0]
        form = {"_csrf_token": token, "email": f"rep{i}@acme.test", "password": "wrong password"}
        headers = {"X-Forwarded-For": client_address, "X-Forwarded-Proto": "https"}
        return c.post("/signin", data=form, headers=headers).status_code


def lock_out(server: Server, address: str) -> list[int]:
    return [sign_in_from(server, address, i) for i in range(WRONG)]


def test_a_trusted_proxy_s_clients_are_throttled_one_by_one(serve):
    server = serve("127.0.0.1, 10.0.0.0/8")
    assert lock_out(server, "203.0.113.7") == [401] * WRONG
    assert sign_in_from(server, "203.0.113.7", WRONG) == 429  # that client is locked out...
    assert sign_in_from(server, "198.51.100.20", WRONG) == 401  # ...the next one is not


def test_forwarded_headers_are_ignored_without_the_setting(serve):
    server = serve("")
    lock_out(server, "203.0.113.7")
    assert sign_in_from(server, "198.51.100.20", WRONG) == 429  # the header changes nothing


def test_forwarded_headers_from_an_untrusted_address_are_ignored(serve):
    server = serve("10.0.0.0/8")  # the proxy is elsewhere; this client at 127.0.0.1 is not it
    for i in range(WRONG):
        sign_in_from(server, f"203.0.113.{i + 1}", i)  # a new address each time: no escape
    assert sign_in_from(server, "198.51.100.20", WRONG) == 429
