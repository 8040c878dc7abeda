"""Writes on indicators: the import of a statistical table (all or nothing), an indicator's and a value's form."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import String, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from pilotage import audit, clock
from pilotage.errors import CONFLICT_MESSAGE, ConflictError, ValidationError
from pilotage.figures import CellError, parse_year
from pilotage.formats import format_date, plural
from pilotage.indicator_import import (
    NEIGHBOURHOOD,
    NEW,
    UNCHANGED,
    UPDATED,
    ImportPlan,
    Mapping,
    NewIndicator,
    new_indicator_problem,
    plan_import,
)
from pilotage.models import Contract, Indicator, IndicatorValue
from pilotage.permissions import ADMIN, EDIT, Actor
from pilotage.queries.indicators import get_import_context
from pilotage.services.base import ensure_permission, ensure_version, get_or_fail, run_write
from pilotage.table_files import read_table

MAX_LISTED_PROBLEMS = 10
MAX_SOURCE = 200
MAX_DETAIL = 300


@dataclass(frozen=True)
class IndicatorImportReport:
    created: int
    updated: int
    unchanged: int
    gaps: int
    skipped_lines: int
    new_indicators: tuple[str, ...]  # labels


def clean_source(source: str | None) -> str:
    """The title of the file's source as typed ('INSEE, RP 2021'), or a French refusal."""
    cleaned = " ".join((source or "").split())
    if not cleaned:
        raise ValidationError("Indiquez la source des valeurs (par exemple « INSEE, RP 2021 ») : elle accompagne "
                              "chaque chiffre dans les portraits.")
    if len(cleaned) > MAX_SOURCE:
        raise ValidationError(f"La source dépasse {MAX_SOURCE} caractères ({len(cleaned)}).")
    return cleaned


def refusal(plan: ImportPlan) -> str:
    """The French message of a refused import: how many problems, the first ones by line."""
    lines = [problem.text() for problem in plan.problems[:MAX_LISTED_PROBLEMS]]
    more = len(plan.problems) - len(lines)
    if not plan.problems:
        return "Import refusé, rien n'a été enregistré : le fichier ne contient aucune valeur à importer."
    return (f"Import refusé, rien n'a été enregistré : {plural(len(plan.problems), 'problème')} — "
            + " ; ".join(lines) + (f" ; et {more} autre(s)." if more else "."))


def import_indicator_values(session: Session, actor: Actor, *, contract_id: int, filename: str, content: bytes,
                            mapping: Mapping, source: str, new_indicators: dict[str, NewIndicator] | None = None,
                            expected_versions: dict[int, int] | None = None) -> IndicatorImportReport:
    """Write every value of the file, or none: any refused line refuses the whole file."""
    ensure_permission(actor, ADMIN)
    contract = get_or_fail(session, Contract, contract_id, "Contrat")
    source = clean_source(source)
    table = read_table(filename, content)
    plan = plan_import(table, mapping, get_import_context(session, contract_id=contract.id), new_indicators)
    if not plan.ready:
        raise ValidationError(refusal(plan))
    for planned in plan.values:
        if planned.existing and expected_versions is not None and planned.existing.id in expected_versions \
                and planned.existing.version != expected_versions[planned.existing.id]:
            raise ConflictError("Une valeur de ce fichier a été modifiée par quelqu'un d'autre depuis l'aperçu : rien "
                                "n'a été enregistré. Rechargez l'aperçu puis importez de nouveau.")
    note = f"Importé du fichier « {filename} » le {format_date(clock.today())} par {actor.display_name}"[:1000]

    def write() -> IndicatorImportReport:
        created_ids = _create_indicators(session, actor, contract, plan, new_indicators or {})
        changes = _write_values(session, plan, created_ids, source, note)
        audit.record(session, actor, "import", "indicator_value", None,
                     f"Import de valeurs d'indicateurs du fichier « {filename} » (source : {source}) : "
                     f"{plan.count(NEW)} nouvelle(s), {plan.count(UPDATED)} mise(s) à jour ; {contract.name}",
                     before={"values": changes["before"]} if changes["before"] else None,
                     after={"created": plan.count(NEW), "updated": changes["after"]})
        return IndicatorImportReport(plan.count(NEW), plan.count(UPDATED), plan.count(UNCHANGED), len(plan.gaps),
                                     len(plan.skipped),
                                     tuple(new_indicators[name].label for name in plan.unknown_indicators))

    return run_write(session, write)


def _create_indicators(session: Session, actor: Actor, contract: Contract, plan: ImportPlan,
                       specs: dict[str, NewIndicator]) -> dict[str, int]:
    if not plan.unknown_indicators:
        return {}
    themes = _theme_positions(session, contract.id)
    position = session.scalar(select(func.max(Indicator.position)).where(Indicator.contract_id == contract.id)) or 0
    created = {}
    for name in plan.unknown_indicators:
        spec = specs[name]
        theme = " ".join(spec.theme.split())
        if theme not in themes:
            themes[theme] = max(themes.values(), default=-1) + 1
        position += 1
        indicator = Indicator(contract_id=contract.id, code=spec.code, label=" ".join(spec.label.split()), theme=theme,
                              theme_position=themes[theme], unit=spec.unit.strip(), decimals=spec.decimals,
                              definition=(spec.definition or "").strip() or None, position=position)
        session.add(indicator)
        session.flush()
        audit.record(session, actor, "create", "indicator", indicator.id,
                     f"Nouvel indicateur « {indicator.label} » créé par un import ; {contract.name}",
                     after=audit.snapshot(indicator))
        created[name] = indicator.id
    return created


