"""Pure rules of the mode séance: which steps a meeting is projected in, their order, paging and moving along.

A meeting of one neighbourhood (a revue de projet) is projected as the neighbourhood's figures, its FFOM, its
priorities, the follow-ups of its previous revue and the decisions of the day; a meeting of the whole contract
(a COPIL) as the contract's overview, each neighbourhood on one line, the cadence and the decisions to take.
A contributor may reorder or hide steps for one meeting: the order is stored with the meeting as a list of
{"step": code, "visible": bool}, always holding every step of the meeting's format once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pilotage.progress import WEATHER_SCORES

NEIGHBOURHOOD, CONTRACT = "quartier", "contrat"
STEP_TITLES = {
    "portrait": "Le quartier en chiffres",
    "ffom": "Forces, faiblesses, opportunités, menaces",
    "priorites": "Les priorités du projet de quartier",
    "suites": "Les suites de la revue précédente",
    "decisions": "Les décisions de la séance",
    "contrat": "Le contrat en un coup d'œil",
    "quartiers": "L'état des quartiers",
    "cadence": "La cadence des instances",
    "a_decider": "Les décisions à prendre",
}
DEFAULT_ORDERS = {
    NEIGHBOURHOOD: ("portrait", "ffom", "priorites", "suites", "decisions"),
    CONTRACT: ("contrat", "quartiers", "cadence", "a_decider"),
}
FORMAT_LABELS = {NEIGHBOURHOOD: "séance de quartier", CONTRACT: "séance du contrat"}


@dataclass(frozen=True)
class OrderEntry:
    """One step of a running order and whether it is shown."""

    step: str
    visible: bool = True


def seance_format(neighbourhood_id: int | None) -> str:
    """A meeting of one neighbourhood is projected as a revue de projet, any other as a COPIL of the contract."""
    return NEIGHBOURHOOD if neighbourhood_id is not None else CONTRACT


def default_order(fmt: str) -> tuple[OrderEntry, ...]:
    """Every step of the format, shown, in the fixed order."""
    return tuple(OrderEntry(step) for step in DEFAULT_ORDERS[fmt])


def order_from_json(stored, fmt: str) -> tuple[OrderEntry, ...]:
    """The running order kept with a meeting, made whole: unknown or repeated steps dropped, missing ones added
    (shown) at the end; None or anything unreadable gives the default order."""
    if not isinstance(stored, list):
        return default_order(fmt)
    known, seen, entries = DEFAULT_ORDERS[fmt], set(), []
    for item in stored:
        if not isinstance(item, dict) or item.get("step") not in known or item["step"] in seen:
            continue
        seen.add(item["step"])
        entries.append(OrderEntry(item["step"], bool(item.get("visible", True))))
    entries += [OrderEntry(step) for step in known if step not in seen]
    if not any(entry.visible for entry in entries):
        return default_order(fmt)
    return tuple(entries)


def order_to_json(order: Iterable[OrderEntry]) -> list[dict]:
    """The form a running order is stored in."""
    return [{"step": entry.step, "visible": entry.visible} for entry in order]


def validate_order(order: Sequence[OrderEntry], fmt: str) -> list[str]:
    """French messages for everything wrong with a running order (empty when it may be stored)."""
    known = DEFAULT_ORDERS[fmt]
    steps = [entry.step for entry in order]
    errors = []
    unknown = [step for step in steps if step not in known]
    if unknown:
        errors.append(f"Étape inconnue pour une {FORMAT_LABELS[fmt]} : {', '.join(map(str, unknown))}.")
    if len(set(steps)) != len(steps):
        errors.append("Une étape figure deux fois dans le déroulé.")
    missing = [STEP_TITLES[step] for step in known if step not in steps]
    if missing:
        errors.append(f"Le déroulé doit garder toutes les étapes (masquées au besoin) ; il manque : "
                      f"{', '.join(missing)}.")
    if order and not any(entry.visible for entry in order):
        errors.append("Au moins une étape doit rester affichée.")
    return errors


def is_default(order: Sequence[OrderEntry], fmt: str) -> bool:
    """Whether the order is the format's fixed one, every step shown."""
    return tuple(order) == default_order(fmt)


def move_step(order: Sequence[OrderEntry], step: str, offset: int) -> tuple[OrderEntry, ...]:
    """The order with `step` moved `offset` places (−1: earlier), kept within the list."""
    entries = list(order)
    index = next(i for i, entry in enumerate(entries) if entry.step == step)
    target = max(0, min(len(entries) - 1, index + offset))
    entries.insert(target, entries.pop(index))
    return tuple(entries)


def toggle_step(order: Sequence[OrderEntry], step: str) -> tuple[OrderEntry, ...]:
    """The order with `step` shown if hidden, hidden if shown."""
    return tuple(OrderEntry(e.step, not e.visible) if e.step == step else e for e in order)


def visible_steps(order: Iterable[OrderEntry]) -> list[str]:
    """The codes of the steps shown, in order."""
    return [entry.step for entry in order if entry.visible]


# Paging and moving along ---------------------------------------------------------------------------------------


def pages(weights: Sequence[float], budget: float, most: int) -> list[tuple[int, int]]:
    """Cut a list into as few screens as it needs, as even as possible: (start, end) slices of at most `most` items
    and, unless one item alone exceeds it, at most `budget` of their weights (a weight: the lines an item takes)."""
    count = len(_greedy(weights, budget, most))
    balanced = _balanced(list(weights), count, most)
    if balanced and all(sum(weights[a:b]) <= budget or b - a == 1 for a, b in balanced):
        return balanced
    return _greedy(weights, budget, most)


