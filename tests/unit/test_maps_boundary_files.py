"""Reading official QPV files and matching their features with neighbourhoods (no database)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
import shapefile

from pilotage.boundaries import Columns, Target, guess_property, name_tokens, normalise_name, plan_import
from pilotage.boundary_files import BoundaryFileError, read_boundary_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
COLUMNS = Columns(code="code_qp", name="lib_qp", commune="lib_com")
TARGETS = [
    Target(1, "Planoise", "Besançon", "QN02501M"),
    Target(2, "Montrapon", "Besançon", "qn 02502m"),
    Target(3, "Orchamps-Palente", "Besançon", None),
    Target(4, "Clairs-Soleils", "Besançon", None),
    Target(5, "Battant", "Besançon", None),
]


def fixture(name: str):
    return read_boundary_file(name, (FIXTURES / name).read_bytes())


@pytest.mark.parametrize(("text", "expected"), [
    ("Quartier Orchamps-Palente", "orchamps palente"),
    ("QUARTIER  ÉCOLE – Île", "ecole ile"),
    ("Les Glacis du Château", "glacis du chateau"),
    ("Cité de l’Amitié", "cite de l amitie"),
    ("Quartier", "quartier"),
])
def test_names_are_normalised(text, expected):
    assert normalise_name(text) == expected


def test_word_order_does_not_matter_for_the_second_pass():
    assert name_tokens("Palente - Orchamps") == name_tokens("Quartier Orchamps-Palente")


def test_known_property_names_are_guessed():
    assert guess_property(("OBJECTID", "CODE_QP", "NOM_QP"), ("code_qp",)) == "CODE_QP"
    assert guess_property(("a", "b"), ("code_qp",)) is None


def test_the_official_file_matches_by_code_then_by_name_and_reports_the_rest():
    plan = plan_import(fixture("qpv_official.geojson"), TARGETS, COLUMNS)
    by_name = {m.neighbourhood: m for m in plan.matches}
    assert by_name["Planoise"].matched_by == "code" and by_name["Montrapon"].matched_by == "code"
    assert by_name["Orchamps-Palente"].matched_by == "nom"
    assert by_name["Orchamps-Palente"].new_code == "QN02503M", "a name match records the file's code"
    assert by_name["Planoise"].new_code is None
    assert [(u.feature_index, u.code) for u in plan.unmatched] == [(4, "QN09099M")]
    assert [name for name, _ in plan.missing] == ["Clairs-Soleils", "Battant"]
    assert plan.ready and not plan.errors


def test_a_broken_geometry_among_matches_blocks_the_plan():
    plan = plan_import(fixture("qpv_broken_geometry.geojson"), TARGETS, COLUMNS)
    assert not plan.ready
    [error] = plan.errors
    assert error.neighbourhood == "Clairs-Soleils" and "impossible à réparer" in error.error


def test_a_bow_tie_is_repaired_and_matched_in_capitals():
    plan = plan_import(fixture("qpv_bow_tie.geojson"), TARGETS, COLUMNS)
    [match] = plan.matches
    assert match.neighbourhood == "Battant" and match.repaired and plan.ready
    assert match.geometry["type"] == "MultiPolygon"


def test_two_features_of_the_same_name_are_ambiguous_unless_the_commune_tells_them_apart():
    square = {"type": "Polygon", "coordinates": [[[6, 47], [6.01, 47], [6.01, 47.01], [6, 47]]]}
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"lib_qp": "Centre-Ville", "lib_com": "Besançon"}, "geometry": square},
        {"type": "Feature", "properties": {"lib_qp": "Centre Ville", "lib_com": "Dole"}, "geometry": square},
    ]}
    parsed = read_boundary_file("centre.geojson", json.dumps(collection).encode())
    target = [Target(9, "Centre-ville", "Besançon", None)]
    without = plan_import(parsed, target, Columns(code=None, name="lib_qp"))
    assert not without.matches and "2 entités" in without.missing[0][1]
    assert all("plusieurs entités" in u.reason for u in without.unmatched)
    with_commune = plan_import(parsed, target, Columns(code=None, name="lib_qp", commune="lib_com"))
    assert [m.feature_index for m in with_commune.matches] == [1]


@pytest.mark.parametrize(("name", "reason"), [
    ("qpv_lambert93.geojson", "EPSG::2154"),
    ("qpv_lambert93_no_crs.geojson", "sortent des plages longitude/latitude"),
])
def test_a_projected_file_is_refused(name, reason):
    with pytest.raises(BoundaryFileError, match=reason):
        fixture(name)


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "vide"),
    (b"{ pas du json", "pas un GeoJSON lisible"),
    (b"\xff\xfe\x00", "UTF-8"),
    (b"[1, 2]", "FeatureCollection"),
    (b'{"type": "Topology"}', "type trouvé : Topology"),
    (b'{"type": "FeatureCollection", "features": []}', "aucune entité"),
    (b'{"type": "FeatureCollection", "features": [{"type": "Bogus"}]}', "n'est pas une entité"),
])
def test_a_malformed_file_is_refused_with_a_reason(content, reason):
    with pytest.raises(BoundaryFileError, match=reason):
        read_boundary_file("qpv.geojson", content)


def _zipped_shapefile(prj: str | None, records: list[tuple[str, str, list]]) -> bytes:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding="utf-8") as writer:
        writer.field("CODE_QP", "C", size=10)
        writer.field("NOM_QP", "C", size=80)
        for code, name, ring in records:
            writer.poly([ring])
            writer.record(code, name)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for ext, buffer in ((".shp", shp), (".shx", shx), (".dbf", dbf)):
            zipped.writestr(f"QP_2024{ext}", buffer.getvalue())
        zipped.writestr("QP_2024.cpg", "UTF-8")
        if prj:
            zipped.writestr("QP_2024.prj", prj)
    return archive.getvalue()


RING = [[6.0168, 47.2395], [6.0168, 47.2433], [6.0208, 47.2433], [6.0208, 47.2395], [6.0168, 47.2395]]


def test_a_zipped_shapefile_is_read_with_its_accents():
    content = _zipped_shapefile('GEOGCS["GCS_WGS_1984"]', [("QN02505M", "Battant – Île", RING)])
    parsed = read_boundary_file("QP_2024.zip", content)
    assert parsed.property_names == ("CODE_QP", "NOM_QP")
    [feature] = parsed.features
    assert feature.text("NOM_QP") == "Battant – Île"
    plan = plan_import(parsed, TARGETS, Columns(code="CODE_QP", name="NOM_QP"))
    assert not plan.matches  # "Battant Île" is not "Battant": no loose matching


def test_a_projected_shapefile_is_refused():
    content = _zipped_shapefile('PROJCS["RGF93_Lambert_93",GEOGCS["GCS_RGF_1993"]]', [("X", "Battant", RING)])
    with pytest.raises(BoundaryFileError, match="RGF93_Lambert_93"):
        read_boundary_file("QP_2024.zip", content)


def test_a_zip_without_a_shapefile_is_refused():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("lisez-moi.txt", "rien")
    with pytest.raises(BoundaryFileError, match="exactement une couche"):
        read_boundary_file("qpv.zip", archive.getvalue())
