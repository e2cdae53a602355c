"""Emails are unique across companies for now (docs/design.md): adding an address another company
uses is refused with the same words as one of your own, naming no company and nobody."""

from tests.builders import make_company, make_rep
from tests.conftest import shared_fixtures

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module


def test_an_address_used_elsewhere_is_refused_without_revealing_the_company(client, engine):
    acme = make_company(engine, "acme")
    globex = make_company(engine, "globex")
    make_rep(globex, "Gail", email="gail@shared.test")
    make_rep(acme, "Dana", email="dana@shared.test")
    elsewhere = client.post(
        "/api/v1/reps", headers=acme.admin(), json={"name": "G", "email": "gail@shared.test"}
    )
    mine = client.post(
        "/api/v1/reps", headers=acme.admin(), json={"name": "D", "email": "dana@shared.test"}
    )
    assert elsewhere.status_code == mine.status_code == 422
    assert elsewhere.json()["field"] == mine.json()["field"] == "email"
    assert elsewhere.json()["detail"] == mine.json()["detail"]  # same words: no company told apart
    for word in ("globex", "Globex", "Gail"):
        assert word not in elsewhere.text
