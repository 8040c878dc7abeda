"""Load the data/ folder into an empty database. The app's first run and the tests use the same loader."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError, StatementError
from sqlalchemy.orm import Session

from pilotage import audit, seed_progress
from pilotage.errors import ValidationError
from pilotage.formats import plural
from pilotage.models import (
    ComparisonArea,
    Contract,
    Facility,
    FrameworkNode,
    GovernanceRule,
    Indicator,
    IndicatorValue,
    Meeting,
    Milestone,
    Neighbourhood,
    Organisation,
    Priority,
    Programme,
    SwotAnalysis,
    SwotItem,
)
from pilotage.seed_files import SeedDataError, read_yaml
from pilotage.seed_meetings import MeetingDetailsLoader, parse_time

SOURCED_KEYS = ("source", "illustrative", "note")


# Errors a mistaken seed file causes in the loader (an unknown slug, a wrong type, a text too long): told in French
# with the file being loaded, since the loader reads each file just before loading it.
DATA_ERRORS = (KeyError, ValueError, TypeError, IndexError, AttributeError, ValidationError)


def _sourced(item: dict, default_source: str | None = None) -> dict:
    values = {key: item.get(key) for key in SOURCED_KEYS}
    values["source"] = values["source"] or default_source
    values["illustrative"] = bool(values["illustrative"])
    return values


class ContractLoader:
    """Loads one contract folder; keeps the slug -> row maps the files refer to each other with."""

    def __init__(self, session: Session, folder: Path, organisations: dict[str, Organisation], position: int):
        self.session = session
        self.folder = folder
        self.organisations = organisations
        self.position = position
        self.counts: Counter[str] = Counter()
        self.neighbourhoods: dict[str, Neighbourhood] = {}
        self.areas: dict[str, ComparisonArea] = {}
        self.nodes: dict[str, FrameworkNode] = {}
        self.programmes: dict[str, Programme] = {}
        self.priorities: dict[str, list[Priority]] = {}
        self.indicators: dict[str, Indicator] = {}

    def read(self, path: Path) -> Any:
        """A file of this contract's folder, remembered as the one being loaded (for error messages)."""
        self.current_file = path.relative_to(self.folder.parent).as_posix()
        return read_yaml(path, self.folder.parent)

    def file(self, name: str) -> Any:
        path = self.folder / name
        return self.read(path) if path.exists() else None

    def load(self) -> Contract:
        """Load the folder; a mistake in its files becomes a SeedDataError naming the file."""
        try:
            return self._load()
        except (IntegrityError, OperationalError, InterfaceError):
            raise  # the database's own answer: a replica seeding at the same time, or the database out of reach
        except (*DATA_ERRORS, StatementError) as exc:
            detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            if isinstance(exc, KeyError):
                detail = f"référence inconnue ou clé absente : {exc}"
            raise SeedDataError(f"Données d'exemple : {self.current_file} : donnée invalide ({detail}).") from None

    def _load(self) -> Contract:
        self.current_file = f"{self.folder.name}/contract.yaml"
        data = self.file("contract.yaml")
        if data is None:
            raise SeedDataError(f"Données d'exemple : {self.current_file} : fichier manquant (chaque dossier listé "
                                "dans contracts.yaml en a un).")
        self.contract = Contract(
            slug=data["slug"],
            name=data["name"],
            territory=data["territory"],
            start_year=data["start_year"],
            end_year=data["end_year"],
            signed_on=data.get("signed_on"),
            status=data.get("status", "en_cours"),
            summary=data.get("summary"),
            staleness_months=data.get("staleness_months") or 6,
            indicator_freshness_years=data.get("indicator_freshness_years") or 5,
            position=self.position,
            **_sourced(data),
        )
        self.contract.signatories = self.organisations_for(data.get("signatories"))
        self.session.add(self.contract)
        self.session.flush()
        self.load_milestones(data.get("milestones") or [])
        self.load_areas(data.get("comparison_areas") or [])
        self.load_neighbourhoods(self.file("neighbourhoods.yaml") or [])
        self.load_framework(self.file("framework.yaml"))
        for path in sorted((self.folder / "programmes").glob("*.yaml")):
            self.load_programme(self.read(path))
        self.load_rules(data.get("governance_rules") or [], None)
        self.load_indicators(self.file("indicators.yaml"))
        self.load_facilities(self.file("facilities.yaml") or [])
        self.load_geometry(self.file("geometry.yaml"))
        self.load_swot(self.file("swot.yaml") or [])
        for path in sorted(self.folder.glob("meetings*.yaml")):
            self.load_meetings(self.read(path) or [])
        self.load_progress(self.file("progress.yaml"))
        self.session.flush()
        return self.contract

    def organisations_for(self, signatories: list[dict] | None) -> list[Organisation]:
        result = []
        for item in signatories or []:
            name = item["name"].strip()
            if name not in self.organisations:
                self.organisations[name] = Organisation(name=name, kind=item.get("kind") or "autre")
                self.session.add(self.organisations[name])
            if self.organisations[name] not in result:
                result.append(self.organisations[name])
        return result

    def load_milestones(self, items: list[dict]) -> None:
        for item in items:
            self.session.add(Milestone(contract_id=self.contract.id, date=item["date"], label=item["label"],
                                       kind=item.get("kind") or "autre", **_sourced(item)))
            self.counts["milestones"] += 1

    def load_areas(self, items: list[dict]) -> None:
        for position, item in enumerate(items):
            area = ComparisonArea(contract_id=self.contract.id, slug=item["slug"], name=item["name"],
                                  kind=item.get("kind") or "autre", position=position)
            self.session.add(area)
            self.areas[area.slug] = area

    def load_neighbourhoods(self, items: list[dict]) -> None:
        for position, item in enumerate(items):
            hood = Neighbourhood(
                contract_id=self.contract.id,
                slug=item["slug"],
                name=item["name"],
                kind=item["kind"],
                official_code=item.get("official_code"),
                commune=item["commune"],
                population=item.get("population"),
                population_year=_text(item.get("population_year")),
                population_source=item.get("population_source"),
                identity=item.get("identity"),
                position=position,
                **_sourced(item),
            )
            self.session.add(hood)
            self.neighbourhoods[hood.slug] = hood
        self.session.flush()
        self.counts["neighbourhoods"] += len(items)

    def load_framework(self, data: dict | None) -> None:
        if not data:
            return
        levels = data.get("levels") or []

        def add(nodes: list[dict], parent: FrameworkNode | None, depth: int) -> None:
            for position, item in enumerate(nodes):
                level = levels[depth] if depth < len(levels) else f"niveau {depth + 1}"
                node = FrameworkNode(contract_id=self.contract.id, parent_id=parent.id if parent else None,
                                     code=str(item["code"]), level=level, depth=depth, title=item["title"],
                                     position=position, source=item.get("source") or data.get("source"))
                self.session.add(node)
                self.session.flush()
                self.nodes[node.code] = node
                self.counts["framework_nodes"] += 1
                add(item.get("children") or [], node, depth + 1)

        add(data.get("nodes") or [], None, 0)

    def load_programme(self, data: dict) -> None:
        hood = self.neighbourhoods.get(data["neighbourhood"]) if data.get("neighbourhood") else None
        programme = Programme(
            contract_id=self.contract.id,
            neighbourhood_id=hood.id if hood else None,
            slug=data["slug"],
            kind=data["kind"],
            name=data["name"],
            title=data.get("title"),
            adopted_on=data.get("adopted_on"),
            discrepancy=data.get("discrepancy"),
            position=len(self.programmes),
            **_sourced(data),
        )
        programme.signatories = self.organisations_for(data.get("signatories"))
        self.session.add(programme)
        self.session.flush()
        self.programmes[programme.slug] = programme
        position = 0
        for heading_position, heading in enumerate(data.get("headings") or []):
            for item in heading.get("priorities") or []:
                priority = Priority(
                    programme_id=programme.id,
                    heading=heading.get("title"),
                    heading_position=heading_position,
                    number=_text(item.get("number")),
                    position=position,
                    text=item["text"],
                    framework_nodes=[self.nodes[str(code)] for code in item.get("framework") or []],
                    **_sourced(item, programme.source),
                )
                self.session.add(priority)
                self.priorities.setdefault(programme.slug, []).append(priority)
                position += 1
        self.counts["priorities"] += position
        self.counts["programmes"] += 1
        self.load_rules(data.get("governance_rules") or [], programme)

    def load_rules(self, items: list[dict], programme: Programme | None) -> None:
        for item in items:
            target = programme or (self.programmes[item["programme"]] if item.get("programme") else None)
            self.session.add(GovernanceRule(
                contract_id=self.contract.id,
                meeting_kind=item["meeting_kind"],
                scope="programme" if target else item["scope"],
                programme_id=target.id if target else None,
                min_per_year=item.get("min_per_year"),
                max_per_year=item.get("max_per_year"),
                quote=item.get("quote"),
                **_sourced(item),
            ))
            self.counts["governance_rules"] += 1

    def load_indicators(self, data: dict | None) -> None:
        if not data:
            return
        themes = list(data.get("themes") or [])
        for position, item in enumerate(data.get("indicators") or []):
            if item["theme"] not in themes:
                themes.append(item["theme"])
            indicator = Indicator(contract_id=self.contract.id, code=item["code"], label=item["label"],
                                  theme=item["theme"], theme_position=themes.index(item["theme"]),
                                  unit=item["unit"], decimals=item.get("decimals") or 0,
                                  definition=item.get("definition"), position=position)
            self.session.add(indicator)
            self.session.flush()
            self.indicators[indicator.code] = indicator
            for value in item.get("values") or []:
                self.session.add(IndicatorValue(indicator_id=indicator.id, value=float(value["value"]),
                                                year=_text(value["year"]), source_detail=value.get("source_detail"),
                                                **self.area_of(value["area"]), **_sourced(value)))
                self.counts["indicator_values"] += 1
            self.counts["indicators"] += 1

    def area_of(self, slug: str) -> dict[str, int | None]:
        if slug in self.neighbourhoods:
            return {"neighbourhood_id": self.neighbourhoods[slug].id, "comparison_area_id": None}
        if slug in self.areas:
            return {"neighbourhood_id": None, "comparison_area_id": self.areas[slug].id}
        raise ValueError(f"{self.folder.name}: unknown area {slug!r} in indicators.yaml")

    def load_facilities(self, items: list[dict]) -> None:
        for item in items:
            self.session.add(Facility(
                contract_id=self.contract.id, name=item["name"], kind=item["kind"], commune=item.get("commune"),
                address=item.get("address"), latitude=item.get("latitude"), longitude=item.get("longitude"),
                neighbourhoods=[self.neighbourhoods[slug] for slug in item.get("neighbourhoods") or []],
                **_sourced(item),
            ))
            self.counts["facilities"] += 1

    def load_geometry(self, data: dict | None) -> None:
        """Approximate contours and facility positions (geometry.yaml): shown as approximate on maps."""
        if not data:
            return
        facilities = {f.name: f for f in self.session.scalars(
            select(Facility).where(Facility.contract_id == self.contract.id))}
        for item in data.get("neighbourhoods") or []:
            if item["slug"] not in self.neighbourhoods:
                raise ValueError(f"{self.folder.name}: unknown neighbourhood {item['slug']!r} in geometry.yaml")
            ring = [[float(x), float(y)] for x, y in item["polygon"]]
            hood = self.neighbourhoods[item["slug"]]
            hood.geometry = {"type": "Polygon", "coordinates": [ring + ring[:1]]}
            hood.geometry_approximate = True
            hood.geometry_source = item.get("note") or data.get("note")
            self.counts["contours"] += 1
        for item in data.get("facilities") or []:
            if item["name"] not in facilities:
                raise ValueError(f"{self.folder.name}: unknown facility {item['name']!r} in geometry.yaml")
            facility = facilities[item["name"]]
            facility.longitude, facility.latitude = float(item["longitude"]), float(item["latitude"])
            facility.location_approximate = True

    def load_swot(self, analyses: list[dict]) -> None:
        for data in analyses:
            analysis = SwotAnalysis(neighbourhood_id=self.neighbourhoods[data["neighbourhood"]].id,
                                    label=data["label"], dated=data["dated"], status=data.get("status") or "derivee",
                                    **_sourced(data))
            self.session.add(analysis)
            self.session.flush()
            positions: Counter[str] = Counter()
            for item in data.get("items") or []:
                positions[item["quadrant"]] += 1
                self.session.add(SwotItem(
                    analysis_id=analysis.id, quadrant=item["quadrant"], text=item["text"],
                    position=positions[item["quadrant"]], quote=item.get("quote"),
                    indicators=[self.indicators[code] for code in item.get("indicators") or []],
                    priorities=[self.priority_ref(ref) for ref in item.get("priorities") or []],
                    **_sourced(item, analysis.source),
                ))
                self.counts["swot_items"] += 1
            self.counts["swot_analyses"] += 1

    def priority_ref(self, ref: str) -> Priority:
        """'projet-planoise#3' -> the third priority of that programme, in the document's order."""
        slug, _, number = ref.partition("#")
        return self.priorities[slug][int(number) - 1]

    def load_meetings(self, items: list[dict]) -> None:
        details = self.meeting_details()
        keys: dict[str, Meeting] = {}
        for item in items:
            hood = self.neighbourhoods[item["neighbourhood"]] if item.get("neighbourhood") else None
            programme = self.programmes[item["programme"]] if item.get("programme") else None
            meeting = Meeting(
                contract_id=self.contract.id, kind=item["kind"], title=item["title"], date=item["date"],
                status=item.get("status") or "tenue", place=item.get("place"), chairs=item.get("chairs"),
                neighbourhood_id=hood.id if hood else None, programme_id=programme.id if programme else None,
                quote=item.get("quote"), start_time=parse_time(item.get("time")), minutes=item.get("minutes"),
                replaces_id=keys[item["replaces"]].id if item.get("replaces") else None, **_sourced(item),
            )
            self.session.add(meeting)
            self.counts["meetings"] += 1
            details.load(meeting, item)
            if item.get("key"):
                keys[item["key"]] = meeting
        self.counts.update(details.counts)
        details.counts = dict.fromkeys(details.counts, 0)

    def load_progress(self, data: dict | None) -> None:
        """Points d'avancement (progress.yaml), after the meetings they may refer to."""
        if not data:
            return
        self.session.flush()
        meetings = list(self.session.scalars(select(Meeting).where(Meeting.contract_id == self.contract.id)))
        self.counts["priority_updates"] += seed_progress.load_progress(
            self.session, data, self.programmes, self.priorities, meetings, _sourced)

    def meeting_details(self) -> MeetingDetailsLoader:
        """The loader of attendance, agenda and decisions nested under meetings (one per contract)."""
        if not hasattr(self, "_meeting_details"):
            self._meeting_details = MeetingDetailsLoader(self.session, self.contract.slug, self.organisations,
                                                         self.neighbourhoods, self.priority_ref)
        return self._meeting_details


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def database_is_empty(session: Session) -> bool:
    """True when no contract has been loaded yet."""
    return not session.scalar(select(func.count()).select_from(Contract))


