"""Progress of priorities: météo, progress, last point and history, the "Nouveau point" dialog, the bulk form."""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import streamlit as st

from components import data, feedback, inputs, layout, state
from components.programmes import former_texts_html
from pilotage import clock
from pilotage.formats import format_date, format_percent, plural
from pilotage.permissions import EDIT, Actor, can
from pilotage.progress import (
    COMMENT_FIELDS,
    COMMENT_LABELS,
    FEMININE_NOUNS,
    STALE_ICON,
    WEATHER_HINTS,
    WEATHER_ICONS,
    WEATHERS,
    ItemState,
    PointInput,
    bulk_points,
    roll_up,
    stale_words,
    unit_noun,
    weather_from_label,
    weather_text,
)
from pilotage.queries import progress as progress_queries
from pilotage.services import progress as progress_services

MEETING_KINDS = {"copil": "COPIL", "comite_technique": "Comité technique", "revue_projet": "Revue de projet",
                 "equipe_projet": "Équipe projet", "conseil_citoyen": "Conseil citoyen",
                 "concertation": "Concertation", "signature": "Signature"}


def point_place(priority_id: int) -> str:
    """Where the confirmation of a priority's new point is drawn: in that priority's block."""
    return f"point_{int(priority_id)}"


def bulk_place(neighbourhood_id: int) -> str:
    return f"bulk_points_{int(neighbourhood_id)}"


def weather_badge(weather: str | None) -> str:
    """The météo as an HTML badge: icon and label, the colour only repeating them."""
    known = isinstance(weather, str) and weather in WEATHERS
    return layout.badge(weather_text(weather if known else None), f"w-{weather}" if known else "w-none")


def stale_badge(months: int | None = None) -> str:
    """'⚑ Sans nouvelles depuis plus de 6 mois' (the last point's date is said beside it)."""
    return layout.badge(f"{STALE_ICON} {stale_words(months).capitalize()}", "stale")


def _agreed(word: str, noun: str, count: int) -> str:
    """'évaluée', 'évalués'...: a past participle agreeing with the commitments' noun and their number."""
    return word + ("e" if noun in FEMININE_NOUNS else "") + ("s" if count > 1 else "")


def neighbourhood_state_html(hood) -> str:
    """A neighbourhood's overall state for its tile: météo badge, the counts behind it, a silent last revue."""
    if hood is None or not hood.total:
        return ""
    noun = hood.noun if isinstance(hood.noun, str) else "priorité"
    assessed = f"{hood.assessed} {_agreed('évalué', noun, hood.assessed)} sur {hood.total}"
    months = hood.stale_months if pd.notna(hood.stale_months) else None
    all_stale = hood.assessed and hood.stale >= hood.total > 1
    if all_stale:  # the météo is only that of old points
        every = "toutes" if noun in FEMININE_NOUNS else "tous"
        assessed = f"au dernier point ; {every} {STALE_ICON} {stale_words(months)}"
    flags = []
    if hood.counts.get("compromis"):
        count = hood.counts["compromis"]
        word = _agreed("compromis", noun, count) if noun in FEMININE_NOUNS else "compromis"
        flags.append(f"{WEATHER_ICONS['compromis']} {count} {word}")
    if hood.stale and not all_stale:
        flags.append(f"{STALE_ICON} {hood.stale} {stale_words(months)}")
    flags_html = "".join(f"<span>{html.escape(f)}</span><br>" for f in flags)
    revue = (f"<div>{layout.badge(f'{STALE_ICON} Revue du {format_date(hood.last_revue_on)} sans point', 'stale')}"
             "</div>" if hood.revue_without_points else "")
    weather = hood.weather if isinstance(hood.weather, str) else None
    flag = layout.illustrative_badge() if hood.illustrative else ""
    return (f"<div style='margin-top:0.3rem'>{weather_badge(weather)}{flag}</div><div class='pl-identity'>"
            f"{html.escape(assessed)}</div><div class='pl-identity'>{flags_html}</div>{revue}")


