"""Reading a user's district boundary file (GeoJSON or TopoJSON) and keying it by UP's districts.

TopoJSON arcs are decoded here (:func:`decode_topojson`), without geopandas;
features are matched to the standard district names through their Census 2011
code or LGD code (:func:`match_districts`). :func:`read_boundaries` does both
for a file. ``maps.district_map`` draws the result.

Belongs here: decoding and matching boundaries. Not here: drawing (``maps``),
the reference tables themselves (``helpers.reference.tables``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from pydantic import BaseModel, ConfigDict, ValidationError

from helpers.errors import MapError
from helpers.reference import tables as reference

CodeKind = Literal["auto", "census2011", "lgd"]


Ring = np.ndarray  # shape (n, 2): lon, lat
Polygon = list  # list[Ring]: exterior first, then holes


@dataclass(frozen=True)
class BoundaryFeature:
    """One feature of a boundary file: its properties and polygons (lon/lat rings)."""

    properties: dict
    polygons: tuple[tuple[Ring, ...], ...]


def decode_arcs(topology: Mapping) -> list[np.ndarray]:
    """Decode a TopoJSON topology's arcs to absolute lon/lat coordinates.

    With a ``transform`` the arcs are quantized and delta-encoded: positions are
    cumulative sums, then ``x * scale + translate``. Without one they are
    absolute already.
    """
    transform = topology.get("transform")
    arcs = [np.asarray(arc, dtype=float).reshape(-1, len(arc[0]) if arc else 2)[:, :2] for arc in topology.get("arcs", [])]
    if not transform or not arcs:
        return arcs
    scale, translate = (np.asarray(transform[key], dtype=float) for key in ("scale", "translate"))
    return [np.cumsum(points, axis=0) * scale + translate for points in arcs]


def _ring(arc_indices: Sequence[int], arcs: list[np.ndarray]) -> Ring:
    pieces = [arcs[~index][::-1] if index < 0 else arcs[index] for index in arc_indices]
    # each arc starts where the last one ended
    return np.concatenate([pieces[0], *(arc[1:] for arc in pieces[1:])]) if pieces else np.empty((0, 2))


def decode_topojson(topology: Mapping, object_name: str | None = None) -> list[BoundaryFeature]:
    """Decode the Polygon/MultiPolygon geometries of one TopoJSON object into features.

    Args:
        topology: the parsed TopoJSON document (``type: Topology``).
        object_name: which object of ``topology["objects"]`` to decode; the
            only one, when None and there is exactly one.

    Returns:
        One :class:`BoundaryFeature` per geometry, in file order.

    Raises:
        MapError: not a topology, or the object is missing or ambiguous.
    """
    if topology.get("type") != "Topology":
        raise MapError("not a TopoJSON topology (type is not 'Topology')")
    objects = topology.get("objects", {})
    if object_name is None:
        if len(objects) != 1:
            raise MapError(f"the topology has objects {sorted(objects)}; give a file with only the districts' object "
                           "(e.g. mapshaper FILE -target NAME -o districts.json)")
        object_name = next(iter(objects))
    if object_name not in objects:
        raise MapError(f"the topology has no object '{object_name}'; it has {sorted(objects)}")
    arcs = decode_arcs(topology)
    collection = objects[object_name]
    geometries = collection.get("geometries", [collection])
    return [
        BoundaryFeature(properties=dict(geometry.get("properties") or {}),
                        polygons=tuple(tuple(_ring(ring, arcs) for ring in polygon) for polygon in polygons))
        for geometry in geometries if (polygons := _polygons(geometry, "arcs")) is not None
    ]


def decode_geojson(document: Mapping) -> list[BoundaryFeature]:
    """Read the Polygon/MultiPolygon features of a GeoJSON FeatureCollection (``read_boundaries`` checked its shape)."""
    return [
        BoundaryFeature(properties=dict(feature.get("properties") or {}),
                        polygons=tuple(tuple(np.asarray(ring, dtype=float)[:, :2] for ring in polygon)
                                       for polygon in polygons))
        for feature in document.get("features", [])
        if (polygons := _polygons(feature.get("geometry") or {}, "coordinates")) is not None
    ]


def _polygons(geometry: Mapping, key: str) -> list | None:
    """The polygons of a Polygon or MultiPolygon geometry (``key``: ``"arcs"`` in TopoJSON, ``"coordinates"`` in
    GeoJSON); None for points, lines or an empty geometry, which carry no area."""
    if geometry.get("type") == "Polygon":
        return [geometry[key]]
    return geometry[key] if geometry.get("type") == "MultiPolygon" else None


def _code_maps() -> dict[str, dict[str, str]]:
    centroids = reference.load_centroids()
    districts = reference.load_districts()
    return {
        "census2011": {str(code): d for code, d in zip(centroids["census2011_dt_code"], centroids["district"])},
        "lgd": {str(code): d for code, d in zip(districts["lgd_district_code"], districts["district"])},
    }


def _normalise_code(value: object) -> str:
    text = str(value).strip()
    return str(int(float(text))) if text.replace(".", "", 1).isdigit() else text


def match_districts(
    features: Sequence[BoundaryFeature], code_property: str, code_kind: CodeKind = "auto", *, source: str = "boundary file"
) -> dict[str, BoundaryFeature]:
    """Key features by standard district name through their Census 2011 or LGD code.

    Census 2011 codes follow the centroid file's ``census2011_dt_code`` (which
    gives the four districts created after 2011 the codes 704, 705, 706, 754);
    LGD codes follow ``lgd_district_code`` in the districts master.

    Raises:
        MapError: a feature lacks the property, a code matches no district, two
            features share a district, or a district has no feature.
    """
    maps = _code_maps()
    codes = []
    for position, feature in enumerate(features):
        if code_property not in feature.properties:
            raise MapError(
                f"{source}: feature {position} has no property '{code_property}' (it has "
                f"{sorted(feature.properties)}); pass the property holding the district code"
            )
        codes.append(_normalise_code(feature.properties[code_property]))
    if code_kind == "auto":
        code_kind = max(("census2011", "lgd"), key=lambda kind: sum(code in maps[kind] for code in codes))
    mapping = maps[code_kind]
    unknown = sorted({code for code in codes if code not in mapping})
    if unknown:
        raise MapError(f"{source}: {code_property} value(s) {unknown} are not {code_kind} codes of UP districts")
    matched: dict[str, BoundaryFeature] = {}
    for code, feature in zip(codes, features):
        district = mapping[code]
        if district in matched:
            raise MapError(f"{source}: two features have the code of {district} ({code})")
        matched[district] = feature
    missing = sorted(set(mapping.values()) - set(matched))
    if missing:
        raise MapError(f"{source}: no boundary for {missing}; the file must cover all 75 districts")
    return matched


def read_boundaries(path: Path | str, *, code_property: str = "dt_code") -> dict[str, BoundaryFeature]:
    """Read a user's GeoJSON or TopoJSON boundary file, keyed by standard district name.

    Args:
        path: the boundary file (a TopoJSON file with one object, the districts).
        code_property: the feature property holding the district code (Census 2011 or LGD, whichever matches more).

    Raises:
        MapError: the file is missing, not GeoJSON/TopoJSON, or does not match UP's 75 districts.
    """
    path = Path(path)
    if not path.is_file():
        raise MapError(f"{path}: boundary file not found")
    if path.stat().st_size > MAX_BOUNDARY_BYTES:
        raise MapError(f"{path}: {path.stat().st_size:,} bytes, over the {MAX_BOUNDARY_BYTES:,} a boundary file may "
                       "have; simplify it (e.g. mapshaper -simplify 10%) and give the smaller file")
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise MapError(f"{path}: not UTF-8 text; give a GeoJSON or TopoJSON file (JSON text)") from None
    except (json.JSONDecodeError, RecursionError) as error:
        raise MapError(f"{path}: not valid JSON ({str(error)[:80]}); give a GeoJSON or TopoJSON file") from None
    shape = _Topology if isinstance(document, dict) and document.get("type") == "Topology" else _FeatureCollection
    try:
        shape.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the document"
        problem = "is not a JSON object" if first["type"] in ("model_type", "dict_type") else first["msg"].lower()
        raise MapError(f"{path}: not a {shape.__doc__}: {where}: {problem}; give a GeoJSON "
                       "FeatureCollection or a TopoJSON Topology of UP's districts") from None
    try:
        features = decode_topojson(document) if shape is _Topology else decode_geojson(document)
    except MapError as error:  # the decoder's own message says what is wrong and how to fix it
        raise MapError(f"{path}: {error}") from None
    except (TypeError, ValueError, IndexError, KeyError, AttributeError) as error:
        raise MapError(f"{path}: a geometry cannot be read ({type(error).__name__}: {str(error)[:60]}); check that "
                       "every feature is a Polygon or MultiPolygon of [longitude, latitude] positions") from None
    return match_districts(features, code_property, source=str(path))


#: The largest boundary file read (UP's 75 districts, simplified, are a few MB).
MAX_BOUNDARY_BYTES = 200 * 1024 * 1024


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Feature(_Open):
    type: Literal["Feature"] = "Feature"
    properties: dict[str, Any] | None = None
    geometry: dict[str, Any] | None = None


class _FeatureCollection(_Open):
    """GeoJSON FeatureCollection"""

    type: Literal["FeatureCollection"]
    features: list[_Feature]


class _TopoObject(_Open):
    type: str
    geometries: list[dict[str, Any]] | None = None


class _Topology(_Open):
    """TopoJSON Topology"""

    type: Literal["Topology"]
    objects: dict[str, _TopoObject]
    arcs: list[list[list[float]]]
    transform: dict[str, list[float]] | None = None
