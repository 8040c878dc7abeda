"""The editing dialogs of governance: meetings, attendance, agenda items, outcomes, decisions and follow-ups.

Every dialog writes through a service (which checks the right again, validates and audits) and passes the row
version it showed, so that a concurrent change is refused instead of being overwritten.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components import data, feedback, inputs, links, state
from components.governance import day, kind_label, meeting_status, text
from components.layout import escape_markdown
from pilotage import clock
from pilotage.followups import DECISION_STATUSES, STATES
from pilotage.formats import DECISION_KIND_LABELS, MEETING_KIND_LABELS, MEETING_STATUS_LABELS
from pilotage.queries import contracts as contract_queries
from pilotage.queries import governance as governance_queries
from pilotage.queries.governance import MeetingSheet
from pilotage.services import governance

SECTIONS = ("Point d’étape du projet de quartier", "Parole aux habitants et aux associations",
            "Propositions d’évolution", "Orientations du contrat", "Évaluation", "Programmation")
PRESENCE = {"non renseignée": None, "présente": True, "absente": False}
MEETING_PLACE = "meeting_sheet"  # under a meeting sheet's action bar (and after a switch to a new meeting)


def decision_place(decision_id: int) -> str:
    """Where the confirmation of a decision's follow-up is drawn: beside that decision."""
    return f"decision_{int(decision_id)}"


def outcome_place(item_id: int) -> str:
    return f"outcome_{int(item_id)}"


def form_options(sheet: MeetingSheet) -> tuple[dict[int, str], dict[int, str], pd.DataFrame]:
    """What the agenda and decision forms of a meeting offer: the contract's neighbourhoods, the priorities of the
    meeting's neighbourhood (all of the contract's for a contract-wide meeting) and the organisations."""
    hoods = data.read(contract_queries.list_neighbourhoods, contract_id=sheet.contract_id)
    priorities = data.read(governance_queries.list_priority_options, contract_id=sheet.contract_id,
                           neighbourhood_id=sheet.neighbourhood_id)
    numbers = priorities.groupby("programme").cumcount() + 1
    labels = {int(r.id): f"{r.programme} — {r.number or f'priorité {n}'} : {r.text[:90]}"
              for r, n in zip(priorities.itertuples(), numbers, strict=True)}
    organisations = data.read(governance_queries.list_organisations, contract_id=sheet.contract_id)
    return {int(r.id): r.name for r in hoods.itertuples()}, labels, organisations


def _option(options: dict, label: str, default=None, key: str | None = None):
    keys = list(options)
    index = keys.index(default) if default in keys else 0
    return inputs.selectbox(label, keys, index=index, format_func=options.get, key=key)


def default_title(kind: str, scope_label: str | None) -> str:
    """'Revue de projet – Planoise'; a contract-wide COPIL is 'Comité de pilotage du Contrat de Ville'."""
    if kind == "copil" and scope_label is None:
        return "Comité de pilotage du Contrat de Ville"
    return f"{kind_label(kind)} – {scope_label}" if scope_label else kind_label(kind)


@st.dialog("Nouvelle instance", width="large")
def create_meeting(contract_id: int, scopes: dict[tuple, str], kind: str = "revue_projet",
                   scope: tuple | None = None, date: dt.date | None = None) -> None:
    """`scopes` maps (neighbourhood_id, programme_id) to a label; only those the user may edit are offered."""
    with inputs.form("pilotage_gov_create_meeting"):
        chosen_kind = _option(MEETING_KIND_LABELS, "Type d'instance", kind)
        chosen_scope = _option(scopes, "Concerne", scope)
        title = st.text_input("Intitulé (vide : intitulé par défaut)", max_chars=300)
        left, right = st.columns(2)
        chosen_date = inputs.date_input("Date", value=date or clock.today(), where=left)
        start = right.time_input("Heure (facultative)", value=None, step=900)
        place = st.text_input("Lieu", max_chars=300)
        chairs = st.text_input("Présidence ou co-animation")
        status = _option({k: meeting_status(k) for k in MEETING_STATUS_LABELS}, "Statut", "prevue")
        submitted = st.form_submit_button("Créer l'instance", type="primary")
    if submitted:
        hood, programme = chosen_scope
        scope_label = None if chosen_scope == (None, None) else scopes[chosen_scope].split(" : ", 1)[-1]
        ok, new_id = data.write(governance.create_meeting, state.current_actor(), contract_id=contract_id,
                                kind=chosen_kind, title=title.strip() or default_title(chosen_kind, scope_label),
                                date=chosen_date, start_time=start, place=place, chairs=chairs, status=status,
                                neighbourhood_id=hood, programme_id=programme)
        if ok:
            feedback.remember(MEETING_PLACE, "Instance créée.")
            links.switch_page("instance", id=str(new_id))


