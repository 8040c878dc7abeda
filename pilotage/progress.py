"""Pure rules of progress tracking: the météo scale, validation of a point, staleness and roll-ups.

The roll-up rule (one rule for a neighbourhood, a socle-commun objective across neighbourhoods and a
programme): each item counts by the météo of its latest point, stale or not. The overall météo is the
mean of the assessed items' scores (sécurisé 0, atteignable 1, appui nécessaire 2, compromis 3) rounded
to the nearest level, a tie going to the worse level; items without any point are counted apart and do
not weigh. A roll-up is always shown with the counts behind it, never as a bare level.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import asdict, dataclass, field

from pilotage.formats import format_date, plural

WEATHERS = ("securise", "atteignable", "appui_necessaire", "compromis")
WEATHER_SCORES = {weather: score for score, weather in enumerate(WEATHERS)}
WEATHER_LABELS = {"securise": "Sécurisé", "atteignable": "Atteignable", "appui_necessaire": "Appui nécessaire",
                  "compromis": "Compromis"}
# Symbols every common font has (sun, cloud, umbrella, lightning): the label always goes with them.
WEATHER_ICONS = {"securise": "☀", "atteignable": "☁", "appui_necessaire": "☂", "compromis": "⚡"}
WEATHER_HINTS = {
    "securise": "l'engagement sera tenu, sans difficulté particulière",
    "atteignable": "l'engagement peut être tenu, avec une vigilance",
    "appui_necessaire": "l'engagement ne sera tenu qu'avec un appui (arbitrage, moyens, partenaire)",
    "compromis": "l'engagement ne sera pas tenu en l'état",
}
NO_POINT_ICON, NO_POINT_LABEL = "◌", "Pas encore de point"
STALE_ICON, STALE_LABEL = "⚑", "Sans nouvelles"
RECENT_LABEL = "Point récent"
FEMININE_NOUNS = frozenset({"priorité", "mesure"})
REVUE_WINDOW_DAYS = 31  # points recorded within a month after a revue de projet count as its output
COMMENT_FIELDS = ("difficulties", "next_steps", "successes")
COMMENT_LABELS = {"difficulties": "Difficultés et points de blocage", "next_steps": "Prochaines étapes",
                  "successes": "Réussites"}


def weather_text(weather: str | None) -> str:
    """'☁ Atteignable'; '◌ Pas encore de point' when there is no point."""
    if weather is None or weather != weather:  # None or NaN from a DataFrame
        return f"{NO_POINT_ICON} {NO_POINT_LABEL}"
    return f"{WEATHER_ICONS[weather]} {WEATHER_LABELS[weather]}"


def stale_words(months: int | None) -> str:
    """'sans nouvelles depuis plus de 6 mois' (just 'sans nouvelles' when the threshold is not known)."""
    return f"sans nouvelles depuis plus de {months} mois" if months else "sans nouvelles"


def freshness_text(recorded_on: dt.date | None, stale: bool, months: int | None) -> str:
    """How recent a priority's news is, in plain words: 'Pas encore de point', 'Point récent (14 octobre 2026)',
    '⚑ Sans nouvelles depuis plus de 6 mois (dernier point : 9 avril 2024)'; `months` None: staleness not
    followed (a finished contract), the last point's date only."""
    has_point = isinstance(recorded_on, dt.date)
    if not has_point:
        return f"{NO_POINT_ICON} {NO_POINT_LABEL}"
    if stale:
        return f"{STALE_ICON} {stale_words(months).capitalize()} (dernier point : {format_date(recorded_on)})"
    if months is None:
        return f"Dernier point : {format_date(recorded_on)}"
    return f"{RECENT_LABEL} ({format_date(recorded_on)})"


def weather_from_label(text: str | None) -> str | None:
    """The code of a météo typed as its label or code, with or without its icon; None if unknown."""
    if text is None:
        return None
    cleaned = str(text).strip().lower()
    for icon in WEATHER_ICONS.values():
        cleaned = cleaned.replace(icon, "")
    cleaned = cleaned.strip()
    for code, label in WEATHER_LABELS.items():
        if cleaned in (code, label.lower()):
            return code
    return None


@dataclass(frozen=True)
class PointInput:
    """A point d'avancement to record (no id yet)."""

    priority_id: int
    recorded_on: dt.date
    weather: str
    progress: int | None = None
    difficulties: str | None = None
    next_steps: str | None = None
    successes: str | None = None
    author: str | None = None
    meeting_id: int | None = None


def clean_text(value: str | None) -> str | None:
    """Strip a comment; an empty one is None."""
    if value is None or value != value:
        return None
    text = str(value).strip()
    return text or None


