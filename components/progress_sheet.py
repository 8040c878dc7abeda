"""The update sheet round trip in the UI: export a scope's .xlsx, check a filled one row by row, import it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components import data, feedback, inputs, state, tables, uploads
from pilotage import clock
from pilotage.permissions import EDIT, Actor, can
from pilotage.progress_sheet import MAX_UPLOAD_BYTES, STATUS_LABELS, SheetReport
from pilotage.queries import progress_sheet as sheet_queries
from pilotage.services import progress as progress_services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render_update_sheet(contract_id: int, actor: Actor | None) -> None:
    """The « Fiche de mise à jour » (the Priorités page gives it a tab of its own): export for everyone, import for
    those who may edit the scope."""
    scopes = data.read(sheet_queries.list_sheet_scopes, contract_id=contract_id)
    with st.container():
        if scopes.empty:
            st.info("Aucune priorité à mettre à jour dans ce contrat.")
            return
        st.caption("Exportez la fiche d'un quartier ou d'un programme, pré-remplie avec le dernier point de chaque "
                   "priorité ; faites-la remplir, puis importez-la : chaque ligne est vérifiée, et rien n'est "
                   "enregistré tant qu'une ligne est en erreur.")
        labels = {(r.kind, int(r.id)): r.label for r in scopes.itertuples()}
        kind, scope_id = inputs.selectbox("Périmètre de la fiche", list(labels), format_func=labels.get,
                                          key=f"pilotage_sheet_scope_{contract_id}")
        today = clock.today()
        scope = scopes[(scopes["kind"] == kind) & (scopes["id"] == scope_id)].iloc[0]
        content = data.read(sheet_queries.export_progress_sheet, scope_kind=kind, scope_id=scope_id, today=today)
        st.download_button("Télécharger la fiche (.xlsx)", content, mime=XLSX, icon=":material/download:",
                           file_name=f"fiche-mise-a-jour-{scope.slug}-{today.isoformat()}.xlsx")
        hood_id = scope["neighbourhood_id"]
        hood_id = None if pd.isna(hood_id) else int(hood_id)
        if not can(actor, EDIT, hood_id):
            st.caption("L'import d'une fiche remplie est réservé aux contributeurs de ce périmètre.")
            return
        _import(kind, scope_id, actor, today)


SHEET_PLACE = "progress_sheet_import"


def _import(kind: str, scope_id: int, actor: Actor, today: dt.date) -> None:
    feedback.show(SHEET_PLACE)
    version = state.get("sheet_upload_version", 0)
    uploaded = uploads.file_upload("Importer une fiche remplie (.xlsx)", extensions=("xlsx",),
                                   max_mb=MAX_UPLOAD_BYTES / uploads.MEGABYTE,
                                   key=f"pilotage_sheet_upload_{kind}_{scope_id}_{version}")
    if uploaded is None:
        return
    feedback.forget(SHEET_PLACE)
    content = uploaded.getvalue()
    report = data.read(sheet_queries.check_progress_sheet, scope_kind=kind, scope_id=scope_id, content=content,
                       today=today, author=actor.display_name)
    show_report(report)
    if report.ok and report.points and st.button(f"Enregistrer {len(report.points)} point(s) d'avancement",
                                                 type="primary", icon=":material/upload:"):
        ok, result = data.write(progress_services.import_progress_sheet, actor, scope_kind=kind, scope_id=scope_id,
                                content=content, today=today)
        if ok and result.ok:
            feedback.remember(SHEET_PLACE, result.summary())
            state.put("sheet_upload_version", version + 1)
            st.rerun()
        elif ok:
            show_report(result)


def show_report(report: SheetReport) -> None:
    """The import report: one line per row, errors first, and one sentence on the outcome."""
    for message in report.file_errors:
        st.error(message, icon=":material/error:")
    if report.ok:
        st.info(report.summary(), icon=":material/info:")
    else:
        st.error(report.summary(), icon=":material/error:")
    if not report.rows:
        return
    order = {"erreur": 0, "nouveau": 1, "inchange": 2, "vide": 3}
    rows = sorted(report.rows, key=lambda r: (order[r.status], r.line))
    tables.dataframe(pd.DataFrame({
        "Ligne": [r.line for r in rows],
        "Résultat": [STATUS_LABELS[r.status] for r in rows],
        "Détail": [" ".join(r.messages) for r in rows],
        "Priorité": [r.priority for r in rows],
    }), hide_index=True, use_container_width=True,
        column_config={"Détail": st.column_config.TextColumn(width="large")})
