"""Quartiers du contrat, création depuis le fichier officiel: upload the ANCT file, say which property is which,
filter by commune or département, tick the QPV, create them in one go, read the report."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import data, inputs, layout, state, uploads
from pilotage.boundary_files import (
    MAX_FILE_BYTES,
    BoundaryFile,
    BoundaryFileError,
    check_file_size,
    megabytes,
    read_boundary_file,
)
from pilotage.formats import format_number, plural
from pilotage.permissions import Actor
from pilotage.qpv_catalogue import QpvCatalogue, QpvColumns, QpvEntry, guess_columns, read_catalogue
from pilotage.queries import contract_admin as admin_queries
from pilotage.queries.contract_admin import ContractDetail
from pilotage.services import neighbourhoods as hood_services

KEY = state.PREFIX + "qpv_"
NONE = "(aucune)"
ACCEPTED = ["geojson", "json", "zip"]
EXPLANATION = (
    "Importez le fichier officiel des quartiers prioritaires publié par l'ANCT (GeoJSON en longitude/latitude "
    "WGS 84, ou shapefile zippé), éditions 2015 (codes QP…) ou 2024 (codes QN…). Indiquez quelle propriété porte "
    "le code, le nom et la commune, filtrez par commune ou par département, cochez les QPV du contrat : ils sont "
    "créés en une seule fois, avec leur contour officiel, ou pas du tout."
)
EXISTING_LABELS = {hood_services.SKIP: "Les ignorer (ils restent tels quels)",
                   hood_services.UPDATE: "Mettre à jour leur nom, leur commune et leur contour"}


@st.cache_data(max_entries=4, show_spinner="Lecture du fichier…")
def _read(filename: str, content: bytes) -> BoundaryFile:
    return read_boundary_file(filename, content)


@st.cache_data(max_entries=8, show_spinner="Vérification des contours…")
def _catalogue(filename: str, content: bytes, columns: QpvColumns) -> QpvCatalogue:
    return read_catalogue(_read(filename, content), columns)


def render(contract: ContractDetail, actor: Actor) -> None:
    st.markdown(EXPLANATION)
    _show_report()
    upload = uploads.file_upload(f"Fichier des QPV (GeoJSON, ou shapefile zippé ; {megabytes(MAX_FILE_BYTES)} au plus)",
                                 extensions=ACCEPTED, max_mb=MAX_FILE_BYTES / uploads.MEGABYTE,
                                 key=f"{KEY}file_{state.get('qpv_round', 0)}",
                                 help="Extensions acceptées : .geojson, .json, .zip (shapefile zippé : .shp, .shx, "
                                      ".dbf, et de préférence .prj et .cpg).")
    if upload is None:
        return
    try:
        check_file_size(upload.size)
        content = upload.getvalue()
        parsed = _read(upload.name, content)
    except BoundaryFileError as exc:
        st.error(f"Fichier refusé : {layout.escape_markdown(str(exc))}", icon="⛔")
        return
    st.caption(f"Entités lues dans « {layout.escape_markdown(upload.name)} » : {format_number(len(parsed.features))}.")
    columns = _choose_columns(parsed)
    try:
        catalogue = _catalogue(upload.name, content, columns)
    except BoundaryFileError as exc:
        st.error(f"Fichier refusé : {layout.escape_markdown(str(exc))}", icon="⛔")
        return
    hoods = data.read(admin_queries.list_admin_neighbourhoods, contract_id=contract.id)
    existing = {str(row.official_code).upper(): row for row in hoods.itertuples() if row.official_code}
    shown = _filter(catalogue, contract)
    ticked = _pick(shown, existing, contract)
    _confirm(contract, actor, upload.name, content, columns, ticked, existing)


def _choose_columns(parsed: BoundaryFile) -> QpvColumns:
    guess = guess_columns(parsed.property_names)
    names = [NONE, *parsed.property_names]

    def pick(column, label: str, guessed: str | None, key: str, help_text: str) -> str | None:
        chosen = column.selectbox(label, names, index=names.index(guessed) if guessed else 0, key=KEY + key,
                                  help=help_text)
        return None if chosen == NONE else chosen

    cols = st.columns(4)
    return QpvColumns(
        code=pick(cols[0], "Propriété du code", guess.code, "code", "Le code officiel du QPV : code_qp (QN02501M)."),
        name=pick(cols[1], "Propriété du nom", guess.name, "name", "Le nom du QPV : lib_qp ou nom_qp."),
        commune_code=pick(cols[2], "Propriété du code INSEE de la commune", guess.commune_code, "commune_code",
                          "insee_com ou code_commune : sert au filtre par commune et par département."),
        commune_name=pick(cols[3], "Propriété du nom de la commune", guess.commune_name, "commune_name",
                          "lib_com ou nom_commune : la commune enregistrée pour chaque quartier."),
    )


def _filter(catalogue: QpvCatalogue, contract: ContractDetail) -> list[QpvEntry]:
    communes = catalogue.communes()
    departements = catalogue.departements()
    own = [code for code, _ in contract.communes if code in communes]
    cols = st.columns(2)
    chosen_departements = inputs.multiselect(
        "Départements", departements, where=cols[0], key=KEY + "departements", placeholder="Tous les départements",
        help="Les deux premiers caractères du code INSEE de la commune (trois outre-mer).",
        disabled=not departements)
    chosen_communes = inputs.multiselect(
        "Communes", list(communes), where=cols[1], default=own, format_func=communes.get, key=KEY + "communes",
        placeholder="Toutes les communes",
        help="Préremplie avec les communes du contrat (page Contrats) que le fichier contient.")
    shown = catalogue.filtered(chosen_communes, chosen_departements)
    st.caption(f"{plural(len(shown), 'QPV affiché')} sur {format_number(len(catalogue.entries))} dans le fichier.")
    return shown


def _contour_label(entry: QpvEntry) -> str:
    if entry.error:
        return f"✖ refusé : {entry.error}"
    return f"⚠ réparé ({entry.repaired})" if entry.repaired else "✔ valide"


def _pick(shown: list[QpvEntry], existing: dict, contract: ContractDetail) -> list[QpvEntry]:
    if not shown:
        st.info("Aucun QPV du fichier ne correspond à ces filtres.")
        return []
    tick_all = st.toggle("Cocher tous les QPV affichés qui ne sont pas encore dans le contrat", value=True,
                         key=KEY + "tick_all")

    def present(entry: QpvEntry) -> str:
        row = existing.get(entry.code)
        if row is None:
            return "—"
        return f"déjà présent : {row.name}" + (" (archivé)" if row.archived else "")

    table = pd.DataFrame({
        "Créer": [tick_all and entry.code not in existing and not entry.error for entry in shown],
        "Code": [entry.code for entry in shown],
        "Nom": [entry.name for entry in shown],
        "Commune": [entry.commune for entry in shown],
        "Département": [", ".join(entry.departements) or "—" for entry in shown],
        "Contour": [_contour_label(entry) for entry in shown],
        "Dans le contrat": [present(entry) for entry in shown],
    })
    stamp = abs(hash((tuple(e.code for e in shown), tick_all, tuple(sorted(existing)))))
    edited = st.data_editor(table, hide_index=True, use_container_width=True, key=f"{KEY}pick_{contract.id}_{stamp}",
                            disabled=[c for c in table.columns if c != "Créer"],
                            column_config={"Créer": st.column_config.CheckboxColumn("Créer", default=False)})
    ticked = [entry for entry, chosen in zip(shown, edited["Créer"], strict=True) if chosen]
    refused = [e for e in ticked if e.error]
    for entry in refused[:10]:
        st.error(f"{entry.code} {layout.escape_markdown(entry.name)} : {layout.escape_markdown(entry.error)}",
                 icon="⛔")
    return ticked


def _confirm(contract: ContractDetail, actor: Actor, filename: str, content: bytes, columns: QpvColumns,
             ticked: list[QpvEntry], existing: dict) -> None:
    already = [e for e in ticked if e.code in existing]
    choice = hood_services.SKIP
    if already:
        codes = ", ".join(e.code for e in already[:8]) + ("…" if len(already) > 8 else "")
        choice = st.radio(f"{plural(len(already), 'QPV coché')} déjà dans le contrat ({codes}) :",
                          list(EXISTING_LABELS), format_func=EXISTING_LABELS.get, key=KEY + "existing")
    new = len(ticked) - len(already)
    label = f"Créer {plural(new, 'QPV', 'QPV')}"
    if already:
        label += f" et traiter {plural(len(already), 'QPV existant')}"
    refused = any(e.error for e in ticked)
    if st.button(label, type="primary", key=KEY + "create", disabled=not ticked or refused,
                 help="Décochez les QPV refusés ou corrigez le fichier." if refused else None):
        versions = {int(existing[e.code].id): int(existing[e.code].version) for e in already}
        ok, report = data.write(hood_services.create_from_qpv_file, actor, contract_id=contract.id,
                                filename=filename, content=content, columns=columns,
                                codes=[e.code for e in ticked], existing=choice, expected_versions=versions)
        if ok:
            state.put("qpv_report", report)
            state.put("qpv_round", state.get("qpv_round", 0) + 1)  # empties the uploader
            st.rerun()


def _show_report() -> None:
    report: hood_services.QpvImportReport | None = state.get("qpv_report")
    if report is None:
        return
    state.put("qpv_report", None)
    text = f"{plural(len(report.created), 'QPV créé', 'QPV créés')}"
    if report.updated:
        text += f", {plural(len(report.updated), 'QPV mis à jour', 'QPV mis à jour')}"
    if report.skipped:
        text += f", {plural(len(report.skipped), 'QPV ignoré', 'QPV ignorés')} (déjà dans le contrat)"
    st.success(layout.escape_markdown(text + "."), icon="✅")
    with st.expander("Détail"):
        for title, names in (("Créés", report.created), ("Mis à jour", report.updated),
                             ("Ignorés", report.skipped)):
            if names:
                st.markdown(f"**{title}** : " + layout.escape_markdown(", ".join(names)))
