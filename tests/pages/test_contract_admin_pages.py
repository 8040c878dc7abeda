"""The Contrats and Quartiers du contrat pages: an administrator creates a contract, sets it up, archives it,
creates its neighbourhoods from the official QPV file; other roles never see these pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_support import fail_on_exception, headings, open_page, selected_label, start, texts, widget
from sqlalchemy import select

from pilotage.db import session_scope
from pilotage.models import Contract, Milestone, Neighbourhood
from pilotage.services import contracts as contract_services

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NAME = "Contrat de Ville de l'Estuaire 2024-2030"
SLUG = "contrat-de-ville-de-l-estuaire-2024-2030"


def new_contract(seeded_db, admin) -> str:
    with session_scope(seeded_db.sessions) as session:
        contract_services.create_contract(session, admin, name=NAME, territory="Estuaire et Loire Agglomération",
                                          start_year=2024, end_year=2030,
                                          communes=[{"code": "49007", "name": "Angevins-le-Lac"}])
    return SLUG


def contract(seeded_db, slug: str = SLUG) -> Contract | None:
    with session_scope(seeded_db.sessions) as session:
        found = session.scalar(select(Contract).where(Contract.slug == slug))
        if found is not None:
            session.expunge(found)
        return found


def neighbourhoods(seeded_db, slug: str = SLUG) -> list[tuple[str, str, str, str]]:
    with session_scope(seeded_db.sessions) as session:
        return [tuple(row) for row in session.execute(
            select(Neighbourhood.official_code, Neighbourhood.name, Neighbourhood.kind, Neighbourhood.commune)
            .join(Contract).where(Contract.slug == slug).order_by(Neighbourhood.position))]


def editor(at, prefix: str):
    found = [e for e in at.data_editor if e.key and e.key.startswith(prefix)]
    assert len(found) == 1, [e.key for e in at.data_editor]
    return found[0]


def test_an_administrator_creates_a_contract_from_the_page(actors, seeded_db):
    at = open_page(start(actors["administrateur"]), "contrats")
    fail_on_exception(at)
    assert "Contrats" in headings(at)
    assert "Contrat de Ville de Grand Besançon Métropole 2024-2030" in at.dataframe[0].value["Contrat"].tolist()

    at.text_input(key="pilotage_contracts_new0_name").input(NAME)
    at.text_input(key="pilotage_contracts_new0_territory").input("Estuaire et Loire Agglomération")
    at.text_input(key="pilotage_contracts_new0_epci").input("CA Estuaire et Loire")
    at.number_input(key="pilotage_contracts_new0_start").set_value(2024)
    at.number_input(key="pilotage_contracts_new0_end").set_value(2030)
    widget(at.button, "Créer le contrat").click().run()

    fail_on_exception(at)
    assert any(f"Contrat « {NAME} » créé" in s.value.replace("\\", "") for s in at.success), texts(at)
    created = contract(seeded_db)
    assert (created.territory, created.epci, created.start_year, created.end_year, created.archived) == (
        "Estuaire et Loire Agglomération", "CA Estuaire et Loire", 2024, 2030, False)
    assert NAME in at.dataframe[0].value["Contrat"].tolist()
    assert at.selectbox(key="pilotage_contracts_edited").value == created.id  # opened for the next steps


def test_a_refused_contract_is_explained_in_french(actors, seeded_db):
    at = open_page(start(actors["administrateur"]), "contrats")
    at.text_input(key="pilotage_contracts_new0_name").input(NAME)
    at.number_input(key="pilotage_contracts_new0_start").set_value(2031)
    widget(at.button, "Créer le contrat").click().run()

    fail_on_exception(at)
    assert [e.value for e in at.error] == ["Territoire : ce champ est obligatoire."]
    assert contract(seeded_db) is None


def test_an_administrator_adds_milestones_and_archives_the_contract(actors, seeded_db):
    new_contract(seeded_db, actors["administrateur"])
    contract_id = contract(seeded_db).id
    at = open_page(start(actors["administrateur"]), "contrats")
    at.selectbox(key="pilotage_contracts_edited").set_value(contract_id).run()
    fail_on_exception(at)

    at.session_state[editor(at, f"pilotage_contracts_milestones_{contract_id}_").key] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"date": "2024-06-28", "label": "Signature du contrat", "kind": "Signature"},
                       {"date": "2027-06-30", "label": "Évaluation à mi-parcours", "kind": "Évaluation"}]}
    widget(at.button, "Enregistrer les jalons").click().run()
    fail_on_exception(at)
    with session_scope(seeded_db.sessions) as session:
        saved = session.execute(select(Milestone.label, Milestone.kind).where(Milestone.contract_id == contract_id)
                                .order_by(Milestone.date)).all()
    assert [tuple(m) for m in saved] == [("Signature du contrat", "signature"),
                                         ("Évaluation à mi-parcours", "evaluation")]

    widget(at.button, "Archiver le contrat").click().run()
    fail_on_exception(at)
    assert contract(seeded_db).archived
    assert "Rétablir le contrat" in [b.label for b in at.button]

    at = open_page(start(actors["lecteur"]), "vue-ensemble")
    archived_label = "2024-2030 · Estuaire et…"  # short in the selector, the full name written below it
    assert archived_label not in widget(at.sidebar.selectbox, "Contrat").options
    assert "Contrat de Ville de Grand Besançon Métropole 2024-2030" in headings(at)
    at.query_params["contrat"] = SLUG  # a link to the archived contract still opens it, marked archivé
    at.run()
    fail_on_exception(at)
    assert NAME in headings(at)
    assert selected_label(widget(at.sidebar.selectbox, "Contrat")) == archived_label
    assert any("Contrat archivé" in c.value for c in at.sidebar.caption)
    assert any(c.value.rstrip().endswith("· archivé") for c in at.sidebar.caption)
    at.query_params.clear()
    widget(at.sidebar.checkbox, "Afficher les contrats archivés").check().run()
    assert archived_label in widget(at.sidebar.selectbox, "Contrat").options


def upload(at, name: str, content: bytes | None = None):
    content = (FIXTURES / name).read_bytes() if content is None else content
    at.file_uploader[0].set_value((name, content, "application/octet-stream")).run()
    fail_on_exception(at)
    return at


def test_an_administrator_creates_the_qpv_of_a_new_contract_from_the_official_file(actors, seeded_db):
    slug = new_contract(seeded_db, actors["administrateur"])
    at = open_page(start(actors["administrateur"], {"contrat": slug}), "quartiers-contrat")
    fail_on_exception(at)
    assert "Quartiers du contrat" in headings(at)
    assert "Ce contrat ne compte encore aucun quartier" in texts(at)

    upload(at, "qpv_2024_extrait.geojson")
    assert widget(at.selectbox, "Propriété du code").value == "code_qp"
    assert widget(at.selectbox, "Propriété du nom de la commune").value == "lib_com"
    table = editor(at, "pilotage_qpv_pick_").value
    assert table["Code"].tolist() == [f"QN039{n:02d}M" for n in range(1, 6)]
    assert table["Créer"].all()
    widget(at.button, "Créer 5 QPV").click().run()

    fail_on_exception(at)
    assert any("5 QPV créés" in s.value for s in at.success), texts(at)
    created = neighbourhoods(seeded_db)
    assert [c for c, *_ in created] == [f"QN039{n:02d}M" for n in range(1, 6)]
    assert {kind for _, _, kind, _ in created} == {"qpv"}
    assert created[4][3] == "Val-d'Amour, Brevans-les-Vignes"
    assert at.dataframe[0].value["Quartier"].tolist()[0] == "Les Mesnils Pasteur"

    upload(at, "qpv_2024_extrait.geojson")  # the same file again: every QPV is already there
    table = editor(at, "pilotage_qpv_pick_").value
    assert not table["Créer"].any()
    assert table["Dans le contrat"].str.startswith("déjà présent").all()


def test_the_large_file_is_filtered_by_departement_before_creating(actors, seeded_db):
    slug = new_contract(seeded_db, actors["administrateur"])
    at = open_page(start(actors["administrateur"], {"contrat": slug}), "quartiers-contrat")
    upload(at, "qpv_2024_deux_departements.zip")
    communes = widget(at.multiselect, "Communes")
    assert communes.value == ["49007"]  # the contract's own commune, preselected
    communes.set_value([]).run()
    widget(at.multiselect, "Départements").set_value(["49"]).run()
    fail_on_exception(at)
    assert len(editor(at, "pilotage_qpv_pick_").value) == 60

    widget(at.button, "Créer 60 QPV").click().run()

    fail_on_exception(at)
    created = neighbourhoods(seeded_db)
    assert len(created) == 60 and {c[:5] for c, *_ in created} == {"QN049"}


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("qpv.geojson", b'{"type": "FeatureCollection", "features": [', "n'est pas un GeoJSON lisible"),
    ("QP_2024.zip", b"pas une archive", "L'archive ZIP est illisible."),
    ("qpv.geojson", b'{"type": "FeatureCollection", "features": []}', "ne contient aucune entité"),
])
def test_a_malformed_file_is_refused_on_the_page_and_nothing_is_created(actors, seeded_db, name, content, reason):
    slug = new_contract(seeded_db, actors["administrateur"])
    at = open_page(start(actors["administrateur"], {"contrat": slug}), "quartiers-contrat")

    upload(at, name, content)

    shown = [e.value.replace("\\", "") for e in at.error]
    assert any(text.startswith("Fichier refusé : ") and reason in text for text in shown), shown
    assert not [b for b in at.button if b.label.startswith("Créer")]
    assert neighbourhoods(seeded_db) == []


def test_an_administrator_adds_a_quartier_fragile_and_archives_it(actors, seeded_db):
    slug = new_contract(seeded_db, actors["administrateur"])
    at = open_page(start(actors["administrateur"], {"contrat": slug}), "quartiers-contrat")
    at.text_input(key="pilotage_hoods_new0_name").input("Le Vieux Bourg")
    at.text_input(key="pilotage_hoods_new0_commune").input("Angevins-le-Lac")
    widget(at.button, "Ajouter le quartier").click().run()
    fail_on_exception(at)
    assert neighbourhoods(seeded_db) == [(None, "Le Vieux Bourg", "fragile", "Angevins-le-Lac")]

    widget(at.button, "Archiver le quartier").click().run()
    fail_on_exception(at)
    assert "🗄 archivé" in at.dataframe[0].value["État"].tolist()
    at = open_page(start(actors["lecteur"], {"contrat": slug}), "vue-ensemble")
    fail_on_exception(at)
    assert "Le Vieux Bourg" not in texts(at)


@pytest.mark.parametrize("role", ["lecteur", "contributeur"])
@pytest.mark.parametrize("page", ["contrats", "quartiers-contrat"])
def test_other_roles_never_reach_the_set_up_pages(actors, role, page):
    at = open_page(start(actors[role]), page)

    fail_on_exception(at)
    assert not {"Contrats", "Quartiers du contrat"} & set(headings(at))
    assert not at.file_uploader and "Créer le contrat" not in [b.label for b in at.button]
