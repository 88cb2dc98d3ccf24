"""cxokr.compute.values: observations, start values, the series and the forecast."""

from __future__ import annotations

from datetime import date

import pytest

from cxokr.compute import values
from cxokr.compute.values import Observation
from cxokr.model import KeyResult, Reading
from tests.compute.test_progress import AS_OF, Q4, checkin

KR = KeyResult(id="aov-online", title="AOV", metric="aov", segment="online", target=64)


def reading(
    day: str, value: float, segment: str | None = "online", at: str | None = None
) -> Reading:
    return Reading.model_validate({"date": day, "value": value, "segment": segment, "at": at})


def obs(day: str, value: float) -> Observation:
    return Observation(date.fromisoformat(day), value, "reading")


# --- Observations and start ---------------------------------------------------------------


def test_observations_keep_only_the_krs_segment() -> None:
    found = values.observations(
        KR, Q4, AS_OF, [reading("2026-11-01", 60), reading("2026-11-02", 80, "in-store")], []
    )
    assert [o.value for o in found] == [60]


def test_observations_without_segment_match_readings_without_segment() -> None:
    kr = KeyResult(id="nps", title="NPS", metric="nps", start=30, target=40)
    found = values.observations(
        kr, Q4, AS_OF, [reading("2026-11-01", 31, None), reading("2026-11-01", 99, "online")], []
    )
    assert [o.value for o in found] == [31]


def test_observations_stay_inside_the_period_and_up_to_as_of() -> None:
    readings = [
        reading("2026-09-30", 58),
        reading("2026-10-01", 59),
        reading("2026-11-20", 61),
        reading("2026-11-21", 62),
    ]
    found = values.observations(KR, Q4, AS_OF, readings, [])
    assert [(o.date.isoformat(), o.value) for o in found] == [
        ("2026-10-01", 59),
        ("2026-11-20", 61),
    ]


def test_observations_skip_checkins_without_a_value() -> None:
    found = values.observations(
        KR, Q4, AS_OF, [], [checkin("2026-11-01", None), checkin("2026-11-02", 3)]
    )
    assert [o.value for o in found] == [3]


def test_same_day_checkin_comes_after_a_reading() -> None:
    found = values.observations(
        KR, Q4, AS_OF, [reading("2026-11-19", 280)], [checkin("2026-11-19", 276)]
    )
    assert [(o.source, o.value) for o in found] == [("reading", 280), ("checkin", 276)]


def test_same_day_entries_are_ordered_by_at() -> None:
    later_reading = reading("2026-11-19", 280, at="2026-11-19T18:00:00Z")
    earlier_checkin = checkin("2026-11-19", 276, at="2026-11-19T09:00:00Z")
    found = values.observations(KR, Q4, AS_OF, [later_reading], [earlier_checkin])
    assert found[-1].value == 280


def test_same_day_entries_are_ordered_by_the_instant_of_at() -> None:
    reading_0800z = reading("2026-11-19", 280, at="2026-11-19T10:00:00+02:00")
    checkin_0900z = checkin("2026-11-19", 276, at="2026-11-19T09:00:00Z")
    found = values.observations(KR, Q4, AS_OF, [reading_0800z], [checkin_0900z])
    assert found[-1].value == 276


def test_start_is_the_newest_reading_before_the_period() -> None:
    readings = [
        reading("2026-09-15", 56),
        reading("2026-09-30", 58),
        reading("2026-09-30", 70, "in-store"),
        reading("2026-10-01", 58.5),
    ]
    assert values.start_from_readings(KR, Q4, readings) == 58


def test_start_is_none_without_a_reading_before_the_period() -> None:
    assert values.start_from_readings(KR, Q4, [reading("2026-10-01", 58.5)]) is None


# --- Series and forecast ------------------------------------------------------------------


