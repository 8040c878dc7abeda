"""Contrats: the forms that create and edit a contract, its milestones, governance rules, comparison areas and
signatories, and archive it. Every write goes through pilotage.services.contracts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from components import data, feedback, inputs, layout, links, state
from pilotage import clock
from pilotage.contract_labels import (
    AREA_KIND_LABELS,
    MILESTONE_KIND_LABELS,
    ORGANISATION_KIND_LABELS,
    RULE_SCOPE_LABELS,
)
from pilotage.formats import CONTRACT_STATUS_LABELS, MEETING_KIND_LABELS, format_number
from pilotage.permissions import Actor
from pilotage.queries import contract_admin as admin_queries
from pilotage.queries.contract_admin import ContractDetail
from pilotage.services import contracts as contract_services

KEY = state.PREFIX + "contracts_"
STATUSES = list(CONTRACT_STATUS_LABELS)
COMMUNE_COLUMNS = {"code": "Code INSEE", "name": "Commune"}


def show_notice() -> None:
    """The confirmation of the last write, kept until the next one."""
    feedback.show("contracts")


def _done(notice: str) -> None:
    feedback.remember("contracts", layout.escape_markdown(notice))
    st.rerun()


def contracts_table(rows: pd.DataFrame) -> None:
    if rows.empty:
        st.info("Aucun contrat : créez le premier ci-dessous.")
        return
    table = pd.DataFrame({
        "Contrat": rows["name"],
        "Territoire": rows["territory"],
        "EPCI": rows["epci"].fillna("—"),
        "Période": rows["start_year"].astype(str) + "-" + rows["end_year"].astype(str),
        "Statut": rows["status"].map(lambda s: CONTRACT_STATUS_LABELS.get(s, s)),
        "Quartiers": rows["neighbourhoods"].map(format_number),
        "État": rows["archived"].map({True: "🗄 archivé", False: "✔ actif"}),
    })
    st.dataframe(table, hide_index=True, use_container_width=True)


# The contract's identity --------------------------------------------------------------------------


def _communes_frame(detail: ContractDetail | None) -> pd.DataFrame:
    communes = detail.communes if detail else ()
    return pd.DataFrame({"code": [c for c, _ in communes], "name": [n for _, n in communes]},
                        columns=["code", "name"]).astype(object)


def _contract_inputs(prefix: str, detail: ContractDetail | None) -> dict:
    """The contract's fields, inside a form; the values to give the service."""
    year = clock.today().year
    name = st.text_input("Nom du contrat", value=detail.name if detail else "", key=prefix + "name",
                         placeholder="Contrat de Ville de … 2024-2030")
    cols = st.columns(2)
    territory = cols[0].text_input("Territoire", value=detail.territory if detail else "", key=prefix + "territory",
                                   help="Le territoire du contrat, tel qu'il est nommé partout : une agglomération, "
                                        "une métropole, une commune.")
    epci = cols[1].text_input("EPCI (facultatif)", value=(detail.epci or "") if detail else "", key=prefix + "epci",
                              help="L'intercommunalité signataire, par exemple Grand Besançon Métropole.")
    st.markdown("Communes du contrat (facultatif) : leur code INSEE sert à proposer leurs QPV lors de l'import "
                "du fichier officiel.")
    communes = st.data_editor(_communes_frame(detail), num_rows="dynamic", hide_index=True,
                              key=prefix + "communes", use_container_width=True,
                              column_config={"code": st.column_config.TextColumn("Code INSEE", max_chars=5),
                                             "name": st.column_config.TextColumn("Commune", max_chars=120)})
    cols = st.columns(4)
    start_year = cols[0].number_input("Année de début", min_value=1990, max_value=2100, step=1,
                                      value=detail.start_year if detail else year, key=prefix + "start")
    end_year = cols[1].number_input("Année de fin", min_value=1990, max_value=2100, step=1,
                                    value=detail.end_year if detail else 2030, key=prefix + "end")
    status = cols[2].selectbox("Statut", STATUSES, format_func=CONTRACT_STATUS_LABELS.get, key=prefix + "status",
                               index=STATUSES.index(detail.status) if detail and detail.status in STATUSES else 0)
    signed_on = inputs.date_input("Signé le (facultatif)", value=detail.signed_on if detail else None,
                                  min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31),
                                  key=prefix + "signed", where=cols[3])
    summary = st.text_area("Résumé (facultatif)", value=(detail.summary or "") if detail else "",
                           key=prefix + "summary", help="Une phrase sur ce qu'est ce contrat, en tête de la Vue "
                                                        "d'ensemble.")
    cols = st.columns(2)
    staleness = cols[0].number_input("Délai « sans nouvelles » (mois)", min_value=1, max_value=60, step=1,
                                     value=detail.staleness_months if detail else 6, key=prefix + "staleness",
                                     help="Une priorité sans point d'avancement depuis plus longtemps est signalée "
                                          "« sans nouvelles ».")
    freshness = cols[1].number_input("Fraîcheur des indicateurs (années)", min_value=1, max_value=30, step=1,
                                     value=detail.indicator_freshness_years if detail else 5,
                                     key=prefix + "freshness",
                                     help="Une valeur d'indicateur plus ancienne est marquée comme datée.")
    return {"name": name, "territory": territory, "epci": epci, "communes": communes.to_dict("records"),
            "start_year": int(start_year), "end_year": int(end_year), "status": status, "signed_on": signed_on,
            "summary": summary, "staleness_months": int(staleness), "indicator_freshness_years": int(freshness)}


