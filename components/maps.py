"""Map builders (pydeck): a contract's neighbourhoods, facilities and choropleth; one neighbourhood's mini-map.

Works offline: the layers carry all the drawing, a base map is added only when a style URL is configured.
The spec is compact (no indentation, coordinates simplified and rounded at import) so that the browser
receives little: see `make bench`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
import pydeck as pdk
import streamlit as st
from pydeck.bindings.json_tools import default_serialize

from components import data, layout, state
from components.map_labels import LabelCandidate, place_labels
from pilotage.choropleth import NO_DATA_COLOR, ValueClass, class_of, classes_for, years_label
from pilotage.formats import KIND_LABELS, format_number, format_value
from pilotage.geometry import View, coarser, hatch_lines, polygons_of
from pilotage.map_view import Bounds, anchor_bounds, fit_view, union
from pilotage.permissions import ADMIN, can
from pilotage.queries import maps as map_queries

AREAS_LAYER = "quartiers"
AREA_POINTS_LAYER = "quartiers-sans-contour"
FACILITIES_LAYER = "equipements"
FACILITY_KIND_LABELS = {"centre_social": "Centre social", "evs": "Espace de vie sociale (EVS)"}
# Kinds are told apart by outline (solid thick, dashed, dotted) as well as by fill.
KIND_FILL = {"qpv": (96, 165, 250, 150), "fragile": (251, 191, 36, 170), "veille": (156, 163, 175, 150)}
KIND_OUTLINE = {"qpv": ((30, 58, 138, 255), 3.5, None), "fragile": ((146, 64, 14, 255), 2.5, (3, 2)),
                "veille": ((55, 65, 81, 255), 2.0, (1, 2))}
SHADE_ALPHA = 215
HATCH_PIXELS = 7
FACILITY_STYLE = {  # fill, outline: a centre social is a filled disc, an EVS a ring, other kinds a grey disc
    "centre_social": ((109, 40, 217, 255), (255, 255, 255, 255)),
    "evs": ((255, 255, 255, 255), (109, 40, 217, 255)),
}
OTHER_FACILITY = ((75, 85, 99, 255), (255, 255, 255, 255))
# A CSS font list for the label atlas (a name with a digit would need quotes): the app's own font first.
VIEW_WIDTH = 560  # the map's width on a 1280-pixel screen: the initial view and the names fit in it
MINI_HEIGHT = 340
# The Carte page's map on a 1280-pixel screen (the narrowest the app is made for), the whole width less its frame:
# its initial view is fitted to the contract's neighbourhoods at this width (a wider screen shows more around).
CONTRACT_MAP_WIDTH = 780
LABELLED_MAX = 150
LABEL_FONT = '"Source Sans", Helvetica, Arial, sans-serif'
TOOLTIP_STYLE = {"backgroundColor": "#111827", "color": "#ffffff", "fontSize": "15px", "lineHeight": "1.35",
                 "padding": "8px 10px", "maxWidth": "360px"}
DECK_TOOLTIP = {"text": "{tip}", "style": TOOLTIP_STYLE}


class CompactDeck(pdk.Deck):
    """A Deck serialised without indentation: pydeck's indented JSON is several times larger."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


class ReadyDeck:
    """A deck serialised once and kept by data version: st.pydeck_chart reads only its JSON and its tooltip."""

    def __init__(self, spec: str):
        self.spec = spec
        self._tooltip = DECK_TOOLTIP

    def to_json(self) -> str:
        return self.spec


@st.cache_data(show_spinner=False, max_entries=64)
def _contract_spec(key: tuple, version: int, map_style: str | None, height: int, width: int, _hoods: pd.DataFrame,
                   _facilities: pd.DataFrame, _shading: Shading | None) -> str:
    """The deck's JSON, built once per map (`key`: what the map shows) and data version, not on every rerun."""
    return contract_deck(_hoods, _facilities, _shading, map_style=map_style, height=height, width=width).to_json()


def cached_contract_deck(key: tuple, hoods: pd.DataFrame, facilities: pd.DataFrame, shading: Shading | None,
                         map_style: str | None, height: int, width: int = VIEW_WIDTH) -> ReadyDeck:
    """contract_deck, kept between reruns: `key` names what the map shows (contract, indicator, neighbourhood)."""
    return ReadyDeck(_contract_spec(key, data.data_version(), map_style, height, width, hoods, facilities, shading))


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


def _fill(row, shading: Shading | None) -> list[int]:
    if shading is None:
        return list(KIND_FILL.get(row.kind, KIND_FILL["veille"]))
    found = shading.values.get(int(row.id))
    chosen = class_of(found[0] if found else None, shading.classes, shading.decimals)
    return [*NO_DATA_COLOR, 200] if chosen is None else [*chosen.color, SHADE_ALPHA]


