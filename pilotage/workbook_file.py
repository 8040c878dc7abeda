"""The whole-contract workbook as an .xlsx file: written from rows, read back within bounds, formulas refused.

Texts are written as string cells, quote-prefixed when they start like a formula (pilotage/spreadsheets.py):
a spreadsheet shows them as typed and never runs them, and reading gives back the exact text, so the import
has nothing to undo. An uploaded file is checked before any cell is read: its size, its unpacked size (a zip
bomb), the lines of each sheet and the XML elements of each part; a formula cell is refused, never computed.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import zipfile
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pilotage.formats import format_date, format_number
from pilotage.spreadsheets import DAMAGED, file_problem, write_text, xml_overflow
from pilotage.workbook_columns import README, SHEETS, Column, Records, Sheet

log = logging.getLogger(__name__)
# The Besançon 2024-2030 workbook is about 0,3 Mo zipped, 3 Mo unpacked, 2 000 lines in its largest sheet.
MAX_UPLOAD_BYTES = 20 * 2**20
MAX_UNPACKED_BYTES = 200 * 2**20
MAX_ROWS = 50_000  # lines of any one sheet
MAX_XML_ELEMENTS = 3_000_000  # elements of any one part of the file
HEADER_FILL = PatternFill("solid", fgColor="1E3A8A")
KIND_HINTS = {"text": "texte", "int": "nombre entier", "float": "nombre", "date": "date jj/mm/aaaa",
              "time": "heure hh:mm", "bool": "oui / non", "list": "liste séparée par « ; »", "json": "texte JSON"}


class WorkbookFileError(Exception):
    """A file that cannot be read as a contract workbook; the message is French."""


@dataclass
class RawSheet:
    """A sheet as read: its header cells and its lines (Excel line number, cell values)."""

    headers: list[str | None] = field(default_factory=list)
    lines: list[tuple[int, tuple]] = field(default_factory=list)
    formulas: list[tuple[int, int]] = field(default_factory=list)  # (line, column index) of formula cells


def _cell_value(column: Column, value):
    if value is None:
        return None
    if column.kind == "bool":
        return "oui" if value else "non"
    if column.kind in ("int", "float", "date"):
        return value
    return str(value)


def _write_sheet(book: Workbook, sheet: Sheet, rows: list[dict]) -> None:
    worksheet = book.create_sheet(sheet.name)
    for index, column in enumerate(sheet.columns, start=1):
        cell = worksheet.cell(row=1, column=index)
        write_text(cell, column.header)
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        worksheet.column_dimensions[get_column_letter(index)].width = 14 if column.kind != "text" else 28
    for line, row in enumerate(rows, start=2):
        for index, column in enumerate(sheet.columns, start=1):
            value = _cell_value(column, row.get(column.field))
            cell = worksheet.cell(row=line, column=index)
            if isinstance(value, str):
                write_text(cell, value)
            else:
                cell.value = value
                if column.kind == "date" and value is not None:
                    cell.number_format = "DD/MM/YYYY"
    worksheet.freeze_panes = "A2"


def _readme(book: Workbook, title: str) -> None:
    sheet = book.active
    sheet.title = README
    lines = [
        (title, None, None, None),
        ("Une ligne d'en-têtes par onglet, puis une ligne par objet. Les objets se citent par leurs identifiants "
         "(quartier, programme, code) ou leurs références (instance, décision), jamais par un numéro interne. "
         "Une priorité se cite « programme#rang ». L'import vérifie tout le classeur et n'enregistre rien s'il "
         "trouve une seule erreur ; il se fait dans un contrat vide ou comme nouveau contrat.", None, None, None),
        ("Les textes qui commencent par =, +, - ou @ sont enregistrés comme textes, jamais comme formules ; "
         "une formule est refusée à l'import.", None, None, None),
        ("", None, None, None),
        ("Onglet", "Colonne", "Contenu", "Format"),
    ]
    for sheet_spec in SHEETS:
        lines.append((sheet_spec.name, "", sheet_spec.help, ""))
        for column in sheet_spec.columns:
            hint = KIND_HINTS[column.kind] + (", obligatoire" if column.required else "")
            if column.slug:
                hint += ", minuscules sans accents, chiffres et tirets"
            if column.kind == "text" and column.limit:
                hint += f", {format_number(column.limit)} caractères au plus"
            lines.append(("", column.header, column.help, hint))
    for row, values in enumerate(lines, start=1):
        for index, value in enumerate(values, start=1):
            if value is not None:
                write_text(sheet.cell(row=row, column=index), value)
                sheet.cell(row=row, column=index).alignment = Alignment(wrap_text=True, vertical="top")
        if values[1] == "" or row == 5:
            for index in range(1, 5):
                sheet.cell(row=row, column=index).font = Font(bold=True)
    sheet["A1"].font = Font(bold=True, size=14)
    for row in (2, 3):  # the two sentences read across the four columns
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        sheet.row_dimensions[row].height = 48
    for letter, width in zip("ABCD", (26, 30, 80, 34), strict=True):
        sheet.column_dimensions[letter].width = width


def build_workbook(records: Records, *, title: str) -> bytes:
    """The .xlsx of these rows: the Lisez-moi sheet, then one sheet per kind of object."""
    book = Workbook()
    _readme(book, title)
    for sheet in SHEETS:
        _write_sheet(book, sheet, records[sheet.name])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def contract_title(name: str, today: dt.date) -> str:
    """The first line of an exported workbook's Lisez-moi."""
    return f"Classeur du contrat « {name} », exporté le {format_date(today)}"


