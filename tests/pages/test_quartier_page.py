"""The Quartier page: deep links, sections, the FFOM grid's rights, and user text shown as text."""

from __future__ import annotations

from apptest_support import fail_on_exception, headings, open_page, start, texts

from pilotage.db import session_scope
from pilotage.queries import swot as swot_queries
from pilotage.services import swot as swot_services
from tests.factories import neighbourhood_id

INJECTION = "<script>alert('x')</script> [cliquez ici](https://exemple.invalid) <b>gras</b>"


def run(actor, **query):
    at = open_page(start(actor, query), "quartier")
    fail_on_exception(at)
    return at


def toggles(at) -> set[str]:
    return {t.label for t in at.toggle}


def test_deep_link_opens_the_neighbourhood_with_its_portrait(actors):
    at = run(actors["lecteur"], q="battant")
    assert "Battant" in headings(at)
    shown = texts(at)
    assert "1\u00a0800 habitants (2018, source : Contrat de Ville GBM 2024-2030, portrait de Battant)" in shown
    assert "000_4192c3a3aeda88e8.txt" not in shown
    assert "Sources statistiques" in shown


def test_planoise_portrait_shows_population_and_comparison_areas(actors):
    at = run(actors["administrateur"], q="planoise")
    shown = texts(at)
    assert "15\u00a0378 habitants (2018" in shown
    assert "Non renseignés pour Planoise" in shown or at.get("arrow_vega_lite_chart")


def test_every_neighbourhood_of_the_seed_opens(actors):
    for slug, name in (("cite-curie-pasteur", "Cité Curie-Pasteur"), ("hauts-de-saint-claude", "Hauts de Saint-Claude"),
                       ("secteur-pesty", "Secteur Pesty")):
        assert name in headings(run(actors["lecteur"], q=slug)), slug


def test_unknown_neighbourhood_is_said(actors):
    at = run(actors["lecteur"], q="nulle-part")
    assert any("nulle-part" in w.value for w in at.warning)


def test_project_section_lists_priorities_and_the_document_discrepancy(actors):
    at = run(actors["lecteur"], q="orchamps-palente", section="projet")
    shown = texts(at)
    assert "Projet de quartier — Orchamps-Palente" in shown.replace("\\", "")  # markdown-escaped
    assert any("le titre annonce 10 priorités, le document en liste 12" in w.value for w in at.warning)


def test_grid_is_editable_only_by_a_contributor_of_that_neighbourhood(actors):
    assert "Modifier la grille" in toggles(run(actors["contributeur"], q="planoise", section="ffom"))
    assert "Modifier la grille" not in toggles(run(actors["contributeur"], q="battant", section="ffom"))
    assert "Modifier la grille" not in toggles(run(actors["lecteur"], q="planoise", section="ffom"))
    assert "Modifier la grille" in toggles(run(actors["administrateur"], q="battant", section="ffom"))


def test_contributor_edit_mode_offers_adding_an_item(actors):
    at = run(actors["contributeur"], q="planoise", section="ffom")
    next(t for t in at.toggle if t.label == "Modifier la grille").set_value(True).run()
    fail_on_exception(at)
    assert "Ajouter un élément" in {b.label for b in at.button}


def test_injection_shaped_text_is_shown_as_text(actors, seeded_db):
    with session_scope(seeded_db.sessions) as session:
        hood = neighbourhood_id(session, "montrapon")
        analysis = int(swot_queries.list_swot_analyses(session, neighbourhood_id=hood).iloc[0]["id"])
        swot_services.create_swot_item(session, actors["administrateur"], analysis_id=analysis, quadrant="menaces",
                                       text=INJECTION)
    at = run(actors["lecteur"], q="montrapon", section="ffom")
    rendered = "\n".join(str(h.value) for h in at.html)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in rendered
    assert "<script>" not in rendered and "<b>gras</b>" not in rendered
    assert "[cliquez ici](https://exemple.invalid)" in rendered  # shown literally: st.html renders no markdown
