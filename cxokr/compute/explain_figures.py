"""How `cxokr explain` writes a figure: to four decimals, or to the digits that decide its
comparison with a threshold, with the two decimals that thresholds compare (DESIGN §2.3).

Pace, grades and confidence are compared with their thresholds as reports show them,
rounded to two decimals (`progress.as_shown`); progress is compared with 1 as it is.
"""

from __future__ import annotations

from collections.abc import Iterable

from cxokr.compute import progress as calc

GRADE_BANDS = "0.7–1.0 green, 0.4–0.7 yellow, below red"
_MOST_DIGITS = 17


def fmt(value: float | None, digits: int = 4) -> str:
    """A figure to `digits` decimals, without trailing zeros; `none` for no figure."""
    if value is None:
        return "none"
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:g}"


def deciding(value: float, limits: Iterable[float]) -> str:
    """`value` with four decimals, or as many more as it takes to read on the side of each
    limit it is on: 0.3999999999999997, not 0.4, when the figure itself is compared."""
    limits = tuple(limits)
    for digits in range(4, _MOST_DIGITS + 1):
        shown = fmt(value, digits)
        if all((float(shown) >= limit) == (value >= limit) for limit in limits):
            return shown
    return repr(value)


def as_shown(value: float | None, limits: Iterable[float]) -> str:
    """A figure compared with `limits` as shown (two decimals): its own digits, and the two
    decimals too where those, not the digits, land on another side of a limit."""
    if value is None:
        return fmt(value)
    limits = tuple(limits)
    shown = calc.as_shown(value)
    if any((value >= limit) != (shown >= limit) for limit in limits):
        return f"{deciding(value, limits)} ({shown:.2f} as shown)"
    return deciding(value, limits)


def band_rule(grade: float) -> str:
    """Why a grade has its band: its comparison with 0.7 and 0.4, as shown."""
    figure = as_shown(grade, (0.7, 0.4))
    band = calc.band(grade).value
    if band == "green":
        rule = f"grade {figure} ≥ 0.7"
    elif band == "yellow":
        rule = f"0.4 ≤ grade {figure} < 0.7"
    else:
        rule = f"grade {figure} < 0.4"
    return f"{rule}: {band} ({GRADE_BANDS})"
