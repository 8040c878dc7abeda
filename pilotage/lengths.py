"""Every text a service writes fits its column: checked before the database sees it, and told in French.

SQLite would store any length; PostgreSQL refuses with an error that echoes the whole row (a password hash
included). The check runs at every flush of the product's sessions, so no service can forget it, and reads
the sizes from the models themselves, so a migration that widens a column widens the check.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from pilotage.errors import ValidationError
from pilotage.formats import format_number

# French names of the columns a user can fill, as the forms call them.
FIELD_LABELS = {
    "username": "Identifiant",
    "display_name": "Nom affiché",
    "author": "Auteur du point",
    "title": "Intitulé",
    "name": "Nom",
    "label": "Libellé",
    "place": "Lieu",
    "chairs": "Présidence",
    "section": "Rubrique",
    "source": "Source",
    "commune": "Commune",
    "official_code": "Code officiel",
    "address": "Adresse",
    "text": "Texte",
    "code": "Code",
    "unit": "Unité",
    "year": "Année",
    "number": "Numéro",
}


def length_problems(obj: Any) -> list[str]:
    """French messages for each text attribute of `obj` longer than its column."""
    problems = []
    for attr in inspect(obj).mapper.column_attrs:
        column = attr.columns[0]
        limit = getattr(column.type, "length", None) if isinstance(column.type, String) else None
        value = getattr(obj, attr.key, None)
        if limit and isinstance(value, str) and len(value) > limit:
            label = FIELD_LABELS.get(attr.key, attr.key)
            problems.append(f"{label} : {format_number(limit)} caractères au plus "
                            f"({format_number(len(value))} saisis).")
    return problems


def _check_before_flush(session: Session, _context, _instances) -> None:
    problems = [problem for obj in (*session.new, *session.dirty) for problem in length_problems(obj)]
    if problems:
        raise ValidationError("Rien n'a été enregistré. " + " ".join(dict.fromkeys(problems)))


def enforce_lengths(factory: sessionmaker[Session]) -> None:
    """Check lengths at every flush of the sessions `factory` makes."""
    event.listen(factory, "before_flush", _check_before_flush)
