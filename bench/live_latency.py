"""From an API change to the screens: how long until a rep's open Phone tab and a manager's open
board show it (Chromium at 390×844), over 20 changes; and the time of one status tap.

Run: python -m bench.live_latency              (one worker, SQLite)
     python -m bench.live_latency --postgres   (two workers, PostgreSQL: the change may go
                                               through one worker, the page through the other)
"""

import argparse
import statistics
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from playwright.sync_api import sync_playwright

from bench.common import cli, server

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "ondeck-demo-2026"
LEE = "+12125550102"
N = 20
CYCLE = ["away", "available"]
WATCH = """([selector, prefix]) => {
  window.__seen = {};
  const check = () => {
    const el = document.querySelector(selector);
    const found = el && el.textContent.match(new RegExp(prefix + "([0-9a-f]+-[0-9]+)"));
    if (found && !(found[1] in window.__seen)) window.__seen[found[1]] = Date.now();
  };
  const all = {childList: true, subtree: true, characterData: true};
  new MutationObserver(check).observe(document.body, all);
}"""


@contextmanager
def postgres_url() -> Iterator[str]:
    import psycopg

    admin = "postgresql://postgres@127.0.0.1:5432/test"
    name = f"ondeck_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sign_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def measure(url: str, env: dict[str, str]) -> dict[str, list[float]]:
    token = cli(env, "token", "create", "--org", "demo", "--name", "b", "--scope", "admin").split()[
        -1
    ]
    api = httpx.Client(base_url=url + "/api/v1", headers={"Authorization": f"Bearer {token}"})
    lee = api.get("/reps", params={"phone": LEE}).json()[0]["id"]
    taken: dict[str, list[float]] = {"phone": [], "board": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        screens = {}
        for name, email, path, ready in (
            ("phone", "lee@demo.ondeck.app", "/", "phone-ready"),
            ("board", "manager@demo.ondeck.app", "/team", "board-ready"),
        ):
            context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=url)
            page = context.new_page()
            sign_in(page, email)
            page.goto(path)
            page.wait_for_function(
                f"() => document.getElementById('{ready}')?.textContent === 'connected'"
            )
            page.evaluate(WATCH, ["#presence-now" if name == "phone" else "#board", "lat-"])
            screens[name] = page
        run = uuid.uuid4().hex[:6]
        for i in range(N):
            k = f"{run}-{i}"
            started = time.time() * 1000
            r = api.put(f"/reps/{lee}/status", json={"status": "busy", "note": f"lat-{k}"})
            assert r.status_code == 200, r.text
            for name, page in screens.items():
                page.wait_for_function("(k) => window.__seen[k]", arg=k, timeout=10_000)
                taken[name].append(float(page.evaluate("(k) => window.__seen[k]", k)) - started)
        browser.close()
    return taken


def tap_time(url: str, env: dict[str, str]) -> None:
    """The time of one status tap (POST /status as htmx sends it)."""
    with httpx.Client(base_url=url) as c:
        c.get("/signin")
        c.post(
            "/signin",
            data={
                "email": "lee@demo.ondeck.app",
                "password": PASSWORD,
                "_csrf_token": c.cookies["csrftoken"],
            },
        )
        times = []
        for i in range(50):
            t = time.perf_counter()
            r = c.post(
                "/status",
                data={
                    "status": ["away", "available"][i % 2],
                    "_csrf_token": c.cookies["csrftoken"],
                },
                headers={"HX-Request": "true"},
            )
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200
    print(f"status tap (POST /status, htmx): median {statistics.median(times):.1f} ms over 50")


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--postgres", action="store_true")
    opts = args.parse_args()
    if opts.postgres:
        with postgres_url() as db, server(workers=2, database_url=db) as (url, env):
            cli(env, "demo")
            report("2 workers, PostgreSQL", measure(url, env))
            tap_time(url, env)
    else:
        with server() as (url, env):
            cli(env, "demo")
            report("1 worker, SQLite", measure(url, env))
            tap_time(url, env)


def report(setup: str, taken: dict[str, list[float]]) -> None:
    for name, values in taken.items():
        print(
            f"API change -> {name} ({setup}): median {statistics.median(values):.0f} ms,"
            f" max {max(values):.0f} ms over {len(values)} changes"
        )


if __name__ == "__main__":
    main()
