"""The Données page refuses hostile or malformed boundary files with a French message, and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_support import fail_on_exception, open_page, start

from pilotage.db import make_engine, make_session_factory, session_scope
from pilotage.queries import maps as map_queries
from pilotage.queries.contracts import list_contracts
from tests.boundary_samples import zip_bomb

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DEEP = 100_000
REFUSED = {
    "oversized": (lambda: ("qpv.geojson", b"{" + b" " * 50_000_000), "dépasse la limite de 50"),
    "zip-bomb": (lambda: ("QP_2024.zip", zip_bomb()), "dépasse la limite de 60"),
    "deep-nesting": (lambda: ("qpv.geojson", b"[" * DEEP + b"]" * DEEP), "imbriqué trop profondément"),
    "lambert93-strings": (lambda: ("qpv.geojson", (FIXTURES / "qpv_lambert93_strings.geojson").read_bytes()),
                          "est un texte, pas un nombre"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_the_donnees_page_refuses_the_file_in_french_and_changes_nothing(actors, app_env, case):
    make, reason = REFUSED[case]
    name, content = make()
    contours = _contours(app_env)
    at = open_page(start(actors["administrateur"]), "donnees")

    at.file_uploader[0].set_value((name, content, "application/octet-stream")).run()

    fail_on_exception(at)
    shown = [e.value.replace("\\", "") for e in at.error]  # markdown escapes of the message
    assert any(text.startswith("Fichier refusé : ") and reason in text.replace("\u00a0", " ") for text in shown), shown
    assert "Remplacer" not in " ".join(b.label for b in at.button)
    assert _contours(app_env) == contours


def _contours(app_env) -> list:
    with session_scope(make_session_factory(make_engine(app_env))) as session:
        hoods = map_queries.list_map_neighbourhoods(session, contract_id=list_contracts(session)[0].id)
    return hoods[["slug", "geometry", "geometry_approximate", "version"]].to_dict("records")
