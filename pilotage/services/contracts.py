"""Contracts set up from the UI: create, edit, archive; milestones, governance rules, comparison areas and
signatories. Administrators only; every write checks the versions the user read and leaves audit rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from pilotage import audit
from pilotage.contract_labels import (
    AREA_KIND_LABELS,
    MILESTONE_KIND_LABELS,
    ORGANISATION_KIND_LABELS,
    RULE_SCOPE_LABELS,
)
from pilotage.errors import CONFLICT_MESSAGE, ConflictError, ValidationError
from pilotage.formats import CONTRACT_STATUS_LABELS, MEETING_KIND_LABELS, format_date
from pilotage.models import (
    ComparisonArea,
    Contract,
    GovernanceRule,
    IndicatorValue,
    Milestone,
    Organisation,
    Programme,
)
from pilotage.permissions import ADMIN, Actor
from pilotage.qpv_catalogue import insee_codes
from pilotage.services.base import ensure_permission, ensure_version, get_or_fail, run_write, write_archived
from pilotage.slugs import unique_slug

FIRST_YEAR, LAST_YEAR = 1990, 2100
NAME_MAX, TERRITORY_MAX, EPCI_MAX = 300, 200, 200
LABEL_MAX = 200
COMMUNE_NAME_MAX = 120
MAX_COMMUNES = 300
STALENESS_RANGE = range(1, 61)  # months
FRESHNESS_RANGE = range(1, 31)  # years
MEETINGS_PER_YEAR_MAX = 52


# The contract itself ---------------------------------------------------------------------------


def create_contract(
    session: Session,
    actor: Actor,
    *,
    name: str,
    territory: str,
    start_year: int,
    end_year: int,
    epci: str | None = None,
    communes: Sequence[Mapping[str, Any]] = (),
    status: str = "en_cours",
    signed_on: dt.date | None = None,
    summary: str | None = None,
    staleness_months: int = 6,
    indicator_freshness_years: int = 5,
) -> int:
    """Create a contract (its slug made from its name); return its id."""
    ensure_permission(actor, ADMIN)
    fields = _contract_fields(session, None, name=name, territory=territory, start_year=start_year,
                              end_year=end_year, epci=epci, communes=communes, status=status, signed_on=signed_on,
                              summary=summary, staleness_months=staleness_months,
                              indicator_freshness_years=indicator_freshness_years)
    taken = set(session.scalars(select(Contract.slug)))
    position = (session.scalar(select(func.max(Contract.position))) or 0) + 1
    contract = Contract(slug=unique_slug(fields["name"], taken, "contrat"), position=position, **fields)

    def write() -> int:
        session.add(contract)
        session.flush()
        audit.record(session, actor, "create", "contract", contract.id, f"Création du contrat {contract.name}",
                     after=audit.snapshot(contract))
        return contract.id

    try:
        return run_write(session, write)
    except IntegrityError as exc:  # another administrator created a contract of the same name at the same time
        raise ConflictError("Un contrat du même nom vient d'être créé par quelqu'un d'autre : rien n'a été "
                            "enregistré. Rechargez la page.") from exc


def update_contract(
    session: Session,
    actor: Actor,
    contract_id: int,
    *,
    expected_version: int,
    name: str,
    territory: str,
    start_year: int,
    end_year: int,
    epci: str | None = None,
    communes: Sequence[Mapping[str, Any]] = (),
    status: str = "en_cours",
    signed_on: dt.date | None = None,
    summary: str | None = None,
    staleness_months: int = 6,
    indicator_freshness_years: int = 5,
) -> None:
    """Edit a contract's name, territory, EPCI and communes, period, status, signature, summary and thresholds
    (its slug, in every link, stays)."""
    ensure_permission(actor, ADMIN)
    contract = get_or_fail(session, Contract, contract_id, "Contrat")
    ensure_version(contract, expected_version)
    fields = _contract_fields(session, contract.id, name=name, territory=territory, start_year=start_year,
                              end_year=end_year, epci=epci, communes=communes, status=status, signed_on=signed_on,
                              summary=summary, staleness_months=staleness_months,
                              indicator_freshness_years=indicator_freshness_years)
    before = audit.snapshot(contract)

    def write() -> None:
        for key, value in fields.items():
            setattr(contract, key, value)
        session.flush()
        audit.record(session, actor, "update", "contract", contract.id, f"Modification du contrat {contract.name}",
                     before=before, after=audit.snapshot(contract))

    run_write(session, write)


def set_contract_archived(session: Session, actor: Actor, contract_id: int, *, expected_version: int,
                          archived: bool) -> None:
    """Archive a contract (still readable, no longer offered by default) or bring it back."""
    ensure_permission(actor, ADMIN)
    contract = get_or_fail(session, Contract, contract_id, "Contrat")
    ensure_version(contract, expected_version)
    if contract.archived == archived:
        raise ValidationError(f"Le contrat {contract.name} est déjà {'archivé' if archived else 'actif'}.")
    write_archived(session, actor, contract, archived=archived, entity="contract",
                   summary=f"{'Archivage' if archived else 'Rétablissement'} du contrat {contract.name}")


def _contract_fields(session: Session, own_id: int | None, *, name, territory, start_year, end_year, epci, communes,
                     status, signed_on, summary, staleness_months, indicator_freshness_years) -> dict:
    name = _text(name, "Nom du contrat", NAME_MAX, required=True)
    other = next((i for i, n in session.execute(select(Contract.id, Contract.name)) if n.lower() == name.lower()),
                 None)
    if other is not None and other != own_id:
        raise ValidationError(f"Un autre contrat porte déjà le nom « {name} ».")
    territory = _text(territory, "Territoire", TERRITORY_MAX, required=True)
    epci = _text(epci, "EPCI", EPCI_MAX)
    communes = _communes(communes)
    start = _year(start_year, "Année de début")
    end = _year(end_year, "Année de fin")
    if end < start:
        raise ValidationError(f"Période : l'année de fin ({end}) précède l'année de début ({start}).")
    if status not in CONTRACT_STATUS_LABELS:
        raise ValidationError(f"Statut inconnu : {status}. Choisissez parmi : "
                              f"{', '.join(CONTRACT_STATUS_LABELS.values())}.")
    if signed_on is not None and (not isinstance(signed_on, dt.date) or not FIRST_YEAR <= signed_on.year <= LAST_YEAR):
        raise ValidationError("Date de signature : une date entre 1990 et 2100.")
    return {
        "name": name,
        "territory": territory,
        "epci": epci,
        "communes": communes,
        "start_year": start,
        "end_year": end,
        "status": status,
        "signed_on": signed_on,
        "summary": (summary or "").strip() or None,
        "staleness_months": _whole(staleness_months, "Délai « sans nouvelles » (mois)", STALENESS_RANGE),
        "indicator_freshness_years": _whole(indicator_freshness_years, "Fraîcheur des indicateurs (années)",
                                            FRESHNESS_RANGE),
    }


def _communes(rows: Sequence[Mapping[str, Any]]) -> list[dict] | None:
    """[{'code': '25056', 'name': 'Besançon'}, ...]: a name for each, a valid INSEE code when given, no repeat."""
    result, seen = [], set()
    for number, row in enumerate(rows or (), start=1):
        name = _text(row.get("name"), f"Commune n° {number} : nom", COMMUNE_NAME_MAX)
        raw = _text(row.get("code"), f"Commune n° {number} : code INSEE", 20)
        if not name and not raw:
            continue  # an empty line of the table
        if not name:
            raise ValidationError(f"Commune n° {number} : le nom est obligatoire (code {raw}).")
        code = None
        if raw:
            codes = insee_codes(raw)
            if len(codes) != 1:
                raise ValidationError(f"Commune n° {number} ({name}) : « {raw} » n'est pas un code INSEE de commune "
                                      "(5 caractères, par exemple 25056 ou 2A004).")
            code = codes[0]
        key = code or name.lower()
        if key in seen:
            raise ValidationError(f"Commune n° {number} : {name} figure deux fois dans la liste.")
        seen.add(key)
        result.append({"code": code, "name": name})
    if len(result) > MAX_COMMUNES:
        raise ValidationError(f"Communes : {MAX_COMMUNES} au plus.")
    return result or None


# Milestones, governance rules, comparison areas ------------------------------------------------


def save_milestones(session: Session, actor: Actor, *, contract_id: int, rows: Sequence[Mapping[str, Any]],
                    seen: Mapping[int, int]) -> int:
    """Replace the contract's milestones by `rows` (with 'id' for an existing one): add, edit, remove in one
    transaction; `seen` holds the id -> version of the milestones the user was shown. Return the changes made."""

    def values(row: Mapping[str, Any], where: str, contract: Contract) -> dict:
        date = _date(row.get("date"), where)
        if not FIRST_YEAR <= date.year <= LAST_YEAR:
            raise ValidationError(f"{where} : {format_date(date)} est hors des années possibles.")
        kind = row.get("kind") or "autre"
        if kind not in MILESTONE_KIND_LABELS:
            raise ValidationError(f"{where} : type de jalon inconnu ({kind}).")
        return {"date": date, "label": _text(row.get("label"), f"{where} : libellé", LABEL_MAX, required=True),
                "kind": kind}

    return _save_lines(session, actor, contract_id, Milestone, "Jalon", rows, seen, values,
                       lambda m: f"jalon « {m.label} » du {format_date(m.date)}")


def save_governance_rules(session: Session, actor: Actor, *, contract_id: int, rows: Sequence[Mapping[str, Any]],
                          seen: Mapping[int, int]) -> int:
    """Replace the contract's governance rules (e.g. COPIL 1 to 2 a year; a revue de projet twice a year for each
    neighbourhood), as save_milestones does for milestones."""

    def values(row: Mapping[str, Any], where: str, contract: Contract) -> dict:
        kind = row.get("meeting_kind")
        if kind not in MEETING_KIND_LABELS:
            raise ValidationError(f"{where} : choisissez le type d'instance.")
        scope = row.get("scope") or "contract"
        if scope not in RULE_SCOPE_LABELS:
            raise ValidationError(f"{where} : portée inconnue ({scope}).")
        programme_id = row.get("programme_id") if scope == "programme" else None
        if scope == "programme":
            programme = session.get(Programme, programme_id) if programme_id else None
            if programme is None or programme.contract_id != contract.id:
                raise ValidationError(f"{where} : choisissez un programme de ce contrat.")
        minimum = _count(row.get("min_per_year"), f"{where} : minimum par an")
        maximum = _count(row.get("max_per_year"), f"{where} : maximum par an")
        if minimum is None and maximum is None:
            raise ValidationError(f"{where} : indiquez un minimum ou un maximum de réunions par an.")
        if minimum is not None and maximum is not None and maximum < minimum:
            raise ValidationError(f"{where} : le maximum ({maximum}) est inférieur au minimum ({minimum}).")
        return {"meeting_kind": kind, "scope": scope, "programme_id": programme_id, "min_per_year": minimum,
                "max_per_year": maximum, "quote": (str(row.get("quote") or "")).strip() or None}

    return _save_lines(session, actor, contract_id, GovernanceRule, "Règle", rows, seen, values,
                       lambda r: f"règle {MEETING_KIND_LABELS.get(r.meeting_kind, r.meeting_kind)} "
                                 f"({RULE_SCOPE_LABELS.get(r.scope, r.scope)}, {_bounds(r)})")


def save_comparison_areas(session: Session, actor: Actor, *, contract_id: int, rows: Sequence[Mapping[str, Any]],
                          seen: Mapping[int, int]) -> int:
    """Replace the contract's comparison areas (the commune, the EPCI...), in the order of `rows`; an area that
    holds indicator values cannot be removed."""
    slugs: set[str] = set()

    def values(row: Mapping[str, Any], where: str, contract: Contract) -> dict:
        name = _text(row.get("name"), f"{where} : nom", LABEL_MAX, required=True)
        kind = row.get("kind") or "autre"
        if kind not in AREA_KIND_LABELS:
            raise ValidationError(f"{where} : type de zone inconnu ({kind}).")
        return {"name": name, "kind": kind}

    def before_delete(area: ComparisonArea) -> None:
        used = session.scalar(select(func.count(IndicatorValue.id))
                              .where(IndicatorValue.comparison_area_id == area.id)) or 0
        if used:
            raise ValidationError(f"La zone de comparaison {area.name} porte {used} valeur(s) d'indicateurs : elle "
                                  "ne peut pas être retirée. Rien n'a été enregistré.")

    def finish(contract: Contract, kept: list) -> None:
        taken = {a.slug for a in kept if a.slug}
        for position, area in enumerate(kept):
            area.position = position
            if not area.slug:
                area.slug = unique_slug(area.name, taken | slugs, "zone")
                taken.add(area.slug)

    return _save_lines(session, actor, contract_id, ComparisonArea, "Zone", rows, seen, values,
                       lambda a: f"zone de comparaison {a.name}", before_delete=before_delete, finish=finish)


def _bounds(rule: GovernanceRule) -> str:
    if rule.min_per_year == rule.max_per_year:
        return f"{rule.min_per_year} par an"
    if rule.max_per_year is None:
        return f"au moins {rule.min_per_year} par an"
    if rule.min_per_year is None:
        return f"au plus {rule.max_per_year} par an"
    return f"{rule.min_per_year} à {rule.max_per_year} par an"


def _save_lines(session: Session, actor: Actor, contract_id: int, model: type, label: str,
                rows: Sequence[Mapping[str, Any]], seen: Mapping[int, int],
                values: Callable[[Mapping[str, Any], str, Contract], dict], describe: Callable[[Any], str],
                before_delete: Callable[[Any], None] | None = None,
                finish: Callable[[Contract, list], None] | None = None) -> int:
    """Add, edit and remove a contract's lines (milestones, rules, areas) in one transaction."""
    ensure_permission(actor, ADMIN)
    contract = get_or_fail(session, Contract, contract_id, "Contrat")
    existing = {obj.id: obj for obj in session.scalars(select(model).where(model.contract_id == contract.id)
                                                       .order_by(model.id))}
    for obj_id, version in seen.items():
        if obj_id not in existing or existing[obj_id].version != version:
            raise ConflictError(CONFLICT_MESSAGE)
    parsed: list[tuple[int | None, dict]] = []
    for number, row in enumerate(rows, start=1):
        obj_id = _row_id(row.get("id"))
        if obj_id is not None and obj_id not in seen:
            raise ValidationError(f"{label} (ligne {number}) : cette ligne n'appartient pas à ce contrat.")
        parsed.append((obj_id, values(row, f"{label} (ligne {number})", contract)))
    kept_ids = {obj_id for obj_id, _ in parsed if obj_id is not None}
    removed = [existing[obj_id] for obj_id in seen if obj_id not in kept_ids]
    for obj in removed:
        if before_delete:
            before_delete(obj)

    def write() -> int:
        changes = 0
        for obj in removed:
            audit.record(session, actor, "delete", model.__tablename__, obj.id,
                         f"Suppression : {describe(obj)} ; {contract.name}", before=audit.snapshot(obj))
            session.delete(obj)
            changes += 1
        session.flush()
        kept = []
        for obj_id, fields in parsed:
            if obj_id is None:
                obj = model(contract_id=contract.id, **fields)
                session.add(obj)
                kept.append((obj, None))
            else:
                obj = existing[obj_id]
                before = audit.snapshot(obj)
                for key, value in fields.items():
                    if getattr(obj, key) != value:
                        setattr(obj, key, value)
                kept.append((obj, before))
        if finish:
            finish(contract, [obj for obj, _ in kept])
        modified = {id(obj) for obj, before in kept if before is not None and session.is_modified(obj)}
        session.flush()
        for obj, before in kept:
            if before is None:
                audit.record(session, actor, "create", model.__tablename__, obj.id,
                             f"Ajout : {describe(obj)} ; {contract.name}", after=audit.snapshot(obj))
                changes += 1
            elif id(obj) in modified:
                audit.record(session, actor, "update", model.__tablename__, obj.id,
                             f"Modification : {describe(obj)} ; {contract.name}", before=before,
                             after=audit.snapshot(obj))
                changes += 1
        return changes

    return run_write(session, write)


