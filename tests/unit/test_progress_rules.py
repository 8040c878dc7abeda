"""The pure rules of progress tracking: météo, validation, staleness, roll-ups, the bulk form, distributions."""

import datetime as dt

import pytest

from pilotage.progress import (
    ItemState,
    PointInput,
    bulk_points,
    freshness_text,
    group_roll_ups,
    is_stale,
    months_before,
    overall_weather,
    priority_label,
    quarter_ends,
    revue_without_points,
    roll_up,
    same_as,
    validate_point,
    weather_distribution,
    weather_from_label,
    weather_text,
)
from pilotage.progress_sheet import parse_date, parse_progress

TODAY = dt.date(2026, 11, 23)


def point(**changes) -> PointInput:
    values = {"priority_id": 1, "recorded_on": dt.date(2026, 10, 13), "weather": "atteignable", "progress": 40}
    return PointInput(**(values | changes))


def test_weather_is_told_by_icon_and_label():
    assert weather_text("compromis") == "⚡ Compromis"
    assert weather_text("appui_necessaire") == "☂ Appui nécessaire"
    assert weather_text(None) == "◌ Pas encore de point"
    assert weather_text(float("nan")) == "◌ Pas encore de point"


@pytest.mark.parametrize("typed, code", [("Sécurisé", "securise"), ("  appui nécessaire ", "appui_necessaire"),
                                         ("☁ Atteignable", "atteignable"), ("compromis", "compromis"),
                                         ("Bof", None), ("", None), (None, None)])
def test_weather_is_read_from_its_label_or_code(typed, code):
    assert weather_from_label(typed) == code


@pytest.mark.parametrize("today, months, expected", [
    (dt.date(2026, 11, 23), 6, dt.date(2026, 5, 23)),
    (dt.date(2026, 8, 31), 6, dt.date(2026, 2, 28)),  # clamped to the shorter month
    (dt.date(2026, 3, 31), 6, dt.date(2025, 9, 30)),  # across a year
    (dt.date(2024, 8, 31), 6, dt.date(2024, 2, 29)),  # leap year
])
def test_months_before_is_calendar_arithmetic(today, months, expected):
    assert months_before(today, months) == expected


def test_a_priority_is_stale_after_more_than_the_contract_threshold():
    assert is_stale(None, TODAY, 6), "a priority without any point has no news"
    assert not is_stale(dt.date(2026, 5, 23), TODAY, 6), "exactly six months is not yet longer than six months"
    assert is_stale(dt.date(2026, 5, 22), TODAY, 6)
    assert not is_stale(dt.date(2026, 2, 1), TODAY, 12), "the threshold is the contract's"


def test_a_revue_without_points_is_one_whose_month_after_holds_no_point_and_no_point_links_to_it():
    revue = dt.date(2026, 10, 13)
    assert revue_without_points(revue, 7, [(dt.date(2026, 4, 14), 3)])
    assert not revue_without_points(revue, 7, [(dt.date(2026, 10, 13), None)])
    assert not revue_without_points(revue, 7, [(dt.date(2026, 11, 13), None)]), "within a month after the revue"
    assert revue_without_points(revue, 7, [(dt.date(2026, 11, 14), None)]), "more than a month after"
    assert not revue_without_points(revue, 7, [(dt.date(2026, 12, 1), 7)]), "linked to the revue itself"
    assert not revue_without_points(None, None, []), "no revue held: nothing to flag"


@pytest.mark.parametrize("weathers, expected", [
    ([], None),
    (["securise"], "securise"),
    (["securise", "compromis"], "appui_necessaire"),  # mean 1.5: a tie goes to the worse level
    (["securise", "atteignable"], "atteignable"),  # mean 0.5: a tie goes to the worse level
    (["securise", "securise", "atteignable"], "securise"),  # mean 0.33
    (["atteignable", "appui_necessaire", "appui_necessaire"], "appui_necessaire"),  # mean 1.67
    (["compromis"] * 3 + ["securise"], "appui_necessaire"),  # mean 2.25
])
def test_overall_weather_is_the_rounded_mean_ties_to_the_worse(weathers, expected):
    assert overall_weather(weathers) == expected


