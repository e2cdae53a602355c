"""The outbox's cost to the hook, and delivery latency: one worker, SQLite, wrk (32 connections).

Run: python -m bench.webhooks_out [--seconds 10] [--events 200]
Prints the hook's requests/s and p99 with 0 and with 3 webhook endpoints subscribed to
assignment.created (a local receiver answering 200; delivery runs in the same worker meanwhile),
then delivery latency p50/p99 from the hook's answer (its commit) to the receiver's receipt.
Needs wrk (apt-get install -y wrk).
"""

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.common import free_port, percentile
from bench.hook import LUA, seed, serve, stop, wrk

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.receiver import start_receiver  # noqa: E402


def subscribe(url: str, receiver_url: str, count: int) -> None:
    """`count` endpoints of the bench company, every one wanting assignment.created."""
    from app.db import make_engine, transaction
    from app.services import accounts, webhooks

    engine = make_engine(url)
    policy = webhooks.Policy(False, True, "h" * 64)
    with transaction(engine) as s:
        co = accounts.company_by_slug(s, "bench")
        for _ in range(count):
            data = {"url": receiver_url, "events": ["assignment.created"]}
            webhooks.create(s, co, data, policy, datetime.now(UTC))
    engine.dispose()


def drain(url: str) -> float:
    """Wait until every delivery has left; answer how long that took (s)."""
    from sqlalchemy import text

    from app.db import make_engine

    engine, start = make_engine(url), time.monotonic()
    while True:
        with engine.connect() as conn:
            q = "SELECT count(*) FROM webhook_delivery WHERE state = 'pending'"
            if conn.execute(text(q)).scalar_one() == 0:
                break
        time.sleep(0.2)
    engine.dispose()
    return time.monotonic() - start


def latency(base: str, token: str, rec, events: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """p50 and p99 (ms) from each hook answer to its first receipt."""
    rec.got.clear()
    answered: dict[str, float] = {}
    with httpx.Client() as c:
        for _ in range(events):
            r = c.post(f"{base}/api/v1/assignments", headers={"Authorization": f"Bearer {token}"},
                       json={"team": "sales", "kind": "lead"})  # fmt: skip
            answered[r.json()["id"]] = time.monotonic()
            time.sleep(0.02)
    deadline = time.monotonic() + 30
    while len(rec.got) < events * 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    firsts: dict[str, float] = {}
    for got in rec.got:
        ident = json.loads(got.body)["data"]["id"]
        firsts.setdefault(ident, got.at)
    waits = [(firsts[i] - t) * 1000 for i, t in answered.items() if i in firsts]
    return percentile(waits, 50), percentile(waits, 99)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()
    rec = start_receiver()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for endpoints in (0, 3):
            url = f"sqlite:///{tmp}/wh-{endpoints}.db"
            env = {**os.environ, "ONDECK_DATABASE_URL": url, "ONDECK_SESSION_DIR": f"{tmp}/s",
                   "ONDECK_DEV_SECRET": "h" * 64}  # fmt: skip
            token = seed(url, env, 10, 0)
            subscribe(url, rec.url, endpoints)
            port = free_port()
            proc = serve([sys.executable, "-m", "app", "serve", "--port", str(port)], env, port)
            try:
                base = f"http://127.0.0.1:{port}"
                results[endpoints] = wrk(f"{base}/api/v1/assignments", LUA % token, args.seconds)
                print(f"hook, {endpoints} endpoints: {results[endpoints][0]:.0f} req/s, "
                      f"p99 {results[endpoints][1]:.1f} ms")  # fmt: skip
                if endpoints:
                    print(f"  backlog drained in {drain(url):.1f} s")
                    p50, p99 = latency(base, token, rec, args.events)
                    print(
                        f"delivery latency (commit to receipt): p50 {p50:.1f} ms, p99 {p99:.1f} ms"
                    )
            finally:
                stop(proc)
    cost = 1 - results[3][0] / results[0][0]
    print(f"outbox cost to the hook with 3 endpoints: {cost:.1%} of throughput")
    rec.close()


if __name__ == "__main__":
    main()