def _row_id(value: Any) -> int | None:
    """The id of a table line (None for a new line; the table may give NaN, '' or a float)."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError("Une ligne du tableau porte un identifiant illisible : rechargez la page.") from exc


# Signatories -------------------------------------------------------------------------------------


def save_signatories(session: Session, actor: Actor, *, contract_id: int, expected_version: int,
                     signatories: Sequence[Mapping[str, Any]]) -> None:
    """Set the contract's signatory organisations ({'name', 'kind'} each, in order): an organisation already
    known by its name is reused (its kind updated), a new one is created."""
    ensure_permission(actor, ADMIN)
    contract = get_or_fail(session, Contract, contract_id, "Contrat")
    ensure_version(contract, expected_version)
    wanted: list[tuple[str, str]] = []
    for number, row in enumerate(signatories, start=1):
        name = _text(row.get("name"), f"Signataire n° {number} : nom", 300)
        if not name:
            continue
        kind = row.get("kind") or "autre"
        if kind not in ORGANISATION_KIND_LABELS:
            raise ValidationError(f"Signataire n° {number} ({name}) : type inconnu ({kind}).")
        if any(n.lower() == name.lower() for n, _ in wanted):
            raise ValidationError(f"Signataire n° {number} : {name} figure deux fois dans la liste.")
        wanted.append((name, kind))
    # Matched in Python: SQLite's lower() leaves accented capitals as they are (État).
    known = {o.name.lower(): o for o in session.scalars(select(Organisation))} if wanted else {}
    before = sorted(o.name for o in contract.signatories)

    def write() -> None:
        organisations = []
        for name, kind in wanted:
            organisation = known.get(name.lower())
            if organisation is None:
                organisation = Organisation(name=name, kind=kind)
                session.add(organisation)
                session.flush()
                audit.record(session, actor, "create", "organisation", organisation.id,
                             f"Création de l'organisation {name}", after=audit.snapshot(organisation))
            elif organisation.kind != kind:
                old = audit.snapshot(organisation)
                organisation.kind = kind
                session.flush()
                audit.record(session, actor, "update", "organisation", organisation.id,
                             f"Type de l'organisation {organisation.name} : {ORGANISATION_KIND_LABELS[kind]}",
                             before=old, after=audit.snapshot(organisation))
            organisations.append(organisation)
        contract.signatories = organisations
        flag_modified(contract, "name")  # the list is part of the contract: its version moves with it
        session.flush()
        audit.record(session, actor, "update", "contract", contract.id,
                     f"Signataires du contrat {contract.name} ({len(organisations)})",
                     before={"signatories": before}, after={"signatories": sorted(o.name for o in organisations)})

    run_write(session, write)


# Values ------------------------------------------------------------------------------------------


def _text(value: Any, label: str, limit: int, required: bool = False) -> str | None:
    text = " ".join(str(value if value is not None and value == value else "").split())
    if required and not text:
        raise ValidationError(f"{label} : ce champ est obligatoire.")
    if len(text) > limit:
        raise ValidationError(f"{label} : {limit} caractères au plus ({len(text)} saisis).")
    return text or None


def _date(value: Any, where: str) -> dt.date:
    """A date from a form or a table: a date, a timestamp, or ISO text ('2024-06-28', '2024-06-28T00:00:00')."""
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError as exc:
            raise ValidationError(f"{where} : « {value.strip()[:30]} » n'est pas une date (jj/mm/aaaa).") from exc
    if value is None or value != value:  # None, NaN or pandas' NaT (a table's empty cell)
        raise ValidationError(f"{where} : la date est obligatoire.")
    if isinstance(value, dt.datetime):  # a pandas Timestamp too
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise ValidationError(f"{where} : la date est obligatoire.")


def _integer(value: Any) -> int | None:
    """A whole number from a form or a table (2024, 2024.0, '2024'), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return int(value) if value.isdigit() else None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number == value else None


def _year(value: Any, label: str) -> int:
    year = _integer(value)
    if year is None:
        raise ValidationError(f"{label} : une année, par exemple 2024.")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(f"{label} : une année entre {FIRST_YEAR} et {LAST_YEAR} ({year} saisi).")
    return year


def _whole(value: Any, label: str, allowed: range) -> int:
    number = _integer(value)
    if number is None or number not in allowed:
        raise ValidationError(f"{label} : un nombre entier de {allowed.start} à {allowed.stop - 1}.")
    return number


def _count(value: Any, label: str) -> int | None:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    number = _integer(value)
    if number is None or not 0 <= number <= MEETINGS_PER_YEAR_MAX:
        raise ValidationError(f"{label} : un nombre entier de 0 à {MEETINGS_PER_YEAR_MAX}.")
    return number
