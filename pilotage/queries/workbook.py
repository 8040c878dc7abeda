"""Reads of a whole contract as the rows of its workbook (pilotage/workbook_columns.py), ids turned into keys.

Rows come in a fixed order (parent's order, then position, then id), and an import creates them in that
order: exporting the imported contract gives the same rows again.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from pilotage import clock
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
    priority_framework,
    swot_item_indicator,
    swot_item_priority,
)
from pilotage.queries.swot import QUADRANTS
from pilotage.workbook_columns import CONTOUR_PART_LENGTH, LIST_SEPARATOR, Records
from pilotage.workbook_file import build_workbook, contract_title

SOURCED = ("source", "illustrative", "note")


def _values(obj, *names: str) -> dict:
    return {name: getattr(obj, name) for name in (*names, *SOURCED) if hasattr(obj, name)}


def _json_text(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _joined(items) -> str | None:
    return LIST_SEPARATOR.join(items) or None


def contour_parts(geometry: dict) -> list[str]:
    """A contour's GeoJSON text in parts that each fit a worksheet cell."""
    body = json.dumps(geometry, ensure_ascii=False, separators=(",", ":"))
    return [body[start:start + CONTOUR_PART_LENGTH] for start in range(0, len(body), CONTOUR_PART_LENGTH)]


