"""French labels of what a contract's set-up chooses from: milestones, rule scopes, comparison areas, signatories."""

from __future__ import annotations

MILESTONE_KIND_LABELS = {"signature": "Signature", "evaluation": "Évaluation", "fin": "Fin du contrat",
                         "autre": "Autre"}
RULE_SCOPE_LABELS = {"contract": "Ensemble du contrat", "neighbourhood": "Chaque quartier (projet de quartier)",
                     "programme": "Un programme"}
AREA_KIND_LABELS = {"commune": "Commune", "epci": "EPCI", "departement": "Département", "region": "Région",
                    "france": "France", "autre": "Autre"}
ORGANISATION_KIND_LABELS = {"etat": "État", "collectivite": "Collectivité", "bailleur": "Bailleur social",
                            "organisme": "Organisme", "association": "Association", "autre": "Autre"}
