"""Writes on a contract's framework tree (socle commun): add, edit, reorder, archive, delete, import."""

from __future__ import annotations

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from pilotage import audit
from pilotage.errors import ValidationError
from pilotage.import_report import ImportCheck
from pilotage.models import Contract, FrameworkNode, priority_framework
from pilotage.permissions import ADMIN, Actor
from pilotage.programmes import (
    DEFAULT_LEVELS,
    MAX_CODE_LENGTH,
    MAX_DEPTH,
    MAX_LEVEL_LENGTH,
    MAX_TITLE_LENGTH,
    optional_text,
    required_text,
)
from pilotage.queries.programmes import check_framework_import
from pilotage.services.base import ensure_permission, ensure_version, get_or_fail, run_write, write_archived


def _node_for_edit(session: Session, actor: Actor, node_id: int, expected_version: int) -> FrameworkNode:
    ensure_permission(actor, ADMIN)
    node = get_or_fail(session, FrameworkNode, node_id, "Élément du socle commun")
    ensure_version(node, expected_version)
    return node


def _check_code(session: Session, contract_id: int, code: str, node_id: int | None = None) -> None:
    taken = session.scalar(select(FrameworkNode.title).where(
        FrameworkNode.contract_id == contract_id, FrameworkNode.code == code, FrameworkNode.id != (node_id or 0)))
    if taken is not None:
        raise ValidationError(f"Le code « {code} » est déjà pris dans ce socle commun par « {taken[:80]} ».")


def _siblings(session: Session, node: FrameworkNode) -> list[FrameworkNode]:
    parent = FrameworkNode.parent_id.is_(None) if node.parent_id is None else FrameworkNode.parent_id == node.parent_id
    return list(session.scalars(select(FrameworkNode).where(FrameworkNode.contract_id == node.contract_id, parent)
                                .order_by(FrameworkNode.position, FrameworkNode.id)))


def create_framework_node(session: Session, actor: Actor, *, contract_id: int, parent_id: int | None, code: str,
                          title: str, level: str | None = None) -> int:
    """Add a node at the end of its parent's children (or of the axes); return its id."""
    ensure_permission(actor, ADMIN)
    get_or_fail(session, Contract, contract_id, "Contrat")
    depth = 0
    if parent_id is not None:
        parent = get_or_fail(session, FrameworkNode, parent_id, "Élément parent du socle commun")
        if parent.contract_id != contract_id:
            raise ValidationError("L'élément parent appartient à un autre contrat.")
        if parent.archived:
            raise ValidationError("L'élément parent est archivé : restaurez-le avant de lui ajouter un enfant.")
        depth = parent.depth + 1
    if depth >= MAX_DEPTH:
        raise ValidationError(f"Le socle commun compte {MAX_DEPTH} niveaux au plus.")
    code = required_text(code, MAX_CODE_LENGTH, "Le code")
    title = required_text(title, MAX_TITLE_LENGTH, "L'intitulé")
    level = optional_text(level, MAX_LEVEL_LENGTH, "Le nom du niveau") or DEFAULT_LEVELS[depth]
    _check_code(session, contract_id, code)
    parent_clause = FrameworkNode.parent_id.is_(None) if parent_id is None else FrameworkNode.parent_id == parent_id
    last = session.scalar(select(func.max(FrameworkNode.position)).where(FrameworkNode.contract_id == contract_id,
                                                                         parent_clause))
    node = FrameworkNode(contract_id=contract_id, parent_id=parent_id, code=code, level=level, depth=depth,
                         title=title, position=(last + 1) if last is not None else 0,
                         source=f"Saisi par {actor.display_name}")

    def write() -> int:
        session.add(node)
        session.flush()
        audit.record(session, actor, "create", "framework_node", node.id,
                     f"Ajout au socle commun : {level} {code} « {title[:80]} »", after=audit.snapshot(node))
        return node.id

    return run_write(session, write)


KEEP_PARENT = -1  # update_framework_node's default: the node stays under its parent


