"""Exports: the meetings calendar (ICS), a meeting's relevé de décisions (PDF) and the portrait table (CSV)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from fpdf import FPDF
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from pilotage import clock
from pilotage.errors import PilotageError
from pilotage.followups import state_label
from pilotage.formats import (
    DECISION_KIND_LABELS,
    MEETING_KIND_LABELS,
    MEETING_STATUS_LABELS,
    format_date,
    format_time,
)
from pilotage.queries.governance import MeetingRecord
from pilotage.spreadsheets import csv_bytes

PARIS = ZoneInfo("Europe/Paris")
DEFAULT_DURATION = dt.timedelta(hours=2)
ICS_STATUS = {"prevue": "CONFIRMED", "tenue": "CONFIRMED", "annulee": "CANCELLED", "reportee": "CANCELLED"}
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
FONT = "DejaVu"
PORTRAIT_CSV_COLUMNS = {"theme": "theme", "label": "indicateur", "unit": "unite", "row": "territoire",
                        "value": "valeur", "year": "annee", "source_detail": "source_statistique",
                        "source": "document", "document_title": "titre_du_document", "note": "remarque"}
# fpdf2 cannot split a table row across pages (it raises instead): a row taller than half a page is written
# as paragraphs, which flow across pages, between two parts of the table. Half, not all: a row pushed whole
# to the next page would otherwise leave up to a blank page behind it.
TALL_ROW_SHARE = 0.5
GRID = {"size": 8.5, "line_height": 4.6, "padding": 1.2}


class ExportError(PilotageError):
    """An export that cannot be produced on this machine; the message says what to install."""


def _str(value) -> str | None:
    """A text cell of a DataFrame, None when empty or missing (pandas shows those as NaN)."""
    return value if isinstance(value, str) and value.strip() else None


def portrait_csv(portrait: pd.DataFrame) -> bytes:
    """The portrait table (pilotage.portrait.prepare's rows) as a French CSV that spreadsheets open safely."""
    return csv_bytes(portrait[list(PORTRAIT_CSV_COLUMNS)].rename(columns=PORTRAIT_CSV_COLUMNS))


def meeting_uid(meeting_id: int, contract_slug: str) -> str:
    """The stable UID of a meeting's event: the same across exports, so calendars update it in place."""
    return f"meeting-{meeting_id}@{contract_slug}.pilotage"


def _event(row, contract_slug: str, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", meeting_uid(int(row.id), contract_slug))
    event.add("dtstamp", stamp)
    event.add("sequence", int(row.version))
    prefix = {"annulee": "Annulée : ", "reportee": "Reportée : "}.get(row.status, "")
    event.add("summary", prefix + row.title)
    if row.start_time is not None and not pd.isna(row.start_time):
        start = dt.datetime.combine(row.date, row.start_time, tzinfo=PARIS)
        event.add("dtstart", start)
        event.add("dtend", start + DEFAULT_DURATION)
    else:
        event.add("dtstart", row.date)  # a date: an all-day event
        event.add("dtend", row.date + dt.timedelta(days=1))
    event.add("status", ICS_STATUS.get(row.status, "CONFIRMED"))
    if _str(row.place):
        event.add("location", row.place)
    event.add("categories", [MEETING_KIND_LABELS.get(row.kind, row.kind)])
    event.add("description", _description(row))
    return event


def _description(row) -> str:
    lines = [f"{MEETING_KIND_LABELS.get(row.kind, row.kind)} — statut : {MEETING_STATUS_LABELS.get(row.status)}"]
    lines.append(f"Concerne : {_str(row.programme) or _str(row.neighbourhood) or 'l’ensemble du contrat'}")
    if _str(row.chairs):
        lines.append(f"Présidence : {row.chairs}")
    if row.illustrative:
        lines.append(f"Réunion illustrative : {_str(row.note) or 'aucun document ne la mentionne'}")
    return "\n".join(lines)


def meetings_ics(meetings: pd.DataFrame, *, contract_slug: str, contract_name: str,
                 now: dt.datetime | None = None) -> bytes:
    """An iCalendar file with one VEVENT per meeting (UID meeting-<id>@<slug>.pilotage, SEQUENCE = row version)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Pilotage du Contrat de Ville//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Instances — {contract_name}")
    stamp = (now or clock.now()).astimezone(dt.UTC).replace(microsecond=0)
    calendar.add_component(_paris_timezone())
    for row in meetings.itertuples():
        calendar.add_component(_event(row, contract_slug, stamp))
    return calendar.to_ical()


def _paris_timezone() -> Timezone:
    """Europe/Paris as the recurring rules Outlook and Thunderbird write themselves (EU rules since 1996)."""
    timezone = Timezone()
    timezone.add("tzid", "Europe/Paris")
    for part, name, start, offsets, month in ((TimezoneDaylight, "CEST", dt.datetime(1996, 3, 31, 2), (1, 2), 3),
                                              (TimezoneStandard, "CET", dt.datetime(1996, 10, 27, 3), (2, 1), 10)):
        rule = part()
        rule.add("tzname", name)
        rule.add("dtstart", start)
        rule.add("tzoffsetfrom", dt.timedelta(hours=offsets[0]))
        rule.add("tzoffsetto", dt.timedelta(hours=offsets[1]))
        rule.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        timezone.add_component(rule)
    return timezone


# Relevé de décisions (PDF) -----------------------------------------------------------------------------------


def pdf_font_problem() -> str | None:
    """A French message when the Unicode font the PDF needs is missing, else None."""
    missing = [name for name in FONT_FILES.values() if not (FONT_DIR / name).is_file()]
    if missing:
        return (f"Le relevé PDF ne peut pas être produit : la police DejaVu ({', '.join(missing)}) est absente "
                f"de {FONT_DIR}. Installez le paquet Debian « fonts-dejavu-core ».")
    return None


class _Document(FPDF):
    def __init__(self, title: str):
        super().__init__(format="A4")
        self.footer_title = title
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style, str(FONT_DIR / name))
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)

    def footer(self) -> None:
        """The title and the page number at the foot of every page."""
        self.set_y(-13)
        self.set_font(FONT, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"{self.footer_title} — page {self.page_no()} / {{nb}}", align="C")

    def heading(self, text: str) -> None:
        """A section title, never alone at the foot of a page."""
        if self.will_page_break(24):
            self.add_page()
        self.ln(3)
        self.set_font(FONT, "B", 12)
        self.set_text_color(17, 24, 39)
        self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 9.5)

    def line_of(self, label: str, value: str | None) -> None:
        """'Label : value' on its own line (nothing when there is no value)."""
        if not value:
            return
        self.set_font(FONT, "B", 9.5)
        self.write(5.2, f"{label} : ")
        self.set_font(FONT, "", 9.5)
        self.write(5.2, value)
        self.ln(5.6)

    def paragraph(self, text: str, style: str = "") -> None:
        """A wrapped paragraph in the body size."""
        self.set_font(FONT, style, 9.5)
        self.multi_cell(0, 5.2, text, new_x="LMARGIN", new_y="NEXT", align="L")

    def grid(self, headers: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
        """A table with a shaded header row (widths in millimetres); a row too tall for it flows as paragraphs."""
        batch: list[list[str]] = []
        for row in rows:
            if self._row_height(row, widths) <= TALL_ROW_SHARE * self.eph:
                batch.append(row)
                continue
            self._table(headers, batch, widths)
            batch = []
            self._flowing_row(headers, row)
        self._table(headers, batch, widths)

    def _table(self, headers: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
        if not rows:
            return
        self.set_font(FONT, "", GRID["size"])
        with self.table(col_widths=widths, text_align="LEFT", line_height=GRID["line_height"],
                        padding=GRID["padding"], headings_style=_heading_style()) as table:
            table.row(headers)
            for row in rows:
                table.row(row)

    def _row_height(self, row: list[str], widths: tuple[int, ...]) -> float:
        """The height, in millimetres, the table would give this row."""
        self.set_font(FONT, "", GRID["size"])
        lines = max(len(self.multi_cell(width - 2 * GRID["padding"], GRID["line_height"], text, dry_run=True,
                                        output="LINES")) for width, text in zip(widths, row, strict=True))
        return lines * GRID["line_height"] + 2 * GRID["padding"]

    def _flowing_row(self, headers: list[str], row: list[str]) -> None:
        """One row as 'header : value' paragraphs between two rules, free to run over several pages."""
        self.ln(2)
        self.line(self.l_margin, self.y, self.w - self.r_margin, self.y)
        self.ln(2)
        for header, value in zip(headers, row, strict=True):
            self.line_of(header, value)
        self.line(self.l_margin, self.y, self.w - self.r_margin, self.y)
        self.ln(2)


def _heading_style():
    from fpdf.fonts import FontFace

    return FontFace(family=FONT, emphasis="BOLD", fill_color=(226, 232, 240))


def decisions_pdf(record: MeetingRecord, *, today: dt.date) -> bytes:
    """The relevé de décisions of a meeting, in French: header, attendance, agenda with outcomes, decisions."""
    problem = pdf_font_problem()
    if problem:
        raise ExportError(problem)
    sheet = record.sheet
    pdf = _Document(f"Relevé de décisions — {sheet.title} — {format_date(sheet.date)}")
    pdf.set_title(f"Relevé de décisions — {sheet.title} — {format_date(sheet.date)}")
    pdf.set_author(sheet.contract_name)
    pdf.set_lang("fr-FR")
    pdf.add_page()
    _header(pdf, record, today)
    _attendance(pdf, record.attendance)
    _agenda(pdf, record)
    pdf.heading("Décisions et suites à donner")
    _decision_table(pdf, record.decisions, "Aucune décision n’a été enregistrée pour cette instance.")
    pdf.heading("Suites des instances précédentes")
    _decision_table(pdf, record.carried_over, "Aucune suite ouverte d’une instance précédente du même organe.",
                    with_meeting=True)
    if sheet.minutes:
        pdf.heading("Compte rendu")
        pdf.paragraph(sheet.minutes)
    return bytes(pdf.output())


def _header(pdf: _Document, record: MeetingRecord, today: dt.date) -> None:
    sheet = record.sheet
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, "Relevé de décisions", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 12.5)
    pdf.multi_cell(0, 6.5, sheet.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9.5)
    pdf.multi_cell(0, 5.2, sheet.contract_name, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    when = format_date(sheet.date) + (f" à {format_time(sheet.start_time)}" if sheet.start_time else "")
    pdf.line_of("Instance", MEETING_KIND_LABELS.get(sheet.kind, sheet.kind))
    pdf.line_of("Date", when)
    pdf.line_of("Statut", MEETING_STATUS_LABELS.get(sheet.status, sheet.status))
    pdf.line_of("Lieu", sheet.place)
    pdf.line_of("Concerne", sheet.programme or sheet.neighbourhood or "l’ensemble du contrat")
    pdf.line_of("Présidence", sheet.chairs)
    pdf.line_of("Document établi le", format_date(today))
    if sheet.illustrative:
        pdf.ln(1)
        pdf.set_text_color(122, 16, 16)
        pdf.paragraph(f"Réunion illustrative : {sheet.note or 'aucun document source ne la mentionne.'}", "I")
        pdf.set_text_color(17, 24, 39)


def _attendance(pdf: _Document, attendance: pd.DataFrame) -> None:
    pdf.heading("Participants")
    if attendance.empty:
        pdf.paragraph("Aucune organisation n’a été enregistrée comme invitée ou présente.", "I")
        return
    presence = {True: "présente", False: "absente"}
    rows = [[row.organisation, "oui" if row.invited else "non",
             presence.get(row.present if not pd.isna(row.present) else None, "non renseigné")]
            for row in attendance.itertuples()]
    present = sum(1 for row in attendance.itertuples() if row.present is True)
    pdf.paragraph(f"{present} organisation(s) présente(s) sur {len(attendance)} enregistrée(s).")
    pdf.grid(["Organisation", "Invitée", "Présence"], rows, (110, 25, 39))


def _agenda(pdf: _Document, record: MeetingRecord) -> None:
    pdf.heading("Ordre du jour et relevé par point")
    if record.agenda.empty:
        pdf.paragraph("Aucun point n’a été inscrit à l’ordre du jour.", "I")
        return
    for row in record.agenda.itertuples():
        section = f"{row.section} — " if _str(row.section) else ""
        pdf.paragraph(f"{int(row.position)}. {section}{row.title}", "B")
        if _str(row.notes):
            pdf.paragraph(f"Présentation : {row.notes}")
        outcome = _str(row.outcome)
        pdf.paragraph(f"Relevé : {outcome}" if outcome else "Relevé : non renseigné.", "" if outcome else "I")
        pdf.ln(1)


def _decision_table(pdf: _Document, decisions: pd.DataFrame, empty: str, with_meeting: bool = False) -> None:
    if decisions.empty:
        pdf.paragraph(empty, "I")
        return
    rows = []
    for row in decisions.itertuples():
        owner = " — ".join(v for v in (_str(row.owner), _str(row.owner_person)) if v) or "non désigné"
        text = row.text + (f" (instance du {format_date(row.meeting_date)})" if with_meeting else "")
        due = format_date(row.due_on) if not pd.isna(row.due_on) else "—"
        rows.append([DECISION_KIND_LABELS.get(row.kind, row.kind), text, owner, due, _state_text(row)])
    pdf.grid(["Type", "Décision", "Responsable", "Échéance", "Statut"], rows, (24, 70, 36, 22, 22))


def _state_text(row) -> str:
    label = state_label(row.state)
    if not pd.isna(row.closed_on) and row.status != "ouverte":
        return f"{label} le {format_date(row.closed_on)}"
    return label

