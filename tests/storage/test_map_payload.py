"""The map payload of the seeded contracts: every neighbourhood named, the view fitted to the neighbourhoods."""

from __future__ import annotations

import json

from components import maps
from components.map_labels import to_pixels
from pilotage.geometry import View
from pilotage.queries import maps as map_queries
from tests.factories import contract, neighbourhood

WIDTH, HEIGHT = maps.VIEW_WIDTH, 480


def payload(session, slug: str | None = None) -> dict:
    found = contract(session) if slug is None else contract(session, slug)
    hoods = map_queries.list_map_neighbourhoods(session, contract_id=found.id)
    facilities = map_queries.list_map_facilities(session, contract_id=found.id)
    return json.loads(maps.contract_deck(hoods, facilities, height=HEIGHT).to_json())


def layer(spec: dict, layer_id: str) -> dict:
    return next(item for item in spec["layers"] if item["id"] == layer_id)


def test_every_neighbourhood_of_the_current_contract_has_its_name_on_the_map(session):
    spec = payload(session)
    names = sorted(r["text"] for r in layer(spec, "noms")["data"])
    hoods = map_queries.list_map_neighbourhoods(session, contract_id=contract(session).id)
    assert names == sorted(hoods["name"]) and len(names) == 12
    fragile = set(hoods.loc[hoods["kind"] == "fragile", "name"])
    assert fragile <= set(names), "the quartiers fragiles too"


def test_every_name_and_area_lies_inside_the_initial_view(session):
    spec = payload(session)
    state = spec["initialViewState"]
    view = View(state["latitude"], state["longitude"], state["zoom"])
    for row in layer(spec, "noms")["data"]:
        x, y = to_pixels(*row["position"], view, WIDTH, HEIGHT)
        assert 0 <= x <= WIDTH and 0 <= y <= HEIGHT, row["text"]
    xs, ys = [], []
    for area in layer(spec, maps.AREAS_LAYER)["data"]:
        for lon, lat in area["polygon"][0]:
            x, y = to_pixels(lon, lat, view, WIDTH, HEIGHT)
            xs.append(x)
            ys.append(y)
    assert min(xs) >= 0 and max(xs) <= WIDTH and min(ys) >= 0 and max(ys) <= HEIGHT
    # fitted: the areas span the map's width or its height, less the margins kept for the names
    assert max(xs) - min(xs) > 0.8 * WIDTH or max(ys) - min(ys) > 0.8 * HEIGHT


def test_a_neighbourhood_without_contour_is_a_named_point_at_its_facilities(session):
    neighbourhood(session, "cite-de-l-amitie").geometry = None
    session.flush()
    spec = payload(session)
    points = layer(spec, maps.AREA_POINTS_LAYER)["data"]
    assert [p["slug"] for p in points] == ["cite-de-l-amitie"]
    assert "Sans contour" in points[0]["tip"]
    labels = {r["text"]: r for r in layer(spec, "noms")["data"]}
    assert "Cité de l’Amitié" in labels and len(labels) == 12
