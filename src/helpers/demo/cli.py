"""The ``gem-reports demo-data`` command: write the SYNTHETIC demo exports, or a large benchmark CSV.

Belongs here: the sub-command's arguments and its handler. Not here: generating
anything (``generator``, ``large``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from helpers import paths
from helpers.demo.large import write_large_demo
from helpers.demo.layout import BENCH_OUT_DIR, DEFAULT_SEED, DEMO_SHEETS_DIR, FILE_PREFIX
from helpers.errors import DemoDataError


def add_demo_data_command(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``demo-data [--out DIR] [--seed N] [--rows N]`` on an argparse subparsers object.

    The handler is set as ``handler`` (``args.handler(args)`` returns an exit code).

    Args:
        subparsers: the object returned by ``ArgumentParser.add_subparsers()``.

    Returns:
        The new sub-parser.
    """
    parser = subparsers.add_parser(
        "demo-data",
        help="write the SYNTHETIC demo registration sheets (or, with --rows, a large benchmark CSV)",
        description=(
            "Write the SYNTHETIC demo registration sheets to data/raw/registrations/demo/ "
            "(deterministic for a seed). With --rows N, write one large CSV of N synthetic rows "
            f"for the scale benchmark instead (default folder {BENCH_OUT_DIR.relative_to(paths.ROOT)})."
        ),
    )
    parser.add_argument("--out", type=Path, default=None, help="output folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"generator seed (default {DEFAULT_SEED})")
    parser.add_argument("--rows", type=int, default=None, help="write a large benchmark CSV of this many rows")
    parser.set_defaults(handler=run_demo_data_command)
    return parser


def run_demo_data_command(args: argparse.Namespace) -> int:
    """Handle ``demo-data``: write the demo exports, or the large benchmark CSV with ``--rows``.

    Returns:
        0 on success.

    Raises:
        DemoDataError: ``--rows`` is not positive; any ``UserError`` of a bad calibration input,
            phases file or reference table passes through to the command's one error wrapper.
    """
    from helpers.demo.generator import write_demo_sheets  # here: generator re-exports this module's command

    if args.rows is not None:
        if args.rows <= 0:
            raise DemoDataError(f"--rows must be positive, got {args.rows}; give a number of rows such as 1000000")
        out_dir = args.out if args.out is not None else BENCH_OUT_DIR
        path = write_large_demo(Path(out_dir) / f"{FILE_PREFIX}benchmark_{args.rows}rows_seed{args.seed}.csv", args.rows, args.seed)
        print(f"wrote {args.rows:,} SYNTHETIC rows to {path}")
        return 0
    out_dir = args.out if args.out is not None else DEMO_SHEETS_DIR
    written = write_demo_sheets(Path(out_dir), args.seed)
    print(f"wrote {len(written)} SYNTHETIC demo files to {out_dir}")
    return 0
