"""Pure rules of the mode séance: running order, paging, moving along, what changed since the last meeting."""

from __future__ import annotations

import datetime as dt

import pytest

from pilotage.seance import (
    CONTRACT,
    DEFAULT_ORDERS,
    NEIGHBOURHOOD,
    STEP_TITLES,
    OrderEntry,
    Position,
    change_since,
    clamp,
    default_order,
    is_default,
    move_step,
    next_position,
    order_from_json,
    order_to_json,
    pages,
    picker_rank,
    previous_position,
    screen_number,
    seance_format,
    since_phrases,
    toggle_step,
    validate_order,
    visible_steps,
)
from pilotage.seance_slides import Item, item_slides, shorten


def test_a_neighbourhood_meeting_is_a_revue_and_a_contract_meeting_a_copil():
    assert seance_format(12) == NEIGHBOURHOOD
    assert seance_format(None) == CONTRACT
    assert visible_steps(default_order(NEIGHBOURHOOD)) == ["portrait", "ffom", "priorites", "suites", "decisions"]
    assert visible_steps(default_order(CONTRACT)) == ["contrat", "quartiers", "cadence", "a_decider"]
    assert all(step in STEP_TITLES for steps in DEFAULT_ORDERS.values() for step in steps)


def test_no_stored_order_or_an_unreadable_one_gives_the_default():
    assert order_from_json(None, NEIGHBOURHOOD) == default_order(NEIGHBOURHOOD)
    assert order_from_json("portrait", NEIGHBOURHOOD) == default_order(NEIGHBOURHOOD)
    everything_hidden = [{"step": s, "visible": False} for s in DEFAULT_ORDERS[CONTRACT]]
    assert order_from_json(everything_hidden, CONTRACT) == default_order(CONTRACT)


def test_a_stored_order_is_made_whole_unknown_and_repeated_steps_dropped_missing_ones_added_at_the_end():
    stored = [{"step": "priorites"}, {"step": "cadence"}, {"step": "portrait", "visible": False},
              {"step": "priorites", "visible": False}, "nonsense"]

    order = order_from_json(stored, NEIGHBOURHOOD)

    assert [e.step for e in order] == ["priorites", "portrait", "ffom", "suites", "decisions"]
    assert [e.visible for e in order] == [True, False, True, True, True]
    assert order_from_json(order_to_json(order), NEIGHBOURHOOD) == order


def test_validation_names_every_problem_in_french():
    order = (OrderEntry("contrat", False), OrderEntry("contrat", False), OrderEntry("portrait", False))

    errors = " ".join(validate_order(order, CONTRACT))

    assert "Étape inconnue pour une séance du contrat : portrait" in errors
    assert "Une étape figure deux fois" in errors
    assert "il manque : L'état des quartiers, La cadence des instances, Les décisions à prendre" in errors
    assert "Au moins une étape doit rester affichée" in errors
    assert validate_order(default_order(CONTRACT), CONTRACT) == []


def test_moving_and_hiding_steps():
    order = default_order(NEIGHBOURHOOD)

    moved = move_step(order, "decisions", -1)
    assert [e.step for e in moved] == ["portrait", "ffom", "priorites", "decisions", "suites"]
    assert move_step(order, "portrait", -1) == order, "the first step stays first"
    assert [e.step for e in move_step(order, "portrait", 10)][-1] == "portrait"
    hidden = toggle_step(moved, "ffom")
    assert visible_steps(hidden) == ["portrait", "priorites", "decisions", "suites"]
    assert toggle_step(hidden, "ffom") == moved
    assert not is_default(hidden, NEIGHBOURHOOD) and is_default(order, NEIGHBOURHOOD)


@pytest.mark.parametrize(("weights", "budget", "most", "expected"), [
    ([3, 3, 3, 3, 3], 12, 5, [(0, 2), (2, 5)]),  # as even as the budget allows, not 4 then 1
    ([1] * 7, 100, 5, [(0, 3), (3, 7)]),  # at most `most` items a screen
    ([2, 2], 10, 5, [(0, 2)]),
    ([], 10, 5, [(0, 0)]),  # an empty list still has one screen (that says so)
    ([20], 10, 5, [(0, 1)]),  # an item too long for any screen gets one of its own
    ([5, 20, 5], 10, 5, [(0, 1), (1, 2), (2, 3)]),
])
def test_lists_are_cut_into_screens(weights, budget, most, expected):
    assert pages(weights, budget, most) == expected


