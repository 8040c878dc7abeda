"""The slides of a neighbourhood's séance (a revue de projet): key figures, FFOM, priorities, follow-ups, decisions."""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass

import pandas as pd

from pilotage import seance_charts
from pilotage.formats import format_date, format_number, format_percent, format_value
from pilotage.progress import (
    STALE_ICON,
    STALE_LABEL,
    WEATHERS,
    ItemState,
    is_stale,
    roll_up,
    unit_noun,
    weather_text,
)
from pilotage.seance import STEP_TITLES, TREND_TEXT, Change, change_since
from pilotage.seance_slides import Figure, Item, Slide, clean, item_slides, shorten
from pilotage.sources import portrait_source

FIGURES_PER_SCREEN = 6
CHART_INDICATORS = 5
QUADRANTS = (("forces", "Forces"), ("faiblesses", "Faiblesses"), ("opportunites", "Opportunités"),
             ("menaces", "Menaces"))


@dataclass(frozen=True)
class PriorityFacts:
    """What the priorities step needs: the priorities, their points, the previous meeting, the staleness rule."""

    states: pd.DataFrame  # rows of pilotage.queries.progress.list_priority_states
    points: pd.DataFrame  # rows of pilotage.queries.progress.list_points
    since: dt.date | None
    since_label: str | None  # 'la revue du 14 avril 2026' (after "depuis")
    since_at: str | None  # 'À la revue du 14 avril 2026' (a chart's series)
    as_of: dt.date
    stale_months: int | None  # None: staleness does not apply (a closed contract)


# Portrait --------------------------------------------------------------------------------------------------------


def _comparisons(rows: pd.DataFrame) -> str:
    others = rows[(rows["area_kind"] != "quartier") & rows["value"].notna()]
    return " · ".join(f"{r.area} : {format_value(r.value, r.unit, int(r.decimals))}" for r in others.itertuples())


def key_indicators(portrait: pd.DataFrame) -> list[pd.DataFrame]:
    """The indicators worth projecting: those the neighbourhood has a value for and that compare with another
    area, in the portrait's order (else those it has a value for); one frame of rows per indicator."""
    groups = [rows for _, rows in portrait.groupby("indicator_id", sort=False)]
    valued = [g for g in groups if g[(g["area_kind"] == "quartier")]["value"].notna().any()
              and g["code"].iloc[0] != "population"]
    compared = [g for g in valued if (g["area_kind"] != "quartier").any() and g["value"].notna().sum() > 1]
    return compared or valued


def portrait_slides(profile, portrait: pd.DataFrame) -> list[Slide]:
    """Key figures (population, then the indicators that compare), and the percentages as a chart."""
    title = STEP_TITLES["portrait"]
    figures = []
    if profile.population:
        source = portrait_source(profile.population_source, profile.name)
        figures.append(Figure("Habitants", format_number(profile.population),
                              f"{profile.population_year} · source : {source}" if source
                              else str(profile.population_year or "")))
    chosen = key_indicators(portrait) if not portrait.empty else []
    for rows in chosen:
        own = rows[(rows["area_kind"] == "quartier") & rows["value"].notna()].iloc[0]
        figures.append(Figure(shorten(own.label, 80), format_value(own.value, own.unit, int(own.decimals)),
                              " · ".join(v for v in (_comparisons(rows), str(own.year)) if v)))
    sources = sorted({s for rows in chosen[:FIGURES_PER_SCREEN] for s in rows["source_detail"].dropna()})
    note = f"Sources statistiques : {'; '.join(sources)}" if sources else ""
    subtitle = f"{profile.name} · {profile.commune}"
    slides = [Slide("portrait", title + (f" ({n + 1}/{-(-len(figures) // FIGURES_PER_SCREEN)})"
                                         if len(figures) > FIGURES_PER_SCREEN else ""), subtitle,
                    figures=tuple(figures[start:start + FIGURES_PER_SCREEN]), note=note)
              for n, start in enumerate(range(0, len(figures), FIGURES_PER_SCREEN))]
    if not slides:
        slides = [Slide("portrait", title, subtitle, empty="Aucun chiffre n'est chargé pour ce quartier.")]
    chart = _comparison_chart(chosen, profile.name)
    if chart:
        slides.append(chart)
    return slides


def _comparison_chart(chosen: list[pd.DataFrame], name: str) -> Slide | None:
    percents = [rows for rows in chosen if rows["unit"].iloc[0] == "%"][:CHART_INDICATORS]
    if len(percents) < 2:
        return None
    records, words = [], []
    for rows in percents:
        label = "|".join(textwrap.wrap(rows["label"].iloc[0], 26))  # every line: the whole label is read
        valued = rows[rows["value"].notna()].drop_duplicates("area")
        for r in valued.itertuples():
            records.append((label, r.area, float(r.value), format_percent(r.value, int(r.decimals))))
        words.append(f"{rows['label'].iloc[0]} : " + ", ".join(f"{r.area} {format_percent(r.value, int(r.decimals))}"
                                                               for r in valued.itertuples()))
    frame = pd.DataFrame(records, columns=["label", "area", "value", "shown"])
    areas = list(dict.fromkeys(frame["area"]))
    return Slide("portrait", f"{name} et ses territoires de comparaison", "En pourcentage, dernière année connue",
                 chart=seance_charts.area_comparison(frame, areas), chart_text=" ; ".join(words) + ".")


