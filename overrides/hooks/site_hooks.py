"""MkDocs hooks: everything URL-ish the site takes from the catalog, so each is typed once.

- `site_url` is the catalog's `site.base_url`, the base every published link uses;
- the error pages' place in the navigation, one section per category, in catalog order;
- the short links `/e/<slug>/`, written by mkdocs-redirects next to the old URLs kept alive;
- `errors.json` (`links.errors_index()`), published for bots in any language;
- one page per catalog error, generated: adding an error is one catalog edit. A hand-written
  page in docs/ for the same slug (the Permission denied guide) takes its place.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from kraken_doctor.catalog import Catalog, load_catalog
from kraken_doctor.links import errors_index
from macros import error_source

#: The nav entry in mkdocs.yml that this hook expands into the error sections.
ERRORS_NAV_TITLE = "Errors"
ERRORS_JSON = "errors.json"


def short_link_redirects(cat: Catalog) -> dict[str, str]:
    """`e/<slug>.md` -> `errors/<slug>.md` for every error: the short links bots may print."""
    return {f"{cat.site.short_path}{e.slug}.md": error_source(cat, e) for e in cat.errors}


def error_nav(cat: Catalog, elsewhere: frozenset[str] = frozenset()) -> list[Any]:
    """The error index, then one section per category listing its pages by title.

    A page the nav already lists elsewhere (the Permission denied guide, under Guides) is
    left out here, so each page has one place in the navigation.
    """
    sections: list[Any] = [f"{cat.site.errors_path}index.md"]
    for c in cat.categories:
        category, heading = c.id, c.title
        pages = [
            {e.title: error_source(cat, e)}
            for e in cat.errors
            if e.category == category and error_source(cat, e) not in elsewhere
        ]
        if pages:
            sections.append({heading: pages})
    return sections


def _nav_files(nav: Any) -> set[str]:
    """Every Markdown file a nav (or part of one) lists."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, dict):
        return set().union(*(_nav_files(v) for v in nav.values()))
    if isinstance(nav, list):
        return set().union(*(_nav_files(v) for v in nav)) if nav else set()
    return set()


def _expand_nav(nav: list[Any], cat: Catalog) -> list[Any]:
    is_errors = [isinstance(item, dict) and ERRORS_NAV_TITLE in item for item in nav]
    elsewhere = frozenset(_nav_files([i for i, e in zip(nav, is_errors, strict=True) if not e]))
    return [
        {ERRORS_NAV_TITLE: error_nav(cat, elsewhere)} if e else item
        for item, e in zip(nav, is_errors, strict=True)
    ]


def on_config(config: Any, **_: Any) -> Any:
    cat = load_catalog()
    config["site_url"] = cat.site.base_url
    config["extra"]["errors_path"] = cat.site.errors_path
    if config["nav"]:
        config["nav"] = _expand_nav(config["nav"], cat)
    redirects = config["plugins"]["redirects"].config["redirect_maps"]
    for old, new in short_link_redirects(cat).items():
        redirects.setdefault(old, new)
    return config


def error_page_markdown(slug: str) -> str:
    """The source of a generated error page: the page itself is rendered by the macro."""
    return (
        "---\n"
        "search:\n"
        "  boost: 2   # people search for errors: their pages come first\n"
        "render_macros: true\n"
        "---\n\n"
        f'{{{{ error_page("{slug}") }}}}\n'
    )


@event_priority(100)  # before mkdocs-redirects looks for its targets among the files
def on_files(files: Files, config: Any, **_: Any) -> Files:
    """Add a page for every catalog error that has no hand-written page in docs/."""
    cat = load_catalog()
    for entry in cat.errors:
        src = error_source(cat, entry)
        if files.get_file_from_path(src) is None:
            files.append(File.generated(config, src, content=error_page_markdown(entry.slug)))
    return files


def on_post_build(config: Any, **_: Any) -> None:
    """Publish errors.json next to the pages: error spelling -> URL, short URL, title."""
    path = Path(config["site_dir"]) / ERRORS_JSON
    path.write_text(json.dumps(errors_index(), indent=2, ensure_ascii=False) + "\n", "utf-8")
