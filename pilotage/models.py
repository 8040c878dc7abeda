"""SQLAlchemy 2 models of the whole product, named after the glossary of the product brief."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Versioned:
    """Optimistic locking: every UPDATE checks and bumps `version`."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class Sourced:
    """Where a row comes from: a document's file name, and whether the value is illustrative."""

    source: Mapped[str | None] = mapped_column(String(200))
    illustrative: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    note: Mapped[str | None] = mapped_column(Text)


# Association tables -------------------------------------------------------------------------

priority_framework = Table(
    "priority_framework",
    Base.metadata,
    Column("priority_id", ForeignKey("priority.id", ondelete="CASCADE"), primary_key=True),
    Column("framework_node_id", ForeignKey("framework_node.id", ondelete="CASCADE"), primary_key=True),
)

facility_neighbourhood = Table(
    "facility_neighbourhood",
    Base.metadata,
    Column("facility_id", ForeignKey("facility.id", ondelete="CASCADE"), primary_key=True),
    Column("neighbourhood_id", ForeignKey("neighbourhood.id", ondelete="CASCADE"), primary_key=True),
)

user_neighbourhood = Table(
    "user_neighbourhood",
    Base.metadata,
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True),
    Column("neighbourhood_id", ForeignKey("neighbourhood.id", ondelete="CASCADE"), primary_key=True),
)

contract_signatory = Table(
    "contract_signatory",
    Base.metadata,
    Column("contract_id", ForeignKey("contract.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
)

programme_signatory = Table(
    "programme_signatory",
    Base.metadata,
    Column("programme_id", ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
)

swot_item_indicator = Table(
    "swot_item_indicator",
    Base.metadata,
    Column("swot_item_id", ForeignKey("swot_item.id", ondelete="CASCADE"), primary_key=True),
    Column("indicator_id", ForeignKey("indicator.id", ondelete="CASCADE"), primary_key=True),
)

swot_item_priority = Table(
    "swot_item_priority",
    Base.metadata,
    Column("swot_item_id", ForeignKey("swot_item.id", ondelete="CASCADE"), primary_key=True),
    Column("priority_id", ForeignKey("priority.id", ondelete="CASCADE"), primary_key=True),
)

# An agenda item may take up decisions of earlier meetings (the follow-ups it reviews).
agenda_item_decision = Table(
    "agenda_item_decision",
    Base.metadata,
    Column("agenda_item_id", ForeignKey("agenda_item.id", ondelete="CASCADE"), primary_key=True),
    Column("decision_id", ForeignKey("decision.id", ondelete="CASCADE"), primary_key=True),
)


# Contract and territory ----------------------------------------------------------------------


class Contract(Versioned, Sourced, Base):
    __tablename__ = "contract"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    territory: Mapped[str] = mapped_column(String(200))
    start_year: Mapped[int]
    end_year: Mapped[int]
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="en_cours")
    summary: Mapped[str | None] = mapped_column(Text)
    staleness_months: Mapped[int] = mapped_column(Integer, default=6)
    indicator_freshness_years: Mapped[int] = mapped_column(Integer, default=5)
    previous_contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    neighbourhoods: Mapped[list[Neighbourhood]] = relationship(back_populates="contract")
    signatories: Mapped[list[Organisation]] = relationship(secondary=contract_signatory)


class Milestone(Versioned, Sourced, Base):
    __tablename__ = "milestone"
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30), default="autre")


class GovernanceRule(Versioned, Sourced, Base):
    """A cadence the contract sets for a kind of meeting, kept as data."""

    __tablename__ = "governance_rule"
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    meeting_kind: Mapped[str] = mapped_column(String(30))
    scope: Mapped[str] = mapped_column(String(20))
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    min_per_year: Mapped[int | None]
    max_per_year: Mapped[int | None]
    quote: Mapped[str | None] = mapped_column(Text)


