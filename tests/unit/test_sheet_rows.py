"""Uploaded tables: encodings, separators, header search, bounds, and French refusals."""

from __future__ import annotations

import pytest

from pilotage.framework_sheet import find_columns
from pilotage.sheet_rows import MAX_TABLE_ROWS, TableFileError, read_table
from tests.tables import csv_file, xlsx_file
from tests.workbooks import with_extra_rows


@pytest.mark.parametrize("separator", [";", ",", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1", "cp1252"])
def test_csv_in_any_usual_encoding_and_separator(separator, encoding):
    rows = [["Axe", "Objectif"], ["Éducation", "Réussite, dès l'école"]]
    table = read_table("t.csv", csv_file(rows, separator=separator, encoding=encoding))
    assert table.headers == ("Axe", "Objectif")
    assert table.rows[0].values == ("Éducation", "Réussite, dès l'école")
    assert table.rows[0].line == 2


def test_a_title_line_above_the_header_is_skipped_and_numbers_read_as_text():
    table = read_table("t.xlsx", xlsx_file([[None], ["Axe", "Code axe"], ["Emploi", 1], ["Santé", 2.0]]))
    assert table.headers == ("Axe", "Code axe")
    assert [r.values for r in table.rows] == [("Emploi", "1"), ("Santé", "2")]
    assert [r.line for r in table.rows] == [3, 4]


def test_a_utf16_csv_is_refused_with_a_hint():
    with pytest.raises(TableFileError, match="UTF-8"):
        read_table("t.csv", "Axe;Objectif\r\nA;B".encode("utf-16"))


def test_too_many_rows_is_refused_before_reading_them_all():
    rows = [["Axe"]] + [[f"Axe {i}"] for i in range(MAX_TABLE_ROWS + 5)]
    with pytest.raises(TableFileError, match="plus de 2"):
        read_table("t.csv", csv_file(rows))
    with pytest.raises(TableFileError, match="plus de 2"):
        read_table("t.xlsx", with_extra_rows(xlsx_file([["Axe"], ["Emploi"]]), MAX_TABLE_ROWS + 20))


def test_a_formula_without_computed_value_is_flagged_on_its_row():
    table = read_table("t.xlsx", xlsx_file([["Axe", "Objectif"], ["Emploi", "=A2"]]))
    assert table.rows[0].uncomputed == (1,)


def test_level_columns_are_found_whatever_their_accents_and_case():
    columns = find_columns(("CODE AXE", "axe", "Objectif stratégique", "Sous objectif", "Commentaire"))
    assert columns.levels == (1, 2, 3)
    assert columns.codes == (0, None, None)
    assert columns.labels == ("axe", "objectif stratégique", "sous objectif")
    assert columns.ignored == ("Commentaire",)
