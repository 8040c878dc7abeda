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
