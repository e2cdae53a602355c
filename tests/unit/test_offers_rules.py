"""The offer rules (app/domain/offers.py): an answer as an offer, ended, passed on; the team's
offer time as given."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain import offers as o
from app.domain.inputs import Invalid

NOW = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
DANA, LEE = {"id": "d", "name": "Dana", "email": "d@x"}, {"id": "l", "name": "Lee", "email": "l@x"}


def test_an_answer_becomes_an_offer_to_its_assignee_then_ends():
    offered = o.offered({"assignee": DANA}, 30, NOW)
    assert offered["offer"] == {
        "rep": {"id": "d", "name": "Dana"},
        "expires_at": "2026-03-09T15:00:30Z",
        "state": "pending",
    }
    assert o.expires_at(offered) == NOW + timedelta(seconds=30)
    declined = o.ended(offered, o.DECLINED, NOW + timedelta(seconds=3))
    assert declined["offers"][0]["state"] == "declined" and o.expires_at(declined) is None
    assert offered["offers"][0]["state"] == "pending"  # the earlier answer is left as it was
    again = o.offered({**declined, "assignee": LEE}, 30, NOW + timedelta(seconds=3))
    assert [e["state"] for e in again["offers"]] == ["declined", "pending"]
    assert o.offered_reps(again) == {"d", "l"}
    assert o.nobody_left(o.ended(again, o.EXPIRED, NOW))["offer"]["state"] == "expired"


@pytest.mark.parametrize(("given", "stored"), [(10, 10), (600, 600), (None, None), ("45", 45),
                                               ("", None), (" ", None)])  # fmt: skip
def test_an_offer_time_is_10_to_600_seconds_or_none(given, stored):
    assert o.check_seconds(given) == stored


@pytest.mark.parametrize("given", [9, 601, 0, -1, True, 1.5, "ten", "12.5", "9999999"])
def test_any_other_offer_time_is_refused_naming_the_field(given):
    with pytest.raises(Invalid) as caught:
        o.check_seconds(given)
    assert caught.value.field == "offer_seconds"


def test_only_a_lead_with_an_assignee_of_a_team_that_offers_is_offered():
    answer = {"assignee": DANA}
    assert o.lead_offer(answer, "call", 30, NOW)[0] is answer  # calls ring
    assert o.lead_offer(answer, "lead", None, NOW)[0] is answer  # offers off
    assert o.lead_offer({"assignee": None}, "lead", 30, NOW)[1]["offer_state"] is None
    offered, columns = o.lead_offer(answer, "lead", 30, NOW)
    assert offered["offer"]["state"] == "pending"
    assert columns == {"offer_state": "pending", "offer_expires_at": NOW + timedelta(seconds=30)}