def test_roll_up_counts_what_is_behind_the_state():
    rolled = roll_up([ItemState("securise", 80), ItemState("compromis", 10, stale=True), ItemState(None, None, True),
                      ItemState("atteignable", None)])
    assert rolled.total == 4
    assert rolled.assessed == 3 and rolled.unassessed == 1
    assert rolled.counts == {"securise": 1, "atteignable": 1, "compromis": 1}
    assert rolled.stale == 2
    assert rolled.weather == "atteignable"  # (0 + 1 + 3) / 3 = 1.33; the priority without a point does not weigh
    assert rolled.progress_mean == 45 and rolled.progress_count == 2
    assert rolled.summary() == ("☁ Atteignable — 3 priorités évaluées sur 4 · 1 ⚡ compromise · "
                                "2 ⚑ sans nouvelles")
    assert roll_up([]).summary("mesure") == "Aucune mesure"
    assert roll_up([ItemState(None)]).summary("mesure") == "◌ Pas encore de point — 0 mesure évaluée sur 1"
    assert rolled.summary(stale_months=6).endswith("2 ⚑ sans nouvelles depuis plus de 6 mois")
    assert rolled.summary("engagement") == ("☁ Atteignable — 3 engagements évalués sur 4 · 1 ⚡ compromis · "
                                            "2 ⚑ sans nouvelles")


def test_freshness_is_said_in_plain_words():
    assert freshness_text(None, True, 6) == "◌ Pas encore de point"
    assert freshness_text(dt.date(2026, 10, 13), False, 6) == "Point récent (13 octobre 2026)"
    assert freshness_text(dt.date(2025, 10, 14), True, 6) == \
        "⚑ Sans nouvelles depuis plus de 6 mois (dernier point : 14 octobre 2025)"
    assert freshness_text(dt.date(2022, 6, 1), False, None) == "Dernier point : 1er juin 2022"


def test_group_roll_ups_gives_one_state_per_key():
    groups = group_roll_ups([("planoise", ItemState("compromis")), ("battant", ItemState("securise")),
                             ("planoise", ItemState("compromis"))])
    assert groups["planoise"].weather == "compromis" and groups["planoise"].total == 2
    assert groups["battant"].weather == "securise" and groups["battant"].total == 1


def test_validate_point_in_french():
    assert validate_point(point(), last_on=dt.date(2026, 4, 14), today=TODAY) == []
    assert validate_point(point(weather="beau"), last_on=None, today=TODAY) == [
        "Météo manquante ou inconnue. Valeurs permises : Sécurisé, Atteignable, Appui nécessaire, Compromis."]
    for bad in (101, -1, True, 4.5):
        assert validate_point(point(progress=bad), last_on=None, today=TODAY) == [
            "L'avancement doit être un nombre entier de 0 à 100."]
    assert validate_point(point(recorded_on=dt.date(2026, 11, 24)), last_on=None, today=TODAY) == [
        "La date du point (24 novembre 2026) est dans le futur."]
    assert "antérieure au dernier point (14 octobre 2026)" in validate_point(
        point(), last_on=dt.date(2026, 10, 14), today=TODAY)[0]
    assert validate_point(point(), last_on=dt.date(2026, 10, 13), today=TODAY) == [], "same day is allowed"


def test_same_as_compares_date_weather_progress_and_comments():
    last = {"recorded_on": dt.date(2026, 10, 13), "weather": "atteignable", "progress": 40.0,
            "difficulties": "Retard", "next_steps": None, "successes": float("nan")}
    assert same_as(point(difficulties=" Retard "), last)
    assert not same_as(point(difficulties="Retard", next_steps="Relancer"), last)
    assert not same_as(point(difficulties="Retard", recorded_on=dt.date(2026, 11, 1)), last)
    assert not same_as(point(difficulties="Retard", progress=45), last)
    assert not same_as(point(), None)


