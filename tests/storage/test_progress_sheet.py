"""The update sheet round trip: export pre-filled, import checked row by row, all or nothing."""

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from pilotage.errors import PermissionDenied
from pilotage.models import AuditEvent, PriorityUpdate
from pilotage.progress import PointInput
from pilotage.progress_sheet import COLUMNS, GUIDE, HEADER_ROW, SHEET
from pilotage.queries import progress_sheet as sheet_queries
from pilotage.services import progress as services
from pilotage.spreadsheets import write_text
from tests.factories import admin_actor, make_user, neighbourhood_id
from tests.workbooks import DATA_SHEET_PART, malformed_files, with_cached_value

TODAY = dt.date(2026, 11, 23)
HEADER = {name: header for name, header, _, _ in COLUMNS}


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def export(session, slug: str = "planoise") -> bytes:
    return sheet_queries.export_progress_sheet(session, scope_kind="quartier", scope_id=neighbourhood_id(session, slug),
                                               today=TODAY)


class Text(str):
    """A value typed as text in a spreadsheet (after an apostrophe when it starts with '=')."""


def edit(content: bytes, changes: dict[tuple[int, str], object]) -> bytes:
    """Change cells of the data sheet: (data row number from 1, field name) -> value ('=...' is a formula)."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook[SHEET]
    columns = {name: index for index, (name, _, _, _) in enumerate(COLUMNS, start=1)}
    for (row, name), value in changes.items():
        cell = sheet.cell(row=HEADER_ROW + row, column=columns[name])
        if isinstance(value, Text):
            write_text(cell, str(value))
        else:
            cell.value = value  # cell(value=None) would not clear it
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def first_row(content: bytes) -> dict:
    """The cells of the sheet's first priority, by field name."""
    cells = load_workbook(io.BytesIO(content))[SHEET][HEADER_ROW + 1]
    return {name: cell for (name, *_), cell in zip(COLUMNS, cells, strict=True)}


def import_sheet(session, actor, content: bytes, slug: str = "planoise"):
    return services.import_progress_sheet(session, actor, scope_kind="quartier",
                                          scope_id=neighbourhood_id(session, slug), content=content, today=TODAY)


def test_the_export_is_a_french_sheet_pre_filled_with_the_last_points(session):
    workbook = load_workbook(io.BytesIO(export(session)))
    assert workbook.sheetnames == [SHEET, GUIDE]
    sheet = workbook[SHEET]
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    assert headers[:2] == ["N° interne de la priorité (ne pas modifier)", "N° du dernier point (ne pas modifier)"]
    assert "Météo" in headers and "Difficultés et points de blocage" in headers and "Avancement (%)" in headers
    rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert len(rows) == 42  # the projet de quartier and the Pacte of Planoise
    first = dict(zip([name for name, *_ in COLUMNS], rows[0], strict=True))
    assert first["number"] == "Mesure 10" and first["weather"] in ("Sécurisé", "Atteignable")
    assert isinstance(first["recorded_on"], dt.datetime) and isinstance(first["priority_id"], int)
    assert sheet.protection.sheet, "the sheet is protected so that the grey columns stay as they are"
    assert sheet.cell(row=HEADER_ROW + 1, column=1).protection.locked
    assert not sheet.cell(row=HEADER_ROW + 1, column=8).protection.locked, "météo is editable"
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert lists and lists[0].formula1 == '"Sécurisé,Atteignable,Appui nécessaire,Compromis"'
    assert "H4:H45" in str(lists[0].sqref)
    guide = [row for row in workbook[GUIDE].iter_rows(values_only=True)]
    assert ("Périmètre", "Quartier Planoise") in guide


def test_an_unchanged_sheet_writes_nothing(session):
    admin = admin_actor(session)
    points, events = count(session, PriorityUpdate), count(session, AuditEvent)
    report = import_sheet(session, admin, export(session))
    assert report.ok and report.points == () and report.written == 0
    assert report.summary() == "Aucun changement : rien n'a été enregistré."
    assert {row.status for row in report.rows} == {"inchange"} and len(report.rows) == 42
    assert (count(session, PriorityUpdate), count(session, AuditEvent)) == (points, events)


