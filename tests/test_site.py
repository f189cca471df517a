"""The built site: a clean strict build, tables from the catalog, a page per error, every page
in the navigation, working links, redirects and errors.json, and nothing fetched from elsewhere."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from kraken_doctor.catalog import Catalog, load_catalog
from sitebuild import PROJECT, Build, parse, site_build  # noqa: F401  (site_build: fixture)

DOCS = PROJECT / "docs"
GUIDE = "errors/egeneral-permission-denied/"


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def site(site_build: Build) -> Build:  # noqa: F811
    assert site_build.returncode == 0, site_build.output
    return site_build


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def tables(page_html: str) -> list[list[list[str]]]:
    """Every table of a page as rows of cell texts (the header row first)."""
    out = []
    for table in re.findall(r"<table>(.*?)</table>", page_html, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
        out.append(
            [[text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)] for r in rows]
        )
    return out


def page_html(site: Build, path: str) -> str:
    built = site.file_for(path)
    assert built, f"{path} is not in the built site"
    return built.read_text("utf-8")


def doc_url(md: Path) -> str:
    """The site path MkDocs gives a Markdown file (directory URLs)."""
    rel = md.relative_to(DOCS).with_suffix("").as_posix()
    if rel == "index" or rel.endswith("/index"):
        return rel[: -len("index")]
    return rel + "/"


# -- the build ------------------------------------------------------------------------------


def test_strict_build_is_clean(site_build: Build) -> None:  # noqa: F811
    assert site_build.returncode == 0, site_build.output
    problems = [ln for ln in site_build.output.splitlines() if re.match(r"\s*(WARNING|ERROR)", ln)]
    assert not problems, "\n".join(problems)
    print(f"\nstrict build: {site_build.seconds:.1f} s")


# -- tables from the catalog ----------------------------------------------------------------


@pytest.mark.parametrize("path", [GUIDE, "guides/api-key-setup/", "reference/permissions/"])
def test_permission_table_lists_the_catalog_in_order(site: Build, cat: Catalog, path: str) -> None:
    found = [t for t in tables(page_html(site, path)) if "Permission on kraken.com" in t[0]]
    assert len(found) == 1
    header, *rows = found[0]
    col = header.index("Permission on kraken.com")
    verdict = header.index("The bot needs it?")
    assert [r[col] for r in rows] == [p.label for p in cat.permissions]
    assert [("❌" in r[verdict]) for r in rows] == [p.forbidden for p in cat.permissions]
    assert [("✅" in r[verdict]) for r in rows] == [p.bot_needs for p in cat.permissions]


def test_guide_checklist_and_quick_reference(site: Build, cat: Catalog) -> None:
    page = page_html(site, GUIDE)
    items = [text_of(li) for li in re.findall(r"<li>((?:✅|❌).*?)</li>", page, re.S)]
    ticked = [re.search(r"Tick (.+?)( \(formerly| in |:)", i).group(1) for i in items if "✅" in i]
    crossed = [
        re.search(r"Leave off (.+?)( \(formerly| in |:)", i).group(1) for i in items if "❌" in i
    ]
    assert ticked == [p.label for p in cat.required_permissions]
    assert crossed == [p.label for p in cat.forbidden_permissions]
    quick = next(b for b in re.findall(r"<pre.*?</pre>", page, re.S) if "DO NOT enable" in b)
    lines = [ln for ln in text_of(quick).splitlines() if ln.strip()]
    assert [ln[0] for ln in lines] == ["✅"] * len(cat.required_permissions) + ["❌"] * len(
        cat.forbidden_permissions
    )


def test_guide_has_every_fact_of_the_seed(site: Build, cat: Catalog) -> None:
    text = text_of(page_html(site, GUIDE))
    pd = cat.error("egeneral-permission-denied")
    user = cat.env_vars.example_users[0]
    assert f"Kraken connection test failed (USER:{user}): {pd.string}" in text
    assert "Kraken connection test failed: Permission denied" in text
    assert "KRAKEN PRO CONNECTED" in text and "Still failing?" in text
    for platform in cat.platforms:  # restart and update steps, per platform
        for step in platform.restart + platform.update + platform.logs:
            assert re.sub(r"[`*]", "", step.text) in text, step.text
    railway, render = (
        cat.platforms[i] for i, p in enumerate(cat.platforms) if p.id in {"railway", "render"}
    )
    for platform in (railway, render):  # "verify these are set", "update the values"
        assert any("variables are set" in s.text for s in platform.update)
    assert "Security note" in text and "Quick reference" in text
    assert "https://www.kraken.com/u/security/api" in text  # the visible URL of step 1
    for p in cat.required_permissions:  # each box's reason beside it
        assert f"{p.label}" in text and re.sub(r"[`*]", "", p.why.split(".")[0]) in text
    assert "your `.env` file".replace("`", "") in text  # cause 3 names .env
    assert "In short:" in text and "save, and restart the bot" in text  # the one-line summary
    assert "kraken-doctor check --account USER:" in text  # the bracket decoded
    assert "2FA" not in text  # Kraken says 2FA without a code gives Invalid signature
    for mojibake in ("‚ùå", "‚úÖ", "üìä", "‚"):  # the seed's UTF-8 read as Mac Roman
        assert mojibake not in text
    assert "❌" in text and "✅" in text and "📊" in text


def test_no_real_names_from_the_seed(site: Build) -> None:
    for page in site.site.rglob("*.html"):
        body = page.read_text("utf-8").casefold()
        for name in ("daivon", "frazier", "tania", "gilbert"):
            assert name not in body, f"{page}: {name}"


def _without_jinja(text: str) -> str:
    return re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", text, flags=re.S)


def test_no_permission_label_typed_by_hand(cat: Catalog) -> None:
    """Labels come from macros; multi-word labels may not appear at all, one-word labels
    (Query, Withdraw, On...) not as a quoted or emphasised name."""
    problems = []
    for md in sorted(DOCS.rglob("*.md")):
        text = _without_jinja(md.read_text("utf-8"))
        for p in cat.permissions:
            for label in p.all_labels:
                if re.search(r"[\s&/]", label):
                    hit = re.search(re.escape(label), text, re.I)
                else:
                    # Bold or quoted; backticks mark an endpoint (`Withdraw`), not a label.
                    quoted = rf"(\*\*|[\"“']){re.escape(label)}(\*\*|[\"”'])"
                    hit = re.search(quoted, text)
                if hit:
                    problems.append(f"{md.relative_to(PROJECT)}: {label!r}")
    assert not problems, problems


def test_no_error_string_typed_by_hand(cat: Catalog) -> None:
    """Kraken's error strings come from macros (error_link, error_page); a spelling typed
    into a page would not follow the catalog. A detail form in an example log line
    (`EGeneral:Invalid arguments:volume`) is not a catalog spelling and stays allowed."""
    spellings = {s for e in cat.errors for s in (e.string, *e.aliases)}
    problems = []
    for md in sorted(DOCS.rglob("*.md")):
        text = _without_jinja(md.read_text("utf-8"))
        for spelling in spellings:
            if re.search(rf"(?<![\w:]){re.escape(spelling)}(?![\w:])", text):
                problems.append(f"{md.relative_to(PROJECT)}: {spelling!r}")
    assert not problems, problems


def test_no_env_var_name_typed_by_hand(cat: Catalog) -> None:
    """The bot's variable names come from `env_vars` in the catalog, through macros."""
    env = cat.env_vars
    names = {env.api_url}
    for pair in (env.master, env.legacy):
        names |= {pair.key, pair.secret}
    for user in env.example_users:
        names |= set(env.for_user(user))
    problems = []
    for md in sorted(DOCS.rglob("*.md")):
        text = _without_jinja(md.read_text("utf-8"))
        problems += [f"{md.relative_to(PROJECT)}: {n}" for n in sorted(names) if n in text]
    assert not problems, problems


