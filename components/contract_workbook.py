"""Données, classeur du contrat: download a contract's workbook or the blank template, check and import a workbook."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from components import data, layout, state, uploads
from pilotage.errors import PilotageError
from pilotage.formats import format_number, plural
from pilotage.permissions import Actor
from pilotage.queries import workbook as workbook_queries
from pilotage.queries.contracts import ContractSummary
from pilotage.services import workbook as workbook_services
from pilotage.workbook_file import MAX_UPLOAD_BYTES, blank_template

KEY = state.PREFIX + "workbook_"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPLANATION = (
    "Le classeur du contrat réunit tout le contrat dans un fichier Excel : un onglet par sorte de données "
    "(quartiers et leurs contours, cadre, programmes et priorités, indicateurs et valeurs, équipements, FFOM, "
    "instances, décisions, points d'avancement) et un onglet « Lisez-moi » qui explique chaque colonne. "
    "Un classeur s'importe comme **nouveau contrat** (son onglet Contrat en donne l'identifiant et le nom) ou "
    "dans un contrat **vide** de même identifiant. Il est d'abord vérifié en entier ; rien n'est enregistré "
    "avant votre confirmation, puis tout l'est en une seule fois, ou rien."
)


@st.cache_data(max_entries=1, show_spinner=False)
def _template() -> bytes:
    return blank_template()


def render(contract: ContractSummary | None, actor: Actor) -> None:
    """The downloads, then the upload, its report and the import."""
    st.markdown(EXPLANATION)
    _show_last_outcome()
    left, right = st.columns(2)
    with left:
        if contract is not None:
            content = data.read(workbook_queries.get_contract_workbook, contract_id=contract.id)
            st.download_button(f"Télécharger le classeur de « {contract.name} »", content,
                               file_name=f"classeur-{contract.slug}.xlsx", mime=XLSX, key=KEY + "download",
                               icon=":material/download:", on_click="ignore")
    with right:
        st.download_button("Télécharger le modèle vierge", _template(), file_name="classeur-modele-vierge.xlsx",
                           mime=XLSX, key=KEY + "template", icon=":material/description:", on_click="ignore")
    upload = uploads.file_upload(f"Classeur à importer (.xlsx ; {MAX_UPLOAD_BYTES // 2**20} Mo au plus)",
                                 extensions=("xlsx",), max_mb=MAX_UPLOAD_BYTES // 2**20,
                                 key=f"{KEY}file_{state.get('workbook_round', 0)}")
    if upload is None:
        return
    content = upload.getvalue()
    report = _report(actor, content)
    if report is None:
        return
    _show_report(report)
    if report.ok and st.button("Importer", type="primary", key=KEY + "import"):
        ok, outcome = data.write(workbook_services.import_contract_workbook, actor, content=content)
        if ok:
            state.put("workbook_outcome", outcome)
            state.put("workbook_round", state.get("workbook_round", 0) + 1)  # empties the uploader
            st.rerun()


def _report(actor: Actor, content: bytes) -> workbook_services.WorkbookReport | None:
    """The check of this upload, kept for the reruns of the same file while the data stay the same."""
    digest = (hashlib.sha256(content).hexdigest(), data.data_version())
    kept = state.get("workbook_check")
    if kept is not None and kept[0] == digest:
        return kept[1]
    with st.spinner("Vérification du classeur…"):
        try:
            report = data.transact(workbook_services.check_contract_workbook, actor=actor, content=content)
        except PilotageError as exc:
            st.error(str(exc), icon=":material/error:")
            return None
    state.put("workbook_check", (digest, report))
    return report


def _show_report(report: workbook_services.WorkbookReport) -> None:
    if not report.ok:
        st.error(layout.escape_markdown(report.summary()), icon="⛔")
        table = pd.DataFrame([{"Onglet": p.sheet or "—", "Ligne": "—" if p.line is None else str(p.line),
                               "Colonne": p.column or "—", "Problème": p.message} for p in report.problems])
        st.dataframe(table, hide_index=True, width="stretch")
        if report.hidden_problems:
            st.caption(f"… et {plural(report.hidden_problems, 'autre erreur')} non affichée(s).")
        return
    st.success(layout.escape_markdown(report.summary()), icon="✅")
    for warning in report.warnings:
        st.warning(layout.escape_markdown(warning), icon="⚠️")
    counts = pd.DataFrame([{"Onglet": sheet, "Lignes": format_number(count)} for sheet, count in report.rows.items()])
    with st.expander("Lignes lues par onglet"):
        st.dataframe(counts, hide_index=True, width="stretch")


def _show_last_outcome() -> None:
    outcome: workbook_services.ImportOutcome | None = state.get("workbook_outcome")
    if outcome is None:
        return
    state.put("workbook_outcome", None)
    st.success(layout.escape_markdown(outcome.summary()), icon="✅")
    for warning in outcome.warnings:
        st.warning(layout.escape_markdown(warning), icon="⚠️")
