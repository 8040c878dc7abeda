"""The portrait CSV: the neighbourhood's indicators as a French CSV whose text never runs as a formula."""

import csv
import datetime as dt
import io

from pilotage import exporters
from pilotage.portrait import prepare
from pilotage.queries.neighbourhoods import list_portrait
from tests.factories import neighbourhood_id

TODAY = dt.date(2026, 11, 23)


def rows_of(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_the_portrait_csv_neutralises_formula_like_text_and_keeps_numbers(session):
    portrait = prepare(list_portrait(session, neighbourhood_id=neighbourhood_id(session, "planoise")), 5, TODAY)
    portrait.loc[0, "note"] = '=HYPERLINK("http://exemple.fr","Source")'
    portrait.loc[0, "source_detail"] = "@SUM(A1)"
    portrait.loc[1, "value"] = -0.6

    rows = rows_of(exporters.portrait_csv(portrait))

    assert len(rows) == len(portrait)
    assert list(rows[0]) == ["theme", "indicateur", "unite", "territoire", "valeur", "annee",
                             "source_statistique", "document", "titre_du_document", "remarque"]
    assert rows[0]["remarque"] == '\'=HYPERLINK("http://exemple.fr","Source")'
    assert rows[0]["source_statistique"] == "'@SUM(A1)"
    assert rows[1]["valeur"] == "-0,6", "a negative number stays a number"
    assert rows[0]["territoire"] == "Planoise"
    assert rows[0]["document"] == "000_4192c3a3aeda88e8.txt", "the file name stays, in its own column"
    assert rows[0]["titre_du_document"] == "Contrat de Ville GBM 2024-2030, portrait de Planoise"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), row
