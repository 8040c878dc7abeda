"""The mode séance on the seed: the steps of a Planoise revue and of a GBM COPIL, the running order service
(rights, validation, locking, audit), and a decision captured during a séance."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from pilotage.errors import ConflictError, PermissionDenied, ValidationError
from pilotage.models import AuditEvent, Meeting
from pilotage.queries import governance as governance_queries
from pilotage.queries import seance as queries
from pilotage.seance import OrderEntry, default_order, move_step, toggle_step
from pilotage.services import governance
from pilotage.services import seance as services
from tests.factories import admin_actor, contract, make_user, neighbourhood_id

TODAY = dt.date(2026, 11, 23)
REVUE_DATE, COPIL_DATE = dt.date(2026, 10, 13), dt.date(2026, 6, 23)


def planoise_revue(session) -> Meeting:
    return session.scalars(select(Meeting).where(
        Meeting.contract_id == contract(session).id, Meeting.kind == "revue_projet", Meeting.date == REVUE_DATE,
        Meeting.neighbourhood_id == neighbourhood_id(session, "planoise"))).one()


def gbm_copil(session) -> Meeting:
    return session.scalars(select(Meeting).where(
        Meeting.contract_id == contract(session).id, Meeting.kind == "copil", Meeting.date == COPIL_DATE,
        Meeting.neighbourhood_id.is_(None))).one()


def texts(step) -> str:
    """Every word of a step's slides."""
    parts = []
    for slide in step.slides:
        parts += [slide.title, slide.subtitle, slide.empty, slide.note, slide.chart_text]
        parts += [f"{f.label} {f.value} {f.detail}" for f in slide.figures]
        parts += [f"{i.status} {i.text} {i.extra} {i.detail}" for i in slide.items]
        if slide.table:
            parts += [" ".join(row) for row in (slide.table.headers, *slide.table.rows)]
    return "\n".join(parts).replace("\xa0", " ")  # French formats put no-break spaces in numbers


def test_a_planoise_revue_runs_through_figures_ffom_priorities_follow_ups_and_decisions(session):
    seance = queries.get_seance(session, meeting_id=planoise_revue(session).id, today=TODAY)

    assert seance.fmt == "quartier" and not seance.custom_order
    assert [s.code for s in seance.shown()] == ["portrait", "ffom", "priorites", "suites", "decisions"]
    assert seance.previous[1] == dt.date(2026, 4, 14), "the previous revue of Planoise"
    figures = texts(seance.step("portrait"))
    assert "Habitants 15 378" in figures
    assert "Médiane des revenus disponibles des ménages par unité de consommation 13 080 €" in figures
    assert "Besançon : 19 890 €" in figures
    assert any(slide.chart for slide in seance.step("portrait").slides)
    ffom = texts(seance.step("ffom"))
    assert "Forces (5)" in ffom and "Menaces (4)" in ffom
    priorities = seance.step("priorites")
    words = texts(priorities)
    assert "12 priorités évaluées sur 12" in words, "the projet de quartier only, not the Pacte's 30 mesures"
    assert "1. Mener à bien le projet de renouvellement urbain" in words
    assert "71 % (+17 pts)" in words, "progress and its change since the revue of 14 April 2026"
    assert "depuis la revue du 14 avril 2026" in words
    assert "⚑ sans nouvelles" in words
    assert all(len(s.items) <= 5 for s in priorities.slides)
    assert {i.status.split(" ", 1)[1] for s in priorities.slides for i in s.items} <= {
        "Sécurisé", "Atteignable", "Appui nécessaire", "Compromis", "Pas encore de point"}
    follow_ups = texts(seance.step("suites"))
    assert "✔ faite Proposer au comité de pilotage l’ajout d’une action de prévention des addictions" in follow_ups
    assert "⚠ en retard Recenser les lieux d’accès au numérique" in follow_ups  # older, still open
    decisions = texts(seance.step("decisions"))
    assert "Accès des jeunes à la formation : forum emploi-jeunes" in decisions
    assert "○ ouverte Présenter le bilan du premier forum emploi-jeunes" in decisions


def test_a_gbm_copil_runs_through_the_contract_the_neighbourhoods_the_cadence_and_the_decisions(session):
    seance = queries.get_seance(session, meeting_id=gbm_copil(session).id, today=TODAY)

    assert seance.fmt == "contrat"
    assert [s.code for s in seance.shown()] == ["contrat", "quartiers", "cadence", "a_decider"]
    assert seance.as_of == COPIL_DATE
    overview = texts(seance.step("contrat"))
    assert "Quartiers prioritaires (QPV) 6" in overview and "Habitants des QPV 24 550" in overview
    assert "Prochain jalon 30 juin 2026" in overview
    assert "Priorités des projets de quartier 64 6 programmes" in overview
    assert "Mesures du Pacte 30 Pacte pour l’émancipation des jeunes de Planoise" in overview
    assert "94 engagements évalués sur 94" in overview, "priorités and mesures together are engagements"
    assert "94 priorités" not in overview
    hoods = seance.step("quartiers")
    lines = [i for s in hoods.slides for i in s.items]
    assert [i.text.split(" — ")[0] for i in lines] == ["Planoise", "Montrapon", "Orchamps-Palente", "Clairs-Soleils",
                                                       "Battant", "Hauts de Saint-Claude"]
    assert all(i.status.startswith(("☀", "☁", "☂", "⚡")) for i in lines)
    assert "Sans priorités suivies : Cité Curie-Pasteur" in texts(hoods)
    assert "depuis le COPIL du 9 décembre 2025" in texts(hoods)
    cadence = texts(seance.step("cadence"))
    assert "Orchamps-Palente ✔ 2/2 conforme ✘ 1/2 manquant ✔ 2/2 conforme" in cadence
    assert "Instance 2024 2025 2026" in cadence
    decide = texts(seance.step("a_decider"))
    assert "Évaluation à mi-parcours : premiers résultats" in decide
    assert "⚠ en retard Mettre à jour les portraits de quartier" in decide, "open follow-up of the previous COPIL"
    assert "Rédiger l’avenant d’actualisation du contrat pour 2027" in decide


