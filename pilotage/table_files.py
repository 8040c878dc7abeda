"""Reading an uploaded table (CSV or XLSX) into text-keyed rows, refusing what cannot be read, in French.

CSV: UTF-8 (with or without BOM) or, failing that, Windows-1252 / Latin-1 as French spreadsheets save it; the
separator among « ; », « , » and tabulation is the one that splits the header and the first lines alike. XLSX:
the first sheet, read within the bounds of pilotage.spreadsheets; a formula saved without its computed value is
refused (the figure would be empty).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook

from pilotage import spreadsheets
from pilotage.errors import ValidationError
from pilotage.formats import format_number

MAX_BYTES = 10 * 2**20  # ten times a national INSEE table of the 1,600 QPV
MAX_UNPACKED_BYTES = 60 * 2**20
MAX_ROWS = 50_000
MAX_COLUMNS = 300
MAX_XML_ELEMENTS = 5_000_000
SAMPLE_LINES = 20  # where the header and the separator are looked for
SEPARATORS = (";", ",", "\t")
SEPARATOR_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}
EXTENSIONS = ("csv", "txt", "xlsx")


class TableFileError(ValidationError):
    """A table file refused as a whole, with the reason in French."""


@dataclass(frozen=True)
class TableFile:
    filename: str
    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, Any]], ...]  # (line number in the file, cells by column name)
    encoding: str | None  # 'UTF-8' or 'Windows-1252' for a CSV, None for a workbook
    separator: str | None

    def describe(self) -> str:
        """'CSV, Windows-1252, séparateur point-virgule, 12 lignes' in French."""
        lines = f"{format_number(len(self.rows))} ligne{'s' if len(self.rows) > 1 else ''}"
        if self.encoding is None:
            return f"classeur Excel, {lines}"
        return f"CSV, encodage {self.encoding}, séparateur {SEPARATOR_NAMES[self.separator]}, {lines}"


def read_table(filename: str, content: bytes) -> TableFile:
    """Parse a CSV or XLSX upload; TableFileError when it is empty, unreadable or beyond the bounds."""
    if not content or not content.strip():
        raise TableFileError("Le fichier est vide.")
    if len(content) > MAX_BYTES:
        raise TableFileError(f"Le fichier pèse plus de {MAX_BYTES // 2**20} Mo, la limite acceptée.")
    if filename.lower().endswith(".xlsx") or content[:4] == b"PK\x03\x04" or content.startswith(
            spreadsheets.OLE_SIGNATURE):
        header, lines, encoding, separator = *_workbook_lines(content), None, None
    elif filename.lower().endswith(".xls"):
        raise TableFileError(spreadsheets.PROTECTED)
    else:
        text, encoding = _decode(content)
        header, lines, separator = _csv_lines(text)
    columns = _columns(header)
    rows = []
    for number, cells in lines:
        if all(_blank(cell) for cell in cells):
            continue
        if len(cells) > len(columns) and any(not _blank(c) for c in cells[len(columns):]):
            raise TableFileError(f"Ligne {number} : {len(cells)} cellules pour {len(columns)} colonnes d'en-tête "
                                 "(un séparateur de trop, ou un texte contenant le séparateur sans guillemets).")
        rows.append((number, {name: cells[i] if i < len(cells) else None for i, name in enumerate(columns)}))
    if not rows:
        raise TableFileError("Le fichier ne contient que la ligne d'en-tête : aucune ligne de données.")
    return TableFile(filename, columns, tuple(rows), encoding, separator)


def _blank(cell: Any) -> bool:
    return cell is None or str(cell).strip() == ""


def _decode(content: bytes) -> tuple[str, str]:
    try:
        return content.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return content.decode("latin-1"), "Latin-1"


def _csv_lines(text: str) -> tuple[list[Any], list[tuple[int, list[Any]]], str]:
    if "\x00" in text:
        raise TableFileError("Ce fichier n'est pas un texte CSV (il contient des octets binaires).")
    sample = [line for line in text.splitlines() if line.strip()][:SAMPLE_LINES]
    scores = {sep: _common_width([row for row in csv.reader(io.StringIO("\n".join(sample)), delimiter=sep)])
              for sep in SEPARATORS}
    separator = max(SEPARATORS, key=lambda sep: (scores[sep], -SEPARATORS.index(sep)))
    if scores[separator][0] == 0:
        raise TableFileError("Le fichier ne compte qu'une seule colonne : son séparateur n'a pas été reconnu. "
                             "Enregistrez-le en CSV séparé par des points-virgules (;) ou des virgules (,).")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        records = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise TableFileError(f"Le CSV est mal formé à la ligne {reader.line_num} : {exc}.") from exc
    records = [(n, row) for n, row in records if any(cell.strip() for cell in row)]
    if len(records) > MAX_ROWS + 1:
        raise TableFileError(f"Le fichier compte plus de {format_number(MAX_ROWS)} lignes, la limite acceptée.")
    return (*_after_title_lines(records), separator)


def _width(row: list[Any]) -> int:
    """How many cells a line holds, blank cells at its end left out."""
    width = len(row)
    while width and _blank(row[width - 1]):
        width -= 1
    return width


def _common_width(rows: list[list[Any]]) -> tuple[int, int]:
    """(how many lines share it, the commonest width of two cells or more); the first seen wins a tie."""
    widths = [w for w in map(_width, rows) if w >= 2]
    if not widths:
        return 0, 1
    counted = Counter(widths)
    best = max(counted.values())
    return best, next(w for w in widths if counted[w] == best)


def _after_title_lines(records: list[tuple[int, list[Any]]]) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    """The header and the lines after it: published tables often open with a title and a source line."""
    _, width = _common_width([row for _, row in records[:SAMPLE_LINES]])
    start = next((i for i, (_, row) in enumerate(records[:SAMPLE_LINES]) if _width(row) >= max(width, 2)), 0)
    return records[start][1], records[start + 1:]


def _workbook_lines(content: bytes) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    problem = spreadsheets.file_problem(content, max_bytes=MAX_BYTES, max_unpacked_bytes=MAX_UNPACKED_BYTES)
    if problem:
        raise TableFileError(problem)
    overflow = spreadsheets.xml_overflow(content, max_rows=MAX_ROWS + 1, max_elements=MAX_XML_ELEMENTS)
    if overflow:
        raise TableFileError(f"Le classeur dépasse la limite de {format_number(MAX_ROWS)} lignes ou de "
                             f"{format_number(MAX_XML_ELEMENTS)} éléments : importez un tableau plus court.")
    try:
        values = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged part
        raise TableFileError(spreadsheets.DAMAGED) from exc
    try:
        lines = []
        sheet = values.worksheets[0]
        for number, (cells, uncomputed) in enumerate(
                spreadsheets.lines_with_uncomputed(sheet, formulas.worksheets[0]), start=1):
            if uncomputed:
                raise TableFileError(f"Ligne {number} : la cellule {_column_letter(uncomputed[0])}{number} est une "
                                     "formule enregistrée sans sa valeur calculée. Ouvrez le classeur dans Excel "
                                     "ou LibreOffice, enregistrez-le, puis importez-le de nouveau.")
            lines.append((number, list(cells)))
    finally:
        values.close()
        formulas.close()
    lines = [(n, cells) for n, cells in lines if any(not _blank(c) for c in cells)]
    if not lines:
        raise TableFileError("Le classeur est vide : sa première feuille ne contient aucune ligne.")
    return _after_title_lines(lines)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _columns(header: list[Any]) -> tuple[str, ...]:
    while header and _blank(header[-1]):
        header = header[:-1]
    names = [" ".join(str(cell or "").split()) for cell in header]
    if len(names) > MAX_COLUMNS:
        raise TableFileError(f"La ligne d'en-tête compte {len(names)} colonnes : {MAX_COLUMNS} au plus.")
    if len(names) < 2:
        raise TableFileError("La ligne d'en-tête ne compte qu'une colonne : il en faut au moins deux (le lieu et "
                             "la valeur).")
    for position, name in enumerate(names, start=1):
        if not name:
            raise TableFileError(f"La colonne n° {position} de la ligne d'en-tête n'a pas de nom.")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise TableFileError(f"Plusieurs colonnes portent le même nom : {', '.join(duplicates)}.")
    return tuple(names)