def update_framework_node(session: Session, actor: Actor, node_id: int, *, expected_version: int, code: str,
                          title: str, level: str, parent_id: int | None = KEEP_PARENT) -> None:
    """Change a node's code, title, level name or parent (None: it becomes an axis); its links are kept."""
    node = _node_for_edit(session, actor, node_id, expected_version)
    code = required_text(code, MAX_CODE_LENGTH, "Le code")
    title = required_text(title, MAX_TITLE_LENGTH, "L'intitulé")
    level = required_text(level, MAX_LEVEL_LENGTH, "Le nom du niveau")
    _check_code(session, node.contract_id, code, node.id)
    moved = parent_id != KEEP_PARENT and parent_id != node.parent_id
    subtree = _subtree_for_move(session, node, parent_id) if moved else []
    before = audit.snapshot(node)

    def write() -> None:
        node.code, node.title, node.level = code, title, level
        if moved:
            _reparent(session, node, parent_id, subtree)
        session.flush()
        audit.record(session, actor, "update", "framework_node", node.id,
                     f"Modification du socle commun : {level} {code}", before=before, after=audit.snapshot(node))

    run_write(session, write)


def _subtree_for_move(session: Session, node: FrameworkNode, parent_id: int | None) -> list[FrameworkNode]:
    """The node and its descendants, once the new parent is checked (same contract, not inside, depth bound)."""
    nodes = list(session.scalars(select(FrameworkNode).where(FrameworkNode.contract_id == node.contract_id)))
    children: dict[int | None, list[FrameworkNode]] = {}
    for other in nodes:
        children.setdefault(other.parent_id, []).append(other)
    subtree, stack = [], [node]
    while stack:
        current = stack.pop()
        subtree.append(current)
        stack.extend(children.get(current.id, []))
    new_depth = 0
    if parent_id is not None:
        parent = next((n for n in nodes if n.id == parent_id), None)
        if parent is None:
            raise ValidationError("Le nouvel élément parent n'appartient pas à ce socle commun.")
        if parent in subtree:
            raise ValidationError("Un élément ne peut pas être rattaché à lui-même ni à l'un de ses sous-éléments.")
        if parent.archived:
            raise ValidationError("Le nouvel élément parent est archivé.")
        new_depth = parent.depth + 1
    if max(n.depth for n in subtree) - node.depth + new_depth >= MAX_DEPTH:
        raise ValidationError(f"Ainsi déplacé, le socle commun compterait plus de {MAX_DEPTH} niveaux.")
    return subtree


def _reparent(session: Session, node: FrameworkNode, parent_id: int | None, subtree: list[FrameworkNode]) -> None:
    shift = (0 if parent_id is None else session.get(FrameworkNode, parent_id).depth + 1) - node.depth
    positions = _last_positions(session, node.contract_id)
    node.parent_id, node.position = parent_id, positions.get(parent_id, -1) + 1
    for member in subtree:
        member.depth += shift


def move_framework_node(session: Session, actor: Actor, node_id: int, *, expected_version: int,
                        direction: int) -> None:
    """Swap a node with its sibling above (-1) or below (+1)."""
    node = _node_for_edit(session, actor, node_id, expected_version)
    siblings = [s for s in _siblings(session, node) if not s.archived]
    index = siblings.index(node) if node in siblings else -1
    target = index + (1 if direction > 0 else -1)
    if index < 0 or not 0 <= target < len(siblings):
        raise ValidationError("Cet élément est déjà à cette extrémité de la liste.")

    def write() -> None:
        for position, sibling in enumerate(siblings):
            sibling.position = position
        node.position, siblings[target].position = target, index
        session.flush()
        audit.record(session, actor, "update", "framework_node", node.id,
                     f"Socle commun : {node.code} déplacé en position {target + 1}",
                     before={"position": index + 1}, after={"position": target + 1})

    run_write(session, write)


def _has_children(session: Session, node: FrameworkNode, *, active_only: bool) -> bool:
    clause = [FrameworkNode.parent_id == node.id]
    if active_only:
        clause.append(FrameworkNode.archived.is_(False))
    return session.scalar(select(exists().where(*clause)))


