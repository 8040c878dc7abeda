"""Gouvernance: the meetings calendar, the contract's cadence and the decisions tracker."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components import charts, data, feedback, inputs, layout, links, meeting_forms, state, tables
from components import governance as gov
from pilotage import clock, exporters, followups
from pilotage.formats import MEETING_KIND_LABELS, MEETING_STATUS_LABELS, format_date, plural
from pilotage.queries import contracts as contract_queries
from pilotage.queries import governance as queries
from pilotage.queries.contracts import ContractSummary

UPCOMING = 6
TRACKER_STATES = {None: "Tous", "ouverte": "○ ouvertes", "en_retard": "⚠ en retard", "faite": "✔ faites",
                  "abandonnee": "✖ abandonnées"}


def render() -> None:
    contract = layout.select_contract()
    st.title("Gouvernance")
    if contract is None:
        return
    today = clock.today()
    meetings = data.read(queries.list_meetings, contract_id=contract.id)
    st.caption(f"{contract.name} — instances, cadence fixée par le contrat et suivi des décisions.")
    _toolbar(contract, meetings)
    if meetings["illustrative"].any():
        st.html(f"<div>{layout.illustrative_badge()} <span class='pl-identity'>"
                f"{int(meetings['illustrative'].sum())} des {len(meetings)} instances sont illustratives : aucun "
                "document source n'en rend compte (dates, présences et décisions inventées pour montrer le suivi)."
                "</span></div>")
    calendar, rhythm, tracker = st.tabs(["Calendrier", "Cadence", "Suivi des décisions"])
    with calendar:
        _upcoming(meetings, today, may_plan=bool(_scopes(contract)))
        _timeline(contract, meetings, today)
    with rhythm:
        _cadence(contract, today)
    with tracker:
        _tracker(contract, today)


def _scopes(contract: ContractSummary) -> dict[tuple, str]:
    """The bodies a meeting may concern, limited to those the signed-in user may edit."""
    actor = state.current_actor()
    hoods = data.read(contract_queries.list_neighbourhoods, contract_id=contract.id)
    programmes = data.read(queries.list_programmes, contract_id=contract.id)
    scopes = {(None, None): gov.CONTRACT_SCOPE}
    scopes |= {(int(r.id), None): f"Quartier : {r.name}" for r in hoods.itertuples()}
    scopes |= {(gov.ident(r.neighbourhood_id), int(r.id)): f"Programme : {r.name}"
               for r in programmes.itertuples() if r.kind != "projet_quartier"}
    return {key: label for key, label in scopes.items() if gov.may_edit(actor, key[0])}


def _toolbar(contract: ContractSummary, meetings: pd.DataFrame) -> None:
    left, right, _ = st.columns([1, 1, 1.4])
    scopes = _scopes(contract)
    if scopes and left.button("Nouvelle instance", icon=":material/add:", type="primary", width="stretch"):
        meeting_forms.create_meeting(contract.id, scopes)
    right.download_button(
        "Calendrier (.ics)", icon=":material/calendar_month:", mime="text/calendar", width="stretch",
        file_name=f"instances-{contract.slug}.ics",
        data=lambda: exporters.meetings_ics(meetings, contract_slug=contract.slug, contract_name=contract.name),
        help="Une entrée par instance, à importer dans Outlook ou Thunderbird ; un nouvel export met à jour les "
             "entrées déjà importées.")


def _upcoming(meetings: pd.DataFrame, today: dt.date, may_plan: bool) -> None:
    st.subheader("Prochaines instances")
    ahead = meetings[(meetings["date"] >= today) & (meetings["status"] == "prevue")].head(UPCOMING)
    if ahead.empty:
        hint = " Utilisez « Nouvelle instance » ou l'onglet Cadence." if may_plan else ""
        st.info("Aucune instance n'est programmée." + hint)
        return
    with st.container(border=True):
        for row in ahead.itertuples():
            when, what, link = st.columns([1.6, 4, 0.8], vertical_alignment="center")
            when.markdown(f"**{gov.when(row.date, row.start_time)}**")
            scope = gov.scope_of(row.programme, row.neighbourhood)
            detail = gov.kind_label(row.kind) + ("" if scope in row.title else f" · {scope}")
            flag = " · ⚠ illustratif" if row.illustrative else ""
            what.markdown(f"{layout.escape_markdown(row.title)}  \n"
                          f"<small>{layout.escape_markdown(detail)} · {gov.meeting_status(row.status)}{flag}</small>",
                          unsafe_allow_html=True)
            with link:
                links.page_link("instance", "Ouvrir", ":material/open_in_new:", id=str(row.id))


def _timeline(contract: ContractSummary, meetings: pd.DataFrame, today: dt.date) -> None:
    st.subheader("Calendrier des instances")
    if meetings.empty:
        st.info("Aucune instance n'est enregistrée pour ce contrat.")
        return
    first, last = int(meetings["date"].min().year), int(meetings["date"].max().year)
    low, high = min(first, contract.start_year), max(last, contract.end_year)
    present = [k for k in MEETING_KIND_LABELS if k in set(meetings["kind"])]
    years = st.slider("Années", min_value=low, max_value=high, value=(max(low, contract.start_year), high),
                      key=state.PREFIX + "gov_years")
    kinds = st.pills("Instances", present, format_func=gov.kind_label, selection_mode="multi", default=present,
                        key=state.PREFIX + "gov_kinds")
    shown = meetings[meetings["date"].map(lambda d: years[0] <= d.year <= years[1]) & meetings["kind"].isin(kinds)]
    if shown.empty:
        st.info("Aucune instance pour ces années et ces types.")
        return
    chart_frame = shown.assign(
        instance=shown["kind"].map(gov.kind_label), statut=shown["status"].map(MEETING_STATUS_LABELS),
        concerne=[gov.scope_of(p, n) for p, n in zip(shown["programme"], shown["neighbourhood"], strict=True)])
    order = [gov.kind_label(k) for k in present]
    st.altair_chart(charts.meetings_timeline(chart_frame, order, MEETING_STATUS_LABELS, today, years),
                    width="stretch")
    st.caption("Rond : tenue · losange : prévue · triangle : reportée · croix : annulée. Trait rouge : aujourd'hui.")
    _meeting_list(shown)


def _meeting_list(shown: pd.DataFrame) -> None:
    """The meetings of the chosen years and kinds, newest first, searchable, each with a link to its sheet."""
    st.markdown(f"**Instances affichées ({len(shown)})** — chaque ligne ouvre sa fiche.")
    wanted = st.text_input("Rechercher une instance", key=state.PREFIX + "gov_search",
                           placeholder="Intitulé, quartier, programme…", label_visibility="collapsed")
    found = shown.iloc[::-1]
    if wanted.strip():
        table = gov.meetings_table(found)
        hit = (table["Intitulé"] + " " + table["Concerne"]).str.contains(wanted.strip(), case=False, regex=False)
        found = found[hit.to_numpy()]
    if found.empty:
        st.info("Aucune instance ne correspond à cette recherche.")
        return
    table = gov.meetings_table(found)
    table.insert(0, "Fiche", [f"instance?id={int(i)}" for i in found["id"]])  # first: seen without scrolling
    tables.dataframe(table, hide_index=True, width="stretch", height=gov.table_height(len(table), 420),
                 column_config={"Fiche": st.column_config.LinkColumn("Fiche", display_text="Ouvrir la fiche",
                                                                     width=120),
                                "Intitulé": st.column_config.TextColumn(width="medium")})


def _cadence(contract: ContractSummary, today: dt.date) -> None:
    rhythm = data.read(queries.get_cadence, contract_id=contract.id, today=today)
    if not rhythm.grids:
        st.info("Ce contrat ne fixe aucune fréquence de réunion.")
        return
    st.caption("Comptent les instances tenues et prévues ; une instance annulée ne compte pas ; une instance "
               "reportée compte à sa nouvelle date, par l'instance créée lors du report. Légende : " + gov.legend())
    whole = st.toggle("Toute la période du contrat", key=state.PREFIX + "gov_whole_period",
                      help=f"Sinon, les années jusqu'à {today.year + 1}.")
    years = tuple(y for y in rhythm.years if whole or y <= today.year + 1) or rhythm.years
    for grid in sorted(rhythm.grids, key=lambda g: g.scope != "neighbourhood"):
        st.subheader(gov.rule_title(grid))
        gov.render_grid(grid, rhythm.years, years)
        if grid.quote:
            st.caption(f"« {grid.quote} »" + (f" — {grid.note}" if grid.note else ""))
        layout.source_line(grid.source)
        if grid.meeting_kind == "revue_projet" and grid.scope == "neighbourhood":
            _planner(contract, rhythm)
    if rhythm.postponed:
        st.subheader("Instances reportées sans nouvelle date")
        st.markdown("\n".join(f"- {layout.escape_markdown(line)}" for line in gov.postponed_lines(rhythm)))


def _planner(contract: ContractSummary, rhythm: queries.Cadence) -> None:
    st.markdown("**Revues à programmer** — une par semestre et par quartier, le deuxième mardi d'avril et "
                "d'octobre (ou le prochain deuxième mardi possible).")
    if not rhythm.proposals:
        if clock.today() > dt.date(contract.end_year, 6, 30):  # the last half-year of the contract has begun
            st.info(f"Le contrat s'achève en {contract.end_year} : il ne reste aucun semestre où programmer une "
                    "revue.", icon=":material/event_busy:")
        else:
            st.success("Toutes les revues des semestres à venir sont programmées.", icon=":material/check_circle:")
        return
    by_date: dict[dt.date, list[str]] = {}
    for _, name, date in rhythm.proposals:
        by_date.setdefault(date, []).append(name)
    st.markdown("\n".join(f"- ◷ **{format_date(date)}** : {layout.escape_markdown(', '.join(names))}"
                           for date, names in by_date.items()))
    scopes = _scopes(contract)
    allowed = [p for p in rhythm.proposals if (p[0], None) in scopes]
    if not allowed:
        return
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    index = inputs.selectbox("Revue à programmer", range(len(allowed)), key=state.PREFIX + "gov_plan",
                             format_func=lambda i: f"{allowed[i][1]} — {format_date(allowed[i][2])}", where=left)
    if right.button("Programmer", icon=":material/event_available:", width="stretch"):
        hood_id, _, date = allowed[index]
        meeting_forms.create_meeting(contract.id, scopes, kind="revue_projet", scope=(hood_id, None), date=date)


def _tracker(contract: ContractSummary, today: dt.date) -> None:
    everything = data.read(queries.list_decisions, contract_id=contract.id, today=today)
    counts = everything["state"].value_counts()
    cols = st.columns(4)
    for col, key in zip(cols, followups.STATES, strict=True):
        col.metric(followups.state_label(key), plural(int(counts.get(key, 0)), "décision"))
    chosen_state, owner, hood, kind = _tracker_filters(contract, everything)
    decisions = data.read(queries.list_decisions, contract_id=contract.id, today=today, state=chosen_state,
                          owner_organisation_id=owner, neighbourhood_id=hood, meeting_kind=kind)
    st.caption(f"{plural(len(decisions), 'décision')} ; les suites en retard sont celles dont l'échéance est passée "
               "et qui restent ouvertes. Choisissez le numéro d'une décision, sous le tableau, pour ouvrir son "
               "instance ou clore la suite.")
    if decisions.empty:
        st.info("Aucune décision pour ces filtres.")
        return
    tables.wrapped_table(gov.numbered(gov.decisions_table(decisions)), wide=("Décision",),
                         short=("N°", "Échéance"), label="Suivi des décisions")
    labels = {i: gov.decision_choice(i, row) for i, row in enumerate(decisions.itertuples(), start=1)}
    chosen = inputs.selectbox("Décision à ouvrir ou à clore", list(labels), index=None, format_func=labels.get,
                              placeholder="Choisir le numéro d'une décision du tableau",
                              key=state.PREFIX + "gov_tracker")
    if chosen is not None:
        _selected_decision(next(decisions.iloc[[chosen - 1]].itertuples()))


def _tracker_filters(contract: ContractSummary, everything: pd.DataFrame):
    cols = st.columns(4)
    chosen_state = inputs.selectbox("État", list(TRACKER_STATES), format_func=TRACKER_STATES.get,
                                    key=state.PREFIX + "gov_state", where=cols[0])
    owners = everything.dropna(subset=["owner_organisation_id"]).drop_duplicates("owner_organisation_id")
    owner_names = {int(r.owner_organisation_id): r.owner for r in owners.sort_values("owner").itertuples()}
    owner = inputs.selectbox("Responsable", [None, *owner_names], format_func=lambda i: owner_names.get(i, "Tous"),
                             key=state.PREFIX + "gov_owner", where=cols[1])
    hoods = data.read(contract_queries.list_neighbourhoods, contract_id=contract.id)
    hood_names = {int(r.id): r.name for r in hoods.itertuples()}
    hood = inputs.selectbox("Quartier", [None, *hood_names], format_func=lambda i: hood_names.get(i, "Tous"),
                            key=state.PREFIX + "gov_hood", where=cols[2])
    kinds = [k for k in MEETING_KIND_LABELS if k in set(everything["meeting_kind"])]
    kind = inputs.selectbox("Instance", [None, *kinds], format_func=lambda k: gov.kind_label(k) if k else "Toutes",
                            key=state.PREFIX + "gov_kind", where=cols[3])
    return chosen_state, owner, hood, kind


def _selected_decision(row) -> None:
    with st.container(border=True):
        st.markdown(f"{followups.state_label(row.state)} — {layout.escape_markdown(row.text)}")
        left, right = st.columns(2)
        with left:
            links.page_link("instance", f"Ouvrir : {gov.kind_label(row.meeting_kind)} du "
                            f"{format_date(row.meeting_date)}", ":material/open_in_new:", id=str(row.meeting_id))
        actor = state.current_actor()
        editable = gov.may_edit(actor, row.meeting_neighbourhood_id) or (
            gov.ident(row.neighbourhood_id) is not None and gov.may_edit(actor, row.neighbourhood_id))
        if editable and right.button("Clore ou changer le statut", icon=":material/task_alt:",
                                     key=f"{state.PREFIX}gov_status_{row.id}"):
            feedback.forget(meeting_forms.decision_place(row.id))
            meeting_forms.decision_status(row)
        feedback.show(meeting_forms.decision_place(row.id))


if __name__ == "__main__":
    from components.legacy import hand_over_to_router

    hand_over_to_router()
