"""Roles to actions: pilotage.permissions.can, the single source of every right."""

import pytest

from pilotage.permissions import ADMIN, EDIT, READ, Actor, can, scope_label

PLANOISE, BATTANT = 1, 5


def actor(role: str, **kwargs) -> Actor:
    return Actor(id=1, username=role, display_name=role.capitalize(), role=role, **kwargs)


@pytest.mark.parametrize("neighbourhood", [None, PLANOISE])
def test_an_administrator_may_do_everything(neighbourhood):
    admin = actor("administrateur")
    assert all(can(admin, action, neighbourhood) for action in (READ, EDIT, ADMIN))


@pytest.mark.parametrize("neighbourhood", [None, PLANOISE])
def test_a_reader_may_only_read(neighbourhood):
    reader = actor("lecteur", all_neighbourhoods=True, neighbourhood_ids=frozenset({PLANOISE}))
    assert can(reader, READ, neighbourhood)
    assert not can(reader, EDIT, neighbourhood)
    assert not can(reader, ADMIN, neighbourhood)


def test_a_contributor_limited_to_battant_edits_battant_only():
    contributor = actor("contributeur", neighbourhood_ids=frozenset({BATTANT}))
    assert can(contributor, EDIT, BATTANT)
    assert not can(contributor, EDIT, PLANOISE)
    assert not can(contributor, EDIT, None)  # contract-wide data is not a neighbourhood's
    assert can(contributor, READ, PLANOISE)
    assert not can(contributor, ADMIN)


def test_a_contributor_with_every_neighbourhood_edits_all_but_does_not_administer():
    contributor = actor("contributeur", all_neighbourhoods=True)
    assert can(contributor, EDIT, PLANOISE)
    assert can(contributor, EDIT, BATTANT)
    assert can(contributor, EDIT, None)
    assert not can(contributor, ADMIN)


def test_a_contributor_without_scope_edits_nothing():
    contributor = actor("contributeur")
    assert not can(contributor, EDIT, PLANOISE)
    assert can(contributor, READ, PLANOISE)


@pytest.mark.parametrize("role", ["lecteur", "contributeur", "administrateur"])
@pytest.mark.parametrize("action", [READ, EDIT, ADMIN])
def test_an_inactive_account_may_do_nothing(role, action):
    disabled = actor(role, all_neighbourhoods=True, neighbourhood_ids=frozenset({PLANOISE}), active=False)
    assert not can(disabled, action, PLANOISE)


@pytest.mark.parametrize("action", [READ, EDIT, ADMIN])
def test_nobody_signed_in_may_do_nothing(action):
    assert not can(None, action, PLANOISE)


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError):
        can(actor("administrateur"), "delete_everything")


def test_scope_labels_in_french():
    names = {PLANOISE: "Planoise", BATTANT: "Battant"}
    assert scope_label(actor("administrateur"), names) == "Tous droits"
    assert scope_label(actor("lecteur"), names) == "Lecture seule"
    assert scope_label(actor("contributeur", all_neighbourhoods=True), names) == "Tous les quartiers"
    assert scope_label(actor("contributeur", neighbourhood_ids=frozenset({PLANOISE, BATTANT})), names) == (
        "Battant, Planoise"
    )
    assert scope_label(actor("contributeur"), names) == "Aucun quartier"


def test_the_programme_editor_opens_to_admins_and_to_contributors_with_a_scope():
    from pilotage.permissions import PROGRAMMES

    def actor(role, **scope):
        return Actor(id=1, username="x", display_name="X", role=role, **scope)
    assert can(actor("administrateur"), PROGRAMMES)
    assert can(actor("contributeur", neighbourhood_ids=frozenset({3})), PROGRAMMES)
    assert can(actor("contributeur", all_neighbourhoods=True), PROGRAMMES)
    assert not can(actor("contributeur"), PROGRAMMES), "a contributor with no neighbourhood has nothing to edit"
    assert not can(actor("lecteur", all_neighbourhoods=True), PROGRAMMES)
