"""Twilio voice webhook latency: 500 sequential signed calls to a team's number (each a new
CallSid: a hook run, a turn and the TwiML), one server process, SQLite. Twilio waits at most
15 s and the caller hears silence meanwhile.

Run: python -m bench.twilio_voice
"""

import os
import time

import httpx
from twilio.request_validator import RequestValidator

from bench.common import company_token, percentile, server

N = 500
TOKEN = "f" * 32
PUBLIC = "http://ondeck.example"  # the ONDECK_BASE_URL Twilio would call: what it signs


def main() -> None:
    os.environ["ONDECK_BASE_URL"] = PUBLIC  # the URL signatures are checked against
    with server() as (url, env):
        admin = {"Authorization": f"Bearer {company_token(env)}"}
        with httpx.Client(base_url=url) as c:
            body = {"account_sid": "AC" + "0" * 32, "auth_token": TOKEN, "answer_seconds": 20}
            assert c.put("/api/v1/integrations/twilio", json=body, headers=admin).is_success
            always = {
                d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
            }
            assert c.patch("/api/v1/company", json={"hours": always}, headers=admin).is_success
            members = []
            for i in range(5):
                rep = {"name": f"Rep {i}", "email": f"r{i}@bench.test", "phone": f"+1212555010{i}"}
                rid = c.post("/api/v1/reps", json=rep, headers=admin).json()["id"]
                c.put(f"/api/v1/reps/{rid}/status", json={"status": "available"}, headers=admin)
                members.append(rid)
            team = {"slug": "sales", "name": "Sales", "members": members}
            assert c.post("/api/v1/teams", json=team, headers=admin).is_success
            path = "/integrations/twilio/bench/voice?team=sales"
            validator = RequestValidator(TOKEN)
            times = []
            for i in range(N + 50):
                params = {"CallSid": f"CA{i:032d}", "From": "+13125550000", "To": "+13125550001"}
                sig = validator.compute_signature(PUBLIC + path, params)
                t = time.perf_counter()
                r = c.post(path, data=params, headers={"X-Twilio-Signature": sig})
                elapsed = (time.perf_counter() - t) * 1000
                assert r.status_code == 200 and "<Dial" in r.text, r.text
                if i >= 50:  # the first 50 warm up
                    times.append(elapsed)
    print(
        f"Twilio voice webhook over {N} calls (1 process, SQLite, 5 available reps): "
        f"p50 {percentile(times, 50):.2f} ms, p99 {percentile(times, 99):.2f} ms, "
        f"max {max(times):.2f} ms"
    )


if __name__ == "__main__":
    main()
