"""Contract workbooks that must be refused: a French report naming sheet, line and column, and nothing written."""

import io
import zipfile

import pytest
from sqlalchemy import select

from pilotage import models
from pilotage.errors import ValidationError
from pilotage.services.workbook import check_contract_workbook, import_contract_workbook
from pilotage.workbook_file import blank_template
from tests.contract_workbooks import cells, edited, filled_template, line, minimal_sheets, row_counts
from tests.factories import admin_actor
from tests.workbooks import OLE_SIGNATURE


def test_a_filled_blank_template_starts_a_territory(empty_session):
    actor = admin_actor(empty_session)
    content = filled_template(minimal_sheets())
    report = check_contract_workbook(empty_session, actor, content=content)
    assert report.ok, report.problems
    assert report.summary() == ("Classeur valide : le contrat « Contrat de ville d'Essai 2024-2030 » (essai-2024) "
                                "peut être importé comme nouveau contrat.")
    outcome = import_contract_workbook(empty_session, actor, content=content)
    hood = empty_session.scalar(select(models.Neighbourhood))
    assert (hood.slug, hood.official_code, hood.population, hood.population_year, hood.contract_id) == (
        "centre", "QN09999A", 1200, "2020", outcome.contract_id)
    priority = empty_session.scalar(select(models.Priority))
    assert (priority.number, priority.text) == ("1", "Rénover les halls d'immeuble")
    values = list(empty_session.scalars(select(models.IndicatorValue).order_by(models.IndicatorValue.id)))
    assert [(v.value, v.year, v.neighbourhood_id) for v in values] == [(1200.0, "2020", hood.id),
                                                                        (67_407_241.0, "2020", None)]
    milestone = empty_session.scalar(select(models.Milestone))
    assert milestone.date.isoformat() == "2026-06-30"
    assert "organisations créées : 1" in outcome.summary() and "quartiers : 1" in outcome.summary()


def test_the_blank_template_has_the_sheets_and_headers_and_no_rows():
    sheets = cells(blank_template())
    assert sheets["Lisez-moi"][0][0] == "Classeur d'un contrat de ville : modèle vierge"
    assert all(len(rows) == 1 for name, rows in sheets.items() if name != "Lisez-moi")
    readme = [row[1] for row in sheets["Lisez-moi"]]
    assert "Contours approximatifs" in readme and "GeoJSON" in readme


def _sheets_with(sheet: str, *lines: list) -> bytes:
    sheets = minimal_sheets()
    sheets[sheet] = [*sheets.get(sheet, []), *lines]
    return filled_template(sheets)


def _replaced(sheet: str, **fields) -> bytes:
    sheets = minimal_sheets()
    original = dict(zip([c for c in _fields(sheet)], sheets[sheet][0], strict=True))
    sheets[sheet] = [line(sheet, **{**original, **fields})]
    return filled_template(sheets)


def _fields(sheet: str) -> list[str]:
    from pilotage.workbook_columns import BY_NAME

    return [column.field for column in BY_NAME[sheet].columns]


def _without_sheet(name: str) -> bytes:
    return edited(filled_template(minimal_sheets()), lambda book: book.remove(book[name]))


def _without_column(sheet: str, column: int) -> bytes:
    return edited(filled_template(minimal_sheets()), lambda book: book[sheet].delete_cols(column))


def _with_formula() -> bytes:
    def change(book):
        book["Valeurs"]["D2"] = "=1000+200"

    return edited(filled_template(minimal_sheets()), change)


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (201 * 2**20))
    return buffer.getvalue()


