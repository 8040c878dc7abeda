"""Reading official QPV files and matching their features with neighbourhoods (no database)."""

from __future__ import annotations

import contextlib
import io
import json
import random
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
import shapefile

from pilotage import boundary_files
from pilotage.boundaries import Columns, Target, guess_property, name_tokens, normalise_name, plan_import
from pilotage.boundary_files import BoundaryFile, BoundaryFileError, read_boundary_file
from tests.boundary_samples import RING, shapefile_zip, zip_bomb, zip_of

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
    (b'{"type": "FeatureCollection", "crs": {"properties": [1]}, "features": []}', "système de coordonnées"),
    (b'{"type": "FeatureCollection", "crs": "EPSG:2154", "features": []}', "système de coordonnées"),
    pytest.param(b'{"type": "FeatureCollection", "size": ' + b"9" * 5000 + b', "features": []}',
                 "pas un GeoJSON lisible", id="integer-of-5000-digits"),
    (b'{"type": ["FeatureCollection"]}', "type trouvé : un tableau"),
    (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": [1]}]}', "propriétés"),
    (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "GeometryCollection", '
     b'"geometries": [{"type": "GeometryCollection", "geometries": []}]}}]}', "collection"),
])
def test_a_malformed_file_is_refused_with_a_reason(content, reason):
    with pytest.raises(BoundaryFileError, match=reason):
        read_boundary_file("qpv.geojson", content)


def test_a_zipped_shapefile_is_read_with_its_accents():
    content = shapefile_zip([("QN02505M", "Battant – Île", RING)])
    parsed = read_boundary_file("QP_2024.zip", content)
    assert parsed.property_names == ("CODE_QP", "NOM_QP")
    [feature] = parsed.features
    assert feature.text("NOM_QP") == "Battant – Île"
    plan = plan_import(parsed, TARGETS, Columns(code="CODE_QP", name="NOM_QP"))
    assert not plan.matches  # "Battant Île" is not "Battant": no loose matching


def test_a_projected_shapefile_is_refused():
    content = shapefile_zip([("X", "Battant", RING)], prj='PROJCS["RGF93_Lambert_93",GEOGCS["GCS_RGF_1993"]]')
    with pytest.raises(BoundaryFileError, match="RGF93_Lambert_93"):
        read_boundary_file("QP_2024.zip", content)


def test_a_zip_without_a_shapefile_is_refused():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("lisez-moi.txt", "rien")
    with pytest.raises(BoundaryFileError, match="exactement une couche"):
        read_boundary_file("qpv.zip", archive.getvalue())


# --- Coordinates must be real lon/lat numbers ---------------------------------------------------------------

NBSP = "\u00a0"
SQUARE = [[6.0, 47.0], [6.0, 47.01], [6.01, 47.01], [6.01, 47.0], [6.0, 47.0]]


def collection(*geometries: dict | None, properties: dict | None = None) -> bytes:
    """A FeatureCollection with one feature per geometry, as the bytes of a file."""
    features = [{"type": "Feature", "properties": properties or {"code_qp": f"QN0250{i}M"}, "geometry": geometry}
                for i, geometry in enumerate(geometries, start=1)]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def polygon(ring: list) -> dict:
    return {"type": "Polygon", "coordinates": [ring]}


def test_lambert93_written_as_strings_is_refused_naming_the_feature():
    with pytest.raises(BoundaryFileError, match=r"entité n° 2 .*« 924950\.5 » est un texte, pas un nombre"):
        fixture("qpv_lambert93_strings.geojson")


@pytest.mark.parametrize(("position", "reason"), [
    (["6.005", "47.005"], "« 6.005 » est un texte, pas un nombre"),
    ([True, 47.005], "true n'est pas un nombre"),
    ([6.005, None], "null n'est pas un nombre"),
    ([float("nan"), 47.005], "NaN n'est pas un nombre fini"),
    ([6.005, float("-inf")], "-Infinity n'est pas un nombre fini"),
    ([10 ** 400, 47.005], "n'est pas un nombre fini"),
    ([6.005, {"lat": 47.005}], "un objet n'est pas un nombre"),
    ([6.005], "une position compte 2 à 4 nombres"),
    ([6.005, 47.005, 0, 0, 0], "une position compte 2 à 4 nombres"),
    ("6.005 47.005", "ne sont pas imbriquées comme celles d'un Polygon"),
], ids=["strings", "boolean", "null", "nan", "infinity", "huge-integer", "object", "one-number", "five-numbers",
        "position-as-text"])
def test_a_coordinate_that_is_not_a_real_number_is_refused(position, reason):
    ring = [[6.0, 47.0], position, [6.01, 47.01], [6.0, 47.0]]
    with pytest.raises(BoundaryFileError, match=f"entité n° 2 .*{reason}"):
        read_boundary_file("qpv.geojson", collection(polygon(SQUARE), polygon(ring)))


