"""Reading a boundaries file (GeoJSON, or a zipped shapefile) into features, refusing what is not lon/lat."""

from __future__ import annotations

import codecs
import io
import json
import lzma
import math
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

import shapefile

from pilotage.errors import ValidationError
from pilotage.formats import format_number
from pilotage.geometry import POSITION_DEPTH, GeometryError, checked_positions

MEGABYTE = 1_000_000  # "Mo" as users read it
# Limits, sized on the national ANCT file of the ~1,600 QPV: a few tens of Mo as GeoJSON. Measured on a synthetic
# national file (1,600 contours of 600 points, a million points at full precision): 40 Mo of GeoJSON read in 2.7 s
# with 275 Mo of memory; the same as a zipped shapefile, 10 Mo (15 Mo inflated), in 1.9 s with 195 Mo.
MAX_FILE_BYTES = 50 * MEGABYTE  # the national GeoJSON fits; JSON takes ~6 times its size in memory, so ~350 Mo
MAX_UNZIPPED_BYTES = 60 * MEGABYTE  # all members once inflated: four times the national shapefile
MAX_ZIP_MEMBERS = 50  # a shapefile is 3 to 8 files (.shp .shx .dbf .prj .cpg .sbn .sbx .xml), plus macOS copies
MAX_FEATURES = 10_000  # six times the QPV of all France
MAX_POINTS = 3_000_000  # three times the national file; about 350 Mo of Python objects at most
# pyshp sorts a shape's rings into polygons in time that grows with islands x holes: 8,000 rings took 10 s. QPV
# contours have a few rings each (islands, holes), a few thousand in the national file.
MAX_RINGS_PER_FEATURE = 500
MAX_RINGS = 20_000
MAX_PROPERTY_NESTING = 10  # a property may hold an object or a list; ten levels down is no QPV attribute
READ_CHUNK = 1 << 20  # members are inflated a mebibyte at a time, counted against MAX_UNZIPPED_BYTES
SHAPEFILE_CODE = 9994  # the first four bytes (big-endian) of every .shp and .shx file
# GeoJSON (RFC 7946) is always lon/lat WGS 84; older files name it in a `crs` member.
LONLAT_CRS = {"urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:ogc::crs84", "ogc:crs84", "crs84",
              "urn:ogc:def:crs:epsg::4326", "urn:ogc:def:crs:epsg:4326", "epsg:4326",
              "http://www.opengis.net/def/crs/ogc/1.3/crs84", "http://www.opengis.net/def/crs/epsg/0/4326"}
POLYGON_SHAPE_TYPES = {shapefile.POLYGON, shapefile.POLYGONZ, shapefile.POLYGONM}
REPROJECT_HINT = "Exportez-le en longitude/latitude WGS 84 (EPSG:4326) puis importez-le à nouveau."
UNREADABLE_SHAPEFILE = "Le shapefile est illisible : ses fichiers .shp, .shx ou .dbf sont endommagés ou incomplets."
# zipfile's errors on a damaged member (bz2 raises OSError, lzma its own, deflate zlib.error)
DAMAGED_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError, struct.error)


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
    """Parse a GeoJSON file or a zipped shapefile; refuse a malformed, oversized or projected file."""
    if not content:
        raise BoundaryFileError("Le fichier est vide.")
    check_file_size(len(content))
    if filename.lower().endswith(".zip") or content[:4] == b"PK\x03\x04":
        features = _shapefile_features(content)
    else:
        features = _geojson_features(content)
    if not features:
        raise BoundaryFileError("Le fichier ne contient aucune entité (aucun contour).")
    _check_coordinates(features)
    names: dict[str, None] = {}
    for feature in features:
        names.update(dict.fromkeys(feature.properties))
    return BoundaryFile(filename=filename, features=tuple(features), property_names=tuple(names))


def check_file_size(size: int) -> None:
    """Refuse a file heavier than MAX_FILE_BYTES, before anything reads it."""
    if size > MAX_FILE_BYTES:
        raise BoundaryFileError(f"Le fichier pèse {megabytes(size)} : il dépasse la limite de "
                                f"{megabytes(MAX_FILE_BYTES)}. Importez plutôt l'extrait de votre département, "
                                "ou le shapefile zippé, plus léger.")


def megabytes(size: int) -> str:
    """50_000_000 -> '50 Mo'; a size between two tenths is rounded up (50_000_001 -> '50,1 Mo')."""
    if size % MEGABYTE == 0:
        return f"{format_number(size // MEGABYTE)}\u00a0Mo"
    return f"{format_number(math.ceil(size / (MEGABYTE / 10)) / 10, 1)}\u00a0Mo"


