"""The language-leak check of the journeys finds an English word left on a Japanese page, and leaves the
test's own data, numbers, dates, addresses and proper nouns alone."""

import pytest

from .conftest import Journey


def journey_with(japanese: str, english: str) -> Journey:
    journey = Journey(browser=None, live_server=None, role="researcher", language="ja")
    journey.data += ["Uzushio corpus"]
    journey.japanese.append(("/dmps/1/", japanese))
    journey.english.append(english)
    return journey


def test_an_english_interface_word_on_a_japanese_page_is_a_leak():
    journey = journey_with("DMP · 状態: Changed · Uzushio corpus", "DMP · Status: Changed · Uzushio corpus")
    with pytest.raises(AssertionError, match="/dmps/1/: changed"):
        journey.assert_no_english_on_japanese_pages()


def test_data_numbers_dates_addresses_and_proper_nouns_are_not_leaks():
    journey_with(
        "Uzushio corpus · JP24K01234 · 2026-12-06 · hanako@example.ac.jp · ORCID · e-Rad · DOI · データNo.",
        "Uzushio corpus · JP24K01234 · 2026-12-06 · hanako@example.ac.jp · ORCID · e-Rad · DOI · data No.",
    ).assert_no_english_on_japanese_pages()
