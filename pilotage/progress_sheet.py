"""The update sheet (fiche de mise à jour): an .xlsx pre-filled with each priority's last point, and its import.

Export and import are pure: the workbook is built from rows handed in, and a filled workbook is read and
validated against the known priorities and points handed in. A row equal to the point it was exported
with records nothing; any invalid row means nothing is recorded at all. The upload is bounded (size, unpacked
size, lines) and streamed, so that a huge or hostile file is refused at once with a French message.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pilotage.formats import format_date, format_number, format_percent
from pilotage.progress import (
    COMMENT_FIELDS,
    COMMENT_LABELS,
    WEATHER_HINTS,
    WEATHER_LABELS,
    PointInput,
    clean_text,
    same_values,
    validate_point,
    weather_from_label,
)
from pilotage.spreadsheets import (
    DAMAGED,
    file_problem,
    lines_with_uncomputed,
    worksheet_text,
    write_text,
    xml_overflow,
)

log = logging.getLogger(__name__)
SHEET = "Points d'avancement"
GUIDE = "Mode d'emploi"
SCOPE_CELL_LABEL = "Code du périmètre (ne pas modifier)"
# One line per priority: the largest scope has 42, the largest contract 94. A thousand lines is ten times any
# real sheet, and reading stops there instead of streaming a million rows (minutes) before refusing them.
MAX_ROWS = 1000
# A full 1 000-line sheet with long comments zips to about 3 Mo: 10 Mo leaves room for a pasted image. The
# unpacked limit stops a zip bomb, small to upload, before openpyxl unpacks its strings and styles in memory.
MAX_UPLOAD_BYTES = 10 * 2**20
MAX_UNPACKED_BYTES = 50 * 2**20
HEADER_SEARCH = 10  # the header is on line 3; a few lines inserted above it are tolerated
# XML elements in any one part of the file (a cell is 1 to 3): a full sheet has about 40 000, so four times
# the columns still pass, while a part openpyxl would parse whole at opening is refused after a second.
MAX_XML_ELEMENTS = 250_000
GUIDE_SEARCH = 50  # the scope code is on line 4 of the guide
TOO_MANY_ROWS = (f"La fiche compte plus de {format_number(MAX_ROWS)} lignes sous l'en-tête (ou dans un autre onglet), "
                 "alors qu'elle en a une par priorité : supprimez les lignes ou onglets ajoutés (même vides) ou "
                 "exportez une nouvelle fiche.")
TOO_MANY_CELLS = ("Le classeur contient bien plus de cellules ou de textes qu'une fiche de mise à jour : importez la "
                  "fiche exportée depuis cette page, sans onglets ni données ajoutés.")
UNCOMPUTED = ("« {} » : formule sans valeur calculée : ouvrez et enregistrez le fichier dans un tableur (Excel, "
              "LibreOffice) pour qu'il la calcule, ou tapez la valeur elle-même.")
COLUMNS = (  # (field, header, width, editable)
    ("priority_id", "N° interne de la priorité (ne pas modifier)", 12, False),
    ("base_point_id", "N° du dernier point (ne pas modifier)", 12, False),
    ("programme", "Programme", 22, False),
    ("heading", "Rubrique", 24, False),
    ("number", "N°", 10, False),
    ("text", "Priorité ou mesure", 50, False),
    ("recorded_on", "Date du point (jj/mm/aaaa)", 14, True),
    ("weather", "Météo", 18, True),
    ("progress", "Avancement (%)", 12, True),
    *((name, COMMENT_LABELS[name], 36, True) for name in COMMENT_FIELDS),
)
HEADERS = {header: name for name, header, _, _ in COLUMNS}
HEADER_OF = {name: header for name, header, _, _ in COLUMNS}
HEADER_ROW = 3
LOCKED_FILL = PatternFill("solid", fgColor="E5E7EB")
HEADER_FILL = PatternFill("solid", fgColor="1E3A8A")
DATE_PATTERN = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


@dataclass(frozen=True)
class RowReport:
    line: int
    priority: str
    status: str  # nouveau | inchange | vide | erreur
    messages: tuple[str, ...] = ()


STATUS_LABELS = {"nouveau": "✔ Nouveau point", "inchange": "= Inchangée", "vide": "○ Non renseignée",
                 "erreur": "✖ Erreur"}


@dataclass(frozen=True)
class SheetReport:
    """What importing a sheet would do, row by row; `points` are recorded only when there is no error."""

    scope_label: str
    file_errors: tuple[str, ...] = ()
    rows: tuple[RowReport, ...] = ()
    points: tuple[PointInput, ...] = ()
    written: int = 0

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(1 for r in self.rows if r.status == "erreur")

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def summary(self) -> str:
        """One French sentence on the outcome."""
        if not self.ok:
            return (f"{self.error_count} erreur(s) : rien n'a été enregistré. Corrigez la fiche puis "
                    "importez-la de nouveau.")
        if not self.points:
            return "Aucun changement : rien n'a été enregistré."
        if self.written:
            return f"{self.written} point(s) d'avancement enregistré(s)."
        return f"{len(self.points)} point(s) d'avancement à enregistrer, aucune erreur."


@dataclass(frozen=True)
class RawRow:
    line: int
    values: dict[str, Any] = field(default_factory=dict)
    uncomputed: tuple[str, ...] = ()  # fields holding a formula the saving program never computed


@dataclass(frozen=True)
class ParsedSheet:
    rows: tuple[RawRow, ...] = ()
    scope_code: str | None = None
    file_errors: tuple[str, ...] = ()


def _style_header(cell, header: str) -> None:
    write_text(cell, header)
    cell.font = Font(bold=True, color="FFFFFF")
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="center")


def _data_validations(sheet, last_row: int) -> None:
    weather = DataValidation(type="list", formula1='"' + ",".join(WEATHER_LABELS.values()) + '"', allow_blank=True,
                             showErrorMessage=True, errorTitle="Météo", error="Choisissez une météo dans la liste.",
                             promptTitle="Météo", prompt="Sécurisé, Atteignable, Appui nécessaire ou Compromis")
    percent = DataValidation(type="whole", operator="between", formula1="0", formula2="100", allow_blank=True,
                             showErrorMessage=True, errorTitle="Avancement",
                             error="Un nombre entier de 0 à 100, sans le signe %.")
    for validation, name in ((weather, "weather"), (percent, "progress")):
        letter = get_column_letter(_column_index(name))
        validation.add(f"{letter}{HEADER_ROW + 1}:{letter}{max(last_row, HEADER_ROW + 1)}")
        sheet.add_data_validation(validation)


def _column_index(name: str) -> int:
    return next(i for i, column in enumerate(COLUMNS, start=1) if column[0] == name)


def _guide(workbook: Workbook, scope_label: str, scope_code: str, today: dt.date) -> None:
    guide = workbook.create_sheet(GUIDE)
    lines = [
        ("Fiche de mise à jour des priorités", None),
        ("Périmètre", scope_label),
        ("Exportée le", format_date(today)),
        (SCOPE_CELL_LABEL, scope_code),
        ("", None),
        ("Comment remplir", None),
        ("1.", "Pour chaque priorité, la ligne reprend le dernier point d'avancement. Modifiez seulement les "
               "cellules blanches : date, météo, avancement et commentaires."),
        ("2.", "Une ligne laissée telle quelle n'enregistre rien. Pour confirmer une situation inchangée, "
               "mettez simplement la date du jour."),
        ("3.", "Date au format jj/mm/aaaa, pas dans le futur ni avant le dernier point ; avancement : un nombre "
               "entier de 0 à 100 (facultatif)."),
        ("4.", "Ne modifiez pas les colonnes grisées et ne supprimez pas les deux premières colonnes : elles "
               "identifient la priorité et le point de départ."),
        ("5.", "À l'import, chaque ligne est vérifiée ; s'il y a une seule erreur, rien n'est enregistré et le "
               "compte rendu indique la ligne à corriger."),
        ("", None),
        ("Météo", None),
        *((label, WEATHER_HINTS[code]) for code, label in WEATHER_LABELS.items()),
    ]
    for row, (label, text) in enumerate(lines, start=1):
        write_text(guide.cell(row=row, column=1), label)
        guide.cell(row=row, column=1).font = Font(bold=text is None or row <= 4)
        if text is not None:
            write_text(guide.cell(row=row, column=2), text)
            guide.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    guide["A1"].font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 34
    guide.column_dimensions["B"].width = 100


def build_workbook(rows: Sequence[Mapping[str, Any]], *, scope_label: str, scope_code: str,
                   today: dt.date) -> bytes:
    """The .xlsx update sheet of these priorities (one row each, pre-filled with the last point)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    write_text(sheet["A1"], f"Fiche de mise à jour — {scope_label} — exportée le {format_date(today)}")
    sheet["A1"].font = Font(bold=True, size=14)
    write_text(sheet["A2"], "Modifiez seulement les cellules blanches. Une ligne inchangée n'enregistre rien. "
                            f"Voir l'onglet « {GUIDE} ».")
    sheet["A2"].font = Font(italic=True)
    for index, (_, header, width, _) in enumerate(COLUMNS, start=1):
        _style_header(sheet.cell(row=HEADER_ROW, column=index), header)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[HEADER_ROW].height = 45
    for offset, row in enumerate(rows, start=1):
        _write_row(sheet, HEADER_ROW + offset, row)
    _data_validations(sheet, HEADER_ROW + len(rows))
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.protection.sheet = True
    for option in ("formatColumns", "formatRows", "formatCells", "autoFilter", "sort"):
        setattr(sheet.protection, option, False)
    _guide(workbook, scope_label, scope_code, today)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_row(sheet, line: int, row: Mapping[str, Any]) -> None:
    weather = row.get("weather")
    values = {**row, "weather": WEATHER_LABELS.get(weather) if isinstance(weather, str) else None}
    for index, (name, _, _, editable) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=line, column=index)
        value = values.get(name)
        value = None if value is None or value != value else value
        if name in ("priority_id", "base_point_id", "progress"):
            cell.value = None if value is None else int(value)
        elif name == "recorded_on":
            cell.value = value
            cell.number_format = "DD/MM/YYYY"
        else:
            write_text(cell, None if value is None else str(value))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.protection = Protection(locked=not editable)
        if not editable:
            cell.fill = LOCKED_FILL