def test_a_decision_captured_during_the_seance_is_in_the_seance_the_meeting_sheet_and_the_tracker(session):
    revue = planoise_revue(session)
    contributor = make_user(session, neighbourhood_slugs=["planoise"])

    decision_id = governance.record_decision(session, contributor, revue.id, text="Organiser une marche exploratoire",
                                             kind="decision")

    seance = queries.get_seance(session, meeting_id=revue.id, today=TODAY)
    assert "Organiser une marche exploratoire" in texts(seance.step("decisions"))
    record = governance_queries.get_meeting_record(session, meeting_id=revue.id, today=TODAY)
    assert decision_id in set(record.decisions["id"])
    tracker = governance_queries.list_decisions(session, contract_id=contract(session).id, today=TODAY)
    assert decision_id in set(tracker["id"])


def test_a_contributor_reorders_and_hides_steps_and_every_screen_follows(session):
    revue = planoise_revue(session)
    contributor = make_user(session, username="claire", neighbourhood_slugs=["planoise"])
    order = toggle_step(move_step(default_order("quartier"), "decisions", -4), "ffom")

    services.set_running_order(session, contributor, revue.id, expected_version=revue.version, order=order)

    seance = queries.get_seance(session, meeting_id=revue.id, today=TODAY)
    assert [s.code for s in seance.shown()] == ["decisions", "portrait", "priorites", "suites"]
    assert seance.custom_order
    event = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "meeting")
                            .order_by(AuditEvent.id.desc())).first()
    assert event.username == "claire"
    assert "Déroulé de la séance" in event.summary and "Forces, faiblesses, opportunités, menaces (masquée)" \
        in event.summary
    session.refresh(revue)
    services.set_running_order(session, contributor, revue.id, expected_version=revue.version, order=None)
    session.refresh(revue)
    assert revue.running_order is None
    assert not queries.get_seance(session, meeting_id=revue.id, today=TODAY).custom_order


def test_the_running_order_needs_the_right_on_the_meeting_and_a_valid_order(session):
    revue, copil = planoise_revue(session), gbm_copil(session)
    reader = make_user(session, role="lecteur")
    elsewhere = make_user(session, neighbourhood_slugs=["battant"])
    planoise = make_user(session, neighbourhood_slugs=["planoise"])
    hidden = toggle_step(default_order("quartier"), "ffom")

    for actor, meeting in ((reader, revue), (elsewhere, revue), (planoise, copil)):
        with pytest.raises(PermissionDenied):
            services.set_running_order(session, actor, meeting.id, expected_version=meeting.version, order=hidden)
    with pytest.raises(ValidationError, match="Étape inconnue pour une séance de quartier : cadence"):
        services.set_running_order(session, planoise, revue.id, expected_version=revue.version,
                                   order=(*hidden, OrderEntry("cadence")))
    with pytest.raises(ValidationError, match="Au moins une étape doit rester affichée"):
        services.set_running_order(session, planoise, revue.id, expected_version=revue.version,
                                   order=tuple(OrderEntry(e.step, False) for e in hidden))
    with pytest.raises(ValidationError, match="Aucun changement"):
        services.set_running_order(session, planoise, revue.id, expected_version=revue.version,
                                   order=default_order("quartier"))
    assert session.get(Meeting, revue.id).running_order is None


def test_a_running_order_changed_meanwhile_is_refused(session):
    revue = planoise_revue(session)
    admin = admin_actor(session)
    seen = revue.version
    services.set_running_order(session, admin, revue.id, expected_version=seen,
                               order=toggle_step(default_order("quartier"), "ffom"))

    with pytest.raises(ConflictError):
        services.set_running_order(session, admin, revue.id, expected_version=seen,
                                   order=toggle_step(default_order("quartier"), "suites"))


def test_the_picker_offers_revues_and_copil_first(session):
    meetings = queries.list_seance_meetings(session, contract_id=contract(session).id, today=TODAY)

    first = meetings.head(8)
    assert set(first["kind"]) <= {"revue_projet", "copil"}
    assert first.iloc[0]["date"] >= TODAY, "the next one to come first"
    assert len(meetings) == len(governance_queries.list_meetings(session, contract_id=contract(session).id))
