"""The FFOM (SWOT) grid of a neighbourhood: versions, comparison, and editing for contributors."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from components import data, feedback, inputs, layout, state
from pilotage import clock
from pilotage.formats import format_date
from pilotage.permissions import EDIT, Actor, can
from pilotage.queries import swot as swot_queries
from pilotage.queries.neighbourhoods import NeighbourhoodProfile
from pilotage.services import swot as swot_services
from pilotage.sources import document_title

QUADRANT_TITLES = {"forces": ":material/add_circle: Forces", "faiblesses": ":material/remove_circle: Faiblesses",
                   "opportunites": ":material/trending_up: Opportunités",
                   "menaces": ":material/warning: Menaces"}
QUADRANT_LABELS = {"forces": "Forces", "faiblesses": "Faiblesses", "opportunites": "Opportunités",
                   "menaces": "Menaces"}
STATUS_LABELS = {"derivee": "dérivée des documents, non adoptée en COPIL", "adoptee": "adoptée en COPIL",
                 "de_travail": "version de travail"}
CHANGE_MARKS = {"ajouté": "+ ajouté", "retiré": "− retiré", "conservé": "= conservé"}
TOOLBAR = "swot_toolbar"


def item_place(item_id: int) -> str:
    return f"swot_item_{item_id}"


def quadrant_place(quadrant: str) -> str:
    return f"swot_quadrant_{quadrant}"


def render(profile: NeighbourhoodProfile, actor: Actor) -> None:
    """Version picker, the 2×2 grid (editable for contributors of this neighbourhood), and the comparison."""
    analyses = data.read(swot_queries.list_swot_analyses, neighbourhood_id=profile.id)
    editable = can(actor, EDIT, profile.id)
    if analyses.empty:
        st.info(f"Aucune analyse FFOM n'est encore enregistrée pour {profile.name}.")
        if editable and st.button("Créer une première version", key="pilotage_swot_first"):
            _new_version_dialog(profile, analyses)
        return
    labels = {int(r.id): f"{r.label} — {format_date(r.dated)}" for r in analyses.itertuples()}
    chosen = inputs.selectbox("Version de l'analyse", list(labels), format_func=labels.get,
                              key=f"pilotage_swot_version_{profile.id}")
    analysis = analyses.set_index("id").loc[chosen]
    _version_banner(analysis)
    grid, compare = st.tabs(["Grille FFOM", "Comparer deux versions"])
    with grid:
        editing = editable and st.toggle("Modifier la grille", key=f"pilotage_swot_editing_{profile.id}")
        if editing:
            _toolbar(profile, analyses, chosen)
        feedback.show(TOOLBAR)
        items = data.read(swot_queries.list_swot_items, analysis_id=chosen)
        _grid(items, editing, profile, chosen)
    with compare:
        _comparison(analyses, labels)


def _version_banner(analysis: pd.Series) -> None:
    parts = [f"Statut : {STATUS_LABELS.get(analysis.status, analysis.status)}"]
    if analysis.source:
        parts.append(f"source : {document_title(analysis.source)}")
    text = html.escape(" · ".join(parts))
    flag = layout.illustrative_badge() if analysis.illustrative else ""
    note = f"<div class='pl-source'>{html.escape(analysis.note)}</div>" if analysis.note else ""
    st.html(f"<div class='pl-identity'>{flag}{text}</div>{note}")


def _grid(items: pd.DataFrame, editable: bool, profile: NeighbourhoodProfile, analysis_id: int) -> None:
    for pair in (("forces", "faiblesses"), ("opportunites", "menaces")):
        for col, quadrant in zip(st.columns(2), pair, strict=True):
            with col.container(border=True):
                st.markdown(f"#### {QUADRANT_TITLES[quadrant]}")
                feedback.show(quadrant_place(quadrant))
                rows = items[items["quadrant"] == quadrant]
                if rows.empty:
                    st.caption("Aucun élément.")
                previous = None
                for index, item in enumerate(rows.itertuples()):
                    _item(item, editable, profile, first=index == 0, last=index == len(rows) - 1, previous=previous)
                    previous = int(item.id)


def _item(item, editable: bool, profile: NeighbourhoodProfile, first: bool, last: bool, previous: int | None) -> None:
    flag = layout.illustrative_badge() if item.illustrative else ""
    quote = f"« {item.quote} »" if item.quote else None
    origin = " — ".join(x for x in (quote, document_title(item.source), item.note) if x)
    links = [*(f"Indicateur : {label}" for label in item.indicator_labels),
             *(f"Priorité : {label}" for label in item.priority_labels)]
    link_html = "".join(f"<div class='pl-source pl-link'>{html.escape(_short(link))}</div>" for link in links)
    feedback.show(item_place(item.id))  # above the item: its buttons, just clicked, are right below
    st.html(f"<div class='pl-swot-item' title='{html.escape(origin)}'>{flag}{html.escape(item.text)}</div>{link_html}")
    if editable:
        # an archived item's confirmation takes its place: under the item before it, or atop the quadrant
        _item_actions(item, profile, first, last, item_place(previous) if previous else quadrant_place(item.quadrant))


def _short(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _item_actions(item, profile: NeighbourhoodProfile, first: bool, last: bool, archive_place: str) -> None:
    cols = st.columns([1, 1, 1, 1, 3])
    actor = state.current_actor()
    place = item_place(item.id)
    if cols[0].button("", key=f"pilotage_swot_edit_{item.id}", icon=":material/edit:", help="Modifier",
                      on_click=feedback.forget, args=(place,)):
        _item_dialog(profile, item.quadrant, item=item)
    if cols[1].button("", key=f"pilotage_swot_up_{item.id}", icon=":material/arrow_upward:", disabled=first,
                      help="Monter"):
        _after(data.write(swot_services.move_swot_item, actor, int(item.id), expected_version=int(item.version),
                          direction=-1), place, "Élément monté d'un rang.")
    if cols[2].button("", key=f"pilotage_swot_down_{item.id}", icon=":material/arrow_downward:", disabled=last,
                      help="Descendre"):
        _after(data.write(swot_services.move_swot_item, actor, int(item.id), expected_version=int(item.version),
                          direction=1), place, "Élément descendu d'un rang.")
    if cols[3].button("", key=f"pilotage_swot_archive_{item.id}", icon=":material/archive:", help="Archiver"):
        _after(data.write(swot_services.archive_swot_item, actor, int(item.id), expected_version=int(item.version)),
               archive_place, f"Élément archivé : « {_short(item.text, 60)} ».")


def _after(result: tuple[bool, object], place: str, message: str) -> None:
    if result[0]:
        feedback.remember(place, message)
        st.rerun()


def _toolbar(profile: NeighbourhoodProfile, analyses: pd.DataFrame, analysis_id: int) -> None:
    cols = st.columns([1, 1, 2])
    if cols[0].button("Ajouter un élément", key="pilotage_swot_add", icon=":material/add:", type="primary"):
        feedback.forget(TOOLBAR)
        state.put("swot_analysis", analysis_id)
        _item_dialog(profile, "forces", item=None)
    if cols[1].button("Nouvelle version", key="pilotage_swot_new", icon=":material/content_copy:"):
        feedback.forget(TOOLBAR)
        _new_version_dialog(profile, analyses)


@st.dialog("Élément FFOM", width="large")
def _item_dialog(profile: NeighbourhoodProfile, quadrant: str, item=None) -> None:
    indicators, priorities = data.read(swot_queries.list_link_options, neighbourhood_id=profile.id)
    quadrants = list(QUADRANT_LABELS)
    with inputs.form("pilotage_swot_item_form"):
        chosen = inputs.selectbox("Quadrant", quadrants, index=quadrants.index(item.quadrant if item else quadrant),
                                  format_func=QUADRANT_LABELS.get)
        text = st.text_area("Texte", value=item.text if item else "", max_chars=swot_services.MAX_ITEM_LENGTH)
        indicator_ids = inputs.multiselect("Indicateurs qui l'étayent", list(indicators), format_func=indicators.get,
                                           default=list(item.indicator_ids) if item else [])
        priority_ids = inputs.multiselect("Priorités qui y répondent", list(priorities), format_func=priorities.get,
                                          default=list(item.priority_ids) if item else [])
        saved = st.form_submit_button("Enregistrer", type="primary")
    if not saved:
        return
    actor = state.current_actor()
    if item is None:
        ok, _ = data.write(swot_services.create_swot_item, actor, analysis_id=state.get("swot_analysis"),
                           quadrant=chosen, text=text, indicator_ids=indicator_ids, priority_ids=priority_ids)
    else:
        ok, _ = data.write(swot_services.update_swot_item, actor, int(item.id), expected_version=int(item.version),
                           quadrant=chosen, text=text, indicator_ids=indicator_ids, priority_ids=priority_ids)
    if ok:
        if item is None:
            feedback.remember(TOOLBAR, f"Élément ajouté aux {QUADRANT_LABELS[chosen].lower()}.")
        else:
            feedback.remember(item_place(item.id), "Élément modifié." if chosen == item.quadrant
                              else f"Élément modifié et déplacé vers les {QUADRANT_LABELS[chosen].lower()}.")
        st.rerun()


@st.dialog("Nouvelle version de l'analyse FFOM")
def _new_version_dialog(profile: NeighbourhoodProfile, analyses: pd.DataFrame) -> None:
    options = {None: "Version vide", **{int(r.id): r.label for r in analyses.itertuples()}}
    with inputs.form("pilotage_swot_version_form"):
        label = st.text_input("Nom de la version", placeholder="Revue de projet d'automne 2026")
        dated = inputs.date_input("Date", value=clock.today())
        copy_from = inputs.selectbox("Reprendre les éléments de", list(options), format_func=options.get,
                                     index=1 if len(options) > 1 else 0)
        saved = st.form_submit_button("Créer la version", type="primary")
    if saved:
        ok, new_id = data.write(swot_services.create_swot_analysis, state.current_actor(),
                                neighbourhood_id=profile.id, label=label, dated=dated, copy_from_id=copy_from)
        if ok:
            st.session_state[f"pilotage_swot_version_{profile.id}"] = new_id
            feedback.remember(TOOLBAR, f"Version « {label.strip()} » créée : c'est elle qui est affichée.")
            st.rerun()


def _comparison(analyses: pd.DataFrame, labels: dict[int, str]) -> None:
    if len(analyses) < 2:
        st.info("Une seule version existe : rien à comparer pour l'instant.")
        return
    ids = list(labels)
    cols = st.columns(2)
    before = inputs.selectbox("Version de référence", ids, index=1, format_func=labels.get,
                              key="pilotage_swot_before", where=cols[0])
    after = inputs.selectbox("Version comparée", ids, index=0, format_func=labels.get, key="pilotage_swot_after",
                             where=cols[1])
    diff = data.read(swot_queries.compare_swot, before_id=before, after_id=after)
    counts = diff["change"].value_counts()
    st.markdown(f"**{counts.get('ajouté', 0)}** ajouté(s) · **{counts.get('retiré', 0)}** retiré(s) · "
                f"**{counts.get('conservé', 0)}** conservé(s)")
    for pair in (("forces", "faiblesses"), ("opportunites", "menaces")):
        for col, quadrant in zip(st.columns(2), pair, strict=True):
            with col.container(border=True):
                st.markdown(f"#### {QUADRANT_TITLES[quadrant]}")
                for row in diff[diff["quadrant"] == quadrant].itertuples():
                    css = {"ajouté": "pl-added", "retiré": "pl-removed"}.get(row.change, "")
                    st.html(f"<div class='pl-swot-item {css}'><strong>{CHANGE_MARKS[row.change]}</strong> · "
                            f"{html.escape(row.text)}</div>")