def read_workbook(content: bytes) -> ParsedSheet:
    """The raw rows of a filled update sheet, or the file-level errors that prevent reading it."""
    problem = file_problem(content, max_bytes=MAX_UPLOAD_BYTES, max_unpacked_bytes=MAX_UNPACKED_BYTES)
    if problem:
        return ParsedSheet(file_errors=(problem,))
    books = []
    try:
        overflow = xml_overflow(content, max_rows=HEADER_SEARCH + MAX_ROWS, max_elements=MAX_XML_ELEMENTS)
        if overflow:
            return ParsedSheet(file_errors=(TOO_MANY_ROWS if overflow == "rows" else TOO_MANY_CELLS,))
        # twice, streamed: the values a spreadsheet computed, and the formulas to spot those it did not
        for data_only in (True, False):
            books.append(load_workbook(io.BytesIO(content), read_only=True, data_only=data_only))
        return _parse(*books)
    except Exception:  # a damaged part fails only when read: zlib, CRC, XML and missing-part errors alike
        log.warning("Unreadable update sheet (%d bytes)", len(content), exc_info=True)
        return ParsedSheet(file_errors=(DAMAGED,))
    finally:
        for book in books:
            book.close()


def _parse(values_book, formulas_book) -> ParsedSheet:
    """The rows under the header, read up to one past the limit and no further."""
    if SHEET not in values_book.sheetnames:
        return ParsedSheet(file_errors=(f"Le classeur ne contient pas l'onglet « {SHEET} » : utilisez une fiche "
                                        "exportée depuis cette page.",))
    scope_code = _scope_code(values_book)
    lines = lines_with_uncomputed(values_book[SHEET], formulas_book[SHEET])
    head = list(islice(lines, HEADER_SEARCH))
    header_line = next((i for i, (values, _) in enumerate(head) if COLUMNS[0][1] in values), None)
    if header_line is None:
        return ParsedSheet(scope_code=scope_code, file_errors=("La ligne d'en-têtes est introuvable.",))
    positions = {HEADERS[v]: i for i, v in enumerate(head[header_line][0]) if isinstance(v, str) and v in HEADERS}
    missing = [header for name, header, _, _ in COLUMNS if name not in positions]
    if missing:
        return ParsedSheet(scope_code=scope_code,
                           file_errors=("Colonne(s) manquante(s) : " + ", ".join(f"« {m} »" for m in missing),))
    body = head[header_line + 1:]
    body += islice(lines, MAX_ROWS + 1 - len(body))
    if len(body) > MAX_ROWS:
        return ParsedSheet(scope_code=scope_code, file_errors=(TOO_MANY_ROWS,))
    rows = tuple(_raw_row(header_line + 2 + offset, values, uncomputed, positions)
                 for offset, (values, uncomputed) in enumerate(body))
    return ParsedSheet(rows=rows, scope_code=scope_code)


