"""Neighbourhoods of a contract: created from the official QPV file or by hand, edited, archived.

Administrators only. Every write checks the right, the version the user read, and leaves an audit row per
neighbourhood in the same transaction; the creation from a file is all or nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pilotage import audit
from pilotage.boundaries import OFFICIAL_CODE_MAX, normalise_code
from pilotage.boundary_files import read_boundary_file
from pilotage.errors import ConflictError, ValidationError
from pilotage.formats import KIND_LABELS, plural
from pilotage.geometry import GeometryError, clean_geometry, display_geometry
from pilotage.models import Contract, Neighbourhood
from pilotage.permissions import ADMIN, Actor
from pilotage.qpv_catalogue import MAX_LISTED, QpvCatalogue, QpvColumns, read_catalogue
from pilotage.services.base import ensure_permission, ensure_version, get_or_fail, run_write, write_archived
from pilotage.slugs import unique_slug

KINDS = tuple(KIND_LABELS)
SKIP, UPDATE = "ignorer", "mettre_a_jour"  # what to do with a ticked QPV whose code the contract already has
EXISTING_CHOICES = (SKIP, UPDATE)
NAME_MAX = 200
COMMUNE_MAX = 120
POPULATION_YEAR_MAX = 40
POPULATION_SOURCE_MAX = 200
POPULATION_MAX = 1_000_000  # the largest QPV counts a few tens of thousands of inhabitants
GEOMETRY_SOURCE_MAX = 300


@dataclass(frozen=True)
class QpvImportReport:
    created: tuple[str, ...]  # "Planoise (QN02501M)"
    updated: tuple[str, ...]
    skipped: tuple[str, ...]  # already in the contract, left as they were


def read_qpv_file(filename: str, content: bytes, columns: QpvColumns) -> QpvCatalogue:
    """The file's QPV as a catalogue (no database): what the page shows before anything is created."""
    return read_catalogue(read_boundary_file(filename, content), columns)


def create_from_qpv_file(
    session: Session,
    actor: Actor,
    *,
    contract_id: int,
    filename: str,
    content: bytes,
    columns: QpvColumns,
    codes: Sequence[str],
    existing: str = SKIP,
    expected_versions: Mapping[int, int] | None = None,
) -> QpvImportReport:
    """Create a neighbourhood (kind QPV, official contour) for each ticked code of the file, in one transaction.

    A ticked code the contract already has is skipped or updated (name, commune, contour) as `existing` says;
    any refused entry among the ticked ones refuses the whole creation."""
    ensure_permission(actor, ADMIN)
    contract = get_or_fail(session, Contract, contract_id, "Contrat")
    if existing not in EXISTING_CHOICES:
        raise ValidationError("Choisissez quoi faire des QPV déjà présents dans le contrat : les ignorer ou les "
                              "mettre à jour.")
    wanted = list(dict.fromkeys(normalise_code(c) for c in codes if normalise_code(c)))
    if not wanted:
        raise ValidationError("Aucun QPV n'est coché : cochez au moins un quartier à créer. Rien n'a été créé.")
    catalogue = read_qpv_file(filename, content, columns)
    entries = catalogue.by_code()
    unknown = [code for code in wanted if code not in entries]
    if unknown:
        raise ValidationError(f"Code(s) absent(s) du fichier : {', '.join(unknown[:MAX_LISTED])}. Rien n'a été "
                              "créé.")
    chosen = [entries[code] for code in wanted]
    refused = [e for e in chosen if e.error]
    if refused:
        lines = [f"entité n° {e.index} ({e.code} {e.name}) : {e.error}" for e in refused[:MAX_LISTED]]
        more = len(refused) - len(lines)
        cannot = "ne peut pas être créé" if len(refused) < 2 else "ne peuvent pas être créés"
        raise ValidationError(f"Création refusée, rien n'a été créé : {plural(len(refused), 'QPV coché')} {cannot} "
                              "— " + " ; ".join(lines)
                              + (f" ; et {more} autre(s)." if more else ".")
                              + " Décochez-les ou corrigez le fichier.")
    hoods = _contract_hoods(session, contract.id)
    by_code = {normalise_code(h.official_code): h for h in hoods if h.official_code}
    if expected_versions:
        for hood in hoods:
            if hood.id in expected_versions and normalise_code(hood.official_code) in wanted:
                ensure_version(hood, expected_versions[hood.id])
    taken = {h.slug for h in hoods}
    position = max((h.position for h in hoods), default=-1) + 1
    source = filename.strip()[:GEOMETRY_SOURCE_MAX] or "fichier officiel"

    def write() -> QpvImportReport:
        nonlocal position
        created, updated, skipped = [], [], []
        for entry in chosen:
            label = f"{entry.name} ({entry.code})"
            hood = by_code.get(entry.code)
            if hood is not None and existing == SKIP:
                skipped.append(label + (" — archivé" if hood.archived else ""))
                continue
            if hood is not None:
                before = audit.snapshot(hood)
                hood.name, hood.commune = entry.name, entry.commune
                _set_contour(hood, entry.geometry, source)
                session.flush()
                audit.record(session, actor, "update", "neighbourhood", hood.id,
                             f"Quartier {hood.name} mis à jour depuis le fichier officiel « {filename} » (entité "
                             f"n° {entry.index}) ; {contract.name}", before=before, after=audit.snapshot(hood))
                updated.append(label)
                continue
            slug = unique_slug(entry.name, taken, fallback=entry.code.lower())
            taken.add(slug)
            hood = Neighbourhood(contract_id=contract.id, slug=slug, name=entry.name, kind="qpv",
                                 official_code=entry.code, commune=entry.commune, position=position,
                                 source=source[:200])
            _set_contour(hood, entry.geometry, source)
            position += 1
            session.add(hood)
            session.flush()
            audit.record(session, actor, "create", "neighbourhood", hood.id,
                         f"Création du QPV {label} depuis le fichier officiel « {filename} » (entité n° "
                         f"{entry.index}) ; {contract.name}", after=audit.snapshot(hood))
            created.append(label)
        return QpvImportReport(tuple(created), tuple(updated), tuple(skipped))

    return _written(session, write)


