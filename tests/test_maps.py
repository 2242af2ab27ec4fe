"""District maps: tile layout, TopoJSON decoding, drawing."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from helpers.presentation import i18n, maps, tile_grid
from helpers.presentation.boundaries import BoundaryFeature, decode_topojson, match_districts
from tile_grid_derivation import assign_tiles, derived_tile_grid
from helpers import paths
from helpers.campaign import phases
from helpers.reference import tables as reference

BOUNDARY_FILE = paths.ROOT.parent / "shared" / "geo" / "covid19india_uttarpradesh.topo.json"


@pytest.mark.parametrize("shape", ["square", "hex"])
def test_tile_layout_gives_75_unique_cells_near_the_centroids(shape):
    layout = maps.tile_layout(shape)
    assert len(layout) == 75
    assert set(layout["district"]) == set(reference.load_districts()["district"])
    assert not layout.duplicated(["col", "row"]).any()
    # geography is kept: west stays west, north stays north
    tiles = layout.set_index("district")
    assert tiles.loc["Saharanpur", "y"] > tiles.loc["Sonbhadra", "y"]
    assert tiles.loc["Agra", "x"] < tiles.loc["Varanasi", "x"]
    assert tiles.loc["Ballia", "x"] > tiles.loc["Lucknow", "x"]


def test_the_committed_tile_grid_is_what_the_centroids_give():
    """The build reads the grid from its file; computing it again gives the same cells. After a change
    of the centroids, write it again and refresh its sidecar: ``python tests/tile_grid_derivation.py``,
    then ``python tests/sidecars.py --update``."""
    committed = pd.read_csv(paths.REFERENCE_DIR / tile_grid.TILE_GRID_FILE)
    pd.testing.assert_frame_equal(derived_tile_grid(), committed)
    assert maps.tile_layout("hex")[["col", "row"]].values.tolist() == committed[["hex_col", "hex_row"]].values.tolist()


def test_assign_tiles_keeps_points_on_their_own_cell_when_free():
    points = np.array([[0.1, 0.1], [3.0, 0.0], [0.2, 0.05]])
    cells = assign_tiles(points)
    assert tuple(cells[0]) == (0, 0)
    assert tuple(cells[1]) == (3, 0)
    assert tuple(cells[2]) != (0, 0)
    assert len({tuple(c) for c in cells}) == 3


def test_decode_topojson_quantized_arcs_and_negative_indices():
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.5], "translate": [10.0, 20.0]},
        "arcs": [[[0, 0], [2, 0], [0, 2]], [[2, 2], [-2, 0], [0, -2]]],
        "objects": {
            "d": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "properties": {"dt_code": "1"}},
                    {"type": "Polygon", "arcs": [[~1, ~0]], "properties": {"dt_code": "2"}},
                ],
            }
        },
    }
    features = decode_topojson(topology)
    square = features[0].polygons[0][0]
    expected = np.array([[10, 20], [11, 20], [11, 21], [10, 21], [10, 20]], dtype=float)
    np.testing.assert_allclose(square, expected)
    reversed_ring = features[1].polygons[0][0]
    np.testing.assert_allclose(reversed_ring, expected[::-1])
    assert features[1].properties == {"dt_code": "2"}


def test_decode_topojson_rejects_wrong_documents():
    with pytest.raises(maps.MapError, match="not a TopoJSON"):
        decode_topojson({"type": "FeatureCollection"})
    with pytest.raises(maps.MapError, match="no object 'x'"):
        decode_topojson({"type": "Topology", "arcs": [], "objects": {"a": {}}}, "x")


def test_a_topology_of_two_objects_is_refused_with_the_whole_fix(tmp_path):
    path = tmp_path / "two.topo.json"
    path.write_text(json.dumps({"type": "Topology", "arcs": [], "objects": {
        name: {"type": "GeometryCollection", "geometries": []} for name in ("districts", "extra")}}), encoding="utf-8")
    with pytest.raises(maps.MapError) as raised:
        maps.read_boundaries(path, code_property="dt_code")
    assert str(raised.value).startswith(f"{path}: the topology has objects ['districts', 'extra']; give a file")
    assert "cannot be read" not in str(raised.value)


def test_match_districts_reports_unknown_and_missing_codes():
    square = (np.array([[0, 0], [1, 0], [1, 1], [0, 0]], dtype=float),)
    features = [BoundaryFeature({"dt_code": "146"}, (square,)), BoundaryFeature({"dt_code": "999"}, (square,))]
    with pytest.raises(maps.MapError, match=r"\['999'\]"):
        match_districts(features, "dt_code", "census2011")
    with pytest.raises(maps.MapError, match="no boundary for"):
        match_districts(features[:1], "dt_code", "census2011")


@pytest.mark.skipif(not BOUNDARY_FILE.exists(), reason="public boundary file not beside the project")
def test_public_topojson_decodes_to_the_75_reference_districts():
    boundaries = maps.read_boundaries(BOUNDARY_FILE, code_property="dt_code")
    assert set(boundaries) == set(reference.load_districts()["district"])
    centroids = reference.load_centroids().set_index("district")
    # the four districts created after 2011 carry the codes of the centroid file
    codes = {d: int(b.properties["dt_code"]) for d, b in boundaries.items()}
    assert {codes[d] for d in ("Shamli", "Hapur", "Amethi", "Sambhal")} == {704, 705, 706, 754}
    for district, feature in boundaries.items():
        ring = max((p[0] for p in feature.polygons), key=len)
        assert abs(ring[:, 0].mean() - centroids.loc[district, "centroid_lon"]) < 0.6, district
        assert abs(ring[:, 1].mean() - centroids.loc[district, "centroid_lat"]) < 0.6, district


def _values() -> pd.Series:
    districts = reference.load_districts()["district"]
    return pd.Series(np.arange(len(districts), dtype=float), index=districts)


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_tile_map_draws_75_tiles_marks_events_and_has_alt_text(lang):
    import matplotlib.pyplot as plt

    phase = phases.get_phase("1")
    values = _values().drop("Amethi")
    fig = maps.district_map(values, title="T", legend_title="per lakh", event_districts=phase.event_districts, lang=lang)
    ax = fig.axes[0]
    assert len(ax.patches) == 75
    thick = [p for p in ax.patches if p.get_linewidth() >= maps.EVENT_EDGE_WIDTH_PT]
    assert len(thick) == len(phase.event_districts)
    labels = {t.get_text().replace("\n", " ") for t in ax.texts}
    assert ("वाराणसी" if lang == "hi" else "Varanasi") in labels
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(("आयोजन जनपद" if lang == "hi" else "Event") in t for t in legend)
    assert any(("डेटा नहीं" if lang == "hi" else "No data") in t for t in legend)  # Amethi has no value
    assert "per lakh" in fig._kit_alt_text
    plt.close(fig)


def test_colour_classes_order_and_missing():
    classes = maps.colour_classes(pd.Series([0.0, 1.0, 2.0, 3.0, 4.0, 5.0]))
    assert classes.colour_of(0.0) == classes.colours[0]
    assert classes.colour_of(5.0) == classes.colours[-1]
    assert classes.colour_of(float("nan")) == maps.NO_DATA_COLOUR


def test_map_rejects_values_for_unknown_districts():
    with pytest.raises(maps.MapError, match="Kanpur"):
        maps.district_map(pd.Series({"Kanpur": 1.0}), title="T", legend_title="x")


# ------------------------------------------------------------ contrast and locator


def _wcag_luminance(colour: str) -> float:
    """WCAG 2 relative luminance, computed here from the hex digits (not with the module's function)."""
    from matplotlib.colors import to_hex

    digits = to_hex(colour).lstrip("#")
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _wcag_contrast(first: str, second: str) -> float:
    high, low = sorted((_wcag_luminance(first), _wcag_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _tiles_and_labels(fig) -> tuple[dict, dict]:
    ax = fig.axes[0]
    tiles = {p.get_gid().split(":", 1)[1]: p for p in ax.patches if (p.get_gid() or "").startswith("tile:")}
    labels = {t.get_gid().split(":", 1)[1]: t for t in ax.texts if (t.get_gid() or "").startswith("label:")}
    return tiles, labels


@pytest.mark.parametrize("shape", ["square", "hex"])
def test_tile_map_labels_have_wcag_contrast_on_every_tile(shape):
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    values = _values().drop("Amethi")  # one tile without data too
    fig = maps.district_map(values, title="T", legend_title="x", shape=shape)
    tiles, labels = _tiles_and_labels(fig)
    assert len(tiles) == 75 and set(labels) == set(tiles)
    faces = set()
    for district, label in labels.items():
        face = to_hex(tiles[district].get_facecolor())
        faces.add(face)
        assert _wcag_contrast(to_hex(label.get_color()), face) >= 4.5, (district, label.get_color(), face)
    assert len(faces) >= 5  # every class colour (dark ones included) was checked
    plt.close(fig)


def test_contrast_ratio_matches_wcag_reference_values():
    assert maps.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert maps.contrast_ratio("#777777", "#ffffff") == pytest.approx(_wcag_contrast("#777777", "#ffffff"), abs=0.01)
    for face in ("#cc4c02", "#993404", "#fe9929", "#777777", "#767676"):
        assert _wcag_contrast(maps.label_colour(face), face) >= 4.5


@pytest.mark.parametrize(("district", "lang"), [("Agra", "en"), ("Lucknow", "hi")])
def test_locator_map_fills_the_district_and_outlines_its_neighbours(district, lang):
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    neighbours = reference.load_neighbours()
    expected = set(neighbours.loc[neighbours["district"] == district, "neighbour"])
    fig = maps.locator_map(district, lang=lang)
    tiles, labels = _tiles_and_labels(fig)
    assert len(tiles) == 75
    faces = {d: to_hex(p.get_facecolor()) for d, p in tiles.items()}
    edges = {d: to_hex(p.get_edgecolor()) for d, p in tiles.items()}
    district_face, neighbour_edge = maps.LOCATOR_STYLES["district"][0], maps.LOCATOR_STYLES["neighbour"][1]
    assert [d for d, f in faces.items() if f == district_face] == [district]
    assert {d for d, e in edges.items() if e == neighbour_edge} == expected
    assert all(tiles[d].get_linewidth() > tiles["Ballia" if district != "Ballia" else "Agra"].get_linewidth()
               for d in expected)
    assert set(labels) == expected | {district}  # only these are named
    assert labels[district].get_text().replace("\n", " ") == i18n.district_name(district, lang)
    for name, label in labels.items():
        assert _wcag_contrast(to_hex(label.get_color()), faces[name]) >= 4.5
    for name in expected:
        assert i18n.district_name(name, lang) in fig._kit_alt_text
    plt.close(fig)


def test_locator_map_rejects_an_unknown_district():
    with pytest.raises(maps.MapError, match="Kanpur"):
        maps.locator_tiles("Kanpur")
