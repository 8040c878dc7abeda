"""Import of indicator values from statistical tables: all or nothing, French reports, locking, audit."""

from __future__ import annotations

import io
import time
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from pilotage.errors import ConflictError, PermissionDenied, ValidationError
from pilotage.indicator_import import UPDATED, Mapping, NewIndicator, default_new_indicator, plan_import
from pilotage.models import AuditEvent, ComparisonArea, Indicator, IndicatorValue, Neighbourhood
from pilotage.queries.indicators import get_import_context, list_indicator_values, list_indicators
from pilotage.services.indicators import import_indicator_values, update_indicator, update_indicator_value
from pilotage.table_files import read_table
from tests.factories import admin_actor, contract, make_user, neighbourhood

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# The made-up official codes of tests/fixtures (README): the seed leaves the codes empty.
CODES = {"planoise": "QN02501M", "montrapon": "QN02502M", "orchamps-palente": "QN02503M",
         "clairs-soleils": "QN02504M", "battant": "QN02505M"}
WIDE = Mapping(key="Code géographique", values=("Population", "Part de femmes", "Taux de pauvreté"), year="Année")
POVERTY = NewIndicator(code="taux_pauvrete", label="Taux de pauvreté", theme="situation sociale", unit="%", decimals=1)
SOURCE = "INSEE, Filosofi et RP 2021"
SIMPLE = Mapping(key="code", values=("Population",), year="annee")


def record_codes(session) -> None:
    for slug, code in CODES.items():
        neighbourhood(session, slug).official_code = code
    session.commit()


def counts(session) -> tuple[int, int, int, list]:
    values = session.scalars(select(IndicatorValue.value).order_by(IndicatorValue.id)).all()
    return (session.scalar(select(func.count()).select_from(Indicator)), len(values),
            session.scalar(select(func.count()).select_from(AuditEvent)), values)


def run_import(session, content: bytes, mapping: Mapping = SIMPLE, filename: str = "table.csv", actor=None,
               new_indicators=None, **kwargs):
    return import_indicator_values(session, actor or admin_actor(session), contract_id=contract(session).id,
                                   filename=filename, content=content, mapping=mapping,
                                   source=kwargs.pop("source", SOURCE), new_indicators=new_indicators, **kwargs)


def test_the_latin1_fixture_imports_every_value_with_its_source_and_creates_the_new_indicator(session):
    record_codes(session)
    admin_actor(session)
    before = counts(session)
    content = (FIXTURES / "indicateurs_latin1.csv").read_bytes()

    report = run_import(session, content, WIDE, "indicateurs_latin1.csv",
                        new_indicators={"Taux de pauvreté": POVERTY})

    assert (report.created, report.updated, report.new_indicators) == (15, 0, ("Taux de pauvreté",))
    after = counts(session)
    assert after[0] == before[0] + 1 and after[1] == before[1] + 15
    poverty = session.scalar(select(Indicator).where(Indicator.code == "taux_pauvrete"))
    assert (poverty.unit, poverty.decimals, poverty.theme) == ("%", 1, "situation sociale")
    values = list_indicator_values(session, indicator_id=poverty.id)
    by_place = dict(zip(values["place"], values["value"], strict=True))
    assert by_place == {"Planoise": 46.9, "Montrapon": 29.4, "Orchamps-Palente": 33.7, "Besançon": 20.3,
                        "Grand Besançon Métropole": 14.8}
    assert set(values["year"]) == {"2021"}, "« au 01/01/2021 » is read as 2021"
    assert set(values["source"]) == {SOURCE} and not values["illustrative"].any()
    population = session.scalar(select(IndicatorValue).join(Indicator).where(
        Indicator.code == "population", IndicatorValue.neighbourhood_id == neighbourhood(session, "planoise").id,
        IndicatorValue.year == "2021"))
    assert population.value == 15602
    summary = session.scalars(select(AuditEvent.summary).where(AuditEvent.action == "import")).all()
    assert any("indicateurs_latin1.csv" in text and SOURCE in text for text in summary)


