"""The one clock: the system's day in Paris, or the pinned day of PILOTAGE_TODAY."""

import datetime as dt

import pytest

from pilotage import clock
from pilotage.settings import Settings, SettingsError


def test_a_pinned_day_is_today_and_the_time_still_moves_on_that_day():
    with clock.pinned(dt.date(2030, 12, 31)):
        assert clock.today() == dt.date(2030, 12, 31)
        first, second = clock.now(), clock.now()
        assert first.tzinfo is not None and second >= first
        assert first.astimezone(clock.PARIS).date() == dt.date(2030, 12, 31)


def test_pinned_restores_what_was_pinned_before():
    with clock.pinned(dt.date(2027, 6, 15)):
        with clock.pinned(dt.date(2026, 12, 1)):
            assert clock.today() == dt.date(2026, 12, 1)
        assert clock.today() == dt.date(2027, 6, 15)


def test_unpinned_today_is_the_day_in_paris():
    before = clock.pinned_day()
    clock.pin(None)
    try:
        assert clock.today() == dt.datetime.now(clock.PARIS).date()
    finally:
        clock.pin(before)


def test_pilotage_today_is_read_into_the_settings():
    assert Settings.from_env({"PILOTAGE_TODAY": "2027-06-15"}).today == dt.date(2027, 6, 15)
    assert Settings.from_env({"PILOTAGE_TODAY": ""}).today is None
    assert Settings.from_env({}).today is None


@pytest.mark.parametrize("value", ["15/06/2027", "2027-13-01", "demain"])
def test_a_malformed_pilotage_today_is_refused_with_its_expected_form(value):
    with pytest.raises(SettingsError, match="YYYY-MM-DD"):
        Settings.from_env({"PILOTAGE_TODAY": value})
