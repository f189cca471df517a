"""The pages of the built site in a real browser, one crawl: no accessibility violation that
axe-core can find in either scheme, no console error, nothing fetched from outside 127.0.0.1.

Every hand-written page is visited, and one page per template (the 50 catalog error pages
differ only in text; all of them are opened, with their console checked, by
test_browser_layout.py's walk over every page)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from kraken_doctor.links import find_error, page_path
from sitebuild import template_of

pytestmark = pytest.mark.browser

#: The audited pages are split in this many parts so pytest-xdist can spread them over workers.
SHARDS = 4
AXE = Axe()
GUIDE = page_path(find_error("EGeneral:Permission denied"))


def _shard(pages: list[str], shard: int) -> list[str]:
    return pages[shard::SHARDS]


def test_the_harness_sees_outside_requests_and_console_errors(browse):
    # The page checks here are only as good as these two listeners: prove they fire.
    browse.goto("")
    browse.page.evaluate("fetch('http://192.0.2.1/kd-probe').catch(() => null)")
    browse.page.evaluate("console.error('kd-probe')")
    browse.page.wait_for_timeout(200)
    assert [r for r in browse.outside_requests if r.endswith("192.0.2.1/kd-probe")]
    assert [e for e in browse.console_errors if "kd-probe" in e]
    browse.outside_requests.clear()  # seen and blocked: the fixture's own check must pass


def test_missing_page_gets_the_404_page_with_search_and_the_error_index(browse):
    response = browse.page.goto(browse.url("no-such-page/"))
    assert response is not None and response.status == 404
    page = browse.page
    assert page.locator("h1").count() == 1
    assert page.locator(".md-search__input").count() == 1
    audit = AXE.run(page)
    assert not audit.violations_count, audit.generate_report()
    page.get_by_role("link", name="error index").first.click()
    page.wait_for_load_state()
    assert browse.path() == "errors/"


#: The dark scheme only swaps CSS colour variables: the DOM (names, roles, landmarks) is the
#: same, so in dark the audit runs the rules that depend on colour, which cost the most anyway.
VIOLATIONS = {"resultTypes": ["violations"]}
COLOUR_RULES = {
    **VIOLATIONS,
    "runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]},
}


@pytest.mark.parametrize("shard", range(SHARDS))
def test_pages_pass_axe_in_light_and_dark_log_no_console_error_and_stay_local(
    browse, audited_pages, shard
):
    # `browse` fails the test on any request outside 127.0.0.1 (blocked and recorded).
    reports = []
    for path in _shard(audited_pages, shard):
        browse.goto(path)
        browse.page.wait_for_load_state("networkidle")  # the search worker loads its index late
        for scheme, options in (("light", VIOLATIONS), ("dark", COLOUR_RULES)):
            browse.page.emulate_media(color_scheme=scheme)  # the palette follows the system
            results = AXE.run(browse.page, options=options)
            if results.violations_count:
                reports.append(f"/{path} ({scheme}): {results.generate_report()}")
        browse.page.emulate_media(color_scheme="light")
    assert not reports, "\n\n".join(reports)
    assert not browse.console_errors, "\n".join(browse.console_errors)


def test_the_crawl_visits_every_hand_written_page_and_one_page_per_template(
    site_pages, audited_pages
):
    assert "" in audited_pages and GUIDE in audited_pages
    error_pages = [p for p in site_pages if template_of(p) == "error_page"]
    assert len(error_pages) > 1, "the error pages are no longer recognised as one template"
    assert len(set(error_pages) & set(audited_pages)) == 1
