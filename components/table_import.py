"""The import of a table (CSV or XLSX): upload, row-by-row preview, one confirmation, the report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from components import data, layout, state, uploads
from pilotage.import_report import STATUS_LABELS, ImportCheck
from pilotage.sheet_rows import EXTENSIONS, MAX_TABLE_BYTES

MEBIBYTE = 2**20


def report_table(check: ImportCheck) -> pd.DataFrame:
    """The rows of a check as the user reads them: line, what the row names, its outcome, the reasons."""
    return pd.DataFrame({"Ligne": [r.line for r in check.rows],
                         "Élément": [r.label for r in check.rows],
                         "Résultat": [STATUS_LABELS[r.status] for r in check.rows],
                         "Détail": [" ".join(r.messages) for r in check.rows]})


def render(key: str, *, label: str, what: str, check: Callable[..., Any], write: Callable[..., Any],
           actor, target: dict[str, int]) -> None:
    """Upload a table, preview what `check` says row by row, and call `write` on confirmation.

    `check(session, filename=, content=, **target)` reads only and returns a plan with `.check`;
    `write(session, actor, filename=, content=, **target)` imports all or nothing.
    """
    done = state.get(f"{key}_done")
    if done:
        st.success(done, icon=":material/check_circle:")
        state.put(f"{key}_done", None)
    round_key = f"{key}_round"
    upload = uploads.file_upload(f"{label} (.csv ou .xlsx, {MAX_TABLE_BYTES // MEBIBYTE} Mo au plus)",
                                 extensions=EXTENSIONS, max_mb=MAX_TABLE_BYTES // MEBIBYTE,
                                 key=f"{state.PREFIX}{key}_file_{state.get(round_key, 0)}")
    if upload is None:
        return
    content = upload.getvalue()
    plan = data.transact(check, filename=upload.name, content=content, **target)
    result = plan.check
    for message in result.file_errors:
        st.error(f"Fichier refusé : {layout.escape_markdown(message)}", icon=":material/error:")
    if result.file_errors:
        return
    if result.ignored_columns:
        st.caption("Colonnes ignorées : " + ", ".join(f"« {layout.escape_markdown(c)} »"
                                                       for c in result.ignored_columns))
    if result.ok:
        st.success(result.summary(what), icon=":material/check_circle:")
    else:
        st.error(result.summary(what), icon=":material/error:")
    st.dataframe(report_table(result), hide_index=True, use_container_width=True)
    if result.ok and result.new_count and st.button(f"Importer ({result.new_count})", type="primary",
                                                    key=f"{state.PREFIX}{key}_confirm"):
        ok, _ = data.write(write, actor, filename=upload.name, content=content, **target)
        if ok:
            state.put(f"{key}_done", f"Import terminé : {result.new_count} {what} créé(s) depuis "
                                     f"« {upload.name} ».")
            state.put(round_key, state.get(round_key, 0) + 1)  # empties the uploader
            st.rerun()
