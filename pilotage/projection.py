"""Lambert-93 (EPSG:2154, RGF93, the French official projection in metres) to longitude/latitude and back.

The closed formulas of the IGN's note NTG_71 for the Lambert conformal conic projection on the GRS 80 ellipsoid.
RGF93 and WGS 84 differ by a few centimetres, which no map of the product can show.
"""

from __future__ import annotations

import math

GRS80_A = 6_378_137.0
GRS80_E = 0.0818191910428158  # first eccentricity
LON0 = math.radians(3.0)
PHI0 = math.radians(46.5)
PHI1 = math.radians(44.0)
PHI2 = math.radians(49.0)
X0 = 700_000.0
Y0 = 6_600_000.0
# Metropolitan France in Lambert-93 (with a margin): what a file of facilities may hold.
X_RANGE = (50_000.0, 1_300_000.0)
Y_RANGE = (6_000_000.0, 7_200_000.0)
# Metropolitan France and Corsica in degrees (with a margin), where Lambert-93 is defined.
LON_RANGE = (-6.0, 10.5)
LAT_RANGE = (41.0, 51.6)


def _isometric_latitude(phi: float) -> float:
    sin = GRS80_E * math.sin(phi)
    return math.log(math.tan(math.pi / 4 + phi / 2) * ((1 - sin) / (1 + sin)) ** (GRS80_E / 2))


def _grande_normale(phi: float) -> float:
    return GRS80_A / math.sqrt(1 - (GRS80_E * math.sin(phi)) ** 2)


def _constants() -> tuple[float, float, float]:
    """The cone's exponent n, constant c and the y of the pole (Ys) for the secant parallels 44° and 49°."""
    m1 = _grande_normale(PHI1) * math.cos(PHI1)
    m2 = _grande_normale(PHI2) * math.cos(PHI2)
    n = math.log(m2 / m1) / (_isometric_latitude(PHI1) - _isometric_latitude(PHI2))
    c = m1 / n * math.exp(n * _isometric_latitude(PHI1))
    ys = Y0 + c * math.exp(-n * _isometric_latitude(PHI0))
    return n, c, ys


N, C, YS = _constants()


def to_lambert93(lon: float, lat: float) -> tuple[float, float]:
    """(x, y) in metres of a point given in degrees."""
    radius = C * math.exp(-N * _isometric_latitude(math.radians(lat)))
    gamma = N * (math.radians(lon) - LON0)
    return X0 + radius * math.sin(gamma), YS - radius * math.cos(gamma)


def from_lambert93(x: float, y: float) -> tuple[float, float]:
    """(longitude, latitude) in degrees of a point given in Lambert-93 metres."""
    dx, dy = x - X0, y - YS
    radius = math.hypot(dx, dy)
    gamma = math.atan2(dx, -dy)
    lon = LON0 + gamma / N
    iso = -math.log(abs(radius / C)) / N
    phi = 2 * math.atan(math.exp(iso)) - math.pi / 2
    for _ in range(20):  # converges to a micro-degree in 4 or 5 turns
        sin = GRS80_E * math.sin(phi)
        nxt = 2 * math.atan(((1 + sin) / (1 - sin)) ** (GRS80_E / 2) * math.exp(iso)) - math.pi / 2
        if abs(nxt - phi) < 1e-12:
            phi = nxt
            break
        phi = nxt
    return math.degrees(lon), math.degrees(phi)


def looks_lambert93(x: float, y: float) -> bool:
    """Whether (x, y) fall in the Lambert-93 ranges of metropolitan France."""
    return X_RANGE[0] <= x <= X_RANGE[1] and Y_RANGE[0] <= y <= Y_RANGE[1]


def looks_lonlat(lon: float, lat: float) -> bool:
    """Whether (lon, lat) are degrees of a place on Earth."""
    return -180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0