def render_neighbourhood_state(neighbourhood_id: int) -> None:
    """The neighbourhood's overall state (all its programmes) with the counts behind it."""
    hood = data.read(progress_queries.get_neighbourhood, neighbourhood_id=neighbourhood_id)
    if hood is None:
        return
    states = data.read(progress_queries.list_neighbourhood_states, contract_id=hood.contract_id,
                       today=clock.today())
    mine = states[states["neighbourhood_id"] == neighbourhood_id]
    if mine.empty or not mine.iloc[0].total:
        return
    row = mine.iloc[0]
    flag = layout.illustrative_badge() if row.illustrative else ""
    st.html(f"<div class='pl-identity'>{flag}<strong>État du quartier</strong> ({html.escape(row.composition)}) : "
            f"{html.escape(row.summary)}</div>")
    if row.revue_without_points:
        st.warning(f"{STALE_ICON} La dernière revue de projet ({format_date(row.last_revue_on)}) n'a produit aucun "
                   "point d'avancement.", icon=":material/warning:")


def item_states(states: pd.DataFrame) -> list[ItemState]:
    """What the roll-up rule needs of each row of a priority-state frame."""
    return [ItemState(r.weather if isinstance(r.weather, str) else None, r.progress, bool(r.stale))
            for r in states.itertuples()]


def number_of(row) -> str:
    return row.number if isinstance(row.number, str) and row.number else str(int(row.position) + 1)


def render_programme_progress(programme_id: int, actor: Actor | None, open_first: bool = True) -> None:
    """A programme's priorities under their headings, one expander each (the first open when `open_first`, and
    the one just written to): météo, progress, last point, staleness, history."""
    programme = data.read(progress_queries.get_programme, programme_id=programme_id)
    if programme is None:
        st.warning("Ce programme n'existe plus.")
        return
    today = clock.today()
    states = data.read(progress_queries.list_priority_states, contract_id=programme.contract_id, today=today,
                       programme_id=programme_id)
    if states.empty:
        st.info("Ce programme ne compte encore aucune priorité.")
        return
    points = data.read(progress_queries.list_points, contract_id=programme.contract_id, programme_id=programme_id)
    editable = can(actor, EDIT, programme.neighbourhood_id)
    rolled = roll_up(item_states(states))
    flag = layout.illustrative_badge() if states["point_illustrative"].any() else ""
    st.html(f"<div class='pl-identity'>{flag}<strong>État du programme</strong> : "
            f"{html.escape(rolled.summary(unit_noun(programme.kind), stale_months=_months(states)))}</div>")
    noun = unit_noun(programme.kind)
    for index, (_, rows) in enumerate(states.groupby("heading_position", sort=True)):
        heading = rows["heading"].iloc[0]
        if not (isinstance(heading, str) and heading):
            _priorities(rows, points, editable, programme)
            continue
        written = any(feedback.pending(point_place(pid)) for pid in rows["priority_id"])
        with st.expander(heading_label(heading, rows, noun), expanded=(open_first and index == 0) or written):
            _priorities(rows, points, editable, programme)


def heading_label(heading: str, rows: pd.DataFrame, noun: str) -> str:
    """An expander's label: the heading, then its count and météo ('… — ☁ Atteignable — 3 priorités …')."""
    summary = roll_up(item_states(rows)).summary(noun, stale_months=_months(rows))
    return f"**{layout.escape_markdown(heading)}** — {summary}"


def _priorities(rows: pd.DataFrame, points: pd.DataFrame, editable: bool, programme) -> None:
    for row in rows.itertuples():
        _priority(row, points[points["priority_id"] == row.priority_id], editable, programme)