def describe_contents(session: Session) -> str:
    """'4 contrats, 30 quartiers': what a database already holds, in French."""
    contracts = session.scalar(select(func.count()).select_from(Contract))
    hoods = session.scalar(select(func.count()).select_from(Neighbourhood))
    return f"{plural(contracts, 'contrat')}, {plural(hoods, 'quartier')}"


def load_seed(session: Session, data_dir: Path) -> Counter[str]:
    """Load every contract listed in data/contracts.yaml, in one transaction; return the counts."""
    organisations: dict[str, Organisation] = {}
    counts: Counter[str] = Counter()
    contracts: dict[str, tuple[Contract, str | None]] = {}
    listing = read_yaml(data_dir / "contracts.yaml", data_dir)
    if not isinstance(listing, dict) or not isinstance(listing["contracts"], list):
        raise SeedDataError("Données d'exemple : contracts.yaml : une clé « contracts » suivie de la liste des "
                            "dossiers de contrats est attendue.")
    for position, slug in enumerate(listing["contracts"]):
        loader = ContractLoader(session, data_dir / slug, organisations, position)
        contract = loader.load()
        previous = loader.file("contract.yaml").get("previous_contract")
        contracts[contract.slug] = (contract, previous)
        counts.update(loader.counts)
        counts["contracts"] += 1
    for contract, previous in contracts.values():
        if previous and previous not in contracts:
            raise SeedDataError(f"Données d'exemple : {contract.slug}/contract.yaml : le contrat précédent "
                                f"« {previous} » n'est pas listé dans contracts.yaml.")
        if previous:
            contract.previous_contract_id = contracts[previous][0].id
    counts["organisations"] = len(organisations)
    audit.record(session, None, "seed", "database", None,
                 "Chargement des données initiales : " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    session.commit()
    return counts
