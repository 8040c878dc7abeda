"""Pure rules of an indicator map: the latest value per neighbourhood, classes and their colours."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pilotage.formats import format_value

# ColorBrewer "Blues", sequential, by number of classes: light to dark reads as low to high.
BLUES = {
    1: ((49, 130, 189),),
    2: ((158, 202, 225), (49, 130, 189)),
    3: ((222, 235, 247), (158, 202, 225), (49, 130, 189)),
    4: ((239, 243, 255), (189, 215, 231), (107, 174, 214), (33, 113, 181)),
    5: ((239, 243, 255), (189, 215, 231), (107, 174, 214), (49, 130, 189), (8, 81, 156)),
}
MAX_CLASSES = 5
T = TypeVar("T")
NO_DATA_COLOR = (209, 213, 219)


def year_key(label: str | None) -> int:
    """The most recent four-digit year a printed period names ('2017-2019' -> 2019; none -> -1)."""
    years = [int(y) for y in re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", label or "")]
    return max(years) if years else -1


def latest_by_area(rows: Iterable[T], area: Callable[[T], int], year: Callable[[T], str | None]) -> dict[int, T]:
    """For each area, its row of the most recent year (ties: the last one given)."""
    latest: dict[int, T] = {}
    for row in rows:
        current = latest.get(area(row))
        if current is None or year_key(year(row)) >= year_key(year(current)):
            latest[area(row)] = row
    return latest


@dataclass(frozen=True)
class ValueClass:
    lower: float
    upper: float
    color: tuple[int, int, int]
    count: int
    label: str


def classes_for(values: Sequence[float], unit: str, decimals: int, max_classes: int = MAX_CLASSES
                ) -> tuple[ValueClass, ...]:
    """Quantile classes of the distinct values (at most `max_classes`), each labelled with its range in French."""
    distinct = sorted({round(v, decimals) for v in values})
    if not distinct:
        return ()
    count = min(max_classes, len(distinct))
    cuts = [round(i * len(distinct) / count) for i in range(count + 1)]
    groups = [distinct[start:stop] for start, stop in zip(cuts[:-1], cuts[1:], strict=True)]
    palette = BLUES[count]
    result = []
    for position, group in enumerate(groups):
        lower, upper = group[0], group[-1]
        members = sum(1 for v in values if lower <= round(v, decimals) <= upper)
        result.append(ValueClass(lower, upper, palette[position], members, _label(lower, upper, unit, decimals)))
    return tuple(result)


def _label(lower: float, upper: float, unit: str, decimals: int) -> str:
    if lower == upper:
        return format_value(lower, unit, decimals)
    return f"de {format_value(lower, unit, decimals)} à {format_value(upper, unit, decimals)}"


def class_of(value: float | None, classes: Sequence[ValueClass], decimals: int) -> ValueClass | None:
    """The class a value falls in (None for a missing value)."""
    if value is None or value != value:
        return None
    rounded = round(value, decimals)
    for item in classes:
        if rounded <= item.upper:
            return item
    return classes[-1] if classes else None


def years_label(years: Iterable[str]) -> str:
    """'Année : 2018', or 'Années : 2017 à 2019' when the latest values differ by neighbourhood."""
    shown = sorted(set(years), key=lambda y: (year_key(y), y))
    if not shown:
        return "Aucune année"
    if len(shown) == 1:
        return f"Année : {shown[0]}"
    return f"Années : {shown[0]} à {shown[-1]} (la plus récente de chaque quartier)"
