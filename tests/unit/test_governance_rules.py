"""Pure rules of governance: the cadence count per year, the revue planner, the follow-ups' state and carry-over."""

import datetime as dt

import pytest

from pilotage import cadence, followups
from pilotage.cadence import MeetingFact

TODAY = dt.date(2026, 11, 23)
D = dt.date


def count(facts, year, minimum=2, maximum=2, today=TODAY):
    return cadence.count_year(facts, year, minimum, maximum, today)


def test_held_and_planned_meetings_count_and_cancelled_ones_do_not():
    facts = [MeetingFact(D(2025, 4, 8), "tenue"), MeetingFact(D(2025, 10, 14), "annulee")]

    cell = count(facts, 2025)

    assert (cell.held, cell.planned, cell.unconfirmed) == (1, 0, 0)
    assert cell.state == "manquant"
    assert cell.is_gap
    assert cell.label == "✘ 1/2 manquant"
    assert cell.dates == (D(2025, 4, 8),)


def test_a_postponed_meeting_counts_only_through_the_meeting_that_holds_it_at_its_new_date():
    postponed = MeetingFact(D(2025, 4, 8), "reportee", replaced=True)
    new_date = MeetingFact(D(2025, 5, 13), "tenue")
    autumn = MeetingFact(D(2025, 10, 14), "tenue")

    cell = count([postponed, new_date, autumn], 2025)

    assert cell.state == "conforme"
    assert cell.held == 2
    assert cell.postponed_open == 0
    assert cell.dates == (D(2025, 5, 13), D(2025, 10, 14))


def test_a_postponed_meeting_without_a_new_date_counts_nowhere_and_is_reported():
    cell = count([MeetingFact(D(2026, 4, 14), "tenue"), MeetingFact(D(2026, 10, 13), "reportee")], 2026)

    assert cell.postponed_open == 1
    assert cell.held + cell.planned == 1
    assert cell.state == "a_programmer"  # the running year still lacks a revue


def test_a_postponed_meeting_moved_to_the_next_year_counts_in_that_year():
    facts = [MeetingFact(D(2025, 12, 9), "reportee", replaced=True), MeetingFact(D(2026, 1, 13), "tenue")]

    assert count(facts, 2025, 1, 2).state == "manquant"
    assert count(facts, 2026, 1, 2).held == 1


@pytest.mark.parametrize(
    ("year", "facts", "expected"),
    [
        (2025, [MeetingFact(D(2025, 4, 8), "tenue"), MeetingFact(D(2025, 10, 14), "tenue")], "conforme"),
        # a past date still "prévue": the status was not updated, the year is not compliant but not missing either
        (2025, [MeetingFact(D(2025, 4, 8), "tenue"), MeetingFact(D(2025, 10, 14), "prevue")], "a_confirmer"),
        (2026, [MeetingFact(D(2026, 4, 14), "tenue"), MeetingFact(D(2026, 12, 8), "prevue")], "prevu"),
        (2026, [MeetingFact(D(2026, 4, 14), "tenue")], "a_programmer"),
        (2027, [MeetingFact(D(2027, 4, 13), "prevue")], "a_venir"),
        (2027, [MeetingFact(D(2027, 4, 13), "prevue"), MeetingFact(D(2027, 10, 12), "prevue")], "prevu"),
        (2024, [MeetingFact(D(2024, m, 9), "tenue") for m in (3, 6, 9)], "excedent"),
    ],
)
def test_year_state(year, facts, expected):
    assert count(facts, year).state == expected


def test_a_rule_without_maximum_shows_its_minimum_and_never_exceeds():
    facts = [MeetingFact(D(2024, m, 16), "tenue") for m in range(1, 13) if m != 8]

    cell = count(facts, 2024, minimum=12, maximum=None)

    assert cell.label == "✘ 11/12 manquant"
    enough = count(facts + [MeetingFact(D(2024, 8, 20), "tenue")] * 3, 2024, 12, None)
    assert (enough.state, enough.label) == ("conforme", "✔ 14 conforme")


def test_a_range_rule_shows_the_count_alone():
    cell = count([MeetingFact(D(2025, 6, 24), "tenue"), MeetingFact(D(2025, 12, 9), "tenue")], 2025, 1, 2)

    assert cell.label == "✔ 2 conforme"


def test_every_state_has_a_symbol_and_words():
    for icon, words in cadence.STATES.values():
        assert icon and words and icon not in words


def test_second_tuesdays():
    assert cadence.nth_weekday(2026, 4) == D(2026, 4, 14)
    assert cadence.nth_weekday(2026, 10) == D(2026, 10, 13)
    assert cadence.nth_weekday(2024, 10) == D(2024, 10, 8)
    assert cadence.nth_weekday(2026, 12) == D(2026, 12, 8)


def test_the_planner_proposes_the_fixed_days_for_uncovered_half_years():
    facts = {1: [MeetingFact(D(2027, 4, 13), "prevue")], 2: []}

    proposals = cadence.propose_revues(facts, [2027], D(2027, 1, 5))

    assert [(p.scope_id, p.date) for p in proposals] == [
        (2, D(2027, 4, 13)), (1, D(2027, 10, 12)), (2, D(2027, 10, 12))]


def test_the_planner_moves_a_passed_fixed_day_to_the_next_second_tuesday_of_the_half_year():
    facts = {7: [MeetingFact(D(2026, 4, 14), "tenue"), MeetingFact(D(2026, 10, 13), "reportee")]}

    proposals = cadence.propose_revues(facts, [2026, 2027], TODAY)

    assert [(p.year, p.half, p.date) for p in proposals] == [
        (2026, 2, D(2026, 12, 8)), (2027, 1, D(2027, 4, 13)), (2027, 2, D(2027, 10, 12))]


def test_the_planner_skips_a_half_year_too_close_to_its_end():
    proposals = cadence.propose_revues({3: []}, [2026], D(2026, 12, 20))

    assert proposals == []


def test_the_planner_ignores_cancelled_and_unconfirmed_meetings():
    facts = {4: [MeetingFact(D(2027, 4, 13), "annulee")]}

    assert [p.date for p in cadence.propose_revues(facts, [2027], D(2027, 2, 1))] == [D(2027, 4, 13),
                                                                                      D(2027, 10, 12)]


def test_tracker_state():
    assert followups.tracker_state("ouverte", D(2026, 6, 30), TODAY) == "en_retard"
    assert followups.tracker_state("ouverte", TODAY, TODAY) == "ouverte"
    assert followups.tracker_state("ouverte", None, TODAY) == "ouverte"
    assert followups.tracker_state("faite", D(2020, 1, 1), TODAY) == "faite"
    assert followups.state_label("en_retard") == "⚠ en retard"


def test_a_decision_is_carried_to_later_meetings_while_it_is_open():
    decided = D(2026, 4, 14)

    assert followups.open_at("ouverte", None, decided, D(2026, 10, 13))
    assert not followups.open_at("ouverte", None, decided, decided), "not on its own meeting"
    assert not followups.open_at("ouverte", None, decided, D(2026, 1, 13)), "not on an earlier meeting"
    # closed at (or after) the next meeting: that meeting reviewed it, the one after does not
    assert followups.open_at("faite", D(2026, 10, 13), decided, D(2026, 10, 13))
    assert not followups.open_at("faite", D(2026, 10, 13), decided, D(2027, 4, 13))
    assert not followups.open_at("abandonnee", D(2026, 5, 2), decided, D(2026, 10, 13))