def validate_point(point: PointInput, *, last_on: dt.date | None, today: dt.date) -> list[str]:
    """French messages for everything wrong with a point (empty when it may be recorded)."""
    errors = []
    if point.weather not in WEATHERS:
        allowed = ", ".join(WEATHER_LABELS.values())
        errors.append(f"Météo manquante ou inconnue. Valeurs permises : {allowed}.")
    if point.progress is not None and (
        isinstance(point.progress, bool) or not isinstance(point.progress, int) or not 0 <= point.progress <= 100
    ):
        errors.append("L'avancement doit être un nombre entier de 0 à 100.")
    if point.recorded_on > today:
        errors.append(f"La date du point ({format_date(point.recorded_on)}) est dans le futur.")
    elif last_on is not None and point.recorded_on < last_on:
        errors.append(f"La date du point ({format_date(point.recorded_on)}) est antérieure au dernier point "
                      f"({format_date(last_on)}) : un point ne s'insère pas dans l'historique.")
    return errors


def _progress_value(value) -> int | None:
    return None if value is None or value != value else int(value)


def same_values(new: Mapping, last: Mapping | None) -> bool:
    """Whether `new` repeats `last` (mappings of a point's fields): date, météo, progress and comments."""
    if last is None:
        return False
    return (
        new.get("recorded_on") == last.get("recorded_on")
        and new.get("weather") == last.get("weather")
        and _progress_value(new.get("progress")) == _progress_value(last.get("progress"))
        and all(clean_text(new.get(name)) == clean_text(last.get(name)) for name in COMMENT_FIELDS)
    )


def same_as(point: PointInput, last: Mapping | None) -> bool:
    """Whether `point` repeats `last`, the latest point's fields, date included."""
    return same_values(asdict(point), last)


def priority_label(number: str | None, position: int, text: str, kind: str | None = None, width: int = 60) -> str:
    """'Mesure 10 « Nous organiserons… »' or, when the document does not number, 'Priorité 3 « … »'."""
    short = text if len(text) <= width else text[: width - 1].rstrip() + "…"
    if number and number == number:
        head = number if not str(number).isdigit() else f"{unit_noun(kind).capitalize()} {number}"
    else:
        head = f"{unit_noun(kind).capitalize()} {position + 1}"
    return f"{head} « {short} »"


def unit_noun(kind: str | None) -> str:
    """What a programme's commitments are called: 'mesure' in a pacte, 'priorité' elsewhere."""
    return "mesure" if kind == "pacte" else "priorité"


def bulk_points(rows: Iterable[Mapping], *, recorded_on: dt.date, author: str | None,
                meeting_id: int | None) -> list[PointInput]:
    """The points a bulk form records: rows changed from their last point, and rows marked to repeat it.

    Each row holds priority_id, weather, progress, the comments, `confirm` (repeat the last point as it is)
    and `last` (the latest point's fields, or None).
    """
    points = []
    for row in rows:
        values = {"weather": row.get("weather"), "progress": _progress_value(row.get("progress")),
                  **{name: clean_text(row.get(name)) for name in COMMENT_FIELDS}}
        last = row.get("last")
        if last is None:
            changed = any(value is not None for value in values.values())
        else:
            changed = not same_values({**values, "recorded_on": None}, {**last, "recorded_on": None})
        if changed or row.get("confirm"):
            points.append(PointInput(priority_id=int(row["priority_id"]), recorded_on=recorded_on,
                                     weather=values["weather"] or "", progress=values["progress"],
                                     author=clean_text(author), meeting_id=meeting_id,
                                     **{name: values[name] for name in COMMENT_FIELDS}))
    return points


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def is_stale(last_on: dt.date | None, today: dt.date, staleness_months: int) -> bool:
    """'Sans nouvelles': no point at all, or the latest is older than `staleness_months` months."""
    return last_on is None or last_on < months_before(today, staleness_months)


def revue_without_points(revue_on: dt.date | None, revue_id: int | None,
                         points: Iterable[tuple[dt.date, int | None]]) -> bool:
    """Whether the last revue de projet produced no point: none linked to it nor recorded within a month after."""
    if revue_on is None:
        return False
    window_end = revue_on + dt.timedelta(days=REVUE_WINDOW_DAYS)
    return not any(
        (revue_id is not None and meeting_id == revue_id) or revue_on <= recorded_on <= window_end
        for recorded_on, meeting_id in points
    )


@dataclass(frozen=True)
class ItemState:
    """What a roll-up needs of one priority: its latest météo and progress, and whether it is stale."""

    weather: str | None
    progress: int | None = None
    stale: bool = False


