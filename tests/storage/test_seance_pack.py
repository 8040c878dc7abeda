"""The séance packs read back: the PDF with pypdf (pages, text, images), the PPTX with python-pptx (slides, text,
pictures), for a Planoise revue and a GBM COPIL of the seed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from pilotage import seance_pack, seance_pptx
from pilotage.queries import seance as queries
from pilotage.seance import default_order, toggle_step
from pilotage.services import seance as services
from tests.factories import admin_actor
from tests.storage.test_seance import TODAY, gbm_copil, planoise_revue

REVUE_SECTIONS = ("Le quartier en chiffres", "Forces (5)", "Les priorités du projet de quartier",
                  "Les suites de la revue précédente", "Les décisions de la séance")
COPIL_SECTIONS = ("Le contrat en un coup d'œil", "L'état des quartiers", "La cadence des instances",
                  "Les décisions à prendre")


def pdf_of(seance) -> PdfReader:
    return PdfReader(io.BytesIO(seance_pack.seance_pdf(seance, today=TODAY)))


def pptx_of(seance):
    return Presentation(io.BytesIO(seance_pptx.seance_pptx(seance, today=TODAY)))


def slide_text(slide) -> str:
    words = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            words.append(shape.text_frame.text)
        if shape.has_table:
            words += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(words)


def screens(seance) -> int:
    return sum(len(step.slides) for step in seance.shown())


@pytest.mark.parametrize(("meeting", "sections", "title"), [
    (planoise_revue, REVUE_SECTIONS, "Revue de projet – Planoise"),
    (gbm_copil, COPIL_SECTIONS, "Comité de pilotage du Contrat de Ville"),
])
def test_the_pdf_pack_is_a_cover_and_one_landscape_slide_per_screen_with_the_charts(session, meeting, sections, title):
    seance = queries.get_seance(session, meeting_id=meeting(session).id, today=TODAY)

    reader = pdf_of(seance)

    assert len(reader.pages) == 1 + screens(seance)
    first = reader.pages[0]
    assert float(first.mediabox.width) > float(first.mediabox.height), "landscape slides"
    assert round(float(first.mediabox.width) / float(first.mediabox.height), 2) == 1.78  # 16:9
    cover = first.extract_text()
    assert title in cover and "Dossier de séance" in cover and "Dossier établi le 23 novembre 2026" in cover
    text = "\n".join(page.extract_text() for page in reader.pages)
    for section in sections:
        assert section in text
    charts = sum(1 for step in seance.shown() for slide in step.slides if slide.chart)
    assert charts >= 2
    assert sum(len(page.images) for page in reader.pages) == charts
    assert reader.metadata.title.startswith("Dossier de séance — " + title)


def test_the_pdf_keeps_the_states_in_words_and_symbols(session):
    text = "\n".join(p.extract_text() for p in pdf_of(queries.get_seance(
        session, meeting_id=planoise_revue(session).id, today=TODAY)).pages)

    assert "☁ Atteignable" in text and "⚡ Compromis" in text
    assert "⚠ en retard" in text and "✔ faite" in text
    assert "71 % (+17 pts)" in text


@pytest.mark.parametrize(("meeting", "sections"), [(planoise_revue, REVUE_SECTIONS), (gbm_copil, COPIL_SECTIONS)])
def test_the_pptx_pack_has_the_same_slides_as_text_tables_and_pictures(session, meeting, sections):
    seance = queries.get_seance(session, meeting_id=meeting(session).id, today=TODAY)

    deck = pptx_of(seance)

    slides = list(deck.slides)
    assert len(slides) == 1 + screens(seance)
    assert deck.slide_width > deck.slide_height
    assert seance.meeting.title in slide_text(slides[0])
    text = "\n".join(slide_text(s) for s in slides)
    for section in sections:
        assert section in text
    pictures = [shape for s in slides for shape in s.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    charts = sum(1 for step in seance.shown() for slide in step.slides if slide.chart)
    assert len(pictures) == charts >= 2
    chart_texts = [slide.chart_text for step in seance.shown() for slide in step.slides if slide.chart]
    charted = [s for s in slides if any(sh.shape_type == MSO_SHAPE_TYPE.PICTURE for sh in s.shapes)]
    for deck_slide, words in zip(charted, chart_texts, strict=True):
        assert words in deck_slide.notes_slide.notes_text_frame.text, "what the chart says, in words, in the notes"


def test_the_cadence_is_a_real_table_in_the_pptx(session):
    deck = pptx_of(queries.get_seance(session, meeting_id=gbm_copil(session).id, today=TODAY))

    tables = [shape.table for s in deck.slides for shape in s.shapes if shape.has_table]

    assert tables
    assert [tables[0].cell(0, c).text for c in range(4)] == ["Instance", "2024", "2025", "2026"]
    assert tables[0].cell(1, 0).text == "Planoise"


def test_the_pack_follows_the_running_order(session):
    revue = planoise_revue(session)
    services.set_running_order(session, admin_actor(session), revue.id, expected_version=revue.version,
                               order=toggle_step(default_order("quartier"), "ffom"))
    seance = queries.get_seance(session, meeting_id=revue.id, today=dt.date(2026, 11, 23))

    text = "\n".join(p.extract_text() for p in pdf_of(seance).pages)

    assert "Forces (5)" not in text
    assert "Le quartier en chiffres" in text and "Étape 2/4" in text