def _check_count(count: int) -> None:
    if count > MAX_FEATURES:
        raise BoundaryFileError(f"Le fichier contient {format_number(count)} entités : c'est plus que les "
                                f"{format_number(MAX_FEATURES)} acceptées.")


def _too_many_points() -> BoundaryFileError:
    return BoundaryFileError(f"Le fichier compte plus de {format_number(MAX_POINTS)} points de contour, la limite "
                             "acceptée. Importez plutôt l'extrait de votre département.")


def _geojson_features(content: bytes) -> list[BoundaryFeature]:
    # Every array or object costs Python about 60 bytes: count them before json builds millions of them. A
    # position is one array, a feature adds a handful (itself, properties, geometry, rings): allow twice that.
    most = 2 * MAX_POINTS + 10 * MAX_FEATURES
    if content.count(b"[") + content.count(b"{") > most:
        raise BoundaryFileError(f"Le fichier compte plus de {format_number(most)} tableaux et objets JSON, bien "
                                f"plus qu'un fichier de contours : la limite est de {format_number(MAX_POINTS)} "
                                "points de contour.")
    data = _parse_json(content)
    if not isinstance(data, dict):
        raise BoundaryFileError("Le fichier n'est pas un GeoJSON : il devrait contenir un objet FeatureCollection.")
    _check_crs(data.get("crs"))
    if data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        raise BoundaryFileError("Le GeoJSON doit être une FeatureCollection (type trouvé : "
                                f"{_shown(data.get('type'))}).")
    _check_count(len(data["features"]))
    return [_feature(index, item) for index, item in enumerate(data["features"], start=1)]


def _parse_json(content: bytes) -> Any:
    try:
        return json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise BoundaryFileError("Le fichier n'est pas un texte UTF-8 : ce n'est pas un GeoJSON.") from exc
    except json.JSONDecodeError as exc:
        raise BoundaryFileError(f"Le fichier n'est pas un GeoJSON lisible (ligne {exc.lineno}, colonne "
                                f"{exc.colno} : {exc.msg}).") from exc
    except RecursionError as exc:
        raise BoundaryFileError("Le fichier est imbriqué trop profondément (des milliers de tableaux ou d'objets "
                                "les uns dans les autres) : ce n'est pas un GeoJSON de contours.") from exc
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise BoundaryFileError("Le fichier n'est pas un GeoJSON lisible : il contient un nombre démesuré.") from exc


def _feature(index: int, item: Any) -> BoundaryFeature:
    if not isinstance(item, dict) or item.get("type") != "Feature":
        raise BoundaryFileError(f"L'élément n° {index} du fichier n'est pas une entité GeoJSON (Feature).")
    properties = item.get("properties") or {}
    if not isinstance(properties, dict):
        raise BoundaryFileError(f"Les propriétés de l'entité n° {index} ne sont pas un objet.")
    if _nests_deeper(properties, MAX_PROPERTY_NESTING):
        raise BoundaryFileError(f"Les propriétés de l'entité n° {index} sont imbriquées sur plus de "
                                f"{MAX_PROPERTY_NESTING} niveaux : ce n'est pas un fichier de contours.")
    return BoundaryFeature(index, properties, _plain_geometry(index, item.get("geometry")))


def _plain_geometry(index: int, geometry: Any, *, in_collection: bool = False) -> dict | None:
    """The geometry with only its type and coordinates: other members are never read, nor kept."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if not isinstance(kind, str):
        return None
    if kind == "GeometryCollection":
        members = geometry.get("geometries")
        if in_collection or not isinstance(members, list):
            raise BoundaryFileError(f"La géométrie de l'entité n° {index} est une collection mal formée "
                                    "(collection imbriquée ou sans liste de géométries).")
        return {"type": kind, "geometries": [g for m in members
                                             if (g := _plain_geometry(index, m, in_collection=True)) is not None]}
    if kind in POSITION_DEPTH:
        return {"type": kind, "coordinates": geometry.get("coordinates")}
    return {"type": kind[:40]}


def _nests_deeper(value: Any, limit: int) -> bool:
    """Whether arrays or objects nest more than `limit` levels inside this value (walked without recursion)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def _shown(value: Any) -> str:
    """A JSON value named in a message, short whatever its size."""
    if value is None:
        return "aucun"
    if isinstance(value, str):
        return value[:40]
    return "un tableau" if isinstance(value, list) else "un objet" if isinstance(value, dict) else "une valeur"


