"""Contracts set up through the services: create, edit, archive; milestones, rules, comparison areas,
signatories. Rights, French validation messages, versions and audit rows."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from pilotage.errors import ConflictError, PermissionDenied, ValidationError
from pilotage.models import AuditEvent, ComparisonArea, Contract, GovernanceRule, Milestone, Organisation
from pilotage.queries import contract_admin as admin_queries
from pilotage.queries import contracts as contract_queries
from pilotage.queries.governance import get_cadence
from pilotage.services import contracts as services
from tests.factories import admin_actor, make_user
from tests.factories import contract as contract_row

NEW = {"name": "Contrat de Ville de l'Estuaire 2024-2030", "territory": "Estuaire et Loire Agglomération",
       "start_year": 2024, "end_year": 2030}


def audit_rows(session, object_type: str, object_id: int | None = None) -> list[AuditEvent]:
    statement = select(AuditEvent).where(AuditEvent.object_type == object_type).order_by(AuditEvent.id)
    if object_id is not None:
        statement = statement.where(AuditEvent.object_id == object_id)
    return list(session.scalars(statement))


def new_contract(session, **overrides) -> int:
    return services.create_contract(session, admin_actor(session), **{**NEW, **overrides})


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_an_administrator_creates_edits_archives_and_restores_a_contract(session):
    admin = admin_actor(session)
    contract_id = new_contract(session, epci="Estuaire et Loire Agglomération", signed_on=dt.date(2024, 6, 28),
                               communes=[{"code": "44190", "name": "Saint-Aubin-de-l'Estuaire"},
                                         {"code": "49007", "name": "Angevins-le-Lac"}, {"code": "", "name": ""}],
                               summary="Un contrat pour dix communes.", staleness_months=4,
                               indicator_freshness_years=3)

    detail = admin_queries.get_contract_detail(session, contract_id=contract_id)
    assert detail.slug == "contrat-de-ville-de-l-estuaire-2024-2030"
    assert detail.communes == (("44190", "Saint-Aubin-de-l'Estuaire"), ("49007", "Angevins-le-Lac"))
    assert (detail.staleness_months, detail.indicator_freshness_years, detail.status) == (4, 3, "en_cours")
    assert detail.slug in [c.slug for c in contract_queries.list_contracts(session)]

    services.update_contract(session, admin, contract_id, expected_version=detail.version,
                             **{**NEW, "name": "Contrat de Ville de l'Estuaire", "end_year": 2031,
                                "status": "termine", "communes": [{"code": "1053", "name": "Bourg-des-Étangs"}]})
    detail = admin_queries.get_contract_detail(session, contract_id=contract_id)
    assert (detail.name, detail.end_year, detail.status) == ("Contrat de Ville de l'Estuaire", 2031, "termine")
    assert detail.communes == (("01053", "Bourg-des-Étangs"),)  # the leading zero a spreadsheet drops comes back
    assert detail.slug == "contrat-de-ville-de-l-estuaire-2024-2030"  # links keep working

    services.set_contract_archived(session, admin, contract_id, expected_version=detail.version, archived=True)
    assert detail.slug not in [c.slug for c in contract_queries.list_contracts(session)]
    archived = contract_queries.find_contract(session, slug=detail.slug)
    assert archived.archived and archived.name == "Contrat de Ville de l'Estuaire"  # still readable
    assert detail.slug in [c.slug for c in contract_queries.list_contracts(session, include_archived=True)]

    version = admin_queries.get_contract_detail(session, contract_id=contract_id).version
    services.set_contract_archived(session, admin, contract_id, expected_version=version, archived=False)
    assert detail.slug in [c.slug for c in contract_queries.list_contracts(session)]
    assert [e.action for e in audit_rows(session, "contract", contract_id)] == ["create", "update", "archive",
                                                                                "restore"]
    update = audit_rows(session, "contract", contract_id)[1]
    assert update.before["end_year"] == 2030 and update.after["end_year"] == 2031
    assert update.username == "admin"


def test_two_contracts_of_the_same_name_are_refused_and_slugs_stay_unique(session):
    first = new_contract(session)
    with pytest.raises(ValidationError, match="Un autre contrat porte déjà le nom"):
        new_contract(session, name=NEW["name"].upper())
    second = new_contract(session, name="Contrat de Ville de l'Estuaire (2024-2030)")
    slugs = {admin_queries.get_contract_detail(session, contract_id=i).slug for i in (first, second)}
    assert slugs == {"contrat-de-ville-de-l-estuaire-2024-2030", "contrat-de-ville-de-l-estuaire-2024-2030-2"}


@pytest.mark.parametrize(("change", "message"), [
    ({"name": "  "}, "Nom du contrat : ce champ est obligatoire."),
    ({"territory": ""}, "Territoire : ce champ est obligatoire."),
    ({"start_year": 2031}, "Période : l'année de fin (2030) précède l'année de début (2031)."),
    ({"end_year": "vingt"}, "Année de fin : une année, par exemple 2024."),
    ({"start_year": 1850}, "Année de début : une année entre 1990 et 2100"),
    ({"status": "suspendu"}, "Statut inconnu : suspendu."),
    ({"staleness_months": 0}, "Délai « sans nouvelles » (mois) : un nombre entier de 1 à 60."),
    ({"indicator_freshness_years": 2.5}, "Fraîcheur des indicateurs (années) : un nombre entier de 1 à 30."),
    ({"communes": [{"code": "4419", "name": ""}]}, "Commune n° 1 : le nom est obligatoire"),
    ({"communes": [{"code": "ABCDE", "name": "Nulle-part"}]}, "n'est pas un code INSEE de commune"),
    ({"communes": [{"code": "44190", "name": "A"}, {"code": "44190", "name": "B"}]}, "figure deux fois"),
    ({"name": "x" * 301}, "Nom du contrat : 300 caractères au plus"),
])
def test_a_contract_is_validated_in_french_and_nothing_is_written(session, change, message):
    admin_actor(session)
    contracts, events = count(session, Contract), count(session, AuditEvent)
    with pytest.raises(ValidationError) as refused:
        new_contract(session, **change)
    assert message in str(refused.value)
    assert (count(session, Contract), count(session, AuditEvent)) == (contracts, events)


@pytest.mark.parametrize("role", ["lecteur", "contributeur"])
def test_only_administrators_set_up_contracts(session, role):
    actor = make_user(session, role=role, all_neighbourhoods=True)
    existing = contract_row(session)
    contracts, events = count(session, Contract), count(session, AuditEvent)
    calls = [
        lambda: services.create_contract(session, actor, **NEW),
        lambda: services.update_contract(session, actor, existing.id, expected_version=existing.version, **NEW),
        lambda: services.set_contract_archived(session, actor, existing.id, expected_version=existing.version,
                                               archived=True),
        lambda: services.save_milestones(session, actor, contract_id=existing.id, rows=[], seen={}),
        lambda: services.save_governance_rules(session, actor, contract_id=existing.id, rows=[], seen={}),
        lambda: services.save_comparison_areas(session, actor, contract_id=existing.id, rows=[], seen={}),
        lambda: services.save_signatories(session, actor, contract_id=existing.id,
                                          expected_version=existing.version, signatories=[]),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied, match="Cette action est réservée aux administrateurs."):
            call()
    assert (count(session, Contract), count(session, AuditEvent)) == (contracts, events)
    assert not existing.archived


def test_a_stale_contract_form_is_refused(session):
    contract_id = new_contract(session)
    version = admin_queries.get_contract_detail(session, contract_id=contract_id).version
    services.update_contract(session, admin_actor(session), contract_id, expected_version=version,
                             **{**NEW, "summary": "Première modification"})
    with pytest.raises(ConflictError, match="modifié par quelqu'un d'autre"):
        services.update_contract(session, admin_actor(session), contract_id, expected_version=version,
                                 **{**NEW, "summary": "Écrase la première"})
    assert admin_queries.get_contract_detail(session, contract_id=contract_id).summary == "Première modification"


def milestones(session, contract_id):
    return admin_queries.list_milestone_lines(session, contract_id=contract_id)


def seen(frame) -> dict[int, int]:
    return {int(i): int(v) for i, v in zip(frame["id"], frame["version"], strict=True)}


def test_milestones_are_added_edited_and_removed_in_one_save(session):
    admin = admin_actor(session)
    contract_id = new_contract(session)
    changes = services.save_milestones(session, admin, contract_id=contract_id, seen={}, rows=[
        {"date": dt.date(2024, 6, 28), "label": "Signature du contrat", "kind": "signature"},
        {"date": dt.date(2027, 6, 30), "label": "Évaluation à mi-parcours", "kind": "evaluation"},
        {"date": dt.date(2030, 12, 31), "label": "Fin du contrat", "kind": "fin"},
    ])
    assert changes == 3
    lines = milestones(session, contract_id)
    rows = lines.to_dict("records")
    rows[1]["label"] = "Évaluation à mi-parcours (rapport)"
    rows[1]["id"] = float(rows[1]["id"])  # as a table gives it back
    del rows[2]
    rows.append({"id": float("nan"), "version": float("nan"), "date": dt.date(2026, 1, 15),
                 "label": "Comité de pilotage annuel", "kind": None})

    changes = services.save_milestones(session, admin, contract_id=contract_id, rows=rows, seen=seen(lines))

    assert changes == 3  # one edited, one removed, one added; the first untouched
    after = milestones(session, contract_id)
    assert list(after["label"]) == ["Signature du contrat", "Comité de pilotage annuel",
                                    "Évaluation à mi-parcours (rapport)"]
    assert list(after["kind"]) == ["signature", "autre", "evaluation"]
    actions = [e.action for e in audit_rows(session, "milestone")]
    assert actions == ["create", "create", "create", "delete", "update", "create"]


@pytest.mark.parametrize(("row", "message"), [
    ({"date": None, "label": "Signature"}, "Jalon (ligne 1) : la date est obligatoire."),
    ({"date": dt.date(2024, 1, 1), "label": " "}, "Jalon (ligne 1) : libellé : ce champ est obligatoire."),
    ({"date": dt.date(2024, 1, 1), "label": "X", "kind": "fête"}, "Jalon (ligne 1) : type de jalon inconnu"),
])
def test_a_bad_milestone_refuses_the_whole_table(session, row, message):
    contract_id = new_contract(session)
    good = {"date": dt.date(2024, 6, 28), "label": "Signature", "kind": "signature"}
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        services.save_milestones(session, admin_actor(session), contract_id=contract_id, rows=[row, good], seen={})
    assert milestones(session, contract_id).empty


def test_a_line_changed_by_someone_else_meanwhile_refuses_the_save(session):
    admin = admin_actor(session)
    contract_id = new_contract(session)
    services.save_milestones(session, admin, contract_id=contract_id, seen={},
                             rows=[{"date": dt.date(2024, 6, 28), "label": "Signature", "kind": "signature"}])
    shown = milestones(session, contract_id)
    rows = shown.to_dict("records")
    services.save_milestones(session, admin, contract_id=contract_id, seen=seen(shown),
                             rows=[{**rows[0], "label": "Signature officielle"}])

    with pytest.raises(ConflictError):  # the first screen, still open, saves over it
        services.save_milestones(session, admin, contract_id=contract_id, seen=seen(shown),
                                 rows=[{**rows[0], "label": "Signature du contrat"}])
    with pytest.raises(ConflictError):  # or removes it
        services.save_milestones(session, admin, contract_id=contract_id, seen=seen(shown), rows=[])
    assert list(milestones(session, contract_id)["label"]) == ["Signature officielle"]


def test_governance_rules_set_the_cadence_the_governance_page_checks(session):
    admin = admin_actor(session)
    contract_id = new_contract(session)
    services.save_governance_rules(session, admin, contract_id=contract_id, seen={}, rows=[
        {"meeting_kind": "copil", "scope": "contract", "min_per_year": 1, "max_per_year": 2,
         "quote": "Le comité de pilotage se réunit une à deux fois par an."},
        {"meeting_kind": "revue_projet", "scope": "neighbourhood", "min_per_year": 2.0, "max_per_year": 2},
    ])

    cadence = get_cadence(session, contract_id=contract_id, today=dt.date(2026, 11, 23))
    assert [(g.meeting_kind, g.scope, g.minimum, g.maximum) for g in cadence.grids] == [
        ("copil", "contract", 1, 2), ("revue_projet", "neighbourhood", 2, 2)]
    assert cadence.years == tuple(range(2024, 2031))
    assert [e.summary for e in audit_rows(session, "governance_rule")][0].startswith(
        "Ajout : règle Comité de pilotage (Ensemble du contrat, 1 à 2 par an)")


@pytest.mark.parametrize(("row", "message"), [
    ({"meeting_kind": None, "min_per_year": 1}, "Règle (ligne 1) : choisissez le type d'instance."),
    ({"meeting_kind": "copil"}, "indiquez un minimum ou un maximum de réunions par an"),
    ({"meeting_kind": "copil", "min_per_year": 3, "max_per_year": 2}, "le maximum (2) est inférieur au minimum (3)"),
    ({"meeting_kind": "copil", "min_per_year": -1}, "minimum par an : un nombre entier de 0 à 52"),
    ({"meeting_kind": "copil", "scope": "programme", "min_per_year": 1}, "choisissez un programme de ce contrat"),
])
def test_a_bad_rule_is_refused_in_french(session, row, message):
    contract_id = new_contract(session)
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        services.save_governance_rules(session, admin_actor(session), contract_id=contract_id, rows=[row], seen={})
    assert count(session, GovernanceRule) == session.scalar(
        select(func.count()).select_from(GovernanceRule).where(GovernanceRule.contract_id != contract_id))


def test_comparison_areas_are_ordered_and_one_with_values_cannot_be_removed(session):
    admin = admin_actor(session)
    contract_id = new_contract(session)
    services.save_comparison_areas(session, admin, contract_id=contract_id, seen={}, rows=[
        {"name": "Saint-Aubin-de-l'Estuaire", "kind": "commune"}, {"name": "Estuaire et Loire", "kind": "epci"}])
    lines = admin_queries.list_area_lines(session, contract_id=contract_id)
    rows = lines.to_dict("records")
    services.save_comparison_areas(session, admin, contract_id=contract_id, seen=seen(lines),
                                   rows=[rows[1], {**rows[0], "name": "Saint-Aubin"}, {"name": "France",
                                                                                         "kind": "france"}])
    areas = session.scalars(select(ComparisonArea).where(ComparisonArea.contract_id == contract_id)
                            .order_by(ComparisonArea.position)).all()
    assert [(a.name, a.slug, a.position) for a in areas] == [
        ("Estuaire et Loire", "estuaire-et-loire", 0), ("Saint-Aubin", "saint-aubin-de-l-estuaire", 1),
        ("France", "france", 2)]

    besancon = contract_row(session)  # the seed's areas hold indicator values
    lines = admin_queries.list_area_lines(session, contract_id=besancon.id)
    assert lines["values"].gt(0).any()
    with pytest.raises(ValidationError, match="porte .* valeur\\(s\\) d'indicateurs : elle ne peut pas être retirée"):
        services.save_comparison_areas(session, admin, contract_id=besancon.id, rows=[], seen=seen(lines))
    assert len(admin_queries.list_area_lines(session, contract_id=besancon.id)) == len(lines)


def test_signatories_reuse_known_organisations_and_move_the_contract_version(session):
    admin = admin_actor(session)
    contract_id = new_contract(session)
    version = admin_queries.get_contract_detail(session, contract_id=contract_id).version
    organisations = count(session, Organisation)

    services.save_signatories(session, admin, contract_id=contract_id, expected_version=version, signatories=[
        {"name": "État", "kind": "etat"}, {"name": "Estuaire et Loire Agglomération", "kind": "collectivite"},
        {"name": "", "kind": None}])

    assert count(session, Organisation) == organisations + 1  # "État" already signs the seed's contracts
    lines = admin_queries.list_signatory_lines(session, contract_id=contract_id)
    assert sorted(lines["name"]) == ["Estuaire et Loire Agglomération", "État"]
    assert admin_queries.get_contract_detail(session, contract_id=contract_id).version == version + 1
    with pytest.raises(ConflictError):
        services.save_signatories(session, admin, contract_id=contract_id, expected_version=version, signatories=[])
    with pytest.raises(ValidationError, match="figure deux fois"):
        services.save_signatories(session, admin, contract_id=contract_id, expected_version=version + 1,
                                  signatories=[{"name": "État", "kind": "etat"}, {"name": "état", "kind": "etat"}])
    assert audit_rows(session, "contract", contract_id)[-1].after == {
        "signatories": ["Estuaire et Loire Agglomération", "État"]}


def test_a_new_contract_starts_empty_everywhere(session):
    contract_id = new_contract(session)
    figures = contract_queries.get_key_figures(session, contract_id=contract_id)
    assert figures.neighbourhoods_by_kind == {} and figures.priorities == 0
    assert contract_queries.list_neighbourhoods(session, contract_id=contract_id).empty
    assert session.get(Milestone, 1) is None or session.get(Milestone, 1).contract_id != contract_id
