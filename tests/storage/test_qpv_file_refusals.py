"""Malformed official QPV files: each ends with a French message, and nothing is written (no neighbourhood, no
audit row)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pilotage.errors import PilotageError
from pilotage.models import AuditEvent, Neighbourhood
from pilotage.qpv_catalogue import QpvColumns
from pilotage.services import contracts as contract_services
from pilotage.services import neighbourhoods as services
from tests.boundary_samples import RING, shapefile_zip, zip_of
from tests.factories import admin_actor

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
COLUMNS = QpvColumns(code="code_qp", name="lib_qp", commune_code="insee_com", commune_name="lib_com")
SQUARE = {"type": "Polygon", "coordinates": [[[5.49, 47.09], [5.50, 47.09], [5.50, 47.10], [5.49, 47.10],
                                              [5.49, 47.09]]]}


def feature(code: str | None, name: str = "Les Paters", geometry: dict | None = None, **extra) -> dict:
    properties = {"code_qp": code, "lib_qp": name, "insee_com": "39198", "lib_com": "Val-d'Amour", **extra}
    return {"type": "Feature", "properties": properties, "geometry": geometry or SQUARE}


def geojson(*features: dict) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def large() -> bytes:
    return (FIXTURES / "qpv_2024_deux_departements.geojson").read_bytes()


# case -> (filename, content, columns, ticked codes, the French message)
CASES = {
    "bad-json": ("qpv.geojson", b'{"type": "FeatureCollection", "features": [', COLUMNS, ["QN03901M"],
                 "Le fichier n'est pas un GeoJSON lisible (ligne 1"),
    "not-utf8": ("qpv.geojson", "{\"type\": \"Feature\", \"nom\": \"Épenottes\"}".encode("latin-1"), COLUMNS,
                 ["QN03901M"], "Le fichier n'est pas un texte UTF-8"),
    "no-features": ("qpv.geojson", geojson(), COLUMNS, ["QN03901M"], "Le fichier ne contient aucune entité"),
    "not-a-collection": ("qpv.geojson", b'{"type": "Polygon", "coordinates": []}', COLUMNS, ["QN03901M"],
                         "Le GeoJSON doit être une FeatureCollection (type trouvé : Polygon)"),
    "missing-mapped-property": ("qpv.geojson", geojson(feature("QN03901M")),
                                QpvColumns(code="code_qp", name="nom_qp", commune_name="lib_com"), ["QN03901M"],
                                "La propriété « nom_qp » choisie pour le nom n'existe pas dans le fichier"),
    "no-commune-property": ("qpv.geojson", geojson(feature("QN03901M")), QpvColumns(code="code_qp", name="lib_qp"),
                            ["QN03901M"], "Choisissez la propriété qui porte la commune du QPV"),
    "feature-without-code": ("qpv.geojson", geojson(feature("QN03901M"), feature(None), feature(" ")), COLUMNS,
                             ["QN03901M"], "2 entités n'ont pas de code dans la propriété « code_qp » (n° 2, n° 3)"),
    "duplicate-codes": ("qpv.geojson", geojson(feature("QN03901M"), feature("QN03902M"), feature("qn03901m")),
                        COLUMNS, ["QN03901M"], "Le fichier contient des codes en double : QN03901M (entités n° 1, "
                                               "n° 3)"),
    "not-a-zip": ("QP_2024.zip", b"Ceci n'est pas une archive, seulement du texte.", COLUMNS, ["QN03901M"],
                  "L'archive ZIP est illisible."),
    "zip-without-shp": ("QP_2024.zip", zip_of({"QP_2024.dbf": b"x", "QP_2024.shx": b"y", "lisez-moi.txt": b"z"}),
                        COLUMNS, ["QN03901M"], "L'archive ZIP doit contenir exactement une couche shapefile (.shp) : "
                                               "0 trouvée(s)."),
    "zip-without-dbf": ("QP_2024.zip", zip_of({"QP_2024.shp": b"x", "QP_2024.shx": b"y"}), COLUMNS, ["QN03901M"],
                        "Le shapefile est incomplet : il manque .dbf dans l'archive."),
    "shapefile-wrong-columns": ("QP_2024.zip", shapefile_zip([("QN03901M", "Les Paters", RING)]), COLUMNS,
                                ["QN03901M"], "La propriété « code_qp » choisie pour le code n'existe pas"),
    "point-geometry": ("qpv.geojson", geojson(feature("QN03901M"), feature(
        "QN03902M", "La Rotonde", {"type": "Point", "coordinates": [5.5, 47.1]})), COLUMNS, ["QN03901M", "QN03902M"],
        "entité n° 2 (QN03902M La Rotonde) : contour refusé — la géométrie doit être un polygone ou un multipolygone "
        "(reçu : Point)"),
    "mixed-collection": ("qpv.geojson", geojson(feature("QN03901M", geometry={
        "type": "GeometryCollection", "geometries": [SQUARE, {"type": "LineString",
                                                              "coordinates": [[5.4, 47.0], [5.5, 47.1]]}]})),
        COLUMNS, ["QN03901M"], "contour refusé — la géométrie doit être un polygone ou un multipolygone (reçu : "
                               "GeometryCollection)"),
    "flat-polygon": ("qpv.geojson", geojson(feature("QN03901M", geometry={
        "type": "Polygon", "coordinates": [[[5.49, 47.09], [5.50, 47.09], [5.51, 47.09], [5.49, 47.09]]]})),
        COLUMNS, ["QN03901M"], "contour refusé — géométrie invalide et impossible à réparer"),
    "no-geometry": ("qpv.geojson", json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": feature("QN03901M")["properties"], "geometry": None}]}).encode(), COLUMNS,
        ["QN03901M"], "l'entité n'a pas de contour"),
    "lambert-93": ("qpv.geojson", (FIXTURES / "qpv_lambert93.geojson").read_bytes(), COLUMNS, ["QN03901M"],
                   "seules les coordonnées longitude/latitude WGS 84 sont acceptées"),
    "empty-name": ("qpv.geojson", geojson(feature("QN03901M", name="")), COLUMNS, ["QN03901M"],
                   "le nom est vide (propriété « lib_qp »)"),
    "empty-selection": ("qpv.geojson", large(), COLUMNS, [],
                        "Aucun QPV n'est coché : cochez au moins un quartier à créer. Rien n'a été créé."),
    "code-not-in-file": ("qpv.geojson", large(), COLUMNS, ["QN04401C", "QN09999Z"],
                         "Code(s) absent(s) du fichier : QN09999Z. Rien n'a été créé."),
    "one-bad-among-many": ("qpv.geojson", large().replace(b'"lib_qp": "Bellevue"', b'"lib_qp": ""', 1), COLUMNS,
                           None, "1 QPV coché ne peut pas être créé — entité n° "),
}


@pytest.mark.parametrize("case", CASES)
def test_a_malformed_qpv_file_is_refused_in_french_and_nothing_is_written(session, case):
    filename, content, columns, codes, message = CASES[case]
    admin = admin_actor(session)
    contract_id = contract_services.create_contract(session, admin, name="Contrat de Ville du Val d'Amour",
                                                    territory="Val d'Amour", start_year=2024, end_year=2030)
    if codes is None:  # every code of the file
        codes = [e.code for e in services.read_qpv_file("qpv.geojson", large(), COLUMNS).entries]
    before = (session.scalar(select(func.count()).select_from(Neighbourhood)),
              session.scalar(select(func.count()).select_from(AuditEvent)))

    with pytest.raises(PilotageError) as refused:
        services.create_from_qpv_file(session, admin, contract_id=contract_id, filename=filename, content=content,
                                      columns=columns, codes=codes)

    assert message in str(refused.value).replace("\u00a0", " ")
    assert (session.scalar(select(func.count()).select_from(Neighbourhood)),
            session.scalar(select(func.count()).select_from(AuditEvent))) == before
