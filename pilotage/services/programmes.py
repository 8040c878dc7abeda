"""Writes on programmes (projet de quartier, pacte, protocole) and their priorities.

A reworded priority keeps its id, its points d'avancement and its links: its former text is kept with the day and
the author of the change (PriorityTextRevision). An archived priority leaves the follow-up and keeps its history.
Rights: the neighbourhood's editors for a neighbourhood's programme, administrators (and contributors for every
neighbourhood) for a programme of the whole contract.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pilotage import audit, clock
from pilotage.errors import ValidationError
from pilotage.models import Contract, FrameworkNode, Neighbourhood, Priority, Programme
from pilotage.permissions import EDIT, Actor
from pilotage.programme_models import PriorityTextRevision
from pilotage.programmes import (
    MAX_HEADING_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NUMBER_LENGTH,
    MAX_PRIORITY_LENGTH,
    PROGRAMME_KINDS,
    header_key,
    optional_text,
    required_text,
    slugify,
)
from pilotage.services.base import ensure_permission, ensure_version, get_or_fail, run_write, write_archived


def programme_for_edit(session: Session, actor: Actor, programme_id: int) -> Programme:
    """The programme, once the actor's right to edit it is checked."""
    programme = get_or_fail(session, Programme, programme_id, "Programme")
    ensure_permission(actor, EDIT, programme.neighbourhood_id)
    return programme


def _priority_for_edit(session: Session, actor: Actor, priority_id: int, expected_version: int) -> Priority:
    priority = get_or_fail(session, Priority, priority_id, "Priorité")
    programme_for_edit(session, actor, priority.programme_id)
    ensure_version(priority, expected_version)
    return priority


def _check_neighbourhood(session: Session, contract_id: int, neighbourhood_id: int | None) -> None:
    if neighbourhood_id is None:
        return
    hood = get_or_fail(session, Neighbourhood, neighbourhood_id, "Quartier")
    if hood.contract_id != contract_id:
        raise ValidationError("Ce quartier appartient à un autre contrat.")


def _programme_fields(kind: str, name: str, title: str | None) -> tuple[str, str, str | None]:
    if kind not in PROGRAMME_KINDS:
        raise ValidationError(f"Type de programme inconnu : {kind}. Types permis : "
                              f"{', '.join(PROGRAMME_KINDS.values())}.")
    return kind, required_text(name, MAX_NAME_LENGTH, "Le nom du programme"), \
        optional_text(title, MAX_PRIORITY_LENGTH, "Le titre")


def _unique_slug(session: Session, contract_id: int, name: str) -> str:
    base = slugify(name)
    taken = set(session.scalars(select(Programme.slug).where(Programme.contract_id == contract_id)))
    slug, suffix = base, 2
    while slug in taken:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def create_programme(session: Session, actor: Actor, *, contract_id: int, kind: str, name: str,
                     neighbourhood_id: int | None = None, title: str | None = None,
                     adopted_on: dt.date | None = None) -> int:
    """Add a programme, for one neighbourhood or (None) for the whole contract; return its id."""
    ensure_permission(actor, EDIT, neighbourhood_id)
    get_or_fail(session, Contract, contract_id, "Contrat")
    _check_neighbourhood(session, contract_id, neighbourhood_id)
    kind, name, title = _programme_fields(kind, name, title)
    last = session.scalar(select(func.max(Programme.position)).where(Programme.contract_id == contract_id))
    programme = Programme(contract_id=contract_id, neighbourhood_id=neighbourhood_id, kind=kind, name=name,
                          title=title, adopted_on=adopted_on, slug=_unique_slug(session, contract_id, name),
                          position=(last or 0) + 1, source=f"Saisi par {actor.display_name}")

    def write() -> int:
        session.add(programme)
        session.flush()
        audit.record(session, actor, "create", "programme", programme.id,
                     f"Nouveau programme : {PROGRAMME_KINDS[kind]} « {name} »", after=audit.snapshot(programme))
        return programme.id

    return run_write(session, write)


