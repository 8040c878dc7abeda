"""Roles to actions: who may read, edit which neighbourhoods, administer."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("lecteur", "contributeur", "administrateur")
ROLE_LABELS = {"lecteur": "Lecteur", "contributeur": "Contributeur", "administrateur": "Administrateur"}

READ = "read"
EDIT = "edit"  # neighbourhood data: SWOT, priorities, progress, meetings and decisions
ADMIN = "admin"  # accounts, imports, audit journal
PROGRAMMES = "programmes"  # the programme editor: administrators, and contributors for their neighbourhoods
# The URL paths of the pages behind ADMIN (the router registers them; the HTTP guard turns others away from them).
ADMIN_URL_PATHS = frozenset({"comptes", "contrats", "donnees", "indicateurs", "journal", "quartiers-contrat"})
ACTIONS = (READ, EDIT, ADMIN, PROGRAMMES)


@dataclass(frozen=True)
class Actor:
    """The signed-in user as the domain sees it: no ORM object, safe to keep in a UI session."""

    id: int
    username: str
    display_name: str
    role: str
    all_neighbourhoods: bool = False
    neighbourhood_ids: frozenset[int] = field(default_factory=frozenset)
    active: bool = True


def can(actor: Actor | None, action: str, neighbourhood_id: int | None = None) -> bool:
    """Whether `actor` may do `action`, on one neighbourhood's data or (None) on contract-wide data."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if actor is None or not actor.active:
        return False
    if actor.role == "administrateur":
        return True
    if action == READ:
        return True
    if action == PROGRAMMES:  # the page opens; the services check each programme's neighbourhood
        return actor.role == "contributeur" and (actor.all_neighbourhoods or bool(actor.neighbourhood_ids))
    if action == EDIT and actor.role == "contributeur":
        if actor.all_neighbourhoods:
            return True
        return neighbourhood_id is not None and neighbourhood_id in actor.neighbourhood_ids
    return False


def scope_label(actor: Actor, names_by_id: dict[int, str]) -> str:
    """French description of what an actor may edit."""
    if actor.role == "administrateur":
        return "Tous droits"
    if actor.role == "lecteur":
        return "Lecture seule"
    if actor.all_neighbourhoods:
        return "Tous les quartiers"
    names = sorted(names_by_id[i] for i in actor.neighbourhood_ids if i in names_by_id)
    return ", ".join(names) if names else "Aucun quartier"
