"""Priorités: where every commitment stands, across neighbourhoods and the socle commun, and over time."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components import (
    charts,
    data,
    inputs,
    layout,
    links,
    progress_matrix,
    progress_sheet,
    progress_views,
    state,
    tables,
)
from pilotage import clock
from pilotage.commitments import collective_noun, commitments_text
from pilotage.formats import format_date, format_percent
from pilotage.progress import (
    NO_POINT_ICON,
    NO_POINT_LABEL,
    RECENT_LABEL,
    STALE_ICON,
    WEATHER_HINTS,
    WEATHERS,
    freshness_text,
    group_roll_ups,
    quarter_ends,
    roll_up,
    stale_words,
    weather_distribution,
    weather_text,
)
from pilotage.queries import progress as progress_queries
from pilotage.queries.contracts import ContractSummary
from pilotage.queries.progress import UNLINKED_KEY, FrameworkMatrix

NO_HOOD = "Programmes sans quartier"
PROGRAMME_KINDS = {"projet_quartier": "Projet de quartier", "pacte": "Pacte", "protocole": "Protocole"}
ALL = "Ensemble"
FIGURES_CSS = """<style>
  .pl-figures { display:flex; flex-wrap:wrap; gap:0.5rem 1.5rem; margin:0.2rem 0 0.6rem 0; }
  .pl-figure-box { min-width:7rem; }
