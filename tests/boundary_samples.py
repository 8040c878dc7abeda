"""Boundary files built in memory for the import tests: zipped shapefiles in any DBF encoding, and zip bombs."""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib

import shapefile

# A square around Battant, clockwise as the outer ring of a shapefile polygon must be.
RING = [[6.0168, 47.2395], [6.0168, 47.2433], [6.0208, 47.2433], [6.0208, 47.2395], [6.0168, 47.2395]]
WGS84_PRJ = 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]]]'
MEGABYTE = 1 << 20


def shapefile_zip(records: list[tuple], *, fields: tuple[tuple[str, int], ...] = (("CODE_QP", 10), ("NOM_QP", 80)),
                  encoding: str = "utf-8", cpg: str | None = "UTF-8", prj: str | None = WGS84_PRJ) -> bytes:
    """A zipped shapefile of polygons: each record is its text values followed by its ring."""
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding=encoding) as writer:
        for name, size in fields:
            writer.field(name, "C", size=size)
        for *values, ring in records:
            writer.poly([ring])
            writer.record(*values)
    members = {"QP_2024.shp": shp.getvalue(), "QP_2024.shx": shx.getvalue(), "QP_2024.dbf": dbf.getvalue()}
    if cpg is not None:
        members["QP_2024.cpg"] = cpg.encode("ascii")
    if prj is not None:
        members["QP_2024.prj"] = prj.encode("ascii")
    return zip_of(members)


def zip_of(members: dict[str, bytes]) -> bytes:
    """A deflated zip archive of these members."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    return archive.getvalue()


@functools.cache
def deflated_zeros(megabytes: int) -> tuple[bytes, int]:
    """`megabytes` MiB of zero bytes as a raw deflate stream (about 1 KB per MiB), with their CRC-32."""
    compressor, chunk = zlib.compressobj(9, zlib.DEFLATED, -15), bytes(MEGABYTE)
    stream = b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.flush()
    crc = functools.reduce(lambda value, _: zlib.crc32(chunk, value), range(megabytes), 0)
    return stream, crc


def raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand from (name, deflated data, CRC-32, declared size): the sizes may lie."""
    body, directory = b"", b""
    for name, data, crc, size in members:
        encoded = name.encode()
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, zipfile.ZIP_DEFLATED, 0, 0x21, crc,
                                 len(data), size, len(encoded), 0, 0, 0, 0, 0, len(body)) + encoded
        body += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, zipfile.ZIP_DEFLATED, 0, 0x21, crc, len(data), size,
                            len(encoded), 0) + encoded + data
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(body), 0)
    return body + directory + end


def zip_bomb(megabytes: int = 100, declared: int | None = None) -> bytes:
    """A shapefile-shaped zip of ~306 KB inflating to 3 x `megabytes` MiB; its directory may claim `declared`."""
    stream, crc = deflated_zeros(megabytes)
    size = megabytes * MEGABYTE if declared is None else declared
    return raw_zip([(f"QP_2024{ext}", stream, crc, size) for ext in (".shp", ".shx", ".dbf")])
