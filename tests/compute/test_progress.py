"""The pure math of cxokr.progress: each function directly, then properties with Hypothesis."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxokr.compute import progress as calc
from cxokr.compute.progress import Band, Status
from cxokr.model import Checkin, KrType, Period, Thresholds

Q4 = Period(id="2026-Q4", start=date(2026, 10, 1), end=date(2026, 12, 31))
AS_OF = date(2026, 11, 20)  # day 51 of 92
DEFAULTS = Thresholds()  # on_track 0.9, at_risk 0.6


def checkin(day: str, value: float | None, at: str | None = None) -> Checkin:
    return Checkin.model_validate({"kr": "grow/aov-online", "date": day, "value": value, "at": at})


# --- Time ---------------------------------------------------------------------------------


def test_period_days_counts_both_ends() -> None:
    assert calc.period_days(Q4) == 92  # 31 + 30 + 31


def test_day_of_is_one_based() -> None:
    assert calc.day_of(Q4, date(2026, 10, 1)) == 1
    assert calc.day_of(Q4, AS_OF) == 51  # 31 October days + 20


def test_day_of_is_clamped_to_the_period() -> None:
    assert calc.day_of(Q4, date(2026, 9, 1)) == 0
    assert calc.day_of(Q4, date(2027, 3, 1)) == 92


def test_expected_is_day_n_of_m() -> None:
    assert calc.expected(Q4, AS_OF) == pytest.approx(51 / 92, abs=1e-12)
    assert calc.expected(Q4, date(2026, 12, 31)) == 1.0
    assert calc.expected(Q4, date(2026, 9, 30)) == 0.0


def test_contains_includes_both_ends() -> None:
    assert calc.contains(Q4, Q4.start)
    assert calc.contains(Q4, Q4.end)
    assert not calc.contains(Q4, date(2027, 1, 1))


# --- Progress -----------------------------------------------------------------------------


def test_target_progress_upward() -> None:
    assert calc.progress(KrType.TARGET, 61.5, 58, 64) == pytest.approx(3.5 / 6, abs=1e-12)


def test_target_progress_downward() -> None:
    assert calc.progress(KrType.TARGET, 276, 300, 240) == pytest.approx(0.4, abs=1e-12)  # -24/-60


def test_target_progress_is_raw_below_zero_and_above_one() -> None:
    assert calc.progress(KrType.TARGET, 68, 70, 80) == pytest.approx(-0.2, abs=1e-12)
    assert calc.progress(KrType.TARGET, 4, 0, 3) == pytest.approx(4 / 3, abs=1e-12)


def test_target_progress_needs_a_start_that_differs_from_the_target() -> None:
    assert calc.progress(KrType.TARGET, 61, None, 64) is None
    assert calc.progress(KrType.TARGET, 61, 64, 64) is None


def test_no_value_is_no_progress() -> None:
    for kr_type in KrType:
        assert calc.progress(kr_type, None, 0, 1) is None


def test_stay_above_holds_at_the_line() -> None:
    assert calc.progress(KrType.STAY_ABOVE, 85, None, 85) == 1.0
    assert calc.progress(KrType.STAY_ABOVE, 84.9, None, 85) == 0.0


def test_stay_below_holds_at_the_line() -> None:
    assert calc.progress(KrType.STAY_BELOW, 2.5, None, 2.5) == 1.0
    assert calc.progress(KrType.STAY_BELOW, 2.6, None, 2.5) == 0.0


def test_done_is_one_from_a_value_of_one() -> None:
    assert calc.progress(KrType.DONE, 1, 0, 1) == 1.0
    assert calc.progress(KrType.DONE, 0, 0, 1) == 0.0


def test_clamp_to_unit_interval() -> None:
    assert [calc.clamp(v) for v in (-0.2, 0.5, 4 / 3)] == [0.0, 0.5, 1.0]


def test_weighted_mean_clamps_and_weighs() -> None:
    # (2 * 7/12 + 1 * clamp(4/3)) / 3 = (14/12 + 1) / 3 = 13/18
    assert calc.weighted_mean([(7 / 12, 2), (4 / 3, 1)]) == pytest.approx(13 / 18, abs=1e-12)


def test_weighted_mean_of_nothing_is_none() -> None:
    assert calc.weighted_mean([]) is None


# --- Pace and status ----------------------------------------------------------------------


def test_pace_is_progress_over_expected() -> None:
    assert calc.pace(0.4, 51 / 92) == pytest.approx(0.4 * 92 / 51, abs=1e-12)


def test_pace_is_none_without_progress_or_before_the_period() -> None:
    assert calc.pace(None, 0.5) is None
    assert calc.pace(0.4, 0.0) is None


@pytest.mark.parametrize(
    ("progress", "expected_status"),
    [
        (None, Status.NO_DATA),
        (1.0, Status.DONE),
        (4 / 3, Status.DONE),
        (0.45, Status.ON_TRACK),  # pace 0.9 exactly
        (0.44, Status.AT_RISK),  # pace 0.88
        (0.30, Status.AT_RISK),  # pace 0.6 exactly
        (0.29, Status.OFF_TRACK),  # pace 0.58
        (-0.2, Status.OFF_TRACK),
    ],
)
def test_status_by_pace(progress: float | None, expected_status: Status) -> None:
    assert calc.status(progress, 0.5, DEFAULTS) is expected_status


def test_status_uses_the_configured_thresholds() -> None:
    assert calc.status(0.4, 0.5, Thresholds(on_track=0.8, at_risk=0.5)) is Status.ON_TRACK


def test_guardrail_is_on_track_while_it_holds() -> None:
    assert calc.status(1.0, 0.5, DEFAULTS, guardrail=True) is Status.ON_TRACK
    assert calc.status(0.0, 0.5, DEFAULTS, guardrail=True) is Status.OFF_TRACK


def test_stale_after_more_than_the_limit() -> None:
    assert not calc.is_stale(date(2026, 11, 6), Q4, AS_OF, 14)  # 14 days
    assert calc.is_stale(date(2026, 11, 5), Q4, AS_OF, 14)  # 15 days


def test_stale_without_update_counts_from_the_period_start() -> None:
    assert calc.is_stale(None, Q4, AS_OF, 14)  # 50 days since 2026-10-01
    assert not calc.is_stale(None, Q4, date(2026, 10, 15), 14)  # 14 days


def test_never_stale_outside_the_period() -> None:
    assert not calc.is_stale(None, Q4, date(2027, 1, 20), 14)


def test_last_update_is_the_newest_checkin_or_reading_in_the_period() -> None:
    said = [checkin("2026-09-30", 60), checkin("2026-10-20", None), checkin("2026-11-02", 61)]
    assert calc.last_update(said, date(2026, 10, 25), Q4, AS_OF) == date(2026, 11, 2)
    assert calc.last_update(said, date(2026, 11, 10), Q4, AS_OF) == date(2026, 11, 10)
    # A check-in with only a confidence or a note is an update too.
    assert calc.last_update(said[:2], None, Q4, AS_OF) == date(2026, 10, 20)


def test_last_update_ignores_checkins_outside_the_period_and_after_the_date() -> None:
    said = [checkin("2026-09-30", 60), checkin("2026-11-25", 62), checkin("2027-01-05", 63)]
    assert calc.last_update(said, None, Q4, AS_OF) is None
    assert calc.last_update(said, None, Q4, date(2027, 1, 10)) == date(2026, 11, 25)


# --- Grade --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "expected_band"),
    [
        (1.0, Band.GREEN),
        (0.7, Band.GREEN),
        (0.69, Band.YELLOW),
        (0.4, Band.YELLOW),
        (0.39, Band.RED),
    ],
)
def test_band_boundaries(score: float, expected_band: Band) -> None:
    assert calc.band(score) is expected_band


# --- Properties ---------------------------------------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
unit = st.floats(min_value=0, max_value=1, allow_nan=False)
weights = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@given(start=finite, gap=st.floats(min_value=1e-3, max_value=1e6), a=finite, b=finite)
def test_progress_is_monotonic_in_value_when_higher_is_better(
    start: float, gap: float, a: float, b: float
) -> None:
    low, high = sorted((a, b))
    at_low = calc.progress(KrType.TARGET, low, start, start + gap)
    at_high = calc.progress(KrType.TARGET, high, start, start + gap)
    assert at_low is not None and at_high is not None
    assert at_low <= at_high


@given(start=finite, gap=st.floats(min_value=1e-3, max_value=1e6), a=finite, b=finite)
def test_progress_is_monotonic_in_value_when_lower_is_better(
    start: float, gap: float, a: float, b: float
) -> None:
    low, high = sorted((a, b))
    at_low = calc.progress(KrType.TARGET, low, start, start - gap)
    at_high = calc.progress(KrType.TARGET, high, start, start - gap)
    assert at_low is not None and at_high is not None
    assert at_low >= at_high  # moving down towards the target is progress


@given(values=st.lists(finite, min_size=1, max_size=20), weight=weights)
def test_equal_weights_roll_up_to_the_mean_of_clamped_values(
    values: list[float], weight: float
) -> None:
    mean = sum(calc.clamp(v) for v in values) / len(values)
    assert calc.weighted_mean([(v, weight) for v in values]) == pytest.approx(mean, abs=1e-9)


@given(terms=st.lists(st.tuples(finite, weights), min_size=1, max_size=20))
def test_roll_up_never_leaves_the_unit_interval(terms: list[tuple[float, float]]) -> None:
    value = calc.weighted_mean(terms)
    assert value is not None
    assert 0.0 <= value <= 1.0


@given(
    progress=st.floats(min_value=-2, max_value=2, allow_nan=False),
    expected=st.floats(min_value=1e-3, max_value=1, allow_nan=False),
    at_risk=unit,
    margin=st.floats(min_value=1e-3, max_value=1),
)
def test_never_on_track_below_the_at_risk_pace(
    progress: float, expected: float, at_risk: float, margin: float
) -> None:
    thresholds = Thresholds(on_track=at_risk + margin, at_risk=at_risk)
    pace = calc.pace(progress, expected)
    assert pace is not None
    if calc.as_shown(pace) < at_risk:  # thresholds compare the pace as shown
        assert calc.status(progress, expected, thresholds) is not Status.ON_TRACK
        assert calc.status(progress, expected, thresholds) is Status.OFF_TRACK


@given(
    start=days,
    length=st.integers(min_value=0, max_value=800),
    first=days,
    step=st.integers(min_value=0, max_value=800),
)
def test_expected_is_a_share_that_never_decreases(
    start: date, length: int, first: date, step: int
) -> None:
    period = Period(id="p", start=start, end=start + timedelta(days=length))
    before, after = (
        calc.expected(period, first),
        calc.expected(period, first + timedelta(days=step)),
    )
    assert 0.0 <= before <= after <= 1.0


@given(
    start=days,
    length=st.integers(min_value=1, max_value=800),
    offset=st.integers(min_value=0, max_value=800),
    step=st.integers(min_value=1, max_value=800),
)
def test_expected_grows_each_day_inside_the_period(
    start: date, length: int, offset: int, step: int
) -> None:
    period = Period(id="p", start=start, end=start + timedelta(days=length))
    first = start + timedelta(days=offset % (length + 1))
    later = min(first + timedelta(days=step), period.end)
    if later > first:
        assert calc.expected(period, first) < calc.expected(period, later)
    assert calc.expected(period, period.end) == 1.0


def test_in_log_order_agrees_with_sorting() -> None:
    """A log already in order skips the sort; the check must agree with the sort's order."""
    from datetime import UTC, datetime, timedelta, timezone

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from cxokr.model import ReadingEntry, entry_sort_key, in_log_order

    zones = st.sampled_from([UTC, timezone(timedelta(hours=-5)), None])
    moment = st.one_of(
        st.none(),
        st.builds(lambda h, tz: datetime(2026, 9, 1, 8 + h, tzinfo=tz), st.integers(0, 6), zones),
    )
    entry = st.builds(
        lambda d, at: ReadingEntry(date(2026, 9, 1) + timedelta(days=d), 1.0, None, None, None, at),
        st.integers(0, 2),
        moment,
    )

    @settings(max_examples=300, deadline=None)
    @given(st.lists(entry, max_size=6))
    def agrees(entries: list[ReadingEntry]) -> None:
        keys = [entry_sort_key(e) for e in entries]
        assert in_log_order(entries) == (keys == sorted(keys))

    agrees()


