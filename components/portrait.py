"""The portrait of a neighbourhood: by theme, rates and amounts as bars beside the comparison areas, other figures
as numbers with their year and source, and the table to export."""

from __future__ import annotations

import html
import textwrap

import altair as alt
import pandas as pd
import streamlit as st

from components import layout, tables
from pilotage import clock, exporters
from pilotage.portrait import BARS, FIGURE, axis_maximum, prepare
from pilotage.queries.neighbourhoods import NeighbourhoodProfile

NEIGHBOURHOOD_COLOUR = "#1d4ed8"
COMPARISON_COLOUR = "#9ca3af"
INK = "#111827"
ROW_HEIGHT = 28
CHART_WIDTH = 520
TITLE_WIDTH = 70  # characters per line of an indicator's title above its bars
FIGURES_CSS = """<style>
  .pl-portrait-figures { display:grid; grid-template-columns:repeat(auto-fill, minmax(15rem, 1fr)); gap:0.6rem; }
  .pl-portrait-figure { border:1px solid #d1d5db; border-radius:0.5rem; padding:0.5rem 0.7rem; }
  .pl-portrait-figure .pl-figure { font-size:1.5rem; }
  .pl-portrait-label { font-size:0.98rem; color:#111827; line-height:1.3; }
  .pl-portrait-compare { font-size:0.95rem; color:#374151; }
</style>"""


def _axis_labels(unit: str) -> str:
    """French axis labels (thousands with a space, decimal comma) with the unit."""
    number = "replace(replace(format(datum.value, ',~f'), ',', ' '), '.', ',')"
    return f"{number} + ' {unit}'" if unit else number


def unit_chart(rows: pd.DataFrame, unit: str) -> alt.FacetChart:
    """The bar indicators of one unit: one block per indicator, every block on the same axis starting at zero."""
    end = axis_maximum(unit, rows["value"])
    scale = alt.Scale(domain=[0, end], nice=unit != "%", clamp=True)
    base = alt.Chart(rows).encode(
        y=alt.Y("row:N", title=None, sort=alt.EncodingSortField("row_order", op="min"),
                axis=alt.Axis(labelFontSize=14, labelLimit=240, labelColor=INK)),
        tooltip=[alt.Tooltip("label:N", title="Indicateur"), alt.Tooltip("row:N", title="Territoire"),
                 alt.Tooltip("shown:N", title="Valeur"), alt.Tooltip("source_detail:N", title="Source statistique"),
                 alt.Tooltip("document_title:N", title="Document")],
    )
    colour = alt.condition(alt.datum.area_kind == "quartier", alt.value(NEIGHBOURHOOD_COLOUR),
                           alt.value(COMPARISON_COLOUR))
    x = alt.X("value:Q", title=None, scale=scale,
              axis=alt.Axis(labelExpr=_axis_labels(unit), labelFontSize=13, tickCount=5, grid=True))
    bars = base.mark_bar(height=18).encode(x=x, color=colour)
    text = base.mark_text(align="left", dx=6, fontSize=14, color=INK).encode(
        x=alt.X("at:Q", scale=scale), text="shown:N").transform_calculate(
        at="isValid(datum.value) ? datum.value : 0")
    header = alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start", labelFontSize=15, labelColor=INK,
                        labelFontWeight="bold", labelExpr="split(datum.value, '|')", title=None, labelOrient="top",
                        labelLimit=0)
    return alt.layer(bars, text).properties(width=CHART_WIDTH, height=alt.Step(ROW_HEIGHT)).facet(
        row=alt.Row("title:N", header=header, sort=alt.SortField("position"))
    ).resolve_scale(y="independent").configure_view(strokeWidth=0)


def _titles(df: pd.DataFrame) -> pd.Series:
    stale = df.groupby("indicator_id")["stale"].transform("any").map({True: " — donnée ancienne", False: ""})
    return pd.Series(["|".join(textwrap.wrap(text, TITLE_WIDTH)) for text in df["label"] + stale], index=df.index)


