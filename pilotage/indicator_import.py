"""Planning an import of indicator values from a table: what each line becomes, or why it is refused (no database).

A table is "long" (one line per place × indicator: an indicator column and a value column) or "wide" (one line
per place, one column per indicator). A place is found by its official QPV code, then by its name or slug among
the neighbourhoods and the comparison areas of the contract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pilotage.boundaries import normalise_code, normalise_name
from pilotage.figures import CellError, Missing, is_blank, parse_number, parse_year, shown
from pilotage.table_files import TableFile

NEIGHBOURHOOD = "neighbourhood"
AREA = "area"
NEW, UPDATED, UNCHANGED = "nouvelle", "mise à jour", "inchangée"
GAP_HINT = "corrigez la cellule, ou cochez « Ignorer les cellules n.c., s ou vides »"
DEFAULT_THEME = "indicateurs importés"
MAX_CODE, MAX_LABEL, MAX_THEME, MAX_UNIT, MAX_DECIMALS = 80, 300, 80, 40, 4


@dataclass(frozen=True)
class Place:
    kind: str  # NEIGHBOURHOOD or AREA
    id: int
    name: str
    slug: str
    code: str | None = None


@dataclass(frozen=True)
class KnownIndicator:
    id: int
    code: str
    label: str
    unit: str
    decimals: int


@dataclass(frozen=True)
class ExistingValue:
    id: int
    indicator_id: int
    kind: str
    place_id: int
    year: str
    value: float
    version: int


@dataclass(frozen=True)
class ImportContext:
    """What the plan compares the file with: the contract's places, indicators and stored values."""

    places: tuple[Place, ...]
    indicators: tuple[KnownIndicator, ...]
    values: tuple[ExistingValue, ...]


@dataclass(frozen=True)
class Mapping:
    """Which column holds what. Long layout: `indicator` names the indicator column and `values` the one value
    column; wide layout: `indicator` is None and `values` lists one column per indicator."""

    key: str
    values: tuple[str, ...]
    indicator: str | None = None
    year: str | None = None
    fixed_year: str | None = None
    unit: str | None = None
    detail: str | None = None  # a column holding the detail of the source of each line
    gaps_allowed: bool = False  # « n.c. », « s »… are skipped (and listed) instead of refusing the file
    other_places_skipped: bool = False  # lines of places outside the contract (a national file) are skipped

    def columns(self) -> tuple[tuple[str, str], ...]:
        """(role, column) of every mapped column."""
        roles = [("lieu", self.key), *(("valeur", v) for v in self.values)]
        roles += [(r, c) for r, c in (("indicateur", self.indicator), ("année", self.year), ("unité", self.unit),
                                      ("détail de la source", self.detail)) if c]
        return tuple(roles)


@dataclass(frozen=True)
class NewIndicator:
    code: str
    label: str
    theme: str
    unit: str
    decimals: int
    definition: str | None = None


@dataclass(frozen=True)
class PlannedValue:
    line: int
    place: Place
    indicator: str  # the name in the file (a column name or a cell of the indicator column)
    indicator_id: int | None  # None: an indicator this import creates
    year: str
    value: float
    detail: str | None
    effect: str  # NEW, UPDATED or UNCHANGED
    existing: ExistingValue | None = None


@dataclass(frozen=True)
class Problem:
    line: int | None
    column: str | None
    message: str

    def text(self) -> str:
        where = f"ligne {self.line}" if self.line else "fichier"
        return f"{where}{f', colonne « {self.column} »' if self.column else ''} : {self.message}"


@dataclass
class ImportPlan:
    values: list[PlannedValue] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    gaps: list[Problem] = field(default_factory=list)  # cells left empty on purpose, skipped
    skipped: list[Problem] = field(default_factory=list)  # lines of places outside the contract, skipped on purpose
    unknown_indicators: dict[str, str] = field(default_factory=dict)  # name in the file -> unit read beside it

    @property
    def ready(self) -> bool:
        return not self.problems and bool(self.values)

    def count(self, effect: str) -> int:
        return sum(1 for v in self.values if v.effect == effect)


