"""Reading one cell of a contract workbook: the formats a spreadsheet or a person produces, and French refusals."""

import datetime as dt

import pytest

from pilotage.workbook_check import CellError, parse_cell
from pilotage.workbook_columns import BY_NAME

QUARTIERS, VALEURS, INSTANCES = BY_NAME["Quartiers"], BY_NAME["Valeurs"], BY_NAME["Instances"]


@pytest.mark.parametrize(("sheet", "field", "cell", "expected"), [
    (INSTANCES, "date", dt.datetime(2026, 10, 13), dt.date(2026, 10, 13)),
    (INSTANCES, "date", "13/10/2026", dt.date(2026, 10, 13)),
    (INSTANCES, "date", "2026-10-13", dt.date(2026, 10, 13)),
    (INSTANCES, "start_time", "9h30", dt.time(9, 30)),
    (INSTANCES, "start_time", dt.time(18, 30, 12), dt.time(18, 30)),
    (VALEURS, "value", "13,2", 13.2),
    (VALEURS, "value", "15\u00a0378", 15378.0),
    (VALEURS, "year", 2018, "2018"),
    (VALEURS, "year", 2018.0, "2018"),
    (QUARTIERS, "population", 1674.0, 1674),
    (QUARTIERS, "illustrative", "Oui", True),
    (QUARTIERS, "illustrative", "non", False),
    (QUARTIERS, "illustrative", "  ", None),
    (QUARTIERS, "slug", " planoise ", "planoise"),
    (QUARTIERS, "identity", "=SOMME(A1:A3)", "=SOMME(A1:A3)"),
    (BY_NAME["Priorités"], "framework", "1.1; 1.2 ;;2", ["1.1", "1.2", "2"]),
])
def test_a_cell_reads_as_its_column_expects(sheet, field, cell, expected):
    assert parse_cell(sheet.column(field), cell) == expected


@pytest.mark.parametrize(("sheet", "field", "cell", "message"), [
    (INSTANCES, "date", "13 octobre", "date illisible « 13 octobre » : attendu jj/mm/aaaa (par exemple 15/10/2026)"),
    (INSTANCES, "date", "31/02/2026", "date illisible « 31/02/2026 »"),
    (INSTANCES, "start_time", "25:00", "heure illisible « 25:00 » : attendu hh:mm"),
    (VALEURS, "value", "n.c.", "nombre attendu, pas « n.c. »"),
    (QUARTIERS, "population", 12.5, "nombre entier attendu, pas « 12.5 »"),
    (QUARTIERS, "population", -3, "-3 est inférieur au minimum (0)"),
    (QUARTIERS, "illustrative", "peut-être", "« peut-être » : attendu oui ou non"),
    (QUARTIERS, "kind", "QPV", "valeur « QPV » inconnue : attendu qpv, fragile, veille"),
    (QUARTIERS, "commune", "x" * 121, "texte trop long : 121 caractères, 120 au plus"),
    (INSTANCES, "running_order", "[portrait", "texte JSON illisible"),
])
def test_a_cell_that_does_not_read_is_told_in_french(sheet, field, cell, message):
    with pytest.raises(CellError) as caught:
        parse_cell(sheet.column(field), cell)
    assert str(caught.value).replace("\u00a0", " ").startswith(message)