def blank_template() -> bytes:
    """The same workbook with headers only: a territory starts from it."""
    return build_workbook(Records(), title="Classeur d'un contrat de ville : modèle vierge")


def _check_file(content: bytes) -> None:
    if len(content) > MAX_UPLOAD_BYTES:
        raise WorkbookFileError(f"Le fichier pèse plus de {MAX_UPLOAD_BYTES // 2**20} Mo, la taille maximale d'un "
                                "classeur de contrat.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        unpacked = 0  # file_problem says why below
    if unpacked > MAX_UNPACKED_BYTES:
        raise WorkbookFileError(f"Le classeur pèse plus de {MAX_UNPACKED_BYTES // 2**20} Mo une fois décompressé : "
                                "ce n'est pas un classeur de contrat.")
    problem = file_problem(content, max_bytes=MAX_UPLOAD_BYTES, max_unpacked_bytes=MAX_UNPACKED_BYTES)
    if problem:
        raise WorkbookFileError(problem)
    overflow = xml_overflow(content, max_rows=MAX_ROWS + 1, max_elements=MAX_XML_ELEMENTS)
    if overflow == "rows":
        raise WorkbookFileError(f"Un onglet compte plus de {format_number(MAX_ROWS)} lignes : ce n'est pas un "
                                "classeur de contrat.")
    if overflow:
        raise WorkbookFileError("Le classeur contient bien plus de cellules qu'un classeur de contrat.")


def read_workbook(content: bytes) -> dict[str, RawSheet]:
    """The sheets of an uploaded workbook, by name; raises WorkbookFileError (French) when it cannot be read."""
    _check_file(content)
    book = None
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        return {name: _read_sheet(book[name]) for name in book.sheetnames if name != README}
    except Exception as exc:  # a damaged part fails only when read: zlib, CRC, XML and missing-part errors alike
        log.warning("Unreadable contract workbook (%d bytes)", len(content), exc_info=True)
        raise WorkbookFileError(DAMAGED) from exc
    finally:
        if book is not None:
            book.close()


def _read_sheet(worksheet) -> RawSheet:
    raw = RawSheet()
    worksheet.reset_dimensions()  # read every row, whatever the file's <dimension> announces
    for line, cells in enumerate(worksheet.iter_rows(), start=1):
        values = tuple(getattr(cell, "value", None) for cell in cells)
        raw.formulas += [(line, i) for i, cell in enumerate(cells) if getattr(cell, "data_type", None) == "f"]
        if line == 1:
            raw.headers = [v.strip() if isinstance(v, str) else None for v in values]
        elif any(v is not None and (not isinstance(v, str) or v.strip()) for v in values):
            raw.lines.append((line, values))
    return raw