def area_rows(hoods: pd.DataFrame, shading: Shading | None) -> list[dict]:
    """One row per polygon of each neighbourhood (a multipolygon gives several), with its solid outline if any."""
    rows = []
    for row in hoods.itertuples():
        fill = _fill(row, shading)
        tip = hood_tooltip(row, shading)
        color, width, dash = KIND_OUTLINE.get(row.kind, KIND_OUTLINE["veille"])
        line = {"line": list(color), "lw": width} if dash is None else {"line": [0, 0, 0, 0], "lw": 0}
        for rings in polygons_of(row.geometry):
            rows.append({"polygon": rings, "fill": fill, "tip": tip, "slug": row.slug, **line})
    return rows


def outline_layers(hoods: pd.DataFrame) -> list[pdk.Layer]:
    """Dashed outlines for quartiers fragiles, dotted for veille (QPV outlines are the areas' solid stroke)."""
    layers = []
    for kind, (color, width, dash) in KIND_OUTLINE.items():
        kinds = hoods["kind"].where(hoods["kind"].isin(list(KIND_OUTLINE)), "veille")
        paths = [{"path": ring} for row in hoods[kinds == kind].itertuples()
                 for rings in polygons_of(row.geometry) for ring in rings]
        if not paths or dash is None:
            continue
        options = {"extensions": [{"@@type": "PathStyleExtension", "dash": True}], "get_dash_array": list(dash),
                   "dash_justified": True} if dash else {}
        layers.append(pdk.Layer("PathLayer", id=f"contours-{kind}", data=paths, get_path="path",
                                get_color=list(color), get_width=width, width_units="'pixels'",
                                width_min_pixels=1, joint_rounded=True, pickable=False, **options))
    return layers


def area_anchors(hoods: pd.DataFrame, facilities: pd.DataFrame) -> dict[int, Bounds]:
    """Where each neighbourhood is: its contour's bounds, else the centre of the facilities serving it."""
    served: dict[str, list[tuple[float, float]]] = {}
    for row in facilities.itertuples():
        if row.latitude is not None and row.latitude == row.latitude:
            for slug in row.neighbourhood_slugs:
                served.setdefault(slug, []).append((float(row.longitude), float(row.latitude)))
    anchors = {int(row.id): anchor_bounds(row.geometry if isinstance(row.geometry, dict) else None,
                                          served.get(row.slug, [])) for row in hoods.itertuples()}
    return {hood_id: bounds for hood_id, bounds in anchors.items() if bounds is not None}


def label_layer(hoods: pd.DataFrame, anchors: dict[int, Bounds], view: View, width: int, height: int,
                size: int = 15) -> pdk.Layer | None:
    """Every name beside its area (or its point), placed so that names overlap as little as possible (QPV and the
    most populated first).

    Beyond LABELLED_MAX areas (a national view) names are left to the tooltip: the placement is quadratic.
    """
    if len(hoods) > LABELLED_MAX:
        return None
    candidates = [LabelCandidate(str(row.name), anchors[int(row.id)], _priority(row)) for row in hoods.itertuples()
                  if int(row.id) in anchors]
    rows = place_labels(candidates, view, width, height, size)
    if not rows:
        return None
    return pdk.Layer("TextLayer", id="noms", data=rows, get_position="position", get_text="text", get_size=size,
                     size_units="'pixels'", get_color=[17, 24, 39, 255], character_set="'auto'", font_weight=600,
                     font_settings={"sdf": True, "fontSize": 32, "buffer": 4}, outline_width=3,
                     outline_color=[255, 255, 255, 235], get_text_anchor="anchor",
                     get_alignment_baseline="baseline", get_pixel_offset="offset", font_family=f"`{LABEL_FONT}`",
                     pickable=False)


def point_area_layer(hoods: pd.DataFrame, anchors: dict[int, Bounds], shading: Shading | None) -> pdk.Layer | None:
    """Neighbourhoods without a contour, as a ringed point where their facilities are (with their tooltip)."""
    rows = [{"position": [round(anchors[int(row.id)][0], 5), round(anchors[int(row.id)][1], 5)],
             "fill": _fill(row, shading), "line": list(KIND_OUTLINE.get(row.kind, KIND_OUTLINE["veille"])[0]),
             "tip": hood_tooltip(row, shading) + "\nSans contour : placé d'après ses équipements", "slug": row.slug}
            for row in hoods.itertuples() if not isinstance(row.geometry, dict) and int(row.id) in anchors]
    if not rows:
        return None
    return pdk.Layer("ScatterplotLayer", id=AREA_POINTS_LAYER, data=rows, get_position="position",
                     get_fill_color="fill", get_line_color="line", stroked=True, filled=True, get_radius=11,
                     radius_units="'pixels'", line_width_units="'pixels'", get_line_width=3, pickable=True)


def _priority(row) -> float:
    """QPV before other kinds, then the most populated."""
    known = row.population is not None and row.population == row.population
    return (1_000_000 if row.kind == "qpv" else 0) + (min(float(row.population), 999_999) if known else 0)


