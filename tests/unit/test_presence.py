"""Presence: the status toggle, timed presence, the presence lock and presence profiles."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.presence import (
    CYCLE,
    DEFAULT_PROFILES,
    MAX_NOTE,
    Presence,
    PresenceError,
    Profile,
    Status,
    apply_profile,
    change,
    default_then,
    lock,
    next_in_cycle,
    parse_status,
    profile_matches,
    read,
    settle,
    unlock,
)

NOW = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def profile(name: str) -> Profile:
    return next(p for p in DEFAULT_PROFILES if p.name == name)


# --- The toggle ---------------------------------------------------------------------------------


def test_toggle_cycles_available_away_busy_offline_and_back_to_available() -> None:
    s = Status.AVAILABLE
    seen = []
    for _ in range(5):
        seen.append(s)
        s = next_in_cycle(s)
    assert seen == ["available", "away", "busy", "offline", "available"]


def test_cycle_holds_every_status_once() -> None:
    assert sorted(CYCLE) == sorted(Status)


def test_a_new_rep_is_offline() -> None:
    assert read(Presence(), NOW).effective_status is Status.OFFLINE


def test_status_is_parsed_from_its_wire_name() -> None:
    assert parse_status("away") is Status.AWAY


@pytest.mark.parametrize("value", ["AWAY", "lunch", "", None, 3, ["busy"]])
def test_unknown_status_is_refused_naming_the_field(value: object) -> None:
    with pytest.raises(PresenceError) as err:
        parse_status(value, field="then")
    assert err.value.field == "then"


# --- Timed presence -----------------------------------------------------------------------------


def test_online_for_8_hours_goes_offline_by_default() -> None:
    assert default_then(Status.AVAILABLE) is Status.OFFLINE


@pytest.mark.parametrize("status", [Status.AWAY, Status.BUSY, Status.OFFLINE])
def test_other_timed_statuses_return_to_available_by_default(status: Status) -> None:
    p = change(Presence(), status, NOW, until=NOW + HOUR)
    assert p.then is Status.AVAILABLE
    assert default_then(status) is Status.AVAILABLE


def test_a_chosen_then_is_kept() -> None:
    p = change(Presence(), Status.BUSY, NOW, until=NOW + HOUR, then=Status.AWAY)
    assert read(p, NOW + HOUR).status is Status.AWAY


def test_timed_status_expires_into_then_exactly_at_until() -> None:
    p = change(Presence(), Status.AVAILABLE, NOW, note="8 hours", until=NOW + 8 * HOUR)
    just_before = read(p, NOW + 8 * HOUR - timedelta(microseconds=1))
    at_until = read(p, NOW + 8 * HOUR)
    assert (just_before.status, just_before.until) == (Status.AVAILABLE, NOW + 8 * HOUR)
    assert (at_until.status, at_until.until, at_until.then) == (Status.OFFLINE, None, None)


def test_expiry_clears_the_note_and_says_what_ran_out_and_when() -> None:
    p = change(Presence(), Status.AVAILABLE, NOW, note="till 5", until=NOW + 8 * HOUR)
    r = read(p, NOW + 9 * HOUR)
    assert r.note is None
    assert (r.expired_from, r.expired_at) == (Status.AVAILABLE, NOW + 8 * HOUR)


def test_a_status_that_has_not_run_out_reports_no_expiry() -> None:
    r = read(change(Presence(), Status.BUSY, NOW, until=NOW + HOUR), NOW)
    assert (r.expired_at, r.expired_from) == (None, None)


@given(
    status=st.sampled_from(Status),
    then=st.none() | st.sampled_from(Status),
    minutes=st.integers(1, 60 * 24 * 14),
    offset=st.integers(-60 * 24 * 14, 60 * 24 * 14),
)
def test_timed_status_reads_as_itself_before_until_and_as_then_from_until_on(
    status: Status, then: Status | None, minutes: int, offset: int
) -> None:
    until = NOW + timedelta(minutes=minutes)
    p = change(Presence(), status, NOW, until=until, then=then)
    r = read(p, until + timedelta(minutes=offset))
    if offset < 0:
        assert (r.status, r.until, r.then) == (status, until, p.then)
    else:
        assert r.status == (then if then is not None else default_then(status))
        assert (r.until, r.then) == (None, None)


def test_settle_stores_the_expired_form() -> None:
    p = change(Presence(), Status.BUSY, NOW, note="demo", until=NOW + HOUR)
    assert settle(p, NOW + HOUR) == Presence(status=Status.AVAILABLE)
    assert settle(p, NOW) == p


def test_until_must_be_in_the_future() -> None:
    for until in (NOW, NOW - HOUR):
        with pytest.raises(PresenceError) as err:
            change(Presence(), Status.BUSY, NOW, until=until)
        assert err.value.field == "until"


def test_until_without_a_time_zone_is_refused() -> None:
    with pytest.raises(PresenceError) as err:
        change(Presence(), Status.BUSY, NOW, until=datetime(2026, 3, 9, 17, 0))
    assert err.value.field == "until"


def test_then_without_until_is_refused() -> None:
    with pytest.raises(PresenceError) as err:
        change(Presence(), Status.BUSY, NOW, then=Status.AWAY)
    assert err.value.field == "then"


def test_a_status_without_until_never_expires() -> None:
    p = change(Presence(), Status.AVAILABLE, NOW)
    assert read(p, NOW + 1000 * HOUR).status is Status.AVAILABLE


# --- Notes --------------------------------------------------------------------------------------


def test_note_is_stripped() -> None:
    assert change(Presence(), Status.BUSY, NOW, note="  until 4pm ").note == "until 4pm"


def test_blank_note_is_no_note() -> None:
    assert change(Presence(), Status.BUSY, NOW, note="   ").note is None


def test_note_of_140_characters_is_kept_and_141_refused() -> None:
    assert change(Presence(), Status.BUSY, NOW, note="x" * MAX_NOTE).note == "x" * 140
    with pytest.raises(PresenceError) as err:
        change(Presence(), Status.BUSY, NOW, note="x" * (MAX_NOTE + 1))
    assert err.value.field == "note"


def test_a_new_status_replaces_the_old_note() -> None:
    p = change(Presence(), Status.BUSY, NOW, note="demo")
    assert change(p, Status.AVAILABLE, NOW).note is None


# --- The presence lock --------------------------------------------------------------------------


def test_lock_makes_the_rep_effectively_busy_but_keeps_their_status() -> None:
    p = lock(change(Presence(), Status.AVAILABLE, NOW), "On a call")
    r = read(p, NOW)
    assert (r.status, r.effective_status, r.locked) == (Status.AVAILABLE, Status.BUSY, "On a call")


def test_unlock_restores_the_exact_manual_choice() -> None:
    chosen = change(Presence(), Status.AWAY, NOW, note="coffee", until=NOW + HOUR, then=Status.BUSY)
    assert unlock(lock(chosen, "On a call")) == chosen


def test_a_change_made_during_the_lock_applies_when_it_ends() -> None:
    locked = lock(change(Presence(), Status.AVAILABLE, NOW), "On a call")
    during = change(locked, Status.OFFLINE, NOW, note="gone home")
    assert read(during, NOW).effective_status is Status.BUSY
    after = read(unlock(during), NOW)
    assert (after.effective_status, after.note, after.locked) == (Status.OFFLINE, "gone home", None)


def test_a_timed_status_that_runs_out_during_the_lock_shows_its_then_afterwards() -> None:
    p = lock(change(Presence(), Status.BUSY, NOW, until=NOW + HOUR), "On a call")
    assert read(p, NOW + 2 * HOUR).effective_status is Status.BUSY
    assert read(unlock(p), NOW + 2 * HOUR).effective_status is Status.AVAILABLE


def test_settle_keeps_the_lock() -> None:
    p = lock(change(Presence(), Status.BUSY, NOW, until=NOW + HOUR), "On a call")
    assert settle(p, NOW + HOUR).locked == "On a call"


def test_lock_reason_is_stripped() -> None:
    assert lock(Presence(), "  On a call ").locked == "On a call"


@pytest.mark.parametrize("reason", ["", "   ", "x" * 81])
def test_lock_reason_must_be_1_to_80_characters(reason: str) -> None:
    with pytest.raises(PresenceError) as err:
        lock(Presence(), reason)
    assert err.value.field == "reason"


# --- Profiles -----------------------------------------------------------------------------------


def test_default_profiles_are_working_meeting_lunch_and_gone_home() -> None:
    assert [(p.name, p.status, p.minutes) for p in DEFAULT_PROFILES] == [
        ("Working", Status.AVAILABLE, None),
        ("In a meeting", Status.BUSY, None),
        ("Lunch", Status.AWAY, 60),
        ("Gone home", Status.OFFLINE, None),
    ]


def test_lunch_profile_is_away_for_an_hour_then_available() -> None:
    p = apply_profile(Presence(), profile("Lunch"), NOW)
    assert (p.status, p.until, p.then) == (Status.AWAY, NOW + HOUR, Status.AVAILABLE)
    assert read(p, NOW + HOUR).status is Status.AVAILABLE


def test_profile_sets_its_note() -> None:
    meeting = Profile("In a meeting", Status.BUSY, note="until 4pm")
    assert apply_profile(Presence(), meeting, NOW).note == "until 4pm"


def test_applied_profile_matches_the_live_state() -> None:
    for each in DEFAULT_PROFILES:
        assert profile_matches(read(apply_profile(Presence(), each, NOW), NOW), each)


def test_profile_with_untidy_note_still_matches_after_applying() -> None:
    meeting = Profile("In a meeting", Status.BUSY, note=" until 4pm ")
    assert profile_matches(read(apply_profile(Presence(), meeting, NOW), NOW), meeting)


def test_status_changed_by_someone_else_no_longer_matches_the_profile() -> None:
    p = change(apply_profile(Presence(), profile("Working"), NOW), Status.BUSY, NOW)
    assert not profile_matches(read(p, NOW), profile("Working"))


def test_changed_note_no_longer_matches_the_profile() -> None:
    p = change(apply_profile(Presence(), profile("Working"), NOW), Status.AVAILABLE, NOW, note="x")
    assert not profile_matches(read(p, NOW), profile("Working"))


def test_a_lock_counts_as_a_profile_mismatch() -> None:
    p = lock(apply_profile(Presence(), profile("In a meeting"), NOW), "On a call")
    assert not profile_matches(read(p, NOW), profile("In a meeting"))


def test_applying_a_profile_keeps_the_lock() -> None:
    p = apply_profile(lock(Presence(), "On a call"), profile("Working"), NOW)
    assert p.locked == "On a call"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": " "}, "name"),
        ({"minutes": 0}, "minutes"),
        ({"note": "x" * (MAX_NOTE + 1)}, "note"),
    ],
)
def test_invalid_profile_is_refused_naming_the_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"name": "Focus", "status": Status.BUSY} | kwargs
    with pytest.raises(PresenceError) as err:
        Profile(**args)  # type: ignore[arg-type]
    assert err.value.field == field
