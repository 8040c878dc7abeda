"""Équipements: the contract's facilities, the form to add one, the form to edit, archive or restore one."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import data, facility_import, feedback, inputs, layout, state
from components.maps import FACILITY_KIND_LABELS
from pilotage.formats import format_number
from pilotage.permissions import Actor
from pilotage.queries import contracts as contract_queries
from pilotage.queries import facilities as facility_queries
from pilotage.queries.contracts import ContractSummary
from pilotage.services import facilities as facility_services
from pilotage.services.facilities import FacilityFields

SAVED_PLACE = "facility_forms"
KEY = state.PREFIX + "facility_forms_"


def _saved(message: str) -> None:
    feedback.remember(SAVED_PLACE, layout.escape_markdown(message))


def render(contract: ContractSummary, actor: Actor) -> None:
    """The list of facilities, then the import, the new-facility form and the edit form."""
    feedback.show(SAVED_PLACE)  # kept until the next write
    facilities = data.read(facility_queries.list_facilities, contract_id=contract.id)
    hoods = data.read(contract_queries.list_neighbourhoods, contract_id=contract.id)
    names = {int(row.id): row.name for row in hoods.itertuples()}
    if facilities.empty:
        st.info("Ce contrat n'a encore aucun équipement.")
    else:
        st.dataframe(_table(facilities), hide_index=True, width="stretch", height=280)
    imported, added, edited = st.tabs(["Importer une liste", "Ajouter un équipement", "Modifier ou archiver"])
    with imported:
        facility_import.render(contract, actor)
    with added:
        _new_form(contract, actor, names)
    with edited:
        _edit_form(actor, facilities, names)


def _table(facilities: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Nom": facilities["name"],
        "Type": facilities["kind"].map(lambda k: FACILITY_KIND_LABELS.get(k, k.replace("_", " ").capitalize())),
        "Quartiers desservis": facilities["neighbourhoods"].replace("", "—"),
        "Commune": facilities["commune"].fillna("—"),
        "Adresse": facilities["address"].fillna("—"),
        "Position": [_position(r) for r in facilities.itertuples()],
        "État": facilities["archived"].map({True: "✖ archivé (hors carte)", False: "✔ sur la carte"}),
    })


def _position(row) -> str:
    if pd.isna(row.longitude):
        return "— aucune"
    text = f"{format_number(row.longitude, 5)} ; {format_number(row.latitude, 5)}"
    return text + (" (approximative)" if row.location_approximate else "")


def _fields_inputs(prefix: str, names: dict[int, str], row: pd.Series | None = None) -> FacilityFields:
    name = st.text_input("Nom", value=row["name"] if row is not None else "", key=prefix + "name")
    kind = st.text_input("Type", value=(FACILITY_KIND_LABELS.get(row["kind"], row["kind"]) if row is not None else ""),
                         key=prefix + "kind", help="Centre social, EVS, école, médiathèque…")
    address = st.text_input("Adresse", value=(row["address"] or "") if row is not None else "", key=prefix + "address")
    commune = st.text_input("Commune (celle du quartier si vide)", value=(row["commune"] or "") if row is not None
                            else "", key=prefix + "commune")
    hoods = inputs.multiselect("Quartiers desservis", list(names), format_func=names.get, key=prefix + "hoods",
                           default=[i for i in (row["neighbourhood_ids"] if row is not None else ()) if i in names])
    has_position = row is not None and not pd.isna(row["longitude"])
    cols = st.columns(2)
    lon = cols[0].number_input("Longitude (degrés)", value=float(row["longitude"]) if has_position else None,
                               format="%.6f", key=prefix + "lon", placeholder="6,024100")
    lat = cols[1].number_input("Latitude (degrés)", value=float(row["latitude"]) if has_position else None,
                               format="%.6f", key=prefix + "lat", placeholder="47,237800")
    return FacilityFields(name=name, kind=kind, address=address, commune=commune, neighbourhood_ids=tuple(hoods),
                          longitude=lon, latitude=lat)


def _new_form(contract: ContractSummary, actor: Actor, names: dict[int, str]) -> None:
    round_number = state.get("facility_new_round", 0)
    with inputs.form(f"{KEY}new_{round_number}"):
        fields = _fields_inputs(f"{KEY}new_{round_number}_", names)
        if st.form_submit_button("Ajouter l'équipement", type="primary"):
            ok, _ = data.write(facility_services.create_facility, actor, contract_id=contract.id, fields=fields)
            if ok:
                state.put("facility_new_round", round_number + 1)  # an empty form for the next one
                _saved(f"Équipement « {fields.name.strip()} » ajouté.")
                st.rerun()


def _edit_form(actor: Actor, facilities: pd.DataFrame, names: dict[int, str]) -> None:
    if facilities.empty:
        st.info("Aucun équipement à modifier.")
        return
    labels = {int(r.id): r.name + (" (archivé)" if r.archived else "") for r in facilities.itertuples()}
    chosen = st.selectbox("Équipement", list(labels), format_func=labels.get, key=KEY + "chosen")
    row = facilities.set_index("id").loc[chosen]
    version = int(row["version"])
    with inputs.form(f"{KEY}edit_{chosen}_{version}"):
        fields = _fields_inputs(f"{KEY}edit_{chosen}_{version}_", names, row)
        if st.form_submit_button("Enregistrer l'équipement", type="primary"):
            ok, _ = data.write(facility_services.update_facility, actor, chosen, expected_version=version,
                               fields=fields)
            if ok:
                _saved(f"Équipement « {fields.name.strip()} » enregistré.")
                st.rerun()
    archived = bool(row["archived"])
    if st.button("Restaurer sur la carte" if archived else "Archiver (retirer de la carte)", key=KEY + "archive",
                 help="L'équipement archivé reste dans la base et le journal d'audit."):
        ok, _ = data.write(facility_services.set_facility_archived, actor, chosen, expected_version=version,
                           archived=not archived)
        if ok:
            _saved(f"Équipement « {row['name']} » "
                      + ("restauré sur la carte." if archived else "archivé : il n'apparaît plus sur la carte."))
            st.rerun()
