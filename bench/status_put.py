"""PUT /reps/{id}/status latency: 1,000 sequential requests, one server process, SQLite.

Run: python -m bench.status_put
"""

import time

import httpx

from bench.common import company_token, percentile, server

N = 1000
CYCLE = ["available", "away", "busy", "offline"]


def main() -> None:
    with server() as (url, env):
        token = company_token(env)
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=url, headers=headers) as c:
            rep = c.post("/api/v1/reps", json={"name": "Dana", "email": "dana@bench.test"}).json()
            path = f"/api/v1/reps/{rep['id']}/status"
            for i in range(50):  # warm up
                c.put(path, json={"status": CYCLE[i % 4]})
            times = []
            for i in range(N):
                t = time.perf_counter()
                r = c.put(path, json={"status": CYCLE[i % 4], "note": f"n{i}"})
                times.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200, r.text
    print(
        f"status PUT over {N} requests (1 process, SQLite): "
        f"p50 {percentile(times, 50):.2f} ms, p99 {percentile(times, 99):.2f} ms, "
        f"max {max(times):.2f} ms"
    )


if __name__ == "__main__":
    main()
