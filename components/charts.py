"""Altair chart builders, sized and lettered to be read on a projected screen."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from pilotage.formats import format_date

FONT_SIZE = 15
INK = "#111827"
ACCENT = "#1d4ed8"


def _readable(chart: alt.Chart) -> alt.Chart:
    return chart.configure_axis(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, labelColor=INK, labelLimit=0) \
        .configure_text(fontSize=FONT_SIZE).configure_view(strokeWidth=0)


def contract_timeline(start_year: int, end_year: int, milestones: pd.DataFrame, today: dt.date) -> alt.Chart:
    """The contract's period as a band, its milestones as labelled marks, and today as a rule."""
    start, end = dt.date(start_year, 1, 1), dt.date(end_year, 12, 31)
    band = alt.Chart(pd.DataFrame({"start": [start], "end": [end]})).mark_bar(
        height=18, color="#c7d2fe", stroke=INK, strokeWidth=1
    ).encode(x=alt.X("start:T", title=None, axis=alt.Axis(format="%Y", tickCount="year", grid=False)),
             x2="end:T")
    shown = milestones.copy()
    shown["when"] = shown["date"].map(format_date)
    shown["statut"] = shown["illustrative"].map({True: "date illustrative", False: "date du document"})
    marks = alt.Chart(shown).mark_point(shape="triangle-down", size=220, filled=True, color=ACCENT).encode(
        x="date:T", y=alt.value(8),
        tooltip=[alt.Tooltip("label:N", title="Jalon"), alt.Tooltip("when:N", title="Date"),
                 alt.Tooltip("statut:N", title="Statut"), alt.Tooltip("source:N", title="Source")],
    )
    now = alt.Chart(pd.DataFrame({"date": [today], "label": [f"Aujourd'hui : {format_date(today)}"]}))
    today_rule = now.mark_rule(color="#b91c1c", strokeWidth=3, strokeDash=[6, 3]).encode(x="date:T")
    today_text = now.mark_text(align="left", dx=6, dy=40, color="#b91c1c", fontWeight="bold",
                               fontSize=FONT_SIZE).encode(x="date:T", y=alt.value(0), text="label:N")
    chart = alt.layer(band, marks, today_rule, today_text).properties(height=105)
    return _readable(chart)


WEATHER_COLOURS = ("#166534", "#1d4ed8", "#b45309", "#b91c1c", "#d1d5db")  # sécurisé … compromis, aucun point


def weather_distribution(frame: pd.DataFrame, labels: list[str]) -> alt.Chart:
    """Stacked bars of how many priorities stood at each météo, per period; each segment says its icon and count.

    `frame`: period (label, in order), label (météo text with its icon), count, icon; `labels`: météo texts in order.
    """
    shown = frame[frame["count"] > 0].copy()
    shown["order"] = shown["label"].map(labels.index)
    shown = shown.sort_values(["period_order", "order"])
    shown["top"] = shown.groupby("period_order")["count"].cumsum()
    shown["middle"] = shown["top"] - shown["count"] / 2
    totals = shown.groupby("period_order")["count"].transform("sum")
    shown["text"] = [f"{icon} {count}" if count / total >= 0.09 else ""
                     for icon, count, total in zip(shown["icon"], shown["count"], totals, strict=True)]
    periods = list(dict.fromkeys(shown["period"]))
    x = alt.X("period:N", sort=periods, title=None,
              axis=alt.Axis(labelAngle=0, labelOverlap=False, labelExpr="split(datum.label, ' ')"))
    bars = alt.Chart(shown).mark_bar(stroke="white", strokeWidth=1).encode(
        x=x, y=alt.Y("sum(count):Q", title="Priorités", stack="zero"),
        color=alt.Color("label:N", title="Météo", sort=labels,
                        scale=alt.Scale(domain=labels, range=list(WEATHER_COLOURS[:len(labels)])),
                        legend=alt.Legend(orient="bottom", labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("period:N", title="Période"), alt.Tooltip("label:N", title="Météo"),
                 alt.Tooltip("count:Q", title="Priorités")],
    )
    text = alt.Chart(shown).mark_text(color="white", fontWeight="bold").encode(
        x=x, y=alt.Y("middle:Q"), text="text:N",
        color=alt.condition(alt.datum.order == len(labels) - 1, alt.value(INK), alt.value("white")),
    )
    return _readable(alt.layer(bars, text).properties(height=340))


# Meetings timeline: one row per kind of meeting; the status is told by shape and by the legend's words.
MEETING_STATUS_SHAPES = {"tenue": "circle", "prevue": "diamond", "reportee": "triangle-right", "annulee": "cross"}
MEETING_STATUS_COLOURS = {"tenue": "#166534", "prevue": "#1d4ed8", "reportee": "#b45309", "annulee": "#6b7280"}


def meetings_timeline(meetings: pd.DataFrame, kinds: list[str], statuses: dict[str, str], today: dt.date,
                      years: tuple[int, int]) -> alt.Chart:
    """Meetings over `years`, one row per kind (labels `kinds`, in order); `statuses` maps codes to legend words."""
    shown = meetings.assign(when=meetings["date"].map(format_date))
    legend = [statuses[code] for code in MEETING_STATUS_SHAPES]
    status = alt.Color("statut:N", title="Statut", scale=alt.Scale(domain=legend,
                       range=list(MEETING_STATUS_COLOURS.values())),
                       legend=alt.Legend(orient="top", labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE))
    shape = alt.Shape("statut:N", scale=alt.Scale(domain=legend, range=list(MEETING_STATUS_SHAPES.values())))
    points = alt.Chart(shown).mark_point(size=170, filled=True, opacity=0.9, strokeWidth=2).encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y", tickCount="year", grid=True, labelFlush=False),
                scale=alt.Scale(domain=[dt.date(years[0], 1, 1).isoformat(), dt.date(years[1], 12, 31).isoformat()])),
        y=alt.Y("instance:N", title=None, sort=kinds, axis=alt.Axis(labelLimit=0)),
        color=status, shape=shape,
        tooltip=[alt.Tooltip("title:N", title="Instance"), alt.Tooltip("when:N", title="Date"),
                 alt.Tooltip("statut:N", title="Statut"), alt.Tooltip("concerne:N", title="Concerne")],
    )
    now = alt.Chart(pd.DataFrame({"date": [today]})).mark_rule(color="#b91c1c", strokeWidth=2,
                                                               strokeDash=[6, 3]).encode(x="date:T")
    rows = max(1, shown["instance"].nunique())
    return _readable(alt.layer(now, points).properties(height=52 * rows + 30))
