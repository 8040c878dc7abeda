"""Map rules without a database: geometry cleaning, choropleth classes, label placement, the deck spec."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from components import maps
from components.map_labels import LabelCandidate, place_labels, to_pixels
from pilotage.choropleth import class_of, classes_for, latest_by_area, year_key, years_label
from pilotage.geometry import (
    GeometryError,
    View,
    bounds_of,
    checked_positions,
    clean_geometry,
    coarser,
    display_geometry,
    hatch_lines,
    polygons_of,
    positions,
    view_of,
)
from pilotage.settings import Settings

SQUARE = {"type": "Polygon", "coordinates": [[[6.0, 47.0], [6.01, 47.0], [6.01, 47.01], [6.0, 47.01], [6.0, 47.0]]]}
HTML_NAME = "<img src=x onerror=alert(1)>"


def circle(points: int = 121, radius: float = 0.005) -> dict:
    ring = [[6.0 + radius * math.cos(2 * math.pi * i / points) + 1e-9 * i, 47.0 + radius * math.sin(
        2 * math.pi * i / points)] for i in range(points)]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def test_a_valid_polygon_is_kept_as_it_is():
    cleaned = clean_geometry(SQUARE)
    assert not cleaned.repaired and cleaned.problem is None
    assert cleaned.geometry.area == pytest.approx(0.0001)


def test_a_bow_tie_is_repaired_into_polygons_and_says_what_was_wrong():
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    cleaned = clean_geometry(bow_tie)
    assert cleaned.repaired
    assert cleaned.problem == "le contour se recoupe (au point 0,5 ; 0,5)"
    assert cleaned.geometry.geom_type == "MultiPolygon" and cleaned.geometry.is_valid


@pytest.mark.parametrize(("geometry", "reason"), [
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0], [0, 0]]]}, "impossible à réparer"),
    ({"type": "Point", "coordinates": [6, 47]}, "polygone ou un multipolygone"),
    (None, "reçu : rien"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}, "illisible : un contour compte 2 points"),
    ({"type": "Polygon", "coordinates": [[["930000.5", "6700000.5"], [1, 0], [1, 1], [0, 0]]]},
     "« 930000.5 » est un texte, pas un nombre"),
    ({"type": "Polygon", "coordinates": [[[float("nan"), 0], [1, 0], [1, 1], [0, 0]]]}, "NaN n'est pas un nombre fini"),
    ({"type": "Polygon", "coordinates": [[[False, 0], [1, 0], [1, 1], [0, 0]]]}, "false n'est pas un nombre"),
    ({"type": "Polygon", "coordinates": [[0, 0], [1, 0], [1, 1], [0, 0]]}, "imbriquées comme celles d'un Polygon"),
    ({"type": "Polygon", "coordinates": None}, "imbriquées comme celles d'un Polygon"),
], ids=["no-area", "point", "missing", "too-few-points", "strings", "nan", "boolean", "too-shallow", "null"])
def test_an_unusable_geometry_is_refused_with_a_french_reason(geometry, reason):
    with pytest.raises(GeometryError, match=reason):
        clean_geometry(geometry)


def test_an_unrepairable_geometry_is_explained_in_french():
    with pytest.raises(GeometryError) as refused:
        clean_geometry({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0], [0, 0]]]})
    assert str(refused.value).startswith("géométrie invalide et impossible à réparer (")
    assert not any(word in str(refused.value) for word in ("Self", "Too few", "Invalid")), str(refused.value)


def test_checked_positions_gives_floats_at_the_depth_of_the_type():
    multi = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"], [[[6, 47], [7, 47], [7, 48], [6, 47]]]]}
    points = list(checked_positions(multi))
    assert len(points) == 9 and points[-1] == (6.0, 47.0) and all(type(x) is float for point in points for x in point)
    assert list(checked_positions({"type": "Point", "coordinates": [6, 47, 300]})) == [(6.0, 47.0)]
    with pytest.raises(GeometryError, match="imbriquées comme celles d'un MultiPolygon"):
        list(checked_positions({"type": "MultiPolygon", "coordinates": SQUARE["coordinates"]}))


def test_display_geometry_simplifies_and_rounds_to_five_decimals():
    raw = circle(points=400)
    shown = display_geometry(clean_geometry(raw).geometry)
    kept = list(positions(shown["coordinates"]))
    assert len(kept) < 400 / 2, "most points of a smooth contour go at display tolerance"
    assert all(round(x, 5) == x and round(y, 5) == y for x, y in kept)
    assert isinstance(shown["coordinates"][0][0], list)


def test_coarser_simplifies_only_for_a_far_view():
    stored = display_geometry(clean_geometry(circle(points=200)).geometry)
    assert coarser(stored, 0.00001) is stored
    far = coarser(stored, 0.002)
    assert len(list(positions(far["coordinates"]))) < len(list(positions(stored["coordinates"])))


def test_polygons_of_gives_rings_for_polygons_and_multipolygons():
    assert polygons_of(SQUARE) == [SQUARE["coordinates"]]
    multi = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"], SQUARE["coordinates"]]}
    assert len(polygons_of(multi)) == 2
    assert polygons_of(None) == [] and polygons_of({"type": "Point", "coordinates": [0, 0]}) == []


def test_view_of_frames_the_bounds_and_falls_back_on_france():
    view = view_of((5.94, 47.21, 6.13, 47.29), width=620, height=480)
    assert view.longitude == pytest.approx(6.035) and view.latitude == pytest.approx(47.25)
    west = to_pixels(5.94, 47.25, view, 620, 480)[0]
    east = to_pixels(6.13, 47.25, view, 620, 480)[0]
    assert 0 <= west < east <= 620, "both ends of the territory are inside the map"
    assert view_of(None).zoom < 6


def test_hatch_lines_stay_inside_the_contour():
    lines = hatch_lines(SQUARE, 0.001)
    assert len(lines) > 5
    for x, y in (point for line in lines for point in line):
        assert 6.0 - 1e-9 <= x <= 6.01 + 1e-9 and 47.0 - 1e-9 <= y <= 47.01 + 1e-9


def test_year_key_and_latest_value_per_area():
    assert year_key("2017-2019") == 2019 and year_key("au 31/12/2021") == 2021 and year_key(None) == -1
    rows = [(1, 10.0, "2015"), (1, 12.0, "2017-2019"), (2, 5.0, "2018"), (1, 11.0, "2016")]
    latest = latest_by_area(rows, area=lambda r: r[0], year=lambda r: r[2])
    assert latest == {1: (1, 12.0, "2017-2019"), 2: (2, 5.0, "2018")}


def test_classes_cover_every_value_with_french_labels():
    values = [45.3, 12.0, 30.5, 28.1, 12.0, 50.0]
    classes = classes_for(values, "%", 1)
    assert 1 < len(classes) <= 5
    assert sum(c.count for c in classes) == len(values)
    assert all(class_of(v, classes, 1) is not None for v in values)
    assert classes[0].label == "12\u00a0%", "a whole percentage prints without decimals, as the documents do"
    assert classes[-1].color == (8, 81, 156) or len(classes) < 5
    assert class_of(None, classes, 1) is None and class_of(float("nan"), classes, 1) is None
    assert classes_for([], "%", 1) == ()
    assert years_label(["2018"]) == "Année : 2018"
    assert years_label(["2017", "2019"]).startswith("Années : 2017 à 2019")


def test_every_name_is_placed_the_most_important_first_on_a_free_place():
    view = View(47.0, 6.0, 13.0)
    candidates = [LabelCandidate(f"Quartier {i}", (6.0 + i * 0.0005, 47.0, 6.0004 + i * 0.0005, 47.0004), i)
                  for i in range(12)]
    rows = place_labels(candidates, view, 620, 480, 15)
    assert rows[0]["text"] == "Quartier 11"
    assert sorted(r["text"] for r in rows) == sorted(c.text for c in candidates), "crowded names are placed too"
    assert {r["anchor"] for r in rows} <= {"middle", "start", "end"}
    spaced = [LabelCandidate("Nord", (6.0, 47.02, 6.001, 47.021), 2), LabelCandidate("Sud", (6.0, 47.0, 6.001, 47.001),
                                                                                      1)]
    placed = place_labels(spaced, View(47.01, 6.0, 12.0), 620, 480, 15)
    assert [r["anchor"] for r in placed] == ["middle", "middle"], "a free place above each contour"


def _hoods(name: str = "Planoise", kind: str = "qpv") -> pd.DataFrame:
    return pd.DataFrame([{"id": 1, "contract_id": 1, "slug": "planoise", "name": name, "kind": kind,
                          "commune": "Besançon", "population": 15378, "population_year": "2018",
                          "official_code": None, "geometry": SQUARE, "geometry_approximate": True,
                          "geometry_source": None, "version": 1}])


def _facilities() -> pd.DataFrame:
    return pd.DataFrame([{"id": 1, "name": "Centre social <b>Planoise</b>", "kind": "centre_social",
                          "commune": "Besançon", "address": None, "latitude": 47.005, "longitude": 6.005,
                          "location_approximate": True, "source": None, "neighbourhoods": "Planoise",
                          "neighbourhood_slugs": ("planoise",)}])


def test_the_tooltip_is_plain_text_so_an_html_name_stays_text():
    spec = json.loads(maps.contract_deck(_hoods(HTML_NAME), _facilities()).to_json())
    tooltip = maps.make_deck([], View(47, 6, 12), None, 400)._tooltip
    assert set(tooltip) == {"text", "style"}, "deck.gl writes a text tooltip with innerText, never as HTML"
    areas = next(layer for layer in spec["layers"] if layer["id"] == maps.AREAS_LAYER)
    assert areas["data"][0]["tip"].splitlines()[0] == HTML_NAME
    assert "&lt;" not in areas["data"][0]["tip"], "no escaping needed, and none that would show as &lt;"


def test_the_tooltip_gives_name_kind_population_and_the_indicator():
    shading = maps.Shading("Taux de pauvreté", "%", 1, {1: (45.25, "2019")}, classes_for([45.25], "%", 1))
    tip = maps.hood_tooltip(next(_hoods().itertuples()), shading)
    assert tip.splitlines() == ["Planoise", "QPV · Besançon", "15\u00a0378 habitants (2018)",
                                "Taux de pauvreté : 45,2\u00a0% (2019)", "Contours approximatifs"]
    missing = maps.Shading("Taux de pauvreté", "%", 1, {}, ())
    assert "Taux de pauvreté : sans donnée" in maps.hood_tooltip(next(_hoods().itertuples()), missing)


def test_the_spec_is_compact_and_works_offline():
    deck = maps.contract_deck(_hoods(), _facilities())
    text = deck.to_json()
    assert len(text) < len(json.dumps(json.loads(text), indent=2)) * 0.8, "no indentation"
    assert '", "' not in text and '": ' not in text, "no blank after separators"
    spec = json.loads(text)
    assert spec["mapStyle"] == "__MAP_STYLE__", "Streamlit draws no base map (no network) for pydeck's sentinel"
    assert "mapProvider" not in spec
    assert {layer["id"] for layer in spec["layers"]} >= {maps.AREAS_LAYER, maps.FACILITIES_LAYER, "noms"}
    styled = json.loads(maps.contract_deck(_hoods(), _facilities(), map_style="https://tuiles.example/style.json")
                        .to_json())
    assert styled["mapStyle"] == "https://tuiles.example/style.json"


def test_kinds_are_told_apart_by_outline_not_only_by_colour():
    spec = json.loads(maps.contract_deck(pd.concat([_hoods(), _hoods("Cité Viotte", "fragile").assign(
        id=2, slug="cite-viotte")]), _facilities()).to_json())
    areas = next(layer for layer in spec["layers"] if layer["id"] == maps.AREAS_LAYER)
    qpv, fragile = areas["data"]
    assert qpv["lw"] > 0 and fragile["lw"] == 0, "a QPV has a solid outline, a fragile area none of its own"
    dashed = next(layer for layer in spec["layers"] if layer["id"] == "contours-fragile")
    assert dashed["extensions"] == [{"@@type": "PathStyleExtension", "dash": True}]
    assert len(dashed["data"]) == 1


def test_a_choropleth_hatches_the_neighbourhoods_without_a_value():
    hoods = pd.concat([_hoods(), _hoods("Battant").assign(id=2, slug="battant")])
    shading = maps.Shading("Taux", "%", 1, {1: (40.0, "2019")}, classes_for([40.0], "%", 1))
    spec = json.loads(maps.contract_deck(hoods, _facilities(), shading).to_json())
    areas = next(layer for layer in spec["layers"] if layer["id"] == maps.AREAS_LAYER)
    assert areas["data"][0]["fill"][:3] == list(shading.classes[0].color)
    assert areas["data"][1]["fill"][:3] == [209, 213, 219]
    assert any(layer["id"] == "hachures" for layer in spec["layers"])
    assert bounds_of([]) is None


def test_a_base_map_is_a_setting_and_none_by_default():
    assert Settings.from_env({}).map_style is None
    assert Settings.from_env({"PILOTAGE_MAP_STYLE": "https://tuiles.example/style.json"}).map_style == \
        "https://tuiles.example/style.json"
