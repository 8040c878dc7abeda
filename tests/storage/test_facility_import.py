"""Facilities: import with positions in degrees or Lambert-93, the form, archiving, and the maps without archives."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from pilotage.errors import ConflictError, PermissionDenied, ValidationError
from pilotage.facility_import import LAMBERT93, WGS84, FacilityMapping, locate
from pilotage.models import AuditEvent, Facility
from pilotage.queries import maps as map_queries
from pilotage.queries.facilities import list_facilities
from pilotage.services.facilities import (
    FacilityFields,
    create_facility,
    import_facilities,
    set_facility_archived,
    update_facility,
)
from tests.factories import admin_actor, contract, make_user, neighbourhood

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LAMBERT = FacilityMapping(name="Nom", kind="Type", address="Adresse", neighbourhoods="Quartier", x="X (Lambert-93)",
                          y="Y (Lambert-93)")
SIMPLE = FacilityMapping(name="nom", kind="type", neighbourhoods="quartier", x="lon", y="lat")
SOURCE = "Recensement des équipements de la Ville, 2025"
PLANOISE_CENTRE = "Maison de quartier – Centre social - Planoise"


def state(session) -> tuple:
    rows = session.execute(select(Facility.name, Facility.kind, Facility.longitude, Facility.latitude,
                                  Facility.archived, Facility.version).order_by(Facility.id)).all()
    return [tuple(r) for r in rows], session.scalar(select(func.count()).select_from(AuditEvent))


def run_import(session, content: bytes, mapping: FacilityMapping = SIMPLE, actor=None, filename: str = "eq.csv"):
    return import_facilities(session, actor or admin_actor(session), contract_id=contract(session).id,
                             filename=filename, content=content, mapping=mapping, source=SOURCE)


def test_the_lambert93_fixture_is_reprojected_and_updates_the_facility_of_the_same_name(session):
    neighbourhood(session, "planoise").official_code = "QN02501M"  # the made-up code of tests/fixtures (README)
    session.commit()
    before = len(list_facilities(session, contract_id=contract(session).id))
    report = run_import(session, (FIXTURES / "equipements_lambert93.csv").read_bytes(), LAMBERT)

    assert (report.created, report.updated, report.reprojected) == (2, 1, 3)
    facilities = list_facilities(session, contract_id=contract(session).id).set_index("name")
    assert len(facilities) == before + 2
    library = facilities.loc["Médiathèque Nelson Mandela"]
    assert (library["kind"], library["neighbourhoods"], library["commune"]) == ("mediatheque", "Planoise", "Besançon")
    assert library["longitude"] == pytest.approx(5.9553, abs=1e-6)
    assert library["latitude"] == pytest.approx(47.2259, abs=1e-6)
    centre = facilities.loc[PLANOISE_CENTRE]
    assert centre["kind"] == "centre_social" and centre["source"] == SOURCE and not centre["location_approximate"]
    assert centre["longitude"] == pytest.approx(5.9601, abs=1e-6)
    assert facilities.loc["Gymnase Montrapon", "kind"] == "equipement_sportif"


def test_degrees_and_lambert93_are_told_apart_and_swaps_are_caught():
    assert locate("6,0241", "47,2378") == (6.0241, 47.2378, False)
    lon, lat, reprojected = locate("928723,26", "6686324,57")
    assert reprojected and lon == pytest.approx(6.0241, abs=1e-6) and lat == pytest.approx(47.2378, abs=1e-6)
    assert locate("", None) is None
    with pytest.raises(ValueError, match="semblent inversées"):
        locate("47,2378", "6,0241")
    with pytest.raises(ValueError, match="hors des plages du Lambert-93"):
        locate("6,0241", "47,2378", LAMBERT93)
    with pytest.raises(ValueError, match="hors des plages longitude"):
        locate("928723", "6686324", WGS84)


REFUSED = {
    "coordinates out of range": ("nom;type;quartier;lon;lat\nÉcole;école;Planoise;6,02;147,2\n",
                                 "ligne 2, colonne « lon » : coordonnées (6,02 ; 147,2) ni des degrés"),
    "one coordinate missing": ("nom;type;quartier;lon;lat\nÉcole;école;Planoise;6,02;\n",
                               "la coordonnée Y / latitude est vide"),
    "lambert93 as text with letters": ("nom;type;quartier;lon;lat\nÉcole;école;Planoise;928723 m;6686324 m\n",
                                       "« 928723 m » n'est pas un nombre"),
    "unknown neighbourhood": ("nom;type;quartier;lon;lat\nÉcole;école;QN09999M;6,02;47,2\n",
                              "code de quartier inconnu « QN09999M »"),
    "duplicate name": ("nom;type;quartier;lon;lat\nÉcole;école;Planoise;6,02;47,2\necole;école;Battant;6,03;47,2\n",
                       "ligne 3, colonne « nom » : doublon : « ecole » figure déjà ligne 2"),
    "empty name": ("nom;type;quartier;lon;lat\n;école;Planoise;6,02;47,2\n", "le nom est vide"),
    "missing mapped column": ("nom;type;quartier;longitude;lat\nÉcole;école;Planoise;6,02;47,2\n",
                              "la colonne choisie pour « X / longitude » n'existe pas"),
    "empty file": ("", "Le fichier est vide"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_malformed_facility_file_is_refused_in_french_and_nothing_is_written(session, case):
    text, message = REFUSED[case]
    admin_actor(session)
    before = state(session)
    with pytest.raises(ValidationError) as refused:
        run_import(session, text.encode("cp1252"))
    assert message in str(refused.value)
    assert state(session) == before


def test_the_form_adds_edits_archives_and_the_maps_skip_archived_facilities(session):
    admin = admin_actor(session)
    gbm = contract(session).id
    planoise = neighbourhood(session, "planoise").id
    shown = len(map_queries.list_map_facilities(session, contract_id=gbm))
    fields = FacilityFields(name="École Île-de-France", kind="École", neighbourhood_ids=(planoise,),
                            longitude=5.956, latitude=47.224)
    facility_id = create_facility(session, admin, contract_id=gbm, fields=fields)
    assert len(map_queries.list_map_facilities(session, contract_id=gbm)) == shown + 1
    with pytest.raises(ValidationError, match="Position : coordonnées"):
        update_facility(session, admin, facility_id, expected_version=1,
                        fields=FacilityFields(name="École", kind="école", longitude=5.9, latitude=147.0))
    update_facility(session, admin, facility_id, expected_version=1,
                    fields=FacilityFields(name="École élémentaire Île-de-France", kind="école",
                                          address="2 rue de Cracovie", neighbourhood_ids=(planoise,),
                                          longitude=5.957, latitude=47.224))
    with pytest.raises(ConflictError):
        set_facility_archived(session, admin, facility_id, expected_version=1)
    set_facility_archived(session, admin, facility_id, expected_version=2)
    assert len(map_queries.list_map_facilities(session, contract_id=gbm)) == shown
    assert len(map_queries.list_map_facilities(session, neighbourhood_id=planoise)) == 3
    row = list_facilities(session, contract_id=gbm).set_index("id").loc[facility_id]
    assert (row["name"], row["archived"], row["commune"]) == ("École élémentaire Île-de-France", True, "Besançon")
    set_facility_archived(session, admin, facility_id, expected_version=3, archived=False)
    assert len(map_queries.list_map_facilities(session, contract_id=gbm)) == shown + 1
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "facility",
                                                              AuditEvent.object_id == facility_id)
                              .order_by(AuditEvent.id)).all()
    assert actions == ["create", "update", "archive", "restore"]


def test_only_an_administrator_imports_or_edits_facilities(session):
    contributor = make_user(session, role="contributeur", all_neighbourhoods=True)
    before = state(session)
    with pytest.raises(PermissionDenied):
        run_import(session, (FIXTURES / "equipements_lambert93.csv").read_bytes(), LAMBERT, actor=contributor)
    with pytest.raises(PermissionDenied):
        create_facility(session, contributor, contract_id=contract(session).id,
                        fields=FacilityFields(name="École", kind="école"))
    assert state(session) == before
