"""Signing in and out: password and single sign-on, sessions, the throttle, one's own password.

The HTTP layer (web/) calls these; nothing here knows about cookies beyond the signed token they carry.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pilotage import access, audit, clock
from pilotage.access_models import AppSecret, ExternalIdentity, SignInAttempt, UserSession
from pilotage.errors import PilotageError, ValidationError
from pilotage.formats import format_time
from pilotage.models import User
from pilotage.password_policy import check_password
from pilotage.passwords import hash_password, verify_password
from pilotage.permissions import Actor
from pilotage.queries.accounts import actor_of
from pilotage.services.base import run_write

PASSWORD_METHOD = "mot de passe"
SIGNING_KEY = "session_signing_key"
WRONG_CREDENTIALS = "Identifiant ou mot de passe incorrect, ou compte désactivé."


class SignInRefused(PilotageError):
    """Signing in failed; the message says why in French, without telling whether the account exists."""


@dataclass(frozen=True)
class Opened:
    actor: Actor
    token: str  # to sign into the cookie


def as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive UTC datetimes, PostgreSQL aware ones: make them all aware."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


def signing_key(session: Session, configured: str | None) -> str:
    """The key that signs cookies: the configured one, else one generated once and shared through the database."""
    if configured:
        return configured
    found = session.get(AppSecret, SIGNING_KEY)
    if found is None:
        session.add(AppSecret(name=SIGNING_KEY, value=secrets.token_urlsafe(48)))
        try:
            session.commit()
        except IntegrityError:  # another replica generated it first
            session.rollback()
        found = session.get(AppSecret, SIGNING_KEY)
    return found.value


@functools.cache
def _dummy_hash() -> str:
    return hash_password("pas-un-vrai-mot-de-passe")


def _throttle_message(session: Session, username: str, address: str, now: dt.datetime) -> str | None:
    since = now - max(access.ACCOUNT_WINDOW, access.ADDRESS_WINDOW)
    rows = session.execute(select(SignInAttempt.at, SignInAttempt.username, SignInAttempt.client_address)
                           .where(SignInAttempt.at >= since, SignInAttempt.succeeded.is_(False),
                                  (SignInAttempt.username == username) | (SignInAttempt.client_address == address))
                           ).all()
    mine = [as_utc(at) for at, name, _ in rows if name == username]
    here = [as_utc(at) for at, _, where in rows if where == address]
    for failures, limit, window, whose in ((mine, access.ACCOUNT_FAILURES, access.ACCOUNT_WINDOW, "ce compte"),
                                           (here, access.ADDRESS_FAILURES, access.ADDRESS_WINDOW, "cet appareil")):
        until = access.retry_at(failures, limit, window, now)
        if until is not None:
            ready = (until + dt.timedelta(seconds=59)).astimezone(clock.PARIS)  # rounded up to the minute
            return (f"Trop de tentatives de connexion pour {whose} : par sécurité, réessayez à partir de "
                    f"{format_time(ready.time())}.")
    return None


def _record_attempt(session: Session, username: str, address: str, succeeded: bool, now: dt.datetime) -> None:
    session.execute(delete(SignInAttempt).where(SignInAttempt.at < now - access.ATTEMPTS_KEPT))
    session.add(SignInAttempt(at=now, username=username, client_address=address, succeeded=succeeded))


def sign_in_with_password(session: Session, *, username: str, password: str, client_address: str,
                          user_agent: str | None = None) -> Opened:
    """Check the throttle and the password; open a session, or raise SignInRefused (French)."""
    username, now = (username or "").strip().lower()[:80], clock.now()
    address = (client_address or "inconnue")[:64]
    throttled = _throttle_message(session, username, address, now)
    if throttled:
        raise SignInRefused(throttled)
    user = session.scalar(select(User).where(User.username == username)) if username else None
    # An unknown account costs the same time as a known one: the answer tells nothing about who exists.
    valid = verify_password(user.password_hash if user else _dummy_hash(), password or "")
    if not (valid and user is not None and user.active):
        _record_attempt(session, username, address, False, now)
        session.commit()
        raise SignInRefused(WRONG_CREDENTIALS)
    return open_session(session, user, PASSWORD_METHOD, client_address=address, user_agent=user_agent,
                        attempt=(username, address))


def open_session(session: Session, user: User, method: str, *, client_address: str | None,
                 user_agent: str | None, attempt: tuple[str, str] | None = None) -> Opened:
    """Open a session for an account that has proved who it is; audit the sign-in."""
    now, token = clock.now(), access.new_token()
    row = UserSession(token_hash=access.token_hash(token), user_id=user.id, method=method[:60], created_at=now,
                      last_seen_at=now, expires_at=now + access.ABSOLUTE_LIFETIME,
                      client_address=(client_address or "")[:64] or None, user_agent=(user_agent or "")[:300] or None)
    actor = actor_of(user)

    def write() -> Opened:
        if attempt is not None:
            _record_attempt(session, *attempt, True, now)
        session.add(row)
        session.flush()
        audit.record(session, actor, "sign_in", "user", user.id, f"Connexion de {user.username} ({method})",
                     after={"session": row.id, "adresse": row.client_address}, bump=False)
        return Opened(actor, token)

    return run_write(session, write)


def resolve_session(session: Session, token: str | None) -> Actor | None:
    """The signed-in account a session token stands for, or None (unknown, expired, revoked, disabled)."""
    if not token:
        return None
    found = session.execute(select(UserSession, User).join(User, User.id == UserSession.user_id)
                            .where(UserSession.token_hash == access.token_hash(token))).first()
    if found is None:
        return None
    row, user = found
    now = clock.now()
    times = access.SessionTimes(as_utc(row.created_at), as_utc(row.last_seen_at), as_utc(row.expires_at),
                                as_utc(row.revoked_at))
    if not user.active or not access.is_live(times, now):
        return None
    if access.needs_touch(times, now):
        session.execute(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now))
        session.commit()
    return actor_of(user)


def sign_out(session: Session, token: str | None) -> None:
    """End the session of this token (nothing happens for an unknown one)."""
    if not token:
        return
    row = session.scalar(select(UserSession).where(UserSession.token_hash == access.token_hash(token),
                                                   UserSession.revoked_at.is_(None)))
    if row is None:
        return
    user = session.get(User, row.user_id)

    def write() -> None:
        row.revoked_at, row.revoked_reason = clock.now(), "déconnexion"
        audit.record(session, actor_of(user), "sign_out", "user", user.id, f"Déconnexion de {user.username}",
                     after={"session": row.id}, bump=False)

    run_write(session, write)


def revoke_sessions(session: Session, user_id: int, reason: str, *, keep_token: str | None = None) -> int:
    """End every open session of an account (but `keep_token`'s), inside the caller's transaction."""
    statement = (update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
                 .values(revoked_at=clock.now(), revoked_reason=reason[:120]))
    if keep_token:
        statement = statement.where(UserSession.token_hash != access.token_hash(keep_token))
    return session.execute(statement).rowcount


def change_own_password(session: Session, actor: Actor, *, current_password: str, new_password: str,
                        keep_token: str | None) -> int:
    """Change one's own password after proving the current one; end one's other sessions; return how many."""
    user = session.get(User, actor.id)
    if user is None or not user.active or not verify_password(user.password_hash, current_password or ""):
        raise ValidationError("Le mot de passe actuel est incorrect : rien n'a été modifié.")
    if new_password == current_password:
        raise ValidationError("Le nouveau mot de passe doit être différent de l'actuel.")
    check_password(new_password, username=user.username)

    def write() -> int:
        user.password_hash = hash_password(new_password)
        ended = revoke_sessions(session, user.id, "changement de mot de passe", keep_token=keep_token)
        audit.record(session, actor, "update", "user", user.id, f"Changement de mot de passe de {user.username} "
                     f"({ended} autre(s) session(s) fermée(s))")
        return ended

    return run_write(session, write)


def find_identity_account(session: Session, *, provider: str, subject: str, email: str | None) -> User | None:
    """The account of a single sign-on identity: bound before, else the active account with that e-mail."""
    bound = session.scalar(select(User).join(ExternalIdentity, ExternalIdentity.user_id == User.id)
                           .where(ExternalIdentity.provider == provider, ExternalIdentity.subject == subject))
    if bound is not None:
        return bound
    if not email:
        return None
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is not None:
        session.add(ExternalIdentity(provider=provider[:60], subject=subject[:255], user_id=user.id,
                                     created_at=clock.now()))
    return user


def sign_in_with_identity(session: Session, *, provider: str, label: str, subject: str, email: str | None,
                          client_address: str | None, user_agent: str | None) -> Opened:
    """Open a session for an identity a single sign-on provider vouched for, or raise SignInRefused (French)."""
    user = find_identity_account(session, provider=provider, subject=subject, email=email)
    if user is None:
        session.rollback()
        shown = f" ({email})" if email else ""
        raise SignInRefused(f"Aucun compte du tableau de bord n'est associé à votre identité {label}{shown}. "
                            "Demandez à un administrateur de créer votre compte avec cette adresse électronique.")
    if not user.active:
        session.rollback()
        raise SignInRefused("Votre compte du tableau de bord est désactivé : adressez-vous à un administrateur.")
    return open_session(session, user, label, client_address=client_address, user_agent=user_agent)


def end_other_sessions(session: Session, actor: Actor, *, keep_token: str | None) -> int:
    """Sign out one's other browsers (a forgotten session on a shared computer); return how many ended."""
    def write() -> int:
        ended = revoke_sessions(session, actor.id, "fermée par son titulaire", keep_token=keep_token)
        audit.record(session, actor, "sign_out", "user", actor.id, f"{actor.username} ferme ses autres sessions "
                     f"({ended})", bump=False)
        return ended

    return run_write(session, write)