def _check_crs(crs: Any) -> None:
    if crs is None:
        return
    properties = crs.get("properties") if isinstance(crs, dict) else None
    name = properties.get("name") if isinstance(properties, dict) else None
    if isinstance(name, str) and name.strip().lower() in LONLAT_CRS:
        return
    if isinstance(name, str):
        shown = name[:80]
    elif _nests_deeper(crs, MAX_PROPERTY_NESTING):
        shown = "illisible"
    else:
        shown = json.dumps(crs, ensure_ascii=False)[:80]
    hint = " (Lambert-93, en mètres)" if isinstance(name, str) and "2154" in name else ""
    raise BoundaryFileError(f"Le fichier déclare le système de coordonnées « {shown} »{hint} : seules les "
                            f"coordonnées longitude/latitude WGS 84 sont acceptées. {REPROJECT_HINT}")


def _check_coordinates(features: list[BoundaryFeature]) -> None:
    """Every position a pair of finite numbers within lon/lat ranges, and not too many of them."""
    total = 0
    for feature in features:
        for geometry in _parts(feature.geometry):
            try:
                for x, y in checked_positions(geometry):
                    if not (-180 <= x <= 180 and -90 <= y <= 90):
                        raise BoundaryFileError(
                            f"Les coordonnées de l'entité n° {feature.index} ({format_number(x, 1)} ; "
                            f"{format_number(y, 1)}) sortent des plages longitude/latitude : le fichier semble "
                            f"projeté (en mètres, par exemple en Lambert-93). {REPROJECT_HINT}")
                    total += 1
            except GeometryError as exc:
                raise BoundaryFileError(f"L'entité n° {feature.index} est refusée : {exc}. Les coordonnées doivent "
                                        "être des nombres de longitude et de latitude WGS 84.") from exc
            if total > MAX_POINTS:
                raise _too_many_points()


def _parts(geometry: dict | None) -> list[dict]:
    if geometry is None:
        return []
    if geometry["type"] == "GeometryCollection":
        return [g for g in geometry["geometries"] if g["type"] in POSITION_DEPTH]
    return [geometry] if geometry["type"] in POSITION_DEPTH else []


def _shapefile_features(content: bytes) -> list[BoundaryFeature]:
    archive = _open_zip(content)
    members = {info.filename.lower(): info for info in archive.infolist()
               if not info.filename.startswith("__MACOSX/")}
    shps = [name for name in members if name.endswith(".shp")]
    if len(shps) != 1:
        raise BoundaryFileError("L'archive ZIP doit contenir exactement une couche shapefile (.shp) : "
                                f"{len(shps)} trouvée(s).")
    stem = shps[0][:-4]
    missing = [ext for ext in (".shx", ".dbf") if stem + ext not in members]
    if missing:
        raise BoundaryFileError(f"Le shapefile est incomplet : il manque {', '.join(missing)} dans l'archive.")
    inflater = _Inflater(archive)

    def read(ext: str) -> bytes | None:
        return inflater.read(members[stem + ext]) if stem + ext in members else None

    _check_prj(read(".prj"))
    cpg = (read(".cpg") or b"").decode("ascii", "ignore").strip()
    geometries = _shapes(read(".shp"), read(".shx"))
    records = _records(read(".dbf"), cpg)
    return [BoundaryFeature(index, record, geometry)
            for index, (geometry, record) in enumerate(zip(geometries, records, strict=False), start=1)]