def _raw_row(line: int, values: tuple, uncomputed: tuple[int, ...], positions: Mapping[str, int]) -> RawRow:
    return RawRow(line=line, values={name: values[i] if i < len(values) else None for name, i in positions.items()},
                  uncomputed=tuple(name for name, i in positions.items() if i in uncomputed))


def _scope_code(workbook) -> str | None:
    if GUIDE not in workbook.sheetnames:
        return None
    guide = workbook[GUIDE]
    guide.reset_dimensions()
    for values in guide.iter_rows(min_col=1, max_col=2, max_row=GUIDE_SEARCH, values_only=True):
        if len(values) == 2 and values[0] == SCOPE_CELL_LABEL:
            return None if values[1] is None else str(values[1])
    return None


@dataclass(frozen=True)
class KnownPriority:
    """A priority of the scope as the import checks it: its label and its latest point's fields (or None)."""

    label: str
    latest: Mapping[str, Any] | None = None


def parse_date(value: Any) -> tuple[dt.date | None, str | None]:
    """A real Excel date or a 'jj/mm/aaaa' text; returns (date, error message)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    match = DATE_PATTERN.match(str(value))
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day), None
        except ValueError:
            pass
    return None, f"Date illisible « {value} » : attendu jj/mm/aaaa (par exemple 15/10/2026)."


def parse_progress(value: Any) -> tuple[int | None, str | None]:
    """An integer from 0 to 100 (a whole number typed as text, with or without %, is accepted)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    number = value
    if isinstance(value, str):
        text = value.strip().rstrip("%").strip()
        number = int(text) if text.isdigit() else None
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= 100:
        return None, f"Avancement « {value} » : un nombre entier de 0 à 100 est attendu."
    return number, None


