"""Neighbourhoods created from the official QPV files (2015 and 2024 editions, GeoJSON and zipped shapefile), by
hand, edited and archived, through the services: rights, conflicts, audit rows, all or nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pilotage import audit
from pilotage.errors import ConflictError, PermissionDenied, ValidationError
from pilotage.models import AuditEvent, Meeting, Neighbourhood
from pilotage.qpv_catalogue import QpvColumns, guess_columns
from pilotage.queries import contract_admin as admin_queries
from pilotage.queries import contracts as contract_queries
from pilotage.queries import maps as map_queries
from pilotage.queries.neighbourhoods import find_neighbourhood
from pilotage.services import contracts as contract_services
from pilotage.services import neighbourhoods as services
from tests.factories import admin_actor, make_user, neighbourhood

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
COLUMNS_2024 = QpvColumns(code="code_qp", name="lib_qp", commune_code="insee_com", commune_name="lib_com")
COLUMNS_2015 = QpvColumns(code="CODE_QP", name="NOM_QP", commune_name="COMMUNE_QP")
COLUMNS_SHAPEFILE = QpvColumns(code="CODE_QP", name="LIB_QP", commune_code="INSEE_COM", commune_name="LIB_COM")
FILES = {  # file -> (columns, features)
    "qpv_2015_extrait.geojson": (COLUMNS_2015, 5),
    "qpv_2024_extrait.geojson": (COLUMNS_2024, 5),
    "qpv_2024_deux_departements.geojson": (COLUMNS_2024, 120),
    "qpv_2024_deux_departements.zip": (COLUMNS_SHAPEFILE, 120),
}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def new_contract(session, name: str = "Contrat de Ville de l'Estuaire 2024-2030") -> int:
    return contract_services.create_contract(session, admin_actor(session), name=name,
                                             territory="Estuaire et Loire Agglomération", start_year=2024,
                                             end_year=2030)


def codes_of(name: str, columns: QpvColumns) -> list[str]:
    return [e.code for e in services.read_qpv_file(name, fixture(name), columns).entries]


def create(session, contract_id: int, name: str, columns: QpvColumns | None = None, codes=None, actor=None,
           **options):
    columns = columns or FILES[name][0]
    return services.create_from_qpv_file(session, actor or admin_actor(session), contract_id=contract_id,
                                         filename=name, content=fixture(name), columns=columns,
                                         codes=codes_of(name, columns) if codes is None else codes, **options)


def hoods(session, contract_id: int) -> list[Neighbourhood]:
    return list(session.scalars(select(Neighbourhood).where(Neighbourhood.contract_id == contract_id)
                                .order_by(Neighbourhood.position)))


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_the_default_columns_are_guessed_from_the_anct_property_names():
    for name, (columns, _) in FILES.items():
        from pilotage.boundary_files import read_boundary_file

        assert guess_columns(read_boundary_file(name, fixture(name)).property_names) == columns, name


@pytest.mark.parametrize("name", FILES)
def test_every_qpv_of_an_official_file_is_created_with_its_code_name_commune_and_contour(session, name):
    contract_id = new_contract(session)
    events = count(session, AuditEvent)

    report = create(session, contract_id, name)

    expected = FILES[name][1]
    created = hoods(session, contract_id)
    assert len(report.created) == len(created) == expected and not report.updated and not report.skipped
    assert {h.kind for h in created} == {"qpv"}
    assert all(h.geometry and h.geometry["type"] in ("Polygon", "MultiPolygon") for h in created)
    assert all(not h.geometry_approximate and h.geometry_source == name for h in created)
    assert len({h.slug for h in created}) == expected  # unique within the contract, even for repeated names
    assert [h.position for h in created] == list(range(expected))
    first = created[0]
    assert first.official_code.startswith(("QP039", "QN039", "QN044"))
    assert first.commune and first.name
    assert count(session, AuditEvent) == events + expected
    events = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "neighbourhood")
                             .order_by(AuditEvent.id.desc()).limit(expected)).all()
    assert {e.action for e in events} == {"create"} and all(name in e.summary for e in events)
    # the new neighbourhoods are what every page lists and maps
    assert len(contract_queries.list_neighbourhoods(session, contract_id=contract_id)) == expected
    assert len(map_queries.list_map_neighbourhoods(session, contract_id=contract_id)) == expected


def test_the_2024_file_keeps_the_communes_and_the_commune_filter_reads_insee_codes(session):
    catalogue = services.read_qpv_file("qpv_2024_extrait.geojson", fixture("qpv_2024_extrait.geojson"), COLUMNS_2024)
    across = catalogue.by_code()["QN03905M"]
    assert across.commune_codes == ("39198", "39300") and across.departements == ("39",)
    assert across.commune == "Val-d'Amour, Brevans-les-Vignes"
    assert {e.code for e in catalogue.filtered(communes=["39198"])} == {"QN03902M", "QN03904M", "QN03905M"}
    assert catalogue.communes() == {"39300": "Brevans-les-Vignes (39300)", "39198": "Val-d'Amour (39198)"}


def test_a_departement_of_the_large_file_is_created_alone(session):
    name = "qpv_2024_deux_departements.geojson"
    catalogue = services.read_qpv_file(name, fixture(name), COLUMNS_2024)
    assert catalogue.departements() == ["44", "49"]
    assert len(catalogue.communes()) == 10
    loire_atlantique = [e.code for e in catalogue.filtered(departements=["44"])]
    assert len(loire_atlantique) == 60
    contract_id = new_contract(session)

    create(session, contract_id, name, codes=loire_atlantique)

    assert {h.official_code[:5] for h in hoods(session, contract_id)} == {"QN044"}
    assert len(hoods(session, contract_id)) == 60


def test_creating_the_large_file_takes_a_few_seconds_at_most(session):
    name = "qpv_2024_deux_departements.geojson"
    contract_id = new_contract(session)
    admin_actor(session)
    started = time.perf_counter()
    catalogue = services.read_qpv_file(name, fixture(name), COLUMNS_2024)  # what the page shows first
    report = create(session, contract_id, name, codes=[e.code for e in catalogue.entries])
    seconds = time.perf_counter() - started
    print(f"\n120 QPV du fichier {name} : lecture et création en {seconds:.2f} s")
    assert len(report.created) == 120
    assert seconds < 30


def test_codes_already_in_the_contract_are_skipped_or_updated_as_asked(session):
    name = "qpv_2024_extrait.geojson"
    contract_id = new_contract(session)
    create(session, contract_id, name, codes=["QN03901M", "QN03902M"])
    first = hoods(session, contract_id)[0]
    first_id, first_name, first_version = first.id, first.name, first.version

    report = create(session, contract_id, name)  # all five ticked, two already there
    assert len(report.created) == 3 and len(report.skipped) == 2 and not report.updated
    assert session.get(Neighbourhood, first_id).name == first_name

    content = fixture(name).replace(b"Les Mesnils Pasteur", "Les Mesnils – Pasteur".encode())
    assert services.read_qpv_file(name, content, COLUMNS_2024).by_code()["QN03901M"].name == "Les Mesnils – Pasteur"
    report = services.create_from_qpv_file(session, admin_actor(session), contract_id=contract_id, filename=name,
                                           content=content, columns=COLUMNS_2024, codes=["QN03901M"],
                                           existing=services.UPDATE,
                                           expected_versions={first_id: first_version})
    assert report.updated == ("Les Mesnils – Pasteur (QN03901M)",) and not report.created
    updated = session.get(Neighbourhood, first_id)
    assert updated.name == "Les Mesnils – Pasteur" and updated.slug == "les-mesnils-pasteur"
    assert len(hoods(session, contract_id)) == 5

    with pytest.raises(ConflictError):  # a screen read before that update
        services.create_from_qpv_file(session, admin_actor(session), contract_id=contract_id, filename=name,
                                      content=fixture(name), columns=COLUMNS_2024, codes=["QN03901M"],
                                      existing=services.UPDATE, expected_versions={first_id: first_version})
    assert session.get(Neighbourhood, first_id).name == "Les Mesnils – Pasteur"


@pytest.mark.parametrize("role", ["lecteur", "contributeur"])
def test_only_administrators_create_edit_or_archive_neighbourhoods(session, role):
    actor = make_user(session, role=role, all_neighbourhoods=True)
    contract_id = new_contract(session)
    planoise = neighbourhood(session, "planoise")
    before = (count(session, Neighbourhood), count(session, AuditEvent))
    calls = [
        lambda: create(session, contract_id, "qpv_2024_extrait.geojson", actor=actor),
        lambda: services.create_neighbourhood(session, actor, contract_id=contract_id, name="Le Bourg",
                                              commune="Val-d'Amour", kind="fragile"),
        lambda: services.update_neighbourhood(session, actor, planoise.id, expected_version=planoise.version,
                                              name="Planoise", commune="Besançon", kind="qpv"),
        lambda: services.set_neighbourhood_archived(session, actor, planoise.id, expected_version=planoise.version,
                                                    archived=True),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied, match="Cette action est réservée aux administrateurs."):
            call()
    assert (count(session, Neighbourhood), count(session, AuditEvent)) == before
    assert not planoise.archived


def test_a_failure_midway_leaves_nothing_written(session, monkeypatch):
    contract_id = new_contract(session)
    events = count(session, AuditEvent)
    calls = []
    real = audit.record

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 60:
            raise RuntimeError("panne au milieu de l'import")
        return real(*args, **kwargs)

    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(RuntimeError):
        create(session, contract_id, "qpv_2024_deux_departements.geojson")

    assert hoods(session, contract_id) == []
    assert count(session, AuditEvent) == events


def test_a_quartier_fragile_is_created_by_name_and_commune_with_or_without_a_contour(session):
    admin = admin_actor(session)
    contract_id = new_contract(session)
    bare = services.create_neighbourhood(session, admin, contract_id=contract_id, name="  Le Vieux Bourg ",
                                         commune="Val-d'Amour", kind="fragile")
    contour = FIXTURES / "qpv_2024_extrait.geojson"
    one = ('{"type": "FeatureCollection", "features": [' + contour.read_text(encoding="utf-8").split(
        '"features": [', 1)[1].split('\n  },\n', 1)[0] + "}]}").encode()
    drawn = services.create_neighbourhood(session, admin, contract_id=contract_id, name="Le Vieux Bourg",
                                          commune="Brevans-les-Vignes", kind="veille", population=1840,
                                          population_year="2020", population_source="INSEE, RP 2020",
                                          contour_filename="vieux-bourg.geojson", contour_content=one)

    bare, drawn = session.get(Neighbourhood, bare), session.get(Neighbourhood, drawn)
    assert (bare.name, bare.slug, bare.kind, bare.geometry) == ("Le Vieux Bourg", "le-vieux-bourg", "fragile", None)
    assert (drawn.slug, drawn.kind, drawn.population) == ("le-vieux-bourg-2", "veille", 1840)
    assert drawn.geometry["type"] == "Polygon" and drawn.geometry_source == "vieux-bourg.geojson"

    with pytest.raises(ValidationError, match="doit n'en contenir qu'une"):
        services.create_neighbourhood(session, admin, contract_id=contract_id, name="Deux contours",
                                      commune="Val-d'Amour", kind="fragile", contour_filename="qpv.geojson",
                                      contour_content=contour.read_bytes())
    assert len(hoods(session, contract_id)) == 2


@pytest.mark.parametrize(("change", "message"), [
    ({"name": ""}, "Nom du quartier : ce champ est obligatoire."),
    ({"commune": " "}, "Commune : ce champ est obligatoire."),
    ({"kind": "prioritaire"}, "Type de quartier inconnu : prioritaire."),
    ({"official_code": "qn02550m"}, "Le code officiel QN02550M est déjà celui du quartier Les Codés dans ce contrat."),
    ({"official_code": "Q" * 21}, "Code officiel : 20 caractères au plus"),
    ({"population": -3}, "Population : un nombre entre 0 et"),
    ({"population": 12.5}, "Population : un nombre entier d'habitants."),
    ({"name": "x" * 201}, "Nom du quartier : 200 caractères au plus"),
    ({"contour_filename": "c.geojson", "contour_content": b'{"type": "FeatureCollection", "features": []}'},
     "Le fichier ne contient aucune entité"),
])
def test_a_neighbourhood_is_validated_in_french(session, change, message):
    admin = admin_actor(session)
    contract_id = neighbourhood(session, "planoise").contract_id
    services.create_neighbourhood(session, admin, contract_id=contract_id, name="Les Codés", commune="Besançon",
                                  kind="qpv", official_code="QN02550M")
    before = (count(session, Neighbourhood), count(session, AuditEvent))
    fields = {"name": "Le Vieux Bourg", "commune": "Besançon", "kind": "fragile", **change}
    with pytest.raises(ValidationError) as refused:
        services.create_neighbourhood(session, admin, contract_id=contract_id, **fields)
    assert message in str(refused.value)
    assert (count(session, Neighbourhood), count(session, AuditEvent)) == before


def test_a_neighbourhood_is_edited_and_its_slug_stays(session):
    admin = admin_actor(session)
    battant = neighbourhood(session, "battant")
    services.update_neighbourhood(session, admin, battant.id, expected_version=battant.version, name="Battant – Quai",
                                  commune="Besançon", kind="fragile", official_code=" qn 02599m ", population=4210,
                                  population_year="2021", population_source="INSEE", identity="Un quartier ancien.")
    edited = session.get(Neighbourhood, battant.id)
    assert (edited.name, edited.slug, edited.official_code, edited.population) == (
        "Battant – Quai", "battant", "QN02599M", 4210)
    last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last.action == "update" and last.before["name"] == "Battant" and last.after["name"] == "Battant – Quai"
    with pytest.raises(ConflictError):
        services.update_neighbourhood(session, admin, battant.id, expected_version=battant.version - 1,
                                      name="Battant", commune="Besançon", kind="fragile")


def test_an_archived_neighbourhood_leaves_lists_tiles_and_maps_but_keeps_its_history(session):
    admin = admin_actor(session)
    planoise = neighbourhood(session, "planoise")
    contract_id = planoise.contract_id
    meetings = count(session, Meeting)
    figures = contract_queries.get_key_figures(session, contract_id=contract_id)

    services.set_neighbourhood_archived(session, admin, planoise.id, expected_version=planoise.version, archived=True)

    assert "planoise" not in set(contract_queries.list_neighbourhoods(session, contract_id=contract_id)["slug"])
    assert "planoise" not in set(map_queries.list_map_neighbourhoods(session, contract_id=contract_id)["slug"])
    after = contract_queries.get_key_figures(session, contract_id=contract_id)
    assert after.neighbourhoods_by_kind["qpv"] == figures.neighbourhoods_by_kind["qpv"] - 1
    assert find_neighbourhood(session, slug="planoise", contract_slug="gbm-2024-2030").name == "Planoise"
    assert count(session, Meeting) == meetings
    listed = admin_queries.list_admin_neighbourhoods(session, contract_id=contract_id)
    assert bool(listed.loc[listed["slug"] == "planoise", "archived"].item())
    with pytest.raises(ValidationError, match="déjà archivé"):
        services.set_neighbourhood_archived(session, admin, planoise.id, expected_version=planoise.version,
                                            archived=True)
    services.set_neighbourhood_archived(session, admin, planoise.id, expected_version=planoise.version,
                                        archived=False)
    assert "planoise" in set(contract_queries.list_neighbourhoods(session, contract_id=contract_id)["slug"])
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "neighbourhood",
                                                              AuditEvent.object_id == planoise.id)).all()
    assert actions[-2:] == ["archive", "restore"]


def test_two_administrators_creating_the_same_qpv_at_once_get_a_french_message(session, monkeypatch):
    contract_id = new_contract(session)
    create(session, contract_id, "qpv_2024_extrait.geojson")
    events = count(session, AuditEvent)
    # The second read the contract before the first committed: it claims the same slugs.
    monkeypatch.setattr(services, "_contract_hoods", lambda session, contract_id: [])

    with pytest.raises(ConflictError, match="Quelqu'un vient d'ajouter des quartiers à ce contrat en même temps"):
        create(session, contract_id, "qpv_2024_extrait.geojson")

    assert len(hoods(session, contract_id)) == 5
    assert count(session, AuditEvent) == events
