"""The whole-contract workbook: export → import → export gives the same workbook, cell by cell."""

import io
import math
import time

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, func, select

from pilotage import models
from pilotage.errors import PermissionDenied, ValidationError
from pilotage.services.workbook import check_contract_workbook, import_contract_workbook
from pilotage.workbook_columns import SHEETS
from tests.contract_workbooks import cells, edited, export, row_counts
from tests.factories import admin_actor, contract, make_user

PREVIOUS_CELL = ("Contrat", 1, 12)  # sheet, line index (0 = headers), column index of « Contrat précédent »


def test_the_besancon_workbook_has_every_sheet_and_its_rows(session):
    sheets = cells(export(session))
    assert list(sheets) == ["Lisez-moi", *(sheet.name for sheet in SHEETS)]
    assert sheets["Contrat"][0][:3] == ("Identifiant", "Nom", "Territoire")
    assert sheets["Contrat"][1][:2] == ("gbm-2024-2030", "Contrat de Ville de Grand Besançon Métropole 2024-2030")
    assert len(sheets["Quartiers"]) == 13 and len(sheets["Priorités"]) == 95
    assert sheets["Contours"][1][:2] == ("planoise", 1)


def test_round_trip_into_an_empty_database(session, empty_session, capsys):
    started = time.perf_counter()
    first = export(session)
    exported = time.perf_counter()
    outcome = import_contract_workbook(empty_session, admin_actor(empty_session), content=first)
    imported = time.perf_counter()
    second = export(empty_session)
    with capsys.disabled():
        print(f"\nBesançon 2024-2030 workbook: {len(first) / 1024:.0f} KiB, export {exported - started:.2f} s, "
              f"import {imported - exported:.2f} s")
    assert outcome.contract_slug == "gbm-2024-2030"
    assert outcome.warnings == ("Le contrat précédent « gbm-2015-2023 » n'est pas dans la base : le lien vers lui "
                                "ne sera pas enregistré.",)
    before, after = cells(first), cells(second)
    sheet, line, column = PREVIOUS_CELL
    assert before[sheet][line][column] == "gbm-2015-2023" and after[sheet][line][column] is None
    after[sheet][line] = before[sheet][line]  # the one link the empty database cannot hold
    assert after == before


def test_round_trip_beside_the_other_contracts_is_identical(session):
    first = export(session)
    session.execute(delete(models.Contract).where(models.Contract.slug == "gbm-2024-2030"))
    session.commit()
    import_contract_workbook(session, admin_actor(session), content=first)
    assert cells(export(session)) == cells(first)


def test_archived_objects_and_the_contract_communes_come_back(session, empty_session):
    besancon = contract(session, "gbm-2024-2030")
    besancon.epci, besancon.communes = "Grand Besançon Métropole", [{"code": "25056", "name": "Besançon"}]
    archived = ((models.Neighbourhood, models.Neighbourhood.slug, "battant"),
                (models.Priority, models.Priority.id, None), (models.Facility, models.Facility.id, None))
    for model, column, value in archived:
        query = select(model).where(column == value) if value else select(model).order_by(column)
        session.scalars(query).first().archived = True
    session.commit()
    first = export(session)
    import_contract_workbook(empty_session, admin_actor(empty_session), content=first)
    copy = contract(empty_session, "gbm-2024-2030")
    assert copy.epci == "Grand Besançon Métropole" and copy.communes == [{"code": "25056", "name": "Besançon"}]
    for model in (models.Neighbourhood, models.Priority, models.Facility):
        assert empty_session.scalar(select(func.count()).select_from(model).where(model.archived)) == 1
    before, after = cells(first), cells(export(empty_session))
    sheet, line, column = PREVIOUS_CELL
    after[sheet][line] = before[sheet][line]
    assert after == before


def test_the_import_writes_one_audit_row_and_bumps_the_data_version(session, empty_session):
    content = export(session)
    actor = admin_actor(empty_session)
    events = empty_session.scalar(select(func.count()).select_from(models.AuditEvent))
    outcome = import_contract_workbook(empty_session, actor, content=content)
    rows = list(empty_session.scalars(select(models.AuditEvent).order_by(models.AuditEvent.id)))[events:]
    assert [(e.action, e.object_type, e.object_id, e.username) for e in rows] == [
        ("import", "contract", outcome.contract_id, "admin")]
    assert "12 quartiers" in rows[0].summary and "94 priorités" in rows[0].summary
    assert outcome.counts["points d'avancement"] == 509


def test_a_contract_that_holds_data_is_refused_and_nothing_is_written(session):
    content, actor = export(session), admin_actor(session)
    before = row_counts(session)
    report = check_contract_workbook(session, actor, content=content)
    assert not report.ok
    assert str(report.problems[0]).startswith("Onglet « Contrat », ligne 2, colonne « Identifiant » : le contrat "
                                         "« gbm-2024-2030 » existe déjà et n'est pas vide (14 jalons, ")
    with pytest.raises(ValidationError, match="rien ne sera importé"):
        import_contract_workbook(session, actor, content=content)
    assert row_counts(session) == before