def test_a_value_already_stored_for_the_same_year_is_updated_and_shown_as_such(session):
    record_codes(session)
    planoise = neighbourhood(session, "planoise")
    stored = session.scalar(select(IndicatorValue).join(Indicator).where(
        Indicator.code == "population", IndicatorValue.neighbourhood_id == planoise.id, IndicatorValue.year == "2018"))
    content = b"code;annee;Population\nQN02501M;2018;15 400\nQN02502M;2018;1 674\n"
    context = get_import_context(session, contract_id=planoise.contract_id)
    plan = plan_import(read_table("t.csv", content), SIMPLE, context)
    assert [v.effect for v in plan.values] == [UPDATED, "inchangée"]
    version = stored.version

    report = run_import(session, content, expected_versions={stored.id: version})

    session.refresh(stored)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert (stored.value, stored.source, stored.version, stored.illustrative) == (15400, SOURCE, version + 1, False)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "import"))
    assert event.before == {"values": [{"id": stored.id, "value": 15378.0}]}
    assert event.after == {"created": 0, "updated": [{"id": stored.id, "value": 15400.0}]}


def test_a_value_changed_since_the_preview_refuses_the_import(session):
    record_codes(session)
    planoise = neighbourhood(session, "planoise")
    stored = session.scalar(select(IndicatorValue).join(Indicator).where(
        Indicator.code == "population", IndicatorValue.neighbourhood_id == planoise.id, IndicatorValue.year == "2018"))
    admin_actor(session)
    before = counts(session)
    with pytest.raises(ConflictError, match="modifiée par quelqu'un d'autre"):
        run_import(session, b"code;annee;Population\nQN02501M;2018;15400\n",
                   expected_versions={stored.id: stored.version - 1})
    assert counts(session) == before


def test_gaps_can_be_skipped_on_purpose_and_are_counted(session):
    record_codes(session)
    content = b"code;annee;Population\nQN02501M;2021;n.c.\nQN02502M;2021;s\nQN02503M;2021;3 140\n"
    report = run_import(session, content, Mapping(key="code", values=("Population",), year="annee", gaps_allowed=True))
    assert (report.created, report.gaps) == (1, 2)


def test_a_national_file_can_skip_the_places_outside_the_contract(session):
    record_codes(session)
    content = b"code;annee;Population\nQN02501M;2021;15602\nQN01301M;2021;4000\nQN07501M;2021;9000\n"
    with pytest.raises(ValidationError, match="code de quartier inconnu « QN01301M »"):
        run_import(session, content)
    report = run_import(session, content, Mapping(key="code", values=("Population",), year="annee",
                                                  other_places_skipped=True))
    assert (report.created, report.skipped_lines) == (1, 2)


def test_long_layout_with_the_indicator_in_a_column_and_names_as_keys(session):
    content = ("lieu;indicateur;valeur;unité;année\nPlanoise;population;15602;habitants;2019-2020\n"
               "Clairs-Soleils;Part de femmes;51,2;%;2019-2020\nbesancon;Nombre de médecins;210;médecins;2019-2020\n"
               ).encode()
    mapping = Mapping(key="lieu", values=("valeur",), indicator="indicateur", year="année", unit="unité")
    context = get_import_context(session, contract_id=contract(session).id)
    plan = plan_import(read_table("t.csv", content), mapping, context)
    assert plan.unknown_indicators == {"Nombre de médecins": "médecins"}
    spec = default_new_indicator("Nombre de médecins", "médecins")
    assert (spec.code, spec.unit) == ("nombre_de_medecins", "médecins")

    report = run_import(session, content, mapping, new_indicators={"Nombre de médecins": spec})

    assert (report.created, report.new_indicators) == (3, ("Nombre de médecins",))
    area = session.scalar(select(ComparisonArea).where(ComparisonArea.slug == "besancon",
                                                       ComparisonArea.contract_id == contract(session).id))
    doctors = session.scalar(select(IndicatorValue).where(IndicatorValue.comparison_area_id == area.id,
                                                          IndicatorValue.value == 210))
    assert doctors.year == "2019-2020"


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_imports_like_a_csv(session):
    record_codes(session)
    content = _xlsx([["code", "annee", "Population"], ["QN02501M", 2021, 15602], ["QN02504M", 2021.0, 1400]])
    report = run_import(session, content, filename="table.xlsx")
    assert report.created == 2


