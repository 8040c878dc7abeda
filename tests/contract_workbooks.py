"""Contract workbooks for the tests: export and read back cell by cell, fill the blank template, break a file."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pilotage import models
from pilotage.queries.workbook import get_workbook_records
from pilotage.workbook_file import blank_template, build_workbook
from tests.factories import contract

COUNTED = (models.Contract, models.Organisation, models.Person, models.Neighbourhood, models.Programme,
           models.Priority, models.Indicator, models.IndicatorValue, models.Meeting, models.Decision,
           models.PriorityUpdate, models.FrameworkNode, models.SwotItem, models.AuditEvent)


def export(session: Session, slug: str = "gbm-2024-2030") -> bytes:
    """The workbook of contract `slug`, as the page downloads it (a fixed title: the day does not matter)."""
    return build_workbook(get_workbook_records(session, contract_id=contract(session, slug).id), title="Classeur")


def cells(content: bytes) -> dict[str, list[tuple]]:
    """Every sheet's cell values, line by line."""
    book = load_workbook(io.BytesIO(content))
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def row_counts(session: Session) -> dict[str, int]:
    """Rows of the tables an import writes to (to prove a refused import wrote nothing)."""
    return {model.__name__: session.scalar(select(func.count()).select_from(model)) for model in COUNTED}


def filled_template(sheets: dict[str, list[list]]) -> bytes:
    """The blank template with these lines typed under the headers of these sheets."""
    book = load_workbook(io.BytesIO(blank_template()))
    for name, lines in sheets.items():
        for line in lines:
            book[name].append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def edited(content: bytes, change) -> bytes:
    """The workbook after `change(book)` (an openpyxl Workbook) and a save, as a user's spreadsheet would do."""
    book = load_workbook(io.BytesIO(content))
    change(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def line(sheet_name: str, **values) -> list:
    """A line of a sheet, its cells in the sheet's column order (the others empty)."""
    from pilotage.workbook_columns import BY_NAME

    sheet = BY_NAME[sheet_name]
    unknown = set(values) - {column.field for column in sheet.columns}
    assert not unknown, f"no column {unknown} in {sheet_name}"
    return [values.get(column.field) for column in sheet.columns]


def minimal_sheets() -> dict[str, list[list]]:
    """A small territory typed into the blank template: a contract, a QPV, its project, an indicator."""
    return {
        "Contrat": [line("Contrat", slug="essai-2024", name="Contrat de ville d'Essai 2024-2030",
                         territory="Communauté d'Essai", start_year=2024, end_year=2030, status="en_cours",
                         staleness_months=6, indicator_freshness_years=5, source="convention.pdf")],
        "Organisations": [line("Organisations", name="Ville d'Essai", kind="collectivite")],
        "Signataires": [line("Signataires", organisation="Ville d'Essai")],
        "Jalons": [line("Jalons", date="30/06/2026", label="Évaluation à mi-parcours", kind="evaluation")],
        "Territoires de comparaison": [line("Territoires de comparaison", slug="france", name="France",
                                            kind="france")],
        "Quartiers": [line("Quartiers", slug="centre", name="Centre", kind="qpv", official_code="QN09999A",
                           commune="Essai", population=1200, population_year=2020)],
        "Programmes": [line("Programmes", slug="projet-centre", kind="projet_quartier", name="Projet du Centre",
                            neighbourhood="centre")],
        "Priorités": [line("Priorités", programme="projet-centre", rank=1, heading="Cadre de vie", number=1,
                           text="Rénover les halls d'immeuble")],
        "Indicateurs": [line("Indicateurs", code="population", label="Population", theme="démographie",
                             unit="habitants", decimals=0)],
        "Valeurs": [line("Valeurs", indicator="population", neighbourhood="centre", value=1200, year=2020,
                         source_detail="INSEE RP 2020"),
                    line("Valeurs", indicator="population", area="france", value="67 407 241", year=2020)],
    }
