"""From a log line to the page that fixes it, through the site's own search box."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from kraken_doctor.catalog import load_catalog
from kraken_doctor.links import find_error, page_path

pytestmark = pytest.mark.browser

#: A line as the bot logs it (nija-bot.md: `❌ Kraken connection test failed (<label>): ...`).
LOG_LINE = "2026-01-10 11:47:26 | ERROR | ❌ Kraken connection test failed (USER:alice_example): {}"
PERMISSION_DENIED = find_error("EGeneral:Permission denied")
#: The first link in the search output: the page offered for a pasted error, else the top hit.
FIRST_LINK = ".md-search-result a[href]"


@pytest.fixture
def clipboard(browse):
    browse.context.grant_permissions(["clipboard-read", "clipboard-write"])
    return browse


def _open_search(browse) -> None:
    browse.page.keyboard.press("/")  # Material's shortcut, as the home and 404 pages say
    assert browse.page.evaluate(
        "document.activeElement === document.querySelector('.md-search__input')"
    ), "pressing / did not focus the search box"


def _paste(browse, text: str) -> None:
    """Put `text` on the clipboard and paste it with the keyboard, like a user does."""
    browse.page.evaluate("text => navigator.clipboard.writeText(text)", text)
    browse.page.keyboard.press("Control+V")


def _first_link(browse) -> str:
    first = browse.page.locator(FIRST_LINK).first
    first.wait_for(state="visible")
    return browse.page.evaluate("a => new URL(a.href).pathname", first.element_handle())


def _site_path(browse, pathname: str) -> str:
    root = "/" + browse.root.split("/", 3)[3]
    return pathname.removeprefix(root)


def test_typing_permission_denied_finds_the_guide(browse):
    browse.goto("")
    _open_search(browse)
    browse.page.keyboard.type("Permission denied")
    first = browse.page.locator(".md-search-result__item > a").first
    first.wait_for(state="visible")
    first.click()
    browse.page.wait_for_load_state()
    assert browse.path() == page_path(PERMISSION_DENIED)


def test_pasting_a_whole_bot_log_line_and_pressing_enter_opens_the_guide(clipboard):
    browse = clipboard
    browse.goto("")
    _open_search(browse)
    _paste(browse, LOG_LINE.format("EGeneral:Permission denied"))
    assert _site_path(browse, _first_link(browse)) == page_path(PERMISSION_DENIED)
    for scheme in ("light", "dark"):  # the open search, the offered page above the results
        browse.page.emulate_media(color_scheme=scheme)
        audit = Axe().run(browse.page)
        assert not audit.violations_count, f"{scheme}: {audit.generate_report()}"
    with browse.page.expect_navigation():
        browse.page.keyboard.press("Enter")
    assert browse.path() == page_path(PERMISSION_DENIED)
    assert not browse.console_errors, browse.console_errors


def test_a_log_line_with_any_catalog_error_finds_its_page(browse):
    """Every spelling of every catalog error, in a log line, through the page's own matcher
    (`kdFindError`, which the search box's paste handler and the home page's box share) over
    the published errors.json. The tests above paste through the search box itself."""
    browse.goto("")
    spellings = [(e, s) for e in load_catalog().errors for s in (e.string, *e.aliases)]
    found = browse.page.evaluate(
        "lines => Promise.all(lines.map(line => window.kdFindError(line)))",
        [LOG_LINE.format(spelling) for _, spelling in spellings],
    )
    misses = [
        f"{spelling!r}: {offer and offer['href']}, expected /{page_path(entry)}"
        for (entry, spelling), offer in zip(spellings, found, strict=True)
        if not offer or _site_path(browse, urlsplit(offer["href"]).path) != page_path(entry)
    ]
    assert not misses, "\n".join(misses)
    assert not browse.console_errors, browse.console_errors


def test_typing_after_a_paste_drops_the_offered_page(clipboard):
    browse = clipboard
    browse.goto("")
    _open_search(browse)
    _paste(browse, LOG_LINE.format("EAPI:Invalid nonce"))
    browse.page.locator(".kd-search-exact").wait_for(state="visible")
    browse.page.keyboard.press("End")
    browse.page.keyboard.type(" window")
    assert browse.page.locator(".kd-search-exact").count() == 0


def test_pasting_a_log_line_on_the_404_page_offers_the_guide(clipboard):
    # Bots' old links land on the 404 page, which sends readers to search: it must work there.
    browse = clipboard
    response = browse.page.goto(browse.url("no-such-page/"))
    assert response is not None and response.status == 404
    _open_search(browse)
    _paste(browse, LOG_LINE.format("EGeneral:Permission denied"))
    assert _site_path(browse, _first_link(browse)) == page_path(PERMISSION_DENIED)


#: Each client's own text for Permission denied (tests/test_client_errors.py produces them
#: from the installed clients and holds every error to its page without a browser).
CLIENT_LINES = [
    'ccxt.base.errors.PermissionDenied: kraken {"error":["EGeneral:Permission denied"]}',
    'Could not load ticker due to PermissionDenied. Message: kraken {"error":'
    '["EGeneral:Permission denied"]}',
    "kraken.exceptions.KrakenPermissionDeniedError: API key doesn't have permission to make "
    "this request.",
    '{"error": "auth", "message": "Authentication failed: EGeneral:Permission denied"}',
]


def test_pasting_a_clients_error_line_offers_its_page_first(clipboard):
    browse = clipboard
    browse.goto("")
    search = browse.page.locator(".md-search__input")
    for line in CLIENT_LINES:
        search.click()
        search.fill("")
        _paste(browse, line)
        assert _site_path(browse, _first_link(browse)) == page_path(PERMISSION_DENIED), line
        browse.page.keyboard.press("Escape")


def test_the_chosen_client_tab_follows_the_reader_to_the_next_page(browse):
    """Material's content.tabs.link: the same tab titles switch together, across pages."""
    browse.goto("guides/connection-check/")
    browse.page.locator(".tabbed-labels label", has_text="ccxt").first.click()
    browse.goto("guides/api-key-setup/")
    active = browse.page.evaluate(
        """() => {
            const set = document.querySelector('.tabbed-set');
            const input = set.querySelector('input:checked');
            return set.querySelector(`label[for="${input.id}"]`).textContent.trim();
        }"""
    )
    assert active == "ccxt"
