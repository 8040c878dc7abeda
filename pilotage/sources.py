"""The public documents the data cites, by file name: the title a reader knows them by."""

from __future__ import annotations

# File names as the seed's `source:` fields give them (data/README.md) -> the document's title.
DOCUMENT_TITLES = {
    "000_4192c3a3aeda88e8.txt": "Contrat de Ville GBM 2024-2030",
    "001_d197320ae1ca4abb.txt": "Pacte pour l'émancipation des jeunes de Planoise (31 janvier 2023)",
    "002_d1e6ca5bd5542a59.txt": "Protocole d'engagements renforcés et réciproques 2020-2022 (GBM)",
    "003_1637411f91617917.txt": "Grand Belfort, évaluation du Contrat de Ville Unique et Global 2015-2020 "
                                "(septembre 2022)",
    "004_002d73874d5f62f1.txt": "Cadre stratégique d'un Contrat de Ville 2015-2020",
}
# Documents that hold one portrait per neighbourhood: a figure of theirs is cited with the portrait's name.
PORTRAIT_DOCUMENTS = frozenset({"000_4192c3a3aeda88e8.txt"})


def _file_name(source: object) -> str:
    return source.strip() if isinstance(source, str) else ""


def document_title(source: str | None) -> str:
    """'Contrat de Ville GBM 2024-2030' for its file name; a source the list does not know is shown as given."""
    name = _file_name(source)
    return DOCUMENT_TITLES.get(name, name)


def portrait_source(source: str | None, neighbourhood: str) -> str:
    """'Contrat de Ville GBM 2024-2030, portrait de Planoise' for a figure printed in a neighbourhood's portrait."""
    title = document_title(source)
    if _file_name(source) in PORTRAIT_DOCUMENTS and neighbourhood:
        return f"{title}, portrait de {neighbourhood}"
    return title

