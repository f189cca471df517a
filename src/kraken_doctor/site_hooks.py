"""MkDocs hooks: everything URL-ish the site takes from the catalog, so each is typed once.

- `site_url` is the catalog's `site.base_url`, the base every published link uses;
- the error pages' place in the navigation, one section per category, in catalog order;
- the short links `/e/<slug>/`, written by mkdocs-redirects next to the old URLs kept alive;
- `errors.json` (`links.errors_index()`), published for bots in any language.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kraken_doctor.catalog import Catalog, load_catalog
from kraken_doctor.links import errors_index
from kraken_doctor.macros import CATEGORY_TITLES

#: The nav entry in mkdocs.yml that this hook expands into the error sections.
ERRORS_NAV_TITLE = "Errors"
ERRORS_JSON = "errors.json"


def error_source(cat: Catalog, slug: str) -> str:
    """The Markdown source of an error page, e.g. `errors/eapi-invalid-key.md`."""
    return f"{cat.site.errors_path}{slug}.md"


def short_link_redirects(cat: Catalog) -> dict[str, str]:
    """`e/<slug>.md` -> `errors/<slug>.md` for every error: the short links bots may print."""
    return {f"{cat.site.short_path}{e.slug}.md": error_source(cat, e.slug) for e in cat.errors}


def error_nav(cat: Catalog) -> list[Any]:
    """The error index, then one section per category listing its pages by title."""
    sections: list[Any] = [f"{cat.site.errors_path}index.md"]
    for category, heading in CATEGORY_TITLES.items():
        pages = [{e.title: error_source(cat, e.slug)} for e in cat.errors if e.category == category]
        if pages:
            sections.append({heading: pages})
    return sections


def _expand_nav(nav: list[Any], cat: Catalog) -> list[Any]:
    out: list[Any] = []
    for item in nav:
        if isinstance(item, dict) and ERRORS_NAV_TITLE in item:
            out.append({ERRORS_NAV_TITLE: error_nav(cat)})
        else:
            out.append(item)
    return out


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


def on_post_build(config: Any, **_: Any) -> None:
    """Publish errors.json next to the pages: error spelling -> URL, short URL, title."""
    path = Path(config["site_dir"]) / ERRORS_JSON
    path.write_text(json.dumps(errors_index(), indent=2, ensure_ascii=False) + "\n", "utf-8")
