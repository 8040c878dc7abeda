"""Reading the seed's YAML files so that a mistake in them is told in French, with the file and the line.

Every mapping read from a file remembers where it starts: asking it for a key it lacks names the file, the
line and the record (its slug, code or name) instead of raising a bare KeyError.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pilotage.errors import PilotageError

NAMING_KEYS = ("slug", "code", "name", "title", "label", "date", "programme")


class SeedDataError(PilotageError):
    """A seed file that cannot be loaded; the message names the file and, when known, the line."""


class Record(dict):
    """A mapping of a seed file that knows its file and line."""

    file: str = "?"
    line: int = 0

    def __missing__(self, key: str) -> Any:
        raise SeedDataError(f"Données d'exemple : {self.file}, ligne {self.line} : la clé « {key} » manque à "
                            f"{self.describe()}.")

    def describe(self) -> str:
        """How the message names this record: by its slug, code or name when it has one."""
        for key in NAMING_KEYS:
            if self.get(key) is not None:
                return f"l'enregistrement « {self.get(key)} »"
        return "l'enregistrement qui commence à cette ligne"


def _loader(file: str) -> type[yaml.SafeLoader]:
    class LineLoader(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):
            record = Record(super().construct_mapping(node, deep=True))
            record.file, record.line = file, node.start_mark.line + 1
            return record

        def construct_yaml_timestamp(self, node):
            try:
                return super().construct_yaml_timestamp(node)
            except ValueError as exc:
                raise SeedDataError(f"Données d'exemple : {file}, ligne {node.start_mark.line + 1} : date impossible "
                                    f"« {node.value} » ({exc}).") from None

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, LineLoader.construct_mapping)
    LineLoader.add_constructor("tag:yaml.org,2002:timestamp", LineLoader.construct_yaml_timestamp)
    return LineLoader


def read_yaml(path: Path, root: Path | None = None) -> Any:
    """The content of a seed file (mappings as Records); a syntax error becomes a SeedDataError with its line."""
    file = path.relative_to(root).as_posix() if root and path.is_relative_to(root) else path.name
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_loader(file))  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f", ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else ""
        raise SeedDataError(f"Données d'exemple : {file}{where} : YAML illisible ({exc.problem or exc.context}).") \
            from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SeedDataError(f"Données d'exemple : {file} : fichier illisible ({exc}).") from None
    except OSError as exc:
        raise SeedDataError(f"Données d'exemple : {file} : fichier introuvable ou illisible "
                            f"({exc.strerror or exc}).") from None