@st.dialog("Modifier l'instance", width="large")
def edit_meeting(sheet: MeetingSheet) -> None:
    with inputs.form(f"pilotage_gov_edit_meeting_{sheet.id}_{sheet.version}"):
        title = st.text_input("Intitulé", value=sheet.title, max_chars=300)
        left, right = st.columns(2)
        date = inputs.date_input("Date", value=sheet.date, where=left)
        start = right.time_input("Heure (facultative)", value=sheet.start_time, step=900)
        place = st.text_input("Lieu", value=sheet.place or "", max_chars=300)
        chairs = st.text_input("Présidence ou co-animation", value=sheet.chairs or "")
        status = _option({k: meeting_status(k) for k in MEETING_STATUS_LABELS}, "Statut", sheet.status)
        minutes = st.text_area("Compte rendu", value=sheet.minutes or "", height=180)
        submitted = st.form_submit_button("Enregistrer", type="primary")
    if submitted:
        ok, _ = data.write(governance.update_meeting, state.current_actor(), sheet.id, expected_version=sheet.version,
                           title=title, date=date, start_time=start, place=place, chairs=chairs, status=status,
                           minutes=minutes)
        if ok:
            feedback.remember(MEETING_PLACE, "Instance enregistrée.")
            st.rerun()


@st.dialog("Reporter l'instance")
def postpone_meeting(sheet: MeetingSheet) -> None:
    st.write("L'instance sera marquée « reportée » et une nouvelle instance sera créée à la nouvelle date, avec "
             "son ordre du jour et ses invitations. Seule la nouvelle instance compte dans la cadence.")
    with inputs.form(f"pilotage_gov_postpone_{sheet.id}_{sheet.version}"):
        new_date = inputs.date_input("Nouvelle date", value=sheet.date + dt.timedelta(days=28))
        new_time = st.time_input("Heure (facultative)", value=sheet.start_time, step=900)
        submitted = st.form_submit_button("Reporter", type="primary")
    if submitted:
        ok, new_id = data.write(governance.postpone_meeting, state.current_actor(), sheet.id,
                                expected_version=sheet.version, new_date=new_date, new_time=new_time)
        if ok:
            feedback.remember(MEETING_PLACE, "Instance reportée : voici la nouvelle instance.")
            links.switch_page("instance", id=str(new_id))


@st.dialog("Présences", width="large")
def record_attendance(sheet: MeetingSheet, attendance: pd.DataFrame, organisations: pd.DataFrame) -> None:
    """Invited and present organisations: the ones recorded, then the signatories, then any added here."""
    names = dict(zip(organisations["id"], organisations["name"], strict=True))
    recorded = {int(r.organisation_id): r for r in attendance.itertuples()}
    signatories = [int(i) for i in organisations.loc[organisations["signatory"], "id"] if int(i) not in recorded]
    extra = inputs.multiselect("Ajouter d'autres organisations", [i for i in names if i not in recorded
                               and i not in signatories], format_func=names.get,
                               placeholder="Choisir des organisations")
    rows = [*recorded, *signatories, *extra]
    words = {v: k for k, v in PRESENCE.items()}
    table = pd.DataFrame({
        "Organisation": [names[i] for i in rows],
        "Invitée": [bool(recorded[i].invited) if i in recorded else i in extra for i in rows],
        "Présence": [words[_presence(recorded[i].present)] if i in recorded else "non renseignée" for i in rows],
    })
    with inputs.form(f"pilotage_gov_attendance_{sheet.id}"):
        edited = st.data_editor(table, hide_index=True, width="stretch", disabled=["Organisation"], placeholder="",
                                column_config={"Présence": st.column_config.SelectboxColumn(
                                    "Présence", options=list(PRESENCE), required=True)})
        submitted = st.form_submit_button("Enregistrer les présences", type="primary")
    if submitted:
        entries = {i: (bool(r["Invitée"]), PRESENCE[r["Présence"]]) for i, (_, r) in zip(rows, edited.iterrows(),
                                                                                        strict=True)}
        versions = {i: int(r.version) for i, r in recorded.items()}
        ok, _ = data.write(governance.record_attendance, state.current_actor(), sheet.id, entries=entries,
                           expected_versions=versions)
        if ok:
            feedback.remember(MEETING_PLACE, "Présences enregistrées.")
            st.rerun()


def _presence(value):
    return None if value is None or pd.isna(value) else bool(value)


