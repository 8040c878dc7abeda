"""Import of a programme's priorities from a table: all rows, or none, with a row-by-row report."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pilotage import audit
from pilotage.errors import ValidationError
from pilotage.import_report import ImportCheck
from pilotage.models import FrameworkNode, Priority
from pilotage.permissions import Actor
from pilotage.queries.programmes import check_priority_import
from pilotage.services.base import run_write
from pilotage.services.programmes import (
    heading_position_of,
    programme_for_edit,
    programme_priorities,
    renumber_priorities,
)


def import_priorities(session: Session, actor: Actor, *, programme_id: int, filename: str,
                      content: bytes) -> ImportCheck:
    """Add the file's priorities after the programme's own, under their headings; ValidationError on any error."""
    programme = programme_for_edit(session, actor, programme_id)
    plan = check_priority_import(session, programme_id=programme_id, filename=filename, content=content)
    if not plan.check.ok:
        raise ValidationError(plan.check.refusal())
    siblings = programme_priorities(session, programme_id)
    node_ids = sorted({i for p in plan.priorities for i in p.framework_ids})
    nodes = {n.id: n for n in session.scalars(select(FrameworkNode).where(FrameworkNode.id.in_(node_ids)))}

    def write() -> ImportCheck:
        added = []
        for offset, planned in enumerate(plan.priorities, start=1):
            heading_position = heading_position_of([*siblings, *added], planned.heading)
            priority = Priority(programme_id=programme_id, heading=planned.heading, number=planned.number,
                                text=planned.text, heading_position=heading_position, position=len(siblings) + offset,
                                framework_nodes=[nodes[i] for i in planned.framework_ids],
                                source=f"Importé du fichier « {filename[:120]} »")
            session.add(priority)
            added.append(priority)
        renumber_priorities([*siblings, *added])
        session.flush()
        audit.record(session, actor, "import", "priority", None,
                     f"Import de {len(added)} priorité(s) dans « {programme.name} » depuis « {filename} »",
                     after={"priorities": [p.id for p in added]})
        return plan.check

    return run_write(session, write)
