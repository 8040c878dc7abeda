"""The seed: what data/ loads, checked against literals copied from the source documents.

Every expected value below was read in the source document named beside it (the documents are not read at
run time): 000 = Contrat de Ville GBM 2024-2030, 001 = Pacte Planoise, 002 = Protocole 2020-2022,
003 = évaluation du CVUG du Grand Belfort, 004 = cadre stratégique 2015-2020.
"""

import datetime as dt

import pytest
from sqlalchemy import func, inspect, select

from pilotage import audit, seed
from pilotage.models import (
    AuditEvent,
    Base,
    Contract,
    FrameworkNode,
    Indicator,
    IndicatorValue,
    Meeting,
    Neighbourhood,
    Priority,
    Programme,
    Sourced,
    User,
)
from pilotage.queries.contracts import list_contracts
from pilotage.settings import Settings
from tests.factories import contract, neighbourhood

DATA_DIR = Settings().data_dir
GBM_2024 = "000_4192c3a3aeda88e8.txt"
PACTE = "001_d197320ae1ca4abb.txt"
PROTOCOLE = "002_d1e6ca5bd5542a59.txt"
BELFORT = "003_1637411f91617917.txt"
CADRE = "004_002d73874d5f62f1.txt"
SOURCES = {GBM_2024, PACTE, PROTOCOLE, BELFORT, CADRE}


def programme(session, slug: str, contract_slug: str = "gbm-2024-2030") -> Programme:
    return session.scalar(select(Programme).join(Contract).where(Contract.slug == contract_slug,
                                                                 Programme.slug == slug))


def indicator_value(session, code: str, area: str, year: str, contract_slug: str = "gbm-2024-2030"):
    hood = neighbourhood(session, area, contract_slug)
    return session.scalar(
        select(IndicatorValue).join(Indicator)
        .where(Indicator.code == code, IndicatorValue.neighbourhood_id == hood.id, IndicatorValue.year == year)
    )


def framework_nodes(session, contract_slug: str, depth: int) -> list[FrameworkNode]:
    return list(session.scalars(
        select(FrameworkNode).join(Contract)
        .where(Contract.slug == contract_slug, FrameworkNode.depth == depth)
        .order_by(FrameworkNode.parent_id, FrameworkNode.position)
    ))


# Contracts -----------------------------------------------------------------------------------


def test_the_four_contracts_are_loaded_with_the_current_one_first(session):
    contracts = list_contracts(session)
    assert {c.slug for c in contracts} == {"gbm-2024-2030", "gbm-2015-2023", "grand-belfort-2015-2020",
                                           "cadre-2015-2020"}
    current = contracts[0]
    assert (current.slug, current.start_year, current.end_year, current.status) == ("gbm-2024-2030", 2024, 2030,
                                                                                   "en_cours")
    assert current.name == "Contrat de Ville de Grand Besançon Métropole 2024-2030"
    assert current.source == GBM_2024


def test_the_current_contract_follows_the_previous_one(session):
    assert contract(session).previous_contract_id == contract(session, "gbm-2015-2023").id


def test_loading_writes_one_audit_row_and_sets_the_data_version(session):
    events = list(session.scalars(select(AuditEvent)))
    assert [(e.action, e.object_type, e.username, e.user_id) for e in events] == [
        ("seed", "database", "système", None)
    ]
    assert events[0].summary.startswith("Chargement des données initiales : ")
    assert audit.get_data_version(session) == 1
    assert session.scalar(select(func.count()).select_from(User)) == 0  # accounts are not seed data


def test_load_seed_reports_what_it_loaded(empty_session):
    assert seed.database_is_empty(empty_session)
    counts = seed.load_seed(empty_session, DATA_DIR)
    assert not seed.database_is_empty(empty_session)
    for key, model in [("contracts", Contract), ("neighbourhoods", Neighbourhood), ("priorities", Priority),
                       ("programmes", Programme), ("indicator_values", IndicatorValue), ("meetings", Meeting),
                       ("framework_nodes", FrameworkNode)]:
        assert counts[key] == empty_session.scalar(select(func.count()).select_from(model)), key
    assert counts["contracts"] == 4