</style>"""
FRESHNESS = {"toutes": "Toutes", "sans_nouvelles": f"{STALE_ICON} Sans nouvelles seulement",
             "a_jour": f"{RECENT_LABEL} seulement"}
NO_WEATHER = "aucun"
RULE = ("Chaque priorité compte pour la météo de son dernier point, même ancien (elle est alors aussi comptée "
        "« sans nouvelles »). L'état d'un ensemble (un quartier, un objectif, un programme) est la moyenne de ces "
        "météos — sécurisé 0, atteignable 1, appui nécessaire 2, compromis 3 — arrondie au niveau le plus proche, "
        "un demi allant au niveau le moins bon. Les priorités sans aucun point ne pèsent pas : elles sont comptées "
        "à part. L'état est toujours donné avec le nombre de priorités qui le fondent.")


@dataclass(frozen=True)
class Filters:
    neighbourhoods: tuple[str, ...]
    programmes: tuple[int, ...]
    axis: str | None
    weathers: tuple[str, ...]
    freshness: str


def render() -> None:
    contract = layout.select_contract()
    if contract is None:
        return
    st.title("Priorités")
    today = clock.today()
    states = data.read(progress_queries.list_priority_states, contract_id=contract.id, today=today)
    if states.empty:
        st.info("Ce contrat ne porte aucune priorité : aucun projet de quartier, pacte ou protocole n'y est "
                "enregistré.")
        return
    states = states.assign(hood=states["neighbourhood_name"].where(states["neighbourhood_name"].notna(), NO_HOOD))
    matrix = data.read(progress_queries.get_framework_matrix, contract_id=contract.id)
    _intro(states, contract)
    filters = _filters(states, matrix, contract.id)
    shown = _apply(states, matrix, filters)
    _summary(shown, contract, today)
    cross, trend, attention, follow, sheet = st.tabs(["Quartiers × socle commun", "Évolution des météos",
                                                      "À traiter d'abord", "Suivi et saisie par programme",
                                                      "Fiche Excel de mise à jour"])
    with cross:
        _matrix(shown, matrix, filters, contract)
    with trend:
        _trend(shown, contract, today)
    with attention:
        _attention(shown)
    with follow:
        _follow(contract)
    with sheet:
        progress_sheet.render_update_sheet(contract.id, state.current_actor())
    with st.expander("Comment l'état d'ensemble est calculé"):
        st.markdown(RULE)


def _intro(states: pd.DataFrame, contract: ContractSummary) -> None:
    legend = " · ".join(weather_text(w) for w in WEATHERS)
    kinds = states["programme_kind"].value_counts().to_dict()
    programmes = states.drop_duplicates("programme_id")["programme_kind"].value_counts().to_dict()
    parts = [f"<strong>{html.escape(commitments_text(kinds, programmes))}</strong>",
             f"Météo : {legend} · {NO_POINT_ICON} {NO_POINT_LABEL} · {STALE_ICON} Sans nouvelles : aucun point depuis "
             f"plus de {contract.staleness_months} mois."]
    if states["point_illustrative"].any():
        parts.insert(1, layout.illustrative_badge() + "Les points d'avancement de ce contrat sont illustratifs : "
                     "les documents n'en donnent aucun.")
    st.html("".join(f"<div class='pl-identity'>{part}</div>" for part in parts))


def _filters(states: pd.DataFrame, matrix: FrameworkMatrix, contract_id: int) -> Filters:
    cols = st.columns([3, 3, 3, 3, 2])
    key = f"pilotage_prio_{contract_id}_"
    hoods = inputs.multiselect("Quartier", list(dict.fromkeys(states["hood"])), key=key + "hood",
                               placeholder="Tous", where=cols[0])
    programmes = dict(zip(states["programme_id"].astype(int), states["programme_name"], strict=True))
    chosen = inputs.multiselect("Programme", list(programmes), format_func=programmes.get, key=key + "programme",
                                placeholder="Tous", where=cols[1])
    axes = matrix.columns.dropna(subset=["axis_code"]).drop_duplicates("axis_code")
    axis_labels = {r.axis_code: f"Axe {r.axis_code} — {r.axis_title}" for r in axes.itertuples()}
    axis = inputs.selectbox("Axe du socle commun", [None, *axis_labels], key=key + "axis",
                            format_func=lambda a: "Tous" if a is None else axis_labels[a], where=cols[2])
    weather_options = [*WEATHERS, NO_WEATHER]
    weathers = inputs.multiselect("Météo", weather_options, key=key + "weather", placeholder="Toutes",
                                  format_func=lambda w: weather_text(None if w == NO_WEATHER else w), where=cols[3])
    freshness = inputs.selectbox("Fraîcheur", list(FRESHNESS), format_func=FRESHNESS.get, key=key + "fresh",
                                 where=cols[4])
    return Filters(tuple(hoods), tuple(chosen), axis, tuple(weathers), freshness)


def _apply(states: pd.DataFrame, matrix: FrameworkMatrix, filters: Filters) -> pd.DataFrame:
    shown = states
    if filters.neighbourhoods:
        shown = shown[shown["hood"].isin(filters.neighbourhoods)]
    if filters.programmes:
        shown = shown[shown["programme_id"].isin(filters.programmes)]
    if filters.axis is not None:
        keys = set(matrix.columns.loc[matrix.columns["axis_code"] == filters.axis, "key"])
        ids = set(matrix.links.loc[matrix.links["key"].isin(keys), "priority_id"])
        shown = shown[shown["priority_id"].isin(ids)]
    if filters.weathers:
        codes = shown["weather"].where(shown["weather"].notna(), NO_WEATHER)
        shown = shown[codes.isin(filters.weathers)]
    if filters.freshness != "toutes":
        shown = shown[shown["stale"] == (filters.freshness == "sans_nouvelles")]
    return shown


def _summary(shown: pd.DataFrame, contract: ContractSummary, today: dt.date) -> None:
    rolled = roll_up(progress_views.item_states(shown))
    months = contract.staleness_months if contract.status == "en_cours" else None
    summary = rolled.summary(collective_noun(set(shown["programme_kind"])), stale_months=months)
    flag = layout.illustrative_badge() if shown["point_illustrative"].any() else ""
    st.html(f"<div>{flag}<strong>État de la sélection</strong> : {html.escape(summary)}</div>")
    figures = [(weather_text(w), rolled.counts.get(w, 0), WEATHER_HINTS[w]) for w in WEATHERS]
    figures += [(f"{NO_POINT_ICON} {NO_POINT_LABEL}", rolled.unassessed, "priorités sans aucun point"),
                (f"{STALE_ICON} {stale_words(contract.staleness_months).capitalize()}", rolled.stale,
                 f"aucun point depuis plus de {contract.staleness_months} mois")]
    st.html(FIGURES_CSS + "<div class='pl-figures'>" + "".join(
        f"<div class='pl-figure-box' title='{html.escape(hint)}'><div class='pl-figure'>{count}</div>"
        f"<div>{html.escape(label)}</div></div>" for label, count, hint in figures) + "</div>")
    if contract.status != "en_cours":
        st.caption("Contrat terminé : la fraîcheur des points n'est plus suivie.")
    hoods = data.read(progress_queries.list_neighbourhood_states, contract_id=contract.id, today=today)
    for row in hoods[hoods["revue_without_points"]].itertuples():
        st.warning(f"{STALE_ICON} {row.name} : la dernière revue de projet ({format_date(row.last_revue_on)}) n'a "
                   "produit aucun point d'avancement.", icon=":material/warning:")
    _programmes_table(shown)


def _programmes_table(shown: pd.DataFrame) -> None:
    rolled = group_roll_ups(zip(shown["programme_id"], progress_views.item_states(shown), strict=True))
    names = shown.drop_duplicates("programme_id").set_index("programme_id")
    rows = [{"Programme": names.loc[pid, "programme_name"], "État": weather_text(r.weather),
             "Évaluées": f"{r.assessed} sur {r.total}", "Compromises": r.counts.get("compromis", 0),
             "Sans nouvelles": r.stale,
             "Avancement moyen": f"{format_percent(r.progress_mean, 0)} ({r.progress_count} renseignés)"
             if r.progress_count else "—"}
            for pid, r in rolled.items()]
    if rows:
        tables.dataframe(pd.DataFrame(rows), hide_index=True, use_container_width=True)


def _matrix_columns(matrix: FrameworkMatrix, filters: Filters) -> pd.DataFrame:
    columns = matrix.columns
    if filters.axis is not None:
        columns = columns[columns["axis_code"] == filters.axis]
    return columns


def _matrix_cells(shown: pd.DataFrame, matrix: FrameworkMatrix) -> dict:
    links = matrix.links.groupby("priority_id")["key"].apply(list).to_dict()
    pairs = []
    for row, item in zip(shown.itertuples(), progress_views.item_states(shown), strict=True):
        for key in links.get(int(row.priority_id), [UNLINKED_KEY]):
            pairs += [((row.hood, key), item), ((ALL, key), item)]
        pairs += [((row.hood, ALL), item), ((ALL, ALL), item)]
    return group_roll_ups(pairs)


def _matrix(shown: pd.DataFrame, matrix: FrameworkMatrix, filters: Filters, contract: ContractSummary) -> None:
    if shown.empty:
        st.info("Aucune priorité ne correspond à ces filtres.")
        return
    columns = _matrix_columns(matrix, filters)
    hoods = list(dict.fromkeys(shown["hood"]))
    st.caption("Chaque case : la météo d'ensemble de ses priorités (règle de la moyenne, voir la note en bas de "
               f"page), leur nombre et, après {STALE_ICON}, combien sont sans nouvelles. Une priorité rattachée à "
               "deux objectifs compte dans les deux.")
    st.html(progress_matrix.matrix_html(columns, hoods, _matrix_cells(shown, matrix)))
    _cell_detail(shown, matrix, columns, hoods, contract)


def _cell_detail(shown, matrix: FrameworkMatrix, columns: pd.DataFrame, hoods: list[str],
                 contract: ContractSummary) -> None:
    st.markdown("**Les priorités d'une case**")
    labels = {ALL: "Tous les objectifs"} | {
        r.key: f"{r.code} {r.title}" if r.key.startswith("objectif-") else r.label for r in columns.itertuples()}
    left, right = st.columns(2)
    hood = inputs.selectbox("Quartier de la case", [ALL, *hoods], key=f"pilotage_prio_cell_hood_{contract.id}",
                            format_func=lambda h: "Tous les quartiers" if h == ALL else h, where=left)
    column = inputs.selectbox("Objectif de la case", list(labels), format_func=labels.get,
                              key=f"pilotage_prio_cell_col_{contract.id}", where=right)
    linked = matrix.links.groupby("priority_id")["key"].apply(set).to_dict()
    keep = [(hood in (ALL, r.hood)) and (column == ALL or column in linked.get(int(r.priority_id), {UNLINKED_KEY}))
            for r in shown.itertuples()]
    chosen = shown[keep]
    st.caption(f"{len(chosen)} priorité(s).")
    _show_priorities(chosen)
    slugs = chosen["neighbourhood_slug"].dropna().unique()
    if hood != ALL and len(slugs) == 1:
        links.page_link("quartier", f"Ouvrir le projet de quartier de {hood}", ":material/arrow_forward:",
                        q=slugs[0], section="projet", contrat=contract.slug)


def _freshness(row) -> str:
    months = int(row.stale_months) if pd.notna(row.stale_months) else None
    return freshness_text(row.recorded_on if isinstance(row.recorded_on, dt.date) else None, bool(row.stale), months)


def _priority_table(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Météo": [weather_text(w if isinstance(w, str) else None) for w in rows["weather"]],
        "Fraîcheur": [_freshness(r) for r in rows.itertuples()],
        "Quartier": rows["hood"],
        "Programme": rows["programme_kind"].map(lambda k: PROGRAMME_KINDS.get(k, k)),
        "N°": [progress_views.number_of(r) for r in rows.itertuples()],
        "Priorité": rows["text"],
        "Avancement": [format_percent(p, 0) if p is not None else "—" for p in rows["progress"]],
        "Dernier point": [(format_date(d) if isinstance(d, dt.date) else "—") + (" · ⚠ illustratif" if flag else "")
                          for d, flag in zip(rows["recorded_on"], rows["point_illustrative"], strict=True)],
        "Difficultés": [d if isinstance(d, str) else "" for d in rows["difficulties"]],
    })


def _show_priorities(rows: pd.DataFrame) -> None:
    tables.wrapped_table(_priority_table(rows), wide=("Priorité", "Difficultés"), short=("N°",),
                         label="Priorités")


def _period(day: dt.date, today: dt.date) -> str:
    return "Aujourd'hui" if day == today else f"T{(day.month - 1) // 3 + 1} {day.year}"


def _trend(shown: pd.DataFrame, contract: ContractSummary, today: dt.date) -> None:
    points = data.read(progress_queries.list_points, contract_id=contract.id)
    points = points[points["priority_id"].isin(shown["priority_id"])]
    if points.empty:
        st.info("Aucun point d'avancement pour ces priorités : pas encore d'évolution à montrer.")
        return
    dates = quarter_ends(points["recorded_on"].min(), today)
    counts = weather_distribution(zip(points["priority_id"], points["recorded_on"], points["weather"], strict=True),
                                  shown["priority_id"], dates)
    frame = pd.DataFrame(counts, columns=["date", "weather", "count"])
    frame["period"] = [_period(d, today) for d in frame["date"]]
    frame["period_order"] = frame["date"].map(dates.index)
    frame["label"] = [weather_text(w) for w in frame["weather"]]
    frame["icon"] = [weather_text(w).split(" ")[0] for w in frame["weather"]]
    labels = [weather_text(w) for w in WEATHERS] + [weather_text(None)]
    st.caption("Chaque barre compte les priorités de la sélection selon la météo de leur dernier point à la fin du "
               "trimestre (la dernière : aujourd'hui).")
    st.altair_chart(charts.weather_distribution(frame, labels), use_container_width=True)
    with st.expander("Les chiffres du graphique"):
        table = frame.pivot_table(index="period_order", columns="label", values="count", aggfunc="sum")
        table.index = [frame.drop_duplicates("period_order").set_index("period_order").loc[i, "period"]
                       for i in table.index]
        tables.dataframe(table[[label for label in labels if label in table.columns]], use_container_width=True)


def _attention(shown: pd.DataFrame) -> None:
    flagged = shown[shown["weather"].isin(["compromis", "appui_necessaire"]) | shown["stale"]]
    if flagged.empty:
        st.success("Rien de compromis ni de sans nouvelles dans cette sélection.", icon=":material/check_circle:")
        return
    rank = [0 if w == "compromis" else 1 if stale else 2 for w, stale in zip(flagged["weather"], flagged["stale"],
                                                                              strict=True)]
    flagged = flagged.assign(rank=rank, sort_date=flagged["recorded_on"].map(
        lambda d: d if isinstance(d, dt.date) else dt.date.min)).sort_values(["rank", "sort_date"])
    st.caption(f"{len(flagged)} priorité(s) : d'abord les compromises, puis celles sans nouvelles (les plus "
               "anciennes d'abord), puis celles qui demandent un appui.")
    _show_priorities(flagged)


def _follow(contract: ContractSummary) -> None:
    programmes = data.read(progress_queries.list_programmes, contract_id=contract.id)
    programmes = programmes[programmes["priorities"] > 0]
    if programmes.empty:
        st.info("Aucun programme à suivre.")
        return
    labels = {int(r.id): r.name + (f" — {r.neighbourhood_name}" if isinstance(r.neighbourhood_name, str)
                                   and r.neighbourhood_name not in r.name else "")
              for r in programmes.itertuples()}
    chosen = inputs.selectbox("Programme à suivre", list(labels), format_func=labels.get,
                              key=f"pilotage_prio_follow_{contract.id}")
    actor = state.current_actor()
    hood_id = programmes.set_index("id").loc[chosen, "neighbourhood_id"]
    if pd.notna(hood_id):
        progress_views.render_bulk_update(int(hood_id), actor)
    progress_views.render_programme_progress(chosen, actor)


if __name__ == "__main__":
    from components.legacy import hand_over_to_router

    hand_over_to_router()
