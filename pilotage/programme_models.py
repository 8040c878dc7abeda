"""Models of programme editing: the former texts of a reworded priority."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pilotage.models import Base


class PriorityTextRevision(Base):
    """A text a priority had until it was reworded on `replaced_on`; never updated."""

    __tablename__ = "priority_text_revision"
    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    replaced_on: Mapped[dt.date] = mapped_column(Date)
    replaced_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    author: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
