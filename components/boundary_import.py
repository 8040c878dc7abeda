"""Données, contours officiels: import the ANCT QPV file, see how it matches, confirm, read the report."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import data, feedback, inputs, layout, state, tables, uploads
from pilotage.boundaries import (
    CODE_GUESSES,
    COMMUNE_GUESSES,
    NAME_GUESSES,
    Columns,
    ImportPlan,
    guess_property,
    plan_import,
)
from pilotage.boundary_files import (
    MAX_FILE_BYTES,
    MEGABYTE,
    BoundaryFile,
    BoundaryFileError,
    check_file_size,
    megabytes,
    read_boundary_file,
)
from pilotage.formats import format_number, plural
from pilotage.permissions import Actor
from pilotage.queries import maps as map_queries
from pilotage.queries.contracts import ContractSummary
from pilotage.services import boundaries as boundary_services

KEY = state.PREFIX + "boundaries_"
NONE = "(aucune)"
EXTENSIONS = ("geojson", "json", "zip")
PLAN_COLUMNS = ["Quartier", "Apparié par", "Entité du fichier", "Géométrie", "Effet"]
EXPLANATION = (
    "Importez le fichier officiel des quartiers prioritaires publié par l'ANCT (GeoJSON en longitude/latitude "
    "WGS 84, ou shapefile zippé). Chaque entité du fichier est rapprochée d'un quartier du contrat par son code "
    "officiel, sinon par son nom (sans tenir compte des accents, des majuscules, des tirets ni du mot "
    "« Quartier »). Rien n'est modifié avant votre confirmation ; l'import est alors fait en une seule fois, "
    "ou pas du tout."
)


@st.cache_data(max_entries=4, show_spinner="Lecture du fichier…")
def _read(filename: str, content: bytes) -> BoundaryFile:
    return read_boundary_file(filename, content)


def render(contract: ContractSummary, actor: Actor) -> None:
    """The import of official contours for the chosen contract."""
    st.markdown(EXPLANATION)
    _show_last_report()
    upload = uploads.file_upload(f"Fichier des QPV (GeoJSON, ou shapefile zippé ; {megabytes(MAX_FILE_BYTES)} au plus)",
                                 extensions=EXTENSIONS, max_mb=MAX_FILE_BYTES / MEGABYTE,
                                 key=f"{KEY}file_{state.get('boundaries_round', 0)}")
    if upload is None:
        return
    state.put("boundaries_report", None)  # a new file: the last import's report goes
    feedback.forget(REPORT_PLACE)
    try:
        check_file_size(upload.size)  # before hashing the bytes for the cache
        content = upload.getvalue()
        parsed = _read(upload.name, content)
    except BoundaryFileError as exc:
        st.error(f"Fichier refusé : {layout.escape_markdown(str(exc))}", icon="⛔")
        return
    st.caption(f"Entités lues dans « {layout.escape_markdown(upload.name)} » : {format_number(len(parsed.features))}.")
    columns = _choose_columns(parsed)
    if columns.code is None and columns.name is None:
        st.warning("Choisissez au moins la propriété du code officiel ou celle du nom.", icon="⚠️")
        return
    targets = data.read(map_queries.list_boundary_targets, contract_id=contract.id)
    plan = plan_import(parsed, [target for target, _ in targets], columns)
    _show_plan(plan)
    _confirm(contract, actor, upload.name, content, columns, plan, {t.id: version for t, version in targets})


def _choose_columns(parsed: BoundaryFile) -> Columns:
    names = [NONE, *parsed.property_names]

    def pick(label: str, guesses: tuple[str, ...], key: str, help_text: str) -> str | None:
        guess = guess_property(parsed.property_names, guesses)
        chosen = inputs.selectbox(label, names, index=names.index(guess) if guess else 0, key=KEY + key, help=help_text)
        return None if chosen == NONE else chosen

    cols = st.columns(3)
    with cols[0]:
        code = pick("Propriété du code officiel", CODE_GUESSES, "code", "Par exemple code_qp (QN02501M).")
    with cols[1]:
        name = pick("Propriété du nom", NAME_GUESSES, "name", "Par exemple lib_qp.")
    with cols[2]:
        commune = pick("Propriété de la commune (facultatif)", COMMUNE_GUESSES, "commune",
                       "Sert à départager deux quartiers de même nom dans des communes différentes.")
    return Columns(code=code, name=name, commune=commune)


def _show_plan(plan: ImportPlan) -> None:
    cols = st.columns(4)
    cols[0].metric("Quartiers appariés", format_number(len(plan.matches)))
    cols[1].metric("Quartiers sans entité", format_number(len(plan.missing)))
    cols[2].metric("Entités non appariées", format_number(len(plan.unmatched)))
    cols[3].metric("Géométries refusées", format_number(len(plan.errors)))
    st.markdown("**Quartiers du contrat**")
    st.table(_plan_table(plan).set_index("Quartier"))  # a static table wraps its texts: nothing is cut
    if plan.unmatched:
        with st.expander(f"Entités du fichier non appariées ({format_number(len(plan.unmatched))}) : elles ne "
                         "changent rien"):
            tables.dataframe(_unmatched_table(plan.unmatched), hide_index=True, use_container_width=True)
    for match in plan.errors:
        st.error(f"Entité n° {match.feature_index} ({layout.escape_markdown(match.neighbourhood)}) : géométrie "
                 f"refusée — {layout.escape_markdown(match.error)}", icon="⛔")


def _unmatched_table(unmatched) -> pd.DataFrame:
    return pd.DataFrame({"N°": [u.feature_index for u in unmatched], "Code": [u.code or "—" for u in unmatched],
                         "Nom": [u.name or "—" for u in unmatched], "Raison": [u.reason for u in unmatched]})


def _plan_table(plan: ImportPlan) -> pd.DataFrame:
    rows = []
    for m in plan.matches:
        geometry = "✖ refusée" if m.error else "⚠ réparée" if m.repaired else "✔ valide"
        effect = "aucun : import bloqué" if m.error else "contours officiels"
        if m.new_code and not m.error:
            effect += f", code {m.new_code} enregistré"
        rows.append({"Quartier": m.neighbourhood, "Apparié par": "✔ code" if m.matched_by == "code" else "✔ nom",
                     "Entité du fichier": _feature_label(m), "Géométrie": geometry, "Effet": effect})
    for name, why in plan.missing:
        rows.append({"Quartier": name, "Apparié par": "✖ non apparié", "Entité du fichier": why, "Géométrie": "—",
                     "Effet": "contours actuels conservés"})
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def _feature_label(match) -> str:
    parts = [f"n° {match.feature_index}", match.feature_code, match.feature_name]
    return " · ".join(p for p in parts if p)


def _confirm(contract: ContractSummary, actor: Actor, filename: str, content: bytes, columns: Columns,
             plan: ImportPlan, versions: dict[int, int]) -> None:
    if not plan.matches:
        st.warning("Aucune entité ne correspond à un quartier de ce contrat : il n'y a rien à importer.", icon="⚠️")
        return
    count = plural(len(plan.matches), "quartier")
    disabled = not plan.ready
    if st.button(f"Remplacer les contours de {count}", type="primary", disabled=disabled, key=KEY + "confirm",
                 help="Corrigez le fichier : une géométrie refusée bloque tout l'import." if disabled else None):
        ok, report = data.write(boundary_services.import_boundaries, actor, contract_id=contract.id,
                                filename=filename, content=content, columns=columns, expected_versions=versions)
        if ok:
            state.put("boundaries_report", report)
            state.put("boundaries_round", state.get("boundaries_round", 0) + 1)  # empties the uploader
            st.rerun()


REPORT_PLACE = "boundaries_import"


def _show_last_report() -> None:
    """The last import's report, kept until the next file is chosen."""
    report: boundary_services.ImportReport | None = state.get("boundaries_report")
    if report is None:
        return
    text = (f"Import terminé : contours officiels enregistrés pour {plural(len(report.updated), 'quartier')} "
            f"({', '.join(report.updated)}).")
    if report.codes_recorded:
        text += f" Codes officiels enregistrés : {'; '.join(report.codes_recorded)}."
    text += (f" {plural(len(report.unmatched), 'entité')} du fichier non appariée(s), "
             f"{plural(len(report.missing), 'quartier')} du contrat sans entité, dont les contours sont conservés"
             + (f" ({', '.join(name for name, _ in report.missing)})." if report.missing else "."))
    if feedback.pending(REPORT_PLACE) is None:
        feedback.remember(REPORT_PLACE, layout.escape_markdown(text))
    feedback.show(REPORT_PLACE)
    if report.unmatched:
        with st.expander(f"Entités du fichier non appariées ({format_number(len(report.unmatched))})"):
            tables.dataframe(_unmatched_table(report.unmatched), hide_index=True, use_container_width=True)