class ComparisonArea(Versioned, Base):
    """An area a neighbourhood's figures are compared with (a commune, an EPCI, France)."""

    __tablename__ = "comparison_area"
    __table_args__ = (UniqueConstraint("contract_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Neighbourhood(Versioned, Sourced, Base):
    __tablename__ = "neighbourhood"
    __table_args__ = (
        UniqueConstraint("contract_id", "slug"),
        CheckConstraint("kind in ('qpv', 'fragile', 'veille')", name="kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    official_code: Mapped[str | None] = mapped_column(String(20))
    commune: Mapped[str] = mapped_column(String(120))
    population: Mapped[int | None]
    population_year: Mapped[str | None] = mapped_column(String(40))
    population_source: Mapped[str | None] = mapped_column(String(200))
    identity: Mapped[str | None] = mapped_column(Text)
    geometry: Mapped[dict | None] = mapped_column(JSON)
    geometry_approximate: Mapped[bool] = mapped_column(Boolean, default=True)
    geometry_source: Mapped[str | None] = mapped_column(String(300))  # where the contours come from
    position: Mapped[int] = mapped_column(Integer, default=0)

    contract: Mapped[Contract] = relationship(back_populates="neighbourhoods")


class FrameworkNode(Versioned, Sourced, Base):
    """A node of a contract's framework tree (socle commun): axe, objectif, sous-objectif..."""

    __tablename__ = "framework_node"
    __table_args__ = (UniqueConstraint("contract_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("framework_node.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(30))
    level: Mapped[str] = mapped_column(String(60))
    depth: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)


# Programmes and priorities -------------------------------------------------------------------


class Programme(Versioned, Sourced, Base):
    """A programme of commitments: projet de quartier, pacte, protocole."""

    __tablename__ = "programme"
    __table_args__ = (UniqueConstraint("contract_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    neighbourhood_id: Mapped[int | None] = mapped_column(ForeignKey("neighbourhood.id", ondelete="SET NULL"))
    slug: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(300))
    title: Mapped[str | None] = mapped_column(Text)
    adopted_on: Mapped[dt.date | None] = mapped_column(Date)
    discrepancy: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)

    priorities: Mapped[list[Priority]] = relationship(back_populates="programme", order_by="Priority.position")
    signatories: Mapped[list[Organisation]] = relationship(secondary=programme_signatory)


class Priority(Versioned, Sourced, Base):
    """One commitment to track: a priorité of a projet de quartier or a mesure of a pacte."""

    __tablename__ = "priority"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    heading: Mapped[str | None] = mapped_column(Text)
    heading_position: Mapped[int] = mapped_column(Integer, default=0)
    number: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)

    programme: Mapped[Programme] = relationship(back_populates="priorities")
    framework_nodes: Mapped[list[FrameworkNode]] = relationship(secondary=priority_framework)


class PriorityUpdate(Sourced, Base):
    """A dated point d'avancement; never updated, the latest one is the priority's state."""

    __tablename__ = "priority_update"
    __table_args__ = (
        CheckConstraint("progress is null or (progress >= 0 and progress <= 100)", name="progress"),
        # Two people recording a point on the same priority at once both claim the same sequence number:
        # the database lets one through, the other is told someone recorded a point meanwhile.
        UniqueConstraint("priority_id", "sequence", name="uq_priority_update_priority_sequence"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)  # 1, 2, 3... in the order the priority's points were recorded
    recorded_on: Mapped[dt.date] = mapped_column(Date)
    weather: Mapped[str] = mapped_column(String(20))
    progress: Mapped[int | None]
    difficulties: Mapped[str | None] = mapped_column(Text)
    next_steps: Mapped[str | None] = mapped_column(Text)
    successes: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(200))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


# SWOT and indicators -------------------------------------------------------------------------


class SwotAnalysis(Versioned, Sourced, Base):
    """A dated version of a neighbourhood's FFOM, e.g. "revue de printemps 2025"."""

    __tablename__ = "swot_analysis"
    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    dated: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(30), default="derivee")


class SwotItem(Versioned, Sourced, Base):
    __tablename__ = "swot_item"
    __table_args__ = (
        CheckConstraint(
            "quadrant in ('forces', 'faiblesses', 'opportunites', 'menaces')", name="quadrant"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("swot_analysis.id", ondelete="CASCADE"), index=True)
    quadrant: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    quote: Mapped[str | None] = mapped_column(Text)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    indicators: Mapped[list[Indicator]] = relationship(secondary=swot_item_indicator)
    priorities: Mapped[list[Priority]] = relationship(secondary=swot_item_priority)


class Indicator(Versioned, Base):
    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("contract_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(80))
    label: Mapped[str] = mapped_column(Text)
    theme: Mapped[str] = mapped_column(String(80))
    theme_position: Mapped[int] = mapped_column(Integer, default=0)
    unit: Mapped[str] = mapped_column(String(40))
    decimals: Mapped[int] = mapped_column(Integer, default=0)
    definition: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)


class IndicatorValue(Versioned, Sourced, Base):
    """A figure of an indicator for a neighbourhood or a comparison area, for a year."""

    __tablename__ = "indicator_value"
    __table_args__ = (
        CheckConstraint(
            "(neighbourhood_id is null) <> (comparison_area_id is null)", name="one_area"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    neighbourhood_id: Mapped[int | None] = mapped_column(ForeignKey("neighbourhood.id", ondelete="CASCADE"))
    comparison_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("comparison_area.id", ondelete="CASCADE")
    )
    value: Mapped[float] = mapped_column(Float)
    year: Mapped[str] = mapped_column(String(40))
    source_detail: Mapped[str | None] = mapped_column(String(300))


# Organisations and governance ----------------------------------------------------------------


class Organisation(Versioned, Base):
    """A partner signatory, a porteur de projet, any body that attends or owns a decision."""

    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(30), default="autre")


class Person(Versioned, Base):
    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(300))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))


