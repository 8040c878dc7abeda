"""The Carte page (neighbourhoods, facilities, choropleth) and the Données page (import of official contours)."""

from __future__ import annotations

import json
from pathlib import Path

from apptest_support import BELFORT_SLUG, fail_on_exception, headings, open_page, start, texts, widget

from pilotage.db import make_engine, make_session_factory, session_scope
from pilotage.queries import maps as map_queries
from pilotage.queries.contracts import list_contracts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
INCOME = "Situation sociale — Médiane des revenus disponibles des ménages par unité de consommation"


def deck_spec(at) -> dict:
    [chart] = at.get("deck_gl_json_chart")
    return json.loads(chart.proto.json)


def layer(spec: dict, layer_id: str) -> dict:
    return next(item for item in spec["layers"] if item["id"] == layer_id)


def quartier_links(at) -> list[str]:
    return [link.proto.label for link in at.main.get("page_link")]


def test_the_map_shows_every_neighbourhood_facility_and_legend_to_a_reader(actors):
    at = open_page(start(actors["lecteur"]), "carte")

    fail_on_exception(at)
    assert "Carte" in headings(at)
    spec = deck_spec(at)
    tips = [row["tip"].splitlines()[0] for row in layer(spec, "quartiers")["data"]]
    assert len(tips) == 12 and "Planoise" in tips and "Cité Curie-Pasteur" in tips
    assert len(layer(spec, "equipements")["data"]) == 11
    assert spec["mapStyle"] == "__MAP_STYLE__", "no base map is configured: nothing is fetched"
    shown = texts(at)
    for expected in ("QPV : contour plein épais (6)", "Quartier fragile : contour en tirets (6)", "Centre social (7)",
                     "Espace de vie sociale (EVS) (4)", "Contours approximatifs", "⚠ Illustratif"):
        assert expected in shown
    links = quartier_links(at)
    assert len(links) == 12 and links[0] == "Planoise — QPV"


def test_choosing_an_indicator_colours_the_map_and_names_the_neighbourhoods_without_data(actors, app_env):
    with session_scope(_database(app_env)) as session:
        indicators = map_queries.list_map_indicators(session, contract_id=list_contracts(session)[0].id)
    income = int(indicators.loc[indicators["code"] == "median_income", "id"].item())
    at = open_page(start(actors["lecteur"]), "carte")
    chooser = widget(at.selectbox, "Colorer les quartiers selon")
    assert INCOME in chooser.options
    chooser.set_value(income).run()

    fail_on_exception(at)
    shown = texts(at)
    assert "Année : 2019 — unité : €" in shown
    assert "sans donnée (8 quartiers)" in shown
    spec = deck_spec(at)
    planoise = next(r for r in layer(spec, "quartiers")["data"] if r["slug"] == "planoise")
    assert "Médiane des revenus disponibles des ménages par unité de consommation : 13\u00a0080\u00a0€ (2019)" \
        in planoise["tip"]
    viotte = next(r for r in layer(spec, "quartiers")["data"] if r["slug"] == "cite-viotte")
    assert viotte["tip"].endswith("consommation : sans donnée\nContours approximatifs")
    assert layer(spec, "hachures")["data"], "neighbourhoods without a value are hatched"
    assert "Cité Viotte — Quartier fragile : sans donnée" in quartier_links(at)


def test_the_belfort_map_shows_its_five_qpv(actors):
    at = open_page(start(actors["lecteur"], query={"contrat": BELFORT_SLUG}), "carte")

    fail_on_exception(at)
    assert len(layer(deck_spec(at), "quartiers")["data"]) == 5
    assert "QPV : contour plein épais (5)" in texts(at)
    assert "Quartier fragile" not in texts(at)


def test_a_contract_without_contours_says_so_instead_of_drawing(actors):
    at = open_page(start(actors["lecteur"], query={"contrat": "gbm-2015-2023"}), "carte")

    fail_on_exception(at)
    assert not at.get("deck_gl_json_chart")
    assert any("n'a encore de contour" in info.value for info in at.info)


def test_the_neighbourhood_page_has_a_minimap(actors):
    at = open_page(start(actors["lecteur"], query={"q": "planoise", "section": "carte"}), "quartier")

    fail_on_exception(at)
    spec = deck_spec(at)
    assert [row["slug"] for row in layer(spec, "quartiers")["data"]] == ["planoise"]
    assert len(layer(spec, "equipements")["data"]) == 3


def _database(app_env):
    return make_session_factory(make_engine(app_env))


def test_the_donnees_page_imports_official_contours_after_a_preview(actors, app_env):
    at = open_page(start(actors["administrateur"]), "donnees")
    fail_on_exception(at)
    assert "Données" in headings(at)
    content = (FIXTURES / "qpv_official.geojson").read_bytes()

    at.file_uploader[0].set_value(("qpv_official.geojson", content, "application/geo+json")).run()

    fail_on_exception(at)
    chosen = [widget(at.selectbox, label).value for label in (
        "Propriété du code officiel", "Propriété du nom", "Propriété de la commune (facultatif)")]
    assert chosen == ["code_qp", "lib_qp", "lib_com"], "the ANCT property names are preselected"
    preview = at.table[0].value
    assert preview.loc["Orchamps-Palente", "Apparié par"] == "✔ nom"
    assert preview.loc["Orchamps-Palente", "Effet"] == "contours officiels, code QN02503M enregistré"
    assert preview.loc["Battant", "Effet"] == "contours actuels conservés"
    unmatched = at.dataframe[0].value  # no neighbourhood of the seed has an official code yet
    assert list(unmatched["Nom"]) == ["Planoise - Île-de-France", "Montrapon Fontaine-Écu", "Les Résidences du Bois"]

    widget(at.button, "Remplacer les contours de 1 quartier").click().run()

    fail_on_exception(at)
    assert any(s.value.startswith("Import terminé") for s in at.success)
    assert list(at.dataframe[0].value["Code"]) == ["QN02501M", "QN02502M", "QN09099M"], "reported, not dropped"
    with session_scope(_database(app_env)) as session:
        current = list_contracts(session)[0]
        hoods = map_queries.list_map_neighbourhoods(session, contract_id=current.id).set_index("slug")
    assert not hoods.loc["orchamps-palente", "geometry_approximate"]
    assert hoods.loc["orchamps-palente", "official_code"] == "QN02503M"
    assert hoods.loc["battant", "geometry_approximate"]


def test_the_donnees_page_refuses_a_projected_file_in_french(actors):
    at = open_page(start(actors["administrateur"]), "donnees")
    content = (FIXTURES / "qpv_lambert93.geojson").read_bytes()

    at.file_uploader[0].set_value(("qpv_lambert93.geojson", content, "application/geo+json")).run()

    fail_on_exception(at)
    assert any(e.value.startswith("Fichier refusé : Le fichier déclare le système de coordonnées") for e in at.error)
    assert not at.button or "Remplacer" not in " ".join(b.label for b in at.button)


def test_a_broken_geometry_disables_the_import(actors):
    at = open_page(start(actors["administrateur"]), "donnees")
    content = (FIXTURES / "qpv_broken_geometry.geojson").read_bytes()

    at.file_uploader[0].set_value(("qpv_broken_geometry.geojson", content, "application/geo+json")).run()

    fail_on_exception(at)
    button = widget(at.button, "Remplacer les contours de 2 quartiers")
    assert button.disabled
    shown = [e.value.replace("\\", "") for e in at.error]  # markdown escapes of the file's text
    assert any("Clairs-Soleils" in text and "géométrie refusée" in text for text in shown)