# Grand Besançon Métropole 2024-2030 (000) ----------------------------------------------------


def test_gbm_2024_has_six_qpv_and_six_fragile_neighbourhoods(session):
    hoods = list(session.scalars(select(Neighbourhood).where(Neighbourhood.contract_id == contract(session).id)
                                 .order_by(Neighbourhood.position)))
    assert len(hoods) == 12
    assert {h.name: h.kind for h in hoods} == {
        "Planoise": "qpv", "Montrapon": "qpv", "Orchamps-Palente": "qpv", "Clairs-Soleils": "qpv",
        "Battant": "qpv", "Hauts de Saint-Claude": "qpv",
        "Cité Curie-Pasteur": "fragile", "Cité Viotte": "fragile", "Cité des Vareilles": "fragile",
        "Cité de l’Amitié": "fragile", "Secteur Pesty": "fragile", "Cité de la Pelouse": "fragile",
    }
    communes = {h.name: h.commune for h in hoods}
    assert communes.pop("Cité Curie-Pasteur") == "Novillars"
    assert set(communes.values()) == {"Besançon"}


def test_qpv_populations_are_those_of_the_portraits(session):
    populations = {h.slug: (h.population, h.population_year, h.population_source)
                   for h in session.scalars(select(Neighbourhood).where(
                       Neighbourhood.contract_id == contract(session).id, Neighbourhood.kind == "qpv"))}
    assert populations == {
        "planoise": (15378, "2018", GBM_2024),
        "montrapon": (1674, "2018", GBM_2024),
        "orchamps-palente": (3126, "2018", GBM_2024),
        "clairs-soleils": (1428, "2018", GBM_2024),
        "battant": (1800, "2018", GBM_2024),
        "hauts-de-saint-claude": (1144, "2018", GBM_2024),
    }


def test_planoise_identity_is_verbatim(session):
    assert neighbourhood(session, "planoise").identity == (
        "Malgré la présence renforcée d’équipements et de dispositifs publics et une connexion facilitée du "
        "quartier avec le reste de la ville, Planoise reste un quartier isolé géographiquement qui pâtit d’une "
        "faible attractivité du logement."
    )


def test_the_socle_commun_has_three_axes(session):
    axes = framework_nodes(session, "gbm-2024-2030", 0)
    assert [(a.code, a.level) for a in axes] == [("1", "axe"), ("2", "axe"), ("3", "axe")]
    assert axes[0].title == "Améliorer la qualité et le cadre de vie des habitants"
    assert axes[1].title == "Accompagner les habitants tout au long de leur vie dans leur émancipation"
    assert all(node.level == "objectif" for node in framework_nodes(session, "gbm-2024-2030", 1))


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("planoise", 12),  # « 12 priorités pour l’éco-quartier de Planoise »
        ("orchamps-palente", 12),  # announced as 10, see the discrepancy test
        ("montrapon", 10),
        ("hauts-de-saint-claude", 4),
        ("clairs-soleils", 15),
        ("battant", 11),
    ],
)
def test_each_projet_de_quartier_has_its_priorities(session, slug, expected):
    projet = programme(session, f"projet-{slug}")
    assert projet.kind == "projet_quartier"
    assert projet.neighbourhood_id == neighbourhood(session, slug).id
    assert len(projet.priorities) == expected
    assert all(p.source == GBM_2024 for p in projet.priorities)


def test_orchamps_palente_discrepancy_is_recorded(session):
    discrepancy = programme(session, "projet-orchamps-palente").discrepancy
    assert discrepancy is not None
    assert "10" in discrepancy and "12" in discrepancy


def test_planoise_priorities_are_verbatim_under_their_headings(session):
    priorities = programme(session, "projet-planoise").priorities
    first_heading = "Planoise se réinvente pour redonner son attractivité au quartier"
    assert [p.heading for p in priorities[:3]] == [first_heading] * 3
    assert priorities[0].text == ("Mener à bien le projet de renouvellement urbain du quartier en lien avec son "
                                  "développement social et ses habitants")
    assert priorities[8].heading == "Accès aux droits et à la santé pour tous les Planoisiens"
    assert priorities[8].text == "Lutter contre la fracture numérique et l'illectronisme"
    assert priorities[-1].text == "Intégrer la problématique des addictions dans le domaine de la sécurité"


