"""Reads counting a contract's commitments by programme, for headlines that keep priorités and mesures apart."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pilotage.models import Neighbourhood, Priority, Programme
from pilotage.queries.base import frame


def list_programme_counts(session: Session, *, contract_id: int) -> pd.DataFrame:
    """One row per programme of the contract: kind, name, neighbourhood (None for the whole contract), commitments."""
    statement = (
        select(Programme.id, Programme.kind, Programme.name, Neighbourhood.name, func.count(Priority.id))
        .outerjoin(Neighbourhood, Neighbourhood.id == Programme.neighbourhood_id)
        .outerjoin(Priority, Priority.programme_id == Programme.id)
        .where(Programme.contract_id == contract_id)
        .group_by(Programme.id, Programme.kind, Programme.name, Neighbourhood.name, Programme.position)
        .order_by(Programme.position, Programme.id)
    )
    return frame(session, statement, ["id", "kind", "name", "neighbourhood", "commitments"])