def _priority(row, history: pd.DataFrame, editable: bool, programme) -> None:
    with st.container(border=True):
        feedback.show(point_place(row.priority_id))  # atop the block: its button, just clicked, is right below
        text_col, state_col = st.columns([3, 2], vertical_alignment="center")
        links = "".join(f"<div class='pl-source'>Socle commun : {html.escape(link)}</div>" for link in row.framework)
        text_col.html(f"<div class='pl-priority'><span class='pl-number'>{html.escape(number_of(row))}</span> "
                      f"{html.escape(row.text)}{links}{former_texts_html(row.revisions)}</div>")
        with state_col:
            _state(row)
            # the callback runs before the page is drawn again: the last confirmation goes at once
            if editable and st.button("Nouveau point", key=f"pilotage_new_point_{row.priority_id}",
                                      icon=":material/add:", help="Enregistrer un point d'avancement",
                                      on_click=feedback.forget, args=(point_place(row.priority_id),)):
                new_point_dialog(row, programme)
        with st.expander(f"Détail et historique ({plural(len(history), 'point')})"):
            _timeline(history)


def _months(rows: pd.DataFrame) -> int | None:
    """The contract's staleness threshold carried by priority-state rows (None: not followed)."""
    known = rows["stale_months"].dropna() if "stale_months" in rows else pd.Series(dtype=object)
    return int(known.iloc[0]) if not known.empty else None


def _state(row) -> None:
    months = int(row.stale_months) if pd.notna(row.stale_months) else None
    last = row.recorded_on if isinstance(row.recorded_on, dt.date) else None
    badges = weather_badge(row.weather) + (stale_badge(months) if row.stale and last else "")
    when = f"Point du {format_date(last)}" if last else "Pas encore de point d'avancement"
    flag = layout.illustrative_badge() if row.point_illustrative else ""
    st.html(f"<div>{badges}</div><div class='pl-source'>{html.escape(when)} {flag}</div>")
    if row.progress is not None:
        st.progress(int(row.progress) / 100, text=f"Avancement : {format_percent(row.progress, 0)}")
    else:
        st.caption("Avancement non renseigné")


def _timeline(history: pd.DataFrame) -> None:
    if history.empty:
        st.caption("Aucun point d'avancement n'a encore été enregistré.")
        return
    for point in history.iloc[::-1].itertuples():
        head = [f"<strong>{format_date(point.recorded_on)}</strong>", weather_badge(point.weather)]
        if point.progress is not None:
            head.append(html.escape(format_percent(point.progress, 0)))
        if isinstance(point.meeting_title, str):
            head.append(html.escape(point.meeting_title))
        if isinstance(point.author, str):
            head.append("par " + html.escape(point.author))
        if point.point_illustrative:
            head.append(layout.illustrative_badge())
        body = "".join(f"<div class='pl-identity'><em>{COMMENT_LABELS[name]}</em> : {html.escape(getattr(point, name))}"
                       "</div>" for name in COMMENT_FIELDS if isinstance(getattr(point, name), str))
        note = (f"<div class='pl-source'>{html.escape(point.point_note)}</div>"
                if point.point_illustrative and isinstance(point.point_note, str) else "")
        st.html(f"<div style='border-left:3px solid #9ca3af;padding-left:0.6rem;margin-bottom:0.5rem'>"
                f"<div>{' · '.join(head)}</div>{body}{note}</div>")


def _meetings(contract_id: int, neighbourhood_id: int | None, programme_id: int | None) -> pd.DataFrame:
    return data.read(progress_queries.list_point_meetings, contract_id=contract_id, neighbourhood_id=neighbourhood_id,
                     programme_id=programme_id, today=clock.today())


def _meeting_options(meetings: pd.DataFrame) -> dict:
    options = {None: "Aucune instance (point hors réunion)"}
    for m in meetings.itertuples():
        options[int(m.id)] = f"{format_date(m.date)} — {m.title}"
    return options