def test_a_long_list_becomes_several_screens_of_the_same_step_titled_with_their_rank():
    items = [Item("☁ Atteignable", f"{n}. " + "une priorité assez longue " * 4, "point du 13 octobre 2026")
             for n in range(1, 10)]

    slides = item_slides("priorites", "Les priorités", items, subtitle="Une rubrique")

    assert len(slides) >= 2
    assert [s.title for s in slides] == [f"Les priorités ({n}/{len(slides)})" for n in range(1, len(slides) + 1)]
    assert sum(len(s.items) for s in slides) == 9
    assert all(1 <= len(s.items) <= 5 for s in slides)
    assert item_slides("suites", "Les suites", [], empty="Rien")[0].empty == "Rien"


def test_moving_along_goes_through_every_screen_of_every_step_and_stops_at_both_ends():
    screens = [2, 1, 3]
    position, seen = Position(0, 0), [Position(0, 0)]
    while (following := next_position(position, screens)) != position:
        seen.append(following)
        position = following

    assert seen == [Position(0, 0), Position(0, 1), Position(1, 0), Position(2, 0), Position(2, 1), Position(2, 2)]
    assert previous_position(Position(2, 0), screens) == Position(1, 0)
    assert previous_position(Position(1, 0), screens) == Position(0, 1), "back to the last screen of the step"
    assert previous_position(Position(0, 0), screens) == Position(0, 0)
    assert screen_number(Position(2, 1), screens) == (5, 6)
    assert clamp(Position(9, 9), screens) == Position(2, 2)
    assert clamp(Position(-3, 0), screens) == Position(0, 0)


def test_the_change_since_the_previous_meeting():
    revue, now = dt.date(2026, 4, 14), dt.date(2026, 10, 13)
    points = [(dt.date(2025, 10, 14), "appui_necessaire", 30), (revue, "atteignable", 40),
              (now, "securise", 70), (dt.date(2026, 11, 1), "compromis", 10)]

    change = change_since(points, revue, now)

    assert (change.weather, change.progress, change.recorded_on) == ("securise", 70, now), "later points ignored"
    assert (change.weather_before, change.progress_before) == ("atteignable", 40)
    assert (change.progress_delta, change.trend, change.points_since) == (30, "mieux", 1)
    assert change_since(points[:2], revue, now).trend == "sans point"
    assert change_since([(now, "compromis", None)], revue, now).trend == "nouveau"
    assert change_since([(revue, "securise", 50), (now, "compromis", None)], revue, now).trend == "moins bien"
    assert change_since([], revue, now).weather is None
    first = change_since(points, None, now)
    assert (first.weather_before, first.trend) == (None, "nouveau")


def test_meetings_are_offered_revues_and_copil_first_upcoming_then_recent():
    today = dt.date(2026, 11, 23)
    meetings = {
        "revue-avril": ("revue_projet", dt.date(2027, 4, 13), "prevue"),
        "copil-juin": ("copil", dt.date(2026, 6, 23), "tenue"),
        "revue-octobre": ("revue_projet", dt.date(2026, 10, 13), "tenue"),
        "technique": ("comite_technique", dt.date(2026, 12, 15), "prevue"),
        "revue-annulee": ("revue_projet", dt.date(2026, 12, 1), "annulee"),
    }

    ranked = sorted(meetings, key=lambda k: picker_rank(*meetings[k], today))

    assert ranked == ["revue-avril", "revue-octobre", "copil-juin", "revue-annulee", "technique"]


def test_how_the_previous_meeting_is_named():
    assert since_phrases("revue_projet", "14 avril 2026") == ("la revue du 14 avril 2026",
                                                             "À la revue du 14 avril 2026")
    assert since_phrases("copil", "9 décembre 2025") == ("le COPIL du 9 décembre 2025", "Au COPIL du 9 décembre 2025")


def test_long_texts_are_shortened_at_a_word():
    text = "Renforcer la prévention et le soutien à la parentalité dès la prénatalité"
    assert shorten(text, 40) == "Renforcer la prévention et le soutien à …"
    assert shorten(text, 200) == text