@dataclass(frozen=True)
class RollUp:
    total: int
    counts: dict[str, int] = field(default_factory=dict)
    stale: int = 0
    weather: str | None = None
    progress_mean: float | None = None
    progress_count: int = 0

    @property
    def assessed(self) -> int:
        return sum(self.counts.values())

    @property
    def unassessed(self) -> int:
        return self.total - self.assessed

    def summary(self, noun: str = "priorité", plural_noun: str | None = None, stale_months: int | None = None) -> str:
        """'☁ Atteignable — 9 priorités évaluées sur 12 · 2 ⚡ compromises · 3 ⚑ sans nouvelles depuis plus de
        6 mois' (a masculine noun such as 'engagement' agrees: 'évalués')."""
        feminine = noun in FEMININE_NOUNS
        if self.total == 0:
            return f"{'Aucune' if feminine else 'Aucun'} {noun}"
        head = weather_text(self.weather)
        ending = ("e" if feminine else "") + ("s" if self.assessed > 1 else "")
        assessed = f"{plural(self.assessed, noun, plural_noun)} évalué{ending}"
        all_stale = self.assessed and self.stale >= self.total > 1
        if all_stale:  # the météo is only that of old points: say so instead of a bare "Atteignable"
            head += " au dernier point"
            every = "toutes" if feminine else "tous"
            assessed += f" sur {self.total}, {every} {STALE_ICON} {stale_words(stale_months)}"
        else:
            assessed += f" sur {self.total}"
        parts = [f"{head} — {assessed}"]
        if self.counts.get("compromis"):
            count = self.counts["compromis"]
            word = ("compromise" + ("s" if count > 1 else "")) if feminine else "compromis"
            parts.append(f"{count} {WEATHER_ICONS['compromis']} {word}")
        if self.stale and not all_stale:
            parts.append(f"{self.stale} {STALE_ICON} {stale_words(stale_months)}")
        return " · ".join(parts)


def overall_weather(weathers: Iterable[str]) -> str | None:
    """Mean score rounded to the nearest level, ties to the worse one; None without any météo."""
    scores = [WEATHER_SCORES[w] for w in weathers]
    if not scores:
        return None
    level = (2 * sum(scores) + len(scores)) // (2 * len(scores))  # exact round-half-up on integers
    return WEATHERS[level]


def roll_up(items: Iterable[ItemState]) -> RollUp:
    """The state of a set of priorities (see the module docstring for the rule)."""
    items = list(items)
    weathers = [i.weather for i in items if i.weather in WEATHER_SCORES]
    counts = {w: weathers.count(w) for w in WEATHERS if w in weathers}
    progresses = [i.progress for i in items if i.progress is not None and i.progress == i.progress]
    return RollUp(
        total=len(items),
        counts=counts,
        stale=sum(1 for i in items if i.stale),
        weather=overall_weather(weathers),
        progress_mean=sum(progresses) / len(progresses) if progresses else None,
        progress_count=len(progresses),
    )


def group_roll_ups(pairs: Iterable[tuple[Hashable, ItemState]]) -> dict[Hashable, RollUp]:
    """One roll-up per key (a matrix cell, a neighbourhood, a programme) of the items filed under it."""
    groups: dict[Hashable, list[ItemState]] = {}
    for key, item in pairs:
        groups.setdefault(key, []).append(item)
    return {key: roll_up(items) for key, items in groups.items()}


def quarter_ends(first: dt.date, today: dt.date) -> list[dt.date]:
    """The last day of every quarter from `first`'s quarter up to today (today closing the list)."""
    dates = []
    year, quarter = first.year, (first.month - 1) // 3
    while True:
        month = quarter * 3 + 3
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
        if end >= today:
            dates.append(today)
            return dates
        dates.append(end)
        year, quarter = (year + 1, 0) if quarter == 3 else (year, quarter + 1)


def weather_distribution(points: Iterable[tuple[int, dt.date, str]], priority_ids: Iterable[int],
                         dates: list[dt.date]) -> list[tuple[dt.date, str | None, int]]:
    """For each date, how many of the priorities stood at each météo (None: no point yet) by their latest point."""
    ids = set(priority_ids)
    ordered = sorted((p for p in points if p[0] in ids), key=lambda p: p[1])
    current: dict[int, str] = {}
    result, index = [], 0
    for day in sorted(dates):
        while index < len(ordered) and ordered[index][1] <= day:
            current[ordered[index][0]] = ordered[index][2]
            index += 1
        for weather in WEATHERS:
            result.append((day, weather, sum(1 for w in current.values() if w == weather)))
        result.append((day, None, len(ids) - len(current)))
    return result
