"""Importer des indicateurs: upload a statistical table, map its columns, read the preview, confirm, read the report."""

from __future__ import annotations

import zlib

import pandas as pd
import streamlit as st

from components import data, inputs, layout, state, table_upload
from pilotage.figures import CellError, Missing, parse_number
from pilotage.formats import format_number, plural
from pilotage.indicator_import import (
    NEIGHBOURHOOD,
    NEW,
    UNCHANGED,
    UPDATED,
    ImportPlan,
    Mapping,
    NewIndicator,
    default_new_indicator,
    plan_import,
)
from pilotage.permissions import Actor
from pilotage.queries import indicators as indicator_queries
from pilotage.queries.contracts import ContractSummary
from pilotage.services import indicators as indicator_services
from pilotage.table_files import TableFile

KEY = state.PREFIX + "indicator_import_"
NONE = "(aucune)"
WIDE, LONG = "large", "long"
KEY_GUESSES = ("code", "codgeo", "code géographique", "code_qp", "code qpv", "lieu", "quartier", "territoire")
YEAR_GUESSES = ("année", "annee", "année de référence", "millésime", "year", "an")
EXPLANATION = (
    "Importez un tableau de l'INSEE ou d'un observatoire (CSV séparé par des points-virgules ou des virgules, en "
    "UTF-8 ou Windows-1252, ou classeur .xlsx). Chaque ligne est rattachée à un quartier par son **code QPV** ou "
    "son nom, ou à un **territoire de comparaison** par son nom (par exemple « Besançon »). Rien n'est enregistré "
    "avant votre confirmation ; l'import est alors fait en entier, ou pas du tout.")
EFFECT_LABELS = {NEW: "✚ nouvelle", UPDATED: "✎ mise à jour", UNCHANGED: "＝ inchangée"}


def render(contract: ContractSummary, actor: Actor) -> None:
    """The import of indicator values for the chosen contract."""
    st.markdown(EXPLANATION)
    _show_last_report()
    upload = table_upload.read_upload("Tableau des indicateurs (CSV ou XLSX)", KEY, state.get("indicator_round", 0))
    if upload is None:
        return
    filename, content, table = upload
    context = data.read(indicator_queries.get_import_context, contract_id=contract.id)
    mapping = _choose_mapping(table)
    source = st.text_input("Source des valeurs (titre du fichier)", key=KEY + "source",
                           placeholder="INSEE, RP 2021", help="Accompagne chaque valeur dans les portraits.")
    plan = plan_import(table, mapping, context)
    specs = _new_indicators(plan) if plan.unknown_indicators else {}
    if specs:
        plan = plan_import(table, mapping, context, specs)
    _show_plan(plan)
    _confirm(contract, actor, filename, content, mapping, source, specs, plan)


def _guess(columns: tuple[str, ...], guesses: tuple[str, ...]) -> str | None:
    lowered = {c.lower(): c for c in columns}
    exact = next((lowered[g] for g in guesses if g in lowered), None)
    return exact or next((c for c in columns for g in guesses[:3] if g in c.lower()), None)


def _numeric_columns(table: TableFile) -> list[str]:
    """The columns whose first filled cells read as figures (or gap marks): the likely indicator columns."""
    found = []
    for column in table.columns:
        cells = [cells[column] for _, cells in table.rows[:20] if cells.get(column) not in (None, "")]
        try:
            if cells and any(not isinstance(parse_number(c), Missing) for c in cells):
                found.append(column)
        except CellError:
            continue
    return found


