"""A framework tree (socle commun) read from a table with one column per level, checked row by row.

Columns: « Axe », « Objectif », « Sous-objectif » (or « Niveau 1 », « Niveau 2 »… up to 5), each with an
optional code column (« Code axe », « Code niveau 1 »…). A row names the node of its deepest filled level; the
levels above are either filled on the row (each row repeats its axis and objective) or left empty and taken from
the rows above (an indented list). Nodes without a code get one from their place: 1, 1.2, 1.2.3.
Pure: the caller hands in the table and the contract's existing nodes, and writes the plan only when it is ok.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pilotage.import_report import ImportCheck, RowReport
from pilotage.programmes import (
    DEFAULT_LEVELS,
    MAX_CODE_LENGTH,
    MAX_DEPTH,
    MAX_TITLE_LENGTH,
    header_key,
)
from pilotage.sheet_rows import TableFile, TableRow

LEVEL_HEADERS = (
    ("axe", "axes", "axe strategique", "orientation", "orientations", "niveau 1"),
    ("objectif", "objectifs", "objectif strategique", "objectifs strategiques", "niveau 2"),
    ("sous objectif", "sous objectifs", "sous objectif strategique", "objectif operationnel", "niveau 3"),
    ("niveau 4",),
    ("niveau 5",),
)
EXPECTED = "« Axe », « Objectif », « Sous-objectif » (ou « Niveau 1 », « Niveau 2 », « Niveau 3 »)"


@dataclass(frozen=True)
class ExistingNode:
    id: int
    code: str
    title: str
    parent_code: str | None


@dataclass
class PlannedNode:
    key: tuple
    depth: int
    title: str
    level: str
    parent_key: tuple | None
    line: int
    code: str | None = None
    code_line: int | None = None
    existing_id: int | None = None
    children: list[tuple] = field(default_factory=list)


@dataclass(frozen=True)
class FrameworkPlan:
    check: ImportCheck
    nodes: tuple[PlannedNode, ...] = ()  # parents before children; those with existing_id are already stored


@dataclass(frozen=True)
class Columns:
    levels: tuple[int, ...]  # column index of each level, from the top
    codes: tuple[int | None, ...]
    labels: tuple[str, ...]
    ignored: tuple[str, ...]


def find_columns(headers: tuple[str, ...]) -> Columns | str:
    """The level and code columns of a header, or a French message saying what is missing."""
    keys = [header_key(h) for h in headers]
    levels, codes, labels = [], [], []
    for depth in range(MAX_DEPTH):
        index = next((i for i, k in enumerate(keys) if k in LEVEL_HEADERS[depth]), None)
        if index is None:
            break
        levels.append(index)
        generic = keys[index].startswith("niveau")
        labels.append(DEFAULT_LEVELS[depth] if generic else " ".join(headers[index].split()).lower())
        code_names = {f"code {name}" for name in LEVEL_HEADERS[depth]} | {f"code {depth + 1}"}
        codes.append(next((i for i, k in enumerate(keys) if k in code_names), None))
    if not levels:
        return f"Aucune colonne de niveau reconnue : le fichier doit avoir les colonnes {EXPECTED}."
    orphan = next((headers[i] for depth in range(len(levels), MAX_DEPTH) for i, k in enumerate(keys)
                   if k in LEVEL_HEADERS[depth]), None)
    if orphan:
        return (f"La colonne « {orphan} » n'a pas la colonne du niveau au-dessus : le fichier doit avoir les "
                f"colonnes {EXPECTED} dans cet ordre de niveaux.")
    used = set(levels) | {c for c in codes if c is not None}
    ignored = tuple(h for i, h in enumerate(headers) if i not in used and h)
    return Columns(tuple(levels), tuple(codes), tuple(labels), ignored)


class _Planner:
    def __init__(self, columns: Columns, existing: Mapping[str, ExistingNode]):
        self.columns, self.existing = columns, existing
        self.nodes: dict[tuple, PlannedNode] = {}
        self.roots: list[tuple] = []
        self.introduced: dict[tuple, int] = {}  # node -> line of the row that names it last
        self.previous: list[tuple | None] = []

    def row(self, row: TableRow) -> RowReport:
        titles = [row.values[i] for i in self.columns.levels]
        codes = [row.values[i] if i is not None else None for i in self.columns.codes]
        label = " › ".join(t for t in titles if t)[:120] or "—"
        if row.uncomputed:
            return RowReport(row.line, label, "erreur", ("Formule sans valeur calculée : ouvrez et enregistrez le "
                                                         "fichier dans un tableur, ou tapez la valeur.",))
        filled = [d for d, title in enumerate(titles) if title]
        if not filled:
            if any(codes):
                return RowReport(row.line, label, "erreur", ("Un code est donné sans intitulé.",))
            return RowReport(row.line, label, "vide")
        errors = [message for d in filled for message in self._lengths(titles[d], codes[d], d)]
        errors += [f"Le code « {codes[d]} » est donné sans intitulé de {self.columns.labels[d]}."
                   for d in range(len(titles)) if codes[d] and not titles[d]]
        if errors:
            return RowReport(row.line, label, "erreur", tuple(errors))
        path, error = self._path(titles, codes, max(filled), row.line)
        if error:
            return RowReport(row.line, label, "erreur", (error,))
        self.previous = path
        return self._introduce(path[-1], row.line, label)

    def _lengths(self, title: str, code: str | None, depth: int) -> list[str]:
        what = self.columns.labels[depth]
        problems = []
        if len(title) > MAX_TITLE_LENGTH:
            problems.append(f"L'intitulé ({what}) est trop long ({len(title)} caractères, "
                            f"{MAX_TITLE_LENGTH} au plus).")
        if code and len(code) > MAX_CODE_LENGTH:
            problems.append(f"Le code « {code[:40]}… » est trop long ({len(code)} caractères, "
                            f"{MAX_CODE_LENGTH} au plus).")
        return problems

    def _path(self, titles, codes, deepest: int, line: int) -> tuple[list[tuple], str | None]:
        path: list[tuple] = []
        explicit = False
        for depth in range(deepest + 1):
            if not titles[depth]:
                inherited = self.previous[depth] if not explicit and depth < len(self.previous) else None
                if inherited is None:
                    return path, self._orphan(titles[deepest], deepest, depth)
                path.append(inherited)
                continue
            explicit = True
            parent = path[-1] if path else None
            key = (parent, header_key(titles[depth]))
            node = self.nodes.get(key)
            if node is None:
                node = PlannedNode(key, depth, titles[depth], self.columns.labels[depth], parent, line)
                self.nodes[key] = node
                (self.nodes[parent].children if parent else self.roots).append(key)
            error = self._code(node, codes[depth], line)
            if error:
                return path, error
            path.append(key)
        return path, None

    def _orphan(self, title: str, depth: int, missing: int) -> str:
        return (f"{self.columns.labels[depth].capitalize()} « {title[:80]} » sans {self.columns.labels[missing]} "
                f"parent : remplissez la colonne de niveau {missing + 1} sur cette ligne ou sur une ligne au-dessus.")

    def _code(self, node: PlannedNode, code: str | None, line: int) -> str | None:
        if not code:
            return None
        if node.code and node.code != code:
            return (f"Le code « {code} » ne correspond pas au code « {node.code} » donné ligne {node.code_line} "
                    f"pour « {node.title[:80]} ».")
        node.code, node.code_line = code, line
        return None

    def _introduce(self, key: tuple, line: int, label: str) -> RowReport:
        if key in self.introduced:
            return RowReport(line, label, "erreur", (f"Ligne en double : cet élément est déjà ligne "
                                                     f"{self.introduced[key]}.",))
        self.introduced[key] = line
        return RowReport(line, label, "nouveau")

    def ordered(self) -> list[PlannedNode]:
        result: list[PlannedNode] = []

        def walk(keys: list[tuple], prefix: str | None) -> None:
            for position, key in enumerate(keys, start=1):
                node = self.nodes[key]
                node.code = node.code or (f"{prefix}.{position}" if prefix else str(position))
                result.append(node)
                walk(node.children, node.code)

        walk(self.roots, None)
        return result


def plan_framework(table: TableFile, existing: Mapping[str, ExistingNode]) -> FrameworkPlan:
    """Check every row of `table` against itself and the contract's nodes (by code); the nodes to create."""
    columns = find_columns(table.headers)
    if isinstance(columns, str):
        return FrameworkPlan(ImportCheck(file_errors=(columns,)))
    planner = _Planner(columns, existing)
    reports = {row.line: planner.row(row) for row in _trimmed(table.rows)}
    nodes = planner.ordered()
    _check_codes(nodes, existing, reports, planner.introduced)
    file_errors = () if any(r.status != "vide" for r in reports.values()) else (
        "Le fichier ne contient aucune ligne à importer sous ses en-têtes.",)
    check = ImportCheck(file_errors=file_errors, rows=tuple(reports.values()), ignored_columns=columns.ignored)
    return FrameworkPlan(check, tuple(nodes))


