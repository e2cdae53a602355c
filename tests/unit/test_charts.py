"""The numbers behind the charts, from known data (no database)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.domain import hours as h
from app.domain import routing as r
from app.views import charts

NY = ZoneInfo("America/New_York")
MON = date(2026, 3, 9)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NY)


# --- fairness -------------------------------------------------------------------------------------


def test_fairness_counts_each_reps_assignments_per_local_day():
    people = [("d", "Dana"), ("s", "Sam")]
    assigned = [
        ("d", at(MON, 9)),
        ("d", at(MON, 23, 30)),  # 03:30 UTC on Tuesday, still Monday in New York
        ("s", at(MON - timedelta(days=1), 12)),
        ("x", at(MON, 10)),  # not a member: not charted
        ("d", at(MON - timedelta(days=7), 12)),  # before the window
    ]
    f = charts.fairness(assigned, people, charts.day_starts(MON), 1, NY)
    assert [s.counts for s in f.series] == [(0, 0, 0, 0, 0, 0, 2), (0, 0, 0, 0, 0, 1, 0)]
    assert [s.total for s in f.series] == [2, 1]
    assert (f.peak, f.spread) == (2, 1)
    assert f.labels[0] == ("Tue 3", "Tue 3 Mar") and f.labels[-1] == ("Mon 9", "Mon 9 Mar")


def test_fairness_per_week_starts_on_monday():
    starts = charts.week_starts(date(2026, 3, 12))
    assert starts == [date(2026, 2, 16), date(2026, 2, 23), date(2026, 3, 2), date(2026, 3, 9)]
    assigned = [("d", at(date(2026, 3, 8), 12)), ("d", at(date(2026, 3, 9), 8)), ("d", at(MON, 9))]
    f = charts.fairness(assigned, [("d", "Dana")], starts, 7, NY)
    assert f.series[0].counts == (0, 0, 1, 2)
    assert f.labels[-1] == ("9 Mar", "Week of Mon 9 Mar")


def test_fairness_of_an_empty_team_is_empty_and_even():
    f = charts.fairness([], [], charts.day_starts(MON), 1, NY)
    assert (f.series, f.peak, f.spread) == ((), 0, 0)


def test_targets_share_each_periods_assignments_by_weight():
    people = [("s", "Sam"), ("l", "Lee"), ("k", "Kim")]
    assigned = [("s", at(MON, 9)), ("l", at(MON, 10)), ("k", at(MON, 11)), ("s", at(MON, 12))]
    assigned += [("x", at(MON, 13))]  # a former member's turn counts in the period's total
    assigned += [("l", at(MON - timedelta(days=1), 9)), ("l", at(MON - timedelta(days=1), 10))]
    f = charts.fairness(assigned, [*people, ("x", "Ex (left)")], charts.day_starts(MON), 1, NY)
    f = charts.with_targets(f, [2, 1, 1])
    sam, lee, kim, ex = f.series
    assert (sam.targets[-1], lee.targets[-1], kim.targets[-1]) == (2.5, 1.25, 1.25)
    assert (sam.targets[-2], lee.targets[-2]) == (1.0, 0.5)
    assert sam.targets[0] == 0
    assert (sam.target_total, lee.target_total) == (3.5, 1.75)
    assert ex.targets == () and ex.target_total is None
    assert f.peak == 2.5  # the scale fits the highest tick


def test_equal_weights_give_equal_targets():
    f = charts.fairness([("d", at(MON, 9))], [("d", "Dana"), ("s", "Sam")], [MON], 1, NY)
    f = charts.with_targets(f, [1, 1])
    assert [s.targets for s in f.series] == [(0.5,), (0.5,)]


# --- coverage -------------------------------------------------------------------------------------

NINE_TO_FIVE = h.WeeklyHours((((9 * 60, 17 * 60),),) * 5 + ((),) * 2)
NO_LUNCH = h.WeeklyHours(((),) * 7)


def company(holidays=None) -> h.CompanyCalendar:
    return h.CompanyCalendar(NY, NINE_TO_FIVE, holidays or {})


def member(hours=None, time_off=(), taking_part=True) -> charts.Member:
    return charts.Member(h.RepCalendar(NY, hours, tuple(time_off)), taking_part)


def test_coverage_counts_members_inside_hours_and_outside_time_off_and_holidays():
    cal = company({date(2026, 3, 11): "Founders"})
    sched = r.TeamSchedule(NY, NINE_TO_FIVE, NO_LUNCH, cal.holidays)
    mornings = h.WeeklyHours((((9 * 60, 12 * 60),),) * 7)
    members = [
        member(),
        member(time_off=[h.TimeOff(date(2026, 3, 10))]),
        member(hours=mornings),
        member(taking_part=False),
    ]
    cov = charts.coverage(cal, sched, None, True, members, MON)
    assert cov.hours == tuple(range(9, 17))  # 09:00 to 16:00 (each sampled at half past)
    assert cov.counts[0] == (3, 3, 3, 2, 2, 2, 2, 2)  # Monday
    assert cov.counts[1] == (2, 2, 2, 1, 1, 1, 1, 1)  # Tuesday: one on time off
    assert cov.counts[2] == (0,) * 8  # Wednesday: company holiday
    assert cov.counts[5] == (0,) * 8  # Saturday: closed
    assert cov.peak == 3 and cov.days[0] == MON and len(cov.days) == 7


def test_coverage_follows_the_team_schedule_and_its_lunch_destination():
    cal = company()
    in_office = h.WeeklyHours((((9 * 60, 12 * 60), (13 * 60, 17 * 60)),) * 5 + ((),) * 2)
    lunch = h.WeeklyHours((((12 * 60, 13 * 60),),) * 5 + ((),) * 2)
    sched = r.TeamSchedule(NY, in_office, lunch, {})
    to_members = charts.coverage(cal, sched, None, True, [member()], MON)
    to_voicemail = charts.coverage(cal, sched, None, False, [member()], MON)
    assert to_members.counts[0] == (1,) * 8
    assert to_voicemail.counts[0] == (1, 1, 1, 0, 1, 1, 1, 1)  # 12:30 goes to voicemail


def test_coverage_honours_a_vacation_override():
    cal = company()
    sched = r.TeamSchedule(NY, NINE_TO_FIVE, NO_LUNCH, {})
    off = r.Override(r.TeamState.VACATION, None)
    assert charts.coverage(cal, sched, off, True, [member()], MON).peak == 0


def test_coverage_with_nobody_open_shows_office_hours_window():
    cal = h.CompanyCalendar(NY, NO_LUNCH, {})
    sched = r.TeamSchedule(NY, NO_LUNCH, NO_LUNCH, {})
    cov = charts.coverage(cal, sched, None, True, [member()], MON)
    assert cov.hours == tuple(range(9, 17)) and cov.peak == 0


# --- timeline -------------------------------------------------------------------------------------


def test_timeline_turns_status_changes_into_segments_and_minutes():
    start, end = at(MON, 0), at(MON + timedelta(days=1), 0)
    changes = [
        charts.Change(at(MON, 9), "available"),
        charts.Change(at(MON, 12), "away", "Lunch", "rep"),
        charts.Change(at(MON, 13), "available", None, "timer"),
        charts.Change(at(MON, 15), "busy", "QBR", "manager"),
        charts.Change(at(MON - timedelta(days=1), 15), "busy"),  # another day: ignored
    ]
    tl = charts.timeline("offline", changes, start, end, at(MON, 16, 30))
    assert [(s.status, s.minutes) for s in tl.segments] == [
        ("offline", 540),
        ("available", 180),
        ("away", 60),
        ("available", 120),
        ("busy", 90),
    ]
    assert tl.segments[2].note == "Lunch" and tl.segments[3].by == "timer"
    assert tl.totals() == {"offline": 540, "available": 300, "away": 60, "busy": 90}
    assert tl.at(at(MON, 12)) == 0.5


def test_timeline_of_a_past_day_runs_to_midnight_and_a_future_day_is_empty():
    start, end = at(MON, 0), at(MON + timedelta(days=1), 0)
    past = charts.timeline("away", [], start, end, end + timedelta(days=3))
    assert [(s.status, s.minutes) for s in past.segments] == [("away", 1440)]
    future = charts.timeline("away", [], start, end, start - timedelta(hours=1))
    assert future.segments == ()


def test_timeline_ticks_follow_local_hours_on_a_dst_day():
    sunday = date(2026, 3, 8)  # clocks spring forward at 02:00: a 23-hour day
    tl = charts.timeline("offline", [], at(sunday, 0), at(MON, 0), at(MON, 0))
    assert tl.segments[0].minutes == 23 * 60
    ticks = dict((label, round(pos, 4)) for pos, label in tl.ticks())
    assert ticks["00"] == 0 and ticks["24"] == 1
    assert ticks["03"] == round(2 / 23, 4)  # 03:00 EDT is only two hours after midnight
    assert datetime(2026, 3, 8, 7, tzinfo=UTC) == at(sunday, 3)
