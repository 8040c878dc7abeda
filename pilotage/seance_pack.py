"""The séance pack as a PDF of landscape slides (fpdf2 + DejaVu): a cover, then every screen of the running order,
with the same content and charts as on the wall (charts rendered offline to PNG)."""

from __future__ import annotations

import datetime as dt
import io

from fpdf import FPDF

from pilotage import clock, seance_charts
from pilotage.exporters import FONT, FONT_DIR, FONT_FILES, ExportError, pdf_font_problem
from pilotage.formats import MEETING_KIND_LABELS, MEETING_STATUS_LABELS, format_date, format_time
from pilotage.queries.seance import Seance
from pilotage.seance_slides import Figure, Item, Slide, Table, shorten

WIDTH, HEIGHT = 338.67, 190.5  # mm: a 16:9 slide (13.333 × 7.5 in), as PowerPoint's widescreen
MARGIN = 14
INK = (17, 24, 39)
GREY = (55, 65, 81)
ACCENT = (29, 78, 216)
# (fill, text) of each tone: the colour only repeats the words of the state.
TONES = {
    "w-securise": ((231, 246, 236), (20, 83, 45)), "w-atteignable": ((224, 236, 255), (30, 58, 138)),
    "w-appui_necessaire": ((255, 244, 214), (120, 53, 15)), "w-compromis": ((253, 236, 236), (127, 29, 29)),
    "w-none": ((243, 244, 246), (31, 41, 55)), "open": ((224, 236, 255), (30, 58, 138)),
    "late": ((253, 236, 236), (127, 29, 29)), "done": ((231, 246, 236), (20, 83, 45)),
    "dropped": ((243, 244, 246), (31, 41, 55)),
}
NO_TONE = ((243, 244, 246), INK)


def pack_slides(seance: Seance) -> list[tuple[str, Slide]]:
    """Every screen of the séance in its running order, each with its step's place ('Étape 2/5')."""
    steps = seance.shown()
    return [(f"Étape {n}/{len(steps)}", slide) for n, step in enumerate(steps, start=1) for slide in step.slides]


def when(seance: Seance) -> str:
    """'13 octobre 2026 à 9 h'."""
    sheet = seance.meeting
    hour = f" à {format_time(sheet.start_time)}" if sheet.start_time else ""
    return f"{format_date(sheet.date)}{hour}"


def cover_lines(seance: Seance, today: dt.date) -> list[tuple[str, str]]:
    """The cover's facts: kind, date, place, chairs, status, running order, date of the pack."""
    sheet = seance.meeting
    lines = [("Instance", MEETING_KIND_LABELS.get(sheet.kind, sheet.kind)), ("Date", when(seance)),
             ("Lieu", sheet.place or ""), ("Présidence", sheet.chairs or ""),
             ("Statut", MEETING_STATUS_LABELS.get(sheet.status, sheet.status)),
             ("Déroulé", " · ".join(f"{n}. {step.title}" for n, step in enumerate(seance.shown(), start=1))),
             ("Dossier établi le", format_date(today))]
    if sheet.illustrative:
        lines.append(("⚠ Illustratif", sheet.note or "aucun document source ne mentionne cette réunion"))
    return [(label, value) for label, value in lines if value]


class _Deck(FPDF):
    def __init__(self, seance: Seance):
        super().__init__(orientation="L", format=(HEIGHT, WIDTH))
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style, str(FONT_DIR / name))
        self.seance = seance
        self.set_margins(MARGIN, 10, MARGIN)
        self.set_auto_page_break(False)

    def footer(self) -> None:
        """The meeting and the slide number at the foot of every slide."""
        self.set_xy(MARGIN, HEIGHT - 9)
        self.set_font(FONT, "", 8.5)
        self.set_text_color(*GREY)
        sheet = self.seance.meeting
        self.cell(WIDTH - 2 * MARGIN, 5, f"{sheet.contract_name} — {sheet.title} — {format_date(sheet.date)}"
                  f" — {self.page_no()} / {{nb}}", align="R")

    def text_block(self, x: float, y: float, w: float, text: str, size: float, style: str = "",
                   colour=INK, line: float | None = None) -> float:
        """Wrapped text at (x, y); returns the y below it."""
        self.set_xy(x, y)
        self.set_font(FONT, style, size)
        self.set_text_color(*colour)
        self.multi_cell(w, line or size * 0.46, text, align="L", new_x="LMARGIN", new_y="NEXT")
        return self.get_y()


def _cover(pdf: _Deck, seance: Seance, today: dt.date) -> None:
    pdf.add_page()
    sheet = seance.meeting
    pdf.set_fill_color(*ACCENT)
    pdf.rect(0, 0, WIDTH, 6, style="F")
    y = pdf.text_block(MARGIN, 22, WIDTH - 2 * MARGIN, sheet.contract_name, 15, colour=GREY)
    y = pdf.text_block(MARGIN, y + 3, WIDTH - 2 * MARGIN, sheet.title, 30, "B")
    y = pdf.text_block(MARGIN, y + 2, WIDTH - 2 * MARGIN, f"Dossier de séance — {when(seance)}", 18, colour=ACCENT)
    y += 8
    for label, value in cover_lines(seance, today):
        pdf.set_xy(MARGIN, y)
        pdf.set_font(FONT, "B", 12)
        pdf.set_text_color(*INK)
        pdf.cell(48, 6.5, label)
        y = pdf.text_block(MARGIN + 50, y, WIDTH - 2 * MARGIN - 50, value, 12, line=6.5) + 1.5


