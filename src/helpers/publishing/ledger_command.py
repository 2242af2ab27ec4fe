"""The ``gem-reports ledger`` command: what was published, one figure's history, the ledger as CSV.

Reads the kit's store (``helpers.store``) and never writes to it; ``export`` writes a CSV.
Belongs here: the command's sub-commands and their printed lines. Not here: the store itself.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from helpers import store
from helpers.errors import ParameterError


def _list(memory: store.Store, out) -> None:
    rows = memory.published_reports()
    if not rows:
        print("the ledger holds no published figure yet", file=out)
        return
    print(f"{'report':<42} {'as of':<10}  {'figures':>7}  first recorded (UTC)", file=out)
    for report, as_of, count, first in rows:
        print(f"{report:<42} {as_of:<10}  {count:>7}  {first}", file=out)


def _history(memory: store.Store, args: argparse.Namespace, out) -> None:
    rows = memory.figure_history(args.figure, args.report, args.district)
    if not rows:
        names = memory.figure_names()
        close = difflib.get_close_matches(args.figure, names, n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}?" if close else f"`gem-reports ledger figures` lists the {len(names)} figures"
        scope = "".join(f" {k} '{v}'" for k, v in (("in report", args.report), ("for district", args.district)) if v)
        raise ParameterError(f"figure '{args.figure}'{scope} is not in the ledger; {hint}")
    previous: dict[tuple, str] = {}
    print(f"{'report':<36} {'district':<18} {'as of':<10}  {'value':>16}  recorded (UTC)", file=out)
    for as_of, report, district, figure, value, recorded in rows:
        key = (report, district, as_of)
        note = f"   revised (was {previous[key]})" if key in previous and previous[key] != value else ""
        previous[key] = value
        print(f"{report:<36} {district or '(the phase)':<18} {as_of:<10}  {value:>16}  {recorded}{note}", file=out)


def _run(memory: store.Store, args: argparse.Namespace, out) -> int:
    if args.ledger_command == "history":
        _history(memory, args, out)
    elif args.ledger_command == "figures":
        print("\n".join(memory.figure_names()), file=out)
    elif args.ledger_command == "export":
        target = Path(args.out) if args.out else store.ledger_export_path()
        memory.export_ledger(target)
        print(f"wrote {target} ({len(memory.ledger_rows())} rows)", file=out)
    else:
        _list(memory, out)
    return 0


def run_ledger(args: argparse.Namespace) -> int:
    """Handler of ``gem-reports ledger``; returns the exit code."""
    code = store.query(lambda memory: _run(memory, args, sys.stdout), None)
    if code is None:
        raise ParameterError(f"no ledger yet ({store.STORE_FILE_NAME} is missing); run `gem-reports build` first")
    return code
