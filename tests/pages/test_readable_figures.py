"""Figures as the documents print them: portrait bars on honest axes, sources by title, counts kept apart,
the older contracts' words and the cadre contract's framework tree (AppTest)."""

from __future__ import annotations

import html
import json

from apptest_support import fail_on_exception, open_page, start, texts

NB = "\u00a0"


def run(actor, page: str, **query):
    at = open_page(start(actor, query), page)
    fail_on_exception(at)
    return at


def html_of(at) -> str:
    return "\n".join(str(h.value) for h in at.html)


def portrait_table(at):
    return next(d.value for d in at.dataframe if "Valeur" in d.value.columns and "Territoire" in d.value.columns)


def chart_specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in (*at.get("arrow_vega_lite_chart"), *at.get("vega_lite_chart"))]


def test_planoise_portrait_prints_figures_as_the_document_does(actors):
    at = run(actors["lecteur"], "quartier", q="planoise")
    shown = texts(at)
    table = portrait_table(at)
    values = set(table["Valeur"])
    assert f"3{NB}%" in values and f"3,0{NB}%" not in values, "Besançon's vacancy rate, a whole percentage"
    assert f"+0,6{NB}%" in shown, "an evolution carries its sign"
    assert f"15{NB}378{NB}habitants" in shown, "a count is a figure, not a bar"
    assert "Contrat de Ville GBM 2024-2030, portrait de Planoise" in shown
    assert "000_4192c3a3aeda88e8.txt" not in shown
    assert set(table["Document"]) - {""} == {"Contrat de Ville GBM 2024-2030, portrait de Planoise"}
    assert not any("None" in str(v) for column in table.columns for v in table[column])
    assert "None" not in shown


def test_battant_prints_a_whole_percentage_without_decimals(actors):
    table = portrait_table(run(actors["lecteur"], "quartier", q="battant"))
    assert f"23{NB}%" in set(table["Valeur"])
    assert not any(v.endswith(f",0{NB}%") for v in table["Valeur"])


def test_portrait_bars_share_a_zero_based_axis_per_unit(actors):
    at = run(actors["lecteur"], "quartier", q="planoise")
    specs = chart_specs(at)
    assert specs, "rates and amounts with comparisons are drawn"
    domains = [json.dumps(spec) for spec in specs]
    assert any('"domain": [0, 100.0]' in d for d in domains), "percentages on a 0-100 % axis"
    for spec in domains:
        assert '"domain": [0,' in spec, "every bar axis starts at zero"
        assert "habitants" not in spec.split('"labelExpr"')[-1][:80], "counts are never drawn as bars"
    caption = " ".join(c.value for c in at.caption)
    assert "Besançon et Grand Besançon Métropole" in caption and "0 à 100 %" in caption


def test_the_overview_keeps_priorities_apart_from_pacte_measures(actors):
    at = run(actors["lecteur"], "vue-ensemble")
    figures = html_of(at)
    assert "<div class='pl-keyfigure-value'>64</div><div class='pl-keyfigure-label'>Priorités des projets de " \
           "quartier" in figures
    assert "<div class='pl-keyfigure-value'>30</div><div class='pl-keyfigure-label'>Mesures du Pacte" in figures
    assert ">94<" not in figures
    assert "⚠ Illustratif" in figures, "tile states are built on illustrative points"


def test_the_previous_contract_uses_the_tiles_words_and_says_where_its_priorities_are(actors):
    at = run(actors["lecteur"], "vue-ensemble", contrat="gbm-2015-2023")
    shown = html.unescape(texts(at))
    assert "Quartiers en veille" in shown and "Quartiers fragiles" not in shown
    assert "Priorités du Protocole" in shown
    assert "11 priorités de ce contrat relèvent du « Protocole d'engagements renforcés et réciproques 2020-2022 »" \
        in shown
    assert "Pas encore de projet de quartier" not in shown
    assert "Cadre stratégique" in shown


def test_the_cadre_contract_shows_its_framework_tree(actors):
    at = run(actors["lecteur"], "vue-ensemble", contrat="cadre-2015-2020")
    tree = html_of(at)
    assert "Cadre stratégique" in texts(at)
    for expected in ("Développer les potentiels des quartiers", ">OS1<", "Favoriser le bien vivre ensemble",
                     ">1.1.1<", "Améliorer la sécurité et faire reculer le sentiment", "axe stratégique",
                     "objectif opérationnel"):
        assert expected in tree, expected
    assert "4 axes stratégiques" in texts(at)
    assert [e for e in at.expander if e.label == "Afficher le cadre stratégique"]


def test_the_current_contract_tree_lists_the_priorities_linked_to_each_node(actors):
    tree = html_of(run(actors["lecteur"], "vue-ensemble"))
    assert "<details" in tree and "priorités liées" in tree
    assert "Projet de quartier — Planoise" in tree or "Projet de quartier de Planoise" in tree
