"""Reading statistical tables: encodings, separators, French numbers, years, Lambert-93."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from pilotage.figures import CellError, Missing, parse_number, parse_year
from pilotage.projection import from_lambert93, to_lambert93
from pilotage.table_files import TableFileError, read_table


@pytest.mark.parametrize(("cell", "number"), [
    ("13,2", 13.2), ("13.2", 13.2), ("15 378", 15378), ("15\u00a0378", 15378), ("1.234,5", 1234.5),
    ("1,234.5", 1234.5), ("13,2 %", 13.2), ("-10,8", -10.8), ("1.234.567", 1234567), (2020, 2020.0), (0.5, 0.5),
])
def test_french_and_english_numbers_are_read(cell, number):
    assert parse_number(cell) == number


@pytest.mark.parametrize("cell", ["n.c.", "NC", "s", "secret statistique", "nd", "", None, "-"])
def test_gap_marks_are_told_apart_from_numbers(cell):
    assert isinstance(parse_number(cell), Missing)


@pytest.mark.parametrize("cell", ["environ 12", "12a", "1,2,3", True, float("nan")])
def test_text_is_not_a_number(cell):
    with pytest.raises(CellError):
        parse_number(cell)


@pytest.mark.parametrize(("cell", "year"), [
    ("2020", "2020"), (2020, "2020"), (2020.0, "2020"), ("2019-2020", "2019-2020"), ("2019 – 2020", "2019-2020"),
    ("au 01/01/2021", "2021"), ("01/01/2021", "2021"), ("RP 2021", "2021"), ("2021-01-01 00:00:00", "2021"),
])
def test_years_in_several_formats_are_normalised(cell, year):
    assert parse_year(cell) == year


@pytest.mark.parametrize("cell", ["fin 2021", "21", "", "2021/22", "3021"])
def test_unreadable_years_are_refused_in_french(cell):
    with pytest.raises(CellError, match="année"):
        parse_year(cell)


def test_a_latin1_csv_with_semicolons_keeps_its_accents():
    table = read_table("t.csv", "Libellé;Taux de pauvreté\r\nBesançon;20,3\r\n".encode("latin-1"))
    assert table.columns == ("Libellé", "Taux de pauvreté")
    assert table.rows == ((2, {"Libellé": "Besançon", "Taux de pauvreté": "20,3"}),)
    assert table.encoding == "Windows-1252" and table.separator == ";"


def test_a_utf8_csv_with_bom_commas_and_quoted_decimal_commas():
    table = read_table("t.csv", '\ufeffcode,valeur\nQN02501M,"13,2"\n'.encode())
    assert table.columns == ("code", "valeur") and table.rows[0][1]["valeur"] == "13,2"
    assert table.encoding == "UTF-8" and table.separator == ","


@pytest.mark.parametrize(("content", "message"), [
    (b"   \n", "vide"),
    (b"a|b\n1|2\n", "seule colonne"),
    (b"a;;c\n1;2;3\n", "colonne n\u00b0 2"),
    (b"a;a\n1;2\n", "même nom"),
    (b"a;b\n1;2;3\n", "3 cellules pour 2 colonnes"),
    (b"a;b\x00\n1;2\n", "binaires"),
])
def test_malformed_csv_files_are_refused_in_french(content, message):
    with pytest.raises(TableFileError, match=message):
        read_table("t.csv", content)


def test_lambert93_round_trip_and_a_known_point():
    lon, lat = from_lambert93(652469.02, 6862035.26)  # Paris, Notre-Dame
    assert lon == pytest.approx(2.3522, abs=1e-4) and lat == pytest.approx(48.8566, abs=1e-4)
    assert to_lambert93(3.0, 46.5) == pytest.approx((700000.0, 6600000.0))
    x, y = to_lambert93(6.0241, 47.2378)
    assert from_lambert93(x, y) == pytest.approx((6.0241, 47.2378), abs=1e-9)


def test_title_and_source_lines_above_the_header_are_skipped():
    content = ("Taux de pauvreté en 2021\r\nSource : Insee, Filosofi 2021\r\n\r\n"
               "CODGEO;LIBGEO;TP60\r\nQN02501M;Planoise;46,9\r\nQN02502M;Montrapon;29,4\r\n").encode("cp1252")
    table = read_table("t.csv", content)
    assert table.columns == ("CODGEO", "LIBGEO", "TP60")
    assert [line for line, _ in table.rows] == [5, 6]


def test_trailing_separators_do_not_make_a_wider_table():
    table = read_table("t.csv", b"code;valeur\nQN02501M;1;\nQN02502M;2;;\n")
    assert table.columns == ("code", "valeur") and len(table.rows) == 2


def test_a_workbook_with_title_rows_keeps_its_line_numbers():
    book = Workbook()
    for row in (["Population en 2021"], [], ["code", "Population"], ["QN02501M", 15602]):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table("t.xlsx", buffer.getvalue())
    assert table.columns == ("code", "Population") and table.rows == ((4, {"code": "QN02501M",
                                                                             "Population": 15602}),)
