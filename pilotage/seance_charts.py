"""The charts of a séance as Vega-Lite specifications: drawn by the browser on the wall, rendered offline to PNG
(vl-convert, no network) for the PDF and the PPTX. Every bar carries its value and every category its words."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from pilotage.progress import WEATHER_ICONS, WEATHER_LABELS, WEATHERS

FONT = "Source Sans Pro, DejaVu Sans, sans-serif"
PNG_FONT = "DejaVu Sans"
INK = "#111827"
SIZE = 28
WIDTH, HEIGHT = 1100, 380
WEATHER_COLOURS = {"securise": "#166534", "atteignable": "#1d4ed8", "appui_necessaire": "#b45309",
                   "compromis": "#b91c1c"}
AREA_COLOURS = ("#1d4ed8", "#6b7280", "#9ca3af", "#d1d5db")


def _spec(chart: alt.TopLevelMixin) -> str:
    chart = chart.configure(font=FONT).configure_axis(
        labelFontSize=SIZE, titleFontSize=SIZE, labelColor=INK, titleColor=INK, labelLimit=0,
    ).configure_legend(labelFontSize=SIZE, titleFontSize=SIZE, labelColor=INK, titleColor=INK, labelLimit=0,
                       symbolSize=320).configure_view(strokeWidth=0)
    return chart.to_json(indent=None)


def weather_label(weather: str) -> str:
    """'☁ Atteignable'."""
    return f"{WEATHER_ICONS[weather]} {WEATHER_LABELS[weather]}"


def weather_comparison(now: dict[str, int], before: dict[str, int] | None, now_label: str,
                       before_label: str) -> str:
    """Priorities by météo at the séance and, beside, at the previous meeting: grouped bars with their counts."""
    rows = [(weather_label(w), now_label, now.get(w, 0), 1) for w in WEATHERS]
    if before is not None:
        rows += [(weather_label(w), before_label, before.get(w, 0), 0) for w in WEATHERS]
    frame = pd.DataFrame(rows, columns=["meteo", "moment", "count", "rank"])
    moments = [before_label, now_label] if before is not None else [now_label]
    base = alt.Chart(frame).encode(
        y=alt.Y("meteo:N", title=None, sort=[weather_label(w) for w in WEATHERS]),
        yOffset=alt.YOffset("moment:N", sort=moments),
        x=alt.X("count:Q", title="Nombre de priorités", axis=alt.Axis(tickMinStep=1, grid=False, tickCount=5)),
    )
    colour = alt.Color("moment:N", sort=moments, title=None,
                       scale=alt.Scale(domain=moments, range=["#9ca3af", "#1d4ed8"][-len(moments):]),
                       legend=alt.Legend(orient="top", direction="horizontal"))
    bars = base.mark_bar(height={"band": 0.9}).encode(color=colour)
    text = base.mark_text(align="left", dx=8, fontSize=SIZE, fontWeight="bold", color=INK).encode(text="count:Q")
    return _spec(alt.layer(bars, text).properties(width=WIDTH, height=HEIGHT))


def area_comparison(frame: pd.DataFrame, areas: list[str]) -> str:
    """Percentages of a neighbourhood beside its comparison areas, one group of bars per indicator.

    `frame`: label (indicator, short), area, value (number), shown (French formatted value)."""
    base = alt.Chart(frame).encode(
        y=alt.Y("label:N", title=None, sort=list(dict.fromkeys(frame["label"])),
                axis=alt.Axis(labelExpr="split(datum.label, '|')", labelLimit=0)),
        yOffset=alt.YOffset("area:N", sort=areas),
        x=alt.X("value:Q", title="%", axis=alt.Axis(grid=False, tickCount=5), scale=alt.Scale(domainMin=0)),
    )
    colour = alt.Color("area:N", sort=areas, title=None, legend=alt.Legend(orient="top", direction="horizontal"),
                       scale=alt.Scale(domain=areas, range=list(AREA_COLOURS[:len(areas)])))
    bars = base.mark_bar(height={"band": 0.9}).encode(color=colour)
    text = base.mark_text(align="left", dx=8, fontSize=SIZE - 2, color=INK).encode(text="shown:N")
    # Each indicator's band holds its bars and every line of its label (34 px a line at this size).
    bands = [max(46 * len(rows), 34 * (label.count("|") + 1) + 12)
             for label, rows in frame.groupby("label", sort=False)]
    return _spec(alt.layer(bars, text).properties(width=WIDTH - 420, height=max(HEIGHT, min(sum(bands), 620))))


def neighbourhood_weather(frame: pd.DataFrame, hoods: list[str]) -> str:
    """Each neighbourhood's priorities stacked by météo; each segment wide enough says its symbol and count.

    `frame`: hood, weather (code), count."""
    shown = frame[frame["count"] > 0].copy()
    shown["order"] = shown["weather"].map(WEATHERS.index)
    shown = shown.sort_values(["hood", "order"])
    shown["meteo"] = shown["weather"].map(weather_label)
    shown["middle"] = shown.groupby("hood")["count"].cumsum() - shown["count"] / 2
    widest = shown.groupby("hood")["count"].sum().max()
    shown["text"] = [f"{WEATHER_ICONS[w]} {c}" if c >= 0.06 * widest else ""
                     for w, c in zip(shown["weather"], shown["count"], strict=True)]
    labels = [weather_label(w) for w in WEATHERS]
    y = alt.Y("hood:N", title=None, sort=hoods)
    bars = alt.Chart(shown).mark_bar(height={"band": 0.75}, stroke="white", strokeWidth=2).encode(
        y=y, x=alt.X("sum(count):Q", stack="zero", title="Nombre de priorités",
                     axis=alt.Axis(grid=False, tickCount=5)),
        order=alt.Order("order:Q"),
        color=alt.Color("meteo:N", title=None, sort=labels,
                        scale=alt.Scale(domain=labels, range=[WEATHER_COLOURS[w] for w in WEATHERS]),
                        legend=alt.Legend(orient="top", direction="horizontal")))
    text = alt.Chart(shown).mark_text(color="white", fontWeight="bold", fontSize=SIZE - 2).encode(
        y=y, x=alt.X("middle:Q"), text="text:N")
    return _spec(alt.layer(bars, text).properties(width=WIDTH, height=min(HEIGHT + 40, 58 * len(hoods) + 20)))


def to_svg(spec: str) -> str:
    """The chart as SVG (rendered offline): on the wall it scales with the screen like the rest of the slide."""
    import vl_convert

    return vl_convert.vegalite_to_svg(spec)


def to_png(spec: str, width_px: int = 2200) -> bytes:
    """The chart as a PNG, rendered offline with the DejaVu font; `width_px` sets the resolution."""
    import vl_convert

    chart = json.loads(spec)
    chart.setdefault("config", {})["font"] = PNG_FONT
    scale = max(1.0, width_px / (chart.get("width") or WIDTH))
    return vl_convert.vegalite_to_png(json.dumps(chart), scale=scale)
