"""The page registry: which page lives at which URL, in which section, behind which right."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from pages import (
    carte,
    compte,
    comptes,
    connexion,
    donnees,
    gouvernance,
    indicateurs,
    instance,
    journal,
    priorites,
    quartier,
    seance,
    vue_ensemble,
)
from pilotage.permissions import ADMIN, READ, Actor, can


@dataclass(frozen=True)
class PageSpec:
    render: Callable[[], None]
    title: str
    url_path: str
    section: str
    action: str
    icon: str
    hidden: bool = False  # reachable by link (a meeting sheet), not listed in the menu


PAGES = (
    PageSpec(vue_ensemble.render, "Vue d'ensemble", "vue-ensemble", "Pilotage", READ, ":material/dashboard:"),
    PageSpec(quartier.render, "Quartier", "quartier", "Pilotage", READ, ":material/location_city:"),
    PageSpec(priorites.render, "Priorités", "priorites", "Pilotage", READ, ":material/flag:"),
    PageSpec(carte.render, "Carte", "carte", "Pilotage", READ, ":material/map:"),
    PageSpec(gouvernance.render, "Gouvernance", "gouvernance", "Pilotage", READ, ":material/event:"),
    PageSpec(instance.render, "Fiche d'instance", "instance", "Pilotage", READ, ":material/event_note:", hidden=True),
    PageSpec(seance.render, "Mode séance", "seance", "Séance", READ, ":material/co_present:"),
    PageSpec(comptes.render, "Comptes", "comptes", "Administration", ADMIN, ":material/group:"),
    PageSpec(donnees.render, "Données", "donnees", "Administration", ADMIN, ":material/database:"),
    PageSpec(indicateurs.render, "Indicateurs et équipements", "indicateurs", "Administration", ADMIN,
             ":material/query_stats:"),
    PageSpec(journal.render, "Journal d'audit", "journal", "Administration", ADMIN, ":material/history:"),
    PageSpec(compte.render, "Mon compte", "mon-compte", "Pilotage", READ, ":material/account_circle:", hidden=True),
)
SECTIONS = ("Pilotage", "Séance", "Administration")


def _page(spec: PageSpec, default: bool) -> st.Page:
    return st.Page(spec.render, title=spec.title, url_path=spec.url_path, icon=spec.icon, default=default,
                   visibility="hidden" if spec.hidden else "visible")


def visible_pages(actor: Actor) -> dict[str, list[st.Page]]:
    """The navigation of this actor: only the pages their role may open, grouped by section."""
    navigation: dict[str, list[st.Page]] = {}
    for index, spec in enumerate(PAGES):
        if can(actor, spec.action):
            navigation.setdefault(spec.section, []).append(_page(spec, default=index == 0))
    return {section: navigation[section] for section in SECTIONS if section in navigation}


def sign_in_pages() -> list[st.Page]:
    """Before sign-in every known URL shows the sign-in form, so the URL survives until after it."""
    return [st.Page(connexion.render, title="Connexion", url_path=spec.url_path, default=index == 0)
            for index, spec in enumerate(PAGES)]


def page_for(url_path: str) -> st.Page:
    """The page registered at this URL path, for st.page_link and st.switch_page."""
    for index, spec in enumerate(PAGES):
        if spec.url_path == url_path:
            return _page(spec, default=index == 0)
    raise KeyError(url_path)
