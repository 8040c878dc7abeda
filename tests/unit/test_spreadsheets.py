"""Spreadsheet-safe cells: exported text never becomes a live formula, numbers stay numbers."""

import csv
import io
import zipfile

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from pilotage.spreadsheets import csv_bytes, csv_cell, is_formula_like, write_text

FORMULA_LIKE = ["=1+1", "=HYPERLINK(\"http://x\",\"clic\")", "+33 6 12 34 56 78", "-2+3", "@SUM(A1:A9)",
                "\tcaché", "\r=1+1", "-", "=pas de budget", "-cmd|' /C calc'!A0"]
HARMLESS = ["Mesure 10", "pas de budget", "-0,6", "-0.6", "12", "-12", "", " =1+1", "2019-2020", "a=b"]


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_text_starting_with_a_formula_sign_is_neutralised_in_csv(text):
    assert is_formula_like(text)
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", [*HARMLESS, None, -0.6, 3, float("nan")])
def test_other_cells_are_left_as_they_are(value):
    assert not is_formula_like(value)
    assert csv_cell(value) is value


def test_a_csv_keeps_numbers_as_numbers_and_neutralises_text():
    frame = pd.DataFrame({"indicateur": ["=1+1", "Taux de pauvreté", "@cmd", "-0,6"],
                          "valeur": [-0.6, 12.5, None, 3.0], "annee": ["2019", "2020", "-1+1", None]})
    content = csv_bytes(frame)
    assert content.startswith("\ufeff".encode())  # Excel reads UTF-8 only with the BOM
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["indicateur", "valeur", "annee"]
    assert rows[1] == ["'=1+1", "-0,6", "2019"]
    assert rows[2] == ["Taux de pauvreté", "12,5", "2020"]
    assert rows[3] == ["'@cmd", "", "'-1+1"]
    assert rows[4] == ["-0,6", "3,0", ""]


def test_an_xlsx_text_cell_is_a_string_even_when_it_looks_like_a_formula():
    workbook = Workbook()
    sheet = workbook.active
    for row, text in enumerate(["=1+1", "+33 6", "-0,6", "texte", None], start=1):
        write_text(sheet.cell(row=row, column=1), text)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml, "no formula is written"
    read = load_workbook(io.BytesIO(buffer.getvalue()))
    cells = [read.active.cell(row=row, column=1) for row in range(1, 6)]
    assert [c.value for c in cells] == ["=1+1", "+33 6", "-0,6", "texte", None], "read back as typed"
    assert [c.data_type for c in cells[:4]] == ["s", "s", "s", "s"]
    assert [c.quotePrefix for c in cells[:4]] == [True, True, False, False], \
        "formula-like text is quote-prefixed, so that editing it in Excel keeps it text"