def _sidebar_links(html: str) -> list[str]:
    """The `<a>` tags of a page's primary navigation (its sidebar, the drawer on a phone)."""
    sidebar = html.split("md-nav--primary", 1)[1].split("<article", 1)[0]
    return [t for t in re.findall(r"<a\s[^>]*>", sidebar) if "md-nav__link" in t]


def test_every_page_is_in_the_nav(site: Build) -> None:
    """Each page's sidebar shows where it is: a page missing from the nav has no active link."""
    missing = []
    for md in sorted(DOCS.rglob("*.md")):
        links = _sidebar_links(page_html(site, doc_url(md)))
        if not any("md-nav__link--active" in t and re.search(r'href="\./?"', t) for t in links):
            missing.append(doc_url(md))
    assert not missing, missing


def test_the_sidebar_lists_only_the_open_sections(site: Build, cat: Catalog) -> None:
    """navigation.prune: the guide's sidebar does not carry all the error pages, and an
    error page's sidebar carries the pages of its own category."""
    guide = page_html(site, f"{cat.site.errors_path}egeneral-permission-denied/")
    error_links = [t for t in _sidebar_links(guide) if re.search(r'href="\.\./e[a-z]', t)]
    assert len(error_links) < len(cat.errors) // 2, "the guide's sidebar lists the error pages"
    entry = cat.error("eapi-invalid-key")
    same = [e.slug for e in cat.errors if e.category == entry.category and e.slug != entry.slug]
    links = " ".join(_sidebar_links(page_html(site, f"{cat.site.errors_path}{entry.slug}/")))
    assert all(f"../{slug}/" in links for slug in same), "its own category is listed"


