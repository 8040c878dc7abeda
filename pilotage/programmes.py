"""Rules shared by the editing and the import of frameworks and programmes: kinds, bounds, clean texts."""

from __future__ import annotations

import re
import unicodedata

from pilotage.errors import ValidationError

PROGRAMME_KINDS = {"projet_quartier": "Projet de quartier", "pacte": "Pacte", "protocole": "Protocole"}
DEFAULT_LEVELS = ("axe", "objectif", "sous-objectif", "niveau 4", "niveau 5")
MAX_DEPTH = 5
MAX_CODE_LENGTH = 30  # framework_node.code
MAX_LEVEL_LENGTH = 60  # framework_node.level
MAX_TITLE_LENGTH = 500  # a framework node's title
MAX_PRIORITY_LENGTH = 1000
MAX_HEADING_LENGTH = 300
MAX_NUMBER_LENGTH = 40  # priority.number
MAX_NAME_LENGTH = 300  # programme.name


def clean_text(value: str | None) -> str:
    """Spaces collapsed, ends stripped; '' for None."""
    return " ".join((value or "").split())


def length_problem(text: str, limit: int, what: str) -> str | None:
    """A French message when `text` is longer than `limit`, else None."""
    if len(text) > limit:
        return f"{what} est trop long ({len(text)} caractères, {limit} au plus)."
    return None


def required_text(value: str | None, limit: int, what: str) -> str:
    """The cleaned text; ValidationError (French) when empty or too long."""
    text = clean_text(value)
    if not text:
        raise ValidationError(f"{what} est obligatoire.")
    problem = length_problem(text, limit, what)
    if problem:
        raise ValidationError(problem)
    return text


def optional_text(value: str | None, limit: int, what: str) -> str | None:
    """The cleaned text or None; ValidationError (French) when too long."""
    text = clean_text(value)
    problem = length_problem(text, limit, what)
    if problem:
        raise ValidationError(problem)
    return text or None


def header_key(header: str | None) -> str:
    """A header or title without accents, case, punctuation, extra spaces: 'Sous-objectif' -> 'sous objectif'."""
    text = unicodedata.normalize("NFKD", header or "").encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def slugify(text: str) -> str:
    """A URL-safe identifier of a name: 'Projet de quartier Planoise' -> 'projet-de-quartier-planoise'."""
    return "-".join(header_key(text).split())[:70] or "programme"
