"""What a password must be: long enough, not the account's name, not one of the passwords everybody tries.

The list of common passwords ships with the package (common_passwords.txt): French ones first, then the
leaked-password frequency list of zxcvbn. A password is also refused when its "base" is common: the same
word with digits or signs around it ("Motdepasse2024!" is "motdepasse").
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from pilotage.errors import ValidationError

MIN_LENGTH = 12
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
SEQUENCES = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "azertyuiop", "qwertyuiop", "qsdfghjklm", "wxcvbn")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lower case."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _base(password: str) -> str:
    return _EDGES.sub("", password.lower())


def _is_trivial(password: str) -> bool:
    """A single character repeated, or a run of a keyboard or the alphabet."""
    lowered = password.lower()
    return len(set(lowered)) <= 2 or any(lowered in run or lowered in run[::-1] for run in SEQUENCES)


def password_problems(password: str, *, username: str | None = None) -> list[str]:
    """French reasons why `password` is refused (none: it is accepted)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Le mot de passe doit compter au moins {MIN_LENGTH} caractères ({len(password)} saisis).")
    name = (username or "").strip().lower()
    if len(name) >= 3 and name in password.lower():
        problems.append("Le mot de passe ne doit pas contenir l'identifiant du compte.")
    base = _base(password)
    if password.lower() in common_passwords() or (len(base) >= 4 and base in common_passwords()) \
            or _is_trivial(password) or (base and _is_trivial(base)):
        problems.append("Ce mot de passe fait partie des plus courants : choisissez-en un moins prévisible, "
                        "par exemple une phrase de quatre mots.")
    return problems


def check_password(password: str, *, username: str | None = None) -> None:
    """Raise ValidationError with every reason `password` is refused."""
    problems = password_problems(password, username=username)
    if problems:
        raise ValidationError(" ".join(problems))
