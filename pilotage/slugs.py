"""Slugs: the lower-case ASCII names with hyphens that URLs carry (?contrat=gbm-2024-2030, ?q=planoise)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

SLUG_MAX = 80


def slugify(text: str | None, fallback: str = "element") -> str:
    """'Planoise – Île-de-France' -> 'planoise-ile-de-france' (at most SLUG_MAX characters)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = plain.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    return slug[:SLUG_MAX].rstrip("-") or fallback


def unique_slug(text: str | None, taken: Collection[str], fallback: str = "element") -> str:
    """The slug of `text`, with -2, -3... added when it is already taken."""
    base = slugify(text, fallback)
    if base not in taken:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[:SLUG_MAX - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        number += 1
