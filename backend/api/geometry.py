"""Zone shapes: the JSON field and the checks of a polygon, a directed line and a band."""
from __future__ import annotations

import math

import marshmallow as ma

from ..protocol import BAND_WIDTH_MAX_FRAME_SIDES

MAX_POLYGON_POINTS = 200
_ALLOWED_KEYS = {"polygon": {"points"}, "line": {"points", "flipped"},
                 "band": {"points", "width", "flipped"}}


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and \
        math.isfinite(value)


class GeometryField(ma.fields.Dict):
    """A JSON object {"points": [[x, y], ...], "flipped"?, "width"?}; the shape checks need
    the kind and frame size, so they run in the schema (validate_geometry)."""

    def _deserialize(self, value, attr, data, **kwargs):
        geometry = super()._deserialize(value, attr, data, **kwargs)
        points = geometry.get("points")
        if not isinstance(points, list) or not all(
                isinstance(p, list) and len(p) == 2 and all(_number(c) for c in p)
                for p in points):
            raise ma.ValidationError("points must be a list of [x, y] number pairs.")
        normalised = {"points": [[float(x), float(y)] for x, y in points]}
        if "flipped" in geometry:
            if not isinstance(geometry["flipped"], bool):
                raise ma.ValidationError("flipped must be true or false.")
            normalised["flipped"] = geometry["flipped"]
        if "width" in geometry:
            if not _number(geometry["width"]):
                raise ma.ValidationError("width must be a number.")
            normalised["width"] = float(geometry["width"])
        unknown = set(geometry) - {"points", "flipped", "width"}
        if unknown:
            raise ma.ValidationError(f"Unknown geometry keys: {', '.join(sorted(unknown))}.")
        return normalised


def polygon_area(points: list[list[float]]) -> float:
    total = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]):
        total += x1 * y2 - x2 * y1
    return abs(total) / 2.0


def validate_geometry(kind: str, geometry: dict, width: int, height: int) -> list[str]:
    """Problems with the shape, as messages (empty when it is valid). Fills defaults
    (flipped=false) in place so saved zones load back complete."""
    problems = []
    points = geometry["points"]
    extra = set(geometry) - _ALLOWED_KEYS[kind]
    if extra:
        problems.append(f"A {kind} has no {', '.join(sorted(extra))}.")
    outside = [p for p in points if not (0 <= p[0] <= width and 0 <= p[1] <= height)]
    if outside:
        problems.append(f"Every point must lie inside the {width}x{height} frame.")
    if kind == "polygon":
        if not 3 <= len(points) <= MAX_POLYGON_POINTS:
            problems.append(f"A polygon needs 3 to {MAX_POLYGON_POINTS} points.")
        elif polygon_area(points) <= 1e-6:
            problems.append("The polygon has no area (its points are on one line).")
        return problems
    if len(points) != 2:
        problems.append(f"A {kind} needs exactly two points, A and B.")
    elif points[0] == points[1]:
        problems.append(f"The two points of a {kind} must differ.")
    geometry.setdefault("flipped", False)
    if kind == "band":
        band_width = geometry.get("width")
        widest = BAND_WIDTH_MAX_FRAME_SIDES * max(width, height)
        if band_width is None or not 0 < band_width <= widest:
            problems.append(f"A band's width is more than 0 and at most {widest:g} pixels "
                            f"(twice the frame's longer side).")
    return problems