def test_a_priority_is_linked_to_its_framework_node_where_the_document_says_so(session):
    priority = session.scalar(select(Priority).where(
        Priority.programme_id == programme(session, "projet-planoise").id,
        Priority.text == "Assurer la tranquillité résidentielle des habitants"))
    assert [node.code for node in priority.framework_nodes] == ["1.2.3"]


# Pacte pour l'émancipation des jeunes de Planoise (001) --------------------------------------

PACTE_HEADINGS = {
    "Découverte des métiers et des entreprises": range(10, 14),
    "Emploi et insertion": range(20, 27),
    "Diversité culturelle": range(30, 36),
    "Accès à la santé": range(40, 46),
    "Famille et parentalité": range(50, 57),
}


def test_the_pacte_has_five_headings_and_thirty_measures(session):
    pacte = programme(session, "pacte-planoise")
    assert (pacte.kind, pacte.adopted_on, pacte.source) == ("pacte", dt.date(2023, 1, 31), PACTE)
    assert pacte.neighbourhood_id == neighbourhood(session, "planoise").id
    assert len(pacte.priorities) == 30
    by_heading: dict[str, list[str]] = {}
    for measure in pacte.priorities:
        by_heading.setdefault(measure.heading, []).append(measure.number)
    assert list(by_heading) == list(PACTE_HEADINGS)
    for heading, numbers in PACTE_HEADINGS.items():
        assert by_heading[heading] == [f"Mesure {n}" for n in numbers]


def test_a_pacte_measure_is_verbatim(session):
    measure = session.scalar(select(Priority).where(Priority.programme_id == programme(session, "pacte-planoise").id,
                                                    Priority.number == "Mesure 20"))
    assert measure.text == ("Nous travaillerons à repérer et accompagner les jeunes en rupture (appel à projet "
                            "CEJ jeunes en rupture).")
    assert measure.source == PACTE


# Portrait indicators (000) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "area", "year", "value"),
    [
        ("population", "planoise", "2018", 15378),  # « 15 378 habitants »
        ("population_change", "planoise", "2013-2018", 0.6),  # « + 0,6 % entre 2013 et 2018 »
        ("share_of_city_population", "planoise", "2018", 13.2),  # « 13,2 % de la population bisontine »
        ("median_income", "planoise", "2019", 13080),  # « 13 080 € »
        ("population_change", "montrapon", "2013-2018", -12.8),  # « - 12,8 % »
        ("population_change", "orchamps-palente", "2013-2018", 6.4),  # « + 6,4 % »
    ],
)
def test_portrait_figures(session, code, area, year, value):
    row = indicator_value(session, code, area, year)
    assert row is not None
    assert row.value == pytest.approx(value)
    assert row.source == GBM_2024


def test_comparison_areas_carry_their_figures(session):
    figures = sorted(session.scalars(
        select(IndicatorValue.value).join(Indicator)
        .where(Indicator.contract_id == contract(session).id, Indicator.code == "median_income",
               IndicatorValue.comparison_area_id.is_not(None))))
    assert figures == [19890, 22030]  # Besançon « 19 890 € », GBM « 22 030 € »


# Protocole 2020-2022 (002) -------------------------------------------------------------------


def test_the_protocole_has_eleven_numbered_priorities(session):
    protocole = programme(session, "protocole-2020", "gbm-2015-2023")
    assert (protocole.kind, protocole.adopted_on, protocole.source) == ("protocole", dt.date(2020, 8, 31),
                                                                         PROTOCOLE)
    assert protocole.neighbourhood_id is None
    assert [p.number for p in protocole.priorities] == [str(n) for n in range(1, 12)]
    assert protocole.priorities[1].text == (
        "Sécuriser le financement des actions structurantes menées dans chaque quartier."
    )
    assert len(protocole.signatories) == 21


# Grand Belfort (003) -------------------------------------------------------------------------


