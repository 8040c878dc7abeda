"""A new territory's contract and neighbourhood, as the contract pages would create them, for the import tests."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from pilotage.models import Contract, Neighbourhood

_numbers = itertools.count(1)


def blank_contract(session: Session) -> int:
    """A contract with no framework and no programme; return its id."""
    number = next(_numbers)
    found = Contract(slug=f"nouveau-territoire-{number}", name=f"Contrat de Ville du territoire {number}",
                     territory=f"Territoire {number}", start_year=2024, end_year=2030)
    session.add(found)
    session.commit()
    return found.id


def blank_neighbourhood(session: Session, contract_id: int, name: str = "Les Tilleuls") -> int:
    """A QPV of that contract; return its id."""
    hood = Neighbourhood(contract_id=contract_id, slug=name.lower().replace(" ", "-"), name=name, kind="qpv",
                         commune="Villeneuve")
    session.add(hood)
    session.commit()
    return hood.id
