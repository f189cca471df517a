"""Every page, on a 412 px phone and a 1280 px desktop: nothing in the main flow scrolls
sideways (code blocks and outputs wrap), names to copy never break in the middle, tables
stack on the phone; every page has one h1 (an error page shows its error string), says it
is not Kraken's and links its source plainly, and logs no console error; the key-form
picture is on its three pages.

One walk per width checks all of that on each page in a single look (`PAGE_PROBLEMS`):
opening the 75 pages is the slow part, so they are opened once per width, not once per
check."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from bench.browser import leaves_machine
from bench.site import project_dir
from kraken_doctor.catalog import load_catalog
from kraken_doctor.links import page_path
from layout_hooks import last_commit_dates

pytestmark = pytest.mark.browser

PROJECT = project_dir(Path(__file__).parent)
PHONE, DESKTOP = 412, 1280
FIGURE_PAGES = [
    "errors/egeneral-permission-denied/",
    "guides/api-key-setup/",
    "reference/permissions/",
]

#: What a reader sees wrong on the current page (sideways scrolling, a name broken in two, a
#: table that does not stack on a phone, a missing or second h1, a footer that does not say
#: whose site it is), as short descriptions. `phone`: the page is laid out for a phone;
#: `text`: a string the article must show (an error page's error), or null.
PAGE_PROBLEMS = """([phone, text]) => {
  const problems = [];
  const short = (el) => el.textContent.trim().slice(0, 60);
  const mainFlow = (el) => !el.closest('details, .tabbed-set');
  for (const code of document.querySelectorAll('article pre > code')) {
    if (mainFlow(code) && code.scrollWidth > code.clientWidth + 1)
      problems.push('code block scrolls sideways: ' + short(code));
  }
  for (const table of document.querySelectorAll('article table')) {
    const wrap = table.closest('.md-typeset__scrollwrap') || table;
    if ((phone || mainFlow(table)) && wrap.scrollWidth > wrap.clientWidth + 1)
      problems.push('table scrolls sideways: ' + short(table.querySelector('th, td')));
    const cell = table.querySelector('td');
    if (phone && cell && getComputedStyle(cell).display !== 'block')
      problems.push('table does not stack: ' + short(table.querySelector('th, td')));
  }
  for (const word of document.querySelectorAll('article code .kd-nw')) {
    if (word.getClientRects().length > 1) problems.push('name breaks inside: ' + word.textContent);
  }
  if (document.documentElement.scrollWidth > window.innerWidth)
    problems.push('the page itself scrolls sideways');
  const h1s = [...document.querySelectorAll('article h1')];
  if (h1s.length !== 1 || !h1s[0].innerText.trim())
    problems.push(h1s.length + ' h1 headings (one, with text, expected)');
  if (text && !document.querySelector('article').innerText.includes(text))
    problems.push('does not show ' + text);
  // The footer says the site is not Kraken's and links its source plainly (Material's
  // repository widget, which asks GitHub's API, is not used).
  const footer = document.querySelector('footer .md-copyright');
  if (!footer || !footer.innerText.includes('not affiliated with Kraken'))
    problems.push('no line saying the site is not affiliated with Kraken');
  const source = footer ? [...footer.querySelectorAll('a')]
    .filter((a) => a.textContent.trim() === 'Source code') : [];
  if (source.length !== 1 || !source[0].href.startsWith('https://'))
    problems.push('no plain link to the source');
  if (document.querySelector('.md-source'))
    problems.push("Material's repository widget is on the page");
  return problems;
}"""

#: Each error page's path -> the error string it must show.
ERROR_STRINGS = {page_path(e): e.string for e in load_catalog().errors}


@pytest.fixture(params=[PHONE, DESKTOP], ids=["412px", "1280px"])
def sized_page(request: pytest.FixtureRequest, chromium: Browser, site_url: str) -> Iterator[Page]:
    """A page at one width (the phone with touch, as a phone browser lays it out); requests
    that would leave 127.0.0.1 fail the test."""
    width = request.param
    phone = width == PHONE
    context = chromium.new_context(
        viewport={"width": width, "height": 915 if phone else 900},
        is_mobile=phone,
        has_touch=phone,
        color_scheme="light",
    )
    outside: list[str] = []  # the browser's proxy refuses them (bench/browser.py)
    context.on(
        "request",
        lambda r: leaves_machine(r.url) and outside.append(r.url),
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.kd_width = width  # type: ignore[attr-defined]
    page.kd_console_errors = console = []  # type: ignore[attr-defined]
    page.on(
        "console", lambda msg: msg.type == "error" and console.append(f"{page.url}: {msg.text}")
    )
    page.on("pageerror", lambda exc: console.append(f"{page.url}: {exc}"))
    yield page
    context.close()
    assert not outside, f"requests outside 127.0.0.1: {outside}"


def test_every_page_lays_out_without_sideways_scrolling_and_says_whose_it_is(
    sized_page: Page, site_url, site_pages
):
    phone = sized_page.kd_width == PHONE  # type: ignore[attr-defined]
    assert set(ERROR_STRINGS) <= set(site_pages), "an error page is missing from the sitemap"
    report = []
    for path in site_pages:
        sized_page.goto(site_url + path, wait_until="load")
        problems = sized_page.evaluate(PAGE_PROBLEMS, [phone, ERROR_STRINGS.get(path)])
        report += [f"/{path}: {p}" for p in problems]
    assert not report, "\n".join(report)
    console = sized_page.kd_console_errors  # type: ignore[attr-defined]
    assert not console, "\n".join(console)


def test_the_checks_see_a_block_that_scrolls(sized_page: Page, site_url):
    # The test above is only as good as its probe: a code line too long to wrap must show.
    sized_page.goto(site_url, wait_until="load")
    sized_page.evaluate(
        """() => {
          const pre = document.createElement('pre');
          const code = document.createElement('code');
          code.style.cssText = 'white-space: pre; overflow: auto; display: block';
          code.textContent = 'x'.repeat(400);
          pre.append(code);
          document.querySelector('article').append(pre);
        }"""
    )
    phone = sized_page.kd_width == PHONE  # type: ignore[attr-defined]
    problems = sized_page.evaluate(PAGE_PROBLEMS, [phone, None])
    assert any(p.startswith("code block scrolls sideways") for p in problems)


def test_the_checks_see_a_missing_h1_an_error_not_shown_and_a_footer_gone(sized_page, site_url):
    sized_page.goto(site_url, wait_until="load")
    sized_page.evaluate(
        "() => { document.querySelector('article h1').remove();"
        " document.querySelector('footer .md-copyright').remove(); }"
    )
    problems = sized_page.evaluate(PAGE_PROBLEMS, [False, "EAPI:Not on this page"])
    assert "0 h1 headings (one, with text, expected)" in problems
    assert "does not show EAPI:Not on this page" in problems
    assert "no line saying the site is not affiliated with Kraken" in problems
    assert "no plain link to the source" in problems


@pytest.mark.parametrize("path", FIGURE_PAGES)
def test_key_form_figure_is_shown_with_text_caption_and_both_palettes(
    sized_page: Page, site_url, path
):
    sized_page.goto(site_url + path, wait_until="load")
    figure = sized_page.locator("article figure.kd-keyform").first
    assert figure.is_visible()
    assert not figure.evaluate("f => !!f.closest('details')"), "the figure hides in a fold"
    box = figure.locator("svg").bounding_box()
    assert box and box["width"] <= sized_page.kd_width  # type: ignore[attr-defined]
    words = figure.locator("svg text").all_text_contents()
    assert "Withdraw" in words and "Tick" in words
    assert figure.locator("figcaption").inner_text().strip()
    assert figure.locator("svg title").text_content()
    tick = "getComputedStyle(document.querySelector('.kd-keyform .kd-tick')).stroke"
    light = sized_page.evaluate(tick)
    sized_page.emulate_media(color_scheme="dark")
    sized_page.reload(wait_until="load")
    assert sized_page.evaluate(tick) != light, "the figure keeps its light colours in dark mode"


def test_pages_show_when_they_were_last_reviewed(sized_page: Page, site_url):
    # In a checkout whose history git can tell (not a shallow clone), every page has a date.
    sized_page.goto(site_url + FIGURE_PAGES[0], wait_until="load")
    reviewed = sized_page.locator("article .kd-reviewed")
    source = "docs/errors/egeneral-permission-denied.md"
    when = last_commit_dates(PROJECT).get(source)
    if when is None:
        assert reviewed.count() == 0, "a date was shown that git cannot give"
        return
    assert reviewed.inner_text() == f"Last reviewed {when:%B} {when.day}, {when.year}"


def test_home_page_opens_with_the_paste_box_and_it_leads_to_the_fix(browse, site_url):
    page = browse.page
    browse.goto("")
    box = page.get_by_label("Paste your log line")
    first = page.locator("article").locator("textarea, table, pre").first
    assert first.evaluate("el => el.id") == "kd-paste-line", "the paste box is not first"
    line = (
        "2026-01-10 11:47:26 | ERROR | ❌ Kraken connection test failed "
        "(USER:alice_example): EGeneral:Permission denied"
    )
    box.fill(line)
    offered = page.locator("#kd-paste-result a")
    offered.wait_for()
    assert "Permission denied" in offered.inner_text()
    box.press("Enter")
    page.wait_for_url("**/errors/egeneral-permission-denied/")
    # a line with no Kraken error in it opens the site's search with the text instead
    browse.goto("")
    box.fill("something else went wrong")
    box.press("Enter")
    page.wait_for_function("document.getElementById('__search').checked")
    assert page.locator(".md-search__input").input_value() == "something else went wrong"
