"""French formats as the UI shows them."""

import datetime as dt

import pytest

from pilotage.formats import (
    NBSP,
    format_date,
    format_datetime,
    format_number,
    format_percent,
    format_value,
    plural,
)


def test_nbsp_is_the_non_breaking_space():
    assert NBSP == "\u00a0"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (15378, 0, "15\u00a0378"),
        (24550, 0, "24\u00a0550"),
        (1234567, 0, "1\u00a0234\u00a0567"),
        (999, 0, "999"),
        (13.2, 1, "13,2"),
        (-10.8, 1, "-10,8"),
        (0, 0, "0"),
    ],
)
def test_format_number_groups_thousands_with_a_non_breaking_space_and_uses_a_decimal_comma(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_format_number_rounds_to_the_decimals_asked():
    assert format_number(13.26, 1) == "13,3"
    assert format_number(15378.4) == "15\u00a0378"


def test_format_percent():
    assert format_percent(13.2) == "13,2\u00a0%"
    assert format_percent(45, 0) == "45\u00a0%"


def test_format_value_with_units():
    assert format_value(13.2, "%", 1) == "13,2\u00a0%"
    assert format_value(15378, "habitants") == "15\u00a0378\u00a0habitants"
    assert format_value(13080, "€") == "13\u00a0080\u00a0€"
    assert format_value(12, "") == "12"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2023, 4, 28), "28 avril 2023"),
        (dt.date(2024, 5, 1), "1er mai 2024"),
        (dt.date(2023, 1, 31), "31 janvier 2023"),
        (dt.date(2030, 12, 2), "2 décembre 2030"),
        (dt.date(2017, 8, 15), "15 août 2017"),
    ],
)
def test_format_date(value, expected):
    assert format_date(value) == expected


def test_format_datetime():
    assert format_datetime(dt.datetime(2023, 4, 28, 14, 5)) == "28 avril 2023 à 14 h 05"
    assert format_datetime(dt.datetime(2024, 5, 1, 9, 0)) == "1er mai 2024 à 9 h 00"


@pytest.mark.parametrize("formatter", [format_number, format_percent, format_date, format_datetime])
def test_missing_values_show_a_dash(formatter):
    assert formatter(None) == "—"


def test_format_value_of_a_missing_figure_shows_a_dash():
    assert format_value(None, "habitants") == "—"


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "0 quartier"),
        (1, "1 quartier"),
        (2, "2 quartiers"),
        (12, "12 quartiers"),
        (1600, "1\u00a0600 quartiers"),
    ],
)
def test_plural_is_singular_below_two(count, expected):
    assert plural(count, "quartier") == expected


def test_plural_with_an_irregular_form():
    assert plural(1, "journal", "journaux") == "1 journal"
    assert plural(3, "journal", "journaux") == "3 journaux"
