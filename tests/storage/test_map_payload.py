"""The map payload of the seeded contracts: every neighbourhood named, the view fitted to the neighbourhoods."""

from __future__ import annotations

import json

from components import maps
from components.map_labels import CHAR_WIDTH, to_pixels
from pilotage.geometry import View
from pilotage.queries import maps as map_queries
from tests.factories import contract, neighbourhood

WIDTH, HEIGHT = maps.CONTRACT_MAP_WIDTH, 480


def payload(session, slug: str | None = None) -> dict:
    found = contract(session) if slug is None else contract(session, slug)
    hoods = map_queries.list_map_neighbourhoods(session, contract_id=found.id)
    facilities = map_queries.list_map_facilities(session, contract_id=found.id)
    return json.loads(maps.contract_deck(hoods, facilities, height=HEIGHT, width=WIDTH).to_json())


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


def test_no_name_covers_another_on_the_current_contract_map(session):
    spec = payload(session)
    state = spec["initialViewState"]
    view = View(state["latitude"], state["longitude"], state["zoom"])
    boxes = []
    for row in layer(spec, "noms")["data"]:
        x, y = to_pixels(*row["position"], view, WIDTH, HEIGHT)
        x += row["offset"][0]
        y += row["offset"][1]
        w, h = CHAR_WIDTH * 15 * len(row["text"]), 15
        left = {"start": x, "middle": x - w / 2, "end": x - w}[row["anchor"]]
        top = {"bottom": y - h, "center": y - h / 2, "top": y}[row["baseline"]]
        boxes.append((row["text"], left, top, left + w, top + h))
    for index, (name, *box) in enumerate(boxes):
        for other, *second in boxes[index + 1:]:
            apart = box[2] <= second[0] or second[2] <= box[0] or box[3] <= second[1] or second[3] <= box[1]
            assert apart, f"{name} covers {other}"