@st.dialog("Ajouter un point à l'ordre du jour", width="large")
def add_agenda_item(sheet: MeetingSheet, sections: list[str], hoods: dict[int, str], priorities: dict[int, str],
                    carried: pd.DataFrame) -> None:
    taken = {int(r.id): f"{r.text} ({kind_label(r.meeting_kind)} du {r.meeting_date:%d/%m/%Y})"
             for r in carried.itertuples()}
    with inputs.form(f"pilotage_gov_agenda_{sheet.id}"):
        section = inputs.selectbox("Rubrique", list(dict.fromkeys([*sections, *SECTIONS])), accept_new_options=True)
        title = st.text_input("Intitulé du point")
        notes = st.text_area("Présentation (facultative)", height=90)
        hood = _option({None: "Aucun", **hoods}, "Quartier concerné", sheet.neighbourhood_id)
        priority = _option({None: "Aucune", **priorities}, "Priorité concernée")
        decisions = inputs.multiselect("Suites reprises dans ce point", list(taken), format_func=taken.get,
                                       placeholder="Aucune")
        submitted = st.form_submit_button("Ajouter le point", type="primary")
    if submitted:
        ok, _ = data.write(governance.add_agenda_item, state.current_actor(), sheet.id, title=title, section=section,
                           neighbourhood_id=hood, priority_id=priority, notes=notes, decision_ids=decisions)
        if ok:
            feedback.remember(MEETING_PLACE, "Point ajouté à l'ordre du jour.")
            st.rerun()


@st.dialog("Relevé du point")
def record_outcome(item) -> None:
    st.markdown(f"**{int(item.position)}. {escape_markdown(item.title)}**")
    with inputs.form(f"pilotage_gov_outcome_{item.id}_{item.version}"):
        outcome = st.text_area("Ce que l'instance a conclu sur ce point", value=text(item.outcome) or "", height=140)
        submitted = st.form_submit_button("Enregistrer le relevé", type="primary")
    if submitted:
        ok, _ = data.write(governance.record_outcome, state.current_actor(), int(item.id),
                           expected_version=int(item.version), outcome=outcome)
        if ok:
            feedback.remember(outcome_place(item.id), "Relevé du point enregistré.")
            st.rerun()


@st.dialog("Enregistrer une décision", width="large")
def record_decision(sheet: MeetingSheet, agenda: pd.DataFrame, organisations: dict[int, str],
                    hoods: dict[int, str], priorities: dict[int, str], place: str = MEETING_PLACE) -> None:
    items = {int(r.id): f"{int(r.position)}. {r.title}" for r in agenda.itertuples()}
    with inputs.form(f"pilotage_gov_decision_{sheet.id}"):
        kind = st.radio("Type", list(DECISION_KIND_LABELS), format_func=DECISION_KIND_LABELS.get, index=1,
                        horizontal=True)
        decision_text = st.text_area("Décision ou suite à donner", height=100)
        item = _option({None: "Aucun point en particulier", **items}, "Point de l'ordre du jour")
        left, right = st.columns(2)
        with left:
            owner = _option({None: "Non désigné", **organisations}, "Organisation responsable")
        person = right.text_input("Personne ou service responsable (facultatif)", max_chars=200)
        due = inputs.date_input("Échéance (facultative)", value=None, where=left)
        with right:
            status = _option({k: f"{STATES[k][0]} {STATES[k][1]}" for k in DECISION_STATUSES}, "Statut")
        hood = _option({None: "Aucun", **hoods}, "Quartier concerné", sheet.neighbourhood_id)
        priority = _option({None: "Aucune", **priorities}, "Priorité concernée")
        submitted = st.form_submit_button("Enregistrer la décision", type="primary")
    if submitted:
        ok, _ = data.write(governance.record_decision, state.current_actor(), sheet.id, text=decision_text, kind=kind,
                           agenda_item_id=item, owner_organisation_id=owner, owner_person=person, due_on=due,
                           status=status, neighbourhood_id=hood, priority_id=priority)
        if ok:
            feedback.remember(place, "Décision enregistrée.")
            st.rerun()


@st.dialog("Suivi d'une décision")
def decision_status(decision, place: str | None = None) -> None:
    st.markdown(f"**{DECISION_KIND_LABELS.get(decision.kind, decision.kind).capitalize()}** : "
                f"{escape_markdown(decision.text)}")
    with inputs.form(f"pilotage_gov_decision_status_{decision.id}_{decision.version}"):
        labels = {"faite": "✔ faite", "abandonnee": "✖ abandonnée", "ouverte": "○ rouverte (ouverte)"}
        status = st.radio("Nouveau statut", list(labels), format_func=labels.get,
                          index=0 if decision.status == "ouverte" else 2)
        closed = inputs.date_input("Date de clôture", value=day(decision.closed_on) or clock.today(),
                                   format="DD/MM/YYYY")
        submitted = st.form_submit_button("Enregistrer", type="primary")
    if submitted:
        ok, _ = data.write(governance.set_decision_status, state.current_actor(), int(decision.id),
                           expected_version=int(decision.version), status=status, closed_on=closed)
        if ok:
            feedback.remember(place or decision_place(decision.id),
                              {"faite": "Suite close.", "abandonnee": "Suite abandonnée.",
                               "ouverte": "Suite rouverte."}[status])
            st.rerun()