def update_programme(session: Session, actor: Actor, programme_id: int, *, expected_version: int, kind: str,
                     name: str, neighbourhood_id: int | None, title: str | None, adopted_on: dt.date | None) -> None:
    """Change a programme's name, kind, neighbourhood, title or date of adoption."""
    programme = programme_for_edit(session, actor, programme_id)
    ensure_version(programme, expected_version)
    if neighbourhood_id != programme.neighbourhood_id:
        ensure_permission(actor, EDIT, neighbourhood_id)
        _check_neighbourhood(session, programme.contract_id, neighbourhood_id)
    kind, name, title = _programme_fields(kind, name, title)
    before = audit.snapshot(programme)

    def write() -> None:
        programme.kind, programme.name, programme.title = kind, name, title
        programme.neighbourhood_id, programme.adopted_on = neighbourhood_id, adopted_on
        session.flush()
        audit.record(session, actor, "update", "programme", programme.id, f"Modification du programme « {name} »",
                     before=before, after=audit.snapshot(programme))

    run_write(session, write)


def programme_priorities(session: Session, programme_id: int) -> list[Priority]:
    """All the programme's priorities, archived ones included, in heading order."""
    return list(session.scalars(select(Priority).where(Priority.programme_id == programme_id)
                                .order_by(Priority.heading_position, Priority.position, Priority.id)))


def heading_position_of(priorities: Iterable[Priority], heading: str | None) -> int:
    """The position of this heading among the programme's, or a new one after the last."""
    positions = {}
    for priority in priorities:
        positions.setdefault(header_key(priority.heading) if priority.heading else None, priority.heading_position)
    key = header_key(heading) if heading else None
    if key in positions:
        return positions[key]
    return max(positions.values(), default=-1) + 1


def _check_number(priorities: Iterable[Priority], number: str | None, own_id: int | None = None) -> None:
    if number is None:
        return
    for other in priorities:
        if other.number == number and other.id != own_id and not other.archived:
            raise ValidationError(f"Le numéro « {number} » est déjà pris dans ce programme par "
                                  f"« {other.text[:80]} ».")


def _nodes(session: Session, contract_id: int, node_ids: Iterable[int], kept: Iterable[FrameworkNode] = ()):
    ids = sorted(set(node_ids))
    kept_ids = {node.id for node in kept}
    nodes = list(session.scalars(select(FrameworkNode).where(FrameworkNode.id.in_(ids),
                                                             FrameworkNode.contract_id == contract_id)))
    if len(nodes) != len(ids):
        raise ValidationError("Un élément du socle commun choisi n'appartient pas à ce contrat.")
    if any(node.archived and node.id not in kept_ids for node in nodes):
        raise ValidationError("Un élément du socle commun choisi est archivé.")
    return nodes


def renumber_priorities(priorities: list[Priority]) -> None:
    """Positions 0, 1, 2… in heading order, then in order within each heading."""
    for position, priority in enumerate(sorted(priorities, key=lambda p: (p.heading_position, p.position, p.id))):
        if priority.position != position:
            priority.position = position


def _snapshot(priority: Priority) -> dict:
    data = audit.snapshot(priority)
    data["framework"] = sorted(node.code for node in priority.framework_nodes)
    return data


def create_priority(session: Session, actor: Actor, *, programme_id: int, text: str, heading: str | None = None,
                    number: str | None = None, framework_node_ids: Iterable[int] = ()) -> int:
    """Add a priority at the end of its heading (a new heading goes after the others); return its id."""
    programme = programme_for_edit(session, actor, programme_id)
    text = required_text(text, MAX_PRIORITY_LENGTH, "Le texte de la priorité")
    heading = optional_text(heading, MAX_HEADING_LENGTH, "La rubrique")
    number = optional_text(number, MAX_NUMBER_LENGTH, "Le numéro")
    siblings = programme_priorities(session, programme_id)
    _check_number(siblings, number)
    nodes = _nodes(session, programme.contract_id, framework_node_ids)
    priority = Priority(programme_id=programme_id, heading=heading, number=number, text=text,
                        heading_position=heading_position_of(siblings, heading), position=len(siblings) + 1,
                        source=f"Saisi par {actor.display_name}", framework_nodes=nodes)

    def write() -> int:
        session.add(priority)
        renumber_priorities([*siblings, priority])
        session.flush()
        audit.record(session, actor, "create", "priority", priority.id,
                     f"Nouvelle priorité dans « {programme.name} » : {text[:80]}", after=_snapshot(priority))
        return priority.id

    return run_write(session, write)


