"""The Comptes page: an administrator creates an account, the audit journal records it."""

from __future__ import annotations

from apptest_support import USER_PASSWORD, fail_on_exception, open_page, sign_in, start, widget

from components import state


def create_account(at, username: str, display_name: str, role: str, password: str):
    form = next(f for f in at.main.get("form") if f.proto.form.form_id == "pilotage_create_user")
    widget(form.text_input, "Identifiant").input(username)
    widget(form.text_input, "Nom affiché").input(display_name)
    widget(form.selectbox, "Rôle").select(role)
    password_label = next(w.label for w in form.text_input if w.label.startswith("Mot de passe"))
    widget(form.text_input, password_label).input(password)
    return widget(form.button, "Créer le compte").click().run()


def test_an_admin_creates_an_account_that_the_journal_records(actors):
    admin = actors["administrateur"]
    at = open_page(start(admin), "comptes")
    fail_on_exception(at)

    create_account(at, "Nina.Nouvelle", "Nina Nouvelle", "lecteur", USER_PASSWORD)

    fail_on_exception(at)
    assert [s.value for s in at.success] == ["Compte « nina.nouvelle » créé."]
    table = at.dataframe[0].value.set_index("Identifiant")
    assert table.loc["nina.nouvelle", "Nom"] == "Nina Nouvelle"
    assert table.loc["nina.nouvelle", "Rôle"] == "Lecteur"
    assert table.loc["cyril.contrib", "Périmètre de modification"] == "Planoise"

    at = open_page(at, "journal")
    fail_on_exception(at)
    journal = at.dataframe[0].value
    newest = journal.iloc[0]
    assert (newest["Qui"], newest["Action"], newest["Objet"]) == ("admin", "Création", "Compte")
    assert newest["Résumé"] == "Création du compte nina.nouvelle"


def test_the_new_account_can_sign_in(actors):
    at = open_page(start(actors["administrateur"]), "comptes")
    create_account(at, "nina.nouvelle", "Nina Nouvelle", "lecteur", USER_PASSWORD)

    at = open_page(start(), "vue-ensemble")
    sign_in(at, "nina.nouvelle", USER_PASSWORD)

    fail_on_exception(at)
    assert at.session_state[state.ACTOR].role == "lecteur"


def test_an_invalid_account_is_refused_in_french_and_not_written(actors):
    at = open_page(start(actors["administrateur"]), "comptes")
    before = len(at.dataframe[0].value)

    create_account(at, "x", "Sans identifiant valable", "lecteur", USER_PASSWORD)

    fail_on_exception(at)
    assert any(e.value.startswith("L'identifiant doit faire 3 à 40 caractères") for e in at.error)
    assert len(at.dataframe[0].value) == before
