"""Framework tree (socle commun): add, edit, reorder, archive, delete and import, with rights, locking and audit."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from pilotage.errors import ConflictError, PermissionDenied, ValidationError
from pilotage.models import AuditEvent, FrameworkNode, Priority, Programme
from pilotage.queries import programmes as programme_queries
from pilotage.queries import progress as progress_queries
from pilotage.services import framework as framework_services
from pilotage.services import programmes as programme_services
from tests.factories import admin_actor, contract, make_user
from tests.programme_factories import blank_contract
from tests.tables import csv_file, xlsx_file


def audit_count(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent))


def node_count(session, contract_id: int) -> int:
    return session.scalar(select(func.count()).select_from(FrameworkNode)
                          .where(FrameworkNode.contract_id == contract_id))


def node(session, contract_id: int, code: str) -> FrameworkNode:
    return session.scalar(select(FrameworkNode).where(FrameworkNode.contract_id == contract_id,
                                                      FrameworkNode.code == code))


def last_event(session) -> AuditEvent:
    return session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()


def test_admin_adds_a_child_edits_and_moves_it_with_audit(session):
    admin, contract_id = admin_actor(session), contract(session).id
    axis = node(session, contract_id, "1")
    before = audit_count(session)
    new_id = framework_services.create_framework_node(session, admin, contract_id=contract_id, parent_id=axis.id,
                                                      code="1.9", title="  Favoriser   la mobilité  ")
    created = session.get(FrameworkNode, new_id)
    assert (created.depth, created.title, created.level) == (1, "Favoriser la mobilité", "objectif")
    assert audit_count(session) == before + 1
    assert (last_event(session).action, last_event(session).object_type) == ("create", "framework_node")
    framework_services.update_framework_node(session, admin, new_id, expected_version=created.version, code="1.8",
                                             title="Favoriser les mobilités", level="objectif")
    session.refresh(created)
    assert (created.code, created.title) == ("1.8", "Favoriser les mobilités")
    tree = programme_queries.list_framework_tree(session, contract_id=contract_id)
    children = tree[tree["parent_id"] == axis.id]
    assert children["code"].iloc[-1] == "1.8"
    framework_services.move_framework_node(session, admin, new_id, expected_version=created.version, direction=-1)
    tree = programme_queries.list_framework_tree(session, contract_id=contract_id)
    children = tree[tree["parent_id"] == axis.id]
    assert children["code"].iloc[-2] == "1.8"
    with pytest.raises(ValidationError, match="déjà pris"):
        framework_services.create_framework_node(session, admin, contract_id=contract_id, parent_id=None, code="1",
                                                 title="Doublon")


def test_stale_version_is_refused_in_french_and_nothing_changes(session):
    admin, contract_id = admin_actor(session), contract(session).id
    axis = node(session, contract_id, "1")
    version, title = axis.version, axis.title
    framework_services.update_framework_node(session, admin, axis.id, expected_version=version, code="1",
                                             title=title + " (revu)", level=axis.level)
    before = audit_count(session)
    with pytest.raises(ConflictError, match="modifié par quelqu'un d'autre"):
        framework_services.update_framework_node(session, admin, axis.id, expected_version=version, code="1",
                                                 title="Autre", level=axis.level)
    session.refresh(axis)
    assert axis.title == title + " (revu)"
    assert audit_count(session) == before


def test_contributor_and_reader_may_not_edit_the_framework(session):
    contract_id = contract(session).id
    for actor in (make_user(session, all_neighbourhoods=True), make_user(session, role="lecteur")):
        with pytest.raises(PermissionDenied, match="réservée aux administrateurs"):
            framework_services.create_framework_node(session, actor, contract_id=contract_id, parent_id=None,
                                                     code="9", title="Nouvel axe")
    assert node(session, contract_id, "9") is None


def test_linked_node_cannot_be_deleted_but_a_bare_leaf_can(session):
    admin, contract_id = admin_actor(session), contract(session).id
    axis = node(session, contract_id, "1")
    with pytest.raises(ValidationError, match="sans sous-élément"):
        framework_services.delete_framework_node(session, admin, axis.id, expected_version=axis.version)
    leaf_id = framework_services.create_framework_node(session, admin, contract_id=contract_id, parent_id=axis.id,
                                                       code="1.98", title="Rattachée")
    linked_priority = session.scalar(select(Priority).join(Programme)
                                     .where(Programme.contract_id == contract_id).order_by(Priority.id))
    programme_services.update_priority(session, admin, linked_priority.id, expected_version=linked_priority.version,
                                       text=linked_priority.text, heading=linked_priority.heading,
                                       number=linked_priority.number, framework_node_ids=[leaf_id])
    linked = session.get(FrameworkNode, leaf_id)
    with pytest.raises(ValidationError, match="Des priorités sont rattachées"):
        framework_services.delete_framework_node(session, admin, leaf_id, expected_version=linked.version)
    leaf_id = framework_services.create_framework_node(session, admin, contract_id=contract_id, parent_id=axis.id,
                                                       code="1.99", title="Provisoire")
    leaf = session.get(FrameworkNode, leaf_id)
    framework_services.delete_framework_node(session, admin, leaf_id, expected_version=leaf.version)
    assert node(session, contract_id, "1.99") is None
    assert last_event(session).action == "delete"


def test_archiving_needs_the_children_archived_first_and_hides_the_column(session):
    admin, contract_id = admin_actor(session), contract(session).id
    axis = node(session, contract_id, "1")
    with pytest.raises(ValidationError, match="sous-éléments actifs"):
        framework_services.archive_framework_node(session, admin, axis.id, expected_version=axis.version)
    leaf_id = framework_services.create_framework_node(session, admin, contract_id=contract_id, parent_id=axis.id,
                                                       code="1.77", title="Objectif sans priorité")
    assert "1.77" in set(progress_queries.get_framework_matrix(session, contract_id=contract_id).columns["code"])
    leaf = session.get(FrameworkNode, leaf_id)
    framework_services.archive_framework_node(session, admin, leaf_id, expected_version=leaf.version)
    assert session.get(FrameworkNode, leaf_id).archived
    assert "1.77" not in set(progress_queries.get_framework_matrix(session, contract_id=contract_id).columns["code"])
    assert last_event(session).action == "archive"


FRAMEWORK_ROWS = [
    ["Code axe", "Axe", "Code objectif", "Objectif", "Sous-objectif"],
    ["A", "Emploi et insertion", "A.1", "Lever les freins à l'emploi", "Mobilité"],
    [None, None, None, None, "Garde d'enfants"],
    ["A", "Emploi et insertion", "A.2", "Soutenir la création d'activité", None],
    ["B", "Cadre de vie", None, None, None],
    [None, None, "B.1", "Tranquillité publique", None],
]


def test_framework_import_creates_the_tree_from_level_columns(empty_session):
    contract_id = blank_contract(empty_session)
    admin = admin_actor(empty_session)
    check = framework_services.import_framework(empty_session, admin, contract_id=contract_id,
                                                filename="socle.xlsx", content=xlsx_file(FRAMEWORK_ROWS))
    assert check.ok and check.new_count == 5
    tree = programme_queries.list_framework_tree(empty_session, contract_id=contract_id)
    assert list(tree["code"]) == ["A", "A.1", "A.1.1", "A.1.2", "A.2", "B", "B.1"]
    assert list(tree["depth"]) == [0, 1, 2, 2, 1, 0, 1]
    assert list(tree["level"][:3]) == ["axe", "objectif", "sous-objectif"]
    assert last_event(empty_session).action == "import"
    # the same file again: nothing new, refused with a French message
    with pytest.raises(ValidationError, match="déjà dans le socle commun"):
        framework_services.import_framework(empty_session, admin, contract_id=contract_id, filename="socle.xlsx",
                                            content=xlsx_file(FRAMEWORK_ROWS))


MALFORMED_FRAMEWORKS = {
    "no level column": ([["Intitulé", "Code"], ["Emploi", "1"]], "Aucune colonne de niveau reconnue"),
    "level 3 without level 2 column": ([["Axe", "Sous-objectif"], ["Emploi", "Mobilité"]],
                                       "n'a pas la colonne du niveau au-dessus"),
    "sub-objective with no axis": ([["Axe", "Objectif", "Sous-objectif"], [None, None, "Mobilité"]],
                                   "sans axe parent"),
    "sub-objective with no objective": ([["Axe", "Objectif", "Sous-objectif"], ["Emploi", None, None],
                                         [None, None, "Mobilité"]], "Mobilité » sans objectif parent"),
    "duplicate codes": ([["Code axe", "Axe"], ["1", "Emploi"], ["1", "Cadre de vie"]], "Code « 1 » en double"),
    "too long title": ([["Axe"], ["x" * 600]], r"trop long \(600 caractères, 500 au plus\)"),
    "duplicate row": ([["Axe", "Objectif"], ["Emploi", "Mobilité"], ["Emploi", "Mobilité"]], "Ligne en double"),
    "only empty rows": ([["Axe", "Objectif"], [None, None], [None, None]], "aucune ligne à importer"),
    "code without title": ([["Axe", "Code objectif", "Objectif"], ["Emploi", "1.1", None]], "donné sans intitulé"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_FRAMEWORKS))
def test_malformed_framework_sheet_is_refused_in_french_and_nothing_is_written(session, case):
    rows, message = MALFORMED_FRAMEWORKS[case]
    admin, contract_id = admin_actor(session), contract(session).id
    nodes, events = node_count(session, contract_id), audit_count(session)
    for name, content in (("socle.csv", csv_file(rows)), ("socle.xlsx", xlsx_file(rows))):
        with pytest.raises(ValidationError, match=message) as refused:
            framework_services.import_framework(session, admin, contract_id=contract_id, filename=name,
                                                content=content)
        assert "rien n'a été modifié" in str(refused.value)
    assert (node_count(session, contract_id), audit_count(session)) == (nodes, events)


def test_unreadable_files_are_refused_in_french(session):
    admin, contract_id = admin_actor(session), contract(session).id
    nodes = node_count(session, contract_id)
    for name, content, message in (("socle.pdf", b"%PDF", "Format non pris en charge"),
                                   ("socle.xlsx", b"pas un classeur", "pas un classeur Excel"),
                                   ("socle.csv", b"", "Le fichier est vide")):
        with pytest.raises(ValidationError, match=message):
            framework_services.import_framework(session, admin, contract_id=contract_id, filename=name,
                                                content=content)
    assert node_count(session, contract_id) == nodes


def test_latin1_semicolon_csv_with_generic_level_headers(empty_session):
    contract_id = blank_contract(empty_session)
    rows = [["Niveau 1", "Niveau 2"], ["Éducation", "Réussite éducative"], [None, "Parentalité"]]
    framework_services.import_framework(empty_session, admin_actor(empty_session), contract_id=contract_id,
                                        filename="socle.csv", content=csv_file(rows, encoding="latin-1"))
    tree = programme_queries.list_framework_tree(empty_session, contract_id=contract_id)
    assert list(tree["title"]) == ["Éducation", "Réussite éducative", "Parentalité"]
    assert list(tree["code"]) == ["1", "1.1", "1.2"]


def test_framework_import_of_200_rows_is_quick(empty_session, record_property):
    contract_id = blank_contract(empty_session)
    rows = [["Axe", "Objectif", "Sous-objectif"]]
    for axis in range(1, 5):
        for objective in range(1, 6):
            rows += [[f"Axe {axis}", f"Objectif {axis}.{objective}", f"Sous-objectif {axis}.{objective}.{sub} "
                      + "texte " * 10] for sub in range(1, 11)]
    assert len(rows) == 201
    content = xlsx_file(rows)
    started = time.perf_counter()
    check = framework_services.import_framework(empty_session, admin_actor(empty_session), contract_id=contract_id,
                                                filename="socle.xlsx", content=content)
    elapsed = time.perf_counter() - started
    record_property("framework_import_200_rows_seconds", round(elapsed, 3))
    print(f"framework import, 200 rows: {elapsed:.3f} s")
    assert check.new_count == 200
    assert node_count(empty_session, contract_id) == 4 + 20 + 200
    assert elapsed < 10


def test_import_adds_under_an_existing_axis_found_by_code_and_refuses_a_code_taken_by_another_title(session):
    admin, contract_id = admin_actor(session), contract(session).id
    axis = node(session, contract_id, "1")
    rows = [["Code axe", "Axe", "Code objectif", "Objectif"], ["1", axis.title, "1.50", "Développer les mobilités"]]
    check = framework_services.import_framework(session, admin, contract_id=contract_id, filename="ajout.csv",
                                                content=csv_file(rows))
    assert [r.status for r in check.rows] == ["nouveau"]
    added = node(session, contract_id, "1.50")
    assert (added.parent_id, added.depth) == (axis.id, 1)
    nodes = node_count(session, contract_id)
    clash = [["Code axe", "Axe"], ["1", "Un autre axe"]]
    with pytest.raises(ValidationError, match="existe déjà dans le socle commun"):
        framework_services.import_framework(session, admin, contract_id=contract_id, filename="clash.csv",
                                            content=csv_file(clash))
    assert node_count(session, contract_id) == nodes


def test_an_objective_moves_under_another_axis_with_its_children(session):
    admin, contract_id = admin_actor(session), contract(session).id
    objective, other_axis = node(session, contract_id, "1.1"), node(session, contract_id, "2")
    children = session.scalars(select(FrameworkNode).where(FrameworkNode.parent_id == objective.id)).all()
    assert children
    framework_services.update_framework_node(session, admin, objective.id, expected_version=objective.version,
                                             code="2.9", title=objective.title, level=objective.level,
                                             parent_id=other_axis.id)
    session.refresh(objective)
    assert (objective.parent_id, objective.depth, objective.code) == (other_axis.id, 1, "2.9")
    assert all(session.get(FrameworkNode, c.id).depth == 2 for c in children)
    tree = programme_queries.list_framework_tree(session, contract_id=contract_id)
    assert tree[tree["parent_id"] == other_axis.id]["code"].iloc[-1] == "2.9"
    child = children[0]
    session.refresh(child)
    with pytest.raises(ValidationError, match="lui-même ni à l'un de ses sous-éléments"):
        framework_services.update_framework_node(session, admin, objective.id, expected_version=objective.version,
                                                 code="2.9", title=objective.title, level=objective.level,
                                                 parent_id=child.id)
    axis = node(session, contract_id, "1")
    framework_services.update_framework_node(session, admin, objective.id, expected_version=objective.version,
                                             code="1.1", title=objective.title, level=objective.level,
                                             parent_id=axis.id)
    session.refresh(objective)
    assert (objective.parent_id, objective.depth) == (axis.id, 1)
