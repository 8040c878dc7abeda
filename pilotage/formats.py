"""French formats: numbers, percentages, dates."""

from __future__ import annotations

import datetime as dt

NBSP = "\u00a0"
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
KIND_LABELS = {"qpv": "QPV", "fragile": "Quartier fragile", "veille": "Quartier en veille"}
KIND_LABELS_PLURAL = {"qpv": "QPV", "fragile": "Quartiers fragiles", "veille": "Quartiers en veille"}
CONTRACT_STATUS_LABELS = {"en_cours": "en cours", "termine": "terminé", "cadre": "cadre stratégique"}
MEETING_KIND_LABELS = {"copil": "Comité de pilotage", "comite_technique": "Comité technique",
                       "revue_projet": "Revue de projet", "equipe_projet": "Équipe projet",
                       "conseil_citoyen": "Conseil citoyen", "concertation": "Concertation", "signature": "Signature"}
MEETING_STATUS_LABELS = {"prevue": "prévue", "tenue": "tenue", "annulee": "annulée", "reportee": "reportée"}
DECISION_KIND_LABELS = {"decision": "décision", "suite": "suite à donner"}
DECISION_STATUS_LABELS = {"ouverte": "ouverte", "faite": "faite", "abandonnee": "abandonnée"}


def format_number(value: float | int | None, decimals: int = 0) -> str:
    """15378 -> '15 378'; 13.25 with 1 decimal -> '13,3'; None -> '—'."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


def format_percent(value: float | None, decimals: int = 1) -> str:
    """13.2 -> '13,2 %' (the value is already in percent)."""
    if value is None:
        return "—"
    return f"{format_number(value, decimals)}{NBSP}%"


def format_value(value: float | None, unit: str, decimals: int = 0, *, signed: bool = False) -> str:
    """A figure with its unit as the documents print it: '13,2 %', '23 %' (a whole percentage has no decimals),
    '15 378 habitants', '1 234 €'; `signed` puts '+' before a rise ('+0,6 %')."""
    if value is None or value != value:
        return "—"
    if unit == "%":
        text = format_percent(value, 0 if float(value).is_integer() else decimals)
    else:
        text = f"{format_number(value, decimals)}{NBSP}{unit}" if unit else format_number(value, decimals)
    return "+" + text if signed and value > 0 else text


def format_date(value: dt.date | dt.datetime | None) -> str:
    """28 avril 2023 (1er for the first day of a month)."""
    if value is None:
        return "—"
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def format_datetime(value: dt.datetime | None) -> str:
    """28 avril 2023 à 14 h 05."""
    if value is None:
        return "—"
    return f"{format_date(value)} à {value.hour} h {value.minute:02d}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 quartier', '12 quartiers', '0 quartier' (French: singular below 2)."""
    word = singular if abs(count) < 2 else (plural_form or singular + "s")
    return f"{format_number(count)} {word}"


def format_time(value: dt.time | None) -> str:
    """14 h, 9 h 30 ('' when there is no time)."""
    if value is None:
        return ""
    return f"{value.hour} h" if value.minute == 0 else f"{value.hour} h {value.minute:02d}"