def test_grand_belfort_has_five_qpv_with_their_populations(session):
    hoods = session.scalars(select(Neighbourhood).where(
        Neighbourhood.contract_id == contract(session, "grand-belfort-2015-2020").id))
    assert {h.name: (h.kind, h.commune, h.population, h.population_year) for h in hoods} == {
        "Bougenel – Mulhouse": ("qpv", "Belfort", 1255, "2018"),
        "Dardel – La Méchelle": ("qpv", "Belfort", 1755, "2018"),
        "Les Glacis du Château": ("qpv", "Belfort", 1926, "2018"),
        "Résidences Le Mont": ("qpv", "Belfort", 8762, "2018"),
        "Arsot – Ganghoffer": ("qpv", "Offemont", 1101, "2018"),
    }


def test_grand_belfort_six_copil_meetings(session):
    dates = session.scalars(select(Meeting.date).where(
        Meeting.contract_id == contract(session, "grand-belfort-2015-2020").id, Meeting.kind == "copil"
    ).order_by(Meeting.date))
    # « 8 mars 2017, 30 novembre 2017, 18 décembre 2018, 17 septembre 2019, 15 décembre 2020, 27 janvier 2022 »
    assert list(dates) == [dt.date(2017, 3, 8), dt.date(2017, 11, 30), dt.date(2018, 12, 18),
                           dt.date(2019, 9, 17), dt.date(2020, 12, 15), dt.date(2022, 1, 27)]


@pytest.mark.parametrize(
    ("area", "rate_2012", "rate_2018"),
    [("arsot-ganghoffer", 42, 34), ("bougenel-mulhouse", 34, 39), ("residences-le-mont", 45, 46)],
)
def test_grand_belfort_poverty_rates(session, area, rate_2012, rate_2018):
    for year, rate in (("2012", rate_2012), ("2018", rate_2018)):
        row = indicator_value(session, "poverty_rate", area, year, "grand-belfort-2015-2020")
        assert (row.value, row.source) == (rate, BELFORT)


# Cadre stratégique 2015-2020 (004) -----------------------------------------------------------


def test_the_imported_framework_has_four_axes_and_its_strategic_objectives(session):
    axes = framework_nodes(session, "cadre-2015-2020", 0)
    assert [a.code for a in axes] == ["1", "2", "3", "4"]
    assert {a.level for a in axes} == {"axe stratégique"}
    objectives = framework_nodes(session, "cadre-2015-2020", 1)
    # The text announces « 14 objectifs stratégiques »; its tables name 4 + 4 + 3 + 4 = 15 (see framework.yaml).
    assert len(objectives) == 15
    per_axis = {a.id: 0 for a in axes}
    for objective in objectives:
        per_axis[objective.parent_id] += 1
    assert list(per_axis.values()) == [4, 4, 3, 4]
    assert objectives[0].title == "Favoriser le bien vivre ensemble dans la diversité"
    assert {o.level for o in objectives} == {"objectif stratégique"}
    assert all(node.source == CADRE for node in axes + objectives)


def test_the_imported_framework_has_no_neighbourhood(session):
    cadre = contract(session, "cadre-2015-2020")
    assert cadre.status == "cadre"
    assert session.scalar(select(func.count()).select_from(Neighbourhood)
                          .where(Neighbourhood.contract_id == cadre.id)) == 0


# Sources and illustrative values -------------------------------------------------------------


@pytest.mark.parametrize("model", [Priority, IndicatorValue, Neighbourhood])
def test_every_figure_and_text_names_its_source_document(session, model):
    sources = set(session.scalars(select(model.source).distinct()))
    assert sources
    assert sources <= SOURCES, sources - SOURCES


def test_every_illustrative_row_says_why(session):
    sourced = [m.class_ for m in Base.registry.mappers if issubclass(m.class_, Sourced)]
    illustrative = 0
    for model in sourced:
        for row in session.scalars(select(model).where(model.illustrative.is_(True))):
            illustrative += 1
            assert (row.note or "").strip(), f"{model.__name__} {inspect(row).identity} is illustrative without a note"
    assert illustrative > 0  # the seed does hold illustrative values (milestones, future meetings)
