"""Page furniture: headers, badges, source lines, the contract selector."""

from __future__ import annotations

import html

import streamlit as st

from components import data, inputs, state
from pilotage.formats import CONTRACT_STATUS_LABELS
from pilotage.queries import contracts as contract_queries
from pilotage.queries.contracts import ContractSummary
from pilotage.sources import document_title

CSS = """
<style>
  [data-testid="stMainBlockContainer"] { padding-top: 2.2rem; }
  h1 { font-size: 2.1rem !important; }
  .pl-badge { display:inline-block; padding:0.1rem 0.55rem; border-radius:0.4rem; font-size:0.85rem;
              font-weight:600; border:1px solid #1f2937; margin-right:0.3rem; }
  .pl-badge-qpv { background:#e0ecff; color:#0b2a5b; }
  .pl-badge-fragile { background:#fff4d6; color:#5b3b00; border-style:dashed; }
  .pl-badge-veille { background:#eeeeee; color:#222; border-style:dotted; }
  .pl-badge-illustratif { background:#fde8e8; color:#7a1010; }
  .pl-badge-w-securise { background:#e7f6ec; color:#14532d; }
  .pl-badge-w-atteignable { background:#e0ecff; color:#1e3a8a; }
  .pl-badge-w-appui_necessaire { background:#fff4d6; color:#78350f; }
  .pl-badge-w-compromis { background:#fdecec; color:#7f1d1d; border-width:2px; }
  .pl-badge-w-none { background:#f3f4f6; color:#374151; border-style:dashed; }
  .pl-badge-stale { background:#ffffff; color:#7a1010; border:1px dashed #7a1010; }
  .pl-identity { color:#374151; font-size:0.95rem; line-height:1.35; }
  .pl-source { color:#4b5563; font-size:0.8rem; }
  .pl-swot-item { font-size:1.05rem; line-height:1.4; padding:0.35rem 0 0.1rem 0; border-top:1px solid #e5e7eb; }
  .pl-link { padding-left:0.8rem; }
  .pl-added { background:#e7f6ec; border-left:4px solid #166534; padding-left:0.5rem; }
  .pl-removed { background:#fdecec; border-left:4px dashed #991b1b; padding-left:0.5rem; text-decoration:line-through; }
  .pl-priority { font-size:1.02rem; line-height:1.4; padding:0.3rem 0; }
  .pl-number { display:inline-block; min-width:2rem; font-weight:700; color:#1d4ed8; }
  .pl-figure { font-size:1.6rem; font-weight:700; color:#111827; }
  .pl-signout button, a.pl-button { font:inherit; font-size:0.95rem; padding:0.35rem 0.8rem; border-radius:0.5rem;
              border:1px solid #9ca3af; background:#fff; color:#111827; cursor:pointer; text-decoration:none;
              display:inline-block; }
  .pl-signout button:hover, a.pl-button:hover { border-color:#1d4ed8; color:#1d4ed8; }
  a.pl-button-primary { background:#1d4ed8; color:#fff; border-color:#1d4ed8; font-size:1.05rem;
                        padding:0.5rem 1.2rem; }
  a.pl-button-primary:hover { color:#fff; background:#1e40af; }
  /* A link's label wraps onto a second line rather than being cut at the column's edge. */
  [data-testid="stPageLink-NavLink"] { height:auto; }
  [data-testid="stPageLink-NavLink"] [data-testid="stMarkdownContainer"] p { white-space:normal; }
</style>
"""

KIND_ICONS = {"qpv": "◆", "fragile": "◇", "veille": "○"}


MARKDOWN_SPECIALS = "\\`*_{}[]()<>#+-.!|~$"


def escape_markdown(text: str) -> str:
    """User text shown through st.markdown as plain text: no links, no HTML, no formatting."""
    return "".join("\\" + c if c in MARKDOWN_SPECIALS else c for c in html.escape(str(text), quote=False))