def _choose_mapping(table: TableFile) -> Mapping:
    columns = list(table.columns)
    optional = [NONE, *columns]

    def pick(label: str, options: list[str], guess: str | None, key: str, **kwargs) -> str | None:
        chosen = st.selectbox(label, options, index=options.index(guess) if guess in options else 0, key=KEY + key,
                              **kwargs)
        return None if chosen == NONE else chosen

    st.markdown("**Correspondance des colonnes**")
    left, middle, right = st.columns(3)
    with left:
        key = pick("Colonne du lieu (code QPV ou nom)", columns, _guess(table.columns, KEY_GUESSES), "key")
        layout_choice = st.radio("Disposition du tableau", [WIDE, LONG], key=KEY + "layout", format_func={
            WIDE: "une colonne par indicateur", LONG: "une ligne par indicateur (colonne « indicateur »)"}.get)
    with middle:
        year = pick("Colonne de l'année", optional, _guess(table.columns, YEAR_GUESSES), "year",
                    help="2020, 2019-2020 ou « au 01/01/2021 » sont lus.")
        fixed_year = None if year else st.text_input("Année de tout le fichier", key=KEY + "fixed_year",
                                                     placeholder="2021")
        unit = pick("Colonne de l'unité (facultatif)", optional, _guess(table.columns, ("unité", "unite")), "unit")
    with right:
        detail = pick("Colonne du détail de la source (facultatif)", optional, None, "detail")
        gaps = st.checkbox("Ignorer les cellules n.c., s ou vides", key=KEY + "gaps",
                           help="Cochée : ces cellules (non communiqué, secret statistique) sont listées et "
                                "ignorées. Sinon, elles bloquent l'import et sont signalées.")
        others = st.checkbox("Ignorer les lieux hors de ce contrat", key=KEY + "others",
                             help="Pour un fichier national ou départemental : les lignes dont le lieu n'est ni un "
                                  "quartier ni un territoire de comparaison du contrat sont listées et ignorées. "
                                  "Sinon, elles bloquent l'import.")
    taken = {key, year, unit, detail}
    if layout_choice == WIDE:
        candidates = [c for c in columns if c not in taken]
        default = [c for c in _numeric_columns(table) if c not in taken]
        values = inputs.multiselect("Colonnes d'indicateurs à importer", candidates, default=default,
                                    key=KEY + "values")
        return Mapping(key=key, values=tuple(values), year=year, fixed_year=fixed_year, unit=unit, detail=detail,
                       gaps_allowed=gaps, other_places_skipped=others)
    cols = st.columns(2)
    with cols[0]:
        indicator = pick("Colonne de l'indicateur (code ou libellé)", columns,
                         _guess(table.columns, ("indicateur", "variable", "libellé indicateur")), "indicator")
    with cols[1]:
        value = pick("Colonne de la valeur", columns, _guess(table.columns, ("valeur", "value")), "value")
    return Mapping(key=key, values=(value,), indicator=indicator, year=year, fixed_year=fixed_year, unit=unit,
                   detail=detail, gaps_allowed=gaps, other_places_skipped=others)


def _new_indicators(plan: ImportPlan) -> dict[str, NewIndicator]:
    names = list(plan.unknown_indicators)
    st.markdown(f"**Nouveaux indicateurs ({format_number(len(names))})** — ces colonnes ou libellés ne correspondent "
                "à aucun indicateur du contrat : ils seront **créés** à l'import. Vérifiez leur code, libellé, thème, "
                "unité et nombre de décimales.")
    defaults = [default_new_indicator(name, plan.unknown_indicators[name]) for name in names]
    frame = pd.DataFrame({"Dans le fichier": names, "Code": [d.code for d in defaults],
                          "Libellé": [d.label for d in defaults], "Thème": [d.theme for d in defaults],
                          "Unité": [d.unit for d in defaults], "Décimales": [d.decimals for d in defaults]})
    edited = st.data_editor(frame, hide_index=True, width="stretch", disabled=["Dans le fichier"],
                            key=f"{KEY}new_{zlib.crc32(repr(names).encode())}",  # fresh rows for other columns
                            column_config={"Décimales": st.column_config.NumberColumn(min_value=0, max_value=4,
                                                                                      step=1)})
    return {row["Dans le fichier"]: NewIndicator(code=str(row["Code"] or "").strip(), label=str(row["Libellé"] or ""),
                                                 theme=str(row["Thème"] or ""), unit=str(row["Unité"] or ""),
                                                 decimals=int(row["Décimales"] if pd.notna(row["Décimales"]) else 0))
            for row in edited.to_dict("records")}


