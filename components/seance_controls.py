"""Mode séance controls: moving along (buttons, keyboard, URL), the step list, live capture and the running order.

Keyboard: → and ← (or a presenter's remote, which sends Page suivante / Page précédente) move to the next or the
previous screen; the position is in the URL (?id=…&etape=…&ecran=…), so the browser's back button and a reload
keep it. Live capture opens the same dialogs as the meeting sheet and the Quartier page (same services, rights and
audit); read-only users get none of these controls.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from components import data, feedback, governance, links, meeting_forms, progress_views, state
from pilotage import clock, exporters, seance_pack, seance_pptx
from pilotage.permissions import Actor
from pilotage.queries import governance as governance_queries
from pilotage.queries import progress as progress_queries
from pilotage.queries.seance import Seance
from pilotage.seance import STEP_TITLES, Position, clamp, move_step, next_position, previous_position, toggle_step
from pilotage.seance_slides import Slide
from pilotage.services import seance as seance_services

BAR = state.PREFIX + "seance_bar"
TWINS = state.PREFIX + "seance_twins"
STEPS = state.PREFIX + "seance_steps"
POINTS = state.PREFIX + "seance_points"
FOLLOW_UPS = state.PREFIX + "seance_follow_ups"
PLACE = "seance_bar"  # every capture of a séance is confirmed in its control bar, the one place always in view


def _number(name: str) -> int:
    value = st.query_params.get(name, "")
    return int(value) if value.isdigit() else 1


def position_from_url(screens: list[int]) -> Position:
    """The position the URL asks for (étape and écran count from 1), kept inside the séance."""
    return clamp(Position(_number("etape") - 1, _number("ecran") - 1), screens)


def go_to(position: Position) -> None:
    """Put the position in the URL: the browser keeps it in its history (back and forward work)."""
    st.query_params["etape"] = str(position.step + 1)
    st.query_params["ecran"] = str(position.screen + 1)


def _close(popover: str) -> None:
    """Close a popover (in a callback, before the rerun draws it again)."""
    st.session_state[popover] = False


def _jump(position: Position) -> None:
    go_to(position)
    _close(STEPS)


def control_bar(seance: Seance, position: Position, screens: list[int], slide: Slide, actor: Actor | None,
                where: str) -> None:
    """The bar fixed at the bottom of the screen."""
    editable = governance.may_edit(actor, seance.meeting.neighbourhood_id)
    with st.container(horizontal=True, key=BAR, gap="small", vertical_alignment="center"):
        before, after = previous_position(position, screens), next_position(position, screens)
        st.button("Précédent", icon=":material/arrow_back:", shortcut="Left", disabled=before == position,
                  on_click=go_to, args=(before,), key=state.PREFIX + "seance_previous")
        st.button("Suivant", icon=":material/arrow_forward:", shortcut="Right", type="primary",
                  disabled=after == position, on_click=go_to, args=(after,), key=state.PREFIX + "seance_next")
        _step_list(seance, position, editable)
        st.markdown(f"**{where}**")
        if editable:
            _capture(seance, slide)
            feedback.show_inline(PLACE)
        else:
            st.caption("Lecture seule")
        _pack(seance)
        links.page_link("instance", "Quitter", ":material/close:", id=str(seance.meeting.id))
    with st.container(key=TWINS):  # hidden twins: a presenter's remote sends Page Down / Page Up
        st.button("Écran suivant", shortcut="PageDown", on_click=go_to, args=(after,),
                  key=state.PREFIX + "seance_next_twin")
        st.button("Écran précédent", shortcut="PageUp", on_click=go_to, args=(before,),
                  key=state.PREFIX + "seance_previous_twin")


def _step_list(seance: Seance, position: Position, editable: bool) -> None:
    with st.popover("Étapes", icon=":material/list:", key=STEPS, on_change="rerun"):
        for index, step in enumerate(seance.shown()):
            count = len(step.slides)
            label = f"{index + 1}. {step.title}" + (f" ({count} écrans)" if count > 1 else "")
            st.button(label, key=f"{state.PREFIX}seance_step_{step.code}", width="stretch",
                      type="primary" if index == position.step else "secondary",
                      on_click=_jump, args=(Position(index, 0),))
        hidden = [STEP_TITLES[e.step] for e in seance.order if not e.visible]
        if hidden:
            st.caption("Masquées pour cette séance : " + ", ".join(hidden))
        if editable and st.button("Modifier le déroulé", icon=":material/reorder:", on_click=_close, args=(STEPS,),
                                  key=state.PREFIX + "seance_order_open"):
            order_dialog(seance)


def _pack(seance: Seance) -> None:
    with st.popover("Dossier", icon=":material/download:"):
        problem = exporters.pdf_font_problem()
        stem = f"seance-{seance.meeting.date.isoformat()}-instance-{seance.meeting.id}"
        if problem:
            st.warning(problem, icon=":material/warning:")
        else:
            st.download_button("Diaporama PDF", icon=":material/picture_as_pdf:", mime="application/pdf",
                               file_name=f"{stem}.pdf", data=lambda: seance_pack.seance_pdf(seance))
        st.download_button("Diaporama PowerPoint (PPTX)", icon=":material/slideshow:", file_name=f"{stem}.pptx",
                           mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                           data=lambda: seance_pptx.seance_pptx(seance))
        if not problem:
            record = data.read(governance_queries.get_meeting_record, meeting_id=seance.meeting.id,
                               today=clock.today())
            st.download_button("Relevé de décisions (PDF)", icon=":material/gavel:", mime="application/pdf",
                               file_name=f"releve-{seance.meeting.date.isoformat()}-instance-{seance.meeting.id}.pdf",
                               data=lambda: exporters.decisions_pdf(record, today=clock.today()))


# Live capture ------------------------------------------------------------------------------------------------


def _capture(seance: Seance, slide: Slide) -> None:
    sheet = seance.meeting
    if st.button("Décision", icon=":material/gavel:", key=state.PREFIX + "seance_decision",
                 help="Enregistrer une décision ou une suite à donner de cette séance"):
        feedback.forget(PLACE)
        record = data.read(governance_queries.get_meeting_record, meeting_id=sheet.id, today=clock.today())
        hoods, priorities, organisations = meeting_forms.form_options(sheet)
        names = {int(r.id): r.name for r in organisations.itertuples()}
        meeting_forms.record_decision(sheet, record.agenda, names, hoods, priorities, place=PLACE)
    keys = [item.key for item in slide.items if item.key is not None]
    if slide.kind == "priority" and keys:
        _point_menu(seance, keys)
    if slide.kind == "decision" and keys:
        _follow_up_menu(seance, keys)


def _point_menu(seance: Seance, priority_ids: list[int]) -> None:
    sheet = seance.meeting
    states = data.read(progress_queries.list_priority_states, contract_id=sheet.contract_id, today=clock.today(),
                       neighbourhood_id=sheet.neighbourhood_id)
    shown = states[states["priority_id"].isin(priority_ids)]
    with st.popover("Point d'avancement", icon=":material/add_chart:", key=POINTS, on_change="rerun"):
        for row in shown.itertuples():
            label = f"{progress_views.number_of(row)}. {row.text[:70]}" + ("…" if len(row.text) > 70 else "")
            if st.button(label, key=f"{state.PREFIX}seance_point_{row.priority_id}", width="stretch",
                         on_click=_close, args=(POINTS,)):
                feedback.forget(PLACE)
                programme = data.read(progress_queries.get_programme, programme_id=int(row.programme_id))
                meeting = sheet.id if sheet.status == "tenue" else None
                progress_views.new_point_dialog(row, programme, meeting, recorded_on=point_date(sheet.date, row),
                                                place=PLACE)


def point_date(meeting_date: dt.date, row) -> dt.date:
    """The date offered for a point captured in séance: the meeting's own day, so that the point shows on the
    séance's slides (they read the state on that day), and never before the priority's last point."""
    last = row.recorded_on if isinstance(row.recorded_on, dt.date) else None
    return max(meeting_date, last) if last else meeting_date


def _follow_up_menu(seance: Seance, decision_ids: list[int]) -> None:
    decisions = data.read(governance_queries.list_decisions, contract_id=seance.meeting.contract_id,
                          today=clock.today())
    shown = decisions[decisions["id"].isin(decision_ids)]
    with st.popover("Suivi", icon=":material/task_alt:", help="Clore, abandonner ou rouvrir une suite",
                    key=FOLLOW_UPS, on_change="rerun"):
        for row in shown.itertuples():
            label = f"{row.text[:70]}" + ("…" if len(row.text) > 70 else "")
            if st.button(label, key=f"{state.PREFIX}seance_follow_{row.id}", width="stretch",
                         on_click=_close, args=(FOLLOW_UPS,)):
                feedback.forget(PLACE)
                meeting_forms.decision_status(row, place=PLACE)


# Running order -----------------------------------------------------------------------------------------------


def _pending_key(seance: Seance) -> str:
    return f"{state.PREFIX}seance_order_{seance.meeting.id}_{seance.meeting.version}"


def _move(key: str, step: str, offset: int) -> None:
    st.session_state[key] = move_step(st.session_state[key], step, offset)


def _toggle(key: str, step: str) -> None:
    st.session_state[key] = toggle_step(st.session_state[key], step)


@st.dialog("Déroulé de la séance", width="large")
def order_dialog(seance: Seance) -> None:
    """Reorder or hide the steps of this meeting's séance; saved with the meeting (for every screen)."""
    key = _pending_key(seance)
    pending = st.session_state.setdefault(key, seance.order)
    st.caption("L'ordre et les étapes affichées valent pour cette instance seulement, sur tous les écrans qui la "
               "suivent et dans le dossier exporté.")
    for index, entry in enumerate(pending):
        name, up, down, shown = st.columns([5, 1.3, 1.5, 1.4], vertical_alignment="center")
        name.markdown(f"**{index + 1}. {STEP_TITLES[entry.step]}**" + ("" if entry.visible else " — *masquée*"))
        up.button("Monter", key=f"{key}_up_{entry.step}", disabled=index == 0, on_click=_move,
                  args=(key, entry.step, -1), icon=":material/arrow_upward:")
        down.button("Descendre", key=f"{key}_down_{entry.step}", disabled=index == len(pending) - 1,
                    on_click=_move, args=(key, entry.step, 1), icon=":material/arrow_downward:")
        shown.button("Masquer" if entry.visible else "Afficher", key=f"{key}_toggle_{entry.step}", on_click=_toggle,
                     args=(key, entry.step), icon=":material/visibility_off:" if entry.visible
                     else ":material/visibility:")
    save, reset = st.columns(2)
    if save.button("Enregistrer le déroulé", type="primary", key=f"{key}_save"):
        _save(seance, key, list(pending))
    if reset.button("Rétablir l'ordre par défaut", key=f"{key}_reset"):
        _save(seance, key, None)


def _save(seance: Seance, key: str, order) -> None:
    ok, _ = data.write(seance_services.set_running_order, state.current_actor(), seance.meeting.id,
                       expected_version=seance.meeting.version, order=order)
    if ok:
        st.session_state.pop(key, None)
        feedback.remember(PLACE, "Déroulé de la séance enregistré.")
        st.query_params["etape"], st.query_params["ecran"] = "1", "1"
        st.rerun()