def test_a_filled_sheet_writes_exactly_its_changes(session):
    contributor = make_user(session, neighbourhood_slugs=["planoise"])
    content = edit(export(session), {
        (1, "recorded_on"): dt.datetime(2026, 11, 20), (1, "weather"): "Compromis", (1, "progress"): 35,
        (1, "difficulties"): "Le partenaire s'est retiré",
        (2, "recorded_on"): "20/11/2026",  # the same situation, confirmed at a new date, typed as text
    })
    points = count(session, PriorityUpdate)
    report = import_sheet(session, contributor, content)
    assert report.ok and report.written == 2, report.rows
    assert count(session, PriorityUpdate) == points + 2
    new = session.scalars(select(PriorityUpdate).order_by(PriorityUpdate.id.desc()).limit(2)).all()
    changed, confirmed = sorted(new, key=lambda p: p.id)
    assert (changed.recorded_on, changed.weather, changed.progress) == (dt.date(2026, 11, 20), "compromis", 35)
    assert changed.difficulties == "Le partenaire s'est retiré"
    assert changed.author == contributor.display_name and changed.created_by_id == contributor.id
    assert confirmed.recorded_on == dt.date(2026, 11, 20) and not confirmed.illustrative
    statuses = [row.status for row in report.rows]
    assert statuses.count("nouveau") == 2 and statuses.count("inchange") == 40
    assert "météo Sécurisé → Compromis" in report.rows[0].messages[0]
    imports = session.scalars(select(AuditEvent).where(AuditEvent.action == "import")).all()
    assert len(imports) == 1 and "(Quartier Planoise) : 2 point(s)" in imports[0].summary


def test_comments_that_look_like_formulas_are_exported_as_text(session):
    admin = admin_actor(session)
    first_id = load_workbook(io.BytesIO(export(session)))[SHEET].cell(row=HEADER_ROW + 1, column=1).value
    services.record_point(session, admin, PointInput(first_id, TODAY, "compromis", difficulties="=1+1"), today=TODAY)
    content = export(session)
    cell = load_workbook(io.BytesIO(content))[SHEET].cell(row=HEADER_ROW + 1, column=10)
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    assert import_sheet(session, admin, content).points == (), "and they come back unchanged"


def test_text_that_looks_like_a_formula_stays_text_both_ways(session):
    admin = admin_actor(session)
    first_id = load_workbook(io.BytesIO(export(session)))[SHEET].cell(row=HEADER_ROW + 1, column=1).value
    services.record_point(session, admin, PointInput(first_id, TODAY, "compromis", difficulties="=pas de budget",
                                                     successes="-0,6 point de chômage"), today=TODAY)
    content = export(session)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "<f>" not in archive.read(DATA_SHEET_PART).decode(), "no cell of the sheet is a formula"
    row = first_row(content)
    for name, text in (("difficulties", "=pas de budget"), ("successes", "-0,6 point de chômage")):
        assert (row[name].value, row[name].data_type, row[name].quotePrefix) == (text, "s", True), name
    assert import_sheet(session, admin, content).points == (), "read back exactly as exported"
    typed = edit(content, {(2, "difficulties"): Text("=pas de budget"), (2, "weather"): "Compromis",
                           (2, "recorded_on"): dt.datetime(2026, 11, 20)})
    report = import_sheet(session, admin, typed)
    assert report.ok and report.written == 1, report.rows
    assert session.scalars(select(PriorityUpdate).order_by(PriorityUpdate.id.desc())).first().difficulties == \
        "=pas de budget"


def test_a_comment_with_a_control_character_is_exported_and_comes_back_unchanged(session):
    admin = admin_actor(session)
    first_id = load_workbook(io.BytesIO(export(session)))[SHEET].cell(row=HEADER_ROW + 1, column=1).value
    services.record_point(session, admin, PointInput(first_id, TODAY, "compromis",
                                                     difficulties="Copié de Word :\x0bsaut de ligne"), today=TODAY)
    content = export(session)  # openpyxl refuses control characters in a worksheet
    assert first_row(content)["difficulties"].value == "Copié de Word : saut de ligne"
    report = import_sheet(session, admin, content)
    assert report.ok and report.points == () and report.rows[0].status == "inchange"