@st.dialog("Nouveau point d'avancement", width="large")
def new_point_dialog(row, programme, meeting_id: int | None = None, recorded_on: dt.date | None = None,
                     place: str | None = None) -> None:
    """Record a point d'avancement of one priority (`row`: a row of list_priority_states); `meeting_id`: the
    meeting offered first (the séance in progress), `recorded_on` the date offered (today by default), `place`
    where the confirmation is drawn (the priority's block by default)."""
    actor = state.current_actor()
    today = clock.today()
    st.markdown(f"**{layout.escape_markdown(number_of(row))}** {layout.escape_markdown(row.text)}")
    meetings = _meeting_options(_meetings(programme.contract_id, programme.neighbourhood_id, programme.id))
    last_weather = WEATHERS.index(row.weather) if isinstance(row.weather, str) else None
    with inputs.form(f"pilotage_point_form_{row.priority_id}", border=False):
        weather = st.radio("Météo", WEATHERS, index=last_weather, format_func=weather_text, horizontal=True,
                           help=" ; ".join(f"{weather_text(w)} : {WEATHER_HINTS[w]}" for w in WEATHERS))
        left, right = st.columns(2)
        recorded_on = inputs.date_input("Date du point", value=min(recorded_on or today, today), max_value=today,
                                        where=left)
        progress = right.number_input("Avancement (%)", min_value=0, max_value=100, step=1, value=row.progress,
                                      placeholder="non renseigné")
        comments = {name: st.text_area(COMMENT_LABELS[name], value=getattr(row, name) or "", height=80)
                    for name in COMMENT_FIELDS}
        author = st.text_input("Personne qui fait le point", value=actor.display_name if actor else "")
        meeting_id = inputs.selectbox("Relevé lors de l'instance", list(meetings), format_func=meetings.get,
                                      index=list(meetings).index(meeting_id) if meeting_id in meetings else 0)
        submitted = st.form_submit_button("Enregistrer le point", type="primary")
    if submitted:
        point = PointInput(priority_id=int(row.priority_id), recorded_on=recorded_on, weather=weather or "",
                           progress=None if progress is None else int(progress), author=author,
                           meeting_id=meeting_id, **comments)
        ok, _ = data.write(progress_services.record_point, actor, point, today=today,
                           expected_latest={point.priority_id: row.point_id})
        if ok:
            feedback.remember(place or point_place(row.priority_id),
                              f"Point d'avancement enregistré ({weather_text(weather)}, {format_date(recorded_on)}).")
            st.rerun()


def render_bulk_update(neighbourhood_id: int, actor: Actor | None) -> None:
    """One form for all of a neighbourhood's priorities after its revue de projet (shown to those who may edit)."""
    if not can(actor, EDIT, neighbourhood_id):
        return
    hood = data.read(progress_queries.get_neighbourhood, neighbourhood_id=neighbourhood_id)
    if hood is None:
        return
    today = clock.today()
    states = data.read(progress_queries.list_priority_states, contract_id=hood.contract_id, today=today,
                       neighbourhood_id=neighbourhood_id)
    if states.empty:
        return
    with st.expander(f"Saisie groupée après une revue de projet — {hood.name}", icon=":material/edit_note:"):
        st.caption("Une ligne par priorité, pré-remplie avec son dernier point. Modifiez ce qui a changé, ou cochez "
                   "« Inchangé » pour reconduire un point tel quel à la nouvelle date. Seules ces lignes sont "
                   "enregistrées, toutes ensemble ou aucune.")
        _bulk_form(hood, states, actor, today)


