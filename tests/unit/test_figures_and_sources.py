"""Figures printed as the documents print them, and sources named by document title."""

import pytest

from pilotage.formats import format_value
from pilotage.portrait import axis_maximum, format_figure, is_change, is_rate_or_amount
from pilotage.sources import DOCUMENT_TITLES, document_title, portrait_source

NB = "\u00a0"


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "expected"),
    [
        (23, "%", 1, f"23{NB}%"),
        (23.0, "%", 1, f"23{NB}%"),
        (13.2, "%", 1, f"13,2{NB}%"),
        (3.9, "%", 1, f"3,9{NB}%"),
        (53, "%", 0, f"53{NB}%"),
        (15378, "habitants", 0, f"15{NB}378{NB}habitants"),
        (5.16, "€/m²", 2, f"5,16{NB}€/m²"),
    ],
)
def test_a_whole_percentage_prints_without_decimals(value, unit, decimals, expected):
    assert format_value(value, unit, decimals) == expected


def test_an_evolution_carries_its_sign():
    assert format_value(0.6, "%", 1, signed=True) == f"+0,6{NB}%"
    assert format_value(-10.8, "%", 1, signed=True) == f"-10,8{NB}%"
    assert format_value(0, "%", 1, signed=True) == f"0{NB}%"
    assert format_value(-1286, "habitants", 0, signed=True) == f"-1{NB}286{NB}habitants"


def test_a_missing_figure_is_a_dash():
    assert format_figure(float("nan"), "%", 1) == "—"
    assert format_value(None, "%", 1, signed=True) == "—"


def test_evolution_indicators_are_recognised_by_code_or_label():
    assert is_change("population_change", "Évolution de la population entre 2013 et 2018")
    assert is_change("other", "Évolution des demandeurs d'emploi depuis 1 an")
    assert is_change("jobseekers_change_1y", None)
    assert not is_change("women_share", "Part de femmes")


def test_only_rates_and_amounts_are_drawn_as_bars():
    assert is_rate_or_amount("%") and is_rate_or_amount("€") and is_rate_or_amount("€/m²")
    assert not is_rate_or_amount("habitants")
    assert not is_rate_or_amount("logements")
    assert not is_rate_or_amount(None)


def test_percentages_share_a_zero_to_hundred_axis():
    import pandas as pd

    assert axis_maximum("%", pd.Series([3.9, 3.0])) == 100.0
    assert axis_maximum("€", pd.Series([13080, 22030])) == 22030.0
    assert axis_maximum("€", pd.Series([float("nan")])) == 1.0


def test_sources_are_named_by_document_title():
    assert document_title("000_4192c3a3aeda88e8.txt") == "Contrat de Ville GBM 2024-2030"
    assert document_title("001_d197320ae1ca4abb.txt").startswith("Pacte pour l'émancipation des jeunes de Planoise")
    assert document_title("etude-locale.pdf") == "etude-locale.pdf", "an unknown source is shown as given"
    assert document_title(None) == ""
    assert all(not title.endswith(".txt") for title in DOCUMENT_TITLES.values())


def test_a_portrait_figure_cites_the_neighbourhood_portrait():
    assert portrait_source("000_4192c3a3aeda88e8.txt", "Planoise") == \
        "Contrat de Ville GBM 2024-2030, portrait de Planoise"
    assert portrait_source("003_1637411f91617917.txt", "Résidences") == document_title("003_1637411f91617917.txt")


def test_every_seed_source_has_a_title():
    from pathlib import Path

    import yaml

    data = Path(__file__).resolve().parents[2] / "data"
    found = set()
    for path in data.rglob("*.yaml"):
        found |= set(_sources(yaml.safe_load(path.read_text(encoding="utf-8"))))
    assert found, "the seed cites its documents"
    assert found <= set(DOCUMENT_TITLES), found - set(DOCUMENT_TITLES)


def _sources(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("source", "population_source") and isinstance(value, str):
                yield value
            else:
                yield from _sources(value)
    elif isinstance(node, list):
        for item in node:
            yield from _sources(item)