def test_every_error_has_a_page_and_every_page_an_error(site: Build, cat: Catalog) -> None:
    """Pages are generated from the catalog; a hand-written page must still be an error's."""
    hand_written = {md.stem for md in (DOCS / cat.site.errors_path).glob("*.md")} - {"index"}
    assert hand_written <= {e.slug for e in cat.errors}
    built = {p.parent.name for p in (site.site / cat.site.errors_path).glob("*/index.html")}
    assert built == {e.slug for e in cat.errors}
    for e in cat.errors:
        text = text_of(page_html(site, f"{cat.site.errors_path}{e.slug}/"))
        assert e.string in text, e.slug


def test_a_hand_written_error_page_is_kept_over_the_generated_one(site: Build) -> None:
    """docs/errors/eapi-invalid-nonce.md adds a captured example below the catalog's page."""
    page = page_html(site, "errors/eapi-invalid-nonce/")
    assert 'id="nonce-safe-client"' in page


def test_error_index_lists_every_error(site: Build, cat: Catalog) -> None:
    page = page_html(site, cat.site.errors_path)
    links = set(re.findall(r'href="([a-z0-9-]+)/"', page))
    assert {e.slug for e in cat.errors} <= links


def test_errors_json_maps_every_spelling_to_its_page(site: Build, cat: Catalog) -> None:
    """What bots read: every catalog spelling (string and aliases) -> that error's page."""
    published = json.loads(page_html(site, "errors.json"))
    for e in cat.errors:
        for spelling in (e.string, *e.aliases):
            assert published[spelling]["url"].endswith(f"/{cat.site.errors_path}{e.slug}/")


def _site_path(site: Build, url: str) -> str:
    base = load_catalog().site.base_url
    assert url.startswith(base), url
    return url[len(base) :]


def _redirect_target(site: Build, source: str) -> str:
    """Where the redirect page at site path `source` points, as a site path with anchor."""
    page = page_html(site, source)
    target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', page).group(1)
    return urljoin("/" + source, target).lstrip("/")


