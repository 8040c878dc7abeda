"""FFOM (SWOT): the seeded versions, the services' rights, locking and audit, and version comparison."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from pilotage.audit import get_data_version
from pilotage.errors import ConflictError, PermissionDenied, ValidationError
from pilotage.models import AuditEvent, SwotItem
from pilotage.queries import swot as swot_queries
from pilotage.services import swot as swot_services
from tests.factories import make_user, neighbourhood_id

SOURCE_000 = "000_4192c3a3aeda88e8.txt"


def first_version(session, slug: str) -> int:
    analyses = swot_queries.list_swot_analyses(session, neighbourhood_id=neighbourhood_id(session, slug))
    return int(analyses[~analyses["illustrative"]].iloc[-1]["id"])


def audit_count(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent))


def test_each_qpv_has_a_first_version_derived_from_the_documents(session):
    for slug in ("planoise", "montrapon", "orchamps-palente", "clairs-soleils", "battant", "hauts-de-saint-claude"):
        analyses = swot_queries.list_swot_analyses(session, neighbourhood_id=neighbourhood_id(session, slug))
        derived = analyses[analyses["status"] == "derivee"]
        assert not derived.empty, slug
        items = swot_queries.list_swot_items(session, analysis_id=int(derived.iloc[-1]["id"]))
        assert len(items) >= 5, slug
        assert items["quote"].map(bool).all(), f"{slug}: every derived item cites its passage"
        assert set(items["source"]) <= {SOURCE_000, "001_d197320ae1ca4abb.txt"}


def test_planoise_item_quotes_the_document_and_links_its_evidence(session):
    items = swot_queries.list_swot_items(session, analysis_id=first_version(session, "planoise"))
    young = items[items["text"].str.contains("43 %")].iloc[0]
    assert young.quadrant == "forces"
    assert "43 % des habitants" in young.quote
    assert young.priority_labels, "the item names the priority that answers it"


def test_contributor_of_planoise_adds_an_item_with_audit_and_version_bump(session):
    actor = make_user(session, neighbourhood_slugs=["planoise"])
    analysis_id = first_version(session, "planoise")
    before_version, before_audit = get_data_version(session), audit_count(session)
    item_id = swot_services.create_swot_item(session, actor, analysis_id=analysis_id, quadrant="opportunites",
                                             text="  Ouverture du   nouveau centre social  ")
    item = session.get(SwotItem, item_id)
    assert item.text == "Ouverture du nouveau centre social"
    assert get_data_version(session) == before_version + 1
    assert audit_count(session) == before_audit + 1
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.username, event.action, event.object_type, event.object_id) == (
        actor.username, "create", "swot_item", item_id)
    assert event.after["text"] == "Ouverture du nouveau centre social"


def test_contributor_limited_to_battant_cannot_edit_planoise(session):
    actor = make_user(session, neighbourhood_slugs=["battant"])
    analysis_id = first_version(session, "planoise")
    before = audit_count(session)
    with pytest.raises(PermissionDenied, match="pas le droit"):
        swot_services.create_swot_item(session, actor, analysis_id=analysis_id, quadrant="forces", text="Intrus")
    item = swot_queries.list_swot_items(session, analysis_id=analysis_id).iloc[0]
    with pytest.raises(PermissionDenied):
        swot_services.archive_swot_item(session, actor, int(item.id), expected_version=int(item.version))
    assert audit_count(session) == before
    battant = first_version(session, "battant")
    swot_services.create_swot_item(session, actor, analysis_id=battant, quadrant="forces", text="Marché du samedi")


def test_lecteur_cannot_write(session):
    reader = make_user(session, role="lecteur")
    with pytest.raises(PermissionDenied):
        swot_services.create_swot_item(session, reader, analysis_id=first_version(session, "planoise"),
                                       quadrant="forces", text="Lecture seule")


def test_concurrent_edits_of_an_item_refuse_the_second(session):
    actor = make_user(session, neighbourhood_slugs=["planoise"])
    item = swot_queries.list_swot_items(session, analysis_id=first_version(session, "planoise")).iloc[0]
    version = int(item.version)
    swot_services.update_swot_item(session, actor, int(item.id), expected_version=version, quadrant=item.quadrant,
                                   text="Première rédaction")
    with pytest.raises(ConflictError, match="modifié par quelqu'un d'autre"):
        swot_services.update_swot_item(session, actor, int(item.id), expected_version=version,
                                       quadrant=item.quadrant, text="Seconde rédaction")
    session.expire_all()
    assert session.get(SwotItem, int(item.id)).text == "Première rédaction"


def test_validation_refuses_empty_text_and_foreign_links(session):
    actor = make_user(session, all_neighbourhoods=True)
    analysis_id = first_version(session, "planoise")
    with pytest.raises(ValidationError, match="vide"):
        swot_services.create_swot_item(session, actor, analysis_id=analysis_id, quadrant="forces", text="   ")
    with pytest.raises(ValidationError, match="Quadrant"):
        swot_services.create_swot_item(session, actor, analysis_id=analysis_id, quadrant="atouts", text="x")
    with pytest.raises(ValidationError, match="n'appartient pas"):
        swot_services.create_swot_item(session, actor, analysis_id=analysis_id, quadrant="forces", text="x",
                                       indicator_ids=[10_000_000])


def test_reorder_and_archive(session):
    actor = make_user(session, neighbourhood_slugs=["planoise"])
    analysis_id = first_version(session, "planoise")
    forces = swot_queries.list_swot_items(session, analysis_id=analysis_id).query("quadrant == 'forces'")
    first, second = forces.iloc[0], forces.iloc[1]
    swot_services.move_swot_item(session, actor, int(second.id), expected_version=int(second.version), direction=-1)
    reordered = swot_queries.list_swot_items(session, analysis_id=analysis_id).query("quadrant == 'forces'")
    assert list(reordered["id"][:2]) == [second.id, first.id]
    top = reordered.iloc[0]
    with pytest.raises(ValidationError, match="extrémité"):
        swot_services.move_swot_item(session, actor, int(top.id), expected_version=int(top.version), direction=-1)
    swot_services.archive_swot_item(session, actor, int(top.id), expected_version=int(top.version))
    remaining = swot_queries.list_swot_items(session, analysis_id=analysis_id)
    assert int(top.id) not in set(remaining["id"])
    archived = swot_queries.list_swot_items(session, analysis_id=analysis_id, include_archived=True)
    assert int(top.id) in set(archived["id"])


def test_new_version_copies_items_and_comparison_shows_changes(session):
    actor = make_user(session, neighbourhood_slugs=["montrapon"])
    hood = neighbourhood_id(session, "montrapon")
    original = first_version(session, "montrapon")
    copy = swot_services.create_swot_analysis(session, actor, neighbourhood_id=hood, label="Revue d'automne 2026",
                                              dated=dt.date(2026, 10, 13), copy_from_id=original)
    items = swot_queries.list_swot_items(session, analysis_id=copy)
    assert len(items) == len(swot_queries.list_swot_items(session, analysis_id=original))
    removed = items.iloc[0]
    swot_services.archive_swot_item(session, actor, int(removed.id), expected_version=int(removed.version))
    swot_services.create_swot_item(session, actor, analysis_id=copy, quadrant="menaces",
                                   text="Fermeture du bureau de poste")
    diff = swot_queries.compare_swot(session, before_id=original, after_id=copy)
    assert diff.query("change == 'ajouté'")["text"].tolist() == ["Fermeture du bureau de poste"]
    assert diff.query("change == 'retiré'")["text"].tolist() == [removed.text]
    assert (diff["change"] == "conservé").sum() == len(items) - 1


def test_seeded_planoise_versions_differ(session):
    analyses = swot_queries.list_swot_analyses(session, neighbourhood_id=neighbourhood_id(session, "planoise"))
    assert len(analyses) == 2
    newer, older = int(analyses.iloc[0]["id"]), int(analyses.iloc[1]["id"])
    assert bool(analyses.iloc[0]["illustrative"]) is True
    diff = swot_queries.compare_swot(session, before_id=older, after_id=newer)
    assert (diff["change"] == "ajouté").sum() >= 2
    assert (diff["change"] == "retiré").sum() >= 2


def test_normalise_folds_case_accents_and_punctuation():
    assert swot_queries.normalise("  Équipements, PUBLICS !") == swot_queries.normalise("equipements publics")