def archive_framework_node(session: Session, actor: Actor, node_id: int, *, expected_version: int,
                           archived: bool = True) -> None:
    """Archive a node with no active child (it leaves the tree and the matrix), or restore it."""
    node = _node_for_edit(session, actor, node_id, expected_version)
    if archived and _has_children(session, node, active_only=True):
        raise ValidationError("Cet élément a des sous-éléments actifs : archivez-les d'abord.")
    if not archived and node.parent_id is not None and session.get(FrameworkNode, node.parent_id).archived:
        raise ValidationError("Son élément parent est archivé : restaurez d'abord le parent.")
    write_archived(session, actor, node, archived=archived, entity="framework_node",
                   summary=f"Socle commun : {node.code} {'archivé' if archived else 'restauré'}")


def delete_framework_node(session: Session, actor: Actor, node_id: int, *, expected_version: int) -> None:
    """Delete a leaf that no priority (even archived) is linked to; anything else is archived instead."""
    node = _node_for_edit(session, actor, node_id, expected_version)
    if _has_children(session, node, active_only=False):
        raise ValidationError("Seul un élément sans sous-élément peut être supprimé : archivez-le plutôt.")
    if session.scalar(select(exists().where(priority_framework.c.framework_node_id == node.id))):
        raise ValidationError("Des priorités sont rattachées à cet élément : il ne peut pas être supprimé, "
                              "archivez-le plutôt.")
    before = audit.snapshot(node)

    def write() -> None:
        session.delete(node)
        session.flush()
        audit.record(session, actor, "delete", "framework_node", node_id,
                     f"Suppression du socle commun : {before['code']} « {before['title'][:80]} »", before=before)

    run_write(session, write)


def _last_positions(session: Session, contract_id: int) -> dict[int | None, int]:
    """The last position among the children of each node of the contract (None: among the axes)."""
    rows = session.execute(select(FrameworkNode.parent_id, func.max(FrameworkNode.position))
                           .where(FrameworkNode.contract_id == contract_id).group_by(FrameworkNode.parent_id)).all()
    return dict(rows)


def import_framework(session: Session, actor: Actor, *, contract_id: int, filename: str,
                     content: bytes) -> ImportCheck:
    """Create the nodes of the file, all or nothing; ValidationError listing the first errors when any."""
    ensure_permission(actor, ADMIN)
    contract = get_or_fail(session, Contract, contract_id, "Contrat")
    plan = check_framework_import(session, contract_id=contract_id, filename=filename, content=content)
    if not plan.check.ok:
        raise ValidationError(plan.check.refusal())
    if not plan.check.new_count:
        raise ValidationError("Toutes les lignes du fichier sont déjà dans le socle commun : rien à importer.")

    new_nodes = [node for node in plan.nodes if not node.existing_id]
    positions = _last_positions(session, contract_id)
    source = f"Importé du fichier « {filename[:120]} »"

    def write() -> ImportCheck:
        ids = {node.key: node.existing_id for node in plan.nodes if node.existing_id}
        for depth in sorted({node.depth for node in new_nodes}):  # one flush per level: parents get their ids
            rows = {}
            for node in (n for n in new_nodes if n.depth == depth):
                parent_id = ids[node.parent_key] if node.parent_key else None
                positions[parent_id] = positions.get(parent_id, -1) + 1
                rows[node.key] = FrameworkNode(contract_id=contract_id, parent_id=parent_id, code=node.code,
                                               level=node.level, depth=depth, title=node.title,
                                               position=positions[parent_id], source=source)
            session.add_all(rows.values())
            session.flush()
            ids.update({key: row.id for key, row in rows.items()})
        audit.record(session, actor, "import", "framework_node", None,
                     f"Import du socle commun de {contract.name} depuis « {filename} » : {len(new_nodes)} "
                     "élément(s) créé(s)", after={"codes": [n.code for n in new_nodes]})
        return plan.check

    return run_write(session, write)