def _parse_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _row_values(raw: RawRow) -> tuple[dict[str, Any], list[str]]:
    """The editable fields of a row, parsed, and the messages for those that could not be read."""
    errors = []
    recorded_on, error = parse_date(raw.values.get("recorded_on"))
    errors += [error] if error else []
    progress, error = parse_progress(raw.values.get("progress"))
    errors += [error] if error else []
    weather_text = clean_text(raw.values.get("weather"))
    weather = weather_from_label(weather_text)
    if weather_text and weather is None:
        errors.append(f"Météo inconnue « {weather_text} » : choisissez {', '.join(WEATHER_LABELS.values())}.")
    values = {"recorded_on": recorded_on, "weather": weather, "progress": progress,
              **{name: clean_text(raw.values.get(name)) for name in COMMENT_FIELDS}}
    return values, errors


def _is_blank(raw: RawRow) -> bool:
    return not raw.uncomputed and all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values.values())


def _changes(values: Mapping[str, Any], base: Mapping[str, Any] | None) -> str:
    if base is None:
        return "premier point"
    parts = []
    if values["weather"] != base.get("weather"):
        parts.append(f"météo {WEATHER_LABELS.get(base.get('weather'), '—')} → {WEATHER_LABELS[values['weather']]}")
    if values["progress"] != base.get("progress"):
        parts.append(f"avancement {format_percent(base.get('progress'), 0)} → {format_percent(values['progress'], 0)}")
    if any(values[name] != clean_text(base.get(name)) for name in COMMENT_FIELDS):
        parts.append("commentaires modifiés")
    if not parts:
        parts.append(f"situation confirmée au {format_date(values['recorded_on'])}")
    return ", ".join(parts)


