"""Accounts: the initial administrator, creation, role and scope, deactivation, passwords."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pilotage import audit
from pilotage.errors import ValidationError
from pilotage.models import Neighbourhood, User
from pilotage.password_policy import check_password
from pilotage.passwords import generate_password, hash_password
from pilotage.permissions import ADMIN, ROLES, Actor
from pilotage.services.auth import revoke_sessions
from pilotage.services.base import ensure_permission, ensure_version, get_or_fail, run_write

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
INITIAL_ADMIN = "admin"
# Shorter than the column (200): texts such as "Saisi par <nom>" are built from it and must fit theirs.
DISPLAY_NAME_MAX_LENGTH = 120


def _email(session: Session, email: str | None, user_id: int | None = None) -> str | None:
    """A valid, unused e-mail address in lower case, or None when left empty."""
    email = (email or "").strip().lower()
    if not email:
        return None
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        raise ValidationError(f"L'adresse électronique « {email} » n'est pas valide.")
    taken = session.scalar(select(User.id).where(func.lower(User.email) == email))
    if taken is not None and taken != user_id:
        raise ValidationError(f"L'adresse électronique « {email} » est déjà celle d'un autre compte.")
    return email


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
    email: str | None = None,
) -> int:
    """Create an account; return its id."""
    ensure_permission(actor, ADMIN)
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise ValidationError(
            "L'identifiant doit faire 3 à 40 caractères : lettres minuscules sans accent, chiffres, . _ -"
        )
    _validate_profile(display_name, role)
    check_password(password, username=username)
    if session.scalar(select(User.id).where(User.username == username)):
        raise ValidationError(f"L'identifiant « {username} » est déjà pris.")
    user = User(
        username=username,
        display_name=display_name.strip(),
        email=_email(session, email),
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
    email: str | None = None,
) -> None:
    """Change an account's name, e-mail, role, neighbourhood scope or activity; a change of rights ends the
    account's open sessions (it signs in again with its new rights)."""
    ensure_permission(actor, ADMIN)
    user = get_or_fail(session, User, user_id, "Compte")
    ensure_version(user, expected_version)
    _validate_profile(display_name, role)
    if user.id == actor.id and (role != "administrateur" or not active):
        raise ValidationError(
            "Vous ne pouvez pas retirer vos propres droits d'administrateur ni désactiver votre compte."
        )
    before = _user_snapshot(user)
    address = _email(session, email, user.id)
    neighbourhoods = _neighbourhoods(session, neighbourhood_ids)
    rights_change = (role, active, all_neighbourhoods, sorted(n.id for n in neighbourhoods)) != (
        user.role, user.active, user.all_neighbourhoods, sorted(n.id for n in user.neighbourhoods))

    def write() -> None:
        user.display_name = display_name.strip()
        user.email = address
        user.role = role
        user.active = active
        user.all_neighbourhoods = all_neighbourhoods
        user.neighbourhoods = neighbourhoods
        session.flush()
        ended = revoke_sessions(session, user.id, "droits modifiés") if rights_change else 0
        audit.record(session, actor, "update", "user", user.id, f"Modification du compte {user.username}"
                     + (f" ({ended} session(s) fermée(s))" if ended else ""),
                     before=before, after=_user_snapshot(user))

    run_write(session, write)


def reset_password(session: Session, actor: Actor, user_id: int, *, expected_version: int, new_password: str) -> None:
    """Set a new password on an account (the password itself is never audited)."""
    ensure_permission(actor, ADMIN)
    user = get_or_fail(session, User, user_id, "Compte")
    ensure_version(user, expected_version)
    check_password(new_password, username=user.username)

    def write() -> None:
        user.password_hash = hash_password(new_password)
        session.flush()
        ended = revoke_sessions(session, user.id, "mot de passe réinitialisé")
        audit.record(session, actor, "reset_password", "user", user.id,
                     f"Réinitialisation du mot de passe de {user.username} ({ended} session(s) fermée(s))")

    run_write(session, write)
