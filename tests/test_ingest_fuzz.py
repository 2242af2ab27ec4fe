"""Fuzzing ``validate`` with random bytes and damaged copies of the small demo workbook.

Whatever the bytes, ``validate`` must end with exit 2 (or 0 for the untouched
workbook), give each problem as one line naming the file, and never print a
traceback or "internal error".
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.cli import main

DEMO = Path(__file__).parent / "data" / "hostile" / "demo.xlsx"
DEMO_BYTES = DEMO.read_bytes()
_FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _validate(data: bytes, suffix: str, capsys) -> tuple[int, str, str]:
    """Run ``validate`` in-process on ``data`` saved with ``suffix``; return (exit code, output, file name)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzzed{suffix}"
        path.write_bytes(data)
        code = main(["validate", str(path)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err, path.name


def _assert_one_line_per_problem(code: int, output: str, name: str, untouched: bool = False) -> None:
    """No traceback; exit 2 (or 0 when the bytes may still be the valid workbook); the problem in one line."""
    assert "Traceback" not in output and "internal error" not in output, output
    assert code in ((0, 2) if untouched else (2,)), output
    lines = output.splitlines()
    assert all(len(line) < 1000 for line in lines), output  # a problem is a line, not a dump
    if code == 2:
        assert [line for line in lines if name in line and "; " in line], output


def test_the_untouched_demo_workbook_is_valid(capsys):
    code, output, name = _validate(DEMO_BYTES, ".xlsx", capsys)
    assert code == 0, output
    _assert_one_line_per_problem(code, output, name, untouched=True)


@_FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".xlsx", ".xls", ".ods", ".xlsb", ".csv"]))
def test_random_bytes_give_one_line_and_exit_2(capsys, data, suffix):
    code, output, name = _validate(data, suffix, capsys)
    _assert_one_line_per_problem(code, output, name)


@_FUZZ
@given(cut=st.integers(min_value=0, max_value=len(DEMO_BYTES) - 1))
def test_a_truncated_workbook_gives_one_line_and_exit_2(capsys, cut):
    code, output, name = _validate(DEMO_BYTES[:cut], ".xlsx", capsys)
    _assert_one_line_per_problem(code, output, name)


@_FUZZ
@given(flips=st.lists(st.tuples(st.integers(min_value=0, max_value=len(DEMO_BYTES) - 1),
                                st.integers(min_value=0, max_value=7)), min_size=1, max_size=8))
def test_a_bit_flipped_workbook_gives_one_line(capsys, flips):
    data = bytearray(DEMO_BYTES)
    for position, bit in flips:
        data[position] ^= 1 << bit
    code, output, name = _validate(bytes(data), ".xlsx", capsys)
    # a flip in a zip comment, a timestamp or unused bytes changes nothing: then the file is still valid
    _assert_one_line_per_problem(code, output, name, untouched=True)