class _Reader:
    def __init__(self, session: Session, contract: Contract):
        self.session, self.contract, self.records = session, contract, Records()
        self.organisations: dict[int, Organisation] = {}
        self.agenda_ranks: dict[int, int] = {}
        self.people: dict[int, str] = {}

    def all(self, model, *order):
        return list(self.session.scalars(select(model).where(model.contract_id == self.contract.id)
                                         .order_by(*order, model.id)))

    def organisation(self, org_id: int | None) -> str | None:
        if org_id is None:
            return None
        if org_id not in self.organisations:
            self.organisations[org_id] = self.session.get(Organisation, org_id)
        return self.organisations[org_id].name

    def read(self) -> Records:
        c = self.contract
        previous = self.session.get(Contract, c.previous_contract_id) if c.previous_contract_id else None
        self.records["Contrat"].append({**_values(c, "slug", "name", "territory", "start_year", "end_year",
                                                  "signed_on", "status", "summary", "staleness_months",
                                                  "indicator_freshness_years", "epci", "archived"),
                                        "communes": _json_text(c.communes),
                                        "previous_contract": previous.slug if previous else None})
        self.milestones_and_areas()
        self.neighbourhoods()
        self.framework()
        self.programmes()
        self.rules()
        self.indicators()
        self.facilities()
        self.swot()
        self.meetings()
        self.updates()
        self.records["Organisations"].extend(
            {"name": org.name, "kind": org.kind} for org in sorted(self.organisations.values(),
                                                                     key=lambda o: o.name))
        return self.records

    def milestones_and_areas(self) -> None:
        for milestone in self.all(Milestone, Milestone.date, Milestone.label):
            self.records["Jalons"].append(_values(milestone, "date", "label", "kind"))
        self.areas = {a.id: a.slug for a in self.all(ComparisonArea, ComparisonArea.position)}
        for area in self.all(ComparisonArea, ComparisonArea.position):
            self.records["Territoires de comparaison"].append({"slug": area.slug, "name": area.name,
                                                               "kind": area.kind})

    def neighbourhoods(self) -> None:
        hoods = self.all(Neighbourhood, Neighbourhood.position)
        self.hoods = {h.id: h.slug for h in hoods}
        for hood in hoods:
            self.records["Quartiers"].append(_values(
                hood, "slug", "name", "kind", "official_code", "commune", "population", "population_year",
                "population_source", "identity", "geometry_approximate", "geometry_source", "archived"))
            for part, body in enumerate(contour_parts(hood.geometry) if hood.geometry else [], start=1):
                self.records["Contours"].append({"neighbourhood": hood.slug, "part": part, "geojson": body})

    def framework(self) -> None:
        nodes = self.all(FrameworkNode, FrameworkNode.position)
        self.nodes = {n.id: n.code for n in nodes}
        children: dict[int | None, list[FrameworkNode]] = {}
        for node in nodes:
            children.setdefault(node.parent_id, []).append(node)

        self.node_order: dict[int, int] = {}

        def walk(parent_id: int | None) -> None:
            for node in children.get(parent_id, []):
                self.node_order[node.id] = len(self.node_order)
                self.records["Cadre"].append({**_values(node, "code", "level", "title", "archived"),
                                              "parent": self.nodes.get(node.parent_id)})
                walk(node.id)

        walk(None)

    def programmes(self) -> None:
        programmes = self.all(Programme, Programme.position)
        self.programme_slugs = {p.id: p.slug for p in programmes}
        self.priority_refs: dict[int, str] = {}
        links = self._framework_links()
        by_programme: dict[int, list[Priority]] = {}
        for priority in self.session.scalars(select(Priority).join(Programme).where(
                Programme.contract_id == self.contract.id).order_by(Priority.heading_position, Priority.position,
                                                                    Priority.id)):
            by_programme.setdefault(priority.programme_id, []).append(priority)
        for org in sorted(self.contract.signatories, key=lambda o: o.name):
            self.records["Signataires"].append({"organisation": self.organisation(org.id), "programme": None})
        for programme in programmes:
            self.records["Programmes"].append({**_values(programme, "slug", "kind", "name", "title", "adopted_on",
                                                         "discrepancy"),
                                               "neighbourhood": self.hoods.get(programme.neighbourhood_id)})
            for org in sorted(programme.signatories, key=lambda o: o.name):
                self.records["Signataires"].append({"organisation": self.organisation(org.id),
                                                    "programme": programme.slug})
            for rank, priority in enumerate(by_programme.get(programme.id, []), start=1):
                self.priority_refs[priority.id] = f"{programme.slug}#{rank}"
                codes = sorted(links.get(priority.id, []), key=lambda pair: pair[0])
                self.records["Priorités"].append({**_values(priority, "heading", "number", "text", "archived"),
                                                  "programme": programme.slug, "rank": rank,
                                                  "framework": _joined(code for _, code in codes)})

    def _framework_links(self) -> dict[int, list[tuple[int, str]]]:
        rows = self.session.execute(select(priority_framework.c.priority_id, FrameworkNode.id, FrameworkNode.code)
                                    .join(FrameworkNode, FrameworkNode.id == priority_framework.c.framework_node_id)
                                    .where(FrameworkNode.contract_id == self.contract.id))
        links: dict[int, list[tuple[int, str]]] = {}
        for priority_id, node_id, code in rows:
            links.setdefault(priority_id, []).append((self.node_order[node_id], code))
        return links

    def rules(self) -> None:
        for rule in self.all(GovernanceRule):
            self.records["Règles de gouvernance"].append({
                **_values(rule, "meeting_kind", "scope", "min_per_year", "max_per_year", "quote"),
                "programme": self.programme_slugs.get(rule.programme_id)})

    def indicators(self) -> None:
        indicators = self.all(Indicator, Indicator.theme_position, Indicator.position)
        self.indicator_codes = {i.id: i.code for i in indicators}
        for indicator in indicators:
            self.records["Indicateurs"].append(_values(indicator, "code", "label", "theme", "unit", "decimals",
                                                       "definition"))
        values = self.session.scalars(select(IndicatorValue).join(Indicator).where(
            Indicator.contract_id == self.contract.id).order_by(IndicatorValue.id))
        order = {indicator_id: index for index, indicator_id in enumerate(self.indicator_codes)}
        for value in sorted(values, key=lambda v: (order[v.indicator_id], v.id)):
            self.records["Valeurs"].append({
                **_values(value, "value", "year", "source_detail"),
                "indicator": self.indicator_codes[value.indicator_id],
                "neighbourhood": self.hoods.get(value.neighbourhood_id),
                "area": self.areas.get(value.comparison_area_id)})

    def facilities(self) -> None:
        for facility in self.all(Facility):
            slugs = sorted((h for h in facility.neighbourhoods), key=lambda h: (h.position, h.id))
            self.records["Équipements"].append({
                **_values(facility, "name", "kind", "commune", "address", "latitude", "longitude",
                          "location_approximate", "archived"),
                "neighbourhoods": _joined(h.slug for h in slugs)})

    def links(self, table, owner: str, target: str, owners: list[int]) -> dict[int, list[int]]:
        """The ids an association table links to each of `owners`, in id order."""
        found: dict[int, list[int]] = {}
        if owners:
            rows = self.session.execute(select(table.c[owner], table.c[target]).where(table.c[owner].in_(owners))
                                        .order_by(table.c[target]))
            for owner_id, target_id in rows:
                found.setdefault(owner_id, []).append(target_id)
        return found

    def swot(self) -> None:
        hood_order = {hood_id: index for index, hood_id in enumerate(self.hoods)}
        analyses = list(self.session.scalars(select(SwotAnalysis).where(
            SwotAnalysis.neighbourhood_id.in_(list(self.hoods))).order_by(SwotAnalysis.id)))
        analyses.sort(key=lambda a: (hood_order[a.neighbourhood_id], a.dated, a.id))
        refs = {analysis.id: f"ffom-{number}" for number, analysis in enumerate(analyses, start=1)}
        items = list(self.session.scalars(select(SwotItem).where(SwotItem.analysis_id.in_(list(refs)))))
        analysis_order = {analysis_id: index for index, analysis_id in enumerate(refs)}
        items.sort(key=lambda i: (analysis_order[i.analysis_id], QUADRANTS.index(i.quadrant), i.position, i.id))
        indicators = self.links(swot_item_indicator, "swot_item_id", "indicator_id", [i.id for i in items])
        priorities = self.links(swot_item_priority, "swot_item_id", "priority_id", [i.id for i in items])
        for analysis in analyses:
            self.records["Analyses FFOM"].append({**_values(analysis, "label", "dated", "status"),
                                                  "ref": refs[analysis.id],
                                                  "neighbourhood": self.hoods[analysis.neighbourhood_id]})
        ranks: dict[tuple[int, str], int] = {}
        for item in items:
            rank = ranks[item.analysis_id, item.quadrant] = ranks.get((item.analysis_id, item.quadrant), 0) + 1
            self.records["FFOM"].append({
                **_values(item, "quadrant", "text", "quote", "archived"), "analysis": refs[item.analysis_id],
                "rank": rank,
                "indicators": _joined(self.indicator_codes[i] for i in indicators.get(item.id, [])),
                "priorities": _joined(self.priority_refs[p] for p in priorities.get(item.id, []))})

    def person(self, person_id: int | None) -> str | None:
        if person_id is None:
            return None
        if person_id not in self.people:
            self.people[person_id] = self.session.get(Person, person_id).name
        return self.people[person_id]

    def meetings(self) -> None:
        meetings = self.all(Meeting, Meeting.date)
        self.meeting_refs = {m.id: f"instance-{n}" for n, m in enumerate(meetings, start=1)}
        meeting_order = {meeting_id: n for n, meeting_id in enumerate(self.meeting_refs)}
        decisions = list(self.session.scalars(select(Decision).join(Meeting).where(
            Meeting.contract_id == self.contract.id).order_by(Decision.id)))
        decisions.sort(key=lambda d: (meeting_order[d.meeting_id], d.id))
        self.decision_refs = {d.id: f"decision-{n}" for n, d in enumerate(decisions, start=1)}
        for meeting in meetings:
            self.records["Instances"].append({
                **_values(meeting, "date", "kind", "title", "status", "place", "chairs", "minutes", "quote"),
                "ref": self.meeting_refs[meeting.id],
                "start_time": meeting.start_time.strftime("%H:%M") if meeting.start_time else None,
                "neighbourhood": self.hoods.get(meeting.neighbourhood_id),
                "programme": self.programme_slugs.get(meeting.programme_id),
                "replaces": self.meeting_refs.get(meeting.replaces_id),
                "running_order": _json_text(meeting.running_order)})
        attendance = list(self.session.scalars(select(Attendance).join(Meeting).where(
            Meeting.contract_id == self.contract.id).order_by(Attendance.id)))
        for row in sorted(attendance, key=lambda a: (meeting_order[a.meeting_id], a.id)):
            self.records["Participations"].append({
                "meeting": self.meeting_refs[row.meeting_id], "organisation": self.organisation(row.organisation_id),
                "person": self.person(row.person_id), "invited": row.invited, "present": row.present})
        self.agenda(meeting_order)
        self.decisions(decisions)

    def agenda(self, meeting_order: dict[int, int]) -> None:
        items = list(self.session.scalars(select(AgendaItem).join(Meeting).where(
            Meeting.contract_id == self.contract.id)))
        items.sort(key=lambda i: (meeting_order[i.meeting_id], i.position, i.id))
        taken = self.links(agenda_item_decision, "agenda_item_id", "decision_id", [i.id for i in items])
        ranks: dict[int, int] = {}
        for item in items:
            rank = self.agenda_ranks[item.id] = ranks[item.meeting_id] = ranks.get(item.meeting_id, 0) + 1
            refs = sorted((self.decision_refs[d] for d in taken.get(item.id, []) if d in self.decision_refs),
                          key=lambda ref: int(ref.rpartition("-")[2]))
            self.records["Ordre du jour"].append({
                **_values(item, "section", "title", "notes", "outcome"), "meeting": self.meeting_refs[item.meeting_id],
                "rank": rank, "neighbourhood": self.hoods.get(item.neighbourhood_id),
                "priority": self.priority_refs.get(item.priority_id), "takes_up": _joined(refs)})

    def decisions(self, decisions: list[Decision]) -> None:
        for decision in decisions:
            self.records["Décisions"].append({
                **_values(decision, "kind", "text", "due_on", "status", "closed_on"),
                "ref": self.decision_refs[decision.id], "meeting": self.meeting_refs[decision.meeting_id],
                "agenda_rank": self.agenda_ranks.get(decision.agenda_item_id),
                "owner": self.organisation(decision.owner_organisation_id),
                "owner_person": self.person(decision.owner_person_id),
                "neighbourhood": self.hoods.get(decision.neighbourhood_id),
                "priority": self.priority_refs.get(decision.priority_id)})

    def updates(self) -> None:
        order = {priority_id: index for index, priority_id in enumerate(self.priority_refs)}
        points = list(self.session.scalars(select(PriorityUpdate).where(
            PriorityUpdate.priority_id.in_(list(self.priority_refs)))))
        for point in sorted(points, key=lambda p: (order[p.priority_id], p.sequence, p.id)):
            self.records["Points d'avancement"].append({
                **_values(point, "sequence", "recorded_on", "weather", "progress", "difficulties", "next_steps",
                          "successes", "author"),
                "priority": self.priority_refs[point.priority_id], "meeting": self.meeting_refs.get(point.meeting_id)})


def get_workbook_records(session: Session, *, contract_id: int) -> Records:
    """Every row of a contract's workbook, sheet by sheet."""
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise LookupError(f"no contract {contract_id}")
    return _Reader(session, contract).read()


def get_contract_workbook(session: Session, *, contract_id: int) -> bytes:
    """The .xlsx workbook of a whole contract, as the Données page downloads it."""
    contract = session.get(Contract, contract_id)
    records = get_workbook_records(session, contract_id=contract_id)
    return build_workbook(records, title=contract_title(contract.name, clock.today()))
