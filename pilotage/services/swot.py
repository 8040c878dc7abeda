"""Writes on a neighbourhood's FFOM: versions and items (add, edit, reorder, archive)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pilotage import audit
from pilotage.errors import ValidationError
from pilotage.models import Indicator, Neighbourhood, Priority, Programme, SwotAnalysis, SwotItem
from pilotage.permissions import EDIT, Actor
from pilotage.queries.swot import QUADRANTS
from pilotage.services.base import ensure_permission, ensure_version, get_or_fail, run_write

MAX_ITEM_LENGTH = 500
MAX_LABEL_LENGTH = 200


def _clean_text(text: str, limit: int, what: str) -> str:
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise ValidationError(f"{what} ne peut pas être vide.")
    if len(cleaned) > limit:
        raise ValidationError(f"{what} dépasse {limit} caractères ({len(cleaned)}).")
    return cleaned


def _analysis_for_edit(session: Session, actor: Actor, analysis_id: int) -> SwotAnalysis:
    analysis = get_or_fail(session, SwotAnalysis, analysis_id, "Version FFOM")
    ensure_permission(actor, EDIT, analysis.neighbourhood_id)
    return analysis


def _item_for_edit(session: Session, actor: Actor, item_id: int, expected_version: int) -> SwotItem:
    item = get_or_fail(session, SwotItem, item_id, "Élément FFOM")
    _analysis_for_edit(session, actor, item.analysis_id)
    ensure_version(item, expected_version)
    return item


def _links(session: Session, analysis: SwotAnalysis, indicator_ids: Iterable[int], priority_ids: Iterable[int]):
    hood = session.get(Neighbourhood, analysis.neighbourhood_id)
    indicator_ids, priority_ids = sorted(set(indicator_ids)), sorted(set(priority_ids))
    indicators = list(session.scalars(select(Indicator).where(Indicator.id.in_(indicator_ids),
                                                              Indicator.contract_id == hood.contract_id)))
    priorities = list(session.scalars(select(Priority).join(Programme).where(
        Priority.id.in_(priority_ids), Programme.contract_id == hood.contract_id)))
    if len(indicators) != len(indicator_ids) or len(priorities) != len(priority_ids):
        raise ValidationError("Un indicateur ou une priorité liée n'appartient pas à ce contrat.")
    return indicators, priorities


def _snapshot(item: SwotItem) -> dict:
    data = audit.snapshot(item)
    data["indicators"] = sorted(i.id for i in item.indicators)
    data["priorities"] = sorted(p.id for p in item.priorities)
    return data


def create_swot_analysis(session: Session, actor: Actor, *, neighbourhood_id: int, label: str, dated: dt.date,
                         copy_from_id: int | None = None) -> int:
    """Start a new FFOM version, empty or as a copy of an earlier one; return its id."""
    ensure_permission(actor, EDIT, neighbourhood_id)
    label = _clean_text(label, MAX_LABEL_LENGTH, "Le nom de la version")
    analysis = SwotAnalysis(neighbourhood_id=neighbourhood_id, label=label, dated=dated, status="de_travail",
                            source=None, note=f"Version créée par {actor.display_name}")
    originals = []
    if copy_from_id is not None:
        original = get_or_fail(session, SwotAnalysis, copy_from_id, "Version FFOM")
        if original.neighbourhood_id != neighbourhood_id:
            raise ValidationError("La version copiée appartient à un autre quartier.")
        originals = list(session.scalars(select(SwotItem).where(SwotItem.analysis_id == original.id,
                                                                SwotItem.archived.is_(False))))

    def write() -> int:
        session.add(analysis)
        session.flush()
        for old in originals:
            session.add(SwotItem(analysis_id=analysis.id, quadrant=old.quadrant, text=old.text, position=old.position,
                                 quote=old.quote, source=old.source, illustrative=old.illustrative, note=old.note,
                                 indicators=list(old.indicators), priorities=list(old.priorities)))
        audit.record(session, actor, "create", "swot_analysis", analysis.id,
                     f"Nouvelle version FFOM « {label} » ({len(originals)} éléments repris)",
                     after=audit.snapshot(analysis))
        return analysis.id

    return run_write(session, write)


def create_swot_item(session: Session, actor: Actor, *, analysis_id: int, quadrant: str, text: str,
                     indicator_ids: Iterable[int] = (), priority_ids: Iterable[int] = ()) -> int:
    """Add an item at the end of a quadrant; return its id."""
    analysis = _analysis_for_edit(session, actor, analysis_id)
    if quadrant not in QUADRANTS:
        raise ValidationError(f"Quadrant inconnu : {quadrant}.")
    text = _clean_text(text, MAX_ITEM_LENGTH, "Le texte de l'élément")
    indicators, priorities = _links(session, analysis, indicator_ids, priority_ids)
    last = session.scalar(select(func.max(SwotItem.position)).where(SwotItem.analysis_id == analysis_id,
                                                                    SwotItem.quadrant == quadrant))
    item = SwotItem(analysis_id=analysis_id, quadrant=quadrant, text=text, position=(last or 0) + 1,
                    source=f"Saisi par {actor.display_name}", indicators=indicators, priorities=priorities)

    def write() -> int:
        session.add(item)
        session.flush()
        audit.record(session, actor, "create", "swot_item", item.id, f"Ajout d'un élément FFOM ({quadrant})",
                     after=_snapshot(item))
        return item.id

    return run_write(session, write)


def update_swot_item(session: Session, actor: Actor, item_id: int, *, expected_version: int, quadrant: str,
                     text: str, indicator_ids: Iterable[int] = (), priority_ids: Iterable[int] = ()) -> None:
    """Change an item's text, quadrant or links."""
    item = _item_for_edit(session, actor, item_id, expected_version)
    if quadrant not in QUADRANTS:
        raise ValidationError(f"Quadrant inconnu : {quadrant}.")
    text = _clean_text(text, MAX_ITEM_LENGTH, "Le texte de l'élément")
    analysis = session.get(SwotAnalysis, item.analysis_id)
    indicators, priorities = _links(session, analysis, indicator_ids, priority_ids)
    before = _snapshot(item)

    def write() -> None:
        item.quadrant, item.text = quadrant, text
        item.indicators, item.priorities = indicators, priorities
        session.flush()
        audit.record(session, actor, "update", "swot_item", item.id, "Modification d'un élément FFOM",
                     before=before, after=_snapshot(item))

    run_write(session, write)


