"""Counting commitments the way the documents do: a projet de quartier's priorités apart from a pacte's mesures."""

from __future__ import annotations

from collections.abc import Mapping

from pilotage.formats import plural

PROGRAMME_ORDER = ("projet_quartier", "pacte", "protocole")
NOUNS = {"projet_quartier": "priorité", "pacte": "mesure", "protocole": "priorité"}
WHERE = {"projet_quartier": ("du projet de quartier", "des projets de quartier"),
         "pacte": ("du Pacte", "des pactes"), "protocole": ("du Protocole", "des protocoles")}


def noun(kind: str | None) -> str:
    """What a programme's commitments are called: 'mesure' in a pacte, 'priorité' elsewhere."""
    return NOUNS.get(kind or "", "priorité")


def _ordered(counts: Mapping[str, int]) -> list[str]:
    return sorted((k for k, n in counts.items() if n), key=lambda k: (k not in PROGRAMME_ORDER,
                                                                      PROGRAMME_ORDER.index(k)
                                                                      if k in PROGRAMME_ORDER else 0, k))


def commitments_text(counts: Mapping[str, int], programmes: Mapping[str, int] | None = None) -> str:
    """'12 priorités du projet de quartier et 30 mesures du Pacte' from counts by programme kind;
    `programmes` (how many programmes of each kind) makes the place plural: 'des projets de quartier'."""
    parts = []
    for kind in _ordered(counts):
        one, many = WHERE.get(kind, ("", ""))
        place = many if programmes and programmes.get(kind, 1) > 1 else one
        parts.append(f"{plural(int(counts[kind]), noun(kind))} {place}".strip())
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]


def collective_noun(kinds: set[str]) -> str:
    """The noun of a set of commitments: 'priorité' or 'mesure' when all are alike, else 'engagement'."""
    nouns = {noun(k) for k in kinds}
    if len(nouns) > 1:
        return "engagement"
    return nouns.pop() if nouns else "priorité"
