"""Points d'avancement: the illustrative seed, the state reads, recording one point or a whole revue, rights, audit."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from pilotage import audit
from pilotage.errors import ConflictError, PermissionDenied, ValidationError
from pilotage.models import AuditEvent, Contract, Meeting, Priority, PriorityUpdate, Programme
from pilotage.progress import PointInput
from pilotage.queries import progress as queries
from pilotage.services import progress as services
from tests.factories import admin_actor, contract, make_user, neighbourhood_id

TODAY = dt.date(2026, 11, 23)
NOT_YOUR_NEIGHBOURHOOD = "Vous n'avez pas le droit de modifier les données de ce quartier."


def priorities_of(session, programme_slug: str, contract_slug: str = "gbm-2024-2030") -> list[Priority]:
    return list(session.scalars(
        select(Priority).join(Programme).join(Contract)
        .where(Programme.slug == programme_slug, Contract.slug == contract_slug).order_by(Priority.position)))


def count_points(session) -> int:
    return session.scalar(select(func.count()).select_from(PriorityUpdate))


def count_audit(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent))


def new_point(priority_id: int, **changes) -> PointInput:
    values = {"priority_id": priority_id, "recorded_on": TODAY, "weather": "compromis", "progress": 55,
              "difficulties": "Le bailleur s'est retiré", "next_steps": "Arbitrage en COPIL", "author": "Cyril"}
    return PointInput(**(values | changes))


def states(session, **filters):
    return queries.list_priority_states(session, contract_id=contract(session).id, today=TODAY, **filters)


# The seed ----------------------------------------------------------------------------------------------------


def test_the_seed_holds_illustrative_points_for_every_besancon_priority(session):
    gbm = states(session)
    assert len(gbm) == 94  # 6 projets de quartier (64 priorités) and the 30 measures of the Pacte
    assert gbm["point_id"].notna().all(), "every priority has a history"
    points = queries.list_points(session, contract_id=contract(session).id)
    assert len(points) == 509
    assert points["point_illustrative"].all() and points["point_note"].str.len().gt(10).all()
    assert points["recorded_on"].min() >= dt.date(2024, 1, 1) and points["recorded_on"].max() <= TODAY
    assert set(gbm["weather"]) == {"securise", "atteignable", "appui_necessaire", "compromis"}
    assert (gbm["weather"] == "compromis").sum() == 7


def test_seeded_points_refer_to_held_meetings_only_when_one_exists(session):
    points = queries.list_points(session, contract_id=contract(session).id)
    linked = points[points["meeting_id"].notna()]
    meetings = {m.id: m for m in session.scalars(select(Meeting).where(Meeting.id.in_(
        [int(i) for i in linked["meeting_id"].unique()])))}
    assert len(linked) >= 450
    for row in linked.itertuples():
        meeting = meetings[int(row.meeting_id)]
        assert meeting.status == "tenue" and meeting.date == row.recorded_on
        assert meeting.kind in ("revue_projet", "copil")
    clairs_soleils = points[(points["neighbourhood_id"] == neighbourhood_id(session, "clairs-soleils"))
                            & (points["recorded_on"] == dt.date(2026, 6, 23))]
    assert len(clairs_soleils) == 13 and clairs_soleils["meeting_id"].isna().all(), "a written point at no meeting"


def test_staleness_uses_the_contract_threshold_and_today(session):
    gbm = states(session)
    assert gbm["stale"].sum() == 24
    battant = gbm[gbm["neighbourhood_id"] == neighbourhood_id(session, "battant")]
    assert battant["stale"].all() and battant["recorded_on"].max() == dt.date(2026, 4, 14)
    fresh_later = queries.list_priority_states(session, contract_id=contract(session).id, today=dt.date(2026, 6, 1))
    assert fresh_later["stale"].sum() < gbm["stale"].sum()


def test_a_finished_contract_flags_nothing_as_stale(session):
    old = queries.list_priority_states(session, contract_id=contract(session, "gbm-2015-2023").id, today=TODAY)
    assert len(old) == 11 and old["point_id"].isna().all() and not old["stale"].any()


def test_neighbourhood_states_roll_up_and_flag_a_revue_without_points(session):
    hoods = queries.list_neighbourhood_states(session, contract_id=contract(session).id, today=TODAY)
    by_name = hoods.set_index("name")
    assert by_name.loc["Battant", "revue_without_points"]
    assert by_name.loc["Battant", "last_revue_on"] == dt.date(2026, 10, 13)
    assert hoods["revue_without_points"].sum() == 1
    assert by_name.loc["Planoise", "total"] == 42 and by_name.loc["Planoise", "assessed"] == 42
    assert by_name.loc["Hauts de Saint-Claude", "stale"] == 4
    assert by_name.loc["Planoise", "summary"].startswith("☁ Atteignable — 42 engagements évalués sur 42")
    assert by_name.loc["Planoise", "composition"] == "12 priorités du projet de quartier et 30 mesures du Pacte"
    assert by_name.loc["Battant", "summary"] == ("☁ Atteignable au dernier point — 11 priorités évaluées sur 11, "
                                                 "toutes ⚑ sans nouvelles depuis plus de 6 mois · 1 ⚡ compromise")
    assert by_name.loc["Hauts de Saint-Claude", "summary"].endswith("toutes ⚑ sans nouvelles depuis plus de 6 mois")
    assert (hoods["illustrative"] == (hoods["total"] > 0)).all(), "every point of the seed is illustrative"
    assert by_name.loc["Cité Viotte", "summary"] == "Aucune priorité"


def test_the_framework_matrix_rolls_links_up_to_objectives(session):
    matrix = queries.get_framework_matrix(session, contract_id=contract(session).id)
    keys = list(matrix.columns["key"])
    assert keys[:4] == ["objectif-1.1", "objectif-1.2", "objectif-1.3", "objectif-1.4"]
    assert "axe-2" in keys, "six priorities link to axis 2 only"
    assert keys[-1] == "sans-rattachement"
    links = matrix.links.groupby("key").size().to_dict()
    assert links == {"axe-2": 6, "objectif-1.1": 6, "objectif-1.2": 1, "objectif-2.1": 1, "objectif-2.3": 1}


# Recording ----------------------------------------------------------------------------------------------------


def test_a_contributor_records_a_point_that_becomes_the_state_and_is_audited(session):
    contributor = make_user(session, neighbourhood_slugs=["planoise"])
    priority = priorities_of(session, "projet-planoise")[9]
    before = states(session, programme_id=priority.programme_id).set_index("priority_id").loc[priority.id]
    version = audit.get_data_version(session)
    point_id = services.record_point(session, contributor, new_point(priority.id), today=TODAY,
                                     expected_latest={priority.id: before["point_id"]})
    after = states(session, programme_id=priority.programme_id).set_index("priority_id").loc[priority.id]
    assert after["point_id"] == point_id and after["weather"] == "compromis" and after["progress"] == 55
    assert after["points"] == before["points"] + 1 and not after["stale"]
    stored = session.get(PriorityUpdate, point_id)
    assert stored.created_by_id == contributor.id and not stored.illustrative and stored.meeting_id is None
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.username, event.action, event.object_type, event.object_id) == (
        contributor.username, "create", "priority_update", point_id)
    assert "Compromis, 55 %" in event.summary and event.after["weather"] == "compromis"
    assert audit.get_data_version(session) == version + 1


def test_points_are_never_overwritten(session):
    admin = admin_actor(session)
    priority = priorities_of(session, "projet-montrapon")[0]
    history = len(queries.list_points(session, contract_id=contract(session).id, priority_id=priority.id))
    services.record_point(session, admin, new_point(priority.id, weather="atteignable"), today=TODAY)
    services.record_point(session, admin, new_point(priority.id, weather="securise"), today=TODAY)
    points = queries.list_points(session, contract_id=contract(session).id, priority_id=priority.id)
    assert len(points) == history + 2
    assert list(points["weather"].tail(2)) == ["atteignable", "securise"]
    assert states(session, programme_id=priority.programme_id).set_index("priority_id").loc[
        priority.id, "weather"] == "securise", "same day: the later one is the state"


def test_rights_reader_and_other_neighbourhood_are_refused(session):
    planoise_priority = priorities_of(session, "projet-planoise")[0]
    reader = make_user(session, role="lecteur")
    battant_only = make_user(session, neighbourhood_slugs=["battant"])
    points, events = count_points(session), count_audit(session)
    for actor in (reader, battant_only, None):
        with pytest.raises(PermissionDenied, match=NOT_YOUR_NEIGHBOURHOOD):
            services.record_point(session, actor, new_point(planoise_priority.id), today=TODAY)
    assert (count_points(session), count_audit(session)) == (points, events)
    battant_priority = priorities_of(session, "projet-battant")[0]
    assert services.record_point(session, battant_only, new_point(battant_priority.id), today=TODAY)


def test_a_programme_without_neighbourhood_needs_a_contract_wide_contributor(session):
    protocol_priority = priorities_of(session, "protocole-2020", "gbm-2015-2023")[0]
    scoped = make_user(session, neighbourhood_slugs=["planoise"])
    wide = make_user(session, all_neighbourhoods=True)
    with pytest.raises(PermissionDenied):
        services.record_point(session, scoped, new_point(protocol_priority.id), today=TODAY)
    assert services.record_point(session, wide, new_point(protocol_priority.id), today=TODAY)


def test_invalid_points_are_refused_in_french(session):
    admin = admin_actor(session)
    priority = priorities_of(session, "projet-planoise")[0]
    with pytest.raises(ValidationError, match="Météo manquante ou inconnue"):
        services.record_point(session, admin, new_point(priority.id, weather=""), today=TODAY)
    with pytest.raises(ValidationError, match="antérieure au dernier point"):
        services.record_point(session, admin, new_point(priority.id, recorded_on=dt.date(2025, 1, 1)), today=TODAY)
    other_contract_meeting = session.scalar(select(Meeting.id).join(Contract)
                                            .where(Contract.slug == "grand-belfort-2015-2020"))
    with pytest.raises(ValidationError, match="L'instance choisie n'existe pas dans ce contrat"):
        services.record_point(session, admin, new_point(priority.id, meeting_id=other_contract_meeting), today=TODAY)


def test_a_point_recorded_meanwhile_is_a_conflict(session):
    admin = admin_actor(session)
    priority = priorities_of(session, "projet-planoise")[1]
    seen = states(session, programme_id=priority.programme_id).set_index("priority_id").loc[priority.id, "point_id"]
    services.record_point(session, admin, new_point(priority.id, weather="securise"), today=TODAY)
    points = count_points(session)
    with pytest.raises(ConflictError):
        services.record_point(session, admin, new_point(priority.id), today=TODAY,
                              expected_latest={priority.id: seen})
    assert count_points(session) == points


# Bulk recording after a revue ------------------------------------------------------------------------------------


def test_bulk_recording_writes_every_point_in_one_transaction(session):
    contributor = make_user(session, neighbourhood_slugs=["planoise"])
    priorities = priorities_of(session, "projet-planoise")[:4]
    revue = session.scalar(select(Meeting.id).where(Meeting.kind == "revue_projet",
                                                    Meeting.neighbourhood_id == neighbourhood_id(session, "planoise"),
                                                    Meeting.date == dt.date(2026, 10, 13)))
    points, events = count_points(session), count_audit(session)
    ids = services.record_points(session, contributor, [
        new_point(p.id, recorded_on=dt.date(2026, 11, 2), meeting_id=revue) for p in priorities], today=TODAY)
    assert len(ids) == 4
    assert count_points(session) == points + 4 and count_audit(session) == events + 4
    assert {session.get(PriorityUpdate, i).meeting_id for i in ids} == {revue}


def test_a_bulk_with_one_invalid_row_writes_nothing(session):
    admin = admin_actor(session)
    priorities = priorities_of(session, "projet-planoise")[:3]
    points, events = count_points(session), count_audit(session)
    batch = [new_point(priorities[0].id), new_point(priorities[1].id, progress=140), new_point(priorities[2].id)]
    with pytest.raises(ValidationError, match="Priorité 2 .*L'avancement doit être un nombre entier"):
        services.record_points(session, admin, batch, today=TODAY)
    assert (count_points(session), count_audit(session)) == (points, events)


def test_a_bulk_spanning_a_neighbourhood_outside_the_scope_writes_nothing(session):
    contributor = make_user(session, neighbourhood_slugs=["planoise"])
    batch = [new_point(priorities_of(session, "projet-planoise")[0].id),
             new_point(priorities_of(session, "projet-battant")[0].id)]
    points = count_points(session)
    with pytest.raises(PermissionDenied):
        services.record_points(session, contributor, batch, today=TODAY)
    assert count_points(session) == points


def test_a_failure_in_the_middle_of_a_bulk_leaves_nothing(session, monkeypatch):
    admin = admin_actor(session)
    priorities = priorities_of(session, "projet-planoise")[:3]
    points, events, version = count_points(session), count_audit(session), audit.get_data_version(session)
    calls = []

    def failing_record(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise RuntimeError("disque plein")
        return audit_record(*args, **kwargs)

    audit_record = audit.record
    monkeypatch.setattr(services.audit, "record", failing_record)
    with pytest.raises(RuntimeError):
        services.record_points(session, admin, [new_point(p.id) for p in priorities], today=TODAY)
    assert len(calls) == 3
    assert (count_points(session), count_audit(session)) == (points, events)
    assert audit.get_data_version(session) == version


def test_a_bulk_refuses_the_same_priority_twice_and_an_empty_batch(session):
    admin = admin_actor(session)
    priority = priorities_of(session, "projet-planoise")[0]
    with pytest.raises(ValidationError, match="Une même priorité figure deux fois"):
        services.record_points(session, admin, [new_point(priority.id), new_point(priority.id)], today=TODAY)
    with pytest.raises(ValidationError, match="Aucun changement"):
        services.record_points(session, admin, [], today=TODAY)
