"""The French upload control: which files it accepts, what it says when it refuses one, and on the pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_support import fail_on_exception, open_page, start

from components.uploads import extension_list, refusal, size_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BOUNDARIES = ("geojson", "json", "zip")


def test_extensions_and_sizes_read_as_french_text():
    assert extension_list(["xlsx"]) == ".xlsx"
    assert extension_list(BOUNDARIES) == ".geojson, .json ou .zip"
    assert extension_list([".CSV", "xlsx"]) == ".csv ou .xlsx"
    assert size_text(50_000_000) == "50\u00a0Mo"
    assert size_text(50_000_001) == "50,1\u00a0Mo"
    assert size_text(12_345) == "12,4\u00a0ko"
    assert size_text(1) == "1\u00a0octet"


@pytest.mark.parametrize("name", ["QP_2024.geojson", "qpv.JSON", "contours.Zip"])
def test_an_accepted_extension_of_any_case_passes(name):
    assert refusal(name, 1000, extensions=BOUNDARIES, max_bytes=50_000_000) is None


@pytest.mark.parametrize(("name", "said"), [
    ("qpv.csv", "« qpv.csv » est un fichier .csv : ce champ accepte seulement les fichiers .geojson, .json ou .zip."),
    ("qpv", "« qpv » est un fichier sans extension : ce champ accepte seulement les fichiers .geojson, .json ou .zip."),
    ("qpv.geojson.exe", "« qpv.geojson.exe » est un fichier .exe : ce champ accepte seulement les fichiers "
                        ".geojson, .json ou .zip."),
    (".geojson", "« .geojson » est un fichier sans extension : ce champ accepte seulement les fichiers .geojson, "
                 ".json ou .zip."),
])
def test_another_extension_is_refused_naming_the_accepted_ones(name, said):
    assert refusal(name, 10, extensions=BOUNDARIES, max_bytes=50_000_000) == said


def test_a_heavy_file_is_refused_with_both_sizes():
    assert refusal("fiche.xlsx", 10_500_000, extensions=["xlsx"], max_bytes=10_000_000) == \
        "« fiche.xlsx » pèse 10,5\u00a0Mo : il dépasse la limite de 10\u00a0Mo par fichier."


def test_the_donnees_page_refuses_a_csv_in_french_and_reads_nothing(actors):
    at = open_page(start(actors["administrateur"]), "donnees")

    at.file_uploader[0].set_value(("qpv.csv", b"code_qp;lib_qp\nQN02501M;Planoise\n", "text/csv")).run()

    fail_on_exception(at)
    shown = [e.value.replace("\\", "") for e in at.error]
    assert shown == ["Fichier refusé : « qpv.csv » est un fichier .csv : ce champ accepte seulement les fichiers "
                     ".geojson, .json ou .zip."]
    assert "Propriété du code officiel" not in [s.label for s in at.selectbox]
    assert not [c for c in at.caption if c.value.startswith("Entités lues")], "the file was not read"


def test_the_donnees_page_still_reads_an_accepted_file(actors):
    at = open_page(start(actors["administrateur"]), "donnees")
    content = (FIXTURES / "qpv_official.geojson").read_bytes()

    at.file_uploader[0].set_value(("QPV_OFFICIEL.GEOJSON", content, "application/octet-stream")).run()

    fail_on_exception(at)
    assert not at.error
    assert [c.value for c in at.caption if c.value.startswith("Entités lues")]


def test_the_upload_control_writes_its_texts_in_french(actors):
    at = open_page(start(actors["administrateur"]), "donnees")

    styles = "\n".join(str(h.value) for h in at.html)
    assert 'content: "Parcourir"' in styles
    assert 'content: "50\u00a0Mo au plus par fichier · .geojson, .json ou .zip"' in styles

