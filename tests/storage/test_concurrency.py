"""Many people saving the same thing at the same moment: one wins, the others get the French conflict message.

Each writer runs in its own thread with its own session, all released together by a barrier, all starting
from the same version of the row: the way twenty browsers open on the same FFOM item would.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

from sqlalchemy import func, select

from pilotage import clock
from pilotage.errors import ConflictError
from pilotage.models import AuditEvent, Meeting, PriorityUpdate, SwotItem
from pilotage.progress import PointInput
from pilotage.services import governance, progress, swot
from tests.factories import admin_actor, neighbourhood_id

WRITERS = 20


def race(seeded_db, write: Callable[[object, int], None]) -> Counter:
    """Run `write(session, n)` in WRITERS threads at once; count 'saved', 'conflict' and other outcomes."""
    barrier = threading.Barrier(WRITERS)
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def writer(n: int) -> None:
        with seeded_db.sessions() as session:
            barrier.wait()
            try:
                write(session, n)
                outcome = "saved"
            except ConflictError:
                outcome = "conflict"
            except Exception as exc:  # anything else is the fault under test
                outcome = f"{type(exc).__name__}: {exc}"[:300]
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    return outcomes


def test_twenty_people_editing_one_ffom_item_one_wins_the_others_are_told(seeded_db):
    with seeded_db.sessions() as setup:
        admin = admin_actor(setup)
        item = setup.scalars(select(SwotItem).order_by(SwotItem.id)).first()
        item_id, version, quadrant = item.id, item.version, item.quadrant

    outcomes = race(seeded_db, lambda session, n: swot.update_swot_item(
        session, admin, item_id, expected_version=version, quadrant=quadrant, text=f"Rédaction n° {n}"))

    assert outcomes == Counter(saved=1, conflict=WRITERS - 1)
    with seeded_db.sessions() as check:
        assert check.get(SwotItem, item_id).version == version + 1
        assert check.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.object_type == "swot_item", AuditEvent.object_id == item_id)) == 1


def test_twenty_people_editing_one_meeting_one_wins_the_others_are_told(seeded_db):
    with seeded_db.sessions() as setup:
        admin = admin_actor(setup)
        meeting = setup.scalars(select(Meeting).where(Meeting.status == "tenue").order_by(Meeting.id)).first()
        fields = dict(title=meeting.title, date=meeting.date, start_time=meeting.start_time, place=meeting.place,
                      chairs=meeting.chairs, status=meeting.status)
        meeting_id, version = meeting.id, meeting.version

    outcomes = race(seeded_db, lambda session, n: governance.update_meeting(
        session, admin, meeting_id, expected_version=version, minutes=f"Compte rendu n° {n}", **fields))

    assert outcomes == Counter(saved=1, conflict=WRITERS - 1)
    with seeded_db.sessions() as check:
        assert check.get(Meeting, meeting_id).version == version + 1


def test_twenty_people_recording_a_point_on_one_priority_one_wins_the_others_are_told(seeded_db):
    with seeded_db.sessions() as setup:
        admin = admin_actor(setup)
        planoise = neighbourhood_id(setup, "planoise")
        latest = setup.execute(
            select(PriorityUpdate.priority_id, func.max(PriorityUpdate.id))
            .where(PriorityUpdate.priority_id.in_(_priorities_of(setup, planoise)))
            .group_by(PriorityUpdate.priority_id).order_by(PriorityUpdate.priority_id)).first()
        priority_id, seen = latest
        before = setup.scalar(select(func.count()).where(PriorityUpdate.priority_id == priority_id))
    day = clock.today()

    outcomes = race(seeded_db, lambda session, n: progress.record_point(
        session, admin, PointInput(priority_id=priority_id, recorded_on=day, weather="atteignable", progress=n),
        today=day, expected_latest={priority_id: seen}))

    assert outcomes == Counter(saved=1, conflict=WRITERS - 1)
    with seeded_db.sessions() as check:
        after = check.scalar(select(func.count()).where(PriorityUpdate.priority_id == priority_id))
        assert after == before + 1


def _priorities_of(session, hood_id: int) -> list[int]:
    from pilotage.models import Priority, Programme

    return list(session.scalars(select(Priority.id).join(Programme).where(Programme.neighbourhood_id == hood_id)))

