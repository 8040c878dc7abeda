"""Reading a filled update sheet: streamed, bounded, and every unreadable file told in French."""

import datetime as dt
import io
import time
import zipfile

import pytest
from openpyxl import load_workbook

from pilotage.formats import NBSP, format_number
from pilotage.progress_sheet import (
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_UPLOAD_BYTES,
    MAX_XML_ELEMENTS,
    build_workbook,
    read_workbook,
)
from pilotage.spreadsheets import is_formula_like
from tests.workbooks import DATA_SHEET_PART, malformed_files, with_extra_rows, with_wide_row, zip_of

TODAY = dt.date(2026, 11, 23)
ROW = {"priority_id": 1, "base_point_id": 2, "programme": "Projet", "heading": "Emploi", "number": "1",
       "text": "Une priorité", "recorded_on": dt.date(2026, 1, 5), "weather": "compromis", "progress": 30}


def sheet(rows: int = 1) -> bytes:
    return build_workbook([ROW] * rows, scope_label="Quartier Test", scope_code="quartier-1", today=TODAY)


def french(text: str) -> str:
    return text.replace(NBSP, " ")


def test_a_sheet_of_exactly_the_limit_is_read():
    parsed = read_workbook(with_extra_rows(sheet(), MAX_ROWS - 1))
    assert parsed.file_errors == () and len(parsed.rows) == MAX_ROWS


def test_one_row_over_the_limit_is_refused_with_the_limit_in_french():
    parsed = read_workbook(with_extra_rows(sheet(), MAX_ROWS))
    assert parsed.rows == ()
    assert len(parsed.file_errors) == 1 and "plus de 1 000 lignes" in french(parsed.file_errors[0])
    assert format_number(MAX_ROWS) in parsed.file_errors[0]


@pytest.mark.parametrize("dimension", ["honest", "absent"])
def test_a_million_row_sheet_is_refused_before_its_rows_are_read(dimension):
    content = with_extra_rows(sheet(), 1_000_000, dimension=dimension)
    assert len(content) < MAX_UPLOAD_BYTES, "small once zipped: the row limit, not the size limit, must stop it"
    start = time.perf_counter()
    parsed = read_workbook(content)
    elapsed = time.perf_counter() - start
    assert parsed.rows == () and "plus de 1 000 lignes" in french(parsed.file_errors[0])
    assert elapsed < 5, f"refused in {elapsed:.1f} s: reading stops at the limit (it took minutes before)"


@pytest.mark.parametrize("dimension", ["stale", "absent"])
def test_a_sheet_whose_dimension_hides_rows_is_still_counted_in_full(dimension):
    parsed = read_workbook(with_extra_rows(sheet(), MAX_ROWS, dimension=dimension))
    assert parsed.rows == () and "plus de 1 000 lignes" in french(parsed.file_errors[0])


def test_a_sheet_with_few_lines_but_too_many_cells_is_refused_unread():
    content = with_wide_row(sheet(), MAX_XML_ELEMENTS // 2)
    start = time.perf_counter()
    parsed = read_workbook(content)
    assert time.perf_counter() - start < 5
    assert parsed.rows == () and parsed.file_errors[0].startswith("Le classeur contient bien plus de cellules")


def test_a_file_over_the_size_limit_is_refused_unread():
    parsed = read_workbook(b"PK" + bytes(MAX_UPLOAD_BYTES))
    assert parsed.rows == ()
    assert parsed.file_errors == (f"Le fichier pèse plus de {MAX_UPLOAD_BYTES // 2**20} Mo, la taille maximale "
                                  "d'une fiche de mise à jour : importez la fiche exportée depuis cette page, "
                                  "sans images ni onglets ajoutés.",)


def test_a_zip_that_unpacks_to_more_than_the_limit_is_refused_unread():
    bomb = zip_of({"xl/workbook.xml": b"<workbook/>", DATA_SHEET_PART: b" " * (MAX_UNPACKED_BYTES + 1)})
    assert len(bomb) < MAX_UPLOAD_BYTES
    parsed = read_workbook(bomb)
    assert parsed.rows == () and "une fois décompressé" in parsed.file_errors[0]


@pytest.mark.parametrize("name, message", [
    ("csv", "Ce fichier n'est pas un classeur Excel (.xlsx) lisible."),
    ("empty", "Ce fichier n'est pas un classeur Excel (.xlsx) lisible."),
    ("zip of text", "Ce fichier n'est pas un classeur Excel (.xlsx) lisible."),
    ("password-protected", "protégé par un mot de passe"),
    ("truncated", "Ce fichier n'est pas un classeur Excel (.xlsx) lisible."),
    ("corrupted part", "Le classeur est endommagé"),
    ("broken xml", "Le classeur est endommagé"),
    ("doctype", "Le classeur est endommagé"),
    ("no header", "La ligne d'en-têtes est introuvable."),
])
def test_an_unreadable_file_gets_a_french_message_and_no_exception(name, message):
    parsed = read_workbook(malformed_files(sheet(3))[name])
    assert parsed.rows == ()
    assert len(parsed.file_errors) == 1 and message in parsed.file_errors[0], parsed.file_errors


def test_every_text_the_sheet_exports_is_a_string_and_never_a_formula():
    hostile = {**ROW, "programme": '=HYPERLINK("http://exemple.fr","clic")', "heading": "@SUM(A1)",
               "number": "-1+1", "text": "+33 6 12", "difficulties": "=pas de budget", "successes": "-0,6"}
    content = build_workbook([hostile], scope_label="=cmd|' /C calc'!A0", scope_code="quartier-1", today=TODAY)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for part in archive.namelist():
            assert "<f>" not in archive.read(part).decode(), part
    workbook = load_workbook(io.BytesIO(content))
    texts = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    risky = [cell for cell in texts if is_formula_like(cell.value)]
    assert len(risky) == 6 and all(cell.data_type == "s" and cell.quotePrefix for cell in risky)
    read = read_workbook(content).rows[0].values
    assert {name: read[name] for name in ("programme", "heading", "number", "text", "difficulties", "successes")} == \
        {name: hostile[name] for name in ("programme", "heading", "number", "text", "difficulties", "successes")}
