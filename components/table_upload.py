"""The upload of a table (CSV or XLSX) shared by the imports of indicators and facilities."""

from __future__ import annotations

import streamlit as st

from components import layout, uploads
from pilotage.table_files import EXTENSIONS, MAX_BYTES, TableFile, TableFileError, read_table


@st.cache_data(max_entries=4, show_spinner="Lecture du fichier…")
def _read(filename: str, content: bytes) -> TableFile:
    return read_table(filename, content)


def read_upload(label: str, key: str, round_number: int) -> tuple[str, bytes, TableFile] | None:
    """The uploaded file's name, bytes and table; None (with the French reason shown) when there is none to use."""
    # No max_upload_size: Streamlit would refuse a heavier file in English; read_table says it in French.
    upload = uploads.file_upload(f"{label} ; {MAX_BYTES // 2**20} Mo au plus", extensions=EXTENSIONS,
                                 max_mb=MAX_BYTES // 2**20, key=f"{key}file_{round_number}",
                                 help="Formats acceptés : .csv (séparateur « ; » ou « , », UTF-8 ou Windows-1252), "
                                      ".txt, .xlsx. Un ancien classeur .xls est à enregistrer au format .xlsx.")
    if upload is None:
        return None
    try:
        content = upload.getvalue()
        table = _read(upload.name, content)
    except TableFileError as exc:
        st.error(f"Fichier refusé : {layout.escape_markdown(str(exc))} Rien n'a été enregistré.",
                 icon=":material/block:")
        return None
    st.caption(f"« {layout.escape_markdown(upload.name)} » : {table.describe()}, colonnes : "
               f"{layout.escape_markdown(', '.join(table.columns))}.")
    return upload.name, content, table