def _trimmed(rows: tuple[TableRow, ...]) -> tuple[TableRow, ...]:
    """The rows without the blank ones at the end (a spreadsheet often keeps a few)."""
    end = len(rows)
    while end and rows[end - 1].is_blank():
        end -= 1
    return rows[:end]


def _check_codes(nodes: list[PlannedNode], existing: Mapping[str, ExistingNode], reports: dict[int, RowReport],
                 introduced: Mapping[tuple, int]) -> None:
    seen: dict[str, PlannedNode] = {}
    by_key = {node.key: node for node in nodes}
    for node in nodes:
        line = node.code_line or introduced.get(node.key) or node.line
        if node.code in seen:
            other = seen[node.code]
            _add_error(reports, line, f"Code « {node.code} » en double : déjà pris par « {other.title[:80]} » "
                                      f"(ligne {other.code_line or other.line}).")
            continue
        seen[node.code] = node
        stored = existing.get(node.code)
        if stored is None:
            continue
        parent_code = by_key[node.parent_key].code if node.parent_key else None
        if header_key(stored.title) == header_key(node.title) and stored.parent_code == parent_code:
            node.existing_id = stored.id
            own = introduced.get(node.key)
            if own is not None and reports[own].status == "nouveau":
                reports[own] = RowReport(own, reports[own].label, "inchange")
        else:
            _add_error(reports, line, f"Le code « {node.code} » existe déjà dans le socle commun du contrat pour "
                                      f"« {stored.title[:80]} » : donnez un autre code (colonne de code).")


def _add_error(reports: dict[int, RowReport], line: int, message: str) -> None:
    report = reports[line]
    reports[line] = RowReport(line, report.label, "erreur", (*report.messages, message))
