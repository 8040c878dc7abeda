"""Reading a boundaries file (GeoJSON, or a zipped shapefile) into features, refusing what is not lon/lat."""

from __future__ import annotations

import codecs
import io
import json
import struct
import zipfile
from dataclasses import dataclass
from typing import Any

import shapefile

from pilotage.errors import ValidationError
from pilotage.formats import format_number
from pilotage.geometry import positions

MAX_FEATURES = 50_000
# GeoJSON (RFC 7946) is always lon/lat WGS 84; older files name it in a `crs` member.
LONLAT_CRS = {"urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:ogc::crs84", "ogc:crs84", "crs84",
              "urn:ogc:def:crs:epsg::4326", "urn:ogc:def:crs:epsg:4326", "epsg:4326",
              "http://www.opengis.net/def/crs/ogc/1.3/crs84", "http://www.opengis.net/def/crs/epsg/0/4326"}
POLYGON_SHAPE_TYPES = {shapefile.POLYGON, shapefile.POLYGONZ, shapefile.POLYGONM}
REPROJECT_HINT = "Exportez-le en longitude/latitude WGS 84 (EPSG:4326) puis importez-le à nouveau."


class BoundaryFileError(ValidationError):
    """A file refused as a whole, with the reason in French."""


@dataclass(frozen=True)
class BoundaryFeature:
    index: int  # position in the file, from 1, to name the feature in reports
    properties: dict[str, Any]
    geometry: dict | None

    def text(self, name: str | None) -> str | None:
        """A property as trimmed text (None when absent or empty)."""
        value = self.properties.get(name) if name else None
        text = "" if value is None else str(value).strip()
        return text or None


@dataclass(frozen=True)
class BoundaryFile:
    filename: str
    features: tuple[BoundaryFeature, ...]
    property_names: tuple[str, ...]


def read_boundary_file(filename: str, content: bytes) -> BoundaryFile:
    """Parse a GeoJSON file or a zipped shapefile; refuse a malformed or projected file."""
    if not content:
        raise BoundaryFileError("Le fichier est vide.")
    if filename.lower().endswith(".zip") or content[:4] == b"PK\x03\x04":
        features = _shapefile_features(content)
    else:
        features = _geojson_features(content)
    if not features:
        raise BoundaryFileError("Le fichier ne contient aucune entité (aucun contour).")
    if len(features) > MAX_FEATURES:
        raise BoundaryFileError(f"Le fichier contient {format_number(len(features))} entités : "
                                f"c'est plus que les {format_number(MAX_FEATURES)} acceptées.")
    _check_lonlat(features)
    names: dict[str, None] = {}
    for feature in features:
        names.update(dict.fromkeys(feature.properties))
    return BoundaryFile(filename=filename, features=tuple(features), property_names=tuple(names))


def _geojson_features(content: bytes) -> list[BoundaryFeature]:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise BoundaryFileError("Le fichier n'est pas un texte UTF-8 : ce n'est pas un GeoJSON.") from exc
    except json.JSONDecodeError as exc:
        raise BoundaryFileError(f"Le fichier n'est pas un GeoJSON lisible (ligne {exc.lineno}, colonne "
                                f"{exc.colno} : {exc.msg}).") from exc
    if not isinstance(data, dict):
        raise BoundaryFileError("Le fichier n'est pas un GeoJSON : il devrait contenir un objet FeatureCollection.")
    _check_crs(data.get("crs"))
    if data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        raise BoundaryFileError(f"Le GeoJSON doit être une FeatureCollection (type trouvé : {data.get('type')}).")
    features = []
    for index, item in enumerate(data["features"], start=1):
        if not isinstance(item, dict) or item.get("type") != "Feature":
            raise BoundaryFileError(f"L'élément n° {index} du fichier n'est pas une entité GeoJSON (Feature).")
        properties = item.get("properties") or {}
        if not isinstance(properties, dict):
            raise BoundaryFileError(f"Les propriétés de l'entité n° {index} ne sont pas un objet.")
        geometry = item.get("geometry")
        features.append(BoundaryFeature(index, properties, geometry if isinstance(geometry, dict) else None))
    return features


