"""Every view of every seeded contract renders for every role: each page, each Quartier section of each
neighbourhood, each meeting sheet and the first screen of each séance. No exception, no incident message.

One AppTest per role walks the views by changing the URL's query between runs, as a user following links
would; its session and caches carry over, which keeps the walk to a few seconds per hundred views.
"""

from __future__ import annotations

import pytest
from apptest_support import headings, start, visit
from sqlalchemy import select

from components.navigation import PAGES
from pages.quartier import SECTIONS
from pilotage.db import session_scope
from pilotage.models import Contract, Meeting, Neighbourhood
from pilotage.permissions import can

ROLES = ("lecteur", "contributeur", "administrateur")


def seeded_views(seeded_db) -> dict[str, list]:
    with session_scope(seeded_db.sessions) as session:
        contracts = list(session.scalars(select(Contract.slug).order_by(Contract.position)))
        hoods = session.execute(select(Contract.slug, Neighbourhood.slug, Neighbourhood.name)
                                .join(Contract, Contract.id == Neighbourhood.contract_id)
                                .order_by(Contract.position, Neighbourhood.position)).all()
        meetings = session.execute(select(Contract.slug, Meeting.id)
                                   .join(Contract, Contract.id == Meeting.contract_id).order_by(Meeting.id)).all()
    return {"contracts": contracts, "hoods": hoods, "meetings": meetings}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_every_contract_renders(role, actors, seeded_db):
    views = seeded_views(seeded_db)
    at = start(actors[role])
    pages = [p for p in PAGES if can(actors[role], p.action)]

    for contract in views["contracts"]:
        for page in pages:
            visit(at, page.url_path, contrat=contract)

    assert len(views["contracts"]) == 4


@pytest.mark.parametrize("role", ROLES)
def test_every_quartier_section_of_every_neighbourhood_renders(role, actors, seeded_db):
    views = seeded_views(seeded_db)
    at = start(actors[role])

    for contract, slug, name in views["hoods"]:
        for section in SECTIONS:
            visit(at, "quartier", contrat=contract, q=slug, section=section)
            assert name in headings(at), f"{contract}/{slug}/{section}"

    assert len(views["hoods"]) == 30


@pytest.mark.parametrize("role", ROLES)
def test_every_meeting_sheet_and_seance_renders(role, actors, seeded_db):
    views = seeded_views(seeded_db)
    at = start(actors[role])

    for contract, meeting in views["meetings"]:
        visit(at, "instance", contrat=contract, id=str(meeting))
        visit(at, "seance", contrat=contract, id=str(meeting))

    assert len(views["meetings"]) > 100