# FFOM ------------------------------------------------------------------------------------------------------------


def ffom_slides(analysis, items: pd.DataFrame) -> list[Slide]:
    """One list per quadrant (forces, faiblesses, opportunités, menaces) of the latest FFOM version."""
    title = STEP_TITLES["ffom"]
    if analysis is None:
        return [Slide("ffom", title, empty="Aucune analyse FFOM n'est encore enregistrée pour ce quartier.")]
    version = f"{analysis.label} — {format_date(analysis.dated)}"
    note = "⚠ Illustratif : " + analysis.note if analysis.illustrative and clean(analysis.note) else ""
    slides = []
    for code, label in QUADRANTS:
        rows = items[items["quadrant"] == code]
        listed = [Item("", clean(r.text) or "") for r in rows.itertuples()]
        slides += item_slides("ffom", f"{label} ({len(rows)})", listed, subtitle=version, note=note,
                              empty=f"Aucun élément dans « {label} ».")
    return slides


# Priorities ------------------------------------------------------------------------------------------------------


def changes(facts: PriorityFacts) -> dict[int, Change]:
    """Each priority's state at the séance and at the previous meeting."""
    by_priority = {pid: list(zip(rows["recorded_on"], rows["weather"], rows["progress"], strict=True))
                   for pid, rows in facts.points.groupby("priority_id")}
    return {int(pid): change_since(by_priority.get(int(pid), []), facts.since, facts.as_of)
            for pid in facts.states["priority_id"]}


def stale(change: Change, facts: PriorityFacts) -> bool:
    """'Sans nouvelles' on the séance's date: no point for longer than the contract allows."""
    return facts.stale_months is not None and is_stale(change.recorded_on, facts.as_of, facts.stale_months)


def _progress_text(change: Change) -> str:
    if change.progress is None:
        return "% non renseigné"
    delta = change.progress_delta
    moved = f" ({'+' if delta > 0 else '−' if delta < 0 else '±'}{abs(delta)} pts)" if delta is not None else ""
    return f"{format_percent(change.progress, 0)}{moved}"


def priority_item(row, change: Change, facts: PriorityFacts) -> Item:
    """A priority as a line: météo in words and symbol, progress and its change, the trend since last time."""
    number = clean(row.number) or str(int(row.position) + 1)
    parts = []
    if facts.since_label:
        parts.append(f"{TREND_TEXT[change.trend]} depuis {facts.since_label}")
    if change.recorded_on:
        parts.append(f"point du {format_date(change.recorded_on)}")
    if stale(change, facts):
        parts.append(f"{STALE_ICON} {STALE_LABEL.lower()}")
    tone = f"w-{change.weather}" if change.weather else "w-none"
    return Item(weather_text(change.weather), f"{number}. {' '.join(row.text.split())}", " · ".join(parts), tone,
                _progress_text(change), int(row.priority_id))


def priority_slides(facts: PriorityFacts) -> list[Slide]:
    """An overview (météo now and at the previous meeting, as a chart), then the priorities by heading."""
    states = facts.states
    title = STEP_TITLES["priorites"]
    if states.empty:
        return [Slide("priorites", title, empty="Aucune priorité n'est inscrite pour ce quartier.")]
    found = changes(facts)
    kinds = set(states["programme_kind"])
    noun = unit_noun(next(iter(kinds)) if len(kinds) == 1 else None)
    rolled = roll_up(ItemState(c.weather, c.progress, stale(c, facts)) for c in found.values())
    before = {w: sum(1 for c in found.values() if c.weather_before == w) for w in WEATHERS} if facts.since else None
    now = {w: rolled.counts.get(w, 0) for w in WEATHERS}
    chart = seance_charts.weather_comparison(now, before, f"Au {format_date(facts.as_of)}", facts.since_at or "")
    words = ", ".join(f"{weather_text(w)} : {n}" for w, n in now.items() if n)
    slides = [Slide("priorites", title, rolled.summary(noun), chart=chart,
                    chart_text=f"Au {format_date(facts.as_of)} — {words}.", kind="priority")]
    several = states["programme_id"].nunique() > 1
    for _, rows in states.groupby(["programme_id", "heading_position"], sort=False):
        first = rows.iloc[0]
        heading = clean(first.heading) or first.programme_name
        subtitle = f"{first.programme_name} — {heading}" if several and heading != first.programme_name else heading
        items = [priority_item(r, found[int(r.priority_id)], facts) for r in rows.itertuples()]
        slides += item_slides("priorites", title, items, subtitle=subtitle, kind="priority",
                              note=_illustrative_note(rows))
    return slides


def _illustrative_note(rows: pd.DataFrame) -> str:
    if rows["point_illustrative"].any():
        return "⚠ Illustratif : aucun document ne donne l'avancement ; les points d'avancement sont inventés."
    return ""
