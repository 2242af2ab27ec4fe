"""``make bench``'s report of the ratio set: the --jobs 1 build over the floor is the median of pairs run in turns."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from results import FLOOR_RATIO_MAX, _ratio_lines, median_pair, pair_ratio  # noqa: E402


def _pair(floor_s: float, build_s: float, exit_code: int = 0) -> dict:
    return {"floor": {"floor_s": floor_s, "exit_code": 0, "failures": []},
            "build_jobs_1": {"wall_s": build_s, "exit_code": exit_code}}


def _line(pairs: list[dict]) -> str:
    return _ratio_lines({"ratio_pairs": pairs, **median_pair(pairs)})[0]


def test_the_median_pair_is_the_middle_ratio_whatever_the_order_and_never_a_failed_run() -> None:
    first, middle, last = _pair(10.0, 14.0), _pair(10.0, 12.5), _pair(10.0, 12.0)
    for order in ([first, middle, last], [middle, last, first], [last, first, middle]):
        assert median_pair(order) is middle
    assert median_pair([_pair(10.0, 12.0), _pair(10.0, 13.0), _pair(10.0, 14.0), _pair(10.0, 15.0)])["build_jobs_1"][
        "wall_s"] == 13.0, "the lower of the middle two"
    failed = _pair(10.0, 12.5, exit_code=1)
    assert median_pair([first, failed, last]) in (first, last)


def test_the_ratio_is_the_median_pair_and_every_pair_is_shown() -> None:
    pairs = [_pair(10.0, 14.0), _pair(10.0, 12.0), _pair(10.0, 12.5)]
    line = _line(pairs)
    assert "**1.25x**" in line and "1.40x, 1.20x, 1.25x" in line and line.endswith("PASS")
    assert pair_ratio(pairs[0]) == 1.4


def test_a_median_over_the_target_or_a_failed_pair_is_a_miss() -> None:
    assert _line([_pair(10.0, 10.0 * FLOOR_RATIO_MAX + 1), _pair(10.0, 14.0), _pair(10.0, 12.0)]).endswith("**MISS**")
    failed = _line([_pair(10.0, 12.0), _pair(10.0, 12.0, exit_code=1), _pair(10.0, 12.0)])
    assert "**MISS**" in failed and "not valid" in failed


def test_a_floor_that_did_not_run_gives_no_ratio() -> None:
    assert pair_ratio(_pair(0.0, 12.0)) == float("inf")