def test_an_empty_contract_of_the_same_slug_is_filled(session, empty_session):
    content = export(session)
    actor = admin_actor(empty_session)
    empty_session.add(models.Contract(slug="gbm-2024-2030", name="À remplir", territory="GBM", start_year=2024,
                                      end_year=2030))
    empty_session.commit()
    report = check_contract_workbook(empty_session, actor, content=content)
    assert report.ok and report.existing_contract_id == contract(empty_session).id
    outcome = import_contract_workbook(empty_session, actor, content=content)
    assert outcome.contract_id == report.existing_contract_id
    assert contract(empty_session).name == "Contrat de Ville de Grand Besançon Métropole 2024-2030"
    assert empty_session.scalar(select(func.count()).select_from(models.Contract)) == 1


def test_a_new_slug_imports_a_copy_beside_the_original(session):
    def rename(book):
        book["Contrat"]["A2"] = "gbm-copie"

    outcome = import_contract_workbook(session, admin_actor(session), content=edited(export(session), rename))
    copy = contract(session, "gbm-copie")
    assert outcome.contract_id == copy.id and copy.previous_contract_id == contract(session, "gbm-2015-2023").id
    assert cells(export(session, "gbm-copie"))["Priorités"] == cells(export(session))["Priorités"]
    # organisations are shared by name: the copy creates none
    assert outcome.counts.get("organisations créées", 0) == 0


def test_only_an_administrator_checks_or_imports(session):
    contributor = make_user(session, role="contributeur", all_neighbourhoods=True)
    with pytest.raises(PermissionDenied):
        check_contract_workbook(session, contributor, content=b"")
    with pytest.raises(PermissionDenied):
        import_contract_workbook(session, contributor, content=b"")


def test_texts_that_look_like_formulas_come_back_exactly(session, empty_session):
    hood = session.scalar(select(models.Neighbourhood).where(models.Neighbourhood.slug == "planoise"))
    hood.identity = "=HYPERLINK(\"http://exemple.test\")"
    hood.note = "-0,6 point"
    session.commit()
    content = export(session)
    sheet = load_workbook(io.BytesIO(content))["Quartiers"]
    identity = sheet.cell(row=2, column=9)
    assert (identity.value, identity.data_type, identity.quotePrefix) == (hood.identity, "s", True)
    import_contract_workbook(empty_session, admin_actor(empty_session), content=content)
    copy = empty_session.scalar(select(models.Neighbourhood).where(models.Neighbourhood.slug == "planoise"))
    assert (copy.identity, copy.note) == ("=HYPERLINK(\"http://exemple.test\")", "-0,6 point")


def _big_polygon(points: int) -> dict:
    ring = [[5.9 + 0.01 * math.cos(2 * math.pi * i / points), 47.2 + 0.01 * math.sin(2 * math.pi * i / points)]
            for i in range(points)]
    return {"type": "Polygon", "coordinates": [ring + ring[:1]]}


def test_a_contour_longer_than_a_cell_is_cut_into_parts_and_joined_back(session, empty_session):
    hood = session.scalar(select(models.Neighbourhood).where(models.Neighbourhood.slug == "planoise"))
    hood.geometry = _big_polygon(3000)
    session.commit()
    content = export(session)
    parts = [row for row in cells(content)["Contours"][1:] if row[0] == "planoise"]
    assert [row[1] for row in parts] == list(range(1, len(parts) + 1)) and len(parts) >= 3
    assert all(len(row[2]) <= 32_000 for row in parts)
    import_contract_workbook(empty_session, admin_actor(empty_session), content=content)
    copy = empty_session.scalar(select(models.Neighbourhood).where(models.Neighbourhood.slug == "planoise"))
    assert copy.geometry == hood.geometry

    def drop_second_part(book):
        sheet = book["Contours"]
        second = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "planoise" and row[1].value == 2)
        sheet.delete_rows(second[0].row)

    tampered = edited(content, drop_second_part)
    report = check_contract_workbook(empty_session, admin_actor(empty_session), content=tampered)
    assert any("les parties du contour de « planoise » doivent être numérotées 1, 2, 3… sans trou." in str(p)
               for p in report.problems), report.problems


@pytest.mark.parametrize("slug", ["grand-belfort-2015-2020", "gbm-2015-2023", "cadre-2015-2020"])
def test_every_seeded_contract_comes_back_identical_under_a_new_identifier(session, slug):
    def rename(book):
        book["Contrat"]["A2"] = "copie"

    first = export(session, slug)
    import_contract_workbook(session, admin_actor(session), content=edited(first, rename))
    before, after = cells(first), cells(export(session, "copie"))
    assert after["Contrat"][1][0] == "copie"
    after["Contrat"][1] = before["Contrat"][1]
    assert after == before
