"""The framework tree (socle commun) of a contract: shown as a tree, edited node by node, imported from a table."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from components import data, feedback, inputs, layout, state, table_import
from pilotage.formats import plural
from pilotage.permissions import Actor
from pilotage.programmes import DEFAULT_LEVELS, MAX_DEPTH
from pilotage.queries import programmes as programme_queries
from pilotage.queries.contracts import ContractSummary
from pilotage.services import framework as framework_services

KEY = state.PREFIX + "framework_"
TOP = 0  # the "no parent" choice: a new axis
IMPORT_HELP = (
    "Une colonne par niveau : « Axe », « Objectif », « Sous-objectif » (ou « Niveau 1 », « Niveau 2 », "
    "« Niveau 3 »), et si vous le souhaitez une colonne de code par niveau (« Code axe », « Code objectif »…). "
    "Chaque ligne peut répéter l'axe et l'objectif, ou les laisser vides pour reprendre ceux des lignes au-dessus. "
    "Sans code, les éléments sont numérotés 1, 1.2, 1.2.3. Rien n'est enregistré avant votre confirmation, et "
    "une seule erreur bloque tout l'import."
)


def render(contract: ContractSummary, actor: Actor) -> None:
    """Tree, node editing and import for the chosen contract."""
    tree = data.read(programme_queries.list_framework_tree, contract_id=contract.id)
    _notice()
    _show_tree(tree)
    add, edit, upload = st.tabs(["Ajouter un élément", "Modifier un élément", "Importer un tableau"])
    with add:
        _add_form(contract, actor, tree)
    with edit:
        _edit(actor, tree)
    with upload:
        st.markdown(IMPORT_HELP)
        table_import.render("framework_import", label="Tableau du socle commun", what="élément(s) du socle commun",
                            check=programme_queries.check_framework_import,
                            write=framework_services.import_framework, actor=actor,
                            target={"contract_id": contract.id})


def _notice() -> None:
    feedback.show("framework")


def _done(message: str) -> None:
    feedback.remember("framework", message)
    st.rerun()


def show_tree(contract: ContractSummary) -> None:
    """The tree alone, for those who may not edit it."""
    _show_tree(data.read(programme_queries.list_framework_tree, contract_id=contract.id))


def _show_tree(tree: pd.DataFrame) -> None:
    if tree.empty:
        st.info("Le socle commun de ce contrat est vide : ajoutez un premier axe ou importez un tableau.")
        return
    active = tree[~tree["archived"].astype(bool)]
    st.caption(f"{plural(len(active), 'élément')} actif(s), {plural(len(tree) - len(active), 'archivé')}.")
    lines = []
    for row in tree.itertuples():
        flags = " " + layout.badge("archivé", "muted") if row.archived else ""
        links = f" · {plural(int(row.links), 'priorité rattachée', 'priorités rattachées')}" if row.links else ""
        weight = "600" if row.depth == 0 else "400"
        lines.append(f"<div style='margin-left:{1.5 * int(row.depth)}rem;font-weight:{weight}'>"
                     f"<span class='pl-number'>{html.escape(row.code)}</span> {html.escape(row.title)}"
                     f"<span class='pl-source'> — {html.escape(row.level)}{links}</span>{flags}</div>")
    with st.container(height=min(420, 60 + 26 * len(tree)), border=True):  # the forms stay in sight below
        st.html("".join(lines))


def _node_label(row) -> str:
    archived = " (archivé)" if row.archived else ""
    return f"{'  ' * int(row.depth)}{row.code} — {row.title[:90]}{archived}"


def _suggested_code(tree: pd.DataFrame, parent_id: int) -> str:
    if parent_id == TOP:
        return str(int((tree["depth"] == 0).sum()) + 1)
    parent = tree[tree["id"] == parent_id].iloc[0]
    return f"{parent.code}.{int(parent.children) + 1}"


def _add_form(contract: ContractSummary, actor: Actor, tree: pd.DataFrame) -> None:
    parents = tree[~tree["archived"].astype(bool) & (tree["depth"] < MAX_DEPTH - 1)]
    labels = {TOP: "— Aucun : un nouvel axe —", **{int(r.id): _node_label(r) for r in parents.itertuples()}}
    parent_id = st.selectbox("Élément parent", list(labels), format_func=labels.get, key=KEY + "parent")
    depth = 0 if parent_id == TOP else int(parents[parents["id"] == parent_id]["depth"].iloc[0]) + 1
    level = _sibling_level(tree, parent_id) or DEFAULT_LEVELS[depth]
    with inputs.form(KEY + "add_form", clear_on_submit=True):
        cols = st.columns([1, 1, 3])
        code = cols[0].text_input("Code", value=_suggested_code(tree, parent_id))
        level = cols[1].text_input("Niveau", value=level)
        title = cols[2].text_input("Intitulé")
        if st.form_submit_button("Ajouter", type="primary"):
            ok, _ = data.write(framework_services.create_framework_node, actor, contract_id=contract.id,
                               parent_id=None if parent_id == TOP else parent_id, code=code, title=title, level=level)
            if ok:
                _done(f"Élément {code} ajouté au socle commun.")


def _sibling_level(tree: pd.DataFrame, parent_id: int) -> str | None:
    siblings = tree[tree["parent_id"].isna()] if parent_id == TOP else tree[tree["parent_id"] == parent_id]
    return str(siblings["level"].iloc[0]) if not siblings.empty else None


def _edit(actor: Actor, tree: pd.DataFrame) -> None:
    if tree.empty:
        st.caption("Aucun élément à modifier.")
        return
    labels = {int(r.id): _node_label(r) for r in tree.itertuples()}
    node_id = st.selectbox("Élément", list(labels), format_func=labels.get, key=KEY + "edited")
    node = tree[tree["id"] == node_id].iloc[0]
    version = int(node.version)
    current_parent = TOP if pd.isna(node.parent_id) else int(node.parent_id)
    parents = {TOP: "— Aucun : c'est un axe —", **{int(r.id): _node_label(r) for r in tree.itertuples()
                                                 if int(r.id) != node_id and not r.archived}}
    with inputs.form(KEY + f"edit_form_{node_id}_{version}"):
        cols = st.columns([1, 1, 3])
        code = cols[0].text_input("Code", value=node.code)
        level = cols[1].text_input("Niveau", value=node.level)
        title = cols[2].text_area("Intitulé", value=node.title, height=80)
        parent = st.selectbox("Rattaché à", list(parents), format_func=parents.get,
                              index=list(parents).index(current_parent) if current_parent in parents else 0,
                              help="Changer le rattachement déplace l'élément et ses sous-éléments.")
        if st.form_submit_button("Enregistrer", type="primary"):
            ok, _ = data.write(framework_services.update_framework_node, actor, node_id, expected_version=version,
                               code=code, title=title, level=level, parent_id=None if parent == TOP else parent)
            if ok:
                _done(f"Élément {code} enregistré.")
    _actions(actor, node, node_id, version)


def _actions(actor: Actor, node, node_id: int, version: int) -> None:
    cols = st.columns(4)
    archived = bool(node.archived)
    if cols[0].button("Monter", icon=":material/arrow_upward:", key=KEY + "up", disabled=archived):
        _write_then_notice(framework_services.move_framework_node, actor, node_id, "Élément déplacé.",
                           expected_version=version, direction=-1)
    if cols[1].button("Descendre", icon=":material/arrow_downward:", key=KEY + "down", disabled=archived):
        _write_then_notice(framework_services.move_framework_node, actor, node_id, "Élément déplacé.",
                           expected_version=version, direction=1)
    if cols[2].button("Restaurer" if archived else "Archiver", icon=":material/archive:", key=KEY + "archive",
                      help="Un élément archivé quitte le socle commun affiché ; ses rattachements restent."):
        _write_then_notice(framework_services.archive_framework_node, actor, node_id,
                           "Élément restauré." if archived else "Élément archivé.", expected_version=version,
                           archived=not archived)
    deletable = int(node.children) == 0 and int(node.links) == 0
    if cols[3].button("Supprimer", icon=":material/delete:", key=KEY + "delete", disabled=not deletable,
                      help=None if deletable else "Seul un élément sans sous-élément ni priorité rattachée peut "
                                                  "être supprimé : archivez-le plutôt."):
        _write_then_notice(framework_services.delete_framework_node, actor, node_id, "Élément supprimé.",
                           expected_version=version)


def _write_then_notice(service, actor: Actor, node_id: int, message: str, **kwargs) -> None:
    ok, _ = data.write(service, actor, node_id, **kwargs)
    if ok:
        _done(message)