# --- Thresholds compare figures as shown ----------------------------------------------------


@pytest.mark.parametrize(
    ("score", "expected_band"),
    [
        ((60.4 - 58) / (64 - 58), Band.YELLOW),  # 0.39999999999999974, shown 0.40
        (0.7 * 3 / 3 - 1e-15, Band.GREEN),  # shown 0.70
        (0.395, Band.YELLOW),  # shown 0.40
        (0.394, Band.RED),  # shown 0.39
        (0.6949, Band.YELLOW),  # shown 0.69
    ],
)
def test_band_is_that_of_the_grade_as_shown(score: float, expected_band: Band) -> None:
    assert calc.band(score) is expected_band


def test_status_compares_the_pace_as_shown() -> None:
    expected = 21 / 92
    progress = 0.9 * expected
    assert progress / expected < 0.9  # 0.8999999999999999, shown as pace 0.90
    assert calc.status(progress, expected, DEFAULTS) is Status.ON_TRACK
    assert calc.status(0.6 * expected - 1e-12, expected, DEFAULTS) is Status.AT_RISK
    assert calc.status(0.8949 * expected, expected, DEFAULTS) is Status.AT_RISK  # pace 0.89
    assert calc.status(0.5949 * expected, expected, DEFAULTS) is Status.OFF_TRACK  # pace 0.59
