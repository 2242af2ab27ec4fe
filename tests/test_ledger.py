"""The ledger of published figures: append-only, idempotent, and revisions found after a correction.

The ledger lives in the kit's store (``helpers.store``); each test uses a store of its own in ``tmp_path``.
"""

from __future__ import annotations

import csv
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from helpers import paths, store
from helpers.analysis import metrics, progress
from helpers.report_files import ledger

BUILT = datetime(2022, 1, 16, 6, 0, tzinfo=timezone.utc)
LATER = datetime(2022, 1, 23, 6, 0, tzinfo=timezone.utc)


def published(regs: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """The figures a phase brief would publish: registrations in all and per home district."""
    now = progress.registrations_as_of(regs, as_of)
    per_district = [(d, "registrations_count", n) for d, n in now["home_district"].value_counts().sort_index().items()]
    first_order = metrics.funnel_counts(now).iloc[0]["first_order_count"]
    figures = [("", "registrations_count", len(now)), ("", "first_order_count", first_order), *per_district]
    return ledger.figures_frame(as_of, "phase-1/brief-en", figures)


def registrations(agra_status: str = "registered") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "registration_date": pd.to_datetime(["2022-01-03", "2022-01-05", "2022-01-12", "2022-01-20"]),
            "home_district": ["Agra", "Mathura", "Mathura", "Agra"],
            "onboarding_status": [agra_status, "registered", "registered", "registered"],
        }
    )


def rows(path: Path) -> list[dict[str, str]]:
    """The ledger's rows, through its CSV export (what an analyst opens)."""
    export = path.with_suffix(".csv")
    opened = store.Store.open(path)
    opened.export_ledger(export)
    opened.close()
    with export.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def append_published(
    current_figures: pd.DataFrame, path: Path | None = None, *, recorded_at: datetime | None = None
) -> int:
    """Store the figures a build published that the ledger does not already hold with the same value.

    A row is new when no ledger row has the same as-of date, report, district,
    figure and value. The build stores a report's figures together with its state
    (``Store.commit_job``); this is the same for figures outside a build.

    Args:
        current_figures: rows of ``figures_frame`` (one or more reports).
        path: the store (default: ``data/processed/kit-memory.sqlite``).
        recorded_at: when the build ran (default: now, UTC).

    Returns:
        How many rows were new (0 when the same build runs twice).
    """
    opened = store.Store.open(path)
    try:
        rows = current_figures[list(store.LEDGER_COLUMNS[:-1])].astype(str).to_dict("records")
        return opened.record_figures(rows, recorded_at=recorded_at)
    finally:
        opened.close()


def test_the_ledger_lives_in_the_store_under_data_processed() -> None:
    assert store.store_path() == paths.PROCESSED_DIR / "kit-memory.sqlite"
    assert store.ledger_export_path() == paths.PROCESSED_DIR / "published_figures.csv"


def test_one_row_per_figure_and_a_second_identical_build_adds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite"
    figures = published(registrations(), "2022-01-15")
    assert append_published(figures, path, recorded_at=BUILT) == 4
    written = rows(path)
    assert append_published(published(registrations(), "2022-01-15"), path, recorded_at=LATER) == 0
    assert rows(path) == written
    got = {(r["district"], r["figure"]): r["value"] for r in rows(path)}
    # 3 registrations by 2022-01-15: Agra 1, Mathura 2, no first order
    assert got == {("", "registrations_count"): "3", ("", "first_order_count"): "0",
                   ("Agra", "registrations_count"): "1", ("Mathura", "registrations_count"): "2"}
    assert {r["as_of_date"] for r in rows(path)} == {"2022-01-15"}
    assert {r["recorded_at"] for r in rows(path)} == {"2022-01-16T06:00:00+00:00"}


def test_a_new_as_of_date_appends_and_keeps_the_old_rows(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite"
    append_published(published(registrations(), "2022-01-15"), path, recorded_at=BUILT)
    before = rows(path)
    assert append_published(published(registrations(), "2022-01-22"), path, recorded_at=LATER) == 4
    after = rows(path)
    assert after[: len(before)] == before and len(after) == 8


def test_a_correction_of_an_old_row_is_a_revision(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite"
    append_published(published(registrations(), "2022-01-15"), path, recorded_at=BUILT)
    corrected = registrations(agra_status="first order")  # the Agra row of 2022-01-03 corrected in a later sheet
    current = published(corrected, "2022-01-15")
    found = ledger.revisions(ledger.read_ledger(path), current)
    assert found[["district", "figure", "published_value", "current_value"]].to_dict("records") == [
        {"district": "", "figure": "first_order_count", "published_value": "0", "current_value": "1"}
    ]
    assert found.loc[0, "first_recorded_at"] == "2022-01-16T06:00:00+00:00"
    # the rebuild records the corrected value once; the revision is still found against the first value
    assert append_published(current, path, recorded_at=LATER) == 1
    assert append_published(current, path, recorded_at=LATER) == 0
    assert len(ledger.revisions(ledger.read_ledger(path), current)) == 1


def test_no_revision_when_nothing_changed(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite"
    append_published(published(registrations(), "2022-01-15"), path, recorded_at=BUILT)
    assert ledger.revisions(ledger.read_ledger(path), published(registrations(), "2022-01-15")).empty


def test_values_are_written_the_same_way_every_time() -> None:
    assert [ledger.canonical_value(v) for v in (3, 3.0, 2.5, 1 / 3, float("nan"), None, True, "n/a")] == [
        "3", "3", "2.5", "0.333333333333", "", "", "true", "n/a"
    ]
    assert ledger.canonical_value(pd.Timestamp("2022-01-15")) == "2022-01-15"
