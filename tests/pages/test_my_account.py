"""Mon compte: one's identity and rights, one's own password, one's other sessions."""

from __future__ import annotations

from apptest_support import USER_PASSWORD, fail_on_exception, headings, open_page, start, texts, widget

from pilotage.db import session_scope
from pilotage.services import auth


def change_password(at, current: str, new: str, again: str):
    widget(at.text_input, "Mot de passe actuel").input(current)
    widget(at.text_input, "Nouveau mot de passe (12 caractères au moins)").input(new)
    widget(at.text_input, "Nouveau mot de passe, une seconde fois").input(again)
    return widget(at.button, "Changer le mot de passe").click().run()


def test_a_contributor_sees_their_rights_and_changes_their_password(actors, seeded_db):
    with session_scope(seeded_db.sessions) as session:  # the same account, signed in on another computer
        elsewhere = auth.sign_in_with_password(session, username="cyril.contrib", password=USER_PASSWORD,
                                               client_address="192.0.2.7").token
    at = open_page(start(actors["contributeur"]), "mon-compte")

    fail_on_exception(at)
    assert "Mon compte" in headings(at)
    assert "Droits : Planoise" in texts(at).replace("\\", "")
    assert "2 sessions ouvertes" in texts(at)

    at = change_password(at, USER_PASSWORD, "Une autre phrase bien longue", "Une autre phrase différente")
    assert any("Les deux saisies du nouveau mot de passe diffèrent" in e.value for e in at.error)

    at = change_password(at, USER_PASSWORD, "azertyuiop123", "azertyuiop123")
    assert any("plus courants" in e.value for e in at.error)

    at = change_password(at, USER_PASSWORD, "Une autre phrase bien longue", "Une autre phrase bien longue")
    fail_on_exception(at)
    assert any(s.value == "Mot de passe changé. 1 autre session fermée." for s in at.success)
    with session_scope(seeded_db.sessions) as session:
        assert auth.resolve_session(session, elsewhere) is None
    assert "1 session ouverte" in texts(at)
