"""Programmes of a contract and their priorities: create, edit, reword (the former text is kept), reorder, archive."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from components import data, feedback, inputs, layout, state, table_import
from components.programmes import former_texts_html
from pilotage.formats import plural
from pilotage.permissions import EDIT, Actor, can
from pilotage.programmes import PROGRAMME_KINDS
from pilotage.queries import programmes as programme_queries
from pilotage.queries.contracts import ContractSummary, list_neighbourhoods
from pilotage.services import priority_import
from pilotage.services import programmes as programme_services

KEY = state.PREFIX + "programmes_"
WHOLE_CONTRACT = 0
NO_HEADING = "— Sans rubrique —"
NEW_HEADING = "— Nouvelle rubrique… —"
IMPORT_HELP = (
    "Colonnes : « Rubrique » (laissée vide, elle reprend celle de la ligne au-dessus), « Numéro », « Priorité » "
    "(le texte) et, si vous le souhaitez, « Code socle » (un ou plusieurs codes du socle commun séparés par des "
    "virgules). Les priorités s'ajoutent à la suite de celles du programme. Rien n'est enregistré avant votre "
    "confirmation, et une seule erreur bloque tout l'import."
)


def render(contract: ContractSummary, actor: Actor) -> None:
    """Programme choice, its priorities and their editing, a new programme."""
    programmes = _editable(data.read(programme_queries.list_editable_programmes, contract_id=contract.id), actor)
    hoods = data.read(list_neighbourhoods, contract_id=contract.id)
    hood_names = {int(r.id): r.name for r in hoods.itertuples() if can(actor, EDIT, int(r.id))}
    _notice()
    if programmes.empty:
        st.info("Aucun programme à modifier dans ce contrat : créez le premier ci-dessous.")
        _programme_form(contract, actor, hood_names, None)
        return
    labels = {int(r.id): _programme_label(r) for r in programmes.itertuples()}
    programme_id = st.selectbox("Programme", list(labels), format_func=labels.get, key=KEY + "chosen")
    programme = programmes[programmes["id"] == programme_id].iloc[0]
    # Keyed, stateful tabs: a confirmation that comes or goes above them must not send the user back to the first.
    priorities_tab, programme_tab, new_tab = st.tabs(["Priorités", "Le programme", "Nouveau programme"],
                                                     key=KEY + "tabs", on_change="rerun")
    with priorities_tab:
        _priorities(contract, actor, programme_id)
    with programme_tab:
        _programme_form(contract, actor, hood_names, programme)
    with new_tab:
        _programme_form(contract, actor, hood_names, None)


def _editable(programmes: pd.DataFrame, actor: Actor) -> pd.DataFrame:
    """The programmes this actor may edit: those of their neighbourhoods (all of them for an administrator)."""
    mine = [can(actor, EDIT, None if pd.isna(h) else int(h)) for h in programmes["neighbourhood_id"]]
    return programmes[pd.Series(mine, index=programmes.index, dtype=bool)]


def _programme_label(row) -> str:
    """'Projet de quartier — Planoise (12 priorités)'; the kind and place only when the name does not say them."""
    kind = PROGRAMME_KINDS.get(row.kind, row.kind)
    where = row.neighbourhood_name if isinstance(row.neighbourhood_name, str) else "tout le contrat"
    said = [part for part in (kind, where) if part.lower() not in row.name.lower()]
    return f"{row.name} ({', '.join([*said, plural(int(row.priorities), 'priorité')])})"


def _notice() -> None:
    feedback.show("programmes")


def _done(message: str) -> None:
    feedback.remember("programmes", message)
    st.rerun()


def _programme_form(contract: ContractSummary, actor: Actor, hood_names: dict[int, str], programme) -> None:
    new = programme is None
    options = {**({WHOLE_CONTRACT: "— Tout le contrat —"} if can(actor, EDIT) else {}), **hood_names}
    if not options:
        st.caption("Votre périmètre ne compte aucun quartier de ce contrat.")
        return
    current_hood = WHOLE_CONTRACT if new or pd.isna(programme.neighbourhood_id) else int(programme.neighbourhood_id)
    kinds = list(PROGRAMME_KINDS)
    with inputs.form(KEY + ("new_form" if new else f"edit_form_{int(programme.id)}"), clear_on_submit=new):
        name = st.text_input("Nom", value="" if new else programme.name)
        cols = st.columns(3)
        kind = cols[0].selectbox("Type", kinds, format_func=PROGRAMME_KINDS.get,
                                 index=0 if new else kinds.index(programme.kind) if programme.kind in kinds else 0)
        hood = cols[1].selectbox("Quartier", list(options), format_func=options.get,
                                 index=list(options).index(current_hood) if current_hood in options else 0)
        adopted = None if new or pd.isna(programme.adopted_on) else programme.adopted_on
        adopted_on = inputs.date_input("Adopté le", value=adopted, where=cols[2])
        title = st.text_input("Titre (tel qu'imprimé)", value="" if new or not programme.title else programme.title)
        if st.form_submit_button("Créer le programme" if new else "Enregistrer", type="primary"):
            values = {"kind": kind, "name": name, "neighbourhood_id": None if hood == WHOLE_CONTRACT else hood,
                      "title": title, "adopted_on": adopted_on}
            if new:
                ok, _ = data.write(programme_services.create_programme, actor, contract_id=contract.id, **values)
            else:
                ok, _ = data.write(programme_services.update_programme, actor, int(programme.id),
                                   expected_version=int(programme.version), **values)
            if ok:
                _done(f"Programme « {' '.join(name.split())} » {'créé' if new else 'enregistré'}.")


def _priorities(contract: ContractSummary, actor: Actor, programme_id: int) -> None:
    priorities = data.read(programme_queries.list_editable_priorities, programme_id=programme_id)
    tree = data.read(programme_queries.list_framework_tree, contract_id=contract.id)
    headings = data.read(programme_queries.list_headings, programme_id=programme_id)
    _show_priorities(priorities)
    # Stateful too: after an import, the list above grows and the report must stay in sight in its tab.
    edit, add, rename, upload = st.tabs(["Modifier une priorité", "Ajouter une priorité", "Renommer une rubrique",
                                         "Importer des priorités"], key=KEY + f"priority_tabs_{programme_id}",
                                        on_change="rerun")
    with edit:
        _edit_priority(actor, priorities, tree, headings)
    with add:
        _add_priority(actor, programme_id, tree, headings)
    with rename:
        _rename_heading(actor, programme_id, priorities, headings)
    with upload:
        st.markdown(IMPORT_HELP)
        table_import.render(f"priorities_import_{programme_id}", label="Tableau des priorités", what="priorité(s)",
                            check=programme_queries.check_priority_import, write=priority_import.import_priorities,
                            actor=actor, target={"programme_id": programme_id})


def _show_priorities(priorities: pd.DataFrame) -> None:
    if priorities.empty:
        st.info("Ce programme ne compte encore aucune priorité : ajoutez-en ou importez un tableau.")
        return
    archived = priorities[priorities["archived"].astype(bool)]
    active = priorities[~priorities["archived"].astype(bool)]
    for _, rows in active.groupby("heading_position", sort=True):
        heading = rows["heading"].iloc[0]
        if isinstance(heading, str) and heading:
            st.markdown(f"**{layout.escape_markdown(heading)}**")
        st.html("".join(_priority_html(row) for row in rows.itertuples()))
    if not archived.empty:
        with st.expander(f"Priorités archivées ({len(archived)}) : hors du suivi, leurs points restent dans "
                         "l'historique"):
            st.html("".join(_priority_html(row) for row in archived.itertuples()))


def _priority_html(row) -> str:
    number = html.escape(_number(row))
    links = (f"<div class='pl-source'>Socle commun : {html.escape(', '.join(row.framework_codes))}</div>"
             if row.framework_codes else "")
    count = plural(int(row.points), "point d'avancement", "points d'avancement")
    points = f"<div class='pl-source'>{count}</div>"
    flag = " " + layout.badge("archivée", "veille") if row.archived else ""
    return (f"<div class='pl-priority'><span class='pl-number'>{number}</span> {html.escape(row.text)}{flag}"
            f"{links}{points}{former_texts_html(row.revisions)}</div>")


def _number(row) -> str:
    """The printed number, or the place in the programme as the other pages show it."""
    return row.number if isinstance(row.number, str) else str(int(row.position) + 1)


def _priority_label(row) -> str:
    return f"{_number(row)}. {row.text[:90]}{' (archivée)' if row.archived else ''}"


def _node_options(tree: pd.DataFrame, keep: list[int]) -> dict[int, str]:
    usable = tree[~tree["archived"].astype(bool) | tree["id"].isin(keep)]
    return {int(r.id): f"{r.code} — {r.title[:80]}" for r in usable.itertuples()}


def _heading_input(headings: list[str], current: str | None, key: str) -> str | None:
    options = [h or NO_HEADING for h in headings]
    if NO_HEADING not in options:
        options.append(NO_HEADING)
    options.append(NEW_HEADING)
    shown = current or NO_HEADING
    chosen = st.selectbox("Rubrique", options, index=options.index(shown) if shown in options else 0, key=key)
    typed = st.text_input("Nom de la nouvelle rubrique (si « Nouvelle rubrique » est choisie)", key=key + "_new")
    if chosen == NEW_HEADING:
        return typed
    return None if chosen == NO_HEADING else chosen


def _edit_priority(actor: Actor, priorities: pd.DataFrame, tree: pd.DataFrame, headings: list[str]) -> None:
    if priorities.empty:
        st.caption("Aucune priorité à modifier.")
        return
    labels = {int(r.id): _priority_label(r) for r in priorities.itertuples()}
    priority_id = st.selectbox("Priorité", list(labels), format_func=labels.get, key=KEY + "priority")
    row = priorities[priorities["id"] == priority_id].iloc[0]
    version, linked = int(row.version), [int(i) for i in row.framework_ids]
    options = _node_options(tree, linked)
    with inputs.form(KEY + f"priority_form_{priority_id}_{version}"):
        text = st.text_area("Texte", value=row.text, height=90,
                            help="Une nouvelle formulation garde la priorité, ses points et ses liens ; l'ancienne "
                                 "reste affichée avec la date et l'auteur du changement.")
        number = st.text_input("Numéro", value=row.number if isinstance(row.number, str) else "")
        heading = _heading_input(headings, row.heading if isinstance(row.heading, str) else None, KEY + "heading")
        nodes = inputs.multiselect("Rattachement au socle commun", list(options), default=linked,
                               format_func=options.get)
        if st.form_submit_button("Enregistrer", type="primary"):
            ok, _ = data.write(programme_services.update_priority, actor, priority_id, expected_version=version,
                               text=text, heading=heading, number=number, framework_node_ids=nodes)
            if ok:
                _done("Priorité enregistrée.")
    _priority_actions(actor, row, priority_id, version)


def _priority_actions(actor: Actor, row, priority_id: int, version: int) -> None:
    cols = st.columns(3)
    archived = bool(row.archived)
    for col, label, icon, direction in ((cols[0], "Monter", ":material/arrow_upward:", -1),
                                        (cols[1], "Descendre", ":material/arrow_downward:", 1)):
        if col.button(label, icon=icon, key=KEY + f"move_{direction}", disabled=archived):
            ok, _ = data.write(programme_services.move_priority, actor, priority_id, expected_version=version,
                               direction=direction)
            if ok:
                _done("Priorité déplacée dans sa rubrique.")
    if cols[2].button("Restaurer" if archived else "Archiver", icon=":material/archive:", key=KEY + "archive",
                      help="Une priorité archivée quitte le suivi et les comptes ; ses points restent dans "
                           "l'historique."):
        ok, _ = data.write(programme_services.archive_priority, actor, priority_id, expected_version=version,
                           archived=not archived)
        if ok:
            _done("Priorité restaurée." if archived else "Priorité archivée.")


def _add_priority(actor: Actor, programme_id: int, tree: pd.DataFrame, headings: list[str]) -> None:
    options = _node_options(tree, [])
    with inputs.form(KEY + f"add_form_{programme_id}", clear_on_submit=True):
        text = st.text_area("Texte de la priorité", height=90)
        number = st.text_input("Numéro (facultatif)")
        heading = _heading_input(headings, headings[-1] if headings else None, KEY + "add_heading")
        nodes = inputs.multiselect("Rattachement au socle commun", list(options), format_func=options.get)
        if st.form_submit_button("Ajouter la priorité", type="primary"):
            ok, _ = data.write(programme_services.create_priority, actor, programme_id=programme_id, text=text,
                               heading=heading, number=number, framework_node_ids=nodes)
            if ok:
                _done("Priorité ajoutée.")



def _rename_heading(actor: Actor, programme_id: int, priorities: pd.DataFrame, headings: list[str]) -> None:
    named = [h for h in headings if h]
    if not named:
        st.caption("Ce programme n'a pas de rubrique.")
        return
    with inputs.form(KEY + f"rename_form_{programme_id}"):
        heading = st.selectbox("Rubrique", named)
        new_heading = st.text_input("Nouveau nom")
        if st.form_submit_button("Renommer", type="primary"):
            under = priorities[priorities["heading"] == heading]
            versions = {int(r.id): int(r.version) for r in under.itertuples()}
            ok, count = data.write(programme_services.rename_heading, actor, programme_id, heading=heading,
                                   new_heading=new_heading, expected_versions=versions)
            if ok:
                _done(f"Rubrique renommée ({plural(count, 'priorité')}).")
