"""What a reader does on the built site: find every error page in the index, copy a snippet,
switch light and dark, and find the guide from a phone."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

import macros
from bench.site import project_dir
from kraken_doctor.catalog import load_catalog
from kraken_doctor.links import error_index_path, find_error, page_path, short_path

pytestmark = pytest.mark.browser

PROJECT = project_dir(Path(__file__).parent)
GUIDE = page_path(find_error("EGeneral:Permission denied"))
# pymdownx.snippets: a fenced block whose only line is `--8<-- "file.py"` or "file.py:section".
INCLUDE = re.compile(r'^(?P<indent>[ \t]*)--8<-- "(?P<file>[^":]+)(?::(?P<section>[\w-]+))?"\s*$')
TABS = re.compile(r'\{\{\s*snippet_tabs\("(?P<spec>[^"]+)"[^}]*\}\}')
REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)"')
MARKER = re.compile(r"--8<-- \[(start|end):[\w-]+\]")


def _included_text(file: str, section: str | None) -> str:
    """What pymdownx.snippets puts in the page: the file (or one section) without markers."""
    lines = (PROJECT / "snippets" / file).read_text(encoding="utf-8").splitlines(keepends=True)
    if section:
        start = lines.index(next(x for x in lines if f"[start:{section}]" in x))
        end = lines.index(next(x for x in lines if f"[end:{section}]" in x))
        lines = lines[start + 1 : end]
    return "".join(line for line in lines if not MARKER.search(line))


def _page_of(source: Path) -> str:
    """docs/errors/x.md -> errors/x/ (MkDocs' directory URLs)."""
    rel = source.relative_to(PROJECT / "docs").with_suffix("")
    parts = rel.parts[:-1] if rel.name == "index" else rel.parts
    return "".join(f"{p}/" for p in parts)


def _snippet_includes() -> dict[str, list[tuple[str, str]]]:
    """Page path -> [(label, expected text)] for every snippet included in docs/."""
    found: dict[str, list[tuple[str, str]]] = {}
    for source in sorted((PROJECT / "docs").rglob("*.md")):
        text = source.read_text(encoding="utf-8")
        # A client-tab macro includes each client's version of the snippet: expand it.
        text = TABS.sub(lambda m: macros.snippet_tabs(load_catalog(), m["spec"]), text)
        for line in text.splitlines():
            match = INCLUDE.match(line)
            if match:
                label = match["file"] + (f":{match['section']}" if match["section"] else "")
                expected = _included_text(match["file"], match["section"])
                found.setdefault(_page_of(source), []).append((label, expected))
    return found


def test_the_error_index_links_every_error_page(browse):
    # Each page it links to has one h1 and shows its error (test_browser_layout's walk).
    catalog = load_catalog()
    browse.goto(error_index_path(catalog))
    links = browse.page.locator("article a[href]")
    hrefs = {
        a.evaluate("a => new URL(a.href).pathname")
        for a in links.all()
        if a.get_attribute("href").rstrip("/").split("/")[-1] in {e.slug for e in catalog.errors}
    }
    root = "/" + browse.root.split("/", 3)[3]
    linked = {h.removeprefix(root) for h in hrefs}
    expected = {page_path(e, catalog) for e in catalog.errors}
    assert linked == expected, f"missing {expected - linked}, unexpected {linked - expected}"
    first = sorted(linked)[0]  # the links work: the first one opens its page
    browse.page.locator(f'article a[href$="{first.rsplit("/", 2)[-2]}/"]').first.click()
    browse.page.wait_for_load_state()
    assert browse.path() == first


def _copy_visible(page) -> list[str]:
    """What each visible copy button of the page not clicked yet puts on the clipboard."""
    copied = []
    # Handles, not locators: a locator filtered on the mark would shift as buttons get it.
    for button in page.locator("article button[data-md-type='copy']").element_handles():
        if button.get_attribute("data-kd-copied") or not button.is_visible():
            continue  # copied already, or in a tab that is not selected
        page.evaluate("navigator.clipboard.writeText('')")
        button.click()  # the copy is asynchronous: wait until the clipboard has it
        page.wait_for_function("async () => (await navigator.clipboard.readText()) !== ''")
        copied.append(page.evaluate("navigator.clipboard.readText()"))
        button.evaluate("b => { b.dataset.kdCopied = 'yes'; }")
    return copied


def _copy_all(browse) -> list[str]:
    """What the copy buttons of the current page put on the clipboard, in every tab: a click
    on one tab title selects that title in every linked tab set of the page."""
    page = browse.page
    for summary in page.locator("article details:not([open]) > summary").element_handles():
        if summary.is_visible():
            summary.click()  # collapsed blocks may hold code too
    titles = dict.fromkeys(page.locator("article .tabbed-labels > label").all_inner_texts())
    copied = _copy_visible(page)
    for title in titles:
        page.locator("article .tabbed-labels > label", has_text=title).first.click()
        copied += _copy_visible(page)
    return copied


def test_copy_buttons_copy_exactly_the_included_snippets(browse):
    browse.context.grant_permissions(["clipboard-read", "clipboard-write"])
    includes = _snippet_includes()
    assert GUIDE in includes, "the Permission denied guide includes no snippet"
    problems = []
    from_script_pages: dict[str, list[str]] = {}  # a script's page, linked from several pages
    for path, expected in includes.items():
        browse.goto(path)
        # A folded whole script is a link to the script's own page, copied from there.
        scripts = browse.page.eval_on_selector_all(
            "article a.kd-script-link", "links => links.map(a => a.href)"
        )
        copied = _copy_all(browse)
        for url in scripts:
            if url not in from_script_pages:
                browse.page.goto(url)
                from_script_pages[url] = _copy_all(browse)
            copied += from_script_pages[url]
        for label, text in expected:
            # A code block ends at its last non-blank line, so trailing newlines are not copied.
            if text.rstrip("\n") not in copied:
                problems.append(f"/{path}: no copy button copies {label} exactly")
    assert not problems, "\n".join(problems)


def _scheme(browse) -> str:
    return browse.page.locator("body").get_attribute("data-md-color-scheme")


def test_palette_toggle_switches_light_and_dark_and_remembers(browse):
    browse.goto(GUIDE)
    page = browse.page
    assert _scheme(browse) == "default"  # the system prefers light
    light_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    toggles = page.locator("form[data-md-component='palette'] label.md-header__button")
    for _ in range(toggles.count()):
        if _scheme(browse) == "slate":
            break
        toggles.locator("visible=true").click()
    assert _scheme(browse) == "slate", "no toggle position gives the dark scheme"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != light_bg
    page.reload()
    assert _scheme(browse) == "slate", "the choice is not remembered across pages"


def test_phone_drawer_lists_the_guide_and_opens_it(browse_phone):
    browse = browse_phone
    browse.goto("")
    page = browse.page
    drawer = page.locator("nav.md-nav--primary")
    expect(drawer).not_to_be_in_viewport()  # a phone has no room for it beside the page
    page.locator("label.md-header__button[for='__drawer']").click()
    expect(drawer).to_be_in_viewport()
    guide = drawer.locator(f'a[href$="{GUIDE}"]').first
    section = guide.locator("xpath=ancestor::li[contains(@class,'md-nav__item--nested')][1]")
    if section.count():  # on a phone, a section's pages slide in when its name is tapped
        section.locator("xpath=./label | ./div/label").first.click()
    expect(guide).to_be_in_viewport()
    guide.click()
    page.wait_for_load_state()
    assert browse.path() == GUIDE


def _redirects_to(built_site: Path, target: str) -> list[str]:
    """The addresses whose mkdocs-redirects stub sends the browser to `target`."""
    found = []
    for stub in sorted(built_site.rglob("index.html")):
        match = REFRESH.search(stub.read_text(encoding="utf-8"))
        if match:
            address = stub.parent.relative_to(built_site).as_posix() + "/"
            if posixpath.normpath(posixpath.join(address, match[1])) == target.rstrip("/"):
                found.append(address)
    return found


def test_short_link_and_old_addresses_of_the_guide_land_on_it(browse, built_site):
    # Bots print these addresses; mkdocs-redirects serves a stub that the browser follows.
    addresses = _redirects_to(built_site, GUIDE)
    assert short_path(find_error("EGeneral:Permission denied")) in addresses
    for address in addresses:
        browse.goto(address)
        browse.page.wait_for_url(browse.url(GUIDE) + "**")
        assert browse.path() == GUIDE, f"/{address} did not land on the guide"