def create_form(actor: Actor) -> None:
    round_ = state.get("contracts_create_round", 0)
    with inputs.form(f"{KEY}create_{round_}"):
        fields = _contract_inputs(f"{KEY}new{round_}_", None)
        submitted = st.form_submit_button("Créer le contrat", type="primary")
    if submitted:
        ok, contract_id = data.write(contract_services.create_contract, actor, **fields)
        if ok:
            state.put("contracts_create_round", round_ + 1)  # an empty form for the next one
            state.put("contracts_open", contract_id)
            _done(f"Contrat « {fields['name'].strip()} » créé. Complétez ses jalons, sa gouvernance et ses "
                  "signataires dans « Modifier un contrat », puis créez ses quartiers depuis la page Quartiers du "
                  "contrat.")


# Editing an existing contract ------------------------------------------------------------------


def edit(rows: pd.DataFrame, actor: Actor) -> None:
    if rows.empty:
        return
    options = {int(r.id): f"{r.name}{' (archivé)' if r.archived else ''}" for r in rows.itertuples()}
    wanted = state.get("contracts_open")
    key = KEY + "edited"
    if wanted in options:
        st.session_state[key] = wanted
        state.put("contracts_open", None)
    contract_id = st.selectbox("Contrat à modifier", list(options), format_func=options.get, key=key)
    detail = data.read(admin_queries.get_contract_detail, contract_id=contract_id)
    if detail is None:
        st.warning("Ce contrat n'existe plus.")
        return
    if detail.archived:
        st.info(layout.ARCHIVED_NOTICE, icon="🗄")
    links.page_link("quartiers-contrat", "Quartiers de ce contrat", ":material/location_city:", contrat=detail.slug)
    tabs = st.tabs(["Identité et période", "Jalons", "Gouvernance", "Zones de comparaison", "Signataires",
                    "Archivage"])
    with tabs[0]:
        _identity_form(detail, actor)
    with tabs[1]:
        _milestones(detail, actor)
    with tabs[2]:
        _rules(detail, actor)
    with tabs[3]:
        _areas(detail, actor)
    with tabs[4]:
        _signatories(detail, actor)
    with tabs[5]:
        _archive(detail, actor)


def _identity_form(detail: ContractDetail, actor: Actor) -> None:
    prefix = f"{KEY}edit{detail.id}v{detail.version}_"
    with inputs.form(prefix + "form"):
        fields = _contract_inputs(prefix, detail)
        saved = st.form_submit_button("Enregistrer le contrat", type="primary")
    if saved:
        ok, _ = data.write(contract_services.update_contract, actor, detail.id, expected_version=detail.version,
                           **fields)
        if ok:
            _done(f"Contrat « {fields['name'].strip()} » enregistré.")


def _labelled(frame: pd.DataFrame, column: str, labels: Mapping[str, str]) -> pd.DataFrame:
    frame = frame.copy()
    frame[column] = frame[column].map(lambda v: labels.get(v, v)).astype(object)
    return frame