def test_a_geometry_collection_and_lines_are_checked_too():
    line = {"type": "LineString", "coordinates": [[6.0, 47.0], ["930000.5", "6700000.5"]]}
    with pytest.raises(BoundaryFileError, match="entité n° 1 .*« 930000.5 » est un texte"):
        read_boundary_file("qpv.geojson", collection({"type": "GeometryCollection", "geometries": [line]}))
    point = {"type": "Point", "coordinates": [930000.5, 6700000.5]}
    with pytest.raises(BoundaryFileError, match="entité n° 1 .*sortent des plages longitude/latitude"):
        read_boundary_file("qpv.geojson", collection(point))


def test_a_feature_keeps_only_its_geometry_type_and_coordinates():
    geometry = {**polygon(SQUARE), "bbox": [6.0, 47.0, 6.01, 47.01], "extra": {"deep": [[[1]]]}}
    [feature] = read_boundary_file("qpv.geojson", collection(geometry)).features
    assert feature.geometry == polygon(SQUARE)


@pytest.mark.parametrize("kind", [["Polygon"], {"name": "Polygon"}, 3, None], ids=["list", "object", "number", "null"])
def test_a_geometry_whose_type_is_not_a_name_counts_as_no_geometry(kind):
    [feature] = read_boundary_file("qpv.geojson", collection({"type": kind, "coordinates": [SQUARE]})).features
    assert feature.geometry is None


# --- Limits on size, members, features and points -----------------------------------------------------------

@contextlib.contextmanager
def peak_memory():
    """Measure the peak of Python allocations inside the block (result in the yielded list)."""
    result: list[int] = []
    tracemalloc.start()
    try:
        yield result
    finally:
        result.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    content = b"{" + b" " * boundary_files.MAX_FILE_BYTES
    with pytest.raises(BoundaryFileError, match=f"dépasse la limite de 50{NBSP}Mo"):
        read_boundary_file("qpv.geojson", content)
    with pytest.raises(BoundaryFileError, match=f"dépasse la limite de 50{NBSP}Mo"):
        boundary_files.check_file_size(len(content))


def test_a_zip_bomb_is_refused_from_its_directory_without_inflating_it():
    bomb = zip_bomb()  # about 306 KB declaring three members of 100 Mio
    assert len(bomb) < 310_000
    started = time.perf_counter()
    with peak_memory() as peak, pytest.raises(BoundaryFileError, match=f"limite de 60{NBSP}Mo une fois décompressée"):
        read_boundary_file("QP_2024.zip", bomb)
    assert peak[0] < 2_000_000, "the members are never inflated"
    assert time.perf_counter() - started < 1


def test_a_zip_bomb_that_lies_about_its_sizes_is_refused_without_inflating_it():
    bomb = zip_bomb(declared=1_000)  # the directory claims 1 KB a member: the archive passes the first check
    with peak_memory() as peak, pytest.raises(BoundaryFileError, match="archive ZIP est endommagée"):
        read_boundary_file("QP_2024.zip", bomb)
    assert peak[0] < 5_000_000, "zipfile stops at the declared size, and the CRC then fails"


