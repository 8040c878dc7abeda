"""Programmes et priorités: an administrator sees and edits programmes, priorities and the framework; a reader
never reaches the page."""

from __future__ import annotations

from apptest_support import fail_on_exception, headings, navigation, open_page, start, texts, widget
from sqlalchemy import select

from pilotage.db import make_engine, make_session_factory, session_scope
from pilotage.models import AuditEvent, Priority, Programme
from pilotage.programme_models import PriorityTextRevision
from tests.tables import csv_file

TITLE = "Programmes et priorités"


def _read(app_env, work):
    engine = make_engine(app_env)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return work(session)
    finally:
        engine.dispose()


def test_reader_has_no_such_page_and_is_sent_to_the_overview(actors):
    at = open_page(start(actors["lecteur"]), "programmes")
    fail_on_exception(at)
    assert "programmes" not in navigation(at)
    assert TITLE not in headings(at)


def open_planoise_project(actor, app_env):
    """The page with the projet de quartier of Planoise chosen."""
    at = open_page(start(actor), "programmes")
    chosen = _read(app_env, lambda s: s.scalar(select(Programme.id).where(Programme.slug == "projet-planoise")))
    widget(at.selectbox, "Programme").set_value(chosen).run()
    fail_on_exception(at)
    return at


def test_admin_sees_the_programmes_their_priorities_and_the_framework(actors, app_env):
    at = open_planoise_project(actors["administrateur"], app_env)
    assert TITLE in headings(at)
    shown = texts(at)
    assert "Planoise se réinvente pour redonner son attractivité au quartier" in shown
    assert "Socle commun" in [t.label for t in at.tabs]
    assert any("actif(s)" in c.value for c in at.caption), "the framework tree counts its nodes"


def test_admin_rewords_a_priority_and_sees_the_former_wording(actors, app_env):
    at = open_planoise_project(actors["administrateur"], app_env)
    text_area = widget(at.text_area, "Texte")
    former = text_area.value
    text_area.set_value("Mener à bien le renouvellement urbain avec les habitants")
    next(b for b in at.button if b.label == "Enregistrer" and "priority_form" in str(b.form_id)).click().run()
    fail_on_exception(at)
    assert "Priorité enregistrée." in [s.value for s in at.success]
    assert f"ancienne formulation : « {former} »" in texts(at)

    def stored(session):
        revision = session.scalars(select(PriorityTextRevision)).one()
        priority = session.get(Priority, revision.priority_id)
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        return revision.text, priority.text, event.object_type
    assert _read(app_env, stored) == (former, "Mener à bien le renouvellement urbain avec les habitants",
                                               "priority")


def test_admin_creates_a_programme(actors, app_env):
    at = open_page(start(actors["administrateur"]), "programmes")
    names = [t for t in at.text_input if t.label == "Nom"]
    new_name = names[-1]  # the « Nouveau programme » tab comes last
    new_name.set_value("Pacte de réussite éducative de Montrapon")
    next(b for b in at.button if b.label == "Créer le programme").click().run()
    fail_on_exception(at)
    assert "Programme « Pacte de réussite éducative de Montrapon » créé." in [s.value for s in at.success]
    assert _read(app_env, lambda s: s.scalar(select(Programme.kind).where(
        Programme.name == "Pacte de réussite éducative de Montrapon"))) == "projet_quartier"


def test_admin_previews_a_priority_import_and_a_bad_file_writes_nothing(actors, app_env):
    at = open_planoise_project(actors["administrateur"], app_env)
    count = _read(app_env, lambda s: len(s.scalars(select(Priority)).all()))
    bad = csv_file([["Numéro", "Priorité"], ["1", "Une"], ["1", None]])
    at.file_uploader[0].set_value(("priorites.csv", bad, "text/csv")).run()
    fail_on_exception(at)
    assert any("rien n'a été importé" in e.value for e in at.error)
    assert not [b for b in at.button if b.label.startswith("Importer")]
    good = csv_file([["Rubrique", "Numéro", "Priorité"], ["Nouvelle rubrique", "N1", "Ouvrir un tiers-lieu"]])
    at.file_uploader[0].set_value(("priorites.csv", good, "text/csv")).run()
    fail_on_exception(at)
    next(b for b in at.button if b.label == "Importer (1)").click().run()
    fail_on_exception(at)
    assert any("Import terminé : 1 priorité(s)" in s.value for s in at.success)
    assert _read(app_env, lambda s: len(s.scalars(select(Priority)).all())) == count + 1


def test_the_quartier_page_shows_a_reworded_priority_and_hides_an_archived_one(actors, app_env):
    from pilotage.services import programmes as programme_services

    def change(session):
        project = session.scalar(select(Programme.id).where(Programme.slug == "projet-planoise"))
        first, second = session.scalars(select(Priority).where(Priority.programme_id == project)
                                        .order_by(Priority.position).limit(2)).all()
        former = second.text
        programme_services.archive_priority(session, actors["contributeur"], first.id,
                                            expected_version=first.version)
        programme_services.update_priority(session, actors["contributeur"], second.id,
                                           expected_version=second.version, text="Un quartier propre, avec ses "
                                           "habitants", heading=second.heading, number=second.number,
                                           framework_node_ids=[n.id for n in second.framework_nodes])
        return first.text, former
    archived, former = _read(app_env, change)
    at = open_page(start(actors["lecteur"], {"q": "planoise", "section": "projet"}), "quartier")
    fail_on_exception(at)
    shown = texts(at)
    assert "Un quartier propre, avec ses habitants" in shown
    assert f"ancienne formulation : « {former} »" in shown
    assert archived not in shown


def test_a_contributor_edits_only_the_programmes_of_their_neighbourhood(actors, app_env):
    at = open_page(start(actors["contributeur"]), "programmes")
    fail_on_exception(at)
    assert "programmes" in navigation(at)
    chooser = widget(at.selectbox, "Programme")
    assert chooser.options and all("Planoise" in option for option in chooser.options), chooser.options
    quartier = [s for s in at.selectbox if s.label == "Quartier"]
    assert all(s.options == ["Planoise"] for s in quartier), "a new programme only for their neighbourhood"
    assert "Élément parent" not in [s.label for s in at.selectbox], "the socle commun is not theirs to edit"
    assert any("tenu par les administrateurs" in c.value for c in at.caption)


def test_admin_adds_an_axis_to_the_socle_commun(actors, app_env):
    from pilotage.models import FrameworkNode

    at = open_page(start(actors["administrateur"]), "programmes")
    widget(at.text_input, "Intitulé").set_value("Développer les mobilités douces")
    next(b for b in at.button if b.label == "Ajouter").click().run()
    fail_on_exception(at)
    assert any(s.value.startswith("Élément ") and s.value.endswith("ajouté au socle commun.") for s in at.success)
    assert "Développer les mobilités douces" in texts(at)
    assert _read(app_env, lambda s: s.scalar(select(FrameworkNode.depth).where(
        FrameworkNode.title == "Développer les mobilités douces"))) == 0