def _unlabelled(rows: list[dict], column: str, labels: Mapping[str, str]) -> list[dict]:
    reverse = {label: value for value, label in labels.items()}
    return [{**row, column: reverse.get(row.get(column), row.get(column))} for row in rows]


def _seen(frame: pd.DataFrame) -> dict[int, int]:
    return {int(i): int(v) for i, v in zip(frame["id"], frame["version"], strict=True)}


def _line_editor(detail: ContractDetail, name: str, frame: pd.DataFrame, column_config: dict,
                 button: str) -> tuple[pd.DataFrame, bool]:
    """A table the user edits in place (add a line at the bottom, select lines to delete) and its save button;
    its key changes with the contract's lines, so that a save shows the table afresh."""
    stamp = abs(hash(tuple(zip(frame["id"], frame["version"], strict=True)))) if "id" in frame else detail.version
    edited = st.data_editor(frame, num_rows="dynamic", hide_index=True, use_container_width=True,
                            column_config={"id": None, "version": None, **column_config},
                            key=f"{KEY}{name}_{detail.id}_{stamp}")
    return edited, st.button(button, type="primary", key=f"{KEY}{name}_save_{detail.id}")


def _save_lines(service: Callable, detail: ContractDetail, actor: Actor, rows: list[dict], seen: dict[int, int],
                what: str) -> None:
    ok, changes = data.write(service, actor, contract_id=detail.id, rows=rows, seen=seen)
    if ok:
        _done(f"{what} du contrat « {detail.name} » enregistré(e)s ({changes} modification(s)).")


def _milestones(detail: ContractDetail, actor: Actor) -> None:
    st.caption("Les étapes du contrat : signature, évaluations, fin. Ajoutez une ligne en bas du tableau ; "
               "sélectionnez des lignes pour les supprimer.")
    lines = data.read(admin_queries.list_milestone_lines, contract_id=detail.id)
    frame = _labelled(lines, "kind", MILESTONE_KIND_LABELS)
    edited, save = _line_editor(detail, "milestones", frame, {
        "date": st.column_config.DateColumn("Date", format="DD/MM/YYYY", required=True),
        "label": st.column_config.TextColumn("Libellé", max_chars=200, required=True),
        "kind": st.column_config.SelectboxColumn("Type", options=list(MILESTONE_KIND_LABELS.values()),
                                                 default=MILESTONE_KIND_LABELS["autre"]),
    }, "Enregistrer les jalons")
    if save:
        rows = _unlabelled(edited.to_dict("records"), "kind", MILESTONE_KIND_LABELS)
        _save_lines(contract_services.save_milestones, detail, actor, rows, _seen(lines), "Jalons")


def _rules(detail: ContractDetail, actor: Actor) -> None:
    st.caption("Les cadences que le contrat fixe à ses instances, vérifiées par la page Gouvernance : par exemple "
               "un comité de pilotage 1 à 2 fois par an pour l'ensemble du contrat, une revue de projet 2 fois par "
               "an pour chaque quartier.")
    lines = data.read(admin_queries.list_rule_lines, contract_id=detail.id)
    programmes = data.read(admin_queries.list_programme_options, contract_id=detail.id)
    frame = _labelled(_labelled(lines, "meeting_kind", MEETING_KIND_LABELS), "scope", RULE_SCOPE_LABELS)
    frame["programme_id"] = frame["programme_id"].map(lambda p: programmes.get(p) if p == p else None).astype(object)
    frame = frame.rename(columns={"programme_id": "programme"})
    for column in ("min_per_year", "max_per_year"):
        frame[column] = frame[column].astype("Int64")
    edited, save = _line_editor(detail, "rules", frame, {
        "meeting_kind": st.column_config.SelectboxColumn("Instance", options=list(MEETING_KIND_LABELS.values()),
                                                         required=True),
        "scope": st.column_config.SelectboxColumn("Pour", options=list(RULE_SCOPE_LABELS.values()),
                                                  default=RULE_SCOPE_LABELS["contract"]),
        "programme": st.column_config.SelectboxColumn("Programme (si « Un programme »)",
                                                      options=list(programmes.values())),
        "min_per_year": st.column_config.NumberColumn("Minimum par an", min_value=0, max_value=52, step=1),
        "max_per_year": st.column_config.NumberColumn("Maximum par an", min_value=0, max_value=52, step=1),
        "quote": st.column_config.TextColumn("Texte du contrat qui fixe la règle"),
    }, "Enregistrer les règles")
    if save:
        ids = {name: programme_id for programme_id, name in programmes.items()}
        rows = _unlabelled(_unlabelled(edited.to_dict("records"), "meeting_kind", MEETING_KIND_LABELS), "scope",
                           RULE_SCOPE_LABELS)
        rows = [{**row, "programme_id": ids.get(row.get("programme"))} for row in rows]
        _save_lines(contract_services.save_governance_rules, detail, actor, rows, _seen(lines), "Règles")


