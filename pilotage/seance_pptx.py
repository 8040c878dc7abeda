"""The séance pack as a PowerPoint deck (python-pptx) a partner can reuse: the same screens as the PDF, as editable
text boxes, tables and pictures of the charts; what a chart says in words goes into the slide's notes."""

from __future__ import annotations

import datetime as dt
import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from pilotage import clock, seance_charts
from pilotage.formats import format_date
from pilotage.queries.seance import Seance
from pilotage.seance_pack import INK, NO_TONE, TONES, cover_lines, pack_slides, when
from pilotage.seance_slides import Figure, Item, Slide, Table

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.55)
BLANK = 6  # the blank layout of python-pptx's default template
GREY = RGBColor(55, 65, 81)
ACCENT = RGBColor(29, 78, 216)


def _rgb(colour: tuple[int, int, int]) -> RGBColor:
    return RGBColor(*colour)


def _text(slide, left, top, width, height, text: str, size: float, bold: bool = False, colour=None,
          align=PP_ALIGN.LEFT):
    """A text box with one paragraph, words wrapped."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = Inches(0.05)
    paragraph = frame.paragraphs[0]
    paragraph.alignment = align
    run = paragraph.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = colour or _rgb(INK)
    return box


def _head(slide, seance: Seance, place: str, content: Slide) -> Emu:
    sheet = seance.meeting
    band = f"{sheet.title} · {format_date(sheet.date)}" + (" · ⚠ Illustratif" if sheet.illustrative else "")
    inner = WIDTH - 2 * MARGIN
    _text(slide, MARGIN, Inches(0.2), inner, Inches(0.3), band, 11, colour=GREY)
    _text(slide, MARGIN, Inches(0.2), inner, Inches(0.3), place, 11, colour=GREY, align=PP_ALIGN.RIGHT)
    line = slide.shapes.add_connector(1, MARGIN, Inches(0.55), WIDTH - MARGIN, Inches(0.55))
    line.line.color.rgb = ACCENT
    line.line.width = Pt(2)
    _text(slide, MARGIN, Inches(0.6), inner, Inches(0.6), content.title, 28, bold=True)
    top = Inches(1.2)
    if content.subtitle:
        _text(slide, MARGIN, top, inner, Inches(0.4), content.subtitle, 16, colour=GREY)
        top += Inches(0.5)
    return top


def _figures(slide, top: Emu, figures: tuple[Figure, ...]) -> None:
    gap = Inches(0.25)
    width = int((WIDTH - 2 * MARGIN - 2 * gap) / 3)
    for index, figure in enumerate(figures):
        left, y = MARGIN + (index % 3) * (width + gap), top + (index // 3) * Inches(2.35)
        box = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, y, width, Inches(2.15))
        box.fill.background()
        box.line.color.rgb = RGBColor(148, 163, 184)
        frame = box.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.TOP
        for n, (text, size, bold) in enumerate(((figure.label, 15, True), (figure.value, 36, True),
                                                (figure.detail, 12, False))):
            paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
            run = paragraph.add_run()
            run.text = text
            run.font.size, run.font.bold = Pt(size), bold
            run.font.color.rgb = RGBColor(11, 42, 91) if n == 1 else (GREY if n == 2 else _rgb(INK))


def _item_height(item: Item) -> Emu:
    lines = -(-len(item.text) // 95) + (-(-len(item.detail) // 140) * 0.7 if item.detail else 0)
    return Inches(max(0.42 * lines, 0.75 if item.extra else 0.45) + 0.18)


def _items(slide, top: Emu, items: tuple[Item, ...]) -> None:
    text_left = MARGIN + Inches(3.0)
    for item in items:
        height = _item_height(item)
        if item.status:
            fill, colour = TONES.get(item.tone, NO_TONE)
            badge = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, MARGIN, top + Inches(0.04), Inches(2.8),
                                           Inches(0.4))
            badge.fill.solid()
            badge.fill.fore_color.rgb = _rgb(fill)
            badge.line.color.rgb = _rgb(colour)
            run = badge.text_frame.paragraphs[0].add_run()
            run.text = item.status
            run.font.size, run.font.bold, run.font.color.rgb = Pt(15), True, _rgb(colour)
            if item.extra:
                _text(slide, MARGIN, top + Inches(0.45), Inches(2.8), Inches(0.3), item.extra, 13, bold=True)
            left = text_left
        else:
            left = MARGIN
        box = _text(slide, left, top, WIDTH - MARGIN - left, height, ("• " if not item.status else "") + item.text,
                    18, bold=True)
        if item.detail:
            paragraph = box.text_frame.add_paragraph()
            run = paragraph.add_run()
            run.text = item.detail
            run.font.size, run.font.color.rgb = Pt(13), GREY
        top += height


def _table(slide, top: Emu, table: Table) -> None:
    rows, columns = len(table.rows) + 1, len(table.headers)
    width = WIDTH - 2 * MARGIN
    shape = slide.shapes.add_table(rows, columns, MARGIN, top, width, Inches(0.5) * rows)
    grid = shape.table
    grid.columns[0].width = width - Inches(2.1) * (columns - 1)
    for index in range(1, columns):
        grid.columns[index].width = Inches(2.1)
    for r, values in enumerate((table.headers, *table.rows)):
        for c, value in enumerate(values):
            cell = grid.cell(r, c)
            cell.text = value
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size, run.font.bold = Pt(16), r == 0


def _chart(slide, top: Emu, content: Slide) -> None:
    png = seance_charts.to_png(content.chart)
    picture = slide.shapes.add_picture(io.BytesIO(png), MARGIN, top)
    scale = min((WIDTH - 2 * MARGIN) / picture.width, (HEIGHT - Inches(0.9) - top) / picture.height)
    picture.width, picture.height = int(picture.width * scale), int(picture.height * scale)
    picture.left = int((WIDTH - picture.width) / 2)


def _slide(deck, seance: Seance, place: str, content: Slide) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[BLANK])
    top = _head(slide, seance, place, content)
    if content.figures:
        _figures(slide, top, content.figures)
    elif content.items:
        _items(slide, top, content.items)
    elif content.table:
        _table(slide, top, content.table)
    elif content.chart:
        _chart(slide, top, content)
    elif content.empty:
        _text(slide, MARGIN, top + Inches(0.2), WIDTH - 2 * MARGIN, Inches(0.6), content.empty, 20)
    if content.note:
        _text(slide, MARGIN, HEIGHT - Inches(0.75), WIDTH - 2 * MARGIN, Inches(0.5), content.note, 10, colour=GREY)
    notes = [n for n in (content.chart_text, content.note) if n]
    if notes:
        slide.notes_slide.notes_text_frame.text = "\n".join(notes)


def _cover(deck, seance: Seance, today: dt.date) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[BLANK])
    sheet = seance.meeting
    bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, WIDTH, Inches(0.25))
    bar.fill.solid()
    bar.fill.fore_color.rgb = ACCENT
    bar.line.fill.background()
    inner = WIDTH - 2 * MARGIN
    _text(slide, MARGIN, Inches(0.7), inner, Inches(0.4), sheet.contract_name, 18, colour=GREY)
    _text(slide, MARGIN, Inches(1.15), inner, Inches(0.9), sheet.title, 36, bold=True)
    _text(slide, MARGIN, Inches(2.05), inner, Inches(0.5), f"Dossier de séance — {when(seance)}", 22,
          colour=ACCENT)
    box = _text(slide, MARGIN, Inches(2.8), inner, Inches(4.0), "", 14)
    frame = box.text_frame
    for index, (label, value) in enumerate(cover_lines(seance, today)):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        for text, bold in ((f"{label} : ", True), (value, False)):
            run = paragraph.add_run()
            run.text, run.font.size, run.font.bold = text, Pt(15), bold


def seance_pptx(seance: Seance, *, today: dt.date | None = None) -> bytes:
    """The séance as a 16:9 PowerPoint deck: a cover, then every screen of the running order."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    sheet = seance.meeting
    deck.core_properties.title = f"Dossier de séance — {sheet.title} — {format_date(sheet.date)}"
    deck.core_properties.author = sheet.contract_name
    deck.core_properties.language = "fr-FR"
    _cover(deck, seance, today or clock.today())
    for place, content in pack_slides(seance):
        _slide(deck, seance, place, content)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
