"""Fiche d'instance: one meeting (?id=<meeting id>) with its attendance, agenda, follow-ups, decisions, minutes."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from components import data, feedback, layout, links, meeting_forms, state, tables
from components import governance as gov
from pilotage import clock, exporters
from pilotage.formats import format_date, plural
from pilotage.queries import governance as queries
from pilotage.queries.governance import MeetingRecord, MeetingSheet

TITLE = "Fiche d'instance"
PREVIOUS = "Suites des instances précédentes"


def render() -> None:
    meeting_id = _meeting_id()
    record = data.read(queries.get_meeting_record, meeting_id=meeting_id, today=clock.today()) \
        if meeting_id is not None else None
    if record is None:
        st.title(TITLE)
        if meeting_id is None:
            st.info("Choisissez une instance dans la page Gouvernance pour ouvrir sa fiche.")
        else:
            st.warning(f"Aucune instance n° {meeting_id} : elle a peut-être été supprimée.", icon=":material/warning:")
        links.page_link("gouvernance", "Aller à la gouvernance", ":material/event:")
        return
    sheet = record.sheet
    editable = gov.may_edit(state.current_actor(), sheet.neighbourhood_id)
    _header(sheet)
    _actions(record, editable)
    feedback.show(meeting_forms.MEETING_PLACE)
    _attendance(record)
    _agenda(record, editable)
    _decisions(record, editable)
    _minutes(sheet, editable)


def _meeting_id() -> int | None:
    value = st.query_params.get("id")
    return int(value) if value and value.isdigit() else None


def _header(sheet: MeetingSheet) -> None:
    links.page_link("gouvernance", "Retour à la gouvernance", ":material/arrow_back:", contrat=sheet.contract_slug)
    st.caption(f"{TITLE} — {sheet.contract_name}")
    st.title(sheet.title)
    scope = sheet.programme or sheet.neighbourhood or gov.CONTRACT_SCOPE
    st.markdown(f"**{gov.kind_label(sheet.kind)}** · {gov.when(sheet.date, sheet.start_time)} · "
                f"{gov.meeting_status(sheet.status)} · concerne : {layout.escape_markdown(scope)}")
    details = [("Lieu", sheet.place), ("Présidence", sheet.chairs)]
    st.markdown("  \n".join(f"{label} : {layout.escape_markdown(value)}" for label, value in details if value))
    if sheet.replaces_id:
        links.page_link("instance", f"Tenue à la place de l'instance reportée du {format_date(sheet.replaces_date)}",
                        ":material/history:", id=str(sheet.replaces_id))
    if sheet.replaced_by_id:
        links.page_link("instance", f"Reportée au {format_date(sheet.replaced_by_date)} : ouvrir la nouvelle instance",
                        ":material/redo:", id=str(sheet.replaced_by_id))
    if sheet.illustrative:
        st.html(f"<div>{layout.illustrative_badge()} <span class='pl-identity'>"
                f"{html.escape(sheet.note or 'aucun document source ne mentionne cette réunion')}</span></div>")
    if sheet.quote:
        st.caption(f"« {sheet.quote} »")
    layout.source_line(sheet.source)


def _actions(record: MeetingRecord, editable: bool) -> None:
    sheet = record.sheet
    bar = st.container(horizontal=True, gap="small")
    with bar:
        links.page_link("seance", "Ouvrir en mode séance", ":material/co_present:", id=str(sheet.id))
    if editable:
        _edit_buttons(record, bar)
    problem = exporters.pdf_font_problem()
    if problem:
        st.warning(problem, icon=":material/warning:")
    else:
        bar.download_button("Relevé de décisions (PDF)", icon=":material/picture_as_pdf:", mime="application/pdf",
                            file_name=f"releve-{sheet.date.isoformat()}-instance-{sheet.id}.pdf",
                            data=lambda: exporters.decisions_pdf(record, today=clock.today()))
    if not editable:
        st.caption("Lecture seule : la modification de cette instance est réservée aux contributeurs de son "
                   "périmètre" + (" (tout le contrat)." if sheet.neighbourhood_id is None else "."))


def _edit_buttons(record: MeetingRecord, bar) -> None:
    sheet = record.sheet
    hoods, priorities, organisations = meeting_forms.form_options(sheet)
    if bar.button("Modifier", icon=":material/edit:"):
        meeting_forms.edit_meeting(sheet)
    if sheet.status == "prevue" and not sheet.replaced_by_id and bar.button("Reporter", icon=":material/redo:"):
        meeting_forms.postpone_meeting(sheet)
    if bar.button("Présences", icon=":material/groups:"):
        meeting_forms.record_attendance(sheet, record.attendance, organisations)
    if bar.button("Ajouter un point", icon=":material/playlist_add:"):
        sections = [s for s in record.agenda["section"] if gov.text(s)]
        meeting_forms.add_agenda_item(sheet, sections, hoods, priorities, record.carried_over)
    if bar.button("Enregistrer une décision", icon=":material/gavel:"):
        names = {int(r.id): r.name for r in organisations.itertuples()}
        meeting_forms.record_decision(sheet, record.agenda, names, hoods, priorities)


def _attendance(record: MeetingRecord) -> None:
    st.subheader("Participants")
    attendance = record.attendance
    if attendance.empty:
        st.info("Aucune organisation n'est encore enregistrée comme invitée ou présente.")
        return
    present = sum(1 for value in attendance["present"] if not pd.isna(value) and bool(value))
    st.caption(f"{plural(present, 'organisation présente', 'organisations présentes')} sur "
               f"{plural(len(attendance), 'invitée')}.")
    words = {True: "✔ présente", False: "✖ absente"}
    tables.dataframe(pd.DataFrame({
        "Organisation": attendance["organisation"],
        "Invitée": attendance["invited"].map({True: "oui", False: "non"}),
        "Présence": attendance["present"].map(lambda v: words.get(v if not pd.isna(v) else None, "— non renseignée")),
    }), hide_index=True, width="stretch")


def _agenda(record: MeetingRecord, editable: bool) -> None:
    st.subheader("Ordre du jour")
    _carried_over(record, editable)
    if record.agenda.empty:
        st.info("Aucun point n'est inscrit à l'ordre du jour.")
        return
    decisions = record.decisions
    current = None
    for item in record.agenda.itertuples():
        section = gov.text(item.section) or "Autres points"
        if section != current:
            st.markdown(f"#### {layout.escape_markdown(section)}")
            current = section
        with st.container(border=True):
            _agenda_item(item, decisions[decisions["agenda_item_id"] == item.id], editable)


def _agenda_item(item, decisions: pd.DataFrame, editable: bool) -> None:
    left, right = st.columns([5, 1])
    left.markdown(f"**{int(item.position)}. {layout.escape_markdown(item.title)}**")
    links_text = [f"Quartier : {item.neighbourhood}" if gov.text(item.neighbourhood) else None,
                  f"Priorité : {gov.text(item.priority_number) or ''} {item.priority_text[:110]}".replace("  ", " ")
                  if gov.text(item.priority_text) else None]
    if any(links_text):
        left.caption(" · ".join(t for t in links_text if t))
    if gov.text(item.notes):
        left.markdown(f"Présentation : {layout.escape_markdown(item.notes)}")
    outcome = gov.text(item.outcome)
    left.markdown(f"**Relevé** : {layout.escape_markdown(outcome)}" if outcome else "*Relevé : non renseigné.*")
    if item.decision_ids:
        left.caption(f"Reprend {plural(len(item.decision_ids), 'suite')} d'instances précédentes.")
    for row in decisions.itertuples():
        left.markdown("- " + gov.decision_line(row, with_meeting=False))
    if editable and right.button("Relevé", icon=":material/edit_note:", key=f"{state.PREFIX}outcome_{item.id}"):
        feedback.forget(meeting_forms.outcome_place(item.id))
        meeting_forms.record_outcome(item)
    with left:
        feedback.show(meeting_forms.outcome_place(item.id))


def _carried_over(record: MeetingRecord, editable: bool) -> None:
    st.markdown(f"#### {PREVIOUS}")
    carried = record.carried_over
    if carried.empty:
        st.caption("Aucune suite ouverte d'une instance précédente du même organe "
                   f"({gov.kind_label(record.sheet.kind).lower()}, même périmètre).")
        return
    st.caption(f"{plural(len(carried), 'suite')} encore ouverte(s) à la date de cette instance, reprise(s) "
               "automatiquement des instances précédentes du même organe.")
    _decision_list(carried, editable, "carried", with_meeting=True)


def _decisions(record: MeetingRecord, editable: bool) -> None:
    st.subheader("Décisions et suites à donner")
    if record.decisions.empty:
        st.info("Aucune décision n'est enregistrée pour cette instance.")
        return
    _decision_list(record.decisions, editable, "own", with_meeting=False)


def _decision_list(decisions: pd.DataFrame, editable: bool, key: str, with_meeting: bool) -> None:
    """One line per decision (state, text, owner, due date), with its follow-up button for an editor."""
    with st.container(border=True):
        for row in decisions.itertuples():
            left, right = st.columns([6, 1], vertical_alignment="center")
            left.markdown(gov.decision_line(row, with_meeting))
            if editable and right.button("Suivi", icon=":material/task_alt:", key=f"{state.PREFIX}{key}_{row.id}",
                                         help="Clore, abandonner ou rouvrir"):
                feedback.forget(meeting_forms.decision_place(row.id))
                meeting_forms.decision_status(row)
            feedback.show(meeting_forms.decision_place(row.id))


def _minutes(sheet: MeetingSheet, editable: bool) -> None:
    st.subheader("Compte rendu")
    if sheet.minutes:
        st.markdown(layout.escape_markdown(sheet.minutes).replace("\n", "  \n"))
    else:
        st.caption("Aucun compte rendu n'est encore saisi" + (" (bouton « Modifier »)." if editable else "."))


if __name__ == "__main__":
    from components.legacy import hand_over_to_router

    hand_over_to_router()
