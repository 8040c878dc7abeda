"""Maps on the database: seeded contours, map reads, and the all-or-nothing import of official boundaries."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from pilotage import audit
from pilotage.boundaries import Columns
from pilotage.errors import ConflictError, PermissionDenied, ValidationError
from pilotage.models import AuditEvent, Facility, Neighbourhood
from pilotage.queries import maps as map_queries
from pilotage.services.boundaries import import_boundaries
from tests.boundary_samples import RING, shapefile_zip, zip_bomb
from tests.factories import admin_actor, contract, make_user, neighbourhood

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
COLUMNS = Columns(code="code_qp", name="lib_qp", commune="lib_com")
BESANCON_HOODS = 12
BELFORT = "grand-belfort-2015-2020"


def content(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def snapshot(session) -> list[tuple]:
    """What a refused import must leave untouched: every neighbourhood's contour, code and version."""
    session.expire_all()
    return [tuple(row) for row in session.execute(
        select(Neighbourhood.id, Neighbourhood.geometry, Neighbourhood.geometry_approximate,
               Neighbourhood.official_code, Neighbourhood.version).order_by(Neighbourhood.id))]


def give_codes(session) -> None:
    """Two neighbourhoods already carry the official code the file uses (set as a test precondition)."""
    neighbourhood(session, "planoise").official_code = "QN02501M"
    neighbourhood(session, "montrapon").official_code = "QN02502M"
    session.commit()


def test_the_seed_gives_approximate_contours_and_facility_positions(session):
    gbm = contract(session)
    hoods = map_queries.list_map_neighbourhoods(session, contract_id=gbm.id)
    assert len(hoods) == BESANCON_HOODS
    assert hoods["geometry"].notna().all() and hoods["geometry_approximate"].all()
    assert set(hoods["kind"]) == {"qpv", "fragile"}
    belfort = map_queries.list_map_neighbourhoods(session, contract_id=contract(session, BELFORT).id)
    assert len(belfort) == 5 and belfort["geometry"].notna().all()
    facilities = map_queries.list_map_facilities(session, contract_id=gbm.id)
    assert len(facilities) == 11 and facilities["latitude"].between(47.2, 47.3).all()
    assert facilities["location_approximate"].all()
    rosemont = facilities[facilities["name"].str.contains("Rosemont")].iloc[0]
    assert set(rosemont["neighbourhood_slugs"]) == {"secteur-pesty", "cite-de-la-pelouse", "cite-de-l-amitie"}


def test_a_neighbourhood_minimap_reads_its_own_contour_and_facilities(session):
    planoise = neighbourhood(session, "planoise")
    hoods = map_queries.list_map_neighbourhoods(session, neighbourhood_id=planoise.id)
    facilities = map_queries.list_map_facilities(session, neighbourhood_id=planoise.id)
    assert list(hoods["slug"]) == ["planoise"]
    assert len(facilities) == 3 and (facilities["neighbourhoods"] == "Planoise").all()


def test_indicators_for_the_map_and_their_latest_value_per_neighbourhood(session):
    gbm = contract(session)
    indicators = map_queries.list_map_indicators(session, contract_id=gbm.id)
    population = indicators[indicators["code"] == "population"].iloc[0]
    assert population["neighbourhoods"] == 6
    values = map_queries.list_latest_values(session, indicator_id=int(population["id"]))
    planoise = neighbourhood(session, "planoise")
    assert values.set_index("neighbourhood_id").loc[planoise.id, "value"] == 15378
    assert values["neighbourhood_id"].is_unique


def test_importing_the_official_file_updates_matched_neighbourhoods_and_reports_the_rest(session):
    give_codes(session)
    admin = admin_actor(session)
    gbm = contract(session)
    version_before = audit.get_data_version(session)
    events_before = session.scalar(select(func.count()).select_from(AuditEvent))

    report = import_boundaries(session, admin, contract_id=gbm.id, filename="qpv_official.geojson",
                               content=content("qpv_official.geojson"), columns=COLUMNS)

    assert report.updated == ("Planoise", "Montrapon", "Orchamps-Palente")
    assert report.codes_recorded == ("Orchamps-Palente : QN02503M",)
    assert [(u.feature_index, u.name) for u in report.unmatched] == [(4, "Les Résidences du Bois")]
    assert "Battant" in {name for name, _ in report.missing}
    session.expire_all()
    planoise = neighbourhood(session, "planoise")
    assert planoise.geometry_approximate is False and "qpv_official.geojson" in planoise.geometry_source
    corners = {tuple(point) for point in planoise.geometry["coordinates"][0]}
    assert corners == {(5.9472, 47.2145), (5.9632, 47.2145), (5.9632, 47.2305), (5.9472, 47.2305)}
    assert neighbourhood(session, "orchamps-palente").official_code == "QN02503M"
    assert neighbourhood(session, "battant").geometry_approximate is True, "unmatched: left as it was"
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events_before + 3
    assert audit.get_data_version(session) > version_before
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "import" and event.object_type == "neighbourhood"
    assert event.after["geometry"] == "(géométrie)" and event.after["geometry_approximate"] is False


def test_a_broken_geometry_refuses_the_whole_file_and_changes_nothing(session):
    admin = admin_actor(session)
    before = snapshot(session)
    with pytest.raises(ValidationError, match="rien n'a été modifié.*Clairs-Soleils.*impossible à réparer"):
        import_boundaries(session, admin, contract_id=contract(session).id, filename="qpv_broken_geometry.geojson",
                          content=content("qpv_broken_geometry.geojson"), columns=COLUMNS)
    assert snapshot(session) == before, "the good Battant feature was not imported either"


