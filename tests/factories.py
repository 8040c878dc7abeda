"""Test factories as plain functions: accounts (as Actors) and neighbourhood look-ups."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from pilotage.models import Contract, Neighbourhood
from pilotage.permissions import Actor
from pilotage.queries.accounts import authenticate, get_actor
from pilotage.services.accounts import INITIAL_ADMIN, create_user, ensure_initial_admin

DEFAULT_CONTRACT = "gbm-2024-2030"
ADMIN_PASSWORD = "admin-de-test-2024"
DEFAULT_PASSWORD = "mot-de-passe-de-test"
_numbers = itertools.count(1)


def admin_actor(session: Session) -> Actor:
    """The initial administrator, created on first use (password ADMIN_PASSWORD)."""
    cached = session.info.get("test_admin_actor")
    if cached is not None:
        return cached
    ensure_initial_admin(session, ADMIN_PASSWORD)
    actor = authenticate(session, INITIAL_ADMIN, ADMIN_PASSWORD)
    assert actor is not None, "the database already holds accounts but no usable initial administrator"
    session.info["test_admin_actor"] = actor
    return actor


def make_user(
    session: Session,
    *,
    role: str = "contributeur",
    username: str | None = None,
    display_name: str | None = None,
    password: str = DEFAULT_PASSWORD,
    neighbourhood_slugs: Iterable[str] = (),
    all_neighbourhoods: bool = False,
    contract_slug: str = DEFAULT_CONTRACT,
) -> Actor:
    """Create an account through the accounts service (as the initial administrator); return its Actor."""
    username = username or f"{role}-{next(_numbers)}"
    user_id = create_user(
        session,
        admin_actor(session),
        username=username,
        display_name=display_name or username.replace("-", " ").capitalize(),
        role=role,
        password=password,
        all_neighbourhoods=all_neighbourhoods,
        neighbourhood_ids=[neighbourhood_id(session, slug, contract_slug) for slug in neighbourhood_slugs],
    )
    actor = get_actor(session, user_id)
    assert actor is not None
    return actor


def neighbourhood(session: Session, slug: str, contract_slug: str = DEFAULT_CONTRACT) -> Neighbourhood:
    """The neighbourhood `slug` of a contract (slugs repeat across contracts: planoise is in two)."""
    found = session.scalar(
        select(Neighbourhood).join(Contract).where(Contract.slug == contract_slug, Neighbourhood.slug == slug)
    )
    if found is None:
        raise LookupError(f"no neighbourhood {slug!r} in contract {contract_slug!r}")
    return found


def neighbourhood_id(session: Session, slug: str, contract_slug: str = DEFAULT_CONTRACT) -> int:
    return neighbourhood(session, slug, contract_slug).id


def contract(session: Session, slug: str = DEFAULT_CONTRACT) -> Contract:
    """The contract `slug`."""
    found = session.scalar(select(Contract).where(Contract.slug == slug))
    if found is None:
        raise LookupError(f"no contract {slug!r}")
    return found
