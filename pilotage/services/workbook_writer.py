"""The rows of a checked contract workbook turned into database rows, in the sheets' order.

Called only by pilotage/services/workbook.py, inside its single transaction, once every check has passed:
keys are known to be unique and every reference to resolve. Positions follow the order of the lines.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from pilotage.models import (
    AgendaItem,
    Attendance,
    ComparisonArea,
    Contract,
    Decision,
    Facility,
    FrameworkNode,
    GovernanceRule,
    Indicator,
    IndicatorValue,
    Meeting,
    Milestone,
    Neighbourhood,
    Organisation,
    Person,
    Priority,
    PriorityUpdate,
    Programme,
    SwotAnalysis,
    SwotItem,
    agenda_item_decision,
)
from pilotage.workbook_columns import Records


def _sourced(row: dict) -> dict:
    return {"source": row.get("source"), "illustrative": bool(row.get("illustrative")), "note": row.get("note")}


def _flag(value: bool | None) -> bool:
    """An empty approximate flag means approximate: nothing says the contour or position is exact."""
    return True if value is None else value


class WorkbookWriter:
    def __init__(self, session: Session, contract: Contract, records: Records):
        self.session, self.contract, self.records = session, contract, records
        self.counts: Counter[str] = Counter()

    def add(self, objects: list, label: str) -> list:
        self.session.add_all(objects)
        self.session.flush()
        self.counts[label] += len(objects)
        return objects

    def write(self) -> Counter[str]:
        """Write every sheet; return how many rows of each kind were created."""
        self.organisations()
        self.contract.signatories = [self.orgs[r["organisation"]] for r in self.records["Signataires"]
                                     if r["programme"] is None]
        self.add([Milestone(contract_id=self.contract.id, date=r["date"], label=r["label"], kind=r["kind"],
                            **_sourced(r)) for r in self.records["Jalons"]], "jalons")
        areas = self.add([ComparisonArea(contract_id=self.contract.id, slug=r["slug"], name=r["name"], kind=r["kind"],
                                         position=i) for i, r in enumerate(self.records["Territoires de comparaison"])],
                         "territoires de comparaison")
        self.areas = {a.slug: a.id for a in areas}
        self.neighbourhoods()
        self.framework()
        self.programmes()
        self.indicators()
        self.facilities()
        self.swot()
        self.meetings()
        self.updates()
        return self.counts

    def organisations(self) -> None:
        names = [r["name"] for r in self.records["Organisations"]]
        existing = {o.name: o for o in self.session.scalars(select(Organisation).where(Organisation.name.in_(names)))}
        created = [Organisation(name=r["name"], kind=r["kind"]) for r in self.records["Organisations"]
                   if r["name"] not in existing]
        self.add(created, "organisations créées")
        self.orgs = {**existing, **{o.name: o for o in created}}

    def neighbourhoods(self) -> None:
        hoods = self.add([Neighbourhood(
            contract_id=self.contract.id, position=i, geometry=r["geometry"],
            geometry_approximate=_flag(r["geometry_approximate"]),
            **{k: r[k] for k in ("slug", "name", "kind", "official_code", "commune", "population", "population_year",
                                 "population_source", "identity", "geometry_source")},
            archived=bool(r["archived"]), **_sourced(r))
            for i, r in enumerate(self.records["Quartiers"])], "quartiers")
        self.hoods = {h.slug: h for h in hoods}

    def hood_id(self, slug: str | None) -> int | None:
        return self.hoods[slug].id if slug else None

    def framework(self) -> None:
        rows = self.records["Cadre"]
        parents = {r["code"]: r["parent"] for r in rows}

        def depth(code: str) -> int:
            return 0 if parents[code] is None else 1 + depth(parents[code])

        positions, siblings = {}, Counter()
        for row in rows:
            positions[row["code"]], siblings[row["parent"]] = siblings[row["parent"]], siblings[row["parent"]] + 1
        self.nodes: dict[str, FrameworkNode] = {}
        by_depth: dict[int, list[dict]] = {}
        for row in rows:
            by_depth.setdefault(depth(row["code"]), []).append(row)
        for level in sorted(by_depth):  # parents first, so that children know their parent's id
            nodes = self.add([FrameworkNode(
                contract_id=self.contract.id, code=r["code"], level=r["level"], depth=level, title=r["title"],
                position=positions[r["code"]], parent_id=self.nodes[r["parent"]].id if r["parent"] else None,
                archived=bool(r["archived"]), **_sourced(r)) for r in by_depth[level]], "nœuds du cadre")
            self.nodes.update((node.code, node) for node in nodes)

    def programmes(self) -> None:
        programmes = self.add([Programme(
            contract_id=self.contract.id, neighbourhood_id=self.hood_id(r["neighbourhood"]), position=i,
            **{k: r[k] for k in ("slug", "kind", "name", "title", "adopted_on", "discrepancy")}, **_sourced(r))
            for i, r in enumerate(self.records["Programmes"])], "programmes")
        self.programmes_by_slug = {p.slug: p for p in programmes}
        for row in self.records["Signataires"]:
            if row["programme"] is not None:
                self.programmes_by_slug[row["programme"]].signatories.append(self.orgs[row["organisation"]])
        self.priorities: dict[str, Priority] = {}
        for programme in programmes:
            rows = sorted((r for r in self.records["Priorités"] if r["programme"] == programme.slug),
                          key=lambda r: r["rank"])
            heading_position, previous = -1, object()
            for position, row in enumerate(rows):
                if row["heading"] != previous:
                    heading_position, previous = heading_position + 1, row["heading"]
                self.priorities[f"{programme.slug}#{row['rank']}"] = Priority(
                    programme_id=programme.id, heading=row["heading"], heading_position=heading_position,
                    number=row["number"], position=position, text=row["text"],
                    framework_nodes=[self.nodes[code] for code in row["framework"]], archived=bool(row["archived"]),
                    **_sourced(row))
        self.add(list(self.priorities.values()), "priorités")
        self.add([GovernanceRule(
            contract_id=self.contract.id, meeting_kind=r["meeting_kind"], scope=r["scope"],
            programme_id=self.programmes_by_slug[r["programme"]].id if r["programme"] else None,
            min_per_year=r["min_per_year"], max_per_year=r["max_per_year"], quote=r["quote"], **_sourced(r))
            for r in self.records["Règles de gouvernance"]], "règles de gouvernance")

    def priority_id(self, ref: str | None) -> int | None:
        return self.priorities[ref].id if ref else None

    def programme_id(self, slug: str | None) -> int | None:
        return self.programmes_by_slug[slug].id if slug else None

    def indicators(self) -> None:
        themes: list[str] = []
        for row in self.records["Indicateurs"]:
            if row["theme"] not in themes:
                themes.append(row["theme"])
        indicators = self.add([Indicator(
            contract_id=self.contract.id, theme_position=themes.index(r["theme"]), position=i,
            **{k: r[k] for k in ("code", "label", "theme", "unit", "decimals", "definition")})
            for i, r in enumerate(self.records["Indicateurs"])], "indicateurs")
        self.indicators_by_code = {i.code: i for i in indicators}
        self.add([IndicatorValue(
            indicator_id=self.indicators_by_code[r["indicator"]].id, neighbourhood_id=self.hood_id(r["neighbourhood"]),
            comparison_area_id=self.areas[r["area"]] if r["area"] else None, value=r["value"], year=r["year"],
            source_detail=r["source_detail"], **_sourced(r)) for r in self.records["Valeurs"]], "valeurs")

    def facilities(self) -> None:
        self.add([Facility(
            contract_id=self.contract.id, location_approximate=_flag(r["location_approximate"]),
            neighbourhoods=[self.hoods[slug] for slug in r["neighbourhoods"]], archived=bool(r["archived"]),
            **{k: r[k] for k in ("name", "kind", "commune", "address", "latitude", "longitude")}, **_sourced(r))
            for r in self.records["Équipements"]], "équipements")

    def swot(self) -> None:
        analyses = self.add([SwotAnalysis(
            neighbourhood_id=self.hoods[r["neighbourhood"]].id, label=r["label"], dated=r["dated"], status=r["status"],
            **_sourced(r)) for r in self.records["Analyses FFOM"]], "analyses FFOM")
        by_ref = {r["ref"]: a.id for r, a in zip(self.records["Analyses FFOM"], analyses, strict=True)}
        self.add([SwotItem(
            analysis_id=by_ref[r["analysis"]], quadrant=r["quadrant"], text=r["text"], position=r["rank"],
            quote=r["quote"], archived=bool(r["archived"]),
            indicators=[self.indicators_by_code[code] for code in r["indicators"]],
            priorities=[self.priorities[ref] for ref in r["priorities"]], **_sourced(r))
            for r in self.records["FFOM"]], "éléments FFOM")

    def person_id(self, name: str | None, organisation: Organisation | None) -> int | None:
        if not name:
            return None
        org_id = organisation.id if organisation else None
        person = self.session.scalar(select(Person).where(Person.name == name, Person.organisation_id == org_id)
                                     .order_by(Person.id).limit(1))
        if person is None:
            person = self.add([Person(name=name, organisation_id=org_id)], "personnes créées")[0]
        return person.id

    def meetings(self) -> None:
        rows = self.records["Instances"]
        meetings = self.add([Meeting(
            contract_id=self.contract.id, neighbourhood_id=self.hood_id(r["neighbourhood"]),
            programme_id=self.programme_id(r["programme"]), running_order=r["running_order"],
            **{k: r[k] for k in ("date", "start_time", "kind", "title", "status", "place", "chairs", "minutes",
                                 "quote")}, **_sourced(r)) for r in rows], "instances")
        self.meetings_by_ref = {r["ref"]: m for r, m in zip(rows, meetings, strict=True)}
        for row, meeting in zip(rows, meetings, strict=True):
            if row["replaces"]:
                meeting.replaces_id = self.meetings_by_ref[row["replaces"]].id
        self.add([Attendance(
            meeting_id=self.meetings_by_ref[r["meeting"]].id, organisation_id=self.orgs[r["organisation"]].id,
            person_id=self.person_id(r["person"], self.orgs[r["organisation"]]),
            invited=_flag(r["invited"]), present=r["present"]) for r in self.records["Participations"]],
            "participations")
        items = self.add([AgendaItem(
            meeting_id=self.meetings_by_ref[r["meeting"]].id, position=r["rank"], section=r["section"],
            title=r["title"], neighbourhood_id=self.hood_id(r["neighbourhood"]),
            priority_id=self.priority_id(r["priority"]), notes=r["notes"], outcome=r["outcome"])
            for r in self.records["Ordre du jour"]], "points d'ordre du jour")
        agenda = {f"{r['meeting']}#{r['rank']}": item
                  for r, item in zip(self.records["Ordre du jour"], items, strict=True)}
        self.decisions(agenda)

    def decisions(self, agenda: dict[str, AgendaItem]) -> None:
        rows = self.records["Décisions"]
        decisions = self.add([Decision(
            meeting_id=self.meetings_by_ref[r["meeting"]].id,
            agenda_item_id=agenda[f"{r['meeting']}#{r['agenda_rank']}"].id if r["agenda_rank"] else None,
            kind=r["kind"], text=r["text"], owner_organisation_id=self.orgs[r["owner"]].id if r["owner"] else None,
            owner_person_id=self.person_id(r["owner_person"], self.orgs.get(r["owner"])), due_on=r["due_on"],
            status=r["status"], closed_on=r["closed_on"], neighbourhood_id=self.hood_id(r["neighbourhood"]),
            priority_id=self.priority_id(r["priority"]), **_sourced(r)) for r in rows], "décisions")
        by_ref = {r["ref"]: d.id for r, d in zip(rows, decisions, strict=True)}
        links = [{"agenda_item_id": agenda[f"{r['meeting']}#{r['rank']}"].id, "decision_id": by_ref[ref]}
                 for r in self.records["Ordre du jour"] for ref in r["takes_up"]]
        if links:
            self.session.execute(agenda_item_decision.insert(), links)

    def updates(self) -> None:
        self.add([PriorityUpdate(
            priority_id=self.priorities[r["priority"]].id, sequence=r["sequence"], recorded_on=r["recorded_on"],
            weather=r["weather"], progress=r["progress"], difficulties=r["difficulties"], next_steps=r["next_steps"],
            successes=r["successes"], author=r["author"],
            meeting_id=self.meetings_by_ref[r["meeting"]].id if r["meeting"] else None, **_sourced(r))
            for r in self.records["Points d'avancement"]], "points d'avancement")