def test_a_repairable_geometry_is_repaired_and_imported(session):
    report = import_boundaries(session, admin_actor(session), contract_id=contract(session).id,
                               filename="qpv_bow_tie.geojson", content=content("qpv_bow_tie.geojson"),
                               columns=COLUMNS)
    assert report.updated == ("Battant",)
    session.expire_all()
    assert neighbourhood(session, "battant").geometry["type"] == "MultiPolygon"


@pytest.mark.parametrize(("name", "reason"), [
    ("qpv_lambert93.geojson", "Lambert-93"),
    ("qpv_lambert93_no_crs.geojson", "semble projeté"),
])
def test_a_projected_file_is_refused_and_changes_nothing(session, name, reason):
    before = snapshot(session)
    with pytest.raises(ValidationError, match=reason):
        import_boundaries(session, admin_actor(session), contract_id=contract(session).id, filename=name,
                          content=content(name), columns=COLUMNS)
    assert snapshot(session) == before


def test_a_windows_1252_shapefile_without_cpg_is_imported(session):
    content = shapefile_zip([("QN02504M", "Clairs-Soleils", "Besançon", RING),
                             ("QN02501M", "Planoise – Île-de-France", "Besançon", RING),
                             ("QN08801M", "Épinal – Bitola", "Épinal", RING)],
                            fields=(("CODE_QP", 10), ("NOM_QP", 80), ("LIB_COM", 40)), encoding="cp1252", cpg=None)
    report = import_boundaries(session, admin_actor(session), contract_id=contract(session).id, filename="QP_2024.zip",
                               content=content, columns=Columns(code="CODE_QP", name="NOM_QP", commune="LIB_COM"))
    assert report.updated == ("Clairs-Soleils",) and report.codes_recorded == ("Clairs-Soleils : QN02504M",)
    assert {u.name for u in report.unmatched} == {"Planoise – Île-de-France", "Épinal – Bitola"}
    session.expire_all()
    assert neighbourhood(session, "clairs-soleils").geometry_approximate is False


REFUSED_FILES = {
    "lambert93-strings": (lambda: ("qpv_lambert93_strings.geojson", content("qpv_lambert93_strings.geojson")),
                          "entité n° 2 .*« 924950.5 » est un texte"),
    "oversized": (lambda: ("qpv.geojson", b"{" + b" " * 50_000_000), "dépasse la limite de 50\u00a0Mo"),
    "zip-bomb": (lambda: ("QP_2024.zip", zip_bomb()), "limite de 60\u00a0Mo une fois décompressée"),
    "lying-zip-bomb": (lambda: ("QP_2024.zip", zip_bomb(declared=1_000)), "archive ZIP est endommagée"),
    "deep-nesting": (lambda: ("qpv.geojson", b'{"a": ' * 100_000 + b"1" + b"}" * 100_000), "imbriqué"),
    "damaged-shapefile": (lambda: ("QP_2024.zip", shapefile_zip([("QN02501M", "Planoise", RING)])[:300]),
                          "illisible"),
}


@pytest.mark.parametrize("case", REFUSED_FILES)
def test_a_refused_file_changes_nothing_and_writes_no_audit_row(session, case):
    make, reason = REFUSED_FILES[case]
    filename, data = make()
    give_codes(session)
    admin = admin_actor(session)  # created on first use, with its own audit row
    before, version = snapshot(session), audit.get_data_version(session)
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(ValidationError, match=reason):
        import_boundaries(session, admin, contract_id=contract(session).id, filename=filename, content=data,
                          columns=COLUMNS)
    assert snapshot(session) == before
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events
    assert audit.get_data_version(session) == version


def test_a_file_matching_nothing_is_refused(session):
    with pytest.raises(ValidationError, match="Aucune entité du fichier ne correspond"):
        import_boundaries(session, admin_actor(session), contract_id=contract(session, BELFORT).id,
                          filename="qpv_official.geojson", content=content("qpv_official.geojson"), columns=COLUMNS)


def test_an_unknown_property_is_refused(session):
    with pytest.raises(ValidationError, match="« CODE » choisie pour le code n'existe pas"):
        import_boundaries(session, admin_actor(session), contract_id=contract(session).id,
                          filename="qpv_official.geojson", content=content("qpv_official.geojson"),
                          columns=Columns(code="CODE", name="lib_qp"))


def test_only_an_administrator_imports_boundaries(session):
    contributor = make_user(session, role="contributeur", all_neighbourhoods=True)
    before = snapshot(session)
    with pytest.raises(PermissionDenied):
        import_boundaries(session, contributor, contract_id=contract(session).id, filename="qpv_official.geojson",
                          content=content("qpv_official.geojson"), columns=COLUMNS)
    assert snapshot(session) == before


def test_a_neighbourhood_changed_since_the_preview_stops_the_import(session):
    give_codes(session)
    planoise = neighbourhood(session, "planoise")
    stale = {planoise.id: planoise.version - 1}
    before = snapshot(session)
    with pytest.raises(ConflictError):
        import_boundaries(session, admin_actor(session), contract_id=contract(session).id,
                          filename="qpv_official.geojson", content=content("qpv_official.geojson"), columns=COLUMNS,
                          expected_versions=stale)
    assert snapshot(session) == before


def test_facilities_of_the_seed_keep_their_source_and_kind(session):
    facility = session.scalar(select(Facility).where(Facility.name.like("%Bains-Douches%")))
    assert facility.kind == "centre_social" and facility.source and facility.location_approximate
