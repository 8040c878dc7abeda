"""Governance on a real database: carry-over of follow-ups, the tracker, rights, locking, postponement, cadence."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from pilotage import clock
from pilotage.errors import ConflictError, PermissionDenied, ValidationError
from pilotage.models import AgendaItem, Attendance, AuditEvent, Decision, Meeting, Organisation, Priority, Programme
from pilotage.queries import governance as queries
from pilotage.services import governance
from tests.factories import admin_actor, contract, make_user, neighbourhood_id

TODAY = dt.date(2026, 11, 23)
D = dt.date


def revue(session, actor, slug: str, date: dt.date, **values) -> int:
    return governance.create_meeting(session, actor, contract_id=contract(session).id, kind="revue_projet",
                                     title=f"Revue de projet – {slug}", date=date,
                                     neighbourhood_id=neighbourhood_id(session, slug), **values)


def organisation_id(session, name: str) -> int:
    return session.scalar(select(Organisation.id).where(Organisation.name == name))


def seeded_meeting(session, kind: str, date: dt.date, slug: str | None = None) -> Meeting:
    statement = select(Meeting).where(Meeting.contract_id == contract(session).id, Meeting.kind == kind,
                                      Meeting.date == date)
    if slug:
        statement = statement.where(Meeting.neighbourhood_id == neighbourhood_id(session, slug))
    return session.scalars(statement).one()


# Carry-over and the tracker --------------------------------------------------------------------------------------


def test_an_open_follow_up_appears_on_the_next_revue_of_the_same_neighbourhood_and_closing_it_is_tracked(session):
    admin = admin_actor(session)
    spring = revue(session, admin, "cite-viotte", D(2031, 4, 8))
    autumn = revue(session, admin, "cite-viotte", D(2031, 10, 14))
    elsewhere = revue(session, admin, "secteur-pesty", D(2031, 10, 14))
    item = governance.add_agenda_item(session, admin, spring, title="Apaisement de la circulation",
                                      section="Point d’étape du projet de quartier")
    decision_id = governance.record_decision(
        session, admin, spring, text="Chiffrer la zone de rencontre de la cité", kind="suite", agenda_item_id=item,
        owner_organisation_id=organisation_id(session, "Grand Besançon Métropole"), owner_person="Service voirie",
        due_on=D(2031, 9, 30))

    carried = queries.list_carried_over(session, meeting_id=autumn, today=D(2031, 10, 1))
    assert carried["id"].tolist() == [decision_id]
    assert carried.loc[0, "state"] == "en_retard"
    assert carried.loc[0, "owner_person"] == "Service voirie"
    assert queries.list_carried_over(session, meeting_id=elsewhere, today=D(2031, 10, 1)).empty
    assert queries.list_carried_over(session, meeting_id=spring, today=D(2031, 10, 1)).empty

    late = queries.list_decisions(session, contract_id=contract(session).id, today=D(2031, 10, 1), state="en_retard")
    assert decision_id in late["id"].tolist()

    version = session.get(Decision, decision_id).version
    governance.set_decision_status(session, admin, decision_id, expected_version=version, status="faite",
                                   closed_on=D(2031, 10, 14))

    done = queries.list_decisions(session, contract_id=contract(session).id, today=D(2031, 10, 15), state="faite")
    assert decision_id in done["id"].tolist()
    assert decision_id not in queries.list_decisions(session, contract_id=contract(session).id,
                                                     today=D(2031, 10, 15), state="en_retard")["id"].tolist()
    # closed at the autumn revue: that revue still lists it (it reviewed it), with its new state
    carried = queries.list_carried_over(session, meeting_id=autumn, today=D(2031, 10, 15))
    assert carried.loc[0, "state"] == "faite"
    event = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "decision",
                                                     AuditEvent.object_id == decision_id,
                                                     AuditEvent.action == "update")).one()
    assert event.username == "admin"
    assert event.before["status"] == "ouverte" and event.after["status"] == "faite"
    assert event.after["closed_on"] == "2031-10-14"
    assert "Clôture" in event.summary


def test_a_follow_up_stays_on_every_later_meeting_of_the_body_until_closed(session):
    admin = admin_actor(session)
    first, second, third = (revue(session, admin, "cite-viotte", day) for day in
                            (D(2031, 4, 8), D(2031, 10, 14), D(2032, 4, 13)))
    decision_id = governance.record_decision(session, admin, first, text="Réunir les commerçants")

    assert decision_id in queries.list_carried_over(session, meeting_id=second, today=TODAY)["id"].tolist()
    assert decision_id in queries.list_carried_over(session, meeting_id=third, today=TODAY)["id"].tolist()


def test_the_seeded_open_follow_up_of_the_autumn_revue_is_on_the_next_planoise_revue(session):
    planned = seeded_meeting(session, "revue_projet", D(2027, 4, 13), "planoise")

    carried = queries.list_carried_over(session, meeting_id=planned.id, today=TODAY)

    assert "Présenter le bilan du premier forum emploi-jeunes" in carried["text"].tolist()
    assert set(carried["meeting_kind"]) == {"revue_projet"}
    assert "Étudier l’extension des horaires de la médiation de nuit" not in carried["text"].tolist(), "closed"


def test_the_seeded_tracker_has_open_late_done_and_dropped_items(session):
    decisions = queries.list_decisions(session, contract_id=contract(session).id, today=TODAY)

    counts = decisions["state"].value_counts()
    assert counts["en_retard"] >= 3 and counts["ouverte"] >= 2 and counts["faite"] >= 5 and counts["abandonnee"] >= 1
    assert decisions["state"].iloc[0] == "en_retard", "late items first"
    assert decisions["illustrative"].all()
    by_owner = queries.list_decisions(session, contract_id=contract(session).id, today=TODAY,
                                      owner_organisation_id=organisation_id(session, "Ville de Besançon"))
    assert set(by_owner["owner"]) == {"Ville de Besançon"}
    copil = queries.list_decisions(session, contract_id=contract(session).id, today=TODAY, meeting_kind="copil")
    assert set(copil["meeting_kind"]) == {"copil"}
    hood = neighbourhood_id(session, "montrapon")
    montrapon = queries.list_decisions(session, contract_id=contract(session).id, today=TODAY, neighbourhood_id=hood)
    assert set(montrapon["neighbourhood"]) == {"Montrapon"}


# Rights --------------------------------------------------------------------------------------------------------


def test_a_neighbourhood_contributor_edits_the_meetings_of_that_neighbourhood_only(session):
    cyril = make_user(session, neighbourhood_slugs=["planoise"])
    mine = revue(session, cyril, "planoise", D(2031, 4, 8))

    with pytest.raises(PermissionDenied):
        revue(session, cyril, "montrapon", D(2031, 4, 8))
    with pytest.raises(PermissionDenied):
        governance.create_meeting(session, cyril, contract_id=contract(session).id, kind="copil",
                                  title="Comité de pilotage du Contrat de Ville", date=D(2031, 6, 24))
    montrapon = seeded_meeting(session, "revue_projet", D(2026, 10, 13), "montrapon")
    with pytest.raises(PermissionDenied):
        governance.record_decision(session, cyril, montrapon.id, text="Décision sans droit")
    assert governance.record_decision(session, cyril, mine, text="Suite autorisée")
    # the Pacte is a programme of Planoise: its meetings are Planoise's
    pacte = seeded_meeting(session, "copil", D(2026, 12, 8))
    assert governance.add_agenda_item(session, cyril, pacte.id, title="Bilan des mesures")


def test_a_contract_wide_meeting_needs_a_contract_wide_contributor(session):
    lea = make_user(session, role="lecteur")
    everywhere = make_user(session, all_neighbourhoods=True)
    copil = seeded_meeting(session, "copil", D(2027, 6, 22))

    with pytest.raises(PermissionDenied):
        governance.add_agenda_item(session, lea, copil.id, title="Point refusé")
    assert governance.add_agenda_item(session, everywhere, copil.id, title="Point accepté")
    assert governance.create_meeting(session, everywhere, contract_id=contract(session).id, kind="copil",
                                     title="Comité de pilotage du Contrat de Ville", date=D(2031, 6, 24))


def test_a_follow_up_of_a_contract_wide_meeting_can_be_closed_by_the_contributor_of_its_neighbourhood(session):
    admin = admin_actor(session)
    cyril = make_user(session, neighbourhood_slugs=["planoise"])
    copil = seeded_meeting(session, "copil", D(2027, 6, 22))
    planoise = governance.record_decision(session, admin, copil.id, text="Pour Planoise",
                                          neighbourhood_id=neighbourhood_id(session, "planoise"))
    battant = governance.record_decision(session, admin, copil.id, text="Pour Battant",
                                         neighbourhood_id=neighbourhood_id(session, "battant"))

    governance.set_decision_status(session, cyril, planoise, expected_version=1, status="faite")
    with pytest.raises(PermissionDenied):
        governance.set_decision_status(session, cyril, battant, expected_version=1, status="faite")
    assert session.get(Decision, planoise).status == "faite"
    assert session.get(Decision, planoise).closed_on == clock.today()


# Locking and validation ------------------------------------------------------------------------------------------


def test_a_stale_edit_of_a_meeting_or_a_decision_is_refused(session):
    admin = admin_actor(session)
    meeting_id = revue(session, admin, "planoise", D(2031, 4, 8))
    values = dict(title="Revue de projet – Planoise", date=D(2031, 4, 8), start_time=dt.time(9), place="MJC",
                  chairs=None, status="prevue", minutes=None)
    governance.update_meeting(session, admin, meeting_id, expected_version=1, **values)
    with pytest.raises(ConflictError):
        governance.update_meeting(session, admin, meeting_id, expected_version=1, **{**values, "place": "Mairie"})
    assert session.get(Meeting, meeting_id).place == "MJC"
    decision_id = governance.record_decision(session, admin, meeting_id, text="Une suite")
    governance.set_decision_status(session, admin, decision_id, expected_version=1, status="abandonnee")
    with pytest.raises(ConflictError):
        governance.set_decision_status(session, admin, decision_id, expected_version=1, status="faite")


def test_attendance_is_recorded_per_organisation_and_a_stale_form_is_refused(session):
    admin = admin_actor(session)
    meeting_id = revue(session, admin, "planoise", D(2031, 4, 8))
    etat, ville = organisation_id(session, "État"), organisation_id(session, "Ville de Besançon")

    governance.record_attendance(session, admin, meeting_id, entries={etat: (True, True), ville: (True, False)},
                                 expected_versions={})
    rows = {r.organisation: (r.invited, r.present) for r in queries.list_attendance(session, meeting_id=meeting_id)
            .itertuples()}
    assert rows == {"État": (True, True), "Ville de Besançon": (True, False)}
    with pytest.raises(ConflictError):  # a form read before the first save
        governance.record_attendance(session, admin, meeting_id, entries={etat: (True, False)}, expected_versions={})
    governance.record_attendance(session, admin, meeting_id, entries={ville: (False, None)},
                                 expected_versions={etat: 1, ville: 1})
    assert session.scalar(select(func.count()).select_from(Attendance).where(Attendance.meeting_id == meeting_id)) == 1


@pytest.mark.parametrize(("values", "message"), [
    ({"kind": "revue_projet", "title": "Revue"}, "revue de projet concerne un quartier"),
    ({"kind": "copil", "title": "  "}, "Intitulé"),
    ({"kind": "fete", "title": "Fête"}, "Type d'instance inconnu"),
    ({"kind": "copil", "title": "COPIL", "status": "tenue"}, "ne peut pas être « tenue »"),
])
def test_meeting_validation(session, values, message):
    with pytest.raises(ValidationError, match=message):
        governance.create_meeting(session, admin_actor(session), contract_id=contract(session).id,
                                  date=D(2031, 1, 1), **values)


def test_postponing_creates_the_meeting_at_the_new_date_which_is_the_one_the_cadence_counts(session):
    admin = admin_actor(session)
    meeting_id = revue(session, admin, "battant", D(2031, 4, 8))
    governance.add_agenda_item(session, admin, meeting_id, title="Commerces")

    new_id = governance.postpone_meeting(session, admin, meeting_id, expected_version=1, new_date=D(2031, 5, 13))

    old, new = session.get(Meeting, meeting_id), session.get(Meeting, new_id)
    assert (old.status, new.status, new.replaces_id, new.date) == ("reportee", "prevue", meeting_id, D(2031, 5, 13))
    assert [i.title for i in session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == new_id))] == \
        ["Commerces"]
    sheet = queries.get_meeting(session, meeting_id=meeting_id)
    assert (sheet.replaced_by_id, sheet.replaced_by_date) == (new_id, D(2031, 5, 13))
    with pytest.raises(ValidationError):
        governance.postpone_meeting(session, admin, meeting_id, expected_version=2, new_date=D(2031, 6, 10))


# Cadence of the seeded contract --------------------------------------------------------------------------------


def test_the_seeded_cadence_shows_the_deliberate_gaps(session):
    rhythm = queries.get_cadence(session, contract_id=contract(session).id, today=TODAY)

    revues = next(g for g in rhythm.grids if g.meeting_kind == "revue_projet")
    cells = {(row.label, cell.year): cell for row in revues.rows for cell in row.cells}
    assert [row.label for row in revues.rows] == ["Planoise", "Montrapon", "Orchamps-Palente", "Clairs-Soleils",
                                                  "Battant", "Hauts de Saint-Claude"]
    assert cells[("Orchamps-Palente", 2025)].state == "manquant"
    assert cells[("Clairs-Soleils", 2025)].state == "manquant"  # one revue cancelled
    assert cells[("Montrapon", 2025)].state == "conforme"  # postponed from 8 April to 13 May
    assert cells[("Montrapon", 2025)].dates == (D(2025, 5, 13), D(2025, 10, 14))
    assert cells[("Battant", 2024)].state == "manquant"
    assert cells[("Hauts de Saint-Claude", 2026)].unconfirmed == 1
    assert cells[("Planoise", 2026)].state == "conforme"
    copil = next(g for g in rhythm.grids if g.meeting_kind == "copil" and g.scope == "contract")
    assert [c.state for c in copil.rows[0].cells[:4]] == ["conforme", "conforme", "conforme", "prevu"]
    pacte = next(g for g in rhythm.grids if g.meeting_kind == "copil" and g.scope == "programme")
    assert [c.state for c in pacte.rows[0].cells[:3]] == ["conforme", "manquant", "prevu"]
    assert [title for _, _, title in rhythm.postponed] == ["Revue de projet – Clairs-Soleils"]
    assert (neighbourhood_id(session, "clairs-soleils"), "Clairs-Soleils", D(2026, 12, 8)) in rhythm.proposals


def test_a_contributor_cannot_record_on_their_meeting_a_decision_concerning_another_neighbourhood(session):
    battant_only = make_user(session, neighbourhood_slugs=["battant"])
    revue = session.scalars(select(Meeting).where(
        Meeting.neighbourhood_id == neighbourhood_id(session, "battant"), Meeting.kind == "revue_projet")
        .order_by(Meeting.date)).first()
    planoise = neighbourhood_id(session, "planoise")
    planoise_priority = session.scalar(select(Priority.id).join(Programme).where(
        Programme.neighbourhood_id == planoise))
    decisions = session.scalar(select(func.count()).select_from(Decision))

    with pytest.raises(PermissionDenied):
        governance.record_decision(session, battant_only, revue.id, text="Pour Planoise", neighbourhood_id=planoise)
    with pytest.raises(PermissionDenied):
        governance.record_decision(session, battant_only, revue.id, text="Pour une priorité de Planoise",
                                   priority_id=planoise_priority)
    with pytest.raises(PermissionDenied):
        governance.add_agenda_item(session, battant_only, revue.id, title="Point sur Planoise",
                                   neighbourhood_id=planoise)

    assert session.scalar(select(func.count()).select_from(Decision)) == decisions
    own = governance.record_decision(session, battant_only, revue.id, text="Pour Battant")
    assert session.get(Decision, own).neighbourhood_id == revue.neighbourhood_id
