"""The slides of a séance of the whole contract (a COPIL): overview, each neighbourhood on one line, the cadence."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pilotage import cadence, seance_charts
from pilotage.commitments import PROGRAMME_ORDER, collective_noun, commitments_text
from pilotage.formats import MEETING_KIND_LABELS, format_date, format_number, plural
from pilotage.progress import STALE_ICON, WEATHER_ICONS, WEATHERS, ItemState, RollUp, roll_up, weather_text
from pilotage.seance import STEP_TITLES, Change
from pilotage.seance_quartier import PriorityFacts, changes, stale
from pilotage.seance_slides import Figure, Item, Slide, Table, item_slides

CADENCE_ROWS = 6
CADENCE_YEARS = 3


def _rolled(found: list[Change], facts: PriorityFacts) -> RollUp:
    return roll_up(ItemState(c.weather, c.progress, stale(c, facts)) for c in found)


def _commitment_figures(states: pd.DataFrame) -> list[Figure]:
    """One tile per kind of programme: the projets de quartier's priorités apart from a pacte's mesures."""
    tiles = []
    for kind in [k for k in PROGRAMME_ORDER if k in set(states["programme_kind"])]:
        rows = states[states["programme_kind"] == kind]
        programmes = rows["programme_id"].nunique()
        label = commitments_text({kind: len(rows)}, {kind: programmes}).split(" ", 1)[1]
        detail = rows["programme_name"].iloc[0] if programmes == 1 else plural(programmes, "programme")
        tiles.append(Figure(label[0].upper() + label[1:], format_number(len(rows)), detail))
    return tiles


def overview_slides(contract, figures, milestones: pd.DataFrame, facts: PriorityFacts) -> list[Slide]:
    """Key figures of the contract, the next milestone, and all priorities by météo now and at the last COPIL."""
    by_kind = figures.neighbourhoods_by_kind
    others = by_kind.get("fragile", 0) + by_kind.get("veille", 0)
    tiles = [
        Figure("Quartiers prioritaires (QPV)", format_number(by_kind.get("qpv", 0)),
               f"et {plural(others, 'quartier fragile ou de veille', 'quartiers fragiles ou de veille')}"
               if others else ""),
        Figure("Habitants des QPV", format_number(figures.qpv_population) if figures.qpv_with_population else "—",
               f"somme des {figures.qpv_with_population} QPV renseignés sur {figures.qpv_count}"),
        *_commitment_figures(facts.states),
        Figure("Signataires", format_number(figures.signatories), "partenaires du contrat"),
        Figure("Instances tenues", format_number(figures.meetings_held), f"au {format_date(facts.as_of)}"),
    ]
    ahead = milestones[milestones["date"] >= facts.as_of]
    if not ahead.empty:
        first = ahead.iloc[0]
        tiles.append(Figure("Prochain jalon", format_date(first.date),
                            first.label + (" (date illustrative)" if first.illustrative else "")))
    subtitle = f"{contract.territory} · {contract.start_year}-{contract.end_year}"
    slides = [Slide("contrat", STEP_TITLES["contrat"], subtitle, figures=tuple(tiles))]
    found = changes(facts)
    if found:
        rolled = _rolled(list(found.values()), facts)
        now = {w: rolled.counts.get(w, 0) for w in WEATHERS}
        before = ({w: sum(1 for c in found.values() if c.weather_before == w) for w in WEATHERS}
                  if facts.since else None)
        chart = seance_charts.weather_comparison(now, before, f"Au {format_date(facts.as_of)}", facts.since_at or "")
        words = ", ".join(f"{weather_text(w)} : {n}" for w, n in now.items() if n)
        summary = rolled.summary(collective_noun(set(facts.states["programme_kind"])), stale_months=facts.stale_months)
        slides.append(Slide("contrat", "Toutes les priorités du contrat", summary, chart=chart,
                            chart_text=f"Au {format_date(facts.as_of)} — {words}."))
    return slides


def _moves(found: list[Change]) -> str:
    better = sum(1 for c in found if c.trend == "mieux")
    worse = sum(1 for c in found if c.trend == "moins bien")
    return f"↗ {better} ↘ {worse}" if better or worse else "= météos inchangées"


def neighbourhood_items(hoods: pd.DataFrame, facts: PriorityFacts,
                        last_revues: dict[int, dt.date]) -> tuple[list[Item], list[str]]:
    """One line per neighbourhood with priorities (its météo, the counts behind it, its last revue, what moved),
    and the names of those without priorities."""
    found = changes(facts)
    items, without = [], []
    for hood in hoods.itertuples():
        ids = facts.states.loc[facts.states["neighbourhood_id"] == hood.id, "priority_id"]
        mine = [found[int(i)] for i in ids]
        if not mine:
            without.append(hood.name)
            continue
        rolled = _rolled(mine, facts)
        flags = [f"{rolled.assessed}/{rolled.total} évaluées"]
        if rolled.counts.get("compromis"):
            flags.append(f"{WEATHER_ICONS['compromis']} {rolled.counts['compromis']}")
        if rolled.stale:
            flags.append(f"{STALE_ICON} {rolled.stale}")
        revue = last_revues.get(int(hood.id))
        flags.append(f"revue du {format_date(revue)}" if revue else "aucune revue tenue")
        if facts.since_label:
            flags.append(_moves(mine))
        tone = f"w-{rolled.weather}" if rolled.weather else "w-none"
        items.append(Item(weather_text(rolled.weather), f"{hood.name} — {plural(rolled.total, 'priorité')}",
                          " · ".join(flags), tone, key=int(hood.id)))
    return items, without


def neighbourhood_slides(hoods: pd.DataFrame, facts: PriorityFacts, last_revues: dict[int, dt.date]) -> list[Slide]:
    """Each neighbourhood on one line, then the météo of each one's priorities as a chart."""
    title = STEP_TITLES["quartiers"]
    items, without = neighbourhood_items(hoods, facts, last_revues)
    subtitle = f"Météo d'ensemble (moyenne des priorités) au {format_date(facts.as_of)}"
    legend = f"{WEATHER_ICONS['compromis']} compromises · {STALE_ICON} sans nouvelles"
    if facts.since_label:
        legend += f" · ↗ ↘ météos en mieux, en moins bien depuis {facts.since_label}"
    note = legend + (f". Sans priorités suivies : {', '.join(without)}." if without else ".")
    slides = item_slides("quartiers", title, items, subtitle=subtitle, note=note, most=6,
                         empty="Aucun quartier n'a encore de priorités suivies.")
    found = changes(facts)
    records, names = [], []
    for hood in hoods.itertuples():
        ids = facts.states.loc[facts.states["neighbourhood_id"] == hood.id, "priority_id"]
        weathers = [found[int(i)].weather for i in ids]
        if weathers:
            names.append(hood.name)
            records += [(hood.name, w, weathers.count(w)) for w in WEATHERS]
    if records:
        frame = pd.DataFrame(records, columns=["hood", "weather", "count"])
        words = "; ".join(f"{name} : " + ", ".join(f"{weather_text(r.weather)} {r.count}" for r in
                                                    frame[(frame["hood"] == name) & (frame["count"] > 0)].itertuples())
                          for name in names)
        slides.append(Slide("quartiers", "La météo des priorités par quartier", subtitle,
                            chart=seance_charts.neighbourhood_weather(frame, names), chart_text=words + "."))
    return slides


