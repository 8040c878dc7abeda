"""Indicateurs: the contract's indicators, the form of one indicator, and the form of one of its values."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import data, feedback, inputs, layout, state
from pilotage.formats import format_number, format_value
from pilotage.indicator_import import MAX_DECIMALS
from pilotage.permissions import Actor
from pilotage.queries import indicators as indicator_queries
from pilotage.queries.contracts import ContractSummary
from pilotage.services import indicators as indicator_services

SAVED_PLACE = "indicator_forms"
KEY = state.PREFIX + "indicator_forms_"


def _saved(message: str) -> None:
    feedback.remember(SAVED_PLACE, layout.escape_markdown(message))


def render(contract: ContractSummary, actor: Actor) -> None:
    """The list of indicators; choosing one opens its form and its values."""
    feedback.show(SAVED_PLACE)  # kept until the next write
    indicators = data.read(indicator_queries.list_indicators, contract_id=contract.id)
    if indicators.empty:
        st.info("Ce contrat n'a encore aucun indicateur : importez un tableau dans l'onglet « Importer des "
                "indicateurs ».")
        return
    st.dataframe(pd.DataFrame({
        "Code": indicators["code"], "Libellé": indicators["label"], "Thème": indicators["theme"],
        "Unité": indicators["unit"], "Décimales": indicators["decimals"],
        "Valeurs": indicators["values"].map(format_number)}), hide_index=True, width="stretch", height=280)
    labels = {int(row.id): f"{row.label} ({row.code})" for row in indicators.itertuples()}
    chosen = st.selectbox("Indicateur à modifier", list(labels), format_func=labels.get, key=KEY + "chosen")
    row = indicators.set_index("id").loc[chosen]
    left, right = st.columns(2)
    with left:
        _indicator_form(actor, chosen, row)
    with right:
        _value_form(actor, chosen, row)


def _indicator_form(actor: Actor, indicator_id: int, row: pd.Series) -> None:
    with inputs.form(f"{KEY}indicator_{indicator_id}_{row['version']}"):
        st.markdown(f"**Indicateur** `{layout.escape_markdown(row['code'])}`")
        label = st.text_input("Libellé", value=row["label"])
        theme = st.text_input("Thème", value=row["theme"])
        unit = st.text_input("Unité", value=row["unit"], help="%, habitants, €, logements…")
        decimals = st.number_input("Décimales affichées", min_value=0, max_value=MAX_DECIMALS,
                                   value=int(row["decimals"]), step=1)
        definition = st.text_area("Définition", value=row["definition"] or "")
        if st.form_submit_button("Enregistrer l'indicateur", type="primary"):
            ok, _ = data.write(indicator_services.update_indicator, actor, indicator_id,
                               expected_version=int(row["version"]), label=label, theme=theme, unit=unit,
                               decimals=int(decimals), definition=definition)
            if ok:
                _saved(f"Indicateur « {label.strip()} » enregistré.")
                st.rerun()


def _value_form(actor: Actor, indicator_id: int, indicator: pd.Series) -> None:
    values = data.read(indicator_queries.list_indicator_values, indicator_id=indicator_id)
    if values.empty:
        st.info("Cet indicateur n'a aucune valeur.")
        return
    decimals = int(indicator["decimals"])
    labels = {int(v.id): f"{v.place} — {v.year} : {format_value(v.value, indicator['unit'], decimals)}"
              + (" (illustratif)" if v.illustrative else "") for v in values.itertuples()}
    chosen = st.selectbox("Valeur à corriger", list(labels), format_func=labels.get, key=KEY + f"value_{indicator_id}")
    value = values.set_index("id").loc[chosen]
    with inputs.form(f"{KEY}value_{chosen}_{value['version']}"):
        number = st.number_input(f"Valeur ({indicator['unit'] or 'sans unité'})", value=float(value["value"]),
                                 step=10.0 ** -decimals if decimals else 1.0, format=f"%.{max(decimals, 0)}f")
        year = st.text_input("Année", value=value["year"], help="2021, 2019-2020 ou « au 01/01/2021 ».")
        source = st.text_input("Source", value=value["source"] or "", placeholder="INSEE, RP 2021")
        detail = st.text_input("Détail de la source (facultatif)", value=value["source_detail"] or "")
        if st.form_submit_button("Enregistrer la valeur", type="primary"):
            ok, _ = data.write(indicator_services.update_indicator_value, actor, chosen,
                               expected_version=int(value["version"]), value=number, year=year, source=source,
                               source_detail=detail)
            if ok:
                _saved("Valeur enregistrée.")
                st.rerun()
