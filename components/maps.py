"""Map builders (pydeck): a contract's neighbourhoods, facilities and choropleth; one neighbourhood's mini-map.

Works offline: the layers carry all the drawing, a base map is added only when a style URL is configured.
The spec is compact (no indentation, coordinates simplified and rounded at import) so that the browser
receives little: see `make bench`.
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from pilotage.choropleth import NO_DATA_COLOR, ValueClass, class_of, classes_for, years_label
from pilotage.formats import KIND_LABELS, format_number, format_value
from pilotage.geometry import bounds_of, label_point, polygons_of, positions, view_of

AREAS_LAYER = "quartiers"
FACILITIES_LAYER = "equipements"
FACILITY_KIND_LABELS = {"centre_social": "Centre social", "evs": "Espace de vie sociale (EVS)"}
# Kinds are told apart by outline (solid thick, dashed, dotted) as well as by fill.
KIND_FILL = {"qpv": (96, 165, 250, 150), "fragile": (251, 191, 36, 170), "veille": (156, 163, 175, 150)}
KIND_OUTLINE = {"qpv": ((30, 58, 138, 255), 3.5, None), "fragile": ((146, 64, 14, 255), 2.5, (7, 4)),
                "veille": ((55, 65, 81, 255), 2.0, (1.5, 3))}
SHADE_ALPHA = 215
FACILITY_STYLE = {  # fill, outline: a centre social is a filled disc, an EVS a ring, other kinds a grey disc
    "centre_social": ((109, 40, 217, 255), (255, 255, 255, 255)),
    "evs": ((255, 255, 255, 255), (109, 40, 217, 255)),
}
OTHER_FACILITY = ((75, 85, 99, 255), (255, 255, 255, 255))
LABEL_FONT = "Source Sans Pro, Source Sans 3, Helvetica, Arial, sans-serif"
TOOLTIP_STYLE = {"backgroundColor": "#111827", "color": "#ffffff", "fontSize": "15px", "lineHeight": "1.35",
                 "padding": "8px 10px", "maxWidth": "360px"}


class CompactDeck(pdk.Deck):
    """A Deck serialised without indentation: pydeck's indented JSON is several times larger."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


@dataclass(frozen=True)
class Shading:
    """An indicator drawn as a choropleth: its latest value per neighbourhood and the classes."""

    label: str
    unit: str
    decimals: int
    values: dict[int, tuple[float, str]]  # neighbourhood id -> (value, year)
    classes: tuple[ValueClass, ...]


def shading_for(label: str, unit: str, decimals: int, values: pd.DataFrame) -> Shading:
    """The choropleth of an indicator from its latest values (list_latest_values)."""
    by_hood = {int(r.neighbourhood_id): (float(r.value), str(r.year)) for r in values.itertuples()}
    classes = classes_for([value for value, _ in by_hood.values()], unit, decimals)
    return Shading(label=label, unit=unit, decimals=decimals, values=by_hood, classes=classes)


def years_of(values: pd.DataFrame) -> str:
    return years_label(values["year"].astype(str)) if not values.empty else "Aucune valeur"


def hood_tooltip(row, shading: Shading | None) -> str:
    """Tooltip text of a neighbourhood: plain text (deck.gl writes it with innerText, never as HTML)."""
    lines = [str(row.name), f"{KIND_LABELS.get(row.kind, row.kind)} · {row.commune}"]
    if row.population is not None and row.population == row.population:
        year = f" ({row.population_year})" if row.population_year else ""
        lines.append(f"{format_number(row.population)} habitants{year}")
    else:
        lines.append("Population non renseignée")
    if shading is not None:
        found = shading.values.get(int(row.id))
        shown = (f"{format_value(found[0], shading.unit, shading.decimals)} ({found[1]})" if found
                 else "sans donnée")
        lines.append(f"{shading.label} : {shown}")
    if row.geometry_approximate:
        lines.append("Contours approximatifs")
    return "\n".join(lines)


def facility_tooltip(row) -> str:
    """Tooltip text of a facility (plain text)."""
    lines = [str(row.name), FACILITY_KIND_LABELS.get(row.kind, str(row.kind).replace("_", " ").capitalize())]
    if row.neighbourhoods:
        lines.append(f"Quartier(s) : {row.neighbourhoods}")
    if row.location_approximate:
        lines.append("Emplacement approximatif")
    return "\n".join(lines)


def _fill(row, shading: Shading | None) -> tuple[list[int], str]:
    if shading is None:
        return list(KIND_FILL.get(row.kind, KIND_FILL["veille"])), "plein"
    found = shading.values.get(int(row.id))
    chosen = class_of(found[0] if found else None, shading.classes, shading.decimals)
    if chosen is None:
        return [*NO_DATA_COLOR, 200], "hachures"
    return [*chosen.color, SHADE_ALPHA], "plein"


def area_rows(hoods: pd.DataFrame, shading: Shading | None) -> list[dict]:
    """One row per polygon of each neighbourhood (a multipolygon gives several)."""
    rows = []
    for row in hoods.itertuples():
        fill, pattern = _fill(row, shading)
        tip = hood_tooltip(row, shading)
        for rings in polygons_of(row.geometry):
            rows.append({"polygon": rings, "fill": fill, "pattern": pattern, "tip": tip, "slug": row.slug,
                         "name": row.name})
    return rows


