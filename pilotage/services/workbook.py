"""The whole-contract workbook: check an upload, then import it as a new contract or into an empty one.

The import reads and checks the whole file again (never trusting an earlier check), writes every row in one
transaction with one audit row, or writes nothing and says why in French, sheet by sheet and line by line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pilotage import audit
from pilotage.errors import ConflictError, ValidationError
from pilotage.formats import plural
from pilotage.models import (
    ComparisonArea,
    Contract,
    Facility,
    FrameworkNode,
    GovernanceRule,
    Indicator,
    Meeting,
    Milestone,
    Neighbourhood,
    Programme,
    contract_signatory,
)
from pilotage.permissions import ADMIN, Actor
from pilotage.services.base import ensure_permission, run_write
from pilotage.services.workbook_writer import WorkbookWriter
from pilotage.workbook_check import MAX_SHOWN, CheckResult, Problem
from pilotage.workbook_columns import CONTRACT, SHEETS
from pilotage.workbook_file import WorkbookFileError, read_workbook
from pilotage.workbook_rules import check_workbook

CONTENTS = (  # what makes a contract not empty, with its French name
    (Milestone, "jalon"), (GovernanceRule, "règle de gouvernance"), (ComparisonArea, "territoire de comparaison"),
    (Neighbourhood, "quartier"), (FrameworkNode, "nœud du cadre"), (Programme, "programme"),
    (Indicator, "indicateur"), (Meeting, "instance"), (Facility, "équipement"),
)


@dataclass(frozen=True)
class WorkbookReport:
    """What importing a workbook would do, or every reason it cannot."""

    problems: tuple[Problem, ...] = ()
    hidden_problems: int = 0
    warnings: tuple[str, ...] = ()
    rows: dict[str, int] = field(default_factory=dict)  # lines read, by sheet
    contract_slug: str | None = None
    contract_name: str | None = None
    existing_contract_id: int | None = None  # an empty contract the import fills; None: a new contract

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One French sentence on the outcome of the check."""
        if not self.ok:
            count = len(self.problems) + self.hidden_problems
            return f"{plural(count, 'erreur')} : rien ne sera importé. Corrigez le classeur puis déposez-le de nouveau."
        where = "dans le contrat vide existant" if self.existing_contract_id else "comme nouveau contrat"
        return (f"Classeur valide : le contrat « {self.contract_name} » ({self.contract_slug}) peut être importé "
                f"{where}.")


@dataclass(frozen=True)
class ImportOutcome:
    contract_id: int
    contract_slug: str
    counts: dict[str, int]
    warnings: tuple[str, ...]

    def summary(self) -> str:
        """The French confirmation shown after the import."""
        parts = ", ".join(f"{what} : {count}" for what, count in self.counts.items() if count)
        return f"Contrat « {self.contract_slug} » importé ({parts})."


def contract_contents(session: Session, contract_id: int) -> dict[str, int]:
    """The rows a contract already holds, by French name (an empty dict for an empty contract)."""
    counts = {label: session.scalar(select(func.count()).select_from(model).where(model.contract_id == contract_id))
              for model, label in CONTENTS}
    counts["signataire"] = session.scalar(select(func.count()).select_from(contract_signatory).where(
        contract_signatory.c.contract_id == contract_id))
    return {label: count for label, count in counts.items() if count}


def _check(session: Session, content: bytes) -> tuple[CheckResult, WorkbookReport]:
    try:
        raw = read_workbook(content)
    except WorkbookFileError as exc:
        return CheckResult(), WorkbookReport(problems=(Problem("", None, None, str(exc)),))
    result = check_workbook(raw)
    existing, row = None, (result.records[CONTRACT.name] or [None])[0]
    if not result.problems and row is not None:
        existing = session.scalar(select(Contract).where(Contract.slug == row["slug"]))
        contents = contract_contents(session, existing.id) if existing else {}
        if contents:
            held = ", ".join(plural(count, label) for label, count in contents.items())
            result.add(CONTRACT.name, result.lines[CONTRACT.name][0], CONTRACT.column("slug").header,
                       f"le contrat « {row['slug']} » existe déjà et n'est pas vide ({held}) : un classeur s'importe "
                       "dans un contrat vide ou sous un nouvel identifiant.")
        previous = row["previous_contract"]
        if previous and not session.scalar(select(Contract.id).where(Contract.slug == previous)):
            result.warnings.append(f"Le contrat précédent « {previous} » n'est pas dans la base : le lien vers lui "
                                   "ne sera pas enregistré.")
    problems = result.problems
    return result, WorkbookReport(
        problems=tuple(problems[:MAX_SHOWN]), hidden_problems=max(0, len(problems) - MAX_SHOWN),
        warnings=tuple(result.warnings), rows={sheet.name: len(result.records[sheet.name]) for sheet in SHEETS},
        contract_slug=row["slug"] if row else None, contract_name=row["name"] if row else None,
        existing_contract_id=existing.id if existing else None)


def check_contract_workbook(session: Session, actor: Actor, *, content: bytes) -> WorkbookReport:
    """Read and check an uploaded workbook against the database; nothing is written."""
    ensure_permission(actor, ADMIN)
    return _check(session, content)[1]


def _contract(session: Session, report: WorkbookReport, row: dict) -> Contract:
    fields = {k: row[k] for k in ("slug", "name", "territory", "start_year", "end_year", "signed_on", "status",
                                  "summary", "staleness_months", "indicator_freshness_years", "source", "note", "epci",
                                  "communes")}
    fields["illustrative"], fields["archived"] = bool(row["illustrative"]), bool(row["archived"])
    previous = row["previous_contract"]
    fields["previous_contract_id"] = session.scalar(select(Contract.id).where(Contract.slug == previous)) \
        if previous else None
    if report.existing_contract_id is not None:
        contract = session.get(Contract, report.existing_contract_id)
        for name, value in fields.items():
            setattr(contract, name, value)
        return contract
    position = session.scalar(select(func.max(Contract.position)))
    contract = Contract(**fields, position=(position or 0) + 1)
    session.add(contract)
    return contract


def import_contract_workbook(session: Session, actor: Actor, *, content: bytes) -> ImportOutcome:
    """Import a checked workbook in one transaction with one audit row; any problem: nothing is written."""
    ensure_permission(actor, ADMIN)
    result, report = _check(session, content)
    if not report.ok:
        shown = " ".join(str(problem) for problem in report.problems[:5])
        raise ValidationError(f"{report.summary()} {shown}")
    row = result.records[CONTRACT.name][0]

    def write() -> ImportOutcome:
        contract = _contract(session, report, row)
        session.flush()
        counts = WorkbookWriter(session, contract, result.records).write()
        summary = (f"Import du classeur du contrat « {contract.name} » ({contract.slug}) : "
                   + ", ".join(f"{count} {what}" for what, count in counts.items()))
        audit.record(session, actor, "import", "contract", contract.id, summary,
                     after={"slug": contract.slug, "counts": dict(counts), "warnings": list(report.warnings)})
        return ImportOutcome(contract.id, contract.slug, dict(counts), report.warnings)

    try:
        return run_write(session, write)
    except IntegrityError as exc:  # another import created the same contract meanwhile
        raise ConflictError(f"Le contrat « {row['slug']} » a été créé ou rempli par quelqu'un d'autre pendant "
                            "l'import : rien n'a été importé. Rechargez la page et vérifiez le contrat.") from exc