def _greedy(weights: Sequence[float], budget: float, most: int) -> list[tuple[int, int]]:
    screens, start, used = [], 0, 0.0
    for index, weight in enumerate(weights):
        count = index - start
        if count and (count >= most or used + weight > budget):
            screens.append((start, index))
            start, used = index, 0.0
        used += weight
    if start < len(weights) or not screens:
        screens.append((start, len(weights)))
    return screens


def _balanced(weights: list[float], count: int, most: int) -> list[tuple[int, int]] | None:
    """`count` consecutive slices of at most `most` items whose heaviest is as light as possible (None if none)."""
    size = len(weights)
    if count <= 1 or size == 0:
        return [(0, size)] if size <= most else None
    prefix = [0.0]
    for weight in weights:
        prefix.append(prefix[-1] + weight)
    best = {(0, 0): (0.0, None)}  # (screens made, items placed) -> (heaviest screen, previous cut)
    for made in range(1, count + 1):
        for end in range(1, size + 1):
            options = [(max(best[(made - 1, start)][0], prefix[end] - prefix[start]), start)
                       for start in range(max(0, end - most), end) if (made - 1, start) in best]
            if options:
                best[(made, end)] = min(options)
    if (count, size) not in best:
        return None
    cuts, end = [], size
    for made in range(count, 0, -1):
        start = best[(made, end)][1]
        cuts.append((start, end))
        end = start
    return cuts[::-1]


@dataclass(frozen=True)
class Position:
    """Where a séance stands: the n-th shown step (0-based) and the screen within it (0-based)."""

    step: int
    screen: int = 0


def clamp(position: Position, screens: Sequence[int]) -> Position:
    """A position inside the séance (`screens`: how many screens each shown step has)."""
    if not screens:
        return Position(0, 0)
    step = max(0, min(len(screens) - 1, position.step))
    return Position(step, max(0, min(screens[step] - 1, position.screen)))


def next_position(position: Position, screens: Sequence[int]) -> Position:
    """The next screen: the next one of the step, else the first of the next step; the last stays put."""
    here = clamp(position, screens)
    if here.screen + 1 < screens[here.step]:
        return Position(here.step, here.screen + 1)
    if here.step + 1 < len(screens):
        return Position(here.step + 1, 0)
    return here


def previous_position(position: Position, screens: Sequence[int]) -> Position:
    """The previous screen: the previous one of the step, else the last of the previous step."""
    here = clamp(position, screens)
    if here.screen > 0:
        return Position(here.step, here.screen - 1)
    if here.step > 0:
        return Position(here.step - 1, screens[here.step - 1] - 1)
    return here


def screen_number(position: Position, screens: Sequence[int]) -> tuple[int, int]:
    """(n, total): the rank of the screen among all screens of the séance, 1-based."""
    here = clamp(position, screens)
    return sum(screens[: here.step]) + here.screen + 1, sum(screens)


# What changed since the previous meeting -------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A priority's state at the séance and at the previous meeting of the same body."""

    weather: str | None
    progress: int | None
    recorded_on: dt.date | None
    weather_before: str | None
    progress_before: int | None
    points_since: int

    @property
    def progress_delta(self) -> int | None:
        if self.progress is None or self.progress_before is None:
            return None
        return self.progress - self.progress_before

    @property
    def trend(self) -> str:
        """'mieux', 'moins bien', 'stable', 'nouveau' (first météo since), 'sans point' (no point since)."""
        if self.weather is None:
            return "sans point"
        if self.points_since == 0:
            return "sans point"
        if self.weather_before is None:
            return "nouveau"
        difference = WEATHER_SCORES[self.weather] - WEATHER_SCORES[self.weather_before]
        return "mieux" if difference < 0 else "moins bien" if difference > 0 else "stable"


# Each is followed by "depuis <the previous meeting>".
TREND_TEXT = {"mieux": "↗ en mieux", "moins bien": "↘ en moins bien", "stable": "= stable",
              "nouveau": "● premier point", "sans point": "– aucun point"}


def change_since(points: Iterable[tuple[dt.date, str, int | None]], since: dt.date | None,
                 as_of: dt.date) -> Change:
    """A priority's state on `as_of` against its state on `since` (None: no previous meeting), from its points
    (date, météo, progress) in the order they were recorded."""
    ordered = sorted(((day, i), weather, progress) for i, (day, weather, progress) in enumerate(points)
                     if day <= as_of)
    now = ordered[-1] if ordered else None
    before = [p for p in ordered if since is not None and p[0][0] <= since]
    last_before = before[-1] if before else None
    return Change(
        weather=now[1] if now else None, progress=now[2] if now else None, recorded_on=now[0][0] if now else None,
        weather_before=last_before[1] if last_before else None,
        progress_before=last_before[2] if last_before else None,
        points_since=len(ordered) - len(before),
    )


SINCE_PHRASES = {"revue_projet": ("la revue du", "À la revue du"), "copil": ("le COPIL du", "Au COPIL du")}


def since_phrases(kind: str, date_text: str) -> tuple[str, str]:
    """How the previous meeting is named after "depuis" and as a chart's series: ('la revue du 14 avril 2026',
    'À la revue du 14 avril 2026')."""
    after, series = SINCE_PHRASES.get(kind, ("l'instance du", "À l'instance du"))
    return f"{after} {date_text}", f"{series} {date_text}"


PROJECTED_KINDS = ("revue_projet", "copil")


def picker_rank(kind: str, date: dt.date, status: str, today: dt.date) -> tuple:
    """The order in which meetings are offered for a séance: revues and COPIL first, upcoming ones (nearest
    first), then recent ones (latest first), then the rest; cancelled or postponed meetings last."""
    dropped = status in ("annulee", "reportee")
    upcoming = date >= today
    return (kind not in PROJECTED_KINDS, dropped, not upcoming, abs((date - today).days))
