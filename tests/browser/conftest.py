"""A demo server and Debian's Chromium at a phone-sized viewport, shared by the browser tests."""

import os
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.conftest import must_run, postgres_reachable
from tests.live import Server, postgres_database, run_cli, server_env

CHROMIUM = os.environ.get("ONDECK_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
PASSWORD = "ondeck-demo-2026"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`python -m app serve` on the demo company (PostgreSQL when the suite runs on it)."""
    tmp: Path = tmp_path_factory.mktemp("live")
    with ExitStack() as stack:
        if os.environ.get("ONDECK_TEST_DATABASE") == "postgres":
            if not postgres_reachable():
                must_run("PostgreSQL is not reachable")
            url = stack.enter_context(postgres_database())
        else:
            url = f"sqlite:///{tmp / 'demo.db'}"
        env = server_env(url, tmp)
        run_cli(env, "demo")
        server = Server(env)
        stack.callback(server.stop)
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (its own browser download is not used)."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        must_run(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def phone(browser, demo_server):  # type: ignore[no-untyped-def]
    """A fresh phone-sized browser context on the demo server."""
    context = browser.new_context(
        viewport=PHONE,
        base_url=demo_server.url,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, email: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the form, landing on the Phone tab."""
    page.goto("/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
