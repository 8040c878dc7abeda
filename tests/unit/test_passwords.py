"""Password hashing."""

import pytest
from argon2 import Type, extract_parameters

from pilotage.passwords import generate_password, hash_password, verify_password


def test_a_hash_verifies_its_password_and_hides_it():
    hashed = hash_password("un mot de passe solide")
    assert hashed.startswith("$argon2id$")
    assert "un mot de passe solide" not in hashed
    assert verify_password(hashed, "un mot de passe solide")


def test_a_wrong_password_is_refused_without_raising():
    hashed = hash_password("un mot de passe solide")
    assert not verify_password(hashed, "un mot de passe faux")
    assert not verify_password(hashed, "")


def test_a_malformed_hash_is_refused_without_raising():
    assert not verify_password("pas-un-hash", "un mot de passe solide")


def test_two_hashes_of_the_same_password_differ():
    assert hash_password("identique-123") != hash_password("identique-123")


def test_generated_passwords_are_long_and_random():
    first, second = generate_password(), generate_password()
    assert first != second
    assert len(first) >= 12


@pytest.mark.real_password_hashing
def test_production_hashes_use_strong_argon2id_parameters():
    hashed = hash_password("un mot de passe solide")
    parameters = extract_parameters(hashed)
    assert parameters.type is Type.ID
    assert parameters.memory_cost >= 19 * 1024  # OWASP's floor for argon2id, in KiB
    assert parameters.time_cost >= 2
    assert verify_password(hashed, "un mot de passe solide")
