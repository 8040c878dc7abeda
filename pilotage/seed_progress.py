"""Seed points d'avancement (progress.yaml): each linked to the held meeting of its kind that day, if any."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy.orm import Session

from pilotage.models import Meeting, Priority, PriorityUpdate, Programme
from pilotage.progress import COMMENT_FIELDS, WEATHERS


def _meeting_id(meetings: Iterable[Meeting], programme: Programme, point: dict) -> int | None:
    kind = point.get("meeting")
    if not kind:
        return None
    for meeting in meetings:
        same_scope = meeting.programme_id == programme.id or (
            meeting.programme_id is None and meeting.neighbourhood_id == programme.neighbourhood_id)
        if meeting.kind == kind and meeting.date == point["date"] and meeting.status == "tenue" and same_scope:
            return meeting.id
    return None


def load_progress(session: Session, data: dict, programmes: dict[str, Programme],
                  priorities: dict[str, list[Priority]], meetings: list[Meeting],
                  sourced: Callable[[dict], dict[str, Any]]) -> int:
    """Add the points of progress.yaml; return how many. A priority is named by its rank in its programme."""
    count = 0
    for block in data.get("programmes") or []:
        programme = programmes[block["programme"]]
        for item in block.get("priorities") or []:
            priority = priorities[programme.slug][item["rank"] - 1]
            if not priority.text.startswith(item["text"]):
                raise ValueError(f"progress.yaml: {programme.slug} rank {item['rank']} is not « {item['text']} »")
            for sequence, point in enumerate(item.get("points") or [], start=1):
                if point["weather"] not in WEATHERS:
                    raise ValueError(f"progress.yaml: unknown weather {point['weather']!r}")
                session.add(PriorityUpdate(
                    priority_id=priority.id, sequence=sequence, recorded_on=point["date"], weather=point["weather"],
                    progress=point.get("progress"), author=point.get("author"),
                    meeting_id=_meeting_id(meetings, programme, point),
                    **{name: point.get(name) for name in COMMENT_FIELDS}, **sourced(point),
                ))
                count += 1
    return count
