"""Programmes and priorities: create, edit, reorder, move between headings, link, archive, reword, import."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from pilotage.errors import ConflictError, PermissionDenied, ValidationError
from pilotage.models import AuditEvent, FrameworkNode, Priority, PriorityUpdate, Programme
from pilotage.programme_models import PriorityTextRevision
from pilotage.progress import PointInput
from pilotage.queries import neighbourhoods as neighbourhood_queries
from pilotage.queries import programmes as programme_queries
from pilotage.queries import progress as progress_queries
from pilotage.services import priority_import
from pilotage.services import programmes as programme_services
from pilotage.services import progress as progress_services
from tests.factories import admin_actor, contract, make_user, neighbourhood_id
from tests.programme_factories import blank_contract, blank_neighbourhood
from tests.tables import csv_file, xlsx_file

DAY = dt.date(2026, 11, 23)


def audit_count(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent))


def last_event(session) -> AuditEvent:
    return session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()


def programme(session, slug: str = "projet-planoise") -> Programme:
    return session.scalar(select(Programme).where(Programme.slug == slug,
                                                  Programme.contract_id == contract(session).id))


def priority_with_points(session) -> Priority:
    has_points = select(PriorityUpdate.priority_id)
    return session.scalar(select(Priority).where(Priority.programme_id == programme(session).id,
                                                 Priority.id.in_(has_points)).order_by(Priority.position))


def priority_count(session, programme_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Priority).where(Priority.programme_id == programme_id))


def test_contributor_creates_a_programme_for_their_neighbourhood_only(session):
    contract_id, planoise = contract(session).id, neighbourhood_id(session, "planoise")
    actor = make_user(session, neighbourhood_slugs=["planoise"])
    programme_id = programme_services.create_programme(
        session, actor, contract_id=contract_id, kind="pacte", name="Pacte pour la réussite éducative",
        neighbourhood_id=planoise, title="Réussir à Planoise", adopted_on=dt.date(2025, 3, 14))
    created = session.get(Programme, programme_id)
    assert (created.slug, created.kind, created.neighbourhood_id) == ("pacte-pour-la-reussite-educative", "pacte",
                                                                      planoise)
    assert (last_event(session).action, last_event(session).object_type) == ("create", "programme")
    with pytest.raises(PermissionDenied, match="droit de modifier"):
        programme_services.create_programme(session, actor, contract_id=contract_id, kind="pacte", name="Autre",
                                            neighbourhood_id=neighbourhood_id(session, "battant"))
    with pytest.raises(PermissionDenied):
        programme_services.create_programme(session, actor, contract_id=contract_id, kind="protocole",
                                            name="Protocole du contrat", neighbourhood_id=None)
    with pytest.raises(ValidationError, match="Type de programme inconnu"):
        programme_services.create_programme(session, actor, contract_id=contract_id, kind="plan", name="Plan",
                                            neighbourhood_id=planoise)


def test_reader_may_not_touch_programmes_or_priorities(session):
    reader = make_user(session, role="lecteur")
    target = priority_with_points(session)
    with pytest.raises(PermissionDenied):
        programme_services.update_priority(session, reader, target.id, expected_version=target.version,
                                           text="Autre texte", heading=target.heading, number=target.number,
                                           framework_node_ids=[])
    with pytest.raises(PermissionDenied):
        programme_services.archive_priority(session, reader, target.id, expected_version=target.version)


def test_admin_edits_a_programme_and_a_stale_form_is_refused(session):
    admin, target = admin_actor(session), programme(session)
    version = target.version
    programme_services.update_programme(session, admin, target.id, expected_version=version, kind=target.kind,
                                        name=target.name, neighbourhood_id=target.neighbourhood_id,
                                        title="Nouveau titre", adopted_on=dt.date(2024, 6, 20))
    session.refresh(target)
    assert (target.title, target.adopted_on) == ("Nouveau titre", dt.date(2024, 6, 20))
    before = audit_count(session)
    with pytest.raises(ConflictError, match="modifié par quelqu'un d'autre"):
        programme_services.update_programme(session, admin, target.id, expected_version=version, kind=target.kind,
                                            name="Écrasé", neighbourhood_id=target.neighbourhood_id, title=None,
                                            adopted_on=None)
    session.refresh(target)
    assert target.name != "Écrasé" and audit_count(session) == before


def test_rewording_keeps_the_id_the_points_and_the_former_text(session, pin_today):
    pin_today(DAY)
    actor = make_user(session, neighbourhood_slugs=["planoise"], display_name="Awa Diallo")
    target = priority_with_points(session)
    points = len(progress_queries.list_points(session, contract_id=contract(session).id, priority_id=target.id))
    former, links = target.text, [n.id for n in target.framework_nodes]
    programme_services.update_priority(session, actor, target.id, expected_version=target.version,
                                       text="Texte reformulé en revue de projet", heading=target.heading,
                                       number=target.number, framework_node_ids=links)
    session.refresh(target)
    assert target.text == "Texte reformulé en revue de projet"
    assert len(progress_queries.list_points(session, contract_id=contract(session).id, priority_id=target.id)) \
        == points > 0
    revision = session.scalar(select(PriorityTextRevision).where(PriorityTextRevision.priority_id == target.id))
    assert (revision.text, revision.replaced_on, revision.author) == (former, DAY, "Awa Diallo")
    states = progress_queries.list_priority_states(session, contract_id=contract(session).id, today=DAY,
                                                   programme_id=target.programme_id)
    shown = states[states["priority_id"] == target.id].iloc[0]
    assert shown["points"] == points and shown["revisions"] == [(DAY, former, "Awa Diallo")]
    written = neighbourhood_queries.list_priorities(session, programme_id=target.programme_id)
    assert written[written["id"] == target.id].iloc[0]["revisions"] == [(DAY, former, "Awa Diallo")]
    assert "reformulée" in last_event(session).summary
    # a change of links only keeps the text and adds no revision
    node = session.scalar(select(FrameworkNode).where(FrameworkNode.contract_id == contract(session).id,
                                                      FrameworkNode.code == "1"))
    programme_services.update_priority(session, actor, target.id, expected_version=target.version,
                                       text=target.text, heading=target.heading, number=target.number,
                                       framework_node_ids=[*links, node.id])
    assert session.scalar(select(func.count()).select_from(PriorityTextRevision)
                          .where(PriorityTextRevision.priority_id == target.id)) == 1
    assert node.id in {n.id for n in session.get(Priority, target.id).framework_nodes}


def test_add_reorder_and_move_between_headings(session):
    admin, target = admin_actor(session), programme(session)
    headings = programme_queries.list_headings(session, programme_id=target.id)
    new_id = programme_services.create_priority(session, admin, programme_id=target.id, heading=headings[0],
                                                number="1 bis", text="Ouvrir une maison des projets")
    rows = programme_queries.list_editable_priorities(session, programme_id=target.id)
    first_group = rows[rows["heading"] == headings[0]]
    assert first_group["id"].iloc[-1] == new_id
    new = session.get(Priority, new_id)
    programme_services.move_priority(session, admin, new_id, expected_version=new.version, direction=-1)
    rows = programme_queries.list_editable_priorities(session, programme_id=target.id)
    assert rows[rows["heading"] == headings[0]]["id"].iloc[-2] == new_id
    with pytest.raises(ValidationError, match="extrémité"):
        top = session.get(Priority, int(rows["id"].iloc[0]))
        programme_services.move_priority(session, admin, top.id, expected_version=top.version, direction=-1)
    session.refresh(new)
    programme_services.update_priority(session, admin, new_id, expected_version=new.version, text=new.text,
                                       heading=headings[1], number=new.number, framework_node_ids=[])
    rows = programme_queries.list_editable_priorities(session, programme_id=target.id)
    second = rows[rows["heading"] == headings[1]]
    assert second["id"].iloc[-1] == new_id
    assert list(rows["position"]) == list(range(len(rows)))
    session.refresh(new)
    programme_services.update_priority(session, admin, new_id, expected_version=new.version, text=new.text,
                                       heading="Une rubrique nouvelle", number=new.number, framework_node_ids=[])
    assert programme_queries.list_headings(session, programme_id=target.id)[-1] == "Une rubrique nouvelle"
    with pytest.raises(ValidationError, match="déjà pris"):
        programme_services.create_priority(session, admin, programme_id=target.id, number="1 bis", text="Doublon")


def test_archived_priority_leaves_follow_up_and_counts_but_keeps_its_points(session, pin_today):
    pin_today(DAY)
    admin, target = admin_actor(session), priority_with_points(session)
    contract_id, programme_id = contract(session).id, target.programme_id
    counted = progress_queries.list_programmes(session, contract_id=contract_id)
    before_count = int(counted[counted["id"] == programme_id]["priorities"].iloc[0])
    points = len(progress_queries.list_points(session, contract_id=contract_id, priority_id=target.id))
    programme_services.archive_priority(session, admin, target.id, expected_version=target.version)
    assert last_event(session).action == "archive"
    states = progress_queries.list_priority_states(session, contract_id=contract_id, today=DAY)
    assert target.id not in set(states["priority_id"])
    counted = progress_queries.list_programmes(session, contract_id=contract_id)
    assert int(counted[counted["id"] == programme_id]["priorities"].iloc[0]) == before_count - 1
    matrix = progress_queries.get_framework_matrix(session, contract_id=contract_id)
    assert target.id not in set(matrix.links["priority_id"])
    written = neighbourhood_queries.list_priorities(session, programme_id=programme_id)
    assert target.id not in set(written["id"])
    assert len(progress_queries.list_points(session, contract_id=contract_id, priority_id=target.id)) == points
    editable = programme_queries.list_editable_priorities(session, programme_id=programme_id)
    assert bool(editable[editable["id"] == target.id].iloc[0]["archived"])
    with pytest.raises(ValidationError, match="archivée"):
        progress_services.record_point(session, admin, PointInput(priority_id=target.id, recorded_on=DAY,
                                                                  weather="securise", author="Test"))
    session.refresh(target)
    programme_services.archive_priority(session, admin, target.id, expected_version=target.version, archived=False)
    states = progress_queries.list_priority_states(session, contract_id=contract_id, today=DAY)
    assert target.id in set(states["priority_id"])


def test_link_to_a_node_of_another_contract_is_refused(session):
    admin, target = admin_actor(session), priority_with_points(session)
    foreign = session.scalar(select(FrameworkNode).where(FrameworkNode.contract_id != contract(session).id))
    with pytest.raises(ValidationError, match="n'appartient pas à ce contrat"):
        programme_services.update_priority(session, admin, target.id, expected_version=target.version,
                                           text=target.text, heading=target.heading, number=target.number,
                                           framework_node_ids=[foreign.id])


PRIORITY_ROWS = [
    ["Rubrique", "Numéro", "Priorité", "Code socle"],
    ["Vivre ensemble", "1", "Soutenir les associations de locataires", "A"],
    [None, "2", "Créer un jardin partagé", "A; A.1"],
    ["Réussite éducative", "3", "Ouvrir un lieu d'aide aux devoirs", None],
]


def new_territory(session) -> tuple[int, int]:
    """A contract with a two-node framework and a programme for one QPV: (contract id, programme id)."""
    admin = admin_actor(session)
    contract_id = blank_contract(session)
    hood = blank_neighbourhood(session, contract_id)
    axis = FrameworkNode(contract_id=contract_id, code="A", level="axe", depth=0, title="Cohésion sociale")
    session.add(axis)
    session.flush()
    session.add(FrameworkNode(contract_id=contract_id, parent_id=axis.id, code="A.1", level="objectif", depth=1,
                              title="Participation des habitants"))
    session.commit()
    programme_id = programme_services.create_programme(session, admin, contract_id=contract_id,
                                                       kind="projet_quartier", name="Projet des Tilleuls",
                                                       neighbourhood_id=hood)
    return contract_id, programme_id


def test_priorities_import_adds_headings_numbers_and_links(empty_session):
    _, programme_id = new_territory(empty_session)
    check = priority_import.import_priorities(empty_session, admin_actor(empty_session), programme_id=programme_id,
                                              filename="priorites.csv",
                                              content=csv_file(PRIORITY_ROWS, encoding="latin-1"))
    assert check.new_count == 3
    rows = programme_queries.list_editable_priorities(empty_session, programme_id=programme_id)
    assert list(rows["heading"]) == ["Vivre ensemble", "Vivre ensemble", "Réussite éducative"]
    assert list(rows["heading_position"]) == [0, 0, 1]
    assert list(rows["number"]) == ["1", "2", "3"]
    assert list(rows["framework_codes"]) == [["A"], ["A", "A.1"], []]
    assert last_event(empty_session).action == "import"


MALFORMED_PRIORITIES = {
    "no text column": ([["Rubrique", "Numéro"], ["Vivre ensemble", "1"]], "Colonne du texte introuvable"),
    "empty text": ([["Numéro", "Priorité"], ["1", None]], "Le texte de la priorité est vide"),
    "duplicate number": ([["Numéro", "Priorité"], ["1", "Une"], ["1", "Deux"]], "Numéro « 1 » en double"),
    "unknown framework code": ([["Priorité", "Code socle"], ["Une", "Z.9"]], "inconnu"),
    "too long text": ([["Priorité"], ["x" * 1200]], "trop long"),
    "no row": ([["Priorité"], [None]], "aucune priorité"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_PRIORITIES))
def test_malformed_priority_sheet_is_refused_in_french_and_nothing_is_written(empty_session, case):
    rows, message = MALFORMED_PRIORITIES[case]
    _, programme_id = new_territory(empty_session)
    admin = admin_actor(empty_session)
    events = audit_count(empty_session)
    for name, content in (("p.csv", csv_file(rows)), ("p.xlsx", xlsx_file(rows))):
        with pytest.raises(ValidationError, match=re.escape(message)) as refused:
            priority_import.import_priorities(empty_session, admin, programme_id=programme_id, filename=name,
                                              content=content)
        assert "rien n'a été modifié" in str(refused.value)
    assert priority_count(empty_session, programme_id) == 0
    assert audit_count(empty_session) == events


def test_number_already_in_the_programme_is_refused(empty_session):
    _, programme_id = new_territory(empty_session)
    admin = admin_actor(empty_session)
    programme_services.create_priority(empty_session, admin, programme_id=programme_id, number="1", text="Existante")
    with pytest.raises(ValidationError, match="déjà pris dans ce programme"):
        priority_import.import_priorities(empty_session, admin, programme_id=programme_id, filename="p.csv",
                                          content=csv_file([["N°", "Priorité"], ["1", "Nouvelle"]]))
    assert priority_count(empty_session, programme_id) == 1


def test_archived_priority_leaves_the_key_figures_the_seance_and_the_update_sheet(session, pin_today):
    from pilotage.queries import contracts as contract_queries
    from pilotage.queries import progress_sheet as sheet_queries

    pin_today(DAY)
    admin, target = admin_actor(session), priority_with_points(session)
    contract_id, planoise = contract(session).id, neighbourhood_id(session, "planoise")
    figures = contract_queries.get_key_figures(session, contract_id=contract_id)
    hoods = contract_queries.list_neighbourhoods(session, contract_id=contract_id)
    counted = int(hoods[hoods["id"] == planoise]["priorities"].iloc[0])
    programme_services.archive_priority(session, admin, target.id, expected_version=target.version)
    assert contract_queries.get_key_figures(session, contract_id=contract_id).priorities == figures.priorities - 1
    hoods = contract_queries.list_neighbourhoods(session, contract_id=contract_id)
    assert int(hoods[hoods["id"] == planoise]["priorities"].iloc[0]) == counted - 1
    scope = sheet_queries.get_sheet_scope(session, scope_kind="quartier", scope_id=planoise, today=DAY)
    assert target.id not in set(scope.states["priority_id"])


def test_the_seance_of_a_revue_shows_the_new_wording_and_skips_the_archived_priority(session):
    from pilotage.queries import seance as seance_queries
    from tests.storage.test_seance import TODAY, planoise_revue, texts

    admin = admin_actor(session)
    first, second = session.scalars(select(Priority).where(Priority.programme_id == programme(session).id)
                                    .order_by(Priority.position).limit(2)).all()
    programme_services.archive_priority(session, admin, first.id, expected_version=first.version)
    programme_services.update_priority(session, admin, second.id, expected_version=second.version,
                                       text="Propreté du quartier : un plan avec les habitants", heading=second.heading,
                                       number=second.number, framework_node_ids=[n.id for n in second.framework_nodes])
    seance = seance_queries.get_seance(session, meeting_id=planoise_revue(session).id, today=TODAY)
    words = texts(seance.step("priorites"))
    assert "sur 11" in words and "sur 12" not in words
    assert "Mener à bien le projet de renouvellement urbain" not in words
    assert "Propreté du quartier : un plan avec les habitants" in words


def test_a_priority_edited_meanwhile_is_not_overwritten(session):
    admin, target = admin_actor(session), priority_with_points(session)
    seen = target.version
    programme_services.update_priority(session, admin, target.id, expected_version=seen, text="Première version",
                                       heading=target.heading, number=target.number, framework_node_ids=[])
    revisions, events = session.scalar(select(func.count()).select_from(PriorityTextRevision)), audit_count(session)
    for write in (
        lambda: programme_services.update_priority(session, admin, target.id, expected_version=seen,
                                                   text="Seconde version", heading=target.heading,
                                                   number=target.number, framework_node_ids=[]),
        lambda: programme_services.archive_priority(session, admin, target.id, expected_version=seen),
        lambda: programme_services.move_priority(session, admin, target.id, expected_version=seen, direction=1),
    ):
        with pytest.raises(ConflictError, match="Rien n'a été enregistré"):
            write()
    session.refresh(target)
    assert (target.text, target.archived) == ("Première version", False)
    assert session.scalar(select(func.count()).select_from(PriorityTextRevision)) == revisions
    assert audit_count(session) == events


def test_a_heading_is_renamed_for_all_its_priorities_with_one_audit_row(session):
    actor = make_user(session, neighbourhood_slugs=["planoise"])
    target = programme(session)
    rows = programme_queries.list_editable_priorities(session, programme_id=target.id)
    heading = programme_queries.list_headings(session, programme_id=target.id)[0]
    under = rows[rows["heading"] == heading]
    versions = {int(r.id): int(r.version) for r in under.itertuples()}
    events = audit_count(session)
    count = programme_services.rename_heading(session, actor, target.id, heading=heading,
                                              new_heading="Un quartier attractif", expected_versions=versions)
    assert count == len(under) and audit_count(session) == events + 1
    assert programme_queries.list_headings(session, programme_id=target.id)[0] == "Un quartier attractif"
    with pytest.raises(ValidationError, match="n'existe plus"):
        programme_services.rename_heading(session, actor, target.id, heading=heading, new_heading="Autre",
                                          expected_versions=versions)
    with pytest.raises(ConflictError):
        programme_services.rename_heading(session, actor, target.id, heading="Un quartier attractif",
                                          new_heading="Autre", expected_versions=versions)
