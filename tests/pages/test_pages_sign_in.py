"""Signing in (as the /connexion form does, see tests/web for the form itself), the overview it leads to, the
signed-out screen, and the contract selector."""

from __future__ import annotations

import re

from apptest_support import (
    ADMIN_PASSWORD,
    APP,
    BELFORT_CONTRACT,
    BELFORT_SLUG,
    COOKIES,
    CURRENT_CONTRACT,
    fail_on_exception,
    headings,
    navigation,
    open_page,
    selected_label,
    sign_in,
    sign_in_form_shown,
    start,
    texts,
    widget,
)
from streamlit.testing.v1 import AppTest

from components import state
from components.auth import SESSION_COOKIE
from components.navigation import PAGES

GBM_NEIGHBOURHOODS = (
    "Planoise", "Montrapon", "Orchamps-Palente", "Clairs-Soleils", "Battant", "Hauts de Saint-Claude",
    "Cité Curie-Pasteur", "Cité Viotte", "Cité des Vareilles", "Cité de l’Amitié", "Secteur Pesty",
    "Cité de la Pelouse",
)
BELFORT_QPV = ("Bougenel – Mulhouse", "Dardel – La Méchelle", "Les Glacis du Château", "Résidences Le Mont",
               "Arsot – Ganghoffer")


def key_figures(at) -> dict[str, str]:
    """The overview's headline figures, label -> value."""
    found = re.findall(r"pl-keyfigure-value'>([^<]*)</div><div class='pl-keyfigure-label'>([^<]*)<",
                       "\n".join(str(h.value) for h in at.html))
    return {label: value for value, label in found}


def test_admin_signs_in_with_the_form_and_sees_the_overview(app_env):
    # No account exists yet: the app's bootstrap creates "admin" with PILOTAGE_ADMIN_PASSWORD.
    at = open_page(start(), "vue-ensemble")
    assert sign_in_form_shown(at)

    sign_in(at, "admin", ADMIN_PASSWORD)

    fail_on_exception(at)
    assert not sign_in_form_shown(at)
    assert at.session_state[state.ACTOR].role == "administrateur"
    assert navigation(at) == {p.url_path for p in PAGES}
    assert CURRENT_CONTRACT in headings(at)
    shown = texts(at)
    missing = [name for name in GBM_NEIGHBOURHOODS if name not in shown]
    assert not missing, f"neighbourhood tiles missing: {missing}"
    figures = key_figures(at)
    assert figures["Habitants en QPV"] == "24\u00a0550", "French thousands separator: a non-breaking space"
    assert figures["QPV"] == "6"
    assert at.query_params["contrat"] == "gbm-2024-2030"


def test_a_forged_or_unknown_cookie_shows_the_signed_out_screen(app_env):
    for forged in ("n'importe-quoi", "jeton.signature-fausse", ""):
        COOKIES[SESSION_COOKIE] = forged
        at = open_page(AppTest.from_file(str(APP), default_timeout=60), "comptes")

        fail_on_exception(at)
        assert sign_in_form_shown(at)
        assert state.ACTOR not in at.session_state
        assert "Comptes" not in headings(at) and not at.dataframe


def test_the_url_opened_before_sign_in_is_the_page_shown_after(app_env):
    at = open_page(start(), "comptes")
    assert sign_in_form_shown(at)

    sign_in(at, "admin", ADMIN_PASSWORD)

    fail_on_exception(at)
    assert "Comptes" in headings(at)
    assert "admin" in at.dataframe[0].value["Identifiant"].tolist()


def test_choosing_grand_belfort_in_the_sidebar_shows_its_five_qpv(actors):
    at = open_page(start(actors["lecteur"]), "vue-ensemble")
    selector = widget(at.sidebar.selectbox, "Contrat")
    belfort = next(c for c in selector.options if "Grand Belfort" in c)

    selector.select_index(selector.options.index(belfort)).run()

    fail_on_exception(at)
    assert BELFORT_CONTRACT in headings(at)
    assert at.query_params["contrat"] == BELFORT_SLUG
    assert selected_label(widget(at.sidebar.selectbox, "Contrat")) == belfort == "2015-2020 · Grand Belfort…"
    below = [c.value.replace("\\", "") for c in at.sidebar.caption]
    assert f"{BELFORT_CONTRACT} (terminé)" in below, "the full name below"
    shown = texts(at)
    assert all(name in shown for name in BELFORT_QPV)
    assert not any(name in shown for name in GBM_NEIGHBOURHOODS)
    assert key_figures(at)["QPV"] == "5"


def test_a_contract_in_the_url_is_the_one_shown(actors):
    at = open_page(start(actors["lecteur"], query={"contrat": BELFORT_SLUG}), "vue-ensemble")

    fail_on_exception(at)
    assert BELFORT_CONTRACT in headings(at)
    assert "Grand Belfort" in selected_label(widget(at.sidebar.selectbox, "Contrat"))