def test_newest_reading_is_the_last_in_the_series_window() -> None:
    mine = values.DailyReadings(
        [reading("2026-09-28", 58), reading("2026-10-05", 59), reading("2026-11-12", 60)]
    )
    assert values.series(mine, Q4, AS_OF, []).newest_reading == date(2026, 11, 12)
    assert values.series(mine, Q4, date(2026, 11, 1), []).newest_reading == date(2026, 10, 5)
    # The reading before the period (its start) is not an update in it.
    assert values.series(mine, Q4, date(2026, 10, 2), []).newest_reading is None


def test_forecast_fits_a_least_squares_line() -> None:
    # x = 0, 30, 45 (mean 25), y = 58.5, 60, 61.5 (mean 60)
    # Sxx = 625 + 25 + 400 = 1050, Sxy = 37.5 + 0 + 30 = 67.5, slope = 9/140
    # intercept = 60 - 25 * 9/140 = 60 - 45/28; at x = 91: 60 + 66 * 9/140 = 4497/70
    points = [obs("2026-10-01", 58.5), obs("2026-10-31", 60), obs("2026-11-15", 61.5)]
    fit = values.forecast(values.Series.of(points), Q4)
    assert fit is not None
    assert fit.slope_per_day == pytest.approx(9 / 140, abs=1e-12)
    assert fit.intercept == pytest.approx(60 - 45 / 28, abs=1e-12)
    assert fit.value_at_end == pytest.approx(4497 / 70, abs=1e-9)
    assert fit.points == 3


def test_forecast_needs_two_distinct_days() -> None:
    same_day = [obs("2026-11-19", 280), obs("2026-11-19", 276)]
    assert values.forecast(values.Series.of(same_day), Q4) is None
    assert values.forecast(values.Series.of([]), Q4) is None


def test_series_is_the_daily_last_of_all_observations() -> None:
    """The fast series (bisect, slice, lay check-ins over) equals the rule spelled out."""
    from datetime import UTC, datetime, timedelta, timezone

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from cxokr.model import CheckinEntry, ReadingEntry, entry_sort_key

    # A few days around the period's start, so that days often collide.
    day = st.integers(0, 12).map(lambda d: date(2026, 9, 26) + timedelta(days=d))
    # Moments in UTC, in another zone and naive (read as UTC), so that every kind meets.
    zones = st.sampled_from([UTC, timezone(timedelta(hours=2)), None])
    moment = st.one_of(
        st.none(),
        st.builds(lambda h, tz: datetime(2026, 9, 1, 8 + h, tzinfo=tz), st.integers(0, 3), zones),
    )
    value = st.floats(0, 1e9, allow_nan=False)
    one_reading = st.builds(
        lambda d, v, seg, at: ReadingEntry(d, v, seg, None, None, at),
        day,
        value,
        st.sampled_from(["online", None]),
        moment,
    )
    one_checkin = st.builds(
        lambda d, v, at: CheckinEntry("grow/aov-online", d, v, None, None, None, at),
        day,
        st.one_of(st.none(), value),
        moment,
    )
    as_of = st.integers(0, 14).map(lambda d: date(2026, 9, 26) + timedelta(days=d))

    @settings(max_examples=300, deadline=None)
    @given(st.lists(one_reading), st.lists(one_checkin), as_of)
    def same_as_the_rule(
        readings: list[ReadingEntry], checkins: list[CheckinEntry], when: date
    ) -> None:
        readings.sort(key=entry_sort_key)  # log order, as a loaded log holds them
        checkins.sort(key=entry_sort_key)
        rule = values.daily(values.observations(KR, Q4, when, readings, checkins))
        mine = values.DailyReadings(r for r in readings if r.segment == KR.segment)
        fast = values.series(mine, Q4, min(when, Q4.end), checkins)
        assert list(fast) == [(p.date, p.value) for p in rule]
        assert [fast.source(i) for i in range(len(fast))] == [p.source for p in rule]
        assert fast == values.Series.of(rule)
        latest = values.series(mine, Q4, min(when, Q4.end), checkins).latest()  # not laid out
        last = rule[-1] if rule else None
        assert (latest and latest[:3]) == (last and (last.date, last.value, last.source))

    same_as_the_rule()