def outline_layers(hoods: pd.DataFrame, width_scale: float = 1.0) -> list[pdk.Layer]:
    """The outlines, one layer per kind: solid for QPV, dashed for quartiers fragiles, dotted for veille."""
    layers = []
    for kind, (color, width, dash) in KIND_OUTLINE.items():
        paths = [{"path": ring} for row in hoods[hoods["kind"] == kind].itertuples()
                 for rings in polygons_of(row.geometry) for ring in rings]
        if not paths:
            continue
        options = {"extensions": [{"@@type": "PathStyleExtension", "dash": True}], "get_dash_array": list(dash),
                   "dash_justified": True} if dash else {}
        layers.append(pdk.Layer("PathLayer", id=f"contours-{kind}", data=paths, get_path="path",
                                get_color=list(color), get_width=width * width_scale, width_units="'pixels'",
                                width_min_pixels=1, joint_rounded=True, pickable=False, **options))
    return layers


def label_layer(hoods: pd.DataFrame, size: int = 14) -> pdk.Layer | None:
    rows = [{"position": list(point), "text": str(row.name)} for row in hoods.itertuples()
            if (point := label_point(row.geometry, on_top=True)) is not None]
    if not rows:
        return None
    return pdk.Layer("TextLayer", id="noms", data=rows, get_position="position", get_text="text", get_size=size,
                     size_units="'pixels'", get_color=[17, 24, 39, 255], character_set="'auto'", font_weight=600,
                     background=True, get_background_color=[255, 255, 255, 225], background_padding=[4, 2],
                     get_text_anchor="'middle'", get_alignment_baseline="'bottom'", get_pixel_offset=[0, -4],
                     font_family=f"'{LABEL_FONT}'", pickable=False,
                     extensions=[{"@@type": "CollisionFilterExtension"}], collision_enabled=True)


def facility_layer(facilities: pd.DataFrame, radius: int = 8) -> pdk.Layer | None:
    rows = []
    for row in facilities.itertuples():
        if row.latitude is None or row.longitude is None or row.latitude != row.latitude:
            continue
        fill, line = FACILITY_STYLE.get(row.kind, OTHER_FACILITY)
        rows.append({"position": [round(row.longitude, 5), round(row.latitude, 5)], "fill": list(fill),
                     "line": list(line), "tip": facility_tooltip(row), "name": row.name})
    if not rows:
        return None
    return pdk.Layer("ScatterplotLayer", id=FACILITIES_LAYER, data=rows, get_position="position",
                     get_fill_color="fill", get_line_color="line", stroked=True, filled=True,
                     get_radius=radius, radius_units="'pixels'", line_width_units="'pixels'", get_line_width=3,
                     pickable=True)


def area_layer(rows: list[dict], hatched: bool) -> pdk.Layer:
    options = {}
    if hatched:  # neighbourhoods without a value are hatched, not only greyed
        options = {"extensions": [{"@@type": "FillStyleExtension", "pattern": True}],
                   "fill_pattern_atlas": f"'{hatch_atlas()}'", "fill_pattern_mapping": PATTERN_MAPPING,
                   "get_fill_pattern": "pattern", "get_fill_pattern_scale": 0.5, "fill_pattern_mask": True}
    return pdk.Layer("PolygonLayer", id=AREAS_LAYER, data=rows, get_polygon="polygon", get_fill_color="fill",
                     filled=True, stroked=False, pickable=True, auto_highlight=True,
                     highlight_color=[255, 255, 255, 70], **options)


def make_deck(layers: list[pdk.Layer], bounds, map_style: str | None, height: int, width: int = 620
              ) -> CompactDeck:
    """The deck: layers over a base map only when a style is configured (None works offline)."""
    view = view_of(bounds, width=width, height=height)
    return CompactDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(latitude=view.latitude, longitude=view.longitude, zoom=view.zoom),
        map_provider=None,
        # pydeck's sentinel: Streamlit draws no base map for it (no network); a configured style URL is used as is.
        map_style=map_style or "__MAP_STYLE__",
        tooltip={"text": "{tip}", "style": TOOLTIP_STYLE},
        height=height,
    )


def contract_deck(hoods: pd.DataFrame, facilities: pd.DataFrame, shading: Shading | None = None,
                  map_style: str | None = None, height: int = 560) -> CompactDeck:
    """The map of a contract: neighbourhoods (choropleth when shaded), outlines by kind, names, facilities."""
    drawn = hoods[hoods["geometry"].notna()]
    rows = area_rows(drawn, shading)
    layers = [area_layer(rows, hatched=any(r["pattern"] == "hachures" for r in rows)), *outline_layers(drawn)]
    layers += [layer for layer in (facility_layer(facilities), label_layer(drawn)) if layer is not None]
    points = [p for g in drawn["geometry"] for p in positions(g["coordinates"])]
    points += [(r.longitude, r.latitude) for r in facilities.itertuples() if r.latitude == r.latitude
               and r.latitude is not None]
    return make_deck(layers, bounds_of(points), map_style, height)


# The hatch pattern, drawn once as a tiny PNG atlas (no file, no network): a solid cell and a hatched one.
PATTERN_SIZE = 16
PATTERN_MAPPING = {"plein": {"x": 0, "y": 0, "width": PATTERN_SIZE, "height": PATTERN_SIZE, "mask": True},
                   "hachures": {"x": PATTERN_SIZE, "y": 0, "width": PATTERN_SIZE, "height": PATTERN_SIZE,
                                "mask": True}}


@lru_cache(maxsize=1)
def hatch_atlas() -> str:
    """A data URL of a 32x16 RGBA PNG: left half opaque, right half diagonal stripes."""
    size = PATTERN_SIZE
    rows = []
    for y in range(size):
        pixels = [255] * size + [255 if (x + y) % 8 < 3 else 0 for x in range(size)]
        rows.append(b"\x00" + b"".join(bytes((0, 0, 0, alpha)) for alpha in pixels))
    raw = zlib.compress(b"".join(rows))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2 * size, size, 8, 6, 0, 0, 0))
           + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode()