SHORT_KINDS = {"copil": "COPIL", "comite_technique": "Comité technique", "revue_projet": "Revue"}


def _cadence_rows(grid, picked: list[int], body_only: bool) -> list[tuple[str, ...]]:
    kind = SHORT_KINDS.get(grid.meeting_kind, MEETING_KIND_LABELS.get(grid.meeting_kind, grid.meeting_kind))
    rows = []
    for row in grid.rows:
        body = grid.programme if grid.scope == "programme" else row.label
        label = body if body_only else f"{kind} — {'contrat' if grid.scope == 'contract' else body}"
        rows.append((label, *(row.cells[i].label for i in picked)))
    return rows


def _rule_text(grid) -> str:
    kind = MEETING_KIND_LABELS.get(grid.meeting_kind, grid.meeting_kind)
    count = (f"au moins {grid.minimum}" if grid.maximum is None else str(grid.minimum)
             if grid.maximum == grid.minimum else f"{grid.minimum} à {grid.maximum}")
    return f"{kind} : {count} par an" + (" par quartier" if grid.scope == "neighbourhood" else "")


def cadence_slides(data, as_of: dt.date) -> list[Slide]:
    """The contract's rules, year by year around the séance: a table per rule for the neighbourhoods' revues, one
    for the other bodies; each cell in symbol and words."""
    title = STEP_TITLES["cadence"]
    years = [y for y in range(as_of.year - CADENCE_YEARS + 1, as_of.year + 1) if y in data.years]
    picked = [data.years.index(y) for y in years]
    tables = [(_rule_text(g), _cadence_rows(g, picked, True)) for g in data.grids if g.scope == "neighbourhood"]
    others = [g for g in data.grids if g.scope != "neighbourhood"]
    if others:
        tables.append(("Autres instances, au nombre par an que fixe le contrat ou le programme",
                       [row for g in others for row in _cadence_rows(g, picked, False)]))
    legend = " · ".join(f"{icon} {words}" for icon, words in cadence.STATES.values())
    postponed = [f"↪ {t} du {format_date(d)} : reportée sans nouvelle date" for _, d, t in data.postponed]
    note = legend + (" — " + " ; ".join(postponed) if postponed else "")
    if not years or not any(rows for _, rows in tables):
        return [Slide("cadence", title, empty="Le contrat ne fixe aucune règle de cadence pour ces années.")]
    headers = ("Instance", *map(str, years))
    slides = []
    for subtitle, rows in tables:
        for start in range(0, len(rows), CADENCE_ROWS):
            slides.append(Slide("cadence", title, subtitle, note=note,
                                table=Table(headers, tuple(rows[start:start + CADENCE_ROWS]))))
    return slides