def validate_rows(parsed: ParsedSheet, *, scope_label: str, scope_code: str, known: Mapping[int, KnownPriority],
                  base_points: Mapping[int, Mapping[str, Any]], today: dt.date, author: str) -> SheetReport:
    """Check every row against the scope's priorities and their points; collect the points to record."""
    file_errors = list(parsed.file_errors)
    if parsed.scope_code is not None and parsed.scope_code != scope_code:
        file_errors.append("Cette fiche a été exportée pour un autre périmètre que celui choisi pour l'import.")
    if file_errors:
        return SheetReport(scope_label=scope_label, file_errors=tuple(file_errors))
    reports, points, seen = [], [], {}
    exported = {point_id: _as_exported(point) for point_id, point in base_points.items()}
    for raw in parsed.rows:
        if _is_blank(raw):
            continue
        report, point = _check_row(raw, known, exported, seen, today, author)
        reports.append(report)
        if point is not None:
            points.append(point)
    return SheetReport(scope_label=scope_label, rows=tuple(reports), points=tuple(points))


def _as_exported(point: Mapping[str, Any]) -> dict[str, Any]:
    """A point's fields as its row of the sheet shows them, to tell an untouched row from a changed one."""
    return {name: worksheet_text(value) if name in COMMENT_FIELDS and isinstance(value, str) else value
            for name, value in point.items()}


def _check_row(raw: RawRow, known: Mapping[int, KnownPriority], base_points: Mapping[int, Mapping[str, Any]],
               seen: dict[int, int], today: dt.date, author: str) -> tuple[RowReport, PointInput | None]:
    priority_id = _parse_id(raw.values.get("priority_id"))
    label = known[priority_id].label if priority_id in known else (clean_text(raw.values.get("text")) or "?")[:60]
    if raw.uncomputed:
        messages = tuple(UNCOMPUTED.format(HEADER_OF[name]) for name in raw.uncomputed)
        return RowReport(raw.line, label, "erreur", messages), None
    if priority_id not in known:
        return RowReport(raw.line, label, "erreur", (
            "Priorité inconnue dans ce périmètre : le n° interne (colonne A) manque ou a été modifié.",)), None
    if priority_id in seen:
        return RowReport(raw.line, label, "erreur", (f"Priorité en double (déjà ligne {seen[priority_id]}).",)), None
    seen[priority_id] = raw.line
    base_id = _parse_id(raw.values.get("base_point_id"))
    base = base_points.get(base_id) if base_id is not None else None
    if base_id is not None and (base is None or base.get("priority_id") != priority_id):
        return RowReport(raw.line, label, "erreur", (
            "N° du dernier point (colonne B) inconnu pour cette priorité : ne modifiez pas les colonnes grisées.",
        )), None
    values, errors = _row_values(raw)
    if not errors and same_values(values, base):
        return RowReport(raw.line, label, "inchange"), None
    if not errors and base is None and all(v is None for v in values.values()):
        return RowReport(raw.line, label, "vide"), None
    errors += _missing(values)
    latest = known[priority_id].latest
    if (latest or {}).get("point_id") != base_id:
        errors.append(f"Un point plus récent (du {format_date((latest or {}).get('recorded_on'))}) a été "
                      "enregistré depuis l'export de cette fiche : exportez une nouvelle fiche.")
    if errors:
        return RowReport(raw.line, label, "erreur", tuple(errors)), None
    point = PointInput(priority_id=priority_id, author=author, **values)
    errors = validate_point(point, last_on=(latest or {}).get("recorded_on"), today=today)
    if errors:
        return RowReport(raw.line, label, "erreur", tuple(errors)), None
    return RowReport(raw.line, label, "nouveau", (_changes(values, base),)), point


def _missing(values: Mapping[str, Any]) -> list[str]:
    errors = []
    if values["recorded_on"] is None:
        errors.append("La date du point est obligatoire (jj/mm/aaaa).")
    if values["weather"] is None:
        errors.append(f"La météo est obligatoire : {', '.join(WEATHER_LABELS.values())}.")
    return errors
