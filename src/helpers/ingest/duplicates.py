"""Duplicates: rows whose registration id (or GeM seller id) was accepted before.

A row is a duplicate when its registration id (ignoring case and spaces), or
failing that its non-blank GeM seller id, was accepted before: in the same
sheet, an earlier sheet or an earlier file. Only accepted rows count: a
rejected row is never the row a later one duplicates. ``DuplicateIndex`` holds
the keys accepted so far and splits each sheet's rows without problems into
accepted ones and duplicates. What does not belong here: checking the ids
(``stages``), the outputs (``outputs``).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from helpers.ingest import parsing, pii
from helpers.ingest.sheetframe import cell_value, codes, plain_tokens, replaced


def shown_id(value: object) -> object:
    """An id as written to the duplicate rows: personal data removed (None stays None)."""
    return value if value is None else pii.redact(str(value), pii.ID_KINDS)[0]


def parsed_ids(cells: pa.DictionaryArray, typed: bool = False) -> tuple[pa.Array, pa.Array]:
    """Per distinct id cell: the id as stored (trimmed, Devanagari digits as ASCII digits; null when blank) and
    the key two ids are compared by (without spaces, case-folded; null for no id).

    A plain token (``UPGEM-B-0000001``, nearly every id) is its own id and its lower case its key, in
    bulk; only the other cells are cleaned in Python (tagged cells of a workbook decoded first).
    """
    raw = cells.dictionary
    others = np.flatnonzero(~plain_tokens(raw))
    found = raw.take(pa.array(others, type=pa.int64())).to_pylist()
    ids = [parsing.ascii_digits(t) if (t := parsing.clean_text(cell_value(v) if typed else v)) else None for v in found]
    keys = ["".join(i.split()).casefold() if i else None for i in ids]
    return replaced(raw, others, ids), replaced(pc.ascii_lower(raw), others, keys)


def key_numbers(keys: pa.Array) -> np.ndarray:
    """Per distinct id cell: a number per distinct key (equal keys, equal numbers), -1 for no key."""
    return pc.dictionary_encode(keys).indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp)


class SeenKeys:
    """Keys (registration ids or GeM seller ids) of the rows accepted so far, and where each was."""

    def __init__(self) -> None:
        self.keys: list[pa.Array] = []
        self.places: list[tuple[str, np.ndarray]] = []  # (file:sheet prefix, row numbers) per block
        self.starts: list[int] = [0]
        self._value_set: pa.Array | None = None

    def lookup(self, keys: pa.Array) -> np.ndarray:
        """Per key, its position among the seen keys, or -1."""
        if not self.keys or not len(keys):
            return np.full(len(keys), -1, dtype=np.int64)
        if self._value_set is None:
            self._value_set = pa.concat_arrays(self.keys)
        found = pc.index_in(keys, value_set=self._value_set)
        return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)

    def where(self, position: int) -> str:
        """``file:sheet:row`` (``file:row`` for a CSV file) of a seen key."""
        block = int(np.searchsorted(self.starts, position, side="right")) - 1
        prefix, numbers = self.places[block]
        return f"{prefix}:{numbers[position - self.starts[block]]}"

    def add(self, keys: pa.Array, prefix: str, numbers: np.ndarray) -> None:
        """Remember ``keys``, accepted at the rows ``numbers`` of ``prefix``."""
        if not len(keys):
            return
        self.keys.append(keys)
        self.places.append((prefix, numbers))
        self.starts.append(self.starts[-1] + len(keys))
        self._value_set = None


class DuplicateIndex:
    """The registration ids and GeM seller ids accepted so far in one ingest."""

    def __init__(self) -> None:
        self.ids = SeenKeys()
        self.sellers = SeenKeys()

    def split(
        self, prefix: str, parsed: dict[str, pa.DictionaryArray], id_keys: dict[str, pa.Array],
        candidates: np.ndarray, numbers: np.ndarray,
    ) -> tuple[np.ndarray, list[tuple[int, str]]]:
        """Split a sheet's rows without problems into accepted ones and duplicates, in row order.

        Rows whose ids occur nowhere else are accepted in bulk; the others go one by one.

        Args:
            prefix: ``file:sheet`` (``file`` for a CSV file), to say where a kept row is.
            parsed: the sheet's parsed ``registration_id`` and ``gem_seller_id`` (dictionary-encoded).
            id_keys: per distinct id cell, its key (``parsed_ids``).
            candidates: positions of the rows without problems.
            numbers: the spreadsheet row number of each row.

        Returns:
            ``(accepted positions, [(duplicate position, where the row kept is)])``.
        """
        ids, sellers = parsed["registration_id"], parsed["gem_seller_id"]
        id_codes, seller_codes = codes(ids)[candidates], codes(sellers)[candidates]
        id_number = key_numbers(id_keys["registration_id"])[id_codes]
        seller_number = key_numbers(id_keys["gem_seller_id"])[seller_codes]
        id_seen = self.ids.lookup(id_keys["registration_id"])[id_codes]
        seller_seen = self.sellers.lookup(id_keys["gem_seller_id"])[seller_codes]
        has_seller = seller_number >= 0
        id_count = np.bincount(id_number, minlength=1) if len(id_number) else np.zeros(1, dtype=np.intp)
        seller_count = np.bincount(seller_number[has_seller], minlength=1) if has_seller.any() else np.zeros(1, dtype=np.intp)
        involved = (id_count[id_number] > 1) | (id_seen >= 0)
        involved |= has_seller & ((seller_count[np.where(has_seller, seller_number, 0)] > 1) | (seller_seen >= 0))

        is_duplicate = np.zeros(len(candidates), dtype=bool)
        duplicate_of: list[tuple[int, str]] = []
        own_ids: dict[int, str] = {}
        own_sellers: dict[int, str] = {}
        for index in np.flatnonzero(involved).tolist():
            position = int(candidates[index])
            first = self.ids.where(int(id_seen[index])) if id_seen[index] >= 0 else own_ids.get(int(id_number[index]))
            if first is None and has_seller[index]:
                first = (self.sellers.where(int(seller_seen[index])) if seller_seen[index] >= 0
                         else own_sellers.get(int(seller_number[index])))
            if first is not None:
                is_duplicate[index] = True
                duplicate_of.append((position, first))
                continue
            own_ids[int(id_number[index])] = f"{prefix}:{numbers[position]}"
            if has_seller[index]:
                own_sellers[int(seller_number[index])] = f"{prefix}:{numbers[position]}"
        accepted = candidates[~is_duplicate]  # their keys are remembered
        self.ids.add(id_keys["registration_id"].take(pa.array(codes(ids)[accepted])), prefix, numbers[accepted])
        kept_sellers = id_keys["gem_seller_id"].take(pa.array(codes(sellers)[accepted]))
        valid = kept_sellers.is_valid().to_numpy(zero_copy_only=False)
        self.sellers.add(kept_sellers.filter(pa.array(valid)), prefix, numbers[accepted][valid])
        return accepted, duplicate_of