def apply_css() -> None:
    st.html(CSS + inputs.FRENCH_CSS)


def badge(text: str, variant: str) -> str:
    """An inline badge; the text always says what the colour says."""
    return f'<span class="pl-badge pl-badge-{variant}">{html.escape(text)}</span>'


def kind_badge(kind: str, label: str) -> str:
    return badge(f"{KIND_ICONS.get(kind, '')} {label}".strip(), kind)


def illustrative_badge() -> str:
    return badge("⚠ Illustratif", "illustratif")


def source_line(source: str | None, prefix: str = "Source") -> None:
    """'Source : <document title>' in small type (a file name the data cites is shown by its document's title)."""
    if source:
        st.html(f'<div class="pl-source">{html.escape(prefix)} : {html.escape(document_title(source))}</div>')


SHORT_TERRITORY = 16  # characters: with the years, what the sidebar's selector shows without cutting


def short_territory(territory: str) -> str:
    """'Grand Besançon Métropole' -> 'Grand Besançon…': whole words up to SHORT_TERRITORY characters."""
    if len(territory) <= SHORT_TERRITORY:
        return territory
    words, kept = territory.split(), ""
    for word in words:
        if len(f"{kept} {word}".strip()) > SHORT_TERRITORY - 1:
            break
        kept = f"{kept} {word}".strip()
    return (kept or territory[:SHORT_TERRITORY - 1]) + "…"


def contract_label(contract: ContractSummary) -> str:
    """'2024-2030 · Grand Besançon…': short enough for the sidebar's selector; the full name is written below."""
    return f"{contract.start_year}-{contract.end_year} · {short_territory(contract.territory)}"


def contract_full_label(contract: ContractSummary) -> str:
    status = CONTRACT_STATUS_LABELS.get(contract.status, contract.status)
    archived = " · archivé" if contract.archived else ""
    return f"{contract.name} ({status}){archived}"


ARCHIVED_NOTICE = ("Contrat archivé : il reste consultable, mais n'est plus proposé par défaut dans la liste des "
                   "contrats.")


def contract_labels(contracts: dict[str, ContractSummary]) -> dict[str, str]:
    """Each contract's short label, or its full name where two short labels would be the same."""
    short = {slug: contract_label(c) for slug, c in contracts.items()}
    twins = {label for label in short.values() if list(short.values()).count(label) > 1}
    return {slug: contract_full_label(contracts[slug]) if label in twins else label for slug, label in short.items()}


def select_contract() -> ContractSummary | None:
    """The contract chosen in the sidebar, kept in the URL (?contrat=slug); its full name written below.

    Archived contracts are offered only when the URL names one or the user asks to see them."""
    every = {c.slug: c for c in data.read(contract_queries.list_contracts, include_archived=True)}
    if not every:
        st.info("Aucun contrat n'est encore chargé.")
        return None
    show_archived = False
    if any(c.archived for c in every.values()):
        show_archived = st.sidebar.checkbox("Afficher les contrats archivés", key=state.PREFIX + "show_archived")
    wanted = st.query_params.get("contrat")
    contracts = {slug: c for slug, c in every.items() if show_archived or not c.archived or slug == wanted}
    if not contracts:
        st.info("Tous les contrats sont archivés : cochez « Afficher les contrats archivés » dans la barre latérale "
                "pour les consulter.")
        return None
    key = state.PREFIX + "contract_select"
    on_change = state.bind_to_url(key, "contrat", list(contracts), next(iter(contracts)))
    labels = contract_labels(contracts)
    slug = inputs.selectbox("Contrat", list(contracts), format_func=labels.__getitem__, key=key, on_change=on_change,
                            where=st.sidebar)
    st.sidebar.caption(escape_markdown(contract_full_label(contracts[slug])))
    if contracts[slug].archived:
        st.sidebar.caption(ARCHIVED_NOTICE)
    return contracts[slug]
