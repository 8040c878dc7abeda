"""A programme's priorities read from a table (heading, number, text, optional framework codes), checked row by row.

Columns: « Rubrique » (a heading left empty repeats the one above), « Numéro », « Priorité » (the text, also
« Texte », « Mesure », « Intitulé »), and optionally « Code socle » (one or several codes separated by commas or
semicolons). Pure: the caller hands in the table, the programme's active numbers and the contract's framework
codes, and writes the planned priorities only when the check is ok.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from pilotage.import_report import ImportCheck, RowReport
from pilotage.programmes import (
    MAX_HEADING_LENGTH,
    MAX_NUMBER_LENGTH,
    MAX_PRIORITY_LENGTH,
    header_key,
)
from pilotage.sheet_rows import TableFile, TableRow

HEADERS = {
    "heading": ("rubrique", "titre de rubrique", "thematique", "theme", "orientation", "heading"),
    "number": ("numero", "n", "no", "num", "number", "n priorite", "numero de priorite"),
    "text": ("priorite", "texte", "mesure", "intitule", "engagement", "text", "libelle"),
    "framework": ("code socle", "socle commun", "code du socle", "codes socle", "socle", "code", "codes",
                  "framework", "rattachement"),
}
LABELS = {"heading": "Rubrique", "number": "Numéro", "text": "Priorité", "framework": "Code socle"}
CODE_SEPARATORS = re.compile(r"[;,\n]+")


@dataclass(frozen=True)
class PlannedPriority:
    line: int
    heading: str | None
    number: str | None
    text: str
    framework_ids: tuple[int, ...]


@dataclass(frozen=True)
class PriorityPlan:
    check: ImportCheck
    priorities: tuple[PlannedPriority, ...] = ()


def find_columns(headers: tuple[str, ...]) -> dict[str, int] | str:
    """The column of each field, or a French message when the text column is missing."""
    keys = [header_key(h) for h in headers]
    columns = {}
    for name, names in HEADERS.items():
        index = next((i for i, k in enumerate(keys) if k in names and i not in columns.values()), None)
        if index is not None:
            columns[name] = index
    if "text" not in columns:
        return ("Colonne du texte introuvable : le fichier doit avoir une colonne « Priorité » (ou « Texte », "
                "« Mesure »), et peut avoir « Rubrique », « Numéro » et « Code socle ».")
    return columns


def plan_priorities(table: TableFile, *, numbers: Mapping[str, str], framework: Mapping[str, int]) -> PriorityPlan:
    """Check each row; `numbers` maps the programme's active numbers to their text, `framework` codes to node ids."""
    columns = find_columns(table.headers)
    if isinstance(columns, str):
        return PriorityPlan(ImportCheck(file_errors=(columns,)))
    ignored = tuple(h for i, h in enumerate(table.headers) if h and i not in columns.values())
    reports, planned, seen = [], [], {}
    heading = None
    rows = list(table.rows)
    while rows and rows[-1].is_blank():
        rows.pop()
    for row in rows:
        values = {name: row.values[index] for name, index in columns.items()}
        heading = values.get("heading") or heading
        report, priority = _check(row, values, heading, numbers, framework, seen)
        reports.append(report)
        if priority is not None:
            planned.append(priority)
    file_errors = () if planned or any(r.status == "erreur" for r in reports) else (
        "Le fichier ne contient aucune priorité sous ses en-têtes.",)
    check = ImportCheck(file_errors=file_errors, rows=tuple(reports), ignored_columns=ignored)
    return PriorityPlan(check, tuple(planned))


def _check(row: TableRow, values: dict, heading: str | None, numbers: Mapping[str, str],
           framework: Mapping[str, int], seen: dict[str, int]) -> tuple[RowReport, PlannedPriority | None]:
    text, number = values.get("text"), values.get("number")
    label = " ".join(p for p in (number, (text or "")[:100]) if p) or "—"
    if row.uncomputed:
        return RowReport(row.line, label, "erreur", ("Formule sans valeur calculée : ouvrez et enregistrez le "
                                                     "fichier dans un tableur, ou tapez la valeur.",)), None
    if row.is_blank():
        return RowReport(row.line, label, "vide"), None
    errors = []
    if not text:
        errors.append("Le texte de la priorité est vide.")
    for name, limit, value in (("text", MAX_PRIORITY_LENGTH, text), ("heading", MAX_HEADING_LENGTH, heading),
                               ("number", MAX_NUMBER_LENGTH, number)):
        if value and len(value) > limit:
            errors.append(f"{LABELS[name]} trop long(ue) ({len(value)} caractères, {limit} au plus).")
    if number and number in seen:
        errors.append(f"Numéro « {number} » en double (déjà ligne {seen[number]}).")
    elif number and number in numbers:
        errors.append(f"Le numéro « {number} » est déjà pris dans ce programme par « {numbers[number][:80]} ».")
    if number:
        seen.setdefault(number, row.line)
    codes = [c.strip() for c in CODE_SEPARATORS.split(values.get("framework") or "") if c.strip()]
    unknown = [c for c in codes if c not in framework]
    if unknown:
        errors.append("Code(s) du socle commun inconnu(s) dans ce contrat : " + ", ".join(f"« {c} »" for c in unknown)
                      + ".")
    if errors:
        return RowReport(row.line, label, "erreur", tuple(errors)), None
    ids = tuple(dict.fromkeys(framework[c] for c in codes))
    return RowReport(row.line, label, "nouveau"), PlannedPriority(row.line, heading, number, text, ids)