class Meeting(Versioned, Sourced, Base):
    """An instance: COPIL, comité technique, revue de projet, équipe projet, conseil citoyen..."""

    __tablename__ = "meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    start_time: Mapped[dt.time | None]
    place: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="prevue")
    neighbourhood_id: Mapped[int | None] = mapped_column(ForeignKey("neighbourhood.id", ondelete="SET NULL"))
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id", ondelete="SET NULL"))
    chairs: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[str | None] = mapped_column(Text)
    quote: Mapped[str | None] = mapped_column(Text)
    # The postponed (reportée) meeting this one holds at a new date; see pilotage/cadence.py.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))
    # The séance's running order when a contributor changed it (None: the default order, pilotage/seance.py).
    running_order: Mapped[list | None] = mapped_column(JSON)


class AgendaItem(Versioned, Base):
    __tablename__ = "agenda_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    section: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    neighbourhood_id: Mapped[int | None] = mapped_column(ForeignKey("neighbourhood.id", ondelete="SET NULL"))
    priority_id: Mapped[int | None] = mapped_column(ForeignKey("priority.id", ondelete="SET NULL"))
    notes: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)  # what the meeting concluded on this item


class Attendance(Versioned, Base):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "organisation_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    invited: Mapped[bool] = mapped_column(Boolean, default=True)
    present: Mapped[bool | None] = mapped_column(Boolean)


class Decision(Versioned, Sourced, Base):
    """A décision or a suite à donner recorded at a meeting, with its owner and follow-up."""

    __tablename__ = "decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20), default="decision")
    text: Mapped[str] = mapped_column(Text)
    owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    owner_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="ouverte")
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    neighbourhood_id: Mapped[int | None] = mapped_column(ForeignKey("neighbourhood.id", ondelete="SET NULL"))
    priority_id: Mapped[int | None] = mapped_column(ForeignKey("priority.id", ondelete="SET NULL"))


class Facility(Versioned, Sourced, Base):
    """An équipement shown on maps: centre social, EVS, school..."""

    __tablename__ = "facility"
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    commune: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    location_approximate: Mapped[bool] = mapped_column(Boolean, default=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # off the maps, kept

    neighbourhoods: Mapped[list[Neighbourhood]] = relationship(secondary=facility_neighbourhood)


# Accounts, audit and the data version --------------------------------------------------------


class User(Versioned, Base):
    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint("role in ('lecteur', 'contributeur', 'administrateur')", name="role"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)  # how single sign-on finds the account
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A contributor edits the whole of these contracts' data or only the listed neighbourhoods.
    all_neighbourhoods: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    neighbourhoods: Mapped[list[Neighbourhood]] = relationship(secondary=user_neighbourhood)


class AuditEvent(Base):
    """Who changed what, when, with the state before and after. Written by services only."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(60), index=True)
    object_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


class DataVersion(Base):
    """One row whose counter every write bumps, so caches in every replica know when to reload."""

    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


# Sign-in sessions, attempts and secrets live in their own module; importing it registers their tables.
from pilotage import access_models  # noqa: E402, F401
