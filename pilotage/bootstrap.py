"""First-run preparation of a database: migrate, seed when empty, create the first administrator."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from pilotage import migrate, seed
from pilotage.db import make_engine, make_session_factory, session_scope
from pilotage.services.accounts import INITIAL_ADMIN, ensure_initial_admin
from pilotage.settings import Settings


@dataclass
class Runtime:
    engine: Engine
    sessions: sessionmaker[Session]


def _seed(session: Session, settings: Settings, log) -> None:
    """Load the example data into an empty database (unless told not to); say what was done either way."""
    if not seed.database_is_empty(session):
        log(f"Base déjà remplie : {seed.describe_contents(session)} ; données d'exemple non rechargées.")
        return
    if not settings.seed_examples:
        log("Base vide : données d'exemple non chargées (--sans-exemple ou PILOTAGE_SEED=none) ; créez un contrat "
            "depuis Administration → Données.")
        return
    try:
        counts = seed.load_seed(session, settings.data_dir)
        log(f"Données initiales chargées : {counts['contracts']} contrats, "
            f"{counts['neighbourhoods']} quartiers, {counts['priorities']} priorités.")
    except IntegrityError:
        session.rollback()  # another replica seeded the database at the same time
        log(f"Base remplie en même temps par un autre serveur : {seed.describe_contents(session)}.")


def prepare(settings: Settings, log=print) -> Runtime:
    """Make the engine and bring the database to a usable state; safe to call on every start."""
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        _seed(session, settings, log)
    with session_scope(sessions) as session:
        try:
            generated = ensure_initial_admin(session, settings.admin_password)
        except IntegrityError:
            generated = None
    if generated:
        log("=" * 72)
        log(f"Compte administrateur créé : identifiant « {INITIAL_ADMIN} », mot de passe : {generated}")
        log("Ce mot de passe ne sera plus affiché. Changez-le depuis la page Comptes.")
        log("=" * 72)
    return Runtime(engine=engine, sessions=sessions)