def create_neighbourhood(
    session: Session,
    actor: Actor,
    *,
    contract_id: int,
    name: str,
    commune: str,
    kind: str,
    official_code: str | None = None,
    population: int | None = None,
    population_year: str | None = None,
    population_source: str | None = None,
    identity: str | None = None,
    contour_filename: str | None = None,
    contour_content: bytes | None = None,
) -> int:
    """Create a neighbourhood by hand (a quartier fragile or en veille, or a QPV); its contour is optional."""
    ensure_permission(actor, ADMIN)
    contract = get_or_fail(session, Contract, contract_id, "Contrat")
    fields = _fields(name=name, commune=commune, kind=kind, official_code=official_code, population=population,
                     population_year=population_year, population_source=population_source, identity=identity)
    hoods = _contract_hoods(session, contract.id)
    _check_code_free(hoods, fields["official_code"], None)
    geometry = _contour(contour_filename, contour_content)
    hood = Neighbourhood(contract_id=contract.id, slug=unique_slug(fields["name"], {h.slug for h in hoods}, "quartier"),
                         position=max((h.position for h in hoods), default=-1) + 1, **fields)
    if geometry is not None:
        _set_contour(hood, geometry, contour_filename)

    def write() -> int:
        session.add(hood)
        session.flush()
        audit.record(session, actor, "create", "neighbourhood", hood.id,
                     f"Création du quartier {hood.name} ({KIND_LABELS[hood.kind]}, {hood.commune}) ; {contract.name}",
                     after=audit.snapshot(hood))
        return hood.id

    return _written(session, write)


def update_neighbourhood(
    session: Session,
    actor: Actor,
    neighbourhood_id: int,
    *,
    expected_version: int,
    name: str,
    commune: str,
    kind: str,
    official_code: str | None = None,
    population: int | None = None,
    population_year: str | None = None,
    population_source: str | None = None,
    identity: str | None = None,
    contour_filename: str | None = None,
    contour_content: bytes | None = None,
) -> None:
    """Edit a neighbourhood's name, commune, code, kind, population and identity (its slug, in links, stays);
    a contour file, when given, replaces its contour."""
    ensure_permission(actor, ADMIN)
    hood = get_or_fail(session, Neighbourhood, neighbourhood_id, "Quartier")
    ensure_version(hood, expected_version)
    fields = _fields(name=name, commune=commune, kind=kind, official_code=official_code, population=population,
                     population_year=population_year, population_source=population_source, identity=identity)
    _check_code_free(_contract_hoods(session, hood.contract_id), fields["official_code"], hood.id)
    geometry = _contour(contour_filename, contour_content)
    before = audit.snapshot(hood)

    def write() -> None:
        for key, value in fields.items():
            setattr(hood, key, value)
        if geometry is not None:
            _set_contour(hood, geometry, contour_filename)
        session.flush()
        audit.record(session, actor, "update", "neighbourhood", hood.id, f"Modification du quartier {hood.name}",
                     before=before, after=audit.snapshot(hood))

    run_write(session, write)