def check_mapping(table: TableFile, mapping: Mapping) -> list[Problem]:
    """The mapped columns missing from the file, a value column used twice, no year at all."""
    problems = [Problem(None, column, f"la colonne choisie pour « {role} » n'existe pas dans le fichier")
                for role, column in mapping.columns() if column not in table.columns]
    if not mapping.values:
        problems.append(Problem(None, None, "choisissez au moins une colonne de valeurs"))
    if mapping.indicator is None and mapping.key in mapping.values:
        problems.append(Problem(None, mapping.key, "la colonne du lieu ne peut pas être aussi une colonne de valeurs"))
    if mapping.indicator is not None and len(mapping.values) != 1:
        problems.append(Problem(None, None, "avec une colonne d'indicateur, choisissez une seule colonne de valeurs"))
    if not mapping.year and not (mapping.fixed_year or "").strip():
        problems.append(Problem(None, None, "choisissez la colonne de l'année, ou saisissez l'année du fichier"))
    elif not mapping.year:
        try:
            parse_year(mapping.fixed_year)
        except CellError as exc:
            problems.append(Problem(None, None, f"année du fichier : {exc}"))
    return problems


class PlaceFinder:
    """Finds the place a key names: official code first, then the name or slug (accents and case ignored)."""

    def __init__(self, places: tuple[Place, ...]):
        self.by_code = {normalise_code(p.code): p for p in places if p.code}
        self.by_name: dict[str, list[Place]] = {}
        for place in places:
            for name in {normalise_name(place.name), normalise_name(place.slug)}:
                self.by_name.setdefault(name, []).append(place)

    def knows(self, key: Any) -> bool:
        """Whether the key names at least one place of the contract (by code or name)."""
        return normalise_code(str(key)) in self.by_code or normalise_name(str(key)) in self.by_name

    def find(self, key: Any) -> Place | str:
        """The place, or the French reason it cannot be chosen."""
        code = normalise_code(str(key))
        if code in self.by_code:
            return self.by_code[code]
        found = self.by_name.get(normalise_name(str(key)), [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            return f"« {shown(key)} » désigne plusieurs lieux du contrat : utilisez le code officiel"
        if re.fullmatch(r"Q[NP]\d{5,6}[A-Z]?", code):
            return f"code de quartier inconnu « {shown(key)} » : aucun quartier du contrat ne porte ce code officiel"
        return f"lieu inconnu « {shown(key)} » : ni un code officiel, ni un quartier, ni un territoire de comparaison"


class IndicatorFinder:
    """Finds an indicator by its code or its label (accents and case ignored)."""

    def __init__(self, indicators: tuple[KnownIndicator, ...]):
        self.known: dict[str, KnownIndicator] = {}
        for indicator in indicators:
            self.known.setdefault(normalise_name(indicator.label), indicator)
        for indicator in indicators:  # a code wins over a label
            self.known[normalise_name(indicator.code)] = indicator
        self.looked_up: dict[str, KnownIndicator | None] = {}

    def find(self, name: str) -> KnownIndicator | None:
        if name not in self.looked_up:  # a wide table asks for the same column names on every line
            self.looked_up[name] = self.known.get(normalise_name(name))
        return self.looked_up[name]


def plan_import(table: TableFile, mapping: Mapping, context: ImportContext,
                new_indicators: dict[str, NewIndicator] | None = None) -> ImportPlan:
    """Every value the file would write, with its effect; every refused cell, named by line and column."""
    plan = ImportPlan()
    plan.problems.extend(check_mapping(table, mapping))
    if plan.problems:
        return plan
    places, indicators = PlaceFinder(context.places), IndicatorFinder(context.indicators)
    stored = {(v.indicator_id, v.kind, v.place_id, v.year): v for v in context.values}
    seen: dict[tuple, int] = {}
    for line, cells in table.rows:
        key = cells.get(mapping.key)
        if mapping.other_places_skipped and not is_blank(key) and not places.knows(key):
            plan.skipped.append(Problem(line, mapping.key, f"« {shown(key)} » n'est pas un lieu de ce contrat"))
            continue
        place = _place(plan, places, line, mapping, cells)
        year = _year(plan, line, mapping, cells)
        for name, column in _indicator_cells(plan, line, mapping, cells):
            known = indicators.find(name)
            unit = " ".join(str(cells.get(mapping.unit) or "").split()) if mapping.unit else ""
            if known is None:
                plan.unknown_indicators.setdefault(name, unit)
            elif unit and unit.lower() != known.unit.lower():
                plan.problems.append(Problem(line, mapping.unit, f"unité « {shown(unit)} » différente de celle de "
                                                                 f"l'indicateur {known.label} (« {known.unit} »)"))
                continue
            value = _value(plan, line, column, cells.get(column), mapping.gaps_allowed)
            if place is None or year is None or value is None:
                continue
            identity = (known.id if known else name, place.kind, place.id, year)
            if identity in seen:
                plan.problems.append(Problem(line, column, f"doublon : {name} pour {place.name} en {year} figure "
                                                           f"déjà ligne {seen[identity]}"))
                continue
            seen[identity] = line
            existing = stored.get((known.id, place.kind, place.id, year)) if known else None
            effect = NEW if existing is None else UNCHANGED if existing.value == value else UPDATED
            detail = str(cells.get(mapping.detail) or "").strip()[:300] or None if mapping.detail else None
            plan.values.append(PlannedValue(line, place, name, known.id if known else None, year, value, detail,
                                            effect, existing))
    _check_new_indicators(plan, context, new_indicators)
    return plan


def _place(plan: ImportPlan, finder: PlaceFinder, line: int, mapping: Mapping, cells: dict) -> Place | None:
    key = cells.get(mapping.key)
    if is_blank(key):
        plan.problems.append(Problem(line, mapping.key, "le lieu est vide"))
        return None
    found = finder.find(key)
    if isinstance(found, str):
        plan.problems.append(Problem(line, mapping.key, found))
        return None
    return found


def _year(plan: ImportPlan, line: int, mapping: Mapping, cells: dict) -> str | None:
    try:
        return parse_year(cells.get(mapping.year) if mapping.year else mapping.fixed_year)
    except CellError as exc:
        plan.problems.append(Problem(line, mapping.year, str(exc)))
        return None


def _indicator_cells(plan: ImportPlan, line: int, mapping: Mapping, cells: dict) -> list[tuple[str, str]]:
    """(indicator name, value column) of one line."""
    if mapping.indicator is None:
        return [(column, column) for column in mapping.values]
    name = " ".join(str(cells.get(mapping.indicator) or "").split())
    if not name:
        plan.problems.append(Problem(line, mapping.indicator, "l'indicateur est vide"))
        return []
    return [(name, mapping.values[0])]


def _value(plan: ImportPlan, line: int, column: str, cell: Any, gaps_allowed: bool) -> float | None:
    try:
        value = parse_number(cell)
    except CellError as exc:
        plan.problems.append(Problem(line, column, str(exc)))
        return None
    if isinstance(value, Missing):
        gap = Problem(line, column, f"valeur non renseignée « {value.mark or 'vide'} »")
        if gaps_allowed:
            plan.gaps.append(gap)
        else:
            plan.problems.append(Problem(line, column, f"{gap.message} : {GAP_HINT}"))
        return None
    return value


def default_new_indicator(name: str, unit: str = "") -> NewIndicator:
    """What a column not yet known becomes unless the user says otherwise."""
    code = re.sub(r"[^a-z0-9]+", "_", normalise_name(name)).strip("_")[:MAX_CODE] or "indicateur"
    return NewIndicator(code=code, label=" ".join(name.split())[:MAX_LABEL], theme=DEFAULT_THEME,
                        unit=(unit or "")[:MAX_UNIT], decimals=1)


def new_indicator_problem(spec: NewIndicator, taken_codes: set[str]) -> str | None:
    """Why a new indicator cannot be created as described, in French, or None."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", spec.code or "") or len(spec.code) > MAX_CODE:
        return (f"le code « {shown(spec.code)} » doit être fait de minuscules sans accents, chiffres, - et _ "
                f"({MAX_CODE} caractères au plus)")
    if spec.code in taken_codes:
        return f"le code « {spec.code} » est déjà celui d'un autre indicateur"
    for text, limit, what in ((spec.label, MAX_LABEL, "le libellé"), (spec.theme, MAX_THEME, "le thème")):
        if not (text or "").strip() or len(text) > limit:
            return f"{what} doit compter de 1 à {limit} caractères"
    if len(spec.unit or "") > MAX_UNIT:
        return f"l'unité dépasse {MAX_UNIT} caractères"
    if not 0 <= spec.decimals <= MAX_DECIMALS:
        return f"le nombre de décimales va de 0 à {MAX_DECIMALS}"
    return None


def _check_new_indicators(plan: ImportPlan, context: ImportContext,
                          new_indicators: dict[str, NewIndicator] | None) -> None:
    taken = {i.code for i in context.indicators}
    for name in plan.unknown_indicators:
        spec = (new_indicators or {}).get(name)
        if spec is None:
            plan.problems.append(Problem(None, name, "indicateur inconnu du contrat : décrivez-le (code, libellé, "
                                                     "thème, unité) pour le créer"))
            continue
        problem = new_indicator_problem(spec, taken)
        if problem:
            plan.problems.append(Problem(None, name, f"nouvel indicateur : {problem}"))
        taken.add(spec.code)