def _check_target(site: Build, target: str) -> None:
    path, _, anchor = target.partition("#")
    built = site.file_for(path)
    assert built, f"{target} does not exist"
    if anchor:
        assert anchor in parse(built).ids, f"{target}: no such anchor"


def test_every_url_in_errors_json_and_every_short_link_exists(site: Build) -> None:
    for spelling, record in json.loads(page_html(site, "errors.json")).items():
        page = _site_path(site, record["url"])
        _check_target(site, page)
        assert _redirect_target(site, _site_path(site, record["short_url"])) == page, spelling


def test_every_redirect_target_exists(site: Build, cat: Catalog) -> None:
    from mkdocs.config import load_config

    static = load_config(str(PROJECT / "mkdocs.yml")).plugins["redirects"].config["redirect_maps"]
    expected = {old: new for old, new in static.items()}
    expected.update(
        {
            f"{cat.site.short_path}{e.slug}.md": f"{cat.site.errors_path}{e.slug}.md"
            for e in cat.errors
        }
    )
    redirects = [
        p for p in site.site.rglob("*.html") if 'http-equiv="refresh"' in p.read_text("utf-8")
    ]
    assert len(redirects) == len(expected)
    for old, new in expected.items():
        path, _, anchor = new.partition("#")
        target = _redirect_target(site, doc_url(DOCS / old))
        assert target == doc_url(DOCS / path) + (f"#{anchor}" if anchor else ""), old
        _check_target(site, target)


# -- links and resources -------------------------------------------------------------------


def test_no_broken_internal_link_or_anchor(site: Build) -> None:
    base = load_catalog().site.base_url
    prefix = site.url_prefix
    broken: list[str] = []
    checked = 0
    cache: dict[Path, set[str]] = {}
    for page in sorted(site.site.rglob("*.html")):
        here = "/" + page.relative_to(site.site).as_posix()
        for href in parse(page).hrefs:
            if href.startswith(base):
                href = "/" + href[len(base) :]
            elif href.startswith(prefix):
                href = "/" + href[len(prefix) :]
            elif urlsplit(href).scheme or href.startswith("//"):
                continue  # kraken.com, status.kraken.com: outside the site, by design
            checked += 1
            if "//" in urlsplit(href).path:
                broken.append(f"{here}: {href} (double slash)")
                continue
            target = urlsplit(urljoin(here, href))
            if not target.path and target.fragment:
                target = urlsplit(here + "#" + target.fragment)
            built = site.file_for(target.path)
            if built is None:
                broken.append(f"{here}: {href}")
                continue
            if target.fragment and built.suffix == ".html":
                if built not in cache:
                    cache[built] = parse(built).ids
                ids = cache[built]
                if target.fragment not in ids:
                    broken.append(f"{here}: {href} (no anchor)")
    assert not broken, "\n".join(broken)
    assert checked > 20 * len(list(site.site.rglob("*.html")))  # the sidebars alone hold more


def test_nothing_is_fetched_from_outside_the_site(site: Build) -> None:
    outside = re.compile(r"^(https?:)?//", re.I)
    problems = []
    for page in site.site.rglob("*.html"):
        for tag, url in parse(page).resources:
            if outside.match(url):
                problems.append(f"{page.relative_to(site.site)}: <{tag}> {url}")
    for css in site.site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text("utf-8")):
            if outside.match(url):
                problems.append(f"{css.relative_to(site.site)}: url({url})")
        if "fonts.googleapis" in css.read_text("utf-8"):
            problems.append(f"{css.relative_to(site.site)}: Google Fonts")
    assert not problems, problems


def test_404_page_offers_search_and_the_error_index(site: Build, cat: Catalog) -> None:
    page = page_html(site, "404.html")
    assert f'href="{site.url_prefix}{cat.site.errors_path}">Open the error index' in page
    assert 'data-md-component="search"' in page


# -- the site's own hooks -------------------------------------------------------------------


def _built_pages(site: Build) -> list[Path]:
    return sorted(site.site.rglob("index.html"))