def _editor_frame(states: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame({
        "N°": [number_of(r) for r in states.itertuples()],
        "Priorité": states["text"],
        "Météo": [weather_text(w) if isinstance(w, str) else None for w in states["weather"]],
        "Avancement (%)": pd.array(states["progress"].tolist(), dtype="Int64"),
        "Inchangé": False,
        "Dernier point": [format_date(d) if isinstance(d, dt.date) else "—" for d in states["recorded_on"]],
        **{COMMENT_LABELS[name]: states[name].tolist() for name in COMMENT_FIELDS},
        "Programme": states["programme_name"],
    })
    frame.index = states["priority_id"].astype(int).tolist()
    return frame


# Rows taller than 4rem let the grid wrap its texts: a priority reads on up to four lines instead of being cut.
EDITOR_ROW_HEIGHT = 96
EDITOR_COLUMNS = {
    "N°": st.column_config.TextColumn(width="small"),
    "Priorité": st.column_config.TextColumn(width="large"),
    "Météo": st.column_config.SelectboxColumn(options=[weather_text(w) for w in WEATHERS], width="medium"),
    "Avancement (%)": st.column_config.NumberColumn(min_value=0, max_value=100, step=1, format="%d", width=120),
    "Inchangé": st.column_config.CheckboxColumn(help="Reconduire le dernier point tel quel à la nouvelle date",
                                                width=90),
    **{COMMENT_LABELS[name]: st.column_config.TextColumn(width="medium") for name in COMMENT_FIELDS},
}


def _bulk_form(hood, states: pd.DataFrame, actor: Actor, today: dt.date) -> None:
    meetings = _meetings(hood.contract_id, hood.id, None)
    options = _meeting_options(meetings)
    revues = meetings[meetings["kind"] == "revue_projet"]
    default = int(revues["id"].iloc[0]) if not revues.empty else None
    left, right = st.columns(2)
    meeting_id = inputs.selectbox("Instance", list(options), index=list(options).index(default),
                                  format_func=options.get, key=f"pilotage_bulk_meeting_{hood.id}", where=left)
    chosen = meetings[meetings["id"] == meeting_id]
    recorded_on = inputs.date_input("Date des points", value=chosen["date"].iloc[0] if not chosen.empty else today,
                                    max_value=today,
                                    key=f"pilotage_bulk_date_{hood.id}_{meeting_id}", where=right)
    version = state.get(f"bulk_version_{hood.id}", 0)
    with inputs.form(f"pilotage_bulk_{hood.id}_{version}"):
        edited = st.data_editor(_editor_frame(states), hide_index=True, use_container_width=True, num_rows="fixed",
                                placeholder="—", row_height=EDITOR_ROW_HEIGHT,
                                disabled=["Programme", "N°", "Priorité", "Dernier point"], column_config=EDITOR_COLUMNS,
                                key=f"pilotage_bulk_editor_{hood.id}_{version}")
        author = st.text_input("Personne qui fait le point", value=actor.display_name)
        submitted = st.form_submit_button("Enregistrer les points", type="primary")
    if submitted:
        feedback.forget(bulk_place(hood.id))
    feedback.show(bulk_place(hood.id))
    if submitted:
        _save_bulk(hood, states, edited, meeting_id, recorded_on, author, today)


def _save_bulk(hood, states, edited: pd.DataFrame, meeting_id, recorded_on, author: str, today: dt.date) -> None:
    rows = []
    for last in states.itertuples():
        previous = None if last.point_id is None else {
            "weather": last.weather, "progress": last.progress, **{n: getattr(last, n) for n in COMMENT_FIELDS}}
        values = edited.loc[int(last.priority_id)]
        rows.append({"priority_id": int(last.priority_id), "weather": weather_from_label(values["Météo"]),
                     "progress": None if pd.isna(values["Avancement (%)"]) else int(values["Avancement (%)"]),
                     **{n: values[COMMENT_LABELS[n]] for n in COMMENT_FIELDS},
                     "confirm": bool(values["Inchangé"]), "last": previous})
    points = bulk_points(rows, recorded_on=recorded_on, author=author, meeting_id=meeting_id)
    if not points:
        st.info("Aucun changement : rien n'a été enregistré.")
        return
    expected = {int(r.priority_id): r.point_id for r in states.itertuples()}
    ok, ids = data.write(progress_services.record_points, state.current_actor(), points, today=today,
                         expected_latest=expected)
    if ok:
        feedback.remember(bulk_place(hood.id), f"{plural(len(ids), 'point')} d'avancement enregistré"
                          f"{'s' if len(ids) > 1 else ''} pour {hood.name} ({format_date(recorded_on)}).")
        state.put(f"bulk_version_{hood.id}", state.get(f"bulk_version_{hood.id}", 0) + 1)
        st.rerun()