def render(profile: NeighbourhoodProfile, portrait: pd.DataFrame) -> None:
    """The Portrait section: a tab per theme with bars and figures, the missing figures named, a table to export."""
    if portrait.empty:
        st.info("Aucun indicateur n'est chargé pour ce contrat.")
        return
    df = prepare(portrait, profile.indicator_freshness_years, clock.today())
    df["title"] = _titles(df)
    df["row_order"] = range(len(df))
    areas = list(dict.fromkeys(df.loc[df["area_kind"] != "quartier"].sort_values("area_position")["area"]))
    compared = " et ".join(areas) if areas else "les territoires de comparaison"
    st.caption(f"En chiffres : les effectifs, les évolutions et les valeurs sans comparaison, avec leur année. En "
               f"barres : les taux et montants que le document donne aussi pour {compared}, à partir de zéro "
               f"(pourcentages sur une échelle de 0 à 100 %) ; en bleu {profile.name}, en gris les territoires de "
               "comparaison. Sources sous chaque thème, au survol et dans le tableau. « Donnée ancienne » : valeur "
               f"du quartier de plus de {profile.indicator_freshness_years} ans.")
    themes = list(dict.fromkeys(df.sort_values("theme_position")["theme"]))
    chart_tab, table_tab = st.tabs(["Graphiques", "Tableau"])
    with chart_tab:
        for tab, theme in zip(st.tabs([t.capitalize() for t in themes]), themes, strict=True):
            with tab:
                _theme(df[df["theme"] == theme], profile.name)
    with table_tab:
        _table(df, profile)


def _theme(rows: pd.DataFrame, name: str) -> None:
    has_own = rows[rows["area_kind"] == "quartier"].groupby("indicator_id")["value"].apply(lambda s: s.notna().any())
    has_other = rows[rows["area_kind"] != "quartier"].groupby("indicator_id").size() > 0
    shown_ids = [i for i in has_own.index if has_own[i] or has_other.get(i, False)]
    shown = rows[rows["indicator_id"].isin(shown_ids)]
    figures = shown[shown["display"] == FIGURE]
    if not figures.empty:
        _figures(figures)
    bars = shown[shown["display"] == BARS]
    for unit in dict.fromkeys(bars["unit"]):
        st.altair_chart(unit_chart(bars[bars["unit"] == unit], unit), use_container_width=False)
    if not shown.empty:
        sources = sorted({s for s in shown["source_detail"].dropna()})
        documents = list(dict.fromkeys(d for d in shown["document_title"] if d))
        if sources:
            layout.source_line("; ".join(sources) + (" — " + " ; ".join(documents) if documents else ""),
                               "Sources statistiques")
        elif documents:
            layout.source_line(" ; ".join(documents))
    absent = rows[~rows["indicator_id"].isin(shown_ids)].drop_duplicates("indicator_id")
    if not absent.empty:
        st.markdown(f"**Non renseignés pour {layout.escape_markdown(name)}** (aucune valeur dans les documents) : "
                    + " ; ".join(layout.escape_markdown(label) for label in absent["label"]))


def _figure_card(indicator: pd.DataFrame) -> str:
    own = indicator[indicator["area_kind"] == "quartier"]
    others = indicator[(indicator["area_kind"] != "quartier") & indicator["value"].notna()]
    first = indicator.iloc[0]
    value = own["figure"].iloc[0] if not own.empty and own["value"].notna().any() else "pas de donnée"
    year = own["year"].iloc[0] if not own.empty and isinstance(own["year"].iloc[0], str) else ""
    statistic = own["source_detail"].iloc[0] if not own.empty else None
    stale = "donnée ancienne" if bool(own["stale"].any()) else ""
    detail = " · ".join(x for x in (year, statistic if isinstance(statistic, str) else "", stale) if x)
    compare = " · ".join(f"{r.row} : {r.shown}" for r in others.itertuples())
    return (f"<div class='pl-portrait-figure'><div class='pl-portrait-label'>{html.escape(first['label'])}"
            f"</div><div class='pl-figure'>{html.escape(value)}</div>"
            f"<div class='pl-source'>{html.escape(detail)}</div>"
            + (f"<div class='pl-portrait-compare'>{html.escape(compare)}</div>" if compare else "") + "</div>")


def _figures(rows: pd.DataFrame) -> None:
    cards = [_figure_card(rows[rows["indicator_id"] == i]) for i in dict.fromkeys(rows["indicator_id"])]
    st.html(FIGURES_CSS + "<div class='pl-portrait-figures'>" + "".join(cards) + "</div>")


def _table(df: pd.DataFrame, profile: NeighbourhoodProfile) -> None:
    table = pd.DataFrame({
        "Thème": df["theme"], "Indicateur": df["label"], "Territoire": df["row"],
        "Valeur": df["figure"].where(df["value"].notna(), "pas de donnée"), "Année": df["year"].fillna(""),
        "Source statistique": df["source_detail"].fillna(""), "Document": df["document_title"],
        "Remarque": df["note"].fillna(""),
    })
    tables.dataframe(table, hide_index=True, use_container_width=True, height=420)
    st.download_button("Télécharger le portrait (CSV)", exporters.portrait_csv(df),
                       file_name=f"portrait-{profile.slug}.csv",
                       mime="text/csv", icon=":material/download:")

