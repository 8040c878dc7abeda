"""Matching the features of an official QPV file with a contract's neighbourhoods (no database here)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from pilotage.boundary_files import BoundaryFeature, BoundaryFile
from pilotage.geometry import GeometryError, clean_geometry, display_geometry

# Words that say "neighbourhood" rather than name one: "Quartier Planoise" is Planoise.
NAME_PREFIXES = {"quartier", "quartiers", "qpv", "qp", "prioritaire", "prioritaires", "politique", "ville"}
STOP_WORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "au", "aux"}
# Property names of the ANCT files (2015 and 2024 editions), to preselect the right columns.
CODE_GUESSES = ("code_qp", "code_qpv", "codeqp", "code", "id_qp", "qp")
NAME_GUESSES = ("lib_qp", "nom_qp", "libelle_qp", "nom_qpv", "lib_qpv", "nom", "name", "libelle")
COMMUNE_GUESSES = ("lib_com", "commune_qp", "nom_com", "communes", "commune", "lib_coms")
OFFICIAL_CODE_MAX = 20


def normalise_name(text: str | None) -> str:
    """'Quartier Orchamps-Palente' -> 'orchamps palente': no accents, case, punctuation nor prefix."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower().replace("œ", "oe")
    words = re.sub(r"[^a-z0-9]+", " ", plain.replace("æ", "ae")).split()  # apostrophes and dashes separate words
    while len(words) > 1 and (words[0] in NAME_PREFIXES or words[0] in STOP_WORDS):
        words = words[1:]
    return " ".join(words)


def name_tokens(text: str | None) -> frozenset[str]:
    """The meaningful words of a name, in any order ('Palente - Orchamps' == 'Orchamps-Palente')."""
    return frozenset(w for w in normalise_name(text).split() if w not in STOP_WORDS)


def normalise_code(text: str | None) -> str:
    """'qn 02501m' -> 'QN02501M'."""
    return re.sub(r"\s+", "", text or "").upper()


def guess_property(names: Sequence[str], guesses: Sequence[str]) -> str | None:
    """The first property whose name is a known one (case-insensitive), or None."""
    lowered = {name.lower(): name for name in names}
    return next((lowered[g] for g in guesses if g in lowered), None)


@dataclass(frozen=True)
class Target:
    """A neighbourhood of the contract, as the matching sees it."""

    id: int
    name: str
    commune: str | None
    official_code: str | None


@dataclass(frozen=True)
class Match:
    neighbourhood_id: int
    neighbourhood: str
    feature_index: int
    feature_code: str | None
    feature_name: str | None
    matched_by: str  # "code" | "nom"
    geometry: dict | None  # simplified, rounded; None when refused
    repaired: str | None  # what make_valid repaired
    error: str | None  # why the geometry is refused
    new_code: str | None  # the official code to record (matched by name, no code yet)


@dataclass(frozen=True)
class Unmatched:
    feature_index: int
    code: str | None
    name: str | None
    reason: str


@dataclass(frozen=True)
class ImportPlan:
    matches: tuple[Match, ...]
    unmatched: tuple[Unmatched, ...]  # every feature of the file that updates nothing
    missing: tuple[tuple[str, str], ...]  # (neighbourhood, why) of those the file leaves as they are

    @property
    def errors(self) -> tuple[Match, ...]:
        """The matches whose geometry is refused."""
        return tuple(m for m in self.matches if m.error)

    @property
    def ready(self) -> bool:
        """Something to import and nothing refused among what would be imported."""
        return bool(self.matches) and not self.errors


@dataclass(frozen=True)
class Columns:
    code: str | None
    name: str | None
    commune: str | None = None


def plan_import(file: BoundaryFile, targets: Sequence[Target], columns: Columns) -> ImportPlan:
    """Pair features with neighbourhoods (official code first, then normalised name) and check their geometry."""
    features = list(file.features)
    taken: dict[int, tuple[Target, str]] = {}  # feature index -> (target, how)
    why_missing: dict[int, str] = {}
    ambiguous: dict[int, str] = {}
    for target in targets:
        found = _by_code(features, target, columns)
        if len(found) == 1 and found[0].index not in taken:
            taken[found[0].index] = (target, "code")
    for target in targets:
        if any(t.id == target.id for t, _ in taken.values()):
            continue
        found = [f for f in _by_name(features, target, columns) if f.index not in taken]
        if len(found) == 1:
            taken[found[0].index] = (target, "nom")
        elif found:
            why_missing[target.id] = f"{len(found)} entités du fichier portent ce nom"
            ambiguous.update({f.index: f"plusieurs entités pour « {target.name} »" for f in found})
        else:
            why_missing[target.id] = "aucune entité du fichier ne porte son code ni son nom"
    matches = tuple(_match(feature, *taken[feature.index], columns) for feature in features
                    if feature.index in taken)
    unmatched = tuple(
        Unmatched(f.index, f.text(columns.code), f.text(columns.name),
                  ambiguous.get(f.index, "aucun quartier du contrat ne porte ce code ni ce nom"))
        for f in features if f.index not in taken
    )
    matched_ids = {m.neighbourhood_id for m in matches}
    missing = tuple((t.name, why_missing.get(t.id, "pas d'entité correspondante")) for t in targets
                    if t.id not in matched_ids)
    return ImportPlan(matches=matches, unmatched=unmatched, missing=missing)


def _by_code(features: list[BoundaryFeature], target: Target, columns: Columns) -> list[BoundaryFeature]:
    code = normalise_code(target.official_code)
    if not code or not columns.code:
        return []
    return [f for f in features if normalise_code(f.text(columns.code)) == code]


def _by_name(features: list[BoundaryFeature], target: Target, columns: Columns) -> list[BoundaryFeature]:
    if not columns.name:
        return []
    in_commune = [f for f in features if _same_commune(f, target, columns)]
    wanted = normalise_name(target.name)
    exact = [f for f in in_commune if normalise_name(f.text(columns.name)) == wanted]
    if exact:
        return exact
    tokens = name_tokens(target.name)
    return [f for f in in_commune if tokens and name_tokens(f.text(columns.name)) == tokens]


def _same_commune(feature: BoundaryFeature, target: Target, columns: Columns) -> bool:
    """True unless both sides name a commune and the feature's communes do not include the target's."""
    listed = normalise_name(feature.text(columns.commune)) if columns.commune else ""
    wanted = normalise_name(target.commune)
    return not listed or not wanted or f" {wanted} " in f" {listed} "


def _match(feature: BoundaryFeature, target: Target, how: str, columns: Columns) -> Match:
    code = feature.text(columns.code)
    new_code = None
    if how == "nom" and not target.official_code and code and len(normalise_code(code)) <= OFFICIAL_CODE_MAX:
        new_code = normalise_code(code)
    geometry, repaired, error = None, None, None
    try:
        cleaned = clean_geometry(feature.geometry)
        geometry = display_geometry(cleaned.geometry)
        repaired = cleaned.problem if cleaned.repaired else None
    except GeometryError as exc:
        error = str(exc)
    return Match(neighbourhood_id=target.id, neighbourhood=target.name, feature_index=feature.index,
                 feature_code=code, feature_name=feature.text(columns.name), matched_by=how, geometry=geometry,
                 repaired=repaired, error=error, new_code=new_code)
