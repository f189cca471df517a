"""From a log line to the page that fixes it, through the site's own search box."""

from __future__ import annotations

import pytest

from kraken_doctor.links import find_error, page_path

pytestmark = pytest.mark.browser

#: A line as the bot logs it (nija-bot.md: `❌ Kraken connection test failed (<label>): ...`).
LOG_LINE = "2026-01-10 11:47:26 | ERROR | ❌ Kraken connection test failed (USER:alice_example): {}"
PERMISSION_DENIED = find_error("EGeneral:Permission denied")


def _open_search(browse) -> None:
    browse.page.keyboard.press("/")  # Material's shortcut, as the home and 404 pages say
    assert browse.page.evaluate(
        "document.activeElement === document.querySelector('.md-search__input')"
    ), "pressing / did not focus the search box"


def _paste(browse, text: str) -> None:
    """Put `text` on the clipboard and paste it with the keyboard, like a user does."""
    browse.page.evaluate("text => navigator.clipboard.writeText(text)", text)
    browse.page.keyboard.press("Control+V")


def _first_result(browse) -> str:
    """Follow the first search result; returns the path it leads to."""
    first = browse.page.locator(".md-search-result__item > a").first
    first.wait_for(state="visible")
    first.click()
    browse.page.wait_for_load_state()
    return browse.path()


@pytest.fixture
def clipboard(browse):
    browse.context.grant_permissions(["clipboard-read", "clipboard-write"])
    return browse


def test_typing_permission_denied_finds_the_guide(browse):
    browse.goto("")
    _open_search(browse)
    browse.page.keyboard.type("Permission denied")
    assert _first_result(browse) == page_path(PERMISSION_DENIED)


def test_pasting_a_whole_bot_log_line_finds_the_guide(clipboard):
    browse = clipboard
    browse.goto("")
    _open_search(browse)
    _paste(browse, LOG_LINE.format("EGeneral:Permission denied"))
    assert _first_result(browse) == page_path(PERMISSION_DENIED)
    assert not browse.console_errors, browse.console_errors
