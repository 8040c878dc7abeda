"""The row-by-row report every table import shows before anything is written, and after."""

from __future__ import annotations

from dataclasses import dataclass

STATUS_LABELS = {"nouveau": "✔ Nouveau", "inchange": "= Déjà présent", "vide": "○ Ligne vide, ignorée",
                 "erreur": "✖ Erreur"}


@dataclass(frozen=True)
class RowReport:
    line: int
    label: str
    status: str  # nouveau | inchange | vide | erreur
    messages: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportCheck:
    """Errors about the whole file and row by row; the import writes only when there is none."""

    file_errors: tuple[str, ...] = ()
    rows: tuple[RowReport, ...] = ()
    ignored_columns: tuple[str, ...] = ()

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(1 for r in self.rows if r.status == "erreur")

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def new_count(self) -> int:
        return sum(1 for r in self.rows if r.status == "nouveau")

    def error_lines(self, limit: int = 10) -> list[str]:
        """The first errors, one French line each ('ligne 7 : ...')."""
        lines = list(self.file_errors)
        for row in self.rows:
            if row.status == "erreur":
                lines += [f"ligne {row.line} : {message}" for message in row.messages]
        return lines[:limit] + ([f"et {len(lines) - limit} autre(s) erreur(s)"] if len(lines) > limit else [])

    def refusal(self) -> str:
        """The French message of a refused import, naming the first errors."""
        errors = " ; ".join(line.rstrip(".") for line in self.error_lines())
        return f"Import refusé, rien n'a été modifié : {errors}."

    def summary(self, what: str) -> str:
        """One French sentence on what the import would do ('what': 'élément(s) du socle commun')."""
        if not self.ok:
            return (f"{self.error_count} erreur(s) : rien n'a été importé. Corrigez le fichier puis importez-le "
                    "de nouveau.")
        if not self.new_count:
            return "Aucune ligne nouvelle : rien à importer."
        return f"{self.new_count} {what} à créer, aucune erreur."
