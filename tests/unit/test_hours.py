"""Hours, holidays and time off, read in the right zone and correct across daylight-saving days."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.hours import (
    ALWAYS,
    COMPANY_DEFAULT,
    DAYS,
    CompanyCalendar,
    HoursError,
    RepCalendar,
    TimeOff,
    WeeklyHours,
    format_clock,
    holiday_at,
    is_inside,
    is_working,
    local_intervals,
    next_change,
    outside_company_warnings,
    parse_clock,
    working_at,
    zone,
)

NEW_YORK = zone("America/New_York")
LONDON = zone("Europe/London")
SYDNEY = zone("Australia/Sydney")
KOLKATA = zone("Asia/Kolkata")
EMPTY = WeeklyHours(((),) * 7)
EVERY_DAY_9_TO_5 = WeeklyHours((((540, 1020),),) * 7)


def hours(**days: list[list[str]]) -> WeeklyHours:
    """Hours from the API shape, with unnamed days closed."""
    return WeeklyHours.from_json({name: days.get(name, []) for name in DAYS})


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def at(tz, *args: int) -> datetime:
    return datetime(*args, tzinfo=tz)


def day_length(tz, day: date) -> timedelta:
    return sum((end - start for start, end in local_intervals(ALWAYS, tz, day)), timedelta())


def company(tz=NEW_YORK, week=COMPANY_DEFAULT, holidays=None) -> CompanyCalendar:
    return CompanyCalendar(tz, week, holidays or {})


def rep(tz=NEW_YORK, week=None, *time_off: TimeOff) -> RepCalendar:
    return RepCalendar(tz, week, tuple(time_off))


# --- strategies ---------------------------------------------------------------------------------

# Clock times near DST switches (01:00–03:00) and the day's ends turn up more often than by chance.
_POINTS = st.one_of(
    st.sampled_from([0, 60, 90, 120, 150, 180, 540, 720, 1020, 1440]), st.integers(0, 1440)
)


@st.composite
def day_intervals(draw) -> tuple[tuple[int, int], ...]:
    points = sorted(draw(st.lists(_POINTS, unique=True, max_size=6)))
    points = points[: len(points) // 2 * 2]
    return tuple(zip(points[::2], points[1::2], strict=True))


weekly_hours = st.tuples(*[day_intervals()] * 7).map(WeeklyHours)
zones = st.sampled_from(
    [NEW_YORK, LONDON, SYDNEY, KOLKATA, zone("Australia/Lord_Howe"), zone("America/Santiago")]
)
_START = utc(2026, 1, 1)
_DST_INSTANTS = [utc(2026, 3, 8, 7), utc(2026, 11, 1, 6), utc(2026, 3, 29, 1), utc(2026, 10, 25, 1)]
_DST_INSTANTS += [utc(2026, 4, 4, 16), utc(2026, 10, 3, 16), utc(2026, 4, 5, 3), utc(2026, 9, 6, 4)]
instants = st.one_of(
    st.integers(0, 366 * 96).map(lambda q: _START + timedelta(minutes=15 * q)),
    st.builds(
        lambda base, minutes: base + timedelta(minutes=minutes),
        st.sampled_from(_DST_INSTANTS),
        st.integers(-3 * 1440, 3 * 1440),
    ),
    st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31), timezones=st.just(UTC)),
)


@st.composite
def time_offs(draw) -> TimeOff:
    day = draw(st.dates(date(2025, 12, 20), date(2027, 1, 10)))
    if draw(st.booleans()):
        return TimeOff.create(day, day + timedelta(days=draw(st.integers(0, 6))))
    start, end = sorted(draw(st.lists(_POINTS, unique=True, min_size=2, max_size=2)))
    return TimeOff.create(day, start=format_clock(start), end=format_clock(end))


# --- clock times and time zones -----------------------------------------------------------------


def test_clock_times_turn_into_minutes_and_back() -> None:
    assert parse_clock("09:30", "start") == 570
    assert parse_clock("00:00", "start") == 0
    assert parse_clock("24:00", "end", allow_24=True) == 1440
    assert format_clock(540) == "09:00"
    assert format_clock(1440) == "24:00"


@pytest.mark.parametrize("text", ["25:00", "24:00", "9:00", "09:60", "0900", "", "ab:cd", "٠٩:٠٠"])
def test_a_bad_clock_time_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(HoursError) as error:
        parse_clock(text, "mon[0]")
    assert error.value.field == "mon[0]"


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "", "America", "../etc/passwd", "localtime"])
def test_an_unknown_time_zone_is_refused(name: str) -> None:
    with pytest.raises(HoursError) as error:
        zone(name)
    assert error.value.field == "timezone"
    assert "IANA" in error.value.message


def test_a_time_zone_error_names_the_field_it_came_from() -> None:
    with pytest.raises(HoursError) as error:
        zone("Nowhere/Town", "rep.timezone")
    assert error.value.field == "rep.timezone"


# --- weekly hours -------------------------------------------------------------------------------


def test_company_default_is_weekdays_nine_to_five() -> None:
    assert [COMPANY_DEFAULT.describe_day(i) for i in range(7)] == ["09:00–17:00"] * 5 + [
        "Closed"
    ] * 2
    assert COMPANY_DEFAULT.to_json()["mon"] == [["09:00", "17:00"]]
    assert ALWAYS.to_json()["sun"] == [["00:00", "24:00"]]


def test_a_day_with_a_lunch_gap_is_described_as_two_intervals() -> None:
    week = hours(wed=[["09:00", "12:00"], ["13:00", "17:00"]])
    assert week.describe_day(2) == "09:00–12:00, 13:00–17:00"
    assert week.describe_day(3) == "Closed"


@pytest.mark.parametrize(
    ("days", "field"),
    [
        ({"wed": [["10:00", "09:00"]]}, "wed[0]"),  # end before start
        ({"wed": [["09:00", "09:00"]]}, "wed[0]"),  # end equal to start
        ({"wed": [["09:00", "12:00"], ["11:00", "13:00"]]}, "wed[1]"),  # overlapping
        ({"wed": [["13:00", "17:00"], ["09:00", "12:00"]]}, "wed[1]"),  # unsorted
        ({"mon": [["09:00", "25:00"]]}, "mon[0]"),
        ({"fri": [["24:00", "24:00"]]}, "fri[0]"),  # 24:00 only as an end
        ({"fri": [["09:00"]]}, "fri[0]"),
        ({"fri": ["09:00-17:00"]}, "fri[0]"),
        ({"tue": "09:00-17:00"}, "tue"),
        ({"funday": []}, "funday"),
    ],
)
def test_bad_hours_are_refused_naming_the_interval(days: dict, field: str) -> None:
    with pytest.raises(HoursError) as error:
        WeeklyHours.from_json({name: [] for name in DAYS} | days)
    assert error.value.field == field


def test_hours_missing_a_weekday_are_refused_naming_the_day() -> None:
    with pytest.raises(HoursError) as error:
        WeeklyHours.from_json({name: [] for name in DAYS if name != "sat"})
    assert error.value.field == "sat"


def test_hours_that_are_not_an_object_are_refused() -> None:
    with pytest.raises(HoursError) as error:
        WeeklyHours.from_json([["09:00", "17:00"]])
    assert error.value.field == "hours"


def test_hours_built_in_code_keep_the_same_rules() -> None:
    with pytest.raises(HoursError):
        WeeklyHours((((600, 540),),) + ((),) * 6)
    with pytest.raises(HoursError):
        WeeklyHours(((),) * 6)


def test_personal_hours_intersect_company_hours_on_the_wall_clock() -> None:
    personal = hours(mon=[["08:00", "12:00"], ["13:00", "18:00"]], sat=[["10:00", "12:00"]])
    both = personal.intersect(COMPANY_DEFAULT)
    assert both.to_json()["mon"] == [["09:00", "12:00"], ["13:00", "17:00"]]
    assert both.describe_day(5) == "Closed"
    assert hours(sat=[["10:00", "12:00"]]).intersect(COMPANY_DEFAULT).is_empty()
    assert not COMPANY_DEFAULT.is_empty()


@given(weekly_hours)
def test_hours_round_trip_through_json(week: WeeklyHours) -> None:
    assert WeeklyHours.from_json(week.to_json()) == week


@given(weekly_hours, weekly_hours)
def test_an_intersection_never_has_overlapping_intervals(a: WeeklyHours, b: WeeklyHours) -> None:
    both = a.intersect(b)
    for day in both.days:
        assert all(start < end for start, end in day)
        # Normalised: sorted, and each interval ends strictly before the next one starts.
        assert all(first[1] < second[0] for first, second in zip(day, day[1:], strict=False))
    assert WeeklyHours.from_json(both.to_json()) == both


# --- local intervals across daylight-saving changes ---------------------------------------------


@pytest.mark.parametrize(
    ("tz", "day", "hours_long"),
    [
        (NEW_YORK, date(2026, 3, 8), 23),
        (NEW_YORK, date(2026, 11, 1), 25),
        (NEW_YORK, date(2026, 3, 9), 24),
        (LONDON, date(2026, 3, 29), 23),
        (LONDON, date(2026, 10, 25), 25),
        (SYDNEY, date(2026, 4, 5), 25),
        (SYDNEY, date(2026, 10, 4), 23),
        (KOLKATA, date(2026, 3, 8), 24),
        (KOLKATA, date(2026, 11, 1), 24),
    ],
)
def test_a_whole_day_lasts_as_long_as_its_wall_clock(tz, day: date, hours_long: int) -> None:
    assert day_length(tz, day) == timedelta(hours=hours_long)


@given(st.dates(date(2026, 1, 1), date(2026, 12, 31)))
def test_only_the_two_dst_days_in_new_york_are_not_24_hours(day: date) -> None:
    expected = {date(2026, 3, 8): 23, date(2026, 11, 1): 25}.get(day, 24)
    assert day_length(NEW_YORK, day) == timedelta(hours=expected)


def test_nine_to_five_follows_the_local_offset_on_each_date() -> None:
    assert local_intervals(EVERY_DAY_9_TO_5, NEW_YORK, date(2026, 3, 7)) == [
        (utc(2026, 3, 7, 14), utc(2026, 3, 7, 22))
    ]
    assert local_intervals(EVERY_DAY_9_TO_5, NEW_YORK, date(2026, 3, 8)) == [
        (utc(2026, 3, 8, 13), utc(2026, 3, 8, 21))
    ]
    assert local_intervals(EVERY_DAY_9_TO_5, KOLKATA, date(2026, 3, 8)) == [
        (utc(2026, 3, 8, 3, 30), utc(2026, 3, 8, 11, 30))
    ]
    assert local_intervals(EVERY_DAY_9_TO_5, SYDNEY, date(2026, 4, 5)) == [
        (utc(2026, 4, 4, 23), utc(2026, 4, 5, 7))
    ]


def test_a_skipped_wall_time_moves_forward_by_the_gap() -> None:
    week = hours(sun=[["02:30", "05:00"]])
    [(start, end)] = local_intervals(week, NEW_YORK, date(2026, 3, 8))
    assert start.astimezone(NEW_YORK).strftime("%H:%M") == "03:30"
    assert (start, end) == (utc(2026, 3, 8, 7, 30), utc(2026, 3, 8, 9))
    [(start, _)] = local_intervals(hours(sun=[["01:30", "05:00"]]), LONDON, date(2026, 3, 29))
    assert start == utc(2026, 3, 29, 1, 30)  # 01:30 GMT does not exist; 02:30 BST does


def test_a_repeated_wall_time_means_its_first_occurrence() -> None:
    [(start, end)] = local_intervals(hours(sun=[["01:30", "03:00"]]), NEW_YORK, date(2026, 11, 1))
    assert start == utc(2026, 11, 1, 5, 30)  # 01:30 EDT, not 01:30 EST
    assert end - start == timedelta(hours=2, minutes=30)


def test_an_interval_swallowed_by_a_spring_forward_gap_is_empty() -> None:
    # 02:45 is carried to 03:45, past the 03:15 end, so nothing of it exists that day.
    assert local_intervals(hours(sun=[["02:45", "03:15"]]), NEW_YORK, date(2026, 3, 8)) == []
    [(start, end)] = local_intervals(hours(sun=[["02:10", "02:50"]]), NEW_YORK, date(2026, 3, 8))
    assert (start, end) == (at(NEW_YORK, 2026, 3, 8, 3, 10), at(NEW_YORK, 2026, 3, 8, 3, 50))


# --- is_inside and next_change ------------------------------------------------------------------


def test_an_instant_is_inside_company_hours_in_the_company_zone() -> None:
    assert is_inside(COMPANY_DEFAULT, NEW_YORK, at(NEW_YORK, 2026, 3, 9, 9))
    assert not is_inside(COMPANY_DEFAULT, NEW_YORK, at(NEW_YORK, 2026, 3, 9, 8, 59))
    assert not is_inside(COMPANY_DEFAULT, NEW_YORK, at(NEW_YORK, 2026, 3, 9, 17))
    assert is_inside(COMPANY_DEFAULT, LONDON, at(NEW_YORK, 2026, 3, 9, 9))  # 13:00 in London


def test_touching_intervals_across_midnight_are_one_stretch() -> None:
    late = hours(mon=[["22:00", "24:00"]], tue=[["00:00", "02:00"]])
    assert is_inside(late, NEW_YORK, at(NEW_YORK, 2026, 3, 10, 0))
    assert next_change(late, NEW_YORK, at(NEW_YORK, 2026, 3, 9, 23)) == at(NEW_YORK, 2026, 3, 10, 2)


def test_touching_intervals_within_a_day_have_no_boundary_between_them() -> None:
    week = hours(mon=[["09:00", "12:00"], ["12:00", "13:00"]])
    assert next_change(week, NEW_YORK, at(NEW_YORK, 2026, 3, 9, 11)) == at(NEW_YORK, 2026, 3, 9, 13)


def test_next_change_skips_the_weekend_and_the_dst_switch() -> None:
    friday_evening = at(NEW_YORK, 2026, 3, 6, 17, 30)
    assert next_change(COMPANY_DEFAULT, NEW_YORK, friday_evening) == utc(2026, 3, 9, 13)


def test_hours_that_never_flip_have_no_next_change() -> None:
    assert next_change(ALWAYS, SYDNEY, utc(2026, 4, 4, 16)) is None
    assert next_change(EMPTY, SYDNEY, utc(2026, 4, 4, 16)) is None


def test_next_change_beyond_the_horizon_is_none() -> None:
    mondays = hours(mon=[["09:00", "17:00"]])
    tuesday = at(KOLKATA, 2026, 3, 10, 12)
    assert next_change(mondays, KOLKATA, tuesday, horizon_days=3) is None
    assert next_change(mondays, KOLKATA, tuesday) == at(KOLKATA, 2026, 3, 16, 9)


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError):
        is_inside(COMPANY_DEFAULT, NEW_YORK, datetime(2026, 3, 9, 12))


@settings(max_examples=300)
@given(weekly_hours, zones, instants, st.floats(0, 1))
def test_is_inside_and_next_change_agree(week: WeeklyHours, tz, t: datetime, frac: float) -> None:
    state = is_inside(week, tz, t)
    flip = next_change(week, tz, t)
    if flip is None:
        assert week in (EMPTY, ALWAYS)  # anything else flips within a week
        return
    assert t < flip <= t + timedelta(days=8)
    assert is_inside(week, tz, flip - timedelta(microseconds=1)) == state
    assert (
        is_inside(week, tz, min(t + (flip - t) * frac, flip - timedelta(microseconds=1))) == state
    )
    assert is_inside(week, tz, flip) != state


# --- time off -----------------------------------------------------------------------------------


def test_time_off_covers_whole_days_or_part_of_one_date() -> None:
    trip = TimeOff.create(date(2026, 3, 9), date(2026, 3, 13))
    dentist = TimeOff.create(date(2026, 3, 10), start="13:00", end="15:00")
    assert trip.all_day and trip.last_date() == date(2026, 3, 13)
    assert not dentist.all_day and dentist.last_date() == date(2026, 3, 10)
    assert trip.intervals(NEW_YORK) == (at(NEW_YORK, 2026, 3, 9), at(NEW_YORK, 2026, 3, 14))
    assert dentist.intervals(NEW_YORK) == (utc(2026, 3, 10, 17), utc(2026, 3, 10, 19))


def test_a_whole_day_off_on_a_dst_day_is_23_or_25_hours() -> None:
    for day, length in [(date(2026, 3, 8), 23), (date(2026, 11, 1), 25)]:
        start, end = TimeOff.create(day).intervals(NEW_YORK)
        assert end - start == timedelta(hours=length)


def test_part_day_time_off_may_end_at_midnight() -> None:
    evening = TimeOff.create(date(2026, 3, 10), start="18:00", end="24:00")
    assert evening.intervals(LONDON) == (utc(2026, 3, 10, 18), utc(2026, 3, 11))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"end_date": date(2026, 3, 9)}, "end_date"),  # end before start
        ({"start": "13:00"}, "end"),
        ({"end": "13:00"}, "start"),
        ({"start": "13:00", "end": "13:00"}, "end"),
        ({"start": "15:00", "end": "13:00"}, "end"),
        ({"end_date": date(2026, 3, 11), "start": "13:00", "end": "15:00"}, "end_date"),
        ({"start": "25:00", "end": "26:00"}, "start"),
    ],
)
def test_bad_time_off_is_refused_naming_the_field(kwargs: dict, field: str) -> None:
    with pytest.raises(HoursError) as error:
        TimeOff.create(date(2026, 3, 10), **kwargs)
    assert error.value.field == field


# --- availability -------------------------------------------------------------------------------


def test_rep_without_personal_hours_follows_company_hours() -> None:
    result = working_at(company(), rep(), at(NEW_YORK, 2026, 3, 9, 10))
    assert (result.working, result.reason) == (True, "working")
    assert result.next_change == at(NEW_YORK, 2026, 3, 9, 17)


def test_rep_outside_company_hours_is_company_closed() -> None:
    result = working_at(company(), rep(), at(NEW_YORK, 2026, 3, 7, 10))
    assert (result.working, result.reason) == (False, "company_closed")
    assert result.next_change == at(NEW_YORK, 2026, 3, 9, 9)


def test_rep_on_part_day_time_off_is_not_working_until_it_ends() -> None:
    dentist = TimeOff.create(date(2026, 3, 10), start="13:00", end="15:00")
    result = working_at(company(), rep(NEW_YORK, None, dentist), at(NEW_YORK, 2026, 3, 10, 14))
    assert (result.working, result.reason) == (False, "time_off")
    assert result.detail == "2026-03-10T15:00:00-04:00"
    assert result.next_change == at(NEW_YORK, 2026, 3, 10, 15)


def test_rep_on_a_week_off_is_not_working_until_the_next_open_hour() -> None:
    trip = TimeOff.create(date(2026, 3, 9), date(2026, 3, 13))
    result = working_at(company(), rep(NEW_YORK, None, trip), at(NEW_YORK, 2026, 3, 11, 10))
    assert (result.reason, result.detail) == ("time_off", "2026-03-14T00:00:00-04:00")
    assert result.next_change == at(NEW_YORK, 2026, 3, 16, 9)


def test_company_closed_comes_before_time_off() -> None:
    trip = TimeOff.create(date(2026, 3, 9), date(2026, 3, 13))
    result = working_at(company(), rep(NEW_YORK, None, trip), at(NEW_YORK, 2026, 3, 11, 20))
    assert result.reason == "company_closed"


def test_rep_outside_personal_hours_is_not_working() -> None:
    mornings = hours(**{day: [["08:00", "12:00"]] for day in DAYS[:5]})
    result = working_at(company(), rep(NEW_YORK, mornings), at(NEW_YORK, 2026, 3, 9, 13))
    assert (result.working, result.reason) == (False, "outside_hours")
    assert result.next_change == at(NEW_YORK, 2026, 3, 10, 9)
    assert not is_working(company(), rep(NEW_YORK, mornings), at(NEW_YORK, 2026, 3, 9, 13))


def test_observed_holiday_closes_the_company_for_everyone() -> None:
    observed = company(holidays={date(2026, 7, 3): "Independence Day (observed)"})
    result = working_at(observed, rep(LONDON), at(NEW_YORK, 2026, 7, 3, 10))
    assert (result.working, result.reason) == (False, "holiday")
    assert result.detail == "Independence Day (observed)"
    assert result.next_change == at(NEW_YORK, 2026, 7, 6, 9)


def test_a_holiday_is_read_on_the_company_local_date() -> None:
    observed = company(holidays={date(2026, 7, 3): "Independence Day (observed)"})
    assert holiday_at(observed, utc(2026, 7, 4, 3)) == "Independence Day (observed)"  # 23:00 NY
    assert holiday_at(observed, utc(2026, 7, 3, 3)) is None  # still 2 July in New York
    assert holiday_at(observed, at(NEW_YORK, 2026, 7, 6, 10)) is None


def test_a_holiday_outranks_a_closed_day() -> None:
    saturday = company(holidays={date(2026, 7, 4): "Independence Day"})
    assert working_at(saturday, rep(), at(NEW_YORK, 2026, 7, 4, 10)).reason == "holiday"


def test_time_off_is_read_in_the_rep_zone() -> None:
    always_open = company(NEW_YORK, ALWAYS)
    london_rep = rep(LONDON, None, TimeOff.create(date(2026, 3, 11)))
    evening_in_new_york = utc(2026, 3, 10, 23, 30)  # still 10 March in London
    assert working_at(always_open, london_rep, evening_in_new_york).next_change == utc(2026, 3, 11)
    assert working_at(always_open, london_rep, utc(2026, 3, 11, 0, 30)).reason == "time_off"


@pytest.mark.parametrize(
    ("day", "opens", "closes"),
    [
        (date(2026, 3, 3), 14, 17),  # both on standard time: 5 hours apart
        (date(2026, 3, 10), 13, 17),  # US on summer time, UK not yet: 4 hours apart
        (date(2026, 3, 31), 13, 16),  # both on summer time
        (date(2026, 10, 20), 13, 16),
        (date(2026, 10, 27), 13, 17),  # UK back on GMT, US still on summer time
        (date(2026, 11, 3), 14, 17),
    ],
)
def test_london_rep_on_a_new_york_company_works_the_overlap(day: date, opens: int, closes: int):
    london_rep = rep(LONDON, hours(**{name: [["09:00", "17:00"]] for name in DAYS}))
    morning = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=12)
    before = working_at(company(), london_rep, morning)
    assert (before.reason, before.next_change) == ("company_closed", morning.replace(hour=opens))
    during = working_at(company(), london_rep, morning.replace(hour=opens))
    assert (during.working, during.next_change) == (True, morning.replace(hour=closes))
    after = working_at(company(), london_rep, morning.replace(hour=closes))
    assert after.reason == "outside_hours"


def test_a_long_time_off_has_no_change_within_the_horizon() -> None:
    sabbatical = TimeOff.create(date(2026, 1, 1), date(2027, 12, 31))
    on_leave = rep(LONDON, EVERY_DAY_9_TO_5, sabbatical)
    result = working_at(company(), on_leave, utc(2026, 3, 10, 15))
    assert (result.reason, result.next_change) == ("time_off", None)


def test_next_change_can_be_many_months_away() -> None:
    spring = TimeOff.create(date(2026, 1, 1), date(2026, 5, 31))
    result = working_at(company(), rep(NEW_YORK, None, spring), at(NEW_YORK, 2026, 1, 5, 10))
    assert result.next_change == at(NEW_YORK, 2026, 6, 1, 9)


@settings(max_examples=200, deadline=None)
@given(
    weekly_hours,
    zones,
    st.one_of(st.none(), weekly_hours),
    zones,
    st.lists(time_offs(), max_size=3),
    st.lists(st.dates(date(2025, 12, 25), date(2027, 1, 5)), max_size=4),
    instants,
    st.floats(0, 1),
)
def test_availability_and_its_next_change_agree(
    company_week, company_tz, rep_week, rep_tz, offs, holidays, t, frac
) -> None:
    firm = CompanyCalendar(company_tz, company_week, {day: "Holiday" for day in holidays})
    person = RepCalendar(rep_tz, rep_week, tuple(offs))
    result = working_at(firm, person, t)
    assert result.working == is_working(firm, person, t) == (result.reason == "working")
    flip = result.next_change
    if flip is None:
        steps = (t + timedelta(hours=5 * k) for k in range(370 * 24 // 5))
        assert all(is_working(firm, person, step) == result.working for step in steps)
        return
    assert t < flip <= t + timedelta(days=370)
    assert is_working(firm, person, flip - timedelta(microseconds=1)) == result.working
    between = min(t + (flip - t) * frac, flip - timedelta(microseconds=1))
    assert is_working(firm, person, between) == result.working
    assert is_working(firm, person, flip) != result.working


# --- warnings -----------------------------------------------------------------------------------


def test_personal_hours_outside_company_hours_are_named_plainly() -> None:
    personal = hours(mon=[["08:00", "12:00"]], sat=[["10:00", "12:00"]])
    warnings = outside_company_warnings(
        personal, NEW_YORK, COMPANY_DEFAULT, NEW_YORK, at(NEW_YORK, 2026, 3, 11, 12)
    )
    assert warnings == [
        "Mon 08:00–09:00 is outside company hours",
        "Sat 10:00–12:00 is outside company hours",
    ]
    assert (
        outside_company_warnings(
            COMPANY_DEFAULT, NEW_YORK, COMPANY_DEFAULT, NEW_YORK, utc(2026, 3, 11)
        )
        == []
    )


@pytest.mark.parametrize(
    ("reference", "outside_until"),
    [(utc(2026, 3, 4), "14:00"), (utc(2026, 3, 11), "13:00"), (utc(2026, 10, 28), "13:00")],
)
def test_warnings_for_a_london_rep_follow_the_week_of_the_reference(reference, outside_until):
    weekdays = hours(**{day: [["09:00", "17:00"]] for day in DAYS[:5]})
    warnings = outside_company_warnings(weekdays, LONDON, COMPANY_DEFAULT, NEW_YORK, reference)
    sentence = "{} 09:00–{} is outside company hours"
    assert warnings == [
        sentence.format(day, outside_until) for day in ("Mon", "Tue", "Wed", "Thu", "Fri")
    ]