def set_neighbourhood_archived(session: Session, actor: Actor, neighbourhood_id: int, *, expected_version: int,
                               archived: bool) -> None:
    """Archive a neighbourhood (it leaves selectors, tiles and maps; its history stays) or bring it back."""
    ensure_permission(actor, ADMIN)
    hood = get_or_fail(session, Neighbourhood, neighbourhood_id, "Quartier")
    ensure_version(hood, expected_version)
    if hood.archived == archived:
        raise ValidationError(f"Le quartier {hood.name} est déjà {'archivé' if archived else 'actif'}.")
    write_archived(session, actor, hood, archived=archived, entity="neighbourhood",
                   summary=f"{'Archivage' if archived else 'Rétablissement'} du quartier {hood.name}")


# Helpers --------------------------------------------------------------------------------------

SIMULTANEOUS_CREATION = ("Quelqu'un vient d'ajouter des quartiers à ce contrat en même temps que vous : rien n'a été "
                         "créé. Rechargez la page pour voir la liste à jour, puis recommencez.")


def _written(session: Session, write):
    """run_write, where two creations at once (the same slug claimed twice) tell the user instead of failing."""
    try:
        return run_write(session, write)
    except IntegrityError as exc:
        raise ConflictError(SIMULTANEOUS_CREATION) from exc



def _contract_hoods(session: Session, contract_id: int) -> list[Neighbourhood]:
    return list(session.scalars(select(Neighbourhood).where(Neighbourhood.contract_id == contract_id)
                                .order_by(Neighbourhood.position, Neighbourhood.id)))


def _text(value: str | None, label: str, limit: int, required: bool = False) -> str | None:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationError(f"{label} : ce champ est obligatoire.")
    if len(text) > limit:
        raise ValidationError(f"{label} : {limit} caractères au plus ({len(text)} saisis).")
    return text or None


def _fields(*, name, commune, kind, official_code, population, population_year, population_source,
            identity) -> dict:
    if kind not in KINDS:
        raise ValidationError(f"Type de quartier inconnu : {kind}. Choisissez QPV, quartier fragile ou quartier "
                              "en veille.")
    code = normalise_code(official_code) or None
    if code and len(code) > OFFICIAL_CODE_MAX:
        raise ValidationError(f"Code officiel : {OFFICIAL_CODE_MAX} caractères au plus ({len(code)} saisis).")
    if population is not None:
        if isinstance(population, bool) or not isinstance(population, int | float) or population != int(population):
            raise ValidationError("Population : un nombre entier d'habitants.")
        if not 0 <= population <= POPULATION_MAX:
            raise ValidationError(f"Population : un nombre entre 0 et {POPULATION_MAX:,} habitants."
                                  .replace(",", "\u00a0"))
        population = int(population)
    identity_text = (identity or "").strip() or None
    return {"name": _text(name, "Nom du quartier", NAME_MAX, required=True),
            "commune": _text(commune, "Commune", COMMUNE_MAX, required=True),
            "kind": kind, "official_code": code, "population": population,
            "population_year": _text(population_year, "Année de la population", POPULATION_YEAR_MAX),
            "population_source": _text(population_source, "Source de la population", POPULATION_SOURCE_MAX),
            "identity": identity_text}


def _check_code_free(hoods: list[Neighbourhood], code: str | None, own_id: int | None) -> None:
    if not code:
        return
    other = next((h for h in hoods if h.id != own_id and normalise_code(h.official_code) == code), None)
    if other is not None:
        raise ValidationError(f"Le code officiel {code} est déjà celui du quartier {other.name} dans ce contrat.")


def _contour(filename: str | None, content: bytes | None) -> dict | None:
    """The contour of a one-feature boundary file, cleaned and simplified for display (None without a file)."""
    if content is None:
        return None
    boundary_file = read_boundary_file(filename or "contour.geojson", content)
    if len(boundary_file.features) != 1:
        raise ValidationError(f"Le fichier de contour contient {plural(len(boundary_file.features), 'entité')} : "
                              "il doit n'en contenir qu'une, le contour de ce quartier.")
    try:
        return display_geometry(clean_geometry(boundary_file.features[0].geometry).geometry)
    except GeometryError as exc:
        raise ValidationError(f"Contour refusé : {exc}.") from exc


def _set_contour(hood: Neighbourhood, geometry: dict | None, source: str | None) -> None:
    hood.geometry = geometry
    hood.geometry_approximate = False
    hood.geometry_source = (source or "fichier")[:GEOMETRY_SOURCE_MAX]