def test_bulk_points_keeps_changed_rows_and_rows_to_repeat():
    last = {"weather": "atteignable", "progress": 40, "difficulties": "Retard", "next_steps": None,
            "successes": None}
    rows = [
        {"priority_id": 1, "weather": "atteignable", "progress": 40, "difficulties": "Retard", "last": last},
        {"priority_id": 2, "weather": "compromis", "progress": 40, "difficulties": "Retard", "last": last},
        {"priority_id": 3, "weather": "atteignable", "progress": 40, "difficulties": "Retard", "last": last,
         "confirm": True},
        {"priority_id": 4, "weather": None, "progress": None, "last": None},
        {"priority_id": 5, "weather": "securise", "progress": None, "last": None},
        {"priority_id": 6, "weather": None, "progress": 20, "last": None},
    ]
    points = bulk_points(rows, recorded_on=dt.date(2026, 10, 13), author=" Léa ", meeting_id=9)
    assert [p.priority_id for p in points] == [2, 3, 5, 6]
    assert points[0].weather == "compromis" and points[0].recorded_on == dt.date(2026, 10, 13)
    assert points[0].author == "Léa" and points[0].meeting_id == 9
    assert points[3].weather == "", "a progress without météo is kept, for validation to refuse it"


def test_priority_labels():
    assert priority_label("Mesure 10", 0, "Nous organiserons une rencontre", "pacte") == \
        "Mesure 10 « Nous organiserons une rencontre »"
    assert priority_label(None, 2, "Prévenir les phénomènes de délinquance", "projet_quartier") == \
        "Priorité 3 « Prévenir les phénomènes de délinquance »"
    assert priority_label("4", 3, "x" * 80, "pacte", width=20) == f"Mesure 4 « {'x' * 19}… »"


def test_quarter_ends_run_from_the_first_point_to_today():
    assert quarter_ends(dt.date(2025, 11, 2), dt.date(2026, 5, 10)) == [
        dt.date(2025, 12, 31), dt.date(2026, 3, 31), dt.date(2026, 5, 10)]
    assert quarter_ends(dt.date(2026, 1, 1), dt.date(2026, 3, 31)) == [dt.date(2026, 3, 31)]


def test_weather_distribution_uses_the_latest_point_at_each_date():
    points = [(1, dt.date(2025, 1, 10), "atteignable"), (1, dt.date(2025, 6, 1), "compromis"),
              (2, dt.date(2025, 2, 1), "securise"), (9, dt.date(2025, 2, 1), "securise")]
    dates = [dt.date(2024, 12, 31), dt.date(2025, 3, 31), dt.date(2025, 6, 30)]
    counts = {(d, w): n for d, w, n in weather_distribution(points, [1, 2, 3], dates) if n}
    assert counts == {
        (dt.date(2024, 12, 31), None): 3,
        (dt.date(2025, 3, 31), "atteignable"): 1, (dt.date(2025, 3, 31), "securise"): 1,
        (dt.date(2025, 3, 31), None): 1,
        (dt.date(2025, 6, 30), "compromis"): 1, (dt.date(2025, 6, 30), "securise"): 1,
        (dt.date(2025, 6, 30), None): 1,
    }, "priority 9 is outside the selection and priority 3 never had a point"


@pytest.mark.parametrize("value, expected", [
    (dt.datetime(2026, 10, 13, 0, 0), dt.date(2026, 10, 13)), (dt.date(2026, 10, 13), dt.date(2026, 10, 13)),
    ("13/10/2026", dt.date(2026, 10, 13)), (" 3/2/2026 ", dt.date(2026, 2, 3)), (None, None), ("  ", None),
])
def test_sheet_dates_are_real_dates_or_day_month_year(value, expected):
    assert parse_date(value) == (expected, None)


@pytest.mark.parametrize("value", ["2026-10-13", "31/02/2026", "13 octobre", 45000])
def test_unreadable_sheet_dates_are_reported(value):
    day, error = parse_date(value)
    assert day is None and error.startswith(f"Date illisible « {value} »")


@pytest.mark.parametrize("value, expected", [(45, 45), (45.0, 45), ("45", 45), ("45 %", 45), (0, 0), (100, 100),
                                             (None, None), ("", None)])
def test_sheet_progress_is_a_whole_number_from_0_to_100(value, expected):
    assert parse_progress(value) == (expected, None)


@pytest.mark.parametrize("value", [101, -5, 45.5, "quarante", 0.45, True])
def test_wrong_sheet_progress_is_reported(value):
    number, error = parse_progress(value)
    assert number is None and "nombre entier de 0 à 100" in error