def _head(pdf: _Deck, place: str, slide: Slide) -> float:
    sheet = pdf.seance.meeting
    pdf.set_font(FONT, "", 9.5)
    pdf.set_text_color(*GREY)
    pdf.set_xy(MARGIN, 7)
    pdf.cell(WIDTH - 2 * MARGIN, 5, f"{sheet.title} · {format_date(sheet.date)}"
             + (" · ⚠ Illustratif" if sheet.illustrative else ""))
    pdf.set_xy(MARGIN, 7)
    pdf.cell(WIDTH - 2 * MARGIN, 5, place, align="R")
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.7)
    pdf.line(MARGIN, 13, WIDTH - MARGIN, 13)
    y = pdf.text_block(MARGIN, 16, WIDTH - 2 * MARGIN, slide.title, 24, "B", line=10)
    if slide.subtitle:
        y = pdf.text_block(MARGIN, y, WIDTH - 2 * MARGIN, slide.subtitle, 14, colour=GREY, line=6.5)
    return y + 3


def _figures(pdf: _Deck, y: float, figures: tuple[Figure, ...]) -> None:
    width = (WIDTH - 2 * MARGIN - 2 * 6) / 3
    for index, figure in enumerate(figures):
        x, top = MARGIN + (index % 3) * (width + 6), y + (index // 3) * 58
        pdf.set_draw_color(148, 163, 184)
        pdf.set_line_width(0.4)
        pdf.rect(x, top, width, 53, round_corners=True, corner_radius=2)
        below = pdf.text_block(x + 4, top + 3, width - 8, figure.label, 12.5, "B", line=5.6)
        below = pdf.text_block(x + 4, below + 1, width - 8, figure.value, 28, "B", colour=(11, 42, 91), line=12)
        pdf.text_block(x + 4, below + 1, width - 8, figure.detail, 10.5, colour=GREY, line=4.8)


def _items(pdf: _Deck, y: float, items: tuple[Item, ...]) -> None:
    text_x = MARGIN + 78
    for item in items:
        pdf.set_draw_color(203, 213, 225)
        pdf.set_line_width(0.3)
        pdf.line(MARGIN, y, WIDTH - MARGIN, y)
        top = y + 2
        if item.status:
            fill, colour = TONES.get(item.tone, NO_TONE)
            pdf.set_fill_color(*fill)
            pdf.set_draw_color(*colour)
            pdf.set_font(FONT, "B", 13)
            pdf.set_text_color(*colour)
            pdf.set_xy(MARGIN, top)
            pdf.cell(min(72, pdf.get_string_width(item.status) + 6), 7.5, item.status, border=1, fill=True)
            side = top + 8.5
            if item.extra:
                side = pdf.text_block(MARGIN, side, 72, item.extra, 12, "B", line=5.5)
            x = text_x
        else:
            pdf.text_block(MARGIN, top, 6, "•", 16, "B")
            side, x = top, MARGIN + 8
        below = pdf.text_block(x, top, WIDTH - MARGIN - x, item.text, 16, "B", line=7.2)
        if item.detail:
            below = pdf.text_block(x, below + 0.5, WIDTH - MARGIN - x, item.detail, 11.5, colour=GREY, line=5.2)
        y = max(below, side) + 2.5


def _table(pdf: _Deck, y: float, table: Table) -> None:
    from fpdf.fonts import FontFace

    pdf.set_xy(MARGIN, y)
    pdf.set_font(FONT, "", 13)
    pdf.set_text_color(*INK)
    first = WIDTH - 2 * MARGIN - 52 * (len(table.headers) - 1)
    with pdf.table(col_widths=(first, *([52] * (len(table.headers) - 1))), text_align="LEFT", line_height=7.5,
                   padding=1.5, headings_style=FontFace(family=FONT, emphasis="BOLD",
                                                        fill_color=(226, 232, 240))) as grid:
        grid.row(list(table.headers))
        for row in table.rows:
            grid.row(list(row))


def _chart(pdf: _Deck, y: float, slide: Slide) -> None:
    png = seance_charts.to_png(slide.chart)
    bottom = HEIGHT - 22
    pdf.image(io.BytesIO(png), x=MARGIN, y=y, w=WIDTH - 2 * MARGIN, h=bottom - y, keep_aspect_ratio=True)
    pdf.set_xy(MARGIN, bottom)


def _slide(pdf: _Deck, place: str, slide: Slide) -> None:
    pdf.add_page()
    y = _head(pdf, place, slide)
    if slide.figures:
        _figures(pdf, y, slide.figures)
    elif slide.items:
        _items(pdf, y, slide.items)
    elif slide.table:
        _table(pdf, y, slide.table)
    elif slide.chart:
        _chart(pdf, y, slide)
    elif slide.empty:
        pdf.text_block(MARGIN, y + 4, WIDTH - 2 * MARGIN, slide.empty, 16, "I")
    notes = [n for n in (slide.chart_text if slide.chart else "", slide.note) if n]
    if notes:
        pdf.text_block(MARGIN, HEIGHT - 18, WIDTH - 2 * MARGIN, shorten(" — ".join(notes), 370), 8.5, colour=GREY,
                       line=3.8)


def seance_pdf(seance: Seance, *, today: dt.date | None = None) -> bytes:
    """The séance as a PDF of 16:9 landscape slides: a cover, then every screen of the running order."""
    problem = pdf_font_problem()
    if problem:
        raise ExportError(problem)
    pdf = _Deck(seance)
    sheet = seance.meeting
    pdf.set_title(f"Dossier de séance — {sheet.title} — {format_date(sheet.date)}")
    pdf.set_author(sheet.contract_name)
    pdf.set_lang("fr-FR")
    _cover(pdf, seance, today or clock.today())
    for place, slide in pack_slides(seance):
        _slide(pdf, place, slide)
    return bytes(pdf.output())