def facility_layer(facilities: pd.DataFrame, radius: int = 8) -> pdk.Layer | None:
    rows = []
    for row in facilities.itertuples():
        if row.latitude is None or row.longitude is None or row.latitude != row.latitude:
            continue
        fill, line = FACILITY_STYLE.get(row.kind, OTHER_FACILITY)
        rows.append({"position": [round(row.longitude, 5), round(row.latitude, 5)], "fill": list(fill),
                     "line": list(line), "tip": facility_tooltip(row), "name": row.name,
                     # a click opens the neighbourhood the facility serves, when it serves one only
                     "slug": row.neighbourhood_slugs[0] if len(row.neighbourhood_slugs) == 1 else None})
    if not rows:
        return None
    return pdk.Layer("ScatterplotLayer", id=FACILITIES_LAYER, data=rows, get_position="position",
                     get_fill_color="fill", get_line_color="line", stroked=True, filled=True,
                     get_radius=radius, radius_units="'pixels'", line_width_units="'pixels'", get_line_width=2.5,
                     pickable=True)


def area_layer(rows: list[dict]) -> pdk.Layer:
    return pdk.Layer("PolygonLayer", id=AREAS_LAYER, data=rows, get_polygon="polygon", get_fill_color="fill",
                     filled=True, stroked=True, get_line_color="line", get_line_width="lw",
                     line_width_units="'pixels'", line_joint_rounded=True, pickable=True, auto_highlight=True,
                     highlight_color=[255, 255, 255, 70])


def hatch_layer(hoods: pd.DataFrame, shading: Shading | None, view: View) -> pdk.Layer | None:
    """Neighbourhoods without a value are hatched, not only greyed (about 7 pixels apart at the initial zoom)."""
    if shading is None:
        return None
    spacing = HATCH_PIXELS * 360 / (512 * 2 ** view.zoom)
    paths = [{"path": line} for row in hoods.itertuples() if int(row.id) not in shading.values
             for line in hatch_lines(row.geometry, spacing)]
    if not paths:
        return None
    return pdk.Layer("PathLayer", id="hachures", data=paths, get_path="path", get_color=[75, 85, 99, 255],
                     get_width=1.2, width_units="'pixels'", pickable=False)


def make_deck(layers: list[pdk.Layer], view: View, map_style: str | None, height: int) -> CompactDeck:
    """The deck: layers over a base map only when a style is configured (None works offline)."""
    return CompactDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(latitude=view.latitude, longitude=view.longitude, zoom=view.zoom),
        map_provider=None,
        # pydeck's sentinel: Streamlit draws no base map for it (no network); a configured style URL is used as is.
        map_style=map_style or "__MAP_STYLE__",
        tooltip=DECK_TOOLTIP,
        height=height,
    )


def contract_deck(hoods: pd.DataFrame, facilities: pd.DataFrame, shading: Shading | None = None,
                  map_style: str | None = None, height: int = 480, width: int = VIEW_WIDTH) -> CompactDeck:
    """The map of a contract: neighbourhoods (choropleth when shaded), outlines by kind, names, facilities; the
    view fitted to the neighbourhoods."""
    anchors = area_anchors(hoods, facilities)
    view = fit_view(union(anchors.values()), width=width, height=height)
    drawn = hoods[hoods["geometry"].map(lambda g: isinstance(g, dict))]
    # A third of a pixel at the initial zoom: nothing for a town's map, most points of a national one.
    tolerance = 0.3 * 360 / (512 * 2 ** view.zoom)
    drawn = drawn.assign(geometry=[coarser(g, tolerance) for g in drawn["geometry"]])
    layers = [area_layer(area_rows(drawn, shading)), hatch_layer(drawn, shading, view), *outline_layers(drawn),
              point_area_layer(hoods, anchors, shading), facility_layer(facilities, radius=6),
              label_layer(hoods, anchors, view, width, height)]
    return make_deck([layer for layer in layers if layer is not None], view, map_style, height)


def neighbourhood_minimap(neighbourhood_id: int, height: int = MINI_HEIGHT) -> None:
    """A small map of one neighbourhood and the facilities serving it, with its legend beside it."""
    from components import map_legend  # deferred: the legend module imports this one

    hoods = data.read(map_queries.list_map_neighbourhoods, neighbourhood_id=neighbourhood_id)
    facilities = data.read(map_queries.list_map_facilities, neighbourhood_id=neighbourhood_id)
    if hoods.empty or hoods["geometry"].isna().all():
        where = " (page Données, fichier officiel des QPV)" if can(state.current_actor(), ADMIN) else ""
        st.info(f"Ce quartier n'a pas encore de contour : la carte s'affichera quand ses contours seront importés"
                f"{where}.")
        return
    map_column, legend_column = st.columns([2, 1])
    with map_column, st.container(border=True):
        deck = cached_contract_deck(("quartier", neighbourhood_id), hoods, facilities, None,
                                    map_style=data.settings().map_style, height=height)
        st.pydeck_chart(deck, height=height, key=f"pilotage_minimap_{neighbourhood_id}")
    with legend_column:
        map_legend.render_legend(hoods, facilities, None)
    if not facilities.empty:
        names = "\n".join(f"- {layout.escape_markdown(row.name)} — {FACILITY_KIND_LABELS.get(row.kind, row.kind)}"
                          for row in facilities.itertuples())
        st.markdown(f"**Équipements du quartier**\n\n{names}")
