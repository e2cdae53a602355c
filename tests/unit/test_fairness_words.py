"""The roster's effect in words, from weights and caps (app/views/fairness.py)."""

from types import SimpleNamespace

from app.services.teams import Member
from app.views import fairness as fv


def member(name: str, weight: int = 1, taking_part: bool = True, **caps) -> Member:
    rep = SimpleNamespace(id=name.lower(), name=name)
    return Member(rep, 0, taking_part, weight, caps.get("lead"), caps.get("call"))  # type: ignore[arg-type]


def test_shares_are_reduced_counts_of_the_total_weight():
    team = [member("Sam", 2), member("Lee"), member("Kim")]
    assert fv.shares_in_words(team) == (
        "Sam takes 2 of every 4 leads and calls; everyone else 1 of every 4."
    )
    team = [member("Sam", 4), member("Lee", 2), member("Kim", 6)]
    assert fv.shares_in_words(team) == (
        "Sam takes 2 of every 6 leads and calls; Lee 1 of every 6; Kim 3 of every 6."
    )


def test_only_members_taking_part_share_and_equal_weights_say_so():
    assert fv.shares_in_words([member("Sam", 3), member("Lee", 3)]) == (
        "Everyone takes an equal share of leads and calls."
    )
    assert fv.shares_in_words([member("Sam", 2), member("Lee", 1, taking_part=False)]) == (
        "Everyone takes an equal share of leads and calls."
    )
    assert fv.shares_in_words([member("Sam", taking_part=False)]) == ""


def test_caps_in_words():
    team = [member("Sam", lead=5), member("Lee", lead=1, call=0), member("Kim")]
    assert fv.caps_in_words(team) == [
        "Sam: at most 5 leads a day",
        "Lee: at most 1 lead and no calls a day",
    ]
