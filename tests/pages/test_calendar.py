"""The calendar cannot break the product: every page of every contract, for every role, on three days.

The days: just after the seed's illustrative history (1 December 2026), mid-contract (15 June 2027) and the
contract's last day (31 December 2030). On each, nothing raises, and what depends on the day does follow it.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from apptest_support import start, texts, visit

from components.navigation import PAGES
from pilotage.permissions import can

DAYS = (dt.date(2026, 12, 1), dt.date(2027, 6, 15), dt.date(2030, 12, 31))
ROLES = ("lecteur", "contributeur", "administrateur")
CONTRACTS = ("gbm-2024-2030", "gbm-2015-2023", "grand-belfort-2015-2020", "cadre-2015-2020")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
FRENCH_DATE = re.compile(rf"(\d{{1,2}}) ({'|'.join(MONTHS)}) (\d{{4}})")


def french_dates(text: str) -> list[dt.date]:
    return [dt.date(int(y), MONTHS.index(m) + 1, int(d)) for d, m, y in FRENCH_DATE.findall(text)]


@pytest.fixture(params=DAYS, ids=str)
def day(request, pin_today) -> dt.date:
    return pin_today(request.param)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_every_contract_renders_on_the_day(role, day, actors):
    at = start(actors[role])
    for contract in CONTRACTS:
        for page in (p for p in PAGES if can(actors[role], p.action)):
            visit(at, page.url_path, contrat=contract)


def test_the_revue_planner_proposes_only_days_to_come(day, actors):
    at = visit(start(actors["administrateur"]), "gouvernance", contrat=CONTRACTS[0])

    if day.year == 2030:
        assert "Le contrat s'achève en 2030 : il ne reste aucun semestre où programmer une revue." in texts(at)
        assert not [s for s in at.selectbox if s.key == "pilotage_gov_plan"]
        return
    planner = at.selectbox(key="pilotage_gov_plan")
    proposed = [date for option in planner.options for date in french_dates(option)]
    assert proposed, "revues remain to plan before the contract ends"
    assert all(day < date <= dt.date(2030, 12, 31) for date in proposed), proposed


def test_the_overview_announces_only_milestones_to_come(day, actors):
    at = visit(start(actors["lecteur"]), "vue-ensemble", contrat=CONTRACTS[0])

    upcoming = next((line for line in texts(at).splitlines() if line.startswith("Prochains jalons")), "")
    assert all(date >= day for date in french_dates(upcoming)), upcoming