def test_a_formula_without_a_computed_value_is_reported_and_nothing_is_written(session):
    admin = admin_actor(session)
    content = edit(export(session), {(1, "progress"): "=40+5",
                                     (2, "difficulties"): "=A1", (2, "weather"): "Compromis"})
    points, events = count(session, PriorityUpdate), count(session, AuditEvent)
    report = import_sheet(session, admin, content)
    assert not report.ok and report.written == 0
    assert (count(session, PriorityUpdate), count(session, AuditEvent)) == (points, events)
    errors = {row.line: row.messages for row in report.rows if row.status == "erreur"}
    assert set(errors) == {HEADER_ROW + 1, HEADER_ROW + 2}
    assert errors[HEADER_ROW + 1] == ("« Avancement (%) » : formule sans valeur calculée : ouvrez et enregistrez "
                                      "le fichier dans un tableur (Excel, LibreOffice) pour qu'il la calcule, ou "
                                      "tapez la valeur elle-même.",)
    assert errors[HEADER_ROW + 2][0].startswith("« Difficultés et points de blocage » : formule sans valeur calculée")


def test_a_formula_computed_by_a_spreadsheet_counts_as_its_value(session):
    admin = admin_actor(session)
    content = edit(export(session), {(1, "progress"): "=40+5", (1, "recorded_on"): dt.datetime(2026, 11, 20)})
    report = import_sheet(session, admin, with_cached_value(content, "40+5", "45"))
    assert report.ok and report.written == 1, report.rows
    assert session.scalars(select(PriorityUpdate).order_by(PriorityUpdate.id.desc())).first().progress == 45


def test_a_sheet_with_one_bad_row_writes_nothing_and_names_that_row(session):
    admin = admin_actor(session)
    content = edit(export(session), {(1, "weather"): "Compromis", (1, "recorded_on"): dt.datetime(2026, 11, 20),
                                     (5, "weather"): "Bof"})
    points, events = count(session, PriorityUpdate), count(session, AuditEvent)
    report = import_sheet(session, admin, content)
    assert not report.ok and report.written == 0
    assert (count(session, PriorityUpdate), count(session, AuditEvent)) == (points, events)
    errors = [row for row in report.rows if row.status == "erreur"]
    assert len(errors) == 1 and errors[0].line == HEADER_ROW + 5
    assert errors[0].messages[0].startswith("Météo inconnue « Bof »")
    assert report.summary().startswith("1 erreur(s) : rien n'a été enregistré.")


@pytest.mark.parametrize("changes, message", [
    ({(1, "progress"): 150}, "Avancement « 150 » : un nombre entier de 0 à 100 est attendu."),
    ({(1, "progress"): 12.5}, "un nombre entier de 0 à 100"),
    ({(1, "recorded_on"): "2026-11-20"}, "Date illisible « 2026-11-20 »"),
    ({(1, "recorded_on"): dt.datetime(2026, 12, 25)}, "est dans le futur"),
    ({(1, "recorded_on"): dt.datetime(2024, 1, 2)}, "antérieure au dernier point"),
    ({(1, "weather"): None}, "La météo est obligatoire"),
    ({(1, "priority_id"): 999999}, "Priorité inconnue dans ce périmètre"),
    ({(1, "base_point_id"): 1}, "N° du dernier point (colonne B) inconnu pour cette priorité"),
    ({(1, "base_point_id"): 10**20}, "N° du dernier point (colonne B) inconnu pour cette priorité"),
    ({(1, "base_point_id"): -5}, "N° du dernier point (colonne B) inconnu pour cette priorité"),
])
def test_each_kind_of_bad_row_is_reported_in_french(session, changes, message):
    report = import_sheet(session, admin_actor(session), edit(export(session), changes))
    assert not report.ok and report.points == ()
    errors = [row for row in report.rows if row.status == "erreur"]
    assert len(errors) == 1 and errors[0].line == HEADER_ROW + 1
    assert any(message in text for text in errors[0].messages), errors[0].messages


