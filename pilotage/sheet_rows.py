"""Uploaded tables (CSV or XLSX) read within bounds into a header and text rows, or refused in French.

CSV: UTF-8 (with or without BOM) or Latin-1/Windows-1252, separated by semicolons, commas or tabs.
XLSX: the first worksheet, streamed, with the same size, unpacked-size and row bounds as the update sheet
(pilotage.spreadsheets); a formula without a computed value is reported on its line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from dataclasses import dataclass
from itertools import islice

from openpyxl import load_workbook

from pilotage.formats import format_number
from pilotage.spreadsheets import DAMAGED, file_problem, lines_with_uncomputed, xml_overflow

log = logging.getLogger(__name__)
MAX_TABLE_BYTES = 5 * 2**20  # a framework or a list of priorities is a few kilobytes
MAX_UNPACKED_BYTES = 30 * 2**20
MAX_TABLE_ROWS = 2000
MAX_COLUMNS = 40
MAX_XML_ELEMENTS = 200_000
HEADER_SEARCH = 10  # a title or a blank line or two above the header are tolerated
EXTENSIONS = ("csv", "xlsx")
SEPARATORS = (";", ",", "\t")


class TableFileError(Exception):
    """The file cannot be read as a table; the message is French and says what to do."""


@dataclass(frozen=True)
class TableRow:
    line: int  # as the spreadsheet numbers it
    values: tuple[str | None, ...]
    uncomputed: tuple[int, ...] = ()  # columns holding a formula the saving program never computed

    def is_blank(self) -> bool:
        return not self.uncomputed and all(value is None for value in self.values)


@dataclass(frozen=True)
class TableFile:
    headers: tuple[str, ...]
    rows: tuple[TableRow, ...]


def read_table(filename: str, content: bytes) -> TableFile:
    """The header and rows of an uploaded CSV or XLSX file; TableFileError (French) when it cannot be read."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in EXTENSIONS:
        raise TableFileError(f"Format non pris en charge (« .{extension or '?'} ») : importez un fichier .csv ou "
                             ".xlsx.")
    if not content:
        raise TableFileError("Le fichier est vide.")
    if len(content) > MAX_TABLE_BYTES:
        raise TableFileError(f"Le fichier pèse plus de {MAX_TABLE_BYTES // 2**20} Mo : ce n'est pas un tableau de "
                             "cette sorte.")
    return _read_csv(content) if extension == "csv" else _read_xlsx(content)


def _too_many_rows() -> TableFileError:
    return TableFileError(f"Le fichier compte plus de {format_number(MAX_TABLE_ROWS)} lignes : découpez-le ou "
                          "supprimez les lignes ajoutées.")


def _decode(content: bytes) -> str:
    if b"\x00" in content[:4096]:
        raise TableFileError("Ce fichier n'est pas un fichier texte CSV (enregistré en UTF-16 ou binaire) : "
                             "enregistrez-le au format « CSV UTF-8 » ou en .xlsx.")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return content.decode("cp1252")
        except UnicodeDecodeError:
            return content.decode("latin-1")


def _separator(first_line: str) -> str:
    return max(SEPARATORS, key=first_line.count)


def _read_csv(content: bytes) -> TableFile:
    text = _decode(content)
    first = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(first))
    try:
        lines = [(number, tuple(_cell(v) for v in values))
                 for number, values in enumerate(islice(reader, HEADER_SEARCH + MAX_TABLE_ROWS + 1), start=1)]
    except csv.Error as exc:
        raise TableFileError(f"Le fichier CSV est mal formé (ligne {reader.line_num}) : vérifiez les guillemets.") \
            from exc
    return _table(lines, ())


def _read_xlsx(content: bytes) -> TableFile:
    problem = file_problem(content, max_bytes=MAX_TABLE_BYTES, max_unpacked_bytes=MAX_UNPACKED_BYTES)
    if problem:
        raise TableFileError(problem)
    books = []
    try:
        overflow = xml_overflow(content, max_rows=HEADER_SEARCH + MAX_TABLE_ROWS, max_elements=MAX_XML_ELEMENTS)
        if overflow == "rows":
            raise _too_many_rows()
        if overflow:
            raise TableFileError("Le classeur contient bien plus de cellules qu'un tableau de cette sorte : "
                                 "importez un classeur d'un seul onglet, sans données ajoutées.")
        for data_only in (True, False):
            books.append(load_workbook(io.BytesIO(content), read_only=True, data_only=data_only))
        values_sheet, formulas_sheet = books[0].worksheets[0], books[1].worksheets[0]
        lines = [(number, tuple(_cell(v) for v in values), uncomputed) for number, (values, uncomputed)
                 in enumerate(lines_with_uncomputed(values_sheet, formulas_sheet), start=1)]
    except TableFileError:
        raise
    except Exception as exc:  # a damaged part fails only when read
        log.warning("Unreadable table workbook (%d bytes)", len(content), exc_info=True)
        raise TableFileError(DAMAGED) from exc
    finally:
        for book in books:
            book.close()
    return _table([(n, v) for n, v, _ in lines], {n: u for n, _, u in lines})


def _table(lines: list[tuple[int, tuple]], uncomputed: dict | tuple) -> TableFile:
    header_index = next((i for i, (_, values) in enumerate(lines[:HEADER_SEARCH]) if any(values)), None)
    if header_index is None:
        raise TableFileError("Le fichier ne contient aucune ligne d'en-têtes (les premières lignes sont vides).")
    headers = tuple(value or "" for value in lines[header_index][1])
    while headers and not headers[-1]:
        headers = headers[:-1]
    if len(headers) > MAX_COLUMNS:
        raise TableFileError(f"Le fichier compte plus de {MAX_COLUMNS} colonnes : ce n'est pas un tableau de "
                             "cette sorte.")
    body = lines[header_index + 1:]
    if len(body) > MAX_TABLE_ROWS:
        raise _too_many_rows()
    rows = tuple(TableRow(line=number, values=tuple(values[i] if i < len(values) else None
                                                    for i in range(len(headers))),
                          uncomputed=tuple(i for i in (uncomputed or {}).get(number, ()) if i < len(headers)))
                 for number, values in body)
    return TableFile(headers=headers, rows=rows)


def _cell(value) -> str | None:
    """A cell as text: stripped, None when empty; an integral number without its '.0', a date as jj/mm/aaaa."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        value = value.strftime("%d/%m/%Y")
    text = " ".join(str(value).split())
    return text or None
