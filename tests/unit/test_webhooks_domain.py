"""Events out, the pure rules: signatures, the retry schedule, verdicts and receiver URLs."""

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from app import vault
from app.domain import webhooks as wh
from app.domain.inputs import Invalid

T0 = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000]  # INTEGRATIONS.md, in seconds


@given(
    key=st.binary(min_size=32, max_size=32),
    msg=st.text(alphabet="abcdef0123456789_", min_size=1, max_size=40),
    ts=st.integers(min_value=0, max_value=2**40),
    body=st.binary(max_size=500),
)
def test_signature_is_hmac_sha256_of_id_timestamp_body(key, msg, ts, body):
    secret = wh.new_secret(key)
    expected = hmac.new(key, f"{msg}.{ts}.".encode() + body, hashlib.sha256).digest()
    assert wh.sign(secret, msg, ts, body) == "v1," + base64.b64encode(expected).decode()


@given(key=st.binary(min_size=32, max_size=32), text=st.text(max_size=200))
def test_the_standardwebhooks_package_accepts_our_headers(key, text):
    secret, raw = wh.new_secret(key), json.dumps({"type": "webhook.test", "data": text}).encode()
    headers = wh.headers(secret, "msg_1", int(time.time()), raw)
    assert Webhook(secret).verify(raw, headers)["data"] == text
    tampered = raw.replace(b"webhook.test", b"webhook.tesT")
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(tampered, headers)


def test_a_secret_is_whsec_and_32_bytes():
    secret = wh.new_secret(b"\x01" * 32)
    assert secret.startswith("whsec_") and wh.secret_key(secret) == b"\x01" * 32
    with pytest.raises(ValueError):
        wh.new_secret(b"short")


@given(attempts=st.integers(min_value=1, max_value=len(SCHEDULE)))
def test_retries_follow_the_schedule(attempts):
    assert wh.next_try(attempts, T0) == T0 + timedelta(seconds=SCHEDULE[attempts - 1])


@given(attempts=st.integers(min_value=-5, max_value=100))
def test_the_schedule_ends_after_eight_attempts(attempts):
    later = wh.next_try(attempts, T0)
    assert (later is None) == (attempts < 1 or attempts > 7)
    if later is not None:
        assert later > T0


def test_the_whole_schedule_spans_a_little_over_a_day():
    total = sum((d for d in wh.RETRY_AFTER), timedelta())
    assert total == timedelta(seconds=sum(SCHEDULE))


@given(code=st.integers(min_value=100, max_value=599))
def test_verdicts(code):
    v = wh.verdict(code)
    if 200 <= code < 300:
        assert v is wh.Verdict.DELIVERED
    elif code == 410:
        assert v is wh.Verdict.DISABLE
    else:
        assert v is wh.Verdict.RETRY
    assert wh.verdict(None) is wh.Verdict.RETRY


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "::1", "fe80::1",
     "fc00::1", "0.0.0.0", "::ffff:127.0.0.1", "100.64.0.1", "224.0.0.1", "nonsense"],
)  # fmt: skip
def test_private_addresses_are_refused(address):
    assert wh.refused_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.215.14", "2606:4700:4700::1111"])
def test_public_addresses_pass(address):
    assert not wh.refused_address(address)


def test_production_takes_https_only():
    assert wh.parse_url("https://a.example/x", production=True).port == 443
    assert wh.parse_url("http://a.example:8080/x", production=False).port == 8080
    with pytest.raises(Invalid) as exc:
        wh.parse_url("http://a.example/x", production=True)
    assert exc.value.field == "url"
    for bad in ("", "ftp://a/x", "https://", "https://a.example:99999/", "https://a b/"):
        with pytest.raises(Invalid):
            wh.parse_url(bad, production=False)


def test_events_are_known_and_unique():
    assert wh.check_events(["webhook.test", "webhook.test"]) == ["webhook.test"]
    for bad in ([], ["lead.won"]):
        with pytest.raises(Invalid) as exc:
            wh.check_events(bad)
        assert exc.value.field == "events"


@given(plain=st.text(min_size=12, max_size=100))
def test_sealed_secrets_open_only_with_the_same_key(plain):
    sealed = vault.seal("k" * 64, plain)
    assert plain not in sealed
    assert vault.open_("k" * 64, sealed) == plain
    assert vault.open_("j" * 64, sealed) is None