def move_swot_item(session: Session, actor: Actor, item_id: int, *, expected_version: int, direction: int) -> None:
    """Swap an item with its neighbour above (-1) or below (+1) in its quadrant."""
    item = _item_for_edit(session, actor, item_id, expected_version)
    siblings = list(session.scalars(select(SwotItem).where(
        SwotItem.analysis_id == item.analysis_id, SwotItem.quadrant == item.quadrant,
        SwotItem.archived.is_(False)).order_by(SwotItem.position, SwotItem.id)))
    index = siblings.index(item)
    target = index + (1 if direction > 0 else -1)
    if not 0 <= target < len(siblings):
        raise ValidationError("Cet élément est déjà à cette extrémité de la liste.")

    def write() -> None:
        for position, sibling in enumerate(siblings):
            sibling.position = position
        item.position, siblings[target].position = target, index
        session.flush()
        audit.record(session, actor, "update", "swot_item", item.id,
                     f"Élément FFOM déplacé en position {target + 1}", before={"position": index + 1},
                     after={"position": target + 1})

    run_write(session, write)


def archive_swot_item(session: Session, actor: Actor, item_id: int, *, expected_version: int) -> None:
    """Archive an item: it leaves the grid but stays in the database and the audit trail."""
    item = _item_for_edit(session, actor, item_id, expected_version)
    before = _snapshot(item)

    def write() -> None:
        item.archived = True
        session.flush()
        audit.record(session, actor, "archive", "swot_item", item.id, "Archivage d'un élément FFOM",
                     before=before, after=_snapshot(item))

    run_write(session, write)
