"""Accounts: the initial administrator, creation, role and scope, deactivation, passwords."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pilotage import audit
from pilotage.errors import ValidationError
from pilotage.models import Neighbourhood, User
from pilotage.passwords import MIN_PASSWORD_LENGTH, generate_password, hash_password
from pilotage.permissions import ADMIN, ROLES, Actor
from pilotage.services.base import ensure_permission, ensure_version, get_or_fail, run_write

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
INITIAL_ADMIN = "admin"
# Shorter than the column (200): texts such as "Saisi par <nom>" are built from it and must fit theirs.
DISPLAY_NAME_MAX_LENGTH = 120


def _validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.")


def _neighbourhoods(session: Session, ids: Iterable[int]) -> list[Neighbourhood]:
    ids = sorted(set(ids))
    found = list(session.scalars(select(Neighbourhood).where(Neighbourhood.id.in_(ids)))) if ids else []
    if len(found) != len(ids):
        raise ValidationError("Un des quartiers choisis n'existe pas.")
    return found


def _validate_profile(display_name: str, role: str) -> None:
    if not display_name.strip():
        raise ValidationError("Le nom affiché est obligatoire.")
    if len(display_name.strip()) > DISPLAY_NAME_MAX_LENGTH:
        raise ValidationError(f"Nom affiché : {DISPLAY_NAME_MAX_LENGTH} caractères au plus "
                              f"({len(display_name.strip())} saisis).")
    if role not in ROLES:
        raise ValidationError(f"Rôle inconnu : {role}.")


def ensure_initial_admin(session: Session, password: str | None) -> str | None:
    """Create the administrator when there is no account; return the generated password, if any."""
    if session.scalar(select(func.count()).select_from(User)):
        return None
    generated = None if password else generate_password()
    admin = User(
        username=INITIAL_ADMIN,
        display_name="Administrateur",
        password_hash=hash_password(password or generated),
        role="administrateur",
        all_neighbourhoods=True,
    )

    def write() -> None:
        session.add(admin)
        session.flush()
        audit.record(session, None, "create", "user", admin.id, "Création du compte administrateur initial",
                     after=audit.snapshot(admin))

    run_write(session, write)
    return generated


def create_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    display_name: str,
    role: str,
    password: str,
    all_neighbourhoods: bool = False,
    neighbourhood_ids: Iterable[int] = (),
) -> int:
    """Create an account; return its id."""
    ensure_permission(actor, ADMIN)
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise ValidationError(
            "L'identifiant doit faire 3 à 40 caractères : lettres minuscules sans accent, chiffres, . _ -"
        )
    _validate_profile(display_name, role)
    _validate_password(password)
    if session.scalar(select(User.id).where(User.username == username)):
        raise ValidationError(f"L'identifiant « {username} » est déjà pris.")
    user = User(
        username=username,
        display_name=display_name.strip(),
        role=role,
        password_hash=hash_password(password),
        all_neighbourhoods=all_neighbourhoods,
        neighbourhoods=_neighbourhoods(session, neighbourhood_ids),
    )

    def write() -> int:
        session.add(user)
        session.flush()
        audit.record(session, actor, "create", "user", user.id, f"Création du compte {username}",
                     after=_user_snapshot(user))
        return user.id

    return run_write(session, write)


def _user_snapshot(user: User) -> dict:
    data = audit.snapshot(user)
    data["neighbourhoods"] = sorted(n.name for n in user.neighbourhoods)
    return data


def update_user(
    session: Session,
    actor: Actor,
    user_id: int,
    *,
    expected_version: int,
    display_name: str,
    role: str,
    active: bool,
    all_neighbourhoods: bool,
    neighbourhood_ids: Iterable[int],
) -> None:
    """Change an account's name, role, neighbourhood scope or activity."""
    ensure_permission(actor, ADMIN)
    user = get_or_fail(session, User, user_id, "Compte")
    ensure_version(user, expected_version)
    _validate_profile(display_name, role)
    if user.id == actor.id and (role != "administrateur" or not active):
        raise ValidationError(
            "Vous ne pouvez pas retirer vos propres droits d'administrateur ni désactiver votre compte."
        )
    before = _user_snapshot(user)

    def write() -> None:
        user.display_name = display_name.strip()
        user.role = role
        user.active = active
        user.all_neighbourhoods = all_neighbourhoods
        user.neighbourhoods = _neighbourhoods(session, neighbourhood_ids)
        session.flush()
        audit.record(session, actor, "update", "user", user.id, f"Modification du compte {user.username}",
                     before=before, after=_user_snapshot(user))

    run_write(session, write)


def reset_password(session: Session, actor: Actor, user_id: int, *, expected_version: int, new_password: str) -> None:
    """Set a new password on an account (the password itself is never audited)."""
    ensure_permission(actor, ADMIN)
    user = get_or_fail(session, User, user_id, "Compte")
    ensure_version(user, expected_version)
    _validate_password(new_password)

    def write() -> None:
        user.password_hash = hash_password(new_password)
        session.flush()
        audit.record(session, actor, "reset_password", "user", user.id,
                     f"Réinitialisation du mot de passe de {user.username}")

    run_write(session, write)