def _write_values(session: Session, plan: ImportPlan, created_ids: dict[str, int], source: str,
                  note: str) -> dict[str, list]:
    """Insert the new values and update the others in two statements: a national table holds tens of thousands."""
    inserts = [{"indicator_id": p.indicator_id or created_ids[p.indicator], "year": p.year, "value": p.value,
                "neighbourhood_id": p.place.id if p.place.kind == NEIGHBOURHOOD else None,
                "comparison_area_id": None if p.place.kind == NEIGHBOURHOOD else p.place.id, "source": source,
                "source_detail": p.detail, "illustrative": False, "note": note, "version": 1}
               for p in plan.values if p.effect == NEW]
    if inserts:
        session.execute(insert(IndicatorValue.__table__), inserts)
    updates = [{"b_id": p.existing.id, "b_version": p.existing.version, "b_value": p.value, "b_detail": p.detail}
               for p in plan.values if p.effect != NEW]
    if updates:
        table = IndicatorValue.__table__
        statement = (update(table)
                     .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
                     .values(value=bindparam("b_value"), version=table.c.version + 1, source=source,
                             source_detail=func.coalesce(bindparam("b_detail", type_=String), table.c.source_detail),
                             illustrative=False, note=note))
        matched = session.execute(statement, updates).rowcount
        if matched != len(updates):  # a value changed or went since the file was compared with the database
            raise ConflictError(CONFLICT_MESSAGE)
    changed = [p for p in plan.values if p.effect == UPDATED]
    return {"before": [{"id": p.existing.id, "value": p.existing.value} for p in changed],
            "after": [{"id": p.existing.id, "value": p.value} for p in changed]}


def _theme_positions(session: Session, contract_id: int) -> dict[str, int]:
    return dict(session.execute(select(Indicator.theme, func.min(Indicator.theme_position))
                                .where(Indicator.contract_id == contract_id).group_by(Indicator.theme)).all())


def update_indicator(session: Session, actor: Actor, indicator_id: int, *, expected_version: int, label: str,
                     theme: str, unit: str, decimals: int, definition: str | None) -> None:
    """Change an indicator's label, theme, unit, decimals or definition (administrators)."""
    ensure_permission(actor, ADMIN)
    indicator = get_or_fail(session, Indicator, indicator_id, "Indicateur")
    ensure_version(indicator, expected_version)
    spec = NewIndicator(code="x", label=" ".join((label or "").split()),
                        theme=" ".join((theme or "").split()), unit=(unit or "").strip(), decimals=int(decimals),
                        definition=(definition or "").strip() or None)
    problem = new_indicator_problem(spec, set())  # the code is kept as it is: only the rest is checked
    if problem:
        raise ValidationError(problem[0].upper() + problem[1:] + ".")
    before = audit.snapshot(indicator)
    themes = _theme_positions(session, indicator.contract_id)

    def write() -> None:
        if spec.theme != indicator.theme:
            indicator.theme_position = themes.get(spec.theme, max(themes.values(), default=-1) + 1)
        indicator.label, indicator.theme, indicator.unit = spec.label, spec.theme, spec.unit
        indicator.decimals, indicator.definition = spec.decimals, spec.definition
        session.flush()
        audit.record(session, actor, "update", "indicator", indicator.id, f"Modification de l'indicateur "
                     f"« {indicator.label} »", before=before, after=audit.snapshot(indicator))

    run_write(session, write)


def update_indicator_value(session: Session, actor: Actor, value_id: int, *, expected_version: int, value: float,
                           year: str, source: str, source_detail: str | None = None) -> None:
    """Correct one value: a contributor for their neighbourhoods, an administrator for any place."""
    stored = get_or_fail(session, IndicatorValue, value_id, "Valeur")
    if stored.neighbourhood_id is not None:
        ensure_permission(actor, EDIT, stored.neighbourhood_id)
    else:
        ensure_permission(actor, ADMIN)
    ensure_version(stored, expected_version)
    if value is None or isinstance(value, bool) or not math.isfinite(float(value)):
        raise ValidationError("La valeur doit être un nombre.")
    try:
        year = parse_year(year)
    except CellError as exc:
        raise ValidationError(f"Année : {exc}.") from exc
    source = clean_source(source)
    detail = " ".join((source_detail or "").split()) or None
    if detail and len(detail) > MAX_DETAIL:
        raise ValidationError(f"Le détail de la source dépasse {MAX_DETAIL} caractères ({len(detail)}).")
    twin = session.scalar(select(IndicatorValue.id).where(
        IndicatorValue.indicator_id == stored.indicator_id, IndicatorValue.year == year, IndicatorValue.id != stored.id,
        IndicatorValue.neighbourhood_id.is_(None) if stored.neighbourhood_id is None
        else IndicatorValue.neighbourhood_id == stored.neighbourhood_id,
        IndicatorValue.comparison_area_id.is_(None) if stored.comparison_area_id is None
        else IndicatorValue.comparison_area_id == stored.comparison_area_id))
    if twin is not None:
        raise ValidationError(f"Ce lieu a déjà une valeur de cet indicateur pour {year} : corrigez plutôt celle-là.")
    before = audit.snapshot(stored)
    indicator = session.get(Indicator, stored.indicator_id)

    def write() -> None:
        stored.value, stored.year, stored.source, stored.source_detail = float(value), year, source, detail
        stored.illustrative = False
        stored.note = f"Corrigé par {actor.display_name} le {format_date(clock.today())}"
        session.flush()
        audit.record(session, actor, "update", "indicator_value", stored.id,
                     f"Correction d'une valeur de l'indicateur « {indicator.label} » ({year})",
                     before=before, after=audit.snapshot(stored))

    run_write(session, write)