def _show_plan(plan: ImportPlan) -> None:
    cols = st.columns(5)
    cols[0].metric("Valeurs nouvelles", format_number(plan.count(NEW)))
    cols[1].metric("Valeurs mises à jour", format_number(plan.count(UPDATED)))
    cols[2].metric("Valeurs inchangées", format_number(plan.count(UNCHANGED)))
    cols[3].metric("Cellules manquantes ignorées", format_number(len(plan.gaps)))
    cols[4].metric("Problèmes", format_number(len(plan.problems)))
    if plan.problems:
        st.error(f"{plural(len(plan.problems), 'problème')} : l'import est bloqué tant que le fichier ou la "
                 "correspondance des colonnes n'est pas corrigé. Rien n'a été enregistré.", icon=":material/block:")
        st.dataframe(pd.DataFrame({"Ligne": [p.line or "—" for p in plan.problems],
                                   "Colonne": [p.column or "—" for p in plan.problems],
                                   "Problème": [p.message for p in plan.problems]}).astype(str),
                     hide_index=True, width="stretch")
    if plan.gaps:
        with st.expander(f"Cellules manquantes ignorées ({format_number(len(plan.gaps))})"):
            st.dataframe(pd.DataFrame({"Ligne": [p.line for p in plan.gaps], "Colonne": [p.column for p in plan.gaps],
                                       "Cellule": [p.message for p in plan.gaps]}), hide_index=True)
    if plan.skipped:
        with st.expander(f"Lignes de lieux hors du contrat ignorées ({format_number(len(plan.skipped))})"):
            st.dataframe(pd.DataFrame({"Ligne": [p.line for p in plan.skipped],
                                       "Lieu": [p.message for p in plan.skipped]}), hide_index=True)
    if plan.values:
        st.markdown("**Aperçu des valeurs**")
        st.dataframe(_preview(plan), hide_index=True, width="stretch")


def _preview(plan: ImportPlan) -> pd.DataFrame:
    return pd.DataFrame({
        "Ligne": [v.line for v in plan.values],
        "Lieu": [v.place.name for v in plan.values],
        "Type de lieu": ["quartier" if v.place.kind == NEIGHBOURHOOD else "comparaison" for v in plan.values],
        "Indicateur": [v.indicator + ("" if v.indicator_id else " (nouveau)") for v in plan.values],
        "Année": [v.year for v in plan.values],
        "Valeur": [format_number(v.value, 2).rstrip("0").rstrip(",") for v in plan.values],
        "Effet": [EFFECT_LABELS[v.effect] for v in plan.values],
        "Valeur actuelle": [format_number(v.existing.value, 2).rstrip("0").rstrip(",") if v.existing else "—"
                            for v in plan.values],
    })


def _confirm(contract: ContractSummary, actor: Actor, filename: str, content: bytes, mapping: Mapping, source: str,
             specs: dict[str, NewIndicator], plan: ImportPlan) -> None:
    writes = plan.count(NEW) + plan.count(UPDATED)
    if not source.strip():
        st.info("Indiquez la source des valeurs pour pouvoir importer.", icon=":material/info:")
    if plan.ready and writes == 0:
        st.info("Toutes les valeurs du fichier sont déjà enregistrées, à l'identique : rien à importer.",
                icon=":material/info:")
    disabled = not plan.ready or not source.strip() or writes == 0
    label = f"Importer {plural(writes, 'valeur')}" + (f" et créer {plural(len(specs), 'indicateur')}" if specs else "")
    if st.button(label, type="primary", disabled=disabled, key=KEY + "confirm"):
        versions = {v.existing.id: v.existing.version for v in plan.values if v.existing}
        ok, report = data.write(indicator_services.import_indicator_values, actor, contract_id=contract.id,
                                filename=filename, content=content, mapping=mapping, source=source,
                                new_indicators=specs, expected_versions=versions)
        if ok:
            state.put("indicator_report", report)
            state.put("indicator_round", state.get("indicator_round", 0) + 1)  # empties the uploader
            st.rerun()


def _show_last_report() -> None:
    report: indicator_services.IndicatorImportReport | None = state.get("indicator_report")
    if report is None:
        return
    state.put("indicator_report", None)
    text = (f"Import terminé : {plural(report.created, 'valeur nouvelle', 'valeurs nouvelles')}, "
            f"{plural(report.updated, 'valeur mise à jour', 'valeurs mises à jour')}, "
            f"{plural(report.unchanged, 'valeur inchangée', 'valeurs inchangées')}, "
            f"{plural(report.gaps, 'cellule manquante ignorée', 'cellules manquantes ignorées')}"
            + (f", {plural(report.skipped_lines, 'ligne hors du contrat ignorée', 'lignes hors du contrat ignorées')}."
               if report.skipped_lines else "."))
    if report.new_indicators:
        text += f" Indicateurs créés : {', '.join(report.new_indicators)}."
    st.success(layout.escape_markdown(text), icon=":material/check_circle:")