def _areas(detail: ContractDetail, actor: Actor) -> None:
    st.caption("Les territoires auxquels les chiffres des quartiers sont comparés (la commune, l'EPCI, la France), "
               "dans l'ordre des portraits. Une zone qui porte des valeurs d'indicateurs ne peut pas être retirée.")
    lines = data.read(admin_queries.list_area_lines, contract_id=detail.id)
    frame = _labelled(lines, "kind", AREA_KIND_LABELS)
    edited, save = _line_editor(detail, "areas", frame, {
        "name": st.column_config.TextColumn("Zone", max_chars=200, required=True),
        "kind": st.column_config.SelectboxColumn("Type", options=list(AREA_KIND_LABELS.values()),
                                                 default=AREA_KIND_LABELS["commune"]),
        "values": st.column_config.NumberColumn("Valeurs d'indicateurs", disabled=True),
    }, "Enregistrer les zones")
    if save:
        rows = _unlabelled(edited.to_dict("records"), "kind", AREA_KIND_LABELS)
        _save_lines(contract_services.save_comparison_areas, detail, actor, rows, _seen(lines),
                    "Zones de comparaison")


def _signatories(detail: ContractDetail, actor: Actor) -> None:
    st.caption("Les partenaires signataires du contrat. Une organisation déjà connue (d'un autre contrat, d'une "
               "instance) est reprise sous le même nom.")
    lines = data.read(admin_queries.list_signatory_lines, contract_id=detail.id)
    frame = _labelled(lines, "kind", ORGANISATION_KIND_LABELS)
    edited = st.data_editor(frame, num_rows="dynamic", hide_index=True, use_container_width=True,
                            key=f"{KEY}signatories_{detail.id}_{detail.version}", column_config={
                                "name": st.column_config.TextColumn("Organisation", max_chars=300, required=True),
                                "kind": st.column_config.SelectboxColumn(
                                    "Type", options=list(ORGANISATION_KIND_LABELS.values()),
                                    default=ORGANISATION_KIND_LABELS["autre"])})
    if st.button("Enregistrer les signataires", type="primary", key=f"{KEY}signatories_save_{detail.id}"):
        rows = _unlabelled(edited.to_dict("records"), "kind", ORGANISATION_KIND_LABELS)
        ok, _ = data.write(contract_services.save_signatories, actor, contract_id=detail.id,
                           expected_version=detail.version, signatories=rows)
        if ok:
            _done(f"Signataires du contrat « {detail.name} » enregistrés.")


def _archive(detail: ContractDetail, actor: Actor) -> None:
    if detail.archived:
        st.markdown("Ce contrat est **archivé** : il reste consultable par son lien et en cochant « Afficher les "
                    "contrats archivés », mais n'est plus proposé par défaut.")
        if st.button("Rétablir le contrat", key=f"{KEY}restore_{detail.id}"):
            ok, _ = data.write(contract_services.set_contract_archived, actor, detail.id,
                               expected_version=detail.version, archived=False)
            if ok:
                _done(f"Contrat « {detail.name} » rétabli : il est de nouveau proposé dans la liste des contrats.")
        return
    st.markdown("Archiver un contrat terminé le retire de la liste des contrats proposée par défaut ; ses "
                "données restent consultables et rien n'est supprimé.")
    if st.button("Archiver le contrat", key=f"{KEY}archive_{detail.id}"):
        ok, _ = data.write(contract_services.set_contract_archived, actor, detail.id,
                           expected_version=detail.version, archived=True)
        if ok:
            _done(f"Contrat « {detail.name} » archivé.")
