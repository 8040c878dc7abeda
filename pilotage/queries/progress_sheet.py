"""Reads behind the update sheet: its scope (a neighbourhood or a programme), the export, the import check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from pilotage.errors import NotFound, ValidationError
from pilotage.models import Neighbourhood, Priority, PriorityUpdate, Programme
from pilotage.progress import COMMENT_FIELDS, priority_label
from pilotage.progress_sheet import KnownPriority, SheetReport, build_workbook, read_workbook, validate_rows
from pilotage.queries.progress import list_priority_states

SCOPE_KINDS = ("quartier", "programme")
MAX_ROW_ID = 2**31 - 1  # an INTEGER column's largest value: a bigger number typed in column B is no point's id


@dataclass(frozen=True)
class SheetScope:
    """The priorities an update sheet covers and who may import it (the neighbourhood, None: contract-wide)."""

    kind: str
    id: int
    label: str
    contract_id: int
    neighbourhood_id: int | None
    states: pd.DataFrame

    @property
    def code(self) -> str:
        return f"{self.kind}-{self.id}"


def get_sheet_scope(session: Session, *, scope_kind: str, scope_id: int, today: dt.date) -> SheetScope:
    """The neighbourhood's (all its programmes) or the programme's priorities with their latest point."""
    if scope_kind == "quartier":
        hood = session.get(Neighbourhood, scope_id)
        if hood is None:
            raise NotFound(f"Quartier introuvable (n° {scope_id}).")
        states = list_priority_states(session, contract_id=hood.contract_id, today=today, neighbourhood_id=hood.id)
        return SheetScope(scope_kind, scope_id, f"Quartier {hood.name}", hood.contract_id, hood.id, states)
    if scope_kind == "programme":
        programme = session.get(Programme, scope_id)
        if programme is None:
            raise NotFound(f"Programme introuvable (n° {scope_id}).")
        states = list_priority_states(session, contract_id=programme.contract_id, today=today,
                                      programme_id=programme.id)
        return SheetScope(scope_kind, scope_id, programme.name, programme.contract_id, programme.neighbourhood_id,
                          states)
    raise ValidationError(f"Périmètre inconnu : {scope_kind}.")


def _sheet_rows(states: pd.DataFrame) -> list[dict]:
    rows = []
    for r in states.itertuples():
        rows.append({
            "priority_id": r.priority_id, "base_point_id": r.point_id, "programme": r.programme_name,
            "heading": r.heading, "number": r.number if r.number else str(int(r.position) + 1), "text": r.text,
            "recorded_on": r.recorded_on, "weather": r.weather, "progress": r.progress,
            **{name: getattr(r, name) for name in COMMENT_FIELDS},
        })
    return rows


def export_progress_sheet(session: Session, *, scope_kind: str, scope_id: int, today: dt.date) -> bytes:
    """The .xlsx update sheet of a neighbourhood or a programme, pre-filled with every last point."""
    scope = get_sheet_scope(session, scope_kind=scope_kind, scope_id=scope_id, today=today)
    return build_workbook(_sheet_rows(scope.states), scope_label=scope.label, scope_code=scope.code, today=today)


def _known(states: pd.DataFrame) -> dict[int, KnownPriority]:
    known = {}
    for r in states.itertuples():
        latest = None
        if r.point_id is not None:
            latest = {"point_id": r.point_id, "recorded_on": r.recorded_on}
        known[int(r.priority_id)] = KnownPriority(
            priority_label(r.number, int(r.position), r.text, r.programme_kind), latest)
    return known


def _base_points(session: Session, ids: set[int]) -> dict[int, dict]:
    if not ids:
        return {}
    columns = ["id", "priority_id", "recorded_on", "weather", "progress", *COMMENT_FIELDS]
    rows = session.execute(select(*(getattr(PriorityUpdate, c) for c in columns))
                           .where(PriorityUpdate.id.in_(sorted(ids)))).all()
    return {row[0]: dict(zip(columns, row, strict=True)) for row in rows}


def check_progress_sheet(session: Session, *, scope_kind: str, scope_id: int, content: bytes, today: dt.date,
                         author: str) -> SheetReport:
    """What importing this filled sheet would record, row by row (nothing is written here)."""
    scope = get_sheet_scope(session, scope_kind=scope_kind, scope_id=scope_id, today=today)
    parsed = read_workbook(content)
    referenced = set()
    for raw in parsed.rows:
        value = raw.values.get("base_point_id")
        if (isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer()
                and 0 < value <= MAX_ROW_ID):
            referenced.add(int(value))
    known_ids = set(scope.states["priority_id"].astype(int))
    bases = {k: v for k, v in _base_points(session, referenced).items() if v["priority_id"] in known_ids}
    return validate_rows(parsed, scope_label=scope.label, scope_code=scope.code, known=_known(scope.states),
                         base_points=bases, today=today, author=author)


def list_sheet_scopes(session: Session, *, contract_id: int) -> pd.DataFrame:
    """The scopes an update sheet can be made for: neighbourhoods with priorities, then every programme."""
    programmes = session.execute(
        select(Programme.id, Programme.name, Programme.neighbourhood_id, Neighbourhood.name, Programme.slug,
               Neighbourhood.slug)
        .outerjoin(Neighbourhood, Neighbourhood.id == Programme.neighbourhood_id)
        .where(Programme.contract_id == contract_id,
               Programme.id.in_(select(Priority.programme_id)))
        .order_by(Neighbourhood.position, Programme.position)
    ).all()
    rows, hoods_seen = [], set()
    for _, _, hood_id, hood_name, _, hood_slug in programmes:
        if hood_id is not None and hood_id not in hoods_seen:
            hoods_seen.add(hood_id)
            rows.append(("quartier", hood_id, f"Quartier {hood_name} (tous ses programmes)", hood_id, hood_slug))
    for programme_id, name, hood_id, _, slug, _ in programmes:
        rows.append(("programme", programme_id, name, hood_id, slug))
    return pd.DataFrame(rows, columns=["kind", "id", "label", "neighbourhood_id", "slug"])
