"""The QPV of an official file (ANCT, 2015 or 2024 edition) as a catalogue to create neighbourhoods from.

No database here: the file is read by pilotage.boundary_files, the user says which property holds the code, the
name, the commune's INSEE code and its name; each feature becomes an entry with its contour cleaned for display,
or the reason it is refused. The service (pilotage/services/neighbourhoods.py) writes the entries the user ticks.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from pilotage.boundaries import CODE_GUESSES, NAME_GUESSES, OFFICIAL_CODE_MAX, guess_property, normalise_code
from pilotage.boundary_files import BoundaryFile, BoundaryFileError
from pilotage.formats import format_number
from pilotage.geometry import GeometryError, clean_geometry, display_geometry

COMMUNE_CODE_GUESSES = ("insee_com", "code_commune", "code_insee", "insee_coms", "codes_insee", "codgeo",
                        "code_com", "depcom", "insee", "com_insee")
COMMUNE_NAME_GUESSES = ("lib_com", "nom_commune", "nom_com", "commune_qp", "lib_coms", "communes", "commune",
                        "libcom", "nom_communes")
NAME_MAX = 200
COMMUNE_MAX = 120
MAX_LISTED = 10
# An INSEE commune code: 5 characters, digits, or 2A/2B for Corsica. Spreadsheets drop the leading zero of Ain
# (01) to Ardèche (07): four digits get it back.
INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
CODE_SEPARATORS = re.compile(r"[\s,;/|]+")


class QpvFileError(BoundaryFileError):
    """The file cannot serve as a catalogue with these properties: the reason in French."""


@dataclass(frozen=True)
class QpvColumns:
    """Which property of the file holds what."""

    code: str | None
    name: str | None
    commune_code: str | None = None
    commune_name: str | None = None


@dataclass(frozen=True)
class QpvEntry:
    index: int  # the feature's position in the file, from 1
    code: str  # normalised official code, QN02501M
    name: str
    commune: str  # what the neighbourhood's commune will say: the names, else the INSEE codes
    commune_codes: tuple[str, ...]
    departements: tuple[str, ...]
    geometry: dict | None  # simplified and rounded for display; None when refused
    repaired: str | None  # what make_valid repaired
    error: str | None  # why this entry cannot be created

    @property
    def commune_keys(self) -> tuple[str, ...]:
        """What the commune filter matches: the INSEE codes, else the commune text."""
        return self.commune_codes or (self.commune,)


@dataclass(frozen=True)
class QpvCatalogue:
    filename: str
    columns: QpvColumns
    entries: tuple[QpvEntry, ...]

    def by_code(self) -> dict[str, QpvEntry]:
        return {entry.code: entry for entry in self.entries}

    def communes(self) -> dict[str, str]:
        """Commune filter options: key -> 'Besançon (25056)', sorted by label."""
        options: dict[str, str] = {}
        for entry in self.entries:
            if entry.commune_codes:
                names = _split_names(entry.commune, len(entry.commune_codes))
                for code, name in zip(entry.commune_codes, names, strict=True):
                    options.setdefault(code, f"{name} ({code})" if name and name != code else code)
            else:
                options.setdefault(entry.commune, entry.commune)
        return dict(sorted(options.items(), key=lambda item: item[1].lower()))

    def departements(self) -> list[str]:
        return sorted({d for entry in self.entries for d in entry.departements})

    def filtered(self, communes: Collection[str] = (), departements: Collection[str] = ()) -> list[QpvEntry]:
        """The entries in any of these communes and any of these départements (an empty filter keeps all)."""
        return [entry for entry in self.entries
                if (not communes or set(entry.commune_keys) & set(communes))
                and (not departements or set(entry.departements) & set(departements))]


def guess_columns(names: Sequence[str]) -> QpvColumns:
    """The properties an ANCT file uses for each role, preselected for the user to confirm."""
    return QpvColumns(code=guess_property(names, CODE_GUESSES), name=guess_property(names, NAME_GUESSES),
                      commune_code=guess_property(names, COMMUNE_CODE_GUESSES),
                      commune_name=guess_property(names, COMMUNE_NAME_GUESSES))


def departement_of(insee_code: str) -> str:
    """'25056' -> '25', '2A004' -> '2A', '97411' -> '974' (overseas départements have three characters)."""
    return insee_code[:3] if insee_code[:2] in ("97", "98") else insee_code[:2]


def insee_codes(text: str | None) -> tuple[str, ...]:
    """The commune codes a property lists ('25056', '25056, 25428', 1053 -> '01053'); others are dropped."""
    codes = []
    for part in CODE_SEPARATORS.split(str(text or "").strip().upper()):
        if part.endswith(".0"):  # a code read as a number by a spreadsheet: 25056.0
            part = part[:-2]
        if re.fullmatch(r"\d{4}", part):
            part = "0" + part
        if INSEE_CODE.match(part) and part not in codes:
            codes.append(part)
    return tuple(codes)


def read_catalogue(file: BoundaryFile, columns: QpvColumns) -> QpvCatalogue:
    """Every feature of the file as an entry; refuse the file when it cannot identify each QPV."""
    _check_columns(file, columns)
    texts = [(feature, feature.text(columns.code)) for feature in file.features]
    missing = [feature.index for feature, code in texts if not code]
    if missing:
        listed = ", ".join(f"n° {i}" for i in missing[:MAX_LISTED]) + (" …" if len(missing) > MAX_LISTED else "")
        lacking = _count(len(missing), "entité n'a", "entités n'ont")
        raise QpvFileError(f"{lacking} pas de code dans la propriété "
                           f"« {columns.code} » ({listed}) : chaque QPV doit porter son code officiel.")
    seen: dict[str, int] = {}
    duplicates: dict[str, list[int]] = {}
    for feature, code in texts:
        key = normalise_code(code)
        if key in seen:
            duplicates.setdefault(key, [seen[key]]).append(feature.index)
        else:
            seen[key] = feature.index
    if duplicates:
        listed = " ; ".join(f"{code} (entités {', '.join(f'n° {i}' for i in indexes)})"
                            for code, indexes in list(duplicates.items())[:MAX_LISTED])
        raise QpvFileError(f"Le fichier contient des codes en double : {listed}. Chaque code officiel doit "
                           "désigner un seul quartier : corrigez le fichier.")
    entries = tuple(_entry(feature, normalise_code(code), columns) for feature, code in texts)
    return QpvCatalogue(filename=file.filename, columns=columns, entries=entries)


def _count(count: int, singular: str, plural: str) -> str:
    return f"{format_number(count)} {singular if count < 2 else plural}"


def _check_columns(file: BoundaryFile, columns: QpvColumns) -> None:
    for label, name in (("le code", columns.code), ("le nom", columns.name),
                        ("le code INSEE de la commune", columns.commune_code),
                        ("le nom de la commune", columns.commune_name)):
        if name is not None and name not in file.property_names:
            shown = ", ".join(f"« {n} »" for n in file.property_names[:20]) or "aucune"
            raise QpvFileError(f"La propriété « {name} » choisie pour {label} n'existe pas dans le fichier "
                               f"(propriétés trouvées : {shown}).")
    if not columns.code:
        raise QpvFileError("Choisissez la propriété qui porte le code officiel du QPV (par exemple code_qp).")
    if not columns.name:
        raise QpvFileError("Choisissez la propriété qui porte le nom du QPV (par exemple lib_qp).")
    if not columns.commune_code and not columns.commune_name:
        raise QpvFileError("Choisissez la propriété qui porte la commune du QPV : son code INSEE (insee_com) ou "
                           "son nom (lib_com).")


def _split_names(commune: str, count: int) -> list[str]:
    """The names of a commune text that lists as many names as there are codes, else the text for each code."""
    names = [n.strip() for n in re.split(r"\s*[,;/]\s*", commune) if n.strip()]
    return names if len(names) == count else [commune if count == 1 else ""] * count


def _entry(feature, code: str, columns: QpvColumns) -> QpvEntry:
    name = feature.text(columns.name) or ""
    codes = insee_codes(feature.text(columns.commune_code)) if columns.commune_code else ()
    commune = feature.text(columns.commune_name) if columns.commune_name else None
    commune = commune or ", ".join(codes)
    errors = []
    if len(code) > OFFICIAL_CODE_MAX:
        errors.append(f"le code « {code[:40]} » dépasse {OFFICIAL_CODE_MAX} caractères")
    if not name:
        errors.append(f"le nom est vide (propriété « {columns.name} »)")
    elif len(name) > NAME_MAX:
        errors.append(f"le nom dépasse {NAME_MAX} caractères")
    if not commune:
        shown = " / ".join(f"« {c} »" for c in (columns.commune_code, columns.commune_name) if c)
        errors.append(f"la commune est vide (propriété {shown})")
    elif len(commune) > COMMUNE_MAX:
        errors.append(f"la commune dépasse {COMMUNE_MAX} caractères")
    geometry, repaired = None, None
    try:
        cleaned = clean_geometry(feature.geometry)
        geometry = display_geometry(cleaned.geometry)
        repaired = cleaned.problem if cleaned.repaired else None
    except GeometryError as exc:
        errors.append(f"contour refusé — {exc}" if feature.geometry is not None else "l'entité n'a pas de contour")
    departements = tuple(dict.fromkeys(departement_of(c) for c in codes))
    return QpvEntry(index=feature.index, code=code, name=name[:NAME_MAX], commune=commune[:COMMUNE_MAX],
                    commune_codes=codes, departements=departements, geometry=geometry, repaired=repaired,
                    error="; ".join(errors) or None)
