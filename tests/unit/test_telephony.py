"""The telephony rules: the hunt's next number, the presence line's keys, PBX answers."""

from datetime import UTC, datetime
from urllib.parse import parse_qs

from hypothesis import given
from hypothesis import strategies as st

from app.domain import telephony as t

reps = st.lists(st.sampled_from("abcdefghij"), unique=True, max_size=10)


@given(reps, st.sets(st.sampled_from("abcdefghij")), st.integers(-2, 12))
def test_the_next_index_is_the_first_eligible_at_or_after_start(hunt, eligible, start):
    i = t.next_index(hunt, eligible, start)
    skipped = hunt[max(start, 0) : len(hunt) if i is None else i]
    assert not set(skipped) & eligible  # nobody eligible is jumped over
    if i is not None:
        assert i >= start and hunt[i] in eligible


@given(st.lists(st.text(min_size=1, max_size=5), unique=True, max_size=15))
def test_ring_all_rings_at_most_ten_in_hunt_order(hunt):
    rung = t.ring_all(hunt, set(hunt))
    assert rung == hunt[:10]


def test_menu_keys():
    assert [t.menu_choice(k).hours for k in "1234"] == [1, 2, 4, 8]
    assert t.menu_choice("9").action == "custom" and t.menu_choice("0").action == "offline"
    assert t.menu_choice("*").action == "team" and t.menu_choice("7").action == "invalid"
    assert t.menu_choice("").action == "invalid"


@given(st.text(max_size=3))
def test_custom_hours_are_1_to_99_from_ascii_digits(digits):
    hours = t.custom_hours(digits)
    assert hours is None or (1 <= hours <= 99 and str(hours) == digits.lstrip("0"))


def test_tries_stop_after_three():
    assert [t.next_try(n) for n in (1, 2, 3)] == [2, 3, None]


def test_times_are_read_in_the_callers_zone():
    now = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
    assert t.spoken_until(datetime(2026, 3, 9, 21, 30, tzinfo=UTC), now, "America/New_York") == (
        "5:30 PM"
    )
    later = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    assert t.spoken_until(later, now, "America/New_York") == "Tuesday 10:00 AM"


def test_pbx_answers():
    assert t.text_answer(["PJSIP/1", "PJSIP/2"], "sequence", None) == "PJSIP/1"
    assert t.text_answer(["PJSIP/1", "PJSIP/2"], "all", None) == "PJSIP/1&PJSIP/2"
    assert t.text_answer([], "all", {"type": "number", "number": "+15551234567"}) == "+15551234567"
    assert t.text_answer([], "all", None) == "voicemail"


@given(st.text(max_size=20), st.text(max_size=20), st.integers(0, 99))
def test_kv_reads_back_with_a_query_parser(target, reason, count):
    parsed = parse_qs(t.kv_answer(target, "A1", reason, count), keep_blank_values=True)
    assert parsed["target"] == [target] and parsed["reason"] == [reason]
    assert parsed["count"] == [str(count)] and parsed["assignment"] == ["A1"]