def _check_crs(crs: Any) -> None:
    if crs is None:
        return
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if not isinstance(name, str) or name.strip().lower() not in LONLAT_CRS:
        shown = name if isinstance(name, str) else json.dumps(crs, ensure_ascii=False)[:80]
        hint = " (Lambert-93, en mètres)" if isinstance(name, str) and "2154" in name else ""
        raise BoundaryFileError(f"Le fichier déclare le système de coordonnées « {shown} »{hint} : seules les "
                                f"coordonnées longitude/latitude WGS 84 sont acceptées. {REPROJECT_HINT}")


def _check_lonlat(features: list[BoundaryFeature]) -> None:
    for feature in features:
        if feature.geometry is None:
            continue
        for x, y in positions(feature.geometry.get("coordinates")):
            if not (-180 <= x <= 180 and -90 <= y <= 90):
                raise BoundaryFileError(
                    f"Les coordonnées de l'entité n° {feature.index} ({format_number(x)} ; {format_number(y)}) "
                    f"sortent des plages longitude/latitude : le fichier semble projeté (en mètres, par exemple "
                    f"en Lambert-93). {REPROJECT_HINT}")


def _shapefile_features(content: bytes) -> list[BoundaryFeature]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = {name.lower(): name for name in archive.namelist() if not name.startswith("__MACOSX/")}
    except zipfile.BadZipFile as exc:
        raise BoundaryFileError("L'archive ZIP est illisible.") from exc
    shps = [name for name in members if name.endswith(".shp")]
    if len(shps) != 1:
        raise BoundaryFileError("L'archive ZIP doit contenir exactement une couche shapefile (.shp) : "
                                f"{len(shps)} trouvée(s).")
    stem = shps[0][:-4]
    missing = [ext for ext in (".shx", ".dbf") if stem + ext not in members]
    if missing:
        raise BoundaryFileError(f"Le shapefile est incomplet : il manque {', '.join(missing)} dans l'archive.")

    def read(ext: str) -> bytes | None:
        return archive.read(members[stem + ext]) if stem + ext in members else None

    _check_prj(read(".prj"))
    encoding = (read(".cpg") or b"").decode("ascii", "ignore").strip() or "utf-8"
    try:
        return _shape_records(read, encoding)
    except UnicodeDecodeError:
        return _shape_records(read, "latin-1")


def _check_prj(prj: bytes | None) -> None:
    text = (prj or b"").decode("latin-1").strip()
    if text.upper().startswith("PROJCS"):
        name = text.split('"')[1] if '"' in text else "projection inconnue"
        raise BoundaryFileError(f"Le shapefile est projeté (« {name} », en mètres) : seules les coordonnées "
                                f"longitude/latitude WGS 84 sont acceptées. {REPROJECT_HINT}")


def _shape_records(read, encoding: str) -> list[BoundaryFeature]:
    try:
        reader = shapefile.Reader(shp=io.BytesIO(read(".shp")), shx=io.BytesIO(read(".shx")),
                                  dbf=io.BytesIO(read(".dbf")), encoding=_python_encoding(encoding))
        features = []
        for index, item in enumerate(reader.iterShapeRecords(), start=1):
            geometry = None
            if item.shape.shapeType in POLYGON_SHAPE_TYPES and item.shape.points:
                geometry = dict(item.shape.__geo_interface__)
            features.append(BoundaryFeature(index, dict(item.record.as_dict()), geometry))
        return features
    except UnicodeDecodeError:
        raise
    except (shapefile.ShapefileException, ValueError, OSError, struct.error) as exc:
        raise BoundaryFileError(f"Le shapefile est illisible ({exc}).") from exc


def _python_encoding(cpg: str) -> str:
    code = cpg.lower().replace("-", "").replace("_", "")
    name = {"utf8": "utf-8", "1252": "cp1252", "ansi1252": "cp1252", "88591": "latin-1"}.get(code, cpg)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"