def _open_zip(content: bytes) -> zipfile.ZipFile:
    """The archive, once its directory shows a sensible number of members and inflated size."""
    # Each member has one directory entry starting with this signature: count them before zipfile lists them.
    _check_member_count(content.count(b"PK\x01\x02"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (*DAMAGED_ZIP_ERRORS, NotImplementedError) as exc:  # NotImplementedError: a zip format too recent
        raise BoundaryFileError("L'archive ZIP est illisible.") from exc
    _check_member_count(len(infos))
    declared = sum(info.file_size for info in infos)
    if declared > MAX_UNZIPPED_BYTES:
        raise BoundaryFileError(f"L'archive ZIP dépasse la limite de {megabytes(MAX_UNZIPPED_BYTES)} une fois "
                                f"décompressée (elle annonce {megabytes(declared)}) : elle n'a pas été ouverte.")
    return archive


def _check_member_count(count: int) -> None:
    if count > MAX_ZIP_MEMBERS:
        raise BoundaryFileError(f"L'archive ZIP contient {format_number(count)} fichiers, au-delà de la limite de "
                                f"{MAX_ZIP_MEMBERS} : une couche shapefile n'en compte que quelques-uns (.shp, .shx, "
                                ".dbf, .prj…).")


class _Inflater:
    """Members inflated under one budget for the whole archive: declared sizes can lie, bytes read cannot."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.left = MAX_UNZIPPED_BYTES

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """The member's bytes; BoundaryFileError as soon as the archive inflates past the budget."""
        buffer = io.BytesIO()
        try:
            with self.archive.open(info) as member:
                while chunk := member.read(READ_CHUNK):
                    self.left -= len(chunk)
                    if self.left < 0:
                        raise BoundaryFileError(f"L'archive ZIP dépasse la limite de "
                                                f"{megabytes(MAX_UNZIPPED_BYTES)} une fois décompressée : sa "
                                                "lecture a été arrêtée.")
                    buffer.write(chunk)
        except NotImplementedError as exc:  # before RuntimeError, its parent class
            raise BoundaryFileError("L'archive ZIP utilise une méthode de compression non prise en charge : "
                                    "recréez-la avec la compression standard (Deflate).") from exc
        except RuntimeError as exc:  # zipfile's word for a password-protected member
            raise BoundaryFileError("L'archive ZIP est chiffrée (protégée par un mot de passe) : importez-la "
                                    "sans mot de passe.") from exc
        except DAMAGED_ZIP_ERRORS as exc:
            raise BoundaryFileError("L'archive ZIP est endommagée : un de ses fichiers ne se décompresse pas "
                                    "correctement.") from exc
        return buffer.getvalue()


def _check_prj(prj: bytes | None) -> None:
    text = (prj or b"").decode("latin-1").strip()
    if text.upper().startswith("PROJCS"):
        name = text.split('"')[1][:80] if '"' in text else "projection inconnue"
        raise BoundaryFileError(f"Le shapefile est projeté (« {name} », en mètres) : seules les coordonnées "
                                f"longitude/latitude WGS 84 sont acceptées. {REPROJECT_HINT}")


def _shapes(shp: bytes, shx: bytes) -> list[dict | None]:
    """The polygons of the .shp (None for other shapes), counted as they are read."""
    for data in (shp, shx):
        if len(data) < 100 or struct.unpack(">i", data[:4])[0] != SHAPEFILE_CODE:
            raise BoundaryFileError(UNREADABLE_SHAPEFILE)
    geometries, points, rings = [], 0, 0
    try:
        reader = shapefile.Reader(shp=io.BytesIO(shp), shx=io.BytesIO(shx))
        _check_count(len(reader))
        for index, shape in enumerate(reader.iterShapes(), start=1):
            points, rings = points + len(shape.points), rings + len(getattr(shape, "parts", ()))
            if points > MAX_POINTS:
                raise _too_many_points()
            _check_rings(index, len(getattr(shape, "parts", ())), rings)
            polygon = shape.shapeType in POLYGON_SHAPE_TYPES and shape.points
            geometries.append(dict(shape.__geo_interface__) if polygon else None)
    except BoundaryFileError:
        raise
    except Exception as exc:  # pyshp fails on damaged bytes with a dozen unrelated types (KeyError, struct.error…)
        raise BoundaryFileError(UNREADABLE_SHAPEFILE) from exc
    return geometries


def _check_rings(index: int, count: int, total: int) -> None:
    if count > MAX_RINGS_PER_FEATURE:
        raise BoundaryFileError(f"L'entité n° {index} compte {format_number(count)} anneaux (parties et trous) : la "
                                f"limite est de {format_number(MAX_RINGS_PER_FEATURE)} par quartier.")
    if total > MAX_RINGS:
        raise BoundaryFileError(f"Le fichier compte plus de {format_number(MAX_RINGS)} anneaux (parties et trous), "
                                "la limite acceptée. Importez plutôt l'extrait de votre département.")


def _records(dbf: bytes, cpg: str) -> list[dict[str, Any]]:
    """The attributes, decoded as the .cpg says, else UTF-8, else Windows-1252, else Latin-1."""
    for encoding in dict.fromkeys([_python_encoding(cpg), "utf-8", "cp1252", "latin-1"]):
        try:
            reader = shapefile.Reader(dbf=io.BytesIO(dbf), encoding=encoding)
            _check_count(reader.numRecords)
            return [record.as_dict() for record in reader.iterRecords()]
        except BoundaryFileError:
            raise
        except Exception:  # pyshp's decoding error, or damage (which the next encodings meet too)
            continue
    raise BoundaryFileError(UNREADABLE_SHAPEFILE)


def _python_encoding(cpg: str) -> str:
    code = cpg.lower().replace("-", "").replace("_", "")
    name = {"utf8": "utf-8", "1252": "cp1252", "ansi1252": "cp1252", "88591": "latin-1"}.get(code, cpg)
    try:
        return codecs.lookup(name).name if name else "utf-8"
    except (LookupError, ValueError):  # ValueError: a name with a null byte
        return "utf-8"
