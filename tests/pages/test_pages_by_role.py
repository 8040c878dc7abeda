"""Smoke run of every page for every role, and of every URL before sign-in."""

from __future__ import annotations

import pytest
from apptest_support import (
    SIGN_IN_HEADING,
    expected_heading,
    fail_on_exception,
    headings,
    navigation,
    open_page,
    sign_in_form_shown,
    start,
)

from components.navigation import PAGES
from pilotage.permissions import ROLE_LABELS, can

ROLES = ("lecteur", "contributeur", "administrateur")
DEFAULT_PAGE = PAGES[0]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.url_path)
@pytest.mark.parametrize("role", ROLES)
def test_page_for_role(role, page, actors):
    actor = actors[role]
    allowed = {p.url_path for p in PAGES if can(actor, p.action)}

    at = open_page(start(actor), page.url_path)

    fail_on_exception(at)
    assert navigation(at) == allowed, "the menu must list exactly the pages this role may open"
    assert any(actor.display_name in m.value and ROLE_LABELS[role] in m.value for m in at.sidebar.markdown)
    if page.url_path in allowed:
        assert expected_heading(page) in headings(at)
    else:
        # Streamlit answers an unknown page with the default one: the forbidden page never runs.
        assert expected_heading(page) not in headings(at)
        assert expected_heading(DEFAULT_PAGE) in headings(at)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.url_path)
def test_every_url_shows_the_sign_in_form_before_sign_in(page, app_env):
    at = open_page(start(), page.url_path)

    fail_on_exception(at)
    assert sign_in_form_shown(at)
    assert headings(at) == [SIGN_IN_HEADING]
    assert not at.sidebar.markdown, "nothing about any account before sign-in"
    assert not at.dataframe and not at.metric
