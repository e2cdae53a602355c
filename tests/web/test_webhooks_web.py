"""The Integrations page's webhooks: add (secret shown once), events, disable, test, resend."""

import re

from tests.builders import make_company, make_rep
from tests.conftest import shared_fixtures
from tests.receiver import start_receiver
from tests.web.helpers import post, sign_in

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module

HOME = "/settings/integrations/webhooks"


def test_a_manager_adds_an_endpoint_tests_it_and_sees_the_delivery(client, engine):
    rec = start_receiver()
    try:
        make_company(engine)
        sign_in(client, "boss@acme.test")
        assert (
            'hx-get="/settings/integrations/webhooks"' in client.get("/settings/integrations").text
        )
        r = post(client, HOME, {"url": rec.url, "events": "rep.status_changed"})
        assert r.status_code == 303
        page = client.get(r.headers["location"]).text
        secret = re.search(r'value="(whsec_[^"]+)"', page).group(1)
        assert secret not in client.get(HOME).text  # shown once
        endpoint = re.search(r'id="webhook-([0-9a-f]{32})"', page).group(1)
        assert post(client, f"{HOME}/{endpoint}/test").status_code == 303
        got = rec.wait_for(1)
        assert b'"type":"webhook.test"' in got[0].body
        seq = re.search(rf"{HOME}/{endpoint}/deliveries/(\d+)/resend", client.get(HOME).text)
        assert (
            post(client, f"{HOME}/{endpoint}/deliveries/{seq.group(1)}/resend").status_code == 303
        )
        assert rec.wait_for(2)[1].headers["webhook-id"] == got[0].headers["webhook-id"]
        post(client, f"{HOME}/{endpoint}/enabled", {"enabled": "0"})
        assert "Disabled" in client.get(HOME).text
        post(client, f"{HOME}/{endpoint}/delete")
        assert endpoint not in client.get(HOME).text
    finally:
        rec.close()


def test_a_bad_url_is_named_beside_the_field(client, engine):
    make_company(engine)
    sign_in(client, "boss@acme.test")
    r = post(client, HOME, {"url": "ftp://x", "events": "rep.status_changed"})
    assert r.status_code == 422 and "https://" in r.text


def test_reps_may_not_manage_webhooks(client, engine):
    w = make_company(engine)
    make_rep(w, "Dana")
    sign_in(client, "dana@acme.test")
    assert client.get(HOME, follow_redirects=False).status_code in (302, 303, 403)
    assert post(client, HOME, {"url": "https://a.test", "events": "webhook.test"}).status_code in (
        302, 303, 403,
    )  # fmt: skip
