"""Spreadsheet files handled safely: exported text never runs as a formula, uploaded workbooks open within bounds.

A CSV or XLSX cell whose text starts with =, +, -, @, a tab or a carriage return is run as a formula by
Excel and LibreOffice (CSV injection). Every export goes through `is_formula_like`: CSV text gets a leading
apostrophe; XLSX text is a string cell, quote-prefixed so that editing it in Excel keeps it text, and read
back exactly as typed. A text that is a plain number (-0,6) is not a formula and stays as it is.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.parsers import expat

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")  # an encrypted .xlsx and an old .xls are OLE2 files
UNREADABLE = "Ce fichier n'est pas un classeur Excel (.xlsx) lisible."
PROTECTED = ("Ce classeur est protégé par un mot de passe ou enregistré à l'ancien format .xls : enregistrez-le "
             "sans mot de passe au format .xlsx, puis importez-le de nouveau.")
DAMAGED = ("Le classeur est endommagé et n'a pas pu être lu : ouvrez-le dans Excel ou LibreOffice, "
           "enregistrez-le au format .xlsx, puis importez-le de nouveau.")


def is_formula_like(value: Any) -> bool:
    """Whether a spreadsheet would read this value as a formula: a text starting with = + - @, tab or CR."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value)


def csv_cell(value: Any) -> Any:
    """The value as a CSV cell: a formula-like text behind an apostrophe, anything else unchanged."""
    return "'" + value if is_formula_like(value) else value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A French CSV (semicolons, decimal comma, UTF-8 with the BOM Excel needs), text cells neutralised."""
    safe = frame.apply(lambda column: column if pd.api.types.is_numeric_dtype(column) else column.map(csv_cell))
    return safe.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")


def worksheet_text(value: str) -> str:
    """The text as a worksheet can hold it: control characters (a vertical tab pasted from Word) become spaces."""
    return ILLEGAL_CHARACTERS_RE.sub(" ", value)


def write_text(cell, value: str | None) -> None:
    """Put a text in an openpyxl cell as a string, never a formula (openpyxl makes one of any '=...')."""
    cell.value = None if value is None else worksheet_text(value)
    if value is not None:
        cell.data_type = "s"
        cell.quotePrefix = is_formula_like(value)


def file_problem(content: bytes, *, max_bytes: int, max_unpacked_bytes: int) -> str | None:
    """A French message when an upload cannot be an .xlsx to read within bounds, else None (reads no cell)."""
    if len(content) > max_bytes:
        return (f"Le fichier pèse plus de {max_bytes // 2**20} Mo, la taille maximale d'une fiche de mise à jour : "
                "importez la fiche exportée depuis cette page, sans images ni onglets ajoutés.")
    if content.startswith(OLE_SIGNATURE):
        return PROTECTED
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return UNREADABLE
    if not any(part.filename == "xl/workbook.xml" for part in parts):
        return UNREADABLE
    if sum(part.file_size for part in parts) > max_unpacked_bytes:  # a zip bomb unpacks to gigabytes
        return (f"Le classeur pèse plus de {max_unpacked_bytes // 2**20} Mo une fois décompressé : ce n'est pas "
                "une fiche de mise à jour.")
    return None


class _Overflow(Exception):
    """Raised from inside the XML parser to stop reading a part at the first bound it passes."""


def xml_overflow(content: bytes, *, max_rows: int, max_elements: int) -> str | None:
    """'rows' or 'elements' when a part of the workbook passes that bound, else None; each part read that far only.

    openpyxl parses some parts whole as it opens a workbook, even in read-only mode: the shared strings, the
    styles, and every worksheet without a <dimension> element (it scans for one up to the last row). Counting
    the parts' XML elements first, and stopping at the bound, keeps a hostile or huge file from costing minutes.
    """
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for part in archive.infolist():
            if part.filename.endswith((".xml", ".rels")):
                worksheet = part.filename.startswith("xl/worksheets/")
                with archive.open(part) as stream:
                    overflow = _count(stream, max_rows if worksheet else None, max_elements)
                if overflow:
                    return overflow
    return None


def _count(stream, max_rows: int | None, max_elements: int) -> str | None:
    counts = {"rows": 0, "elements": 0}

    def start(name: str, _attributes) -> None:
        counts["elements"] += 1
        if counts["elements"] > max_elements:
            raise _Overflow("elements")
        if max_rows is not None and name.rpartition(" ")[2] == "row":
            counts["rows"] += 1
            if counts["rows"] > max_rows:
                raise _Overflow("rows")

    def no_doctype(*_args) -> None:
        raise ValueError("no part of an .xlsx declares a DTD (entity expansion)")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.StartDoctypeDeclHandler = start, no_doctype
    try:
        while chunk := stream.read(2**16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Overflow as overflow:
        return str(overflow)
    return None


def lines_with_uncomputed(values_sheet, formulas_sheet) -> Iterator[tuple[tuple, tuple[int, ...]]]:
    """Stream a sheet's lines: the values, and the positions of formulas that carry no computed value.

    `values_sheet` comes from a workbook opened with data_only=True, `formulas_sheet` from the same file
    opened without it: a formula cell reads None in the first when the program that saved it (openpyxl,
    some exporters) never computed it.
    """
    for sheet in (values_sheet, formulas_sheet):
        sheet.reset_dimensions()  # read every row, whatever the file's <dimension> announces
    for values, cells in zip(values_sheet.iter_rows(values_only=True), formulas_sheet.iter_rows(), strict=True):
        uncomputed = tuple(i for i, cell in enumerate(cells)
                           if cell.data_type == "f" and (i >= len(values) or values[i] is None))
        yield values, uncomputed