def test_whole_script_listings_stay_out_of_the_search_index(site: Build) -> None:
    """Whole scripts are not indexed: their own pages are left out of search, and code folded
    inside a page (scripts, sample outputs) is marked for exclusion (search_hooks; M25)."""
    index = json.loads((site.site / "search" / "search_index.json").read_text("utf-8"))
    locations = {d["location"].split("#")[0] for d in index["docs"]}
    script_pages = sorted((site.site / "scripts").glob("*/index.html"))
    for page in script_pages:
        assert f"scripts/{page.parent.name}/" not in locations, page
    folded = 0
    for page in _built_pages(site):
        for block in re.findall(r"<details\b.*?</details>", page.read_text("utf-8"), re.S):
            for div in re.findall(r'<div class="highlight"[^>]*>', block):
                assert "data-search-exclude" in div, f"{page}: folded code is indexed"
                folded += 1
    assert script_pages and folded, "no script page or folded code: the test looks at nothing"


def test_every_labelled_landmark_has_a_name(site: Build) -> None:
    """a11y_hooks: each `aria-labelledby` names an element with text (M28 of the review)."""
    checked = 0
    for page in _built_pages(site):
        source = page.read_text("utf-8")
        ids = {m.group(1): m.start() for m in re.finditer(r'\bid="([^"]+)"', source)}
        for ref in re.findall(r'<nav\b[^>]*\baria-labelledby="([^"]+)"', source):
            assert ref in ids, f"{page}: nav labelled by missing #{ref}"
            element = source[source.rfind("<", 0, ids[ref]) :]
            tag = re.match(r"<(\w+)", element).group(1)
            inner = element[element.index(">") + 1 : element.index(f"</{tag}>")]
            assert text_of(inner), f"{page}: #{ref} has no text, the landmark has no name"
            checked += 1
        if 'role="dialog"' in source and 'class="md-search"' in source:
            assert re.search(r'class="md-search"[^>]*role="dialog" aria-label="\w', source), page
    assert checked, "no labelled navigation found: the test no longer looks at anything"


def test_the_doctors_guide_links_exist(site: Build, cat: Catalog) -> None:
    """Pages the doctor prints by their source path (env_vars.guide) are built."""
    from kraken_doctor.links import page_url

    assert site.file_for(_site_path(site, page_url(cat.env_vars.guide, cat)))


#: The guide's main flow (outside folds, tabs and code blocks) reads in about this many words;
#: the original guide had 774, the first site version about 2,700.
GUIDE_WORDS = 900


def main_flow_words(page: str) -> int:
    """Words a reader meets going down the page without opening a fold or a tab: the article
    without <details>, content tabs, code blocks, drawings, heading anchors and the one-line
    links to whole scripts (each stands where a folded listing was)."""
    article = re.search(r"<article[^>]*>(.*)</article>", page, re.S).group(1)
    while (start := article.find('<div class="tabbed-set')) >= 0:  # nested <div>s: count them
        depth, at = 0, start
        for tag in re.finditer(r"<div\b|</div>", article[start:]):
            depth += 1 if tag.group(0) == "<div" else -1
            if depth == 0:
                at = start + tag.end()
                break
        article = article[:start] + " " + article[at:]
    for pattern in (
        r"<details.*?</details>",
        r"<pre.*?</pre>",
        r"<svg.*?</svg>",
        r'<a class="headerlink".*?</a>',
        r'<aside class="md-source-file.*?</aside>',
        r'<p class="kd-script">.*?</p>',
    ):
        article = re.sub(pattern, " ", article, flags=re.S)
    return len(text_of(article.replace("<", " <")).split())


def test_guide_main_flow_stays_short(site: Build) -> None:
    words = main_flow_words(page_html(site, GUIDE))
    print(f"\nguide main flow: {words} words")
    assert words <= GUIDE_WORDS, f"the guide's main flow has {words} words; fold or cut some"