def test_a_duplicated_row_and_a_priority_of_another_neighbourhood_are_refused(session):
    battant = load_workbook(io.BytesIO(export(session, "battant")))[SHEET].cell(row=HEADER_ROW + 1, column=1).value
    planoise_first = load_workbook(io.BytesIO(export(session)))[SHEET].cell(row=HEADER_ROW + 1, column=1).value
    report = import_sheet(session, admin_actor(session), edit(export(session), {
        (2, "priority_id"): planoise_first, (3, "priority_id"): battant}))
    messages = {row.line: row.messages[0] for row in report.rows if row.status == "erreur"}
    assert messages[HEADER_ROW + 2] == f"Priorité en double (déjà ligne {HEADER_ROW + 1})."
    assert messages[HEADER_ROW + 3].startswith("Priorité inconnue dans ce périmètre")


def test_a_point_recorded_since_the_export_blocks_a_changed_row_only(session):
    admin = admin_actor(session)
    content = export(session)
    first_id = load_workbook(io.BytesIO(content))[SHEET].cell(row=HEADER_ROW + 1, column=1).value
    services.record_point(session, admin, PointInput(first_id, TODAY, "securise"), today=TODAY)
    unchanged = import_sheet(session, admin, content)
    assert unchanged.ok and unchanged.points == ()
    changed = import_sheet(session, admin, edit(content, {(1, "weather"): "Compromis"}))
    assert not changed.ok
    assert "Un point plus récent (du 23 novembre 2026) a été enregistré depuis l'export" in \
        changed.rows[0].messages[0]


def test_the_file_must_be_an_update_sheet_of_the_chosen_scope(session):
    admin = admin_actor(session)
    wrong_scope = import_sheet(session, admin, export(session, "montrapon"))
    assert wrong_scope.file_errors == ("Cette fiche a été exportée pour un autre périmètre que celui choisi pour "
                                       "l'import.",)
    not_excel = import_sheet(session, admin, b"Priorite;Meteo\n1;Compromis\n")
    assert not_excel.file_errors == ("Ce fichier n'est pas un classeur Excel (.xlsx) lisible.",)
    workbook = load_workbook(io.BytesIO(export(session)))
    workbook[SHEET].title = "Feuil1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    renamed = import_sheet(session, admin, buffer.getvalue())
    assert renamed.file_errors[0].startswith("Le classeur ne contient pas l'onglet « Points d'avancement »")


@pytest.mark.parametrize("name", ["csv", "empty", "zip of text", "password-protected", "truncated",
                                  "corrupted part", "broken xml", "doctype", "no header"])
def test_a_malformed_workbook_ends_with_a_french_message_and_writes_nothing(session, name):
    admin = admin_actor(session)
    points = count(session, PriorityUpdate)
    report = import_sheet(session, admin, malformed_files(export(session))[name])
    assert not report.ok and report.file_errors and report.written == 0
    assert count(session, PriorityUpdate) == points


def test_importing_needs_the_right_to_edit_the_scope(session):
    reader = make_user(session, role="lecteur")
    battant_only = make_user(session, neighbourhood_slugs=["battant"])
    content = edit(export(session), {(1, "weather"): "Compromis"})
    points = count(session, PriorityUpdate)
    for actor in (reader, battant_only):
        with pytest.raises(PermissionDenied):
            import_sheet(session, actor, content)
    assert count(session, PriorityUpdate) == points


def test_a_programme_sheet_covers_that_programme_only(session):
    scopes = sheet_queries.list_sheet_scopes(session, contract_id=1)
    pacte = scopes[(scopes["kind"] == "programme") & scopes["label"].str.startswith("Pacte")].iloc[0]
    content = sheet_queries.export_progress_sheet(session, scope_kind="programme", scope_id=int(pacte.id),
                                                  today=TODAY)
    rows = list(load_workbook(io.BytesIO(content))[SHEET].iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert len(rows) == 30 and {row[2] for row in rows} == {"Pacte pour l’émancipation des jeunes de Planoise"}
    assert list(scopes["kind"]).count("quartier") == 6