REFUSED = {
    "one column (wrong separator)": (b"code|annee|Population\nQN02501M|2021|15602\n", SIMPLE,
                                     "qu'une seule colonne"),
    "empty file": (b"", SIMPLE, "Le fichier est vide"),
    "header only": (b"code;annee;Population\r\n", SIMPLE, "aucune ligne de données"),
    "unknown QPV code": (b"code;annee;Population\nQN02501M;2021;1\nQN09999M;2021;2\n", SIMPLE,
                         "ligne 3, colonne « code » : code de quartier inconnu « QN09999M »"),
    "unknown place name": ("code;annee;Population\nLes Résidences du Bois;2021;2\n".encode(), SIMPLE,
                           "lieu inconnu « Les Résidences du Bois »"),
    "duplicate key": (b"code;annee;Population\nQN02501M;2021;1\nPlanoise;2021;2\n", SIMPLE,
                      "ligne 3, colonne « Population » : doublon : Population pour Planoise en 2021 figure déjà "
                      "ligne 2"),
    "n.c. in a numeric column": (b"code;annee;Population\nQN02501M;2021;n.c.\n", SIMPLE,
                                 "valeur non renseignée « n.c. »"),
    "secret statistique": (b"code;annee;Population\nQN02501M;2021;s\n", SIMPLE,
                           "valeur non renseignée « s »"),
    "text in a numeric column": (b"code;annee;Population\nQN02501M;2021;environ 15 000\n", SIMPLE,
                                 "« environ 15 000 » n'est pas un nombre"),
    "unreadable year": (b"code;annee;Population\nQN02501M;fin 2021;1\n", SIMPLE,
                        "« fin 2021 » n'est pas une année reconnue"),
    "missing mapped column": ("code;année;Population\nQN02501M;2021;1\n".encode(), SIMPLE,
                              "la colonne choisie pour « année » n'existe pas"),
    "decimal comma in a comma-separated file": (b"code,annee,Population\nQN02501M,2021,13,2\n", SIMPLE,
                                                "Ligne 2 : 4 cellules pour 3 colonnes"),
    "workbook formula without a computed value": (_xlsx([["code", "annee", "Population"], ["QN02501M", 2021, "=B2*2"]]),
                                                  SIMPLE, "formule enregistrée sans sa valeur calculée"),
    "old .xls workbook": (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600, SIMPLE, "ancien format .xls"),
    "unknown indicator without a description": ("code;annee;Chômage\nQN02501M;2021;1\n".encode(),
                                                Mapping(key="code", values=("Chômage",), year="annee"),
                                                "indicateur inconnu du contrat"),
    "unit other than the indicator's": (b"code;annee;unite;Population\nQN02501M;2021;%;12\n",
                                        Mapping(key="code", values=("Population",), year="annee", unit="unite"),
                                        "unité « % » différente de celle de l'indicateur Population (« habitants »)"),
    "no year at all": (b"code;Population\nQN02501M;1\n", Mapping(key="code", values=("Population",)),
                       "choisissez la colonne de l'année"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_malformed_file_is_refused_in_french_and_nothing_is_written(session, case):
    content, mapping, message = REFUSED[case]
    record_codes(session)
    admin_actor(session)
    before = counts(session)
    with pytest.raises(ValidationError) as refused:
        run_import(session, content, mapping, filename="table.xlsx" if content[:2] == b"PK" else "table.csv")
    assert message in str(refused.value).replace("\u00a0", " ")
    assert counts(session) == before


def test_an_invalid_new_indicator_or_an_empty_source_is_refused(session):
    record_codes(session)
    admin_actor(session)
    before = counts(session)
    content = "code;annee;Chômage\nQN02501M;2021;1\n".encode()
    mapping = Mapping(key="code", values=("Chômage",), year="annee")
    with pytest.raises(ValidationError, match="est déjà celui d'un autre indicateur"):
        run_import(session, content, mapping, new_indicators={"Chômage": NewIndicator("population", "Chômage", "emploi",
                                                                                       "%", 1)})
    with pytest.raises(ValidationError, match="Indiquez la source"):
        run_import(session, content, mapping, source="  ", new_indicators={"Chômage": default_new_indicator("Chômage")})
    assert counts(session) == before


def test_only_an_administrator_imports(session):
    record_codes(session)
    contributor = make_user(session, role="contributeur", all_neighbourhoods=True)
    before = counts(session)
    with pytest.raises(PermissionDenied, match="réservée aux administrateurs"):
        run_import(session, b"code;annee;Population\nQN02501M;2021;1\n", actor=contributor)
    assert counts(session) == before


def test_the_indicator_form_and_the_value_form(session):
    admin = admin_actor(session)
    indicators = list_indicators(session, contract_id=contract(session).id)
    row = indicators[indicators["code"] == "women_share"].iloc[0]
    update_indicator(session, admin, int(row.id), expected_version=int(row.version), label="Part des femmes",
                     theme="démographie", unit="%", decimals=1, definition="Femmes parmi les habitants.")
    with pytest.raises(ConflictError):
        update_indicator(session, admin, int(row.id), expected_version=int(row.version), label="Autre",
                         theme="démographie", unit="%", decimals=1, definition=None)
    with pytest.raises(ValidationError, match="décimales"):
        update_indicator(session, admin, int(row.id), expected_version=int(row.version) + 1, label="Part",
                         theme="démographie", unit="%", decimals=9, definition=None)
    values = list_indicator_values(session, indicator_id=int(row.id))
    planoise = values[values["place"] == "Planoise"].iloc[0]
    contributor = make_user(session, role="contributeur", neighbourhood_slugs=["montrapon"])
    with pytest.raises(PermissionDenied):
        update_indicator_value(session, contributor, int(planoise.id), expected_version=int(planoise.version),
                               value=50, year="2018", source="INSEE")
    with pytest.raises(ValidationError, match="n'est pas une année reconnue"):
        update_indicator_value(session, admin, int(planoise.id), expected_version=int(planoise.version),
                               value=50, year="l'an dernier", source="INSEE")
    owner = make_user(session, role="contributeur", neighbourhood_slugs=["planoise"])
    update_indicator_value(session, owner, int(planoise.id), expected_version=int(planoise.version), value=50.5,
                           year="au 01/01/2019", source="INSEE, RP 2019")
    stored = session.get(IndicatorValue, int(planoise.id))
    session.refresh(stored)
    assert (stored.value, stored.year, stored.source, stored.illustrative) == (50.5, "2019", "INSEE, RP 2019", False)
    assert session.get(Indicator, int(row.id)).label == "Part des femmes"


def test_import_time_of_100_neighbourhoods_by_20_indicators(session, capsys):
    gbm = contract(session)
    for number in range(100):
        session.add(Neighbourhood(contract_id=gbm.id, slug=f"qpv-{number}", name=f"Quartier n° {number}", kind="qpv",
                                  official_code=f"QN99{number:03d}M", commune="Besançon", position=100 + number))
    session.commit()
    columns = [f"Indicateur {i}" for i in range(20)]
    lines = ["code;annee;" + ";".join(columns)]
    lines += [f"QN99{n:03d}M;2021;" + ";".join(f"{n + i},5" for i in range(20)) for n in range(100)]
    content = "\n".join(lines).encode("cp1252")
    mapping = Mapping(key="code", values=tuple(columns), year="annee")
    specs = {name: default_new_indicator(name, "%") for name in columns}
    started = time.perf_counter()
    report = run_import(session, content, mapping, new_indicators=specs)
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\nimport of 100 neighbourhoods x 20 indicators (2,000 values): {elapsed:.2f} s")
    assert report.created == 2000 and len(report.new_indicators) == 20
    again = plan_import(read_table("t.csv", content), mapping, get_import_context(session, contract_id=gbm.id))
    assert {v.effect for v in again.values} == {"inchangée"} and len(again.values) == 2000
    assert elapsed < 30


def test_a_value_changed_between_the_comparison_and_the_write_refuses_everything(session, monkeypatch):
    record_codes(session)
    admin_actor(session)
    before = counts(session)
    real = get_import_context

    def read_before_a_concurrent_change(session, *, contract_id):
        context = real(session, contract_id=contract_id)
        aged = tuple(replace(v, version=v.version - 1) if v.value == 15378.0 else v for v in context.values)
        return replace(context, values=aged)

    monkeypatch.setattr("pilotage.services.indicators.get_import_context", read_before_a_concurrent_change)
    with pytest.raises(ConflictError, match="modifié par quelqu'un d'autre"):
        run_import(session, b"code;annee;Population\nQN02503M;2021;3140\nQN02501M;2018;15400\n")
    assert counts(session) == before
