"""Équipements, import: upload a table of facilities, map its columns, read the preview, confirm."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import data, layout, state, table_upload
from components.maps import FACILITY_KIND_LABELS
from pilotage.facility_import import AUTO, CRS_LABELS, NEW_FACILITY, FacilityMapping, FacilityPlan, plan_facilities
from pilotage.formats import format_number, plural
from pilotage.permissions import Actor
from pilotage.queries import facilities as facility_queries
from pilotage.queries import indicators as indicator_queries
from pilotage.queries.contracts import ContractSummary
from pilotage.services import facilities as facility_services

KEY = state.PREFIX + "facility_import_"
NONE = "(aucune)"
GUESSES = {"name": ("nom", "name", "libellé", "equipement", "équipement"), "kind": ("type", "nature", "catégorie"),
           "address": ("adresse", "address"), "commune": ("commune", "ville"),
           "neighbourhoods": ("quartier", "qpv", "code_qp", "quartiers"),
           "x": ("x", "lon", "longitude", "x (lambert-93)", "coordonnée x"),
           "y": ("y", "lat", "latitude", "y (lambert-93)", "coordonnée y")}


def render(contract: ContractSummary, actor: Actor) -> None:
    """The import of facilities for the chosen contract."""
    st.markdown("Importez une liste d'équipements (CSV ou .xlsx) : nom, type, adresse, quartier desservi (code QPV "
                "ou nom, plusieurs séparés par des virgules) et position, en **longitude/latitude** (degrés WGS 84) "
                "ou en **Lambert-93** (mètres, reprojetés automatiquement). Un équipement du même nom qu'un "
                "équipement existant est mis à jour. L'import est fait en entier, ou pas du tout.")
    _show_last_report()
    upload = table_upload.read_upload("Liste des équipements (CSV ou XLSX)", KEY, state.get("facility_round", 0))
    if upload is None:
        return
    filename, content, table = upload
    mapping = _choose_mapping(table.columns)
    source = st.text_input("Source de la liste", key=KEY + "source", placeholder="Base permanente des équipements "
                                                                                 "(INSEE), 2024")
    places = data.read(indicator_queries.get_import_context, contract_id=contract.id).places
    plan = plan_facilities(table, mapping, places, data.read(facility_queries.list_known_facilities,
                                                             contract_id=contract.id))
    _show_plan(plan)
    disabled = not plan.ready or not source.strip()
    if not source.strip():
        st.info("Indiquez la source de la liste pour pouvoir importer.", icon=":material/info:")
    if st.button(f"Importer {plural(len(plan.facilities), 'équipement')}", type="primary", disabled=disabled,
                 key=KEY + "confirm"):
        ok, report = data.write(facility_services.import_facilities, actor, contract_id=contract.id,
                                filename=filename, content=content, mapping=mapping, source=source)
        if ok:
            state.put("facility_report", report)
            state.put("facility_round", state.get("facility_round", 0) + 1)
            st.rerun()


def _choose_mapping(columns: tuple[str, ...]) -> FacilityMapping:
    lowered = {c.lower(): c for c in columns}

    def pick(label: str, role: str, required: bool = False) -> str | None:
        options = list(columns) if required else [NONE, *columns]
        guess = next((lowered[g] for g in GUESSES[role] if g in lowered), None)
        chosen = st.selectbox(label, options, index=options.index(guess) if guess else 0, key=KEY + role)
        return None if chosen == NONE else chosen

    st.markdown("**Correspondance des colonnes**")
    cols = st.columns(3)
    with cols[0]:
        name = pick("Colonne du nom", "name", required=True)
        kind = pick("Colonne du type", "kind")
        fixed_kind = None if kind else st.text_input("Type de tous les équipements", key=KEY + "fixed_kind",
                                                     placeholder="centre social")
    with cols[1]:
        address = pick("Colonne de l'adresse", "address")
        commune = pick("Colonne de la commune", "commune")
        hoods = pick("Colonne du quartier (code ou nom)", "neighbourhoods")
    with cols[2]:
        x = pick("Colonne X ou longitude", "x")
        y = pick("Colonne Y ou latitude", "y")
        crs = st.selectbox("Système de coordonnées", list(CRS_LABELS), format_func=CRS_LABELS.get, key=KEY + "crs",
                           index=list(CRS_LABELS).index(AUTO))
    return FacilityMapping(name=name, kind=kind, fixed_kind=fixed_kind, address=address, commune=commune,
                           neighbourhoods=hoods, x=x, y=y, crs=crs)


def _show_plan(plan: FacilityPlan) -> None:
    cols = st.columns(3)
    cols[0].metric("Équipements nouveaux", format_number(sum(p.effect == NEW_FACILITY for p in plan.facilities)))
    cols[1].metric("Équipements mis à jour", format_number(sum(p.effect != NEW_FACILITY for p in plan.facilities)))
    cols[2].metric("Problèmes", format_number(len(plan.problems)))
    if plan.problems:
        st.error(f"{plural(len(plan.problems), 'problème')} : l'import est bloqué. Rien n'a été enregistré.",
                 icon=":material/block:")
        st.dataframe(pd.DataFrame({"Ligne": [p.line or "—" for p in plan.problems],
                                   "Colonne": [p.column or "—" for p in plan.problems],
                                   "Problème": [p.message for p in plan.problems]}).astype(str),
                     hide_index=True, width="stretch")
    if plan.facilities:
        st.markdown("**Aperçu des équipements**")
        st.dataframe(pd.DataFrame({
            "Ligne": [p.line for p in plan.facilities],
            "Nom": [p.name for p in plan.facilities],
            "Type": [FACILITY_KIND_LABELS.get(p.kind, p.kind.replace("_", " ")) for p in plan.facilities],
            "Quartiers": [", ".join(h.name for h in p.neighbourhoods) or "—" for p in plan.facilities],
            "Position": [_position(p) for p in plan.facilities],
            "Effet": ["✚ nouveau" if p.effect == NEW_FACILITY else "✎ mis à jour" for p in plan.facilities],
        }), hide_index=True, width="stretch")


def _position(planned) -> str:
    if planned.longitude is None:
        return "—"
    text = f"{format_number(planned.longitude, 5)} ; {format_number(planned.latitude, 5)}"
    return text + (" (reprojeté du Lambert-93)" if planned.reprojected else "")


def _show_last_report() -> None:
    report = state.get("facility_report")
    if report is None:
        return
    state.put("facility_report", None)
    text = (f"Import terminé : {plural(report.created, 'équipement nouveau', 'équipements nouveaux')}, "
            f"{plural(report.updated, 'équipement mis à jour', 'équipements mis à jour')}"
            + (f", dont {format_number(report.reprojected)} position(s) reprojetée(s) du Lambert-93."
               if report.reprojected else "."))
    st.success(layout.escape_markdown(text), icon=":material/check_circle:")