class EndlessZeros(io.RawIOBase):
    """A member that never ends, as if the zip library believed the inflated data rather than the directory."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        buffer[:] = bytes(len(buffer))
        return len(buffer)


def test_the_inflated_size_is_also_counted_while_reading(monkeypatch):
    content = shapefile_zip([("QN02505M", "Battant", RING)])
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, *args, **kwargs: EndlessZeros())
    with pytest.raises(BoundaryFileError, match=f"limite de 60{NBSP}Mo une fois décompressée : sa lecture"):
        read_boundary_file("QP_2024.zip", content)


def test_a_zip_with_too_many_members_is_refused():
    members = {f"notices/{i}.txt": b"" for i in range(51)}
    with pytest.raises(BoundaryFileError, match="contient 51 fichiers, au-delà de la limite de 50"):
        read_boundary_file("QP_2024.zip", zip_of(members))


def test_more_features_than_the_limit_are_refused():
    content = collection(*[None] * 10_001)
    with pytest.raises(BoundaryFileError, match=f"10{NBSP}001 entités : c'est plus que les 10{NBSP}000 acceptées"):
        read_boundary_file("qpv.geojson", content)


def test_a_shapefile_with_more_features_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(boundary_files, "MAX_FEATURES", 2)
    content = shapefile_zip([(f"QN0250{i}M", "Battant", RING) for i in range(3)])
    with pytest.raises(BoundaryFileError, match="3 entités : c'est plus que les 2 acceptées"):
        read_boundary_file("QP_2024.zip", content)


@pytest.mark.parametrize("kind", ["geojson", "shapefile"])
def test_more_points_than_the_limit_are_refused(monkeypatch, kind):
    monkeypatch.setattr(boundary_files, "MAX_POINTS", 8)
    if kind == "geojson":
        name, content = "qpv.geojson", collection(polygon(SQUARE), polygon(SQUARE))
    else:
        name, content = "QP_2024.zip", shapefile_zip([("QN02501M", "Battant", RING), ("QN02502M", "Battant", RING)])
    with pytest.raises(BoundaryFileError, match="plus de 8 points de contour, la limite acceptée"):
        read_boundary_file(name, content)


def _islands_and_holes(pairs: int) -> list[list[list[float]]]:
    """Small clockwise islands each beside a hole that fits in none: the worst case of pyshp's ring sorting."""
    rings = []
    for i in range(pairs):
        x, y = 6 + (i % 100) * 0.001, 47 + (i // 100) * 0.001
        rings.append([[x, y], [x, y + 0.0005], [x + 0.0005, y + 0.0005], [x, y]])
        rings.append([[x + 0.0006, y], [x + 0.0009, y], [x + 0.0009, y + 0.0003], [x + 0.0006, y]])
    return rings


def test_a_shape_of_thousands_of_rings_is_refused_before_pyshp_sorts_them():
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON) as writer:
        writer.field("CODE_QP", "C", size=10)
        writer.poly(_islands_and_holes(4_000))  # 8,000 rings: pyshp took 10 s to sort them
        writer.record("QN02505M")
    content = zip_of({"QP_2024.shp": shp.getvalue(), "QP_2024.shx": shx.getvalue(), "QP_2024.dbf": dbf.getvalue()})
    started = time.perf_counter()
    with pytest.raises(BoundaryFileError, match=f"entité n° 1 compte 8{NBSP}000 anneaux .* la limite est de 500"):
        read_boundary_file("QP_2024.zip", content)
    assert time.perf_counter() - started < 1


def test_a_file_of_too_many_rings_in_all_is_refused(monkeypatch):
    monkeypatch.setattr(boundary_files, "MAX_RINGS", 5)
    content = shapefile_zip([(f"QN0250{i}M", "Battant", RING) for i in range(6)])
    with pytest.raises(BoundaryFileError, match="plus de 5 anneaux"):
        read_boundary_file("QP_2024.zip", content)


def test_a_geojson_of_millions_of_arrays_is_refused_before_it_is_parsed():
    content = b'{"type": "FeatureCollection", "features": [' + b"[]," * 6_100_000 + b"[]]}"
    with peak_memory() as peak, pytest.raises(BoundaryFileError, match=f"plus de 6{NBSP}100{NBSP}000 tableaux"):
        read_boundary_file("qpv.geojson", content)
    assert peak[0] < 2_000_000, "refused from a count of brackets, not after building millions of lists"


# --- Deep nesting --------------------------------------------------------------------------------------------

DEEP = 100_000


@pytest.mark.parametrize("content", [
    b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": '
    b'{"type": "Polygon", "coordinates": ' + b"[" * DEEP + b"]" * DEEP + b"}}]}",
    b'{"a": ' * DEEP + b"1" + b"}" * DEEP,
    collection(polygon(SQUARE), properties={"lib_qp": json.loads('{"a": ' * 200 + "1" + "}" * 200)}),
    collection({"type": "Polygon", "coordinates": json.loads("[" * 200 + "]" * 200)}),
], ids=["coordinates-100000-deep", "object-100000-deep", "properties-200-deep", "coordinates-200-deep"])
def test_deep_nesting_is_refused_in_french(content):
    with pytest.raises(BoundaryFileError, match="imbriqu"):
        read_boundary_file("qpv.geojson", content)


# --- Shapefiles in Windows-1252 ------------------------------------------------------------------------------

CP1252_FIELDS = (("CODE_QP", 10), ("NOM_QP", 80), ("LIB_COM", 40), ("DÉPT", 20))
CP1252_RECORDS = [
    ("QN02504M", "Clairs-Soleils", "Besançon", "Doubs", RING),
    ("QN02501M", "Planoise – Île-de-France", "Besançon", "Doubs", RING),
    ("QN08801M", "Épinal – Bitola", "Épinal", "Vosges", RING),
]


@pytest.mark.parametrize("cpg", [None, "UTF-8"], ids=["no-cpg", "cpg-saying-utf8"])
def test_a_windows_1252_shapefile_is_read_with_its_accents(cpg):
    content = shapefile_zip(CP1252_RECORDS, fields=CP1252_FIELDS, encoding="cp1252", cpg=cpg)
    parsed = read_boundary_file("QP_2024.zip", content)
    assert parsed.property_names == ("CODE_QP", "NOM_QP", "LIB_COM", "DÉPT")
    assert [f.text("NOM_QP") for f in parsed.features] == ["Clairs-Soleils", "Planoise – Île-de-France",
                                                           "Épinal – Bitola"]
    assert parsed.features[2].text("LIB_COM") == "Épinal"
    plan = plan_import(parsed, TARGETS, Columns(code="CODE_QP", name="NOM_QP", commune="LIB_COM"))
    assert {m.neighbourhood: m.matched_by for m in plan.matches} == {"Planoise": "code", "Clairs-Soleils": "nom"}


