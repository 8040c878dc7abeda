"""Validation of a whole-contract workbook: every cell parsed, every key and reference checked, in French.

Nothing here touches the database: the rows come from pilotage/workbook_file.py, and the result is either
typed records ready to write or the list of problems, each naming its sheet, line and column.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from pilotage.formats import format_number
from pilotage.workbook_columns import LIST_SEPARATOR, SHEETS, Column, Records, Sheet, key_of
from pilotage.workbook_file import RawSheet

DATE_TEXT = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
TIME_TEXT = re.compile(r"^(\d{1,2})\s*[:h]\s*(\d{2})$")
INTEGER_TEXT = re.compile(r"^-?\d+$")
NUMBER_TEXT = re.compile(r"^-?\d+(?:[.,]\d+)?$")
TRUE_WORDS, FALSE_WORDS = {"oui", "vrai", "true", "1", "x"}, {"non", "faux", "false", "0"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SPACES = re.compile(r"[\s\u00a0\u202f]")
MAX_SHOWN = 300  # problems listed; the count says how many more


class CellError(ValueError):
    """A cell that cannot be read as its column expects; the message is French."""


@dataclass(frozen=True)
class Problem:
    sheet: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if not self.sheet:
            return self.message
        where = [f"Onglet « {self.sheet} »"]
        if self.line is not None:
            where.append(f"ligne {self.line}")
        if self.column is not None:
            where.append(f"colonne « {self.column} »")
        return ", ".join(where) + " : " + self.message


@dataclass
class CheckResult:
    records: Records = field(default_factory=Records)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lines: dict[str, list[int]] = field(default_factory=dict)  # Excel line of each record, by sheet

    def add(self, sheet: str, line: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(sheet, line, column, message))


def _text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(f"nombre entier attendu, pas « {_text(value)} »")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and INTEGER_TEXT.match(SPACES.sub("", value)):
        return int(SPACES.sub("", value))
    raise CellError(f"nombre entier attendu, pas « {_text(value)} »")


def _float(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and NUMBER_TEXT.match(SPACES.sub("", value)):
        return float(SPACES.sub("", value).replace(",", "."))
    raise CellError(f"nombre attendu, pas « {_text(value)} »")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for pattern, order in ((DATE_TEXT, (2, 1, 0)), (ISO_DATE, (0, 1, 2))):
        match = pattern.match(text)
        if match:
            parts = [int(match.group(i + 1)) for i in order]
            try:
                return dt.date(*parts)
            except ValueError:
                break
    raise CellError(f"date illisible « {text} » : attendu jj/mm/aaaa (par exemple 15/10/2026)")


def _time(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    match = TIME_TEXT.match(str(value).strip())
    if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
        return dt.time(int(match.group(1)), int(match.group(2)))
    raise CellError(f"heure illisible « {_text(value)} » : attendu hh:mm (par exemple 09:30)")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"« {_text(value)} » : attendu oui ou non")


def _json(value: Any) -> Any:
    try:
        return json.loads(str(value))
    except ValueError as exc:
        raise CellError("texte JSON illisible") from exc


def parse_cell(column: Column, value: Any) -> Any:
    """The cell's value as its column holds it (None when empty); raises CellError in French."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return [] if column.kind == "list" else None
    parsers = {"int": _int, "float": _float, "date": _date, "time": _time, "bool": _bool, "json": _json}
    if column.kind in parsers:
        parsed = parsers[column.kind](value)
        _check_range(column, parsed)
        return parsed
    text = _text(value)
    if column.kind == "list":
        items = [item.strip() for item in text.split(LIST_SEPARATOR.strip())]
        return [item for item in items if item]
    if column.ref or column.choices or column.slug:
        text = text.strip()
    if column.slug and not SLUG.match(text):
        raise CellError(f"identifiant « {text} » : lettres minuscules sans accents, chiffres et tirets seulement "
                        "(par exemple hauts-de-saint-claude)")
    if column.limit and len(text) > column.limit:
        raise CellError(f"texte trop long : {format_number(len(text))} caractères, {format_number(column.limit)} "
                        "au plus")
    if column.choices and text not in column.choices:
        raise CellError(f"valeur « {text} » inconnue : attendu {', '.join(column.choices)}")
    return text


def _check_range(column: Column, value: Any) -> None:
    if column.minimum is not None and value < column.minimum:
        raise CellError(f"{format_number(value)} est inférieur au minimum ({format_number(column.minimum)})")
    if column.maximum is not None and value > column.maximum:
        raise CellError(f"{format_number(value)} est supérieur au maximum ({format_number(column.maximum)})")


def check_sheets(raw: dict[str, RawSheet]) -> CheckResult:
    """Parse and check every sheet; the result holds the records, or the problems that forbid the import."""
    result = CheckResult()
    known = {sheet.name for sheet in SHEETS}
    result.warnings += [f"Onglet « {name} » inconnu : ignoré." for name in raw if name not in known]
    for sheet in SHEETS:
        if sheet.name not in raw:
            result.add(sheet.name, None, None, "onglet manquant (utilisez le modèle vierge ou un classeur exporté).")
            continue
        _read_rows(sheet, raw[sheet.name], result)
    if result.problems:
        return result
    _check_keys(result)
    _check_references(result)
    return result


def _read_rows(sheet: Sheet, raw: RawSheet, result: CheckResult) -> None:
    positions = {header: index for index, header in enumerate(raw.headers) if header}
    missing = [c.header for c in sheet.columns if c.header not in positions]
    for header in missing:
        result.add(sheet.name, 1, header, "colonne manquante.")
    if missing:
        return
    headers = {index: header for header, index in positions.items()}
    for line, column_index in raw.formulas:
        if line > 1:
            result.add(sheet.name, line, headers.get(column_index, get_column_letter(column_index + 1)),
                       "formule refusée : tapez la valeur elle-même.")
    rows, lines = result.records[sheet.name], result.lines.setdefault(sheet.name, [])
    for line, values in raw.lines:
        row = {}
        for column in sheet.columns:
            index = positions[column.header]
            try:
                row[column.field] = parse_cell(column, values[index] if index < len(values) else None)
            except CellError as exc:
                result.add(sheet.name, line, column.header, str(exc) + ".")
                continue
            if column.required and row[column.field] is None:
                result.add(sheet.name, line, column.header, "valeur obligatoire manquante.")
        rows.append(row)
        lines.append(line)


def _check_keys(result: CheckResult) -> None:
    for sheet in SHEETS:
        if not sheet.key:
            continue
        seen: dict[str, int] = {}
        for row, line in zip(result.records[sheet.name], result.lines[sheet.name], strict=True):
            key = key_of(sheet, row)
            if key in seen:
                headers = " + ".join(f"« {sheet.column(name).header} »" for name in sheet.key)
                result.add(sheet.name, line, sheet.column(sheet.key[0]).header,
                           f"doublon : la même clé ({headers} = {key.strip('#')}) figure déjà ligne {seen[key]}.")
            else:
                seen[key] = line


def _check_references(result: CheckResult) -> None:
    keys = {sheet.name: {key_of(sheet, row) for row in result.records[sheet.name]} for sheet in SHEETS}
    for sheet in SHEETS:
        for column in sheet.columns:
            if column.ref is None:
                continue
            for row, line in zip(result.records[sheet.name], result.lines[sheet.name], strict=True):
                values = row[column.field] if column.kind == "list" else [row[column.field]]
                for value in values:
                    if value is not None and value not in keys[column.ref]:
                        result.add(sheet.name, line, column.header,
                                   f"« {value} » est absent de l'onglet « {column.ref} ».")
