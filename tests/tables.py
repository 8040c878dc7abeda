"""Table files for the import tests: CSV in a chosen encoding and separator, or XLSX, from rows of cells."""

from __future__ import annotations

import io

from openpyxl import Workbook


def csv_file(rows: list[list], *, separator: str = ";", encoding: str = "utf-8") -> bytes:
    """A CSV of these rows (None is an empty cell; cells holding the separator are quoted)."""
    def cell(value) -> str:
        text = "" if value is None else str(value)
        return f'"{text}"' if separator in text or '"' in text else text
    return "\r\n".join(separator.join(cell(v) for v in row) for row in rows).encode(encoding)


def xlsx_file(rows: list[list]) -> bytes:
    """A one-sheet .xlsx of these rows."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