def update_priority(session: Session, actor: Actor, priority_id: int, *, expected_version: int, text: str,
                    heading: str | None, number: str | None, framework_node_ids: Iterable[int]) -> None:
    """Reword, renumber, move to another heading or relink a priority; a new text keeps the former one."""
    priority = _priority_for_edit(session, actor, priority_id, expected_version)
    programme = session.get(Programme, priority.programme_id)
    text = required_text(text, MAX_PRIORITY_LENGTH, "Le texte de la priorité")
    heading = optional_text(heading, MAX_HEADING_LENGTH, "La rubrique")
    number = optional_text(number, MAX_NUMBER_LENGTH, "Le numéro")
    siblings = programme_priorities(session, priority.programme_id)
    _check_number(siblings, number, priority.id)
    nodes = _nodes(session, programme.contract_id, framework_node_ids, kept=priority.framework_nodes)
    before = _snapshot(priority)
    reworded = text != priority.text
    new_heading = header_key(heading or "") != header_key(priority.heading or "")

    def write() -> None:
        if reworded:
            session.add(PriorityTextRevision(priority_id=priority.id, text=priority.text, replaced_on=clock.today(),
                                             replaced_at=clock.now(), author=actor.display_name, author_id=actor.id))
        if new_heading:
            others = [p for p in siblings if p.id != priority.id]
            priority.heading_position = heading_position_of(others, heading)
            priority.position = len(siblings) + 1  # last of its new heading
        priority.text, priority.heading, priority.number, priority.framework_nodes = text, heading, number, nodes
        renumber_priorities(siblings)
        session.flush()
        what = "reformulée" if reworded else "modifiée"
        audit.record(session, actor, "update", "priority", priority.id,
                     f"Priorité {what} dans « {programme.name} » : {text[:80]}", before=before,
                     after=_snapshot(priority))

    run_write(session, write)


def move_priority(session: Session, actor: Actor, priority_id: int, *, expected_version: int, direction: int) -> None:
    """Swap a priority with its neighbour above (-1) or below (+1) under the same heading."""
    priority = _priority_for_edit(session, actor, priority_id, expected_version)
    siblings = programme_priorities(session, priority.programme_id)
    group = [p for p in siblings if p.heading_position == priority.heading_position and not p.archived]
    index = group.index(priority) if priority in group else -1
    target = index + (1 if direction > 0 else -1)
    if index < 0 or not 0 <= target < len(group):
        raise ValidationError("Cette priorité est déjà à cette extrémité de sa rubrique.")

    def write() -> None:
        ordered = list(group)
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, sibling in zip(sorted(p.position for p in group), ordered, strict=True):
            sibling.position = position
        renumber_priorities(siblings)
        session.flush()
        audit.record(session, actor, "update", "priority", priority.id,
                     f"Priorité déplacée en position {target + 1} de sa rubrique", before={"position": index + 1},
                     after={"position": target + 1})

    run_write(session, write)


def archive_priority(session: Session, actor: Actor, priority_id: int, *, expected_version: int,
                     archived: bool = True) -> None:
    """Archive a priority (it leaves the follow-up; its points stay in its history), or restore it."""
    priority = _priority_for_edit(session, actor, priority_id, expected_version)
    if not archived:
        _check_number(programme_priorities(session, priority.programme_id), priority.number, priority.id)
    write_archived(session, actor, priority, archived=archived, entity="priority", snapshot=_snapshot,
                   summary=f"Priorité {'archivée' if archived else 'restaurée'} : {priority.text[:80]}")


def rename_heading(session: Session, actor: Actor, programme_id: int, *, heading: str | None, new_heading: str,
                   expected_versions: dict[int, int]) -> int:
    """Rename a heading of the programme (every priority under it, archived ones too); return how many changed."""
    programme = programme_for_edit(session, actor, programme_id)
    new_heading = required_text(new_heading, MAX_HEADING_LENGTH, "Le nouveau nom de la rubrique")
    key = header_key(heading) if heading else None
    under = [p for p in programme_priorities(session, programme_id)
             if (header_key(p.heading) if p.heading else None) == key]
    if not under:
        raise ValidationError("Cette rubrique n'existe plus dans le programme : rechargez la page.")
    for priority in under:
        ensure_version(priority, expected_versions.get(priority.id, -1))
    before = {"rubrique": heading}

    def write() -> int:
        for priority in under:
            priority.heading = new_heading
        session.flush()
        audit.record(session, actor, "update", "programme", programme.id,
                     f"Rubrique renommée dans « {programme.name} » : « {heading or 'sans rubrique'} » → "
                     f"« {new_heading} » ({len(under)} priorité(s))", before=before, after={"rubrique": new_heading})
        return len(under)

    return run_write(session, write)
