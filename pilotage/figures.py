"""Cells of statistical tables as the INSEE and the observatories publish them: numbers, gaps, years."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

# Marks of a figure that is not given: non communiqué, secret statistique, non disponible, sans objet.
MISSING_MARKS = {"n.c.", "nc", "n.c", "s", "secret", "secret statistique", "nd", "n.d.", "n.d", "so", "s.o.",
                 "-", "–", "—", "..", "...", "na", "n/a", "#n/a", "x"}
SPACES = re.compile(r"[\s\u00a0\u202f']")
NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
THOUSANDS = re.compile(r"[+-]?\d{1,3}([.,]\d{3})+")
YEAR = r"(19[5-9]\d|20\d\d)"
YEAR_FORMATS = (
    (re.compile(rf"{YEAR}(\.0+)?"), lambda m: m[1]),  # 2020, or 2020.0 from a spreadsheet
    (re.compile(rf"{YEAR}\s*[-–/]\s*{YEAR}"), lambda m: f"{m[1]}-{m[2]}"),  # a period 2019-2020
    (re.compile(rf"(?:au\s+|le\s+)?\d{{1,2}}/\d{{1,2}}/{YEAR}"), lambda m: m[1]),  # au 01/01/2021
    (re.compile(rf"{YEAR}-\d\d-\d\d(?:[ T]00:00(?::00)?)?"), lambda m: m[1]),  # 2021-01-01 from a date cell
    (re.compile(rf"(?:rp|recensement|millésime|annee|année)\s*{YEAR}"), lambda m: m[1]),  # RP 2021
)


class CellError(ValueError):
    """A cell that cannot be read as asked; the message is French and names the cell's text."""


@dataclass(frozen=True)
class Missing:
    """A cell that says the figure is not given (« n.c. », « s »): what the file wrote."""

    mark: str


def shown(value: Any) -> str:
    """A cell's text as a report quotes it, cut at 40 characters."""
    text = "" if value is None else str(value).strip()
    return text if len(text) <= 40 else text[:39] + "…"


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def parse_number(value: Any) -> float | Missing:
    """A figure: 13,2 · 13.2 · 15 378 · 1.234,5 · 13,2 % · a spreadsheet number; a gap mark gives Missing."""
    if isinstance(value, bool):
        raise CellError(f"« {value} » n'est pas un nombre")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise CellError(f"« {value} » n'est pas un nombre fini")
        return float(value)
    text = "" if value is None else str(value).strip()
    if text.lower() in MISSING_MARKS or not text:
        return Missing(text)
    compact = SPACES.sub("", text).removesuffix("%").removesuffix("€")
    if THOUSANDS.fullmatch(compact) and compact.count(",") + compact.count(".") > 1:
        compact = compact.replace(".", "").replace(",", "")
    elif compact.count(",") == 1 and compact.count(".") == 1:  # 1.234,5 or 1,234.5: the last one is decimal
        decimal = "," if compact.rfind(",") > compact.rfind(".") else "."
        compact = compact.replace("." if decimal == "," else ",", "")
    compact = compact.replace(",", ".")
    if not NUMBER.fullmatch(compact):
        raise CellError(f"« {shown(value)} » n'est pas un nombre")
    number = float(compact)
    if not math.isfinite(number):
        raise CellError(f"« {shown(value)} » n'est pas un nombre fini")
    return number


def parse_year(value: Any) -> str:
    """The year of a figure as the portraits show it: '2020', or a period '2019-2020'."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    elif isinstance(value, float) and value.is_integer():
        value = str(int(value))
    elif hasattr(value, "year") and hasattr(value, "month"):  # a date cell of a workbook
        value = str(value.year)
    text = " ".join(str(value or "").split()).lower()
    if not text:
        raise CellError("l'année est vide")
    for pattern, normal in YEAR_FORMATS:
        found = pattern.fullmatch(text)
        if found:
            return normal(found)
    raise CellError(f"« {shown(value)} » n'est pas une année reconnue (2020, 2019-2020, au 01/01/2021)")
