"""The portrait of a neighbourhood: indicator charts by theme beside the comparison areas, and the table."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from components import layout, tables
from pilotage import clock, exporters
from pilotage.formats import format_value
from pilotage.queries.neighbourhoods import NeighbourhoodProfile, year_of

NEIGHBOURHOOD_COLOUR = "#1d4ed8"
COMPARISON_COLOUR = "#9ca3af"
ROW_HEIGHT = 26
CHART_WIDTH = 560


def prepare(portrait: pd.DataFrame, freshness_years: int, today: dt.date) -> pd.DataFrame:
    """Add display columns: area label, formatted value, bar length relative to the indicator's largest value."""
    df = portrait.copy()
    df["shown"] = [
        "pas de donnée" if pd.isna(v) else f"{format_value(v, u, int(d))}  ({y})"
        for v, u, d, y in zip(df["value"], df["unit"], df["decimals"], df["year"], strict=True)
    ]
    duplicated = df.duplicated(["indicator_id", "area"], keep=False)
    df["row"] = df["area"].where(~duplicated, df["area"] + " " + df["year"].fillna(""))
    largest = df.groupby("indicator_id")["value"].transform(lambda s: s.abs().max())
    df["bar"] = (df["value"].abs() / largest.replace(0, 1)).where(df["value"].notna())
    years = df["year"].map(year_of)
    df["stale"] = (df["area_kind"] == "quartier") & years.notna() & (today.year - years > freshness_years)
    return df


def theme_chart(theme_rows: pd.DataFrame) -> alt.FacetChart:
    """One small bar chart per indicator, stacked; values as labels so that no axis has to be read."""
    base = alt.Chart(theme_rows).encode(
        y=alt.Y("row:N", title=None, sort=None, axis=alt.Axis(labelFontSize=14, labelLimit=220, labelColor="#111827")),
        tooltip=[alt.Tooltip("label:N", title="Indicateur"), alt.Tooltip("row:N", title="Territoire"),
                 alt.Tooltip("shown:N", title="Valeur"), alt.Tooltip("source_detail:N", title="Source statistique"),
                 alt.Tooltip("source:N", title="Document")],
    )
    colour = alt.condition(alt.datum.area_kind == "quartier", alt.value(NEIGHBOURHOOD_COLOUR),
                           alt.value(COMPARISON_COLOUR))
    bars = base.mark_bar(height=18).encode(x=alt.X("bar:Q", axis=None, scale=alt.Scale(domain=[0, 1.7])),
                                           color=colour)
    text = base.mark_text(align="left", dx=6, fontSize=14, color="#111827").encode(
        x=alt.X("text_x:Q"), text="shown:N").transform_calculate(text_x="isValid(datum.bar) ? datum.bar : 0")
    header = alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start", labelFontSize=15, labelColor="#111827",
                        labelFontWeight="bold", labelLimit=CHART_WIDTH + 200, title=None, labelOrient="top")
    return alt.layer(bars, text).properties(width=CHART_WIDTH, height=alt.Step(ROW_HEIGHT)).facet(
        row=alt.Row("title:N", header=header, sort=alt.SortField("position"))
    ).resolve_scale(y="independent").configure_view(strokeWidth=0)


def _titles(df: pd.DataFrame) -> pd.Series:
    unit = df["unit"].where(df["unit"] != "", "sans unité")
    stale = df.groupby("indicator_id")["stale"].transform("any").map({True: " — donnée ancienne", False: ""})
    return df["label"] + " (" + unit + ")" + stale


def render(profile: NeighbourhoodProfile, portrait: pd.DataFrame) -> None:
    """The Portrait section: a tab per theme with charts, the missing figures named, a table to export."""
    if portrait.empty:
        st.info("Aucun indicateur n'est chargé pour ce contrat.")
        return
    df = prepare(portrait, profile.indicator_freshness_years, clock.today())
    df["title"] = _titles(df)
    st.caption(f"Chaque figure donne sa valeur, son année et sa source (au survol et dans le tableau). « Donnée "
               f"ancienne » : valeur du quartier de plus de {profile.indicator_freshness_years} ans. En bleu : "
               f"{profile.name} ; en gris : territoires de comparaison.")
    themes = list(dict.fromkeys(df.sort_values("theme_position")["theme"]))
    chart_tab, table_tab = st.tabs(["Graphiques", "Tableau"])
    with chart_tab:
        for tab, theme in zip(st.tabs([t.capitalize() for t in themes]), themes, strict=True):
            with tab:
                _theme(df[df["theme"] == theme], profile.name)
    with table_tab:
        _table(df, profile)


def _theme(rows: pd.DataFrame, name: str) -> None:
    has_own = rows[(rows["area_kind"] == "quartier")].groupby("indicator_id")["value"].apply(lambda s: s.notna().any())
    has_other = rows[rows["area_kind"] != "quartier"].groupby("indicator_id").size() > 0
    shown_ids = [i for i in has_own.index if has_own[i] or has_other.get(i, False)]
    shown = rows[rows["indicator_id"].isin(shown_ids)]
    if not shown.empty:
        st.altair_chart(theme_chart(shown), use_container_width=True)
        sources = sorted({s for s in shown["source_detail"].dropna()})
        layout.source_line("; ".join(sources) + f" — document {shown['source'].dropna().iloc[0]}",
                           "Sources statistiques")
    absent = rows[~rows["indicator_id"].isin(shown_ids)].drop_duplicates("indicator_id")
    if not absent.empty:
        st.markdown(f"**Non renseignés pour {name}** (aucune valeur dans les documents) : "
                    + " ; ".join(layout.escape_markdown(label) for label in absent["label"]))


def _table(df: pd.DataFrame, profile: NeighbourhoodProfile) -> None:
    table = pd.DataFrame({
        "Thème": df["theme"], "Indicateur": df["label"], "Territoire": df["row"],
        "Valeur": df["shown"], "Année": df["year"], "Source statistique": df["source_detail"],
        "Document": df["source"], "Remarque": df["note"],
    })
    tables.dataframe(table, hide_index=True, use_container_width=True, height=420)
    st.download_button("Télécharger le portrait (CSV)", exporters.portrait_csv(df),
                       file_name=f"portrait-{profile.slug}.csv",
                       mime="text/csv", icon=":material/download:")
