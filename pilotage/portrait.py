"""Pure rules of the portrait: how each indicator is printed and whether it is drawn as bars or given as a figure.

An indicator is drawn as bars only when bars compare like with like: a rate (%) or an amount (€) with a value
for at least one comparison area and no negative value. Bars start at zero on one axis per unit: 0-100 % for
percentages, 0 to the largest value of the unit for amounts. Counts (habitants, logements, élèves...),
evolutions and figures without comparison are given as figures with their year and source.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from pilotage.formats import format_value
from pilotage.queries.neighbourhoods import year_of
from pilotage.sources import portrait_source

BARS, FIGURE = "bars", "figure"
CHANGE_WORDS = re.compile(r"^\s*(évolution|variation)\b", re.IGNORECASE)


def is_change(code: str | None, label: str | None) -> bool:
    """Whether an indicator is an evolution (printed with its sign: '+0,6 %')."""
    return bool(isinstance(code, str) and "change" in code) or bool(
        isinstance(label, str) and CHANGE_WORDS.match(label))


def is_rate_or_amount(unit: str | None) -> bool:
    """Units that bars may compare: percentages and amounts in euros."""
    return isinstance(unit, str) and (unit == "%" or "€" in unit)


def format_figure(value: float | None, unit: str, decimals: int, *, signed: bool = False) -> str:
    """An indicator's value as the document prints it ('23 %', '13,2 %', '+0,6 %', '15 378 habitants')."""
    return format_value(None if pd.isna(value) else float(value), unit or "", int(decimals), signed=signed)


def _display(df: pd.DataFrame) -> pd.Series:
    """BARS or FIGURE for every row, decided per indicator (see the module docstring)."""
    compared = df[df["area_kind"] != "quartier"].groupby("indicator_id")["value"].apply(lambda s: s.notna().any())
    negative = df.groupby("indicator_id")["value"].apply(lambda s: bool((s < 0).any()))
    first = df.groupby("indicator_id")[["code", "label", "unit"]].first()
    bars = {i for i, r in first.iterrows()
            if is_rate_or_amount(r["unit"]) and compared.get(i, False) and not negative[i]
            and not is_change(r["code"], r["label"])}
    return df["indicator_id"].map(lambda i: BARS if i in bars else FIGURE)


def prepare(portrait: pd.DataFrame, freshness_years: int, today: dt.date) -> pd.DataFrame:
    """Add display columns to list_portrait's rows: area label, printed value, document title, chart or figure."""
    df = portrait.copy()
    signed = [is_change(c, label) for c, label in zip(df["code"], df["label"], strict=True)]
    df["figure"] = [format_figure(v, u, d, signed=s)
                    for v, u, d, s in zip(df["value"], df["unit"], df["decimals"], signed, strict=True)]
    df["shown"] = [("pas de donnée" if pd.isna(v) else f"{f} ({y})" if isinstance(y, str) and y else f)
                   for v, f, y in zip(df["value"], df["figure"], df["year"], strict=True)]
    duplicated = df.duplicated(["indicator_id", "area"], keep=False)
    df["row"] = df["area"].where(~duplicated, df["area"] + " " + df["year"].fillna(""))
    years = df["year"].map(year_of)
    df["stale"] = (df["area_kind"] == "quartier") & years.notna() & (today.year - years > freshness_years)
    own = df.loc[df["area_kind"] == "quartier", "area"]
    name = own.iloc[0] if not own.empty else ""
    df["document_title"] = [portrait_source(s, name) if isinstance(s, str) else "" for s in df["source"]]
    df["display"] = _display(df) if not df.empty else pd.Series(dtype=object)
    return df


def axis_maximum(unit: str, values: pd.Series) -> float:
    """The end of the shared axis of one unit: 100 for percentages, else the largest value (never zero)."""
    if unit == "%":
        return 100.0
    largest = values.dropna().abs().max() if values.notna().any() else 0
    return float(largest) if largest else 1.0