def test_a_shapefile_whose_cpg_names_its_code_page_is_read():
    content = shapefile_zip(CP1252_RECORDS, fields=CP1252_FIELDS, encoding="cp1252", cpg="1252")
    assert read_boundary_file("QP_2024.zip", content).features[1].text("NOM_QP") == "Planoise – Île-de-France"


@pytest.mark.parametrize("cpg", ["UTF\x00-8", "zlib_codec", "klingon", "é"], ids=["null-byte", "not-text", "unknown",
                                                                              "not-ascii"])
def test_a_meaningless_cpg_falls_back_on_the_usual_encodings(cpg):
    content = shapefile_zip(CP1252_RECORDS, fields=CP1252_FIELDS, encoding="cp1252", cpg=None)
    members = _members(content) | {"QP_2024.cpg": cpg.encode("utf-8")}
    parsed = read_boundary_file("QP_2024.zip", zip_of(members))
    assert parsed.features[0].text("NOM_QP") == "Clairs-Soleils" and parsed.property_names[-1] == "DÉPT"


def _members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


UNREADABLE = "Le shapefile est illisible : ses fichiers .shp, .shx ou .dbf sont endommagés ou incomplets."


@pytest.mark.filterwarnings("ignore::shapefile.PossiblyCorruptFileHeader")
@pytest.mark.parametrize(("member", "damage"), [
    (".shp", lambda data: data[:60]),
    (".shp", lambda data: data[:100] + b"\xff" * 40),
    (".shx", lambda data: data[:50]),
    (".dbf", lambda data: data[:40]),
    (".dbf", lambda data: b"\x03" + b"\xff" * (len(data) - 1)),
    (".shp", lambda data: b"\x00" * len(data)),
], ids=["shp-truncated", "shp-garbage-record", "shx-truncated", "dbf-truncated", "dbf-garbage", "shp-zeros"])
def test_a_damaged_shapefile_is_refused_with_a_french_message(member, damage):
    members = _members(shapefile_zip([("QN02505M", "Battant", RING), ("QN02506M", "Grette", RING)]))
    members[f"QP_2024{member}"] = damage(members[f"QP_2024{member}"])
    with pytest.raises(BoundaryFileError) as refused:
        read_boundary_file("QP_2024.zip", zip_of(members))
    assert str(refused.value) == UNREADABLE


def _patch_directory(content: bytes, offset: int, fmt: str, value: int) -> bytes:
    """Overwrite a field of every entry of the zip's central directory."""
    data = bytearray(content)
    start = data.find(b"PK\x01\x02")
    while start != -1:
        struct.pack_into(fmt, data, start + offset, value)
        start = data.find(b"PK\x01\x02", start + 4)
    return bytes(data)


GOOD_ZIP = shapefile_zip([("QN02505M", "Battant", RING)])


@pytest.mark.parametrize(("content", "reason"), [
    (_patch_directory(GOOD_ZIP, 8, "<H", 1), "chiffrée"),
    (_patch_directory(GOOD_ZIP, 10, "<H", 99), "méthode de compression"),
    (GOOD_ZIP[: len(GOOD_ZIP) // 2], "L'archive ZIP est illisible"),
    (GOOD_ZIP.replace(b"PK\x01\x02", b"PK\x01\x03", 1), "L'archive ZIP est illisible"),
    (GOOD_ZIP[:200] + bytes(b ^ 0x55 for b in GOOD_ZIP[200:260]) + GOOD_ZIP[260:], "endommagée"),
], ids=["encrypted", "unknown-compression", "truncated", "bad-directory", "bad-data"])
def test_a_damaged_zip_is_refused_with_a_french_message(content, reason):
    with pytest.raises(BoundaryFileError, match=reason):
        read_boundary_file("QP_2024.zip", content)


@pytest.mark.parametrize("kind", ["geojson", "shapefile"])
def test_random_damage_never_escapes_as_a_python_error(kind):
    good = GOOD_ZIP if kind == "shapefile" else fixture_bytes("qpv_official.geojson")
    rng = random.Random(20240613)
    for _ in range(300):
        data = bytearray(good)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        with contextlib.suppress(BoundaryFileError):
            assert isinstance(read_boundary_file(f"qpv.{'zip' if kind == 'shapefile' else 'geojson'}", bytes(data)),
                              BoundaryFile)


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