CASES = {
    "not an xlsx": (lambda: b"slug;nom\nessai;Essai\n", "Ce fichier n'est pas un classeur Excel (.xlsx) "
                    "lisible."),
    "encrypted or old xls": (lambda: OLE_SIGNATURE + b"\0" * 512, "protégé par un mot de passe"),
    "too big": (lambda: b"PK" + b"\0" * (20 * 2**20), "Le fichier pèse plus de 20 Mo, la taille maximale d'un "
                "classeur de contrat."),
    "zip bomb": (_zip_bomb, "Le classeur pèse plus de 200 Mo une fois décompressé"),
    "missing sheet": (lambda: _without_sheet("Valeurs"), "Onglet « Valeurs » : onglet manquant"),
    "missing column": (lambda: _without_column("Quartiers", 5),
                       "Onglet « Quartiers », ligne 1, colonne « Commune » : colonne manquante."),
    "unknown programme": (lambda: _replaced("Priorités", programme="projet-absent"),
                          "Onglet « Priorités », ligne 2, colonne « Programme » : « projet-absent » est absent de "
                          "l'onglet « Programmes »."),
    "unknown indicator": (lambda: _replaced("Valeurs", indicator="chomage"),
                          "Onglet « Valeurs », ligne 2, colonne « Indicateur » : « chomage » est absent de l'onglet "
                          "« Indicateurs »."),
    "duplicate key": (lambda: _sheets_with("Quartiers", line("Quartiers", slug="centre", name="Centre bis",
                                                             kind="fragile", commune="Essai")),
                      "Onglet « Quartiers », ligne 3, colonne « Identifiant » : doublon : la même clé "
                      "(« Identifiant » = centre) figure déjà ligne 2."),
    "bad date": (lambda: _replaced("Jalons", date="31/02/2026"),
                 "Onglet « Jalons », ligne 2, colonne « Date » : date illisible « 31/02/2026 » : attendu jj/mm/aaaa"),
    "text in a number column": (lambda: _replaced("Valeurs", value="beaucoup"),
                                "Onglet « Valeurs », ligne 2, colonne « Valeur » : nombre attendu, pas « beaucoup »."),
    "too long text": (lambda: _replaced("Quartiers", name="N" * 201),
                      "Onglet « Quartiers », ligne 2, colonne « Nom » : texte trop long : 201 caractères, 200 au "
                      "plus."),
    "unknown choice": (lambda: _replaced("Quartiers", kind="prioritaire"),
                       "Onglet « Quartiers », ligne 2, colonne « Type » : valeur « prioritaire » inconnue : attendu "
                       "qpv, fragile, veille."),
    "identifier with spaces": (lambda: _replaced("Quartiers", slug="Le Centre"),
                               "Onglet « Quartiers », ligne 2, colonne « Identifiant » : identifiant « Le Centre » : "
                               "lettres minuscules sans accents, chiffres et tirets seulement"),
    "value for both a neighbourhood and an area": (
        lambda: _replaced("Valeurs", area="france"),
        "Onglet « Valeurs », ligne 2, colonne « Quartier » : indiquez soit un quartier, soit un territoire de "
        "comparaison (un seul des deux)."),
    "formula": (_with_formula, "Onglet « Valeurs », ligne 2, colonne « Valeur » : formule refusée"),
    "no contract row": (lambda: filled_template({**minimal_sheets(), "Contrat": []}),
                        "Onglet « Contrat » : une seule ligne de contrat est attendue, le classeur en a 0."),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_malformed_workbook_is_reported_in_french_and_nothing_is_written(empty_session, case):
    build, expected = CASES[case]
    actor = admin_actor(empty_session)
    content = build()
    before = row_counts(empty_session)
    report = check_contract_workbook(empty_session, actor, content=content)
    assert not report.ok
    assert any(expected in str(problem) for problem in report.problems), report.problems
    assert report.summary().endswith("rien ne sera importé. Corrigez le classeur puis déposez-le de nouveau.")
    with pytest.raises(ValidationError, match="rien ne sera importé"):
        import_contract_workbook(empty_session, actor, content=content)
    assert row_counts(empty_session) == before


def test_a_sheet_with_too_many_lines_is_refused_before_reading_it(empty_session, monkeypatch):
    monkeypatch.setattr("pilotage.workbook_file.MAX_ROWS", 3)
    actor = admin_actor(empty_session)
    value = line("Valeurs", indicator="population", neighbourhood="centre", value=1, year=2020)
    content = _sheets_with("Valeurs", *[value] * 3)
    before = row_counts(empty_session)
    report = check_contract_workbook(empty_session, actor, content=content)
    assert [str(p) for p in report.problems] == ["Un onglet compte plus de 3 lignes : ce n'est pas un classeur de "
                                                 "contrat."]
    with pytest.raises(ValidationError):
        import_contract_workbook(empty_session, actor, content=content)
    assert row_counts(empty_session) == before
