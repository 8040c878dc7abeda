"""Workbook builders for the update sheet tests: huge, stale, broken or hostile .xlsx files, built fast."""

from __future__ import annotations

import io
import re
import zipfile

from tests.boundary_samples import zip_of

DATA_SHEET_PART = "xl/worksheets/sheet1.xml"
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")  # an encrypted .xlsx (or an old .xls) is an OLE2 file


def rewrite_part(content: bytes, part: str, change) -> bytes:
    """The same .xlsx with one part's XML passed through `change` (str -> str)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(item.filename, data)
    return buffer.getvalue()


def with_extra_rows(content: bytes, count: int, *, dimension: str = "honest") -> bytes:
    """Append `count` one-cell rows to the data sheet (raw XML: a million rows take a second, not minutes).

    The sheet's <dimension> then covers every row ("honest"), still announces the original rows only, as a
    careless writer would leave it ("stale"), or is left out, as some writers do ("absent").
    """
    def change(xml: str) -> str:
        last = max(int(r) for r in re.findall(r'<row r="(\d+)"', xml))
        xml = xml.replace("</sheetData>", "<row><c><v>1</v></c></row>" * count + "</sheetData>")
        if dimension == "honest":
            return re.sub(r'<dimension ref="A1:([A-Z]+)\d+"', rf'<dimension ref="A1:\g<1>{last + count}"', xml)
        return re.sub(r"<dimension [^>]*/>", "", xml) if dimension == "absent" else xml

    return rewrite_part(content, DATA_SHEET_PART, change)


def with_wide_row(content: bytes, cells: int) -> bytes:
    """Append one row of `cells` cells: few lines, but more XML than any update sheet holds."""
    row = "<row>" + "<c><v>1</v></c>" * cells + "</row>"
    return rewrite_part(content, DATA_SHEET_PART, lambda xml: xml.replace("</sheetData>", row + "</sheetData>"))


def with_cached_value(content: bytes, formula: str, value: str) -> bytes:
    """Give a formula openpyxl wrote without a result the cached result a spreadsheet would have stored."""
    def change(xml: str) -> str:
        bare = f"<f>{formula}</f><v></v>"
        assert bare in xml, f"no uncomputed formula {formula} in the sheet"
        return xml.replace(bare, f"<f>{formula}</f><v>{value}</v>")

    return rewrite_part(content, DATA_SHEET_PART, change)


def corrupt_part(content: bytes, part: str = DATA_SHEET_PART) -> bytes:
    """Scramble a few compressed bytes of one part: the zip still opens, that part fails when streamed."""
    start = content.index(part.encode()) + len(part) + 40
    data = bytearray(content)
    data[start:start + 16] = bytes(0xA5 ^ b for b in data[start:start + 16])
    return bytes(data)


def malformed_files(valid: bytes) -> dict[str, bytes]:
    """Files that are not a readable update sheet, by name, each built from a valid export."""
    return {
        "csv": b"Priorite;Meteo\n1;Compromis\n",
        "empty": b"",
        "zip of text": zip_of({"hello.txt": b"bonjour"}),
        "password-protected": OLE_SIGNATURE + bytes(4096),
        "truncated": valid[: len(valid) // 2],
        "corrupted part": corrupt_part(valid),
        "broken xml": rewrite_part(valid, DATA_SHEET_PART, lambda xml: xml.replace("</sheetData>", "<row><c")),
        "doctype": rewrite_part(valid, DATA_SHEET_PART, lambda xml: '<!DOCTYPE x [<!ENTITY a "aaaa">]>' + xml),
        "no header": rewrite_part(valid, DATA_SHEET_PART,
                                  lambda xml: re.sub(r"<sheetData>.*</sheetData>", "<sheetData/>", xml, flags=re.S)),
    }
