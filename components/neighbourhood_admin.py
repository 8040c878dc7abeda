"""Quartiers du contrat: the list of the contract's neighbourhoods, the form that edits one (and archives it), and
the form that adds a quartier fragile or en veille by hand."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import data, feedback, inputs, layout, state, uploads
from pilotage.boundary_files import MAX_FILE_BYTES
from pilotage.formats import KIND_LABELS, format_number
from pilotage.permissions import Actor
from pilotage.queries import contract_admin as admin_queries
from pilotage.queries.contract_admin import ContractDetail
from pilotage.services import neighbourhoods as hood_services

KEY = state.PREFIX + "hoods_"
KINDS = list(KIND_LABELS)
CONTOUR_TYPES = ["geojson", "json", "zip"]


def show_notice() -> None:
    """The confirmation of the last write, kept until the next one."""
    feedback.show("neighbourhoods")


def _done(notice: str) -> None:
    feedback.remember("neighbourhoods", layout.escape_markdown(notice))
    st.rerun()


def _contour(row) -> str:
    if not row.has_contour:
        return "aucun"
    return "approximatif" if row.geometry_approximate else f"officiel ({row.geometry_source or 'fichier'})"


def table(hoods: pd.DataFrame) -> None:
    if hoods.empty:
        st.info("Ce contrat ne compte encore aucun quartier : créez ses QPV depuis le fichier officiel, ou ajoutez "
                "un quartier fragile ou en veille.")
        return
    active = int((~hoods["archived"]).sum())
    st.caption(f"{format_number(active)} quartier(s) actif(s), {format_number(len(hoods) - active)} archivé(s).")
    st.dataframe(pd.DataFrame({
        "Quartier": hoods["name"],
        "Type": hoods["kind"].map(KIND_LABELS),
        "Code": hoods["official_code"].fillna("—"),
        "Commune": hoods["commune"],
        "Population": hoods["population"].map(lambda p: format_number(p) if p == p and p is not None else "—"),
        "Contour": [_contour(row) for row in hoods.itertuples()],
        "État": hoods["archived"].map({True: "🗄 archivé", False: "✔ actif"}),
    }), hide_index=True, use_container_width=True)


def _fields(prefix: str, row=None) -> dict:
    """The neighbourhood's fields, inside a form."""
    cols = st.columns(2)
    name = cols[0].text_input("Nom du quartier", value=row.name if row is not None else "", key=prefix + "name")
    commune = cols[1].text_input("Commune", value=row.commune if row is not None else "", key=prefix + "commune")
    cols = st.columns(2)
    default_kind = row.kind if row is not None else "fragile"
    kind = cols[0].selectbox("Type", KINDS, index=KINDS.index(default_kind), format_func=KIND_LABELS.get,
                             key=prefix + "kind")
    code = cols[1].text_input("Code officiel (facultatif)", value=(row.official_code or "") if row is not None else "",
                              key=prefix + "code", help="Le code du QPV, par exemple QN02501M.")
    cols = st.columns(3)
    population = row.population if row is not None and row.population == row.population else None
    population = cols[0].number_input("Population (facultatif)", min_value=0, max_value=1_000_000, step=1,
                                      value=int(population) if population is not None else None,
                                      key=prefix + "population")
    year = cols[1].text_input("Année de la population", value=(row.population_year or "") if row is not None else "",
                              key=prefix + "population_year", help="Par exemple 2020, ou 2017-2019.")
    source = cols[2].text_input("Source de la population",
                                value=(row.population_source or "") if row is not None else "",
                                key=prefix + "population_source", help="Par exemple INSEE, RP 2020.")
    identity = st.text_area("Identité du quartier (facultatif)",
                            value=(row.identity or "") if row is not None else "", key=prefix + "identity",
                            help="Quelques lignes qui présentent le quartier, en tête de sa page.")
    contour = uploads.file_upload("Contour (facultatif) : un GeoJSON ou un shapefile zippé d'une seule entité",
                                  extensions=CONTOUR_TYPES, max_mb=MAX_FILE_BYTES / uploads.MEGABYTE,
                                  key=prefix + "contour")
    return {"name": name, "commune": commune, "kind": kind, "official_code": code,
            "population": int(population) if population is not None else None, "population_year": year,
            "population_source": source, "identity": identity,
            "contour_filename": contour.name if contour is not None else None,
            "contour_content": contour.getvalue() if contour is not None else None}


def create_form(contract: ContractDetail, actor: Actor) -> None:
    st.markdown("Un quartier fragile ou en veille se crée par son nom et sa commune ; son contour est facultatif.")
    round_ = state.get("hoods_create_round", 0)
    with inputs.form(f"{KEY}create_{round_}"):
        fields = _fields(f"{KEY}new{round_}_")
        submitted = st.form_submit_button("Ajouter le quartier", type="primary")
    if submitted:
        ok, _ = data.write(hood_services.create_neighbourhood, actor, contract_id=contract.id, **fields)
        if ok:
            state.put("hoods_create_round", round_ + 1)
            _done(f"Quartier « {fields['name'].strip()} » ajouté au contrat.")


def edit(hoods: pd.DataFrame, actor: Actor) -> None:
    if hoods.empty:
        return
    options = {int(r.id): f"{r.name} — {r.commune}{' (archivé)' if r.archived else ''}" for r in hoods.itertuples()}
    hood_id = st.selectbox("Quartier à modifier", list(options), format_func=options.get, key=KEY + "edited")
    row = next(r for r in hoods.itertuples() if int(r.id) == hood_id)
    prefix = f"{KEY}edit{hood_id}v{row.version}_"
    with inputs.form(prefix + "form"):
        fields = _fields(prefix, row)
        saved = st.form_submit_button("Enregistrer le quartier", type="primary")
    if saved:
        ok, _ = data.write(hood_services.update_neighbourhood, actor, hood_id, expected_version=int(row.version),
                           **fields)
        if ok:
            _done(f"Quartier « {fields['name'].strip()} » enregistré.")
    if row.archived:
        st.caption("Ce quartier est archivé : il n'apparaît plus dans les listes, les tuiles ni les cartes ; son "
                   "historique (instances, points d'avancement) est conservé.")
        if st.button("Rétablir le quartier", key=f"{KEY}restore_{hood_id}"):
            ok, _ = data.write(hood_services.set_neighbourhood_archived, actor, hood_id,
                               expected_version=int(row.version), archived=False)
            if ok:
                _done(f"Quartier « {row.name} » rétabli.")
    elif st.button("Archiver le quartier", key=f"{KEY}archive_{hood_id}",
                   help="Il disparaît des listes, des tuiles et des cartes ; son historique est conservé."):
        ok, _ = data.write(hood_services.set_neighbourhood_archived, actor, hood_id, expected_version=int(row.version),
                           archived=True)
        if ok:
            _done(f"Quartier « {row.name} » archivé.")


def read(contract: ContractDetail) -> pd.DataFrame:
    return data.read(admin_queries.list_admin_neighbourhoods, contract_id=contract.id)
