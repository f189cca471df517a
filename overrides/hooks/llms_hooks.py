"""MkDocs hook: publish llms.txt and llms-full.txt (https://llmstxt.org) for AI assistants.

Many operators paste their bot's error into an assistant. llms.txt tells it, in one short
Markdown file at the site's root, which guide covers what and which page fixes each Kraken
error (with the error's one-line meaning, from the catalog). llms-full.txt adds the text
of every guide, so an assistant that reads one file has the whole fix. Both are written
after the build from the pages MkDocs rendered and the catalog: nothing is typed twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kraken_doctor.catalog import Catalog, load_catalog
from kraken_doctor.links import page_path

LLMS = "llms.txt"
LLMS_FULL = "llms-full.txt"
ERRORS_SECTION = "Errors"  # the navigation section the catalog expands (site_hooks.py)

# `--8<-- "connection_test.py"`: a script included at build time, named instead in the text.
_INCLUDE = re.compile(r"""^(\s*)-{1,}8<-{1,}\s+["']([^"':]+)[^"']*["']\s*$""", re.MULTILINE)


@dataclass(frozen=True)
class Page:
    title: str
    url: str
    description: str
    markdown: str


_pages: dict[str, Page] = {}  # docs-relative source path -> what the build rendered


def first_sentence(text: str) -> str:
    text = " ".join(text.split())
    end = re.search(r"(?<=[.!?])\s", text)
    return text[: end.start()] if end else text


def _nav_pages(nav: list[Any]) -> list[tuple[str, list[str]]]:
    """(section title, page sources) in the site's navigation order; top-level pages first."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for item in nav:
        if isinstance(item, str):
            sections[0][1].append(item)
            continue
        for title, value in item.items():
            if isinstance(value, str):
                sections[0][1].append(value)
            elif title != ERRORS_SECTION:
                sources = [v for entry in value for v in entry.values() if isinstance(v, str)]
                sections.append((title, sources))
    return sections


def _line(page: Page) -> str:
    return f"- [{page.title}]({page.url})" + (f": {page.description}" if page.description else "")


def llms_txt(cat: Catalog, description: str, nav: list[Any], pages: dict[str, Page]) -> str:
    """The index: what the site is, the guides by section, every error page, errors.json."""
    out = [f"# {cat.site.name}", "", f"> {' '.join(description.split())}", ""]
    out.append(
        "Every Kraken error has its own page at "
        f"{cat.site.base_url}{cat.site.errors_path}<slug>/, where the slug is the error in lower "
        "case with every other character turned into `-`. The error line comes first on each "
        "page, then its meaning, numbered fix steps and how to check the fix."
    )
    for title, sources in _nav_pages(nav):
        shown = [pages[s] for s in sources if s in pages]
        if shown:
            out += ["", f"## {title or 'Start here'}", "", *map(_line, shown)]
    out += ["", f"## {ERRORS_SECTION}", ""]
    for entry in cat.errors:
        url = cat.site.base_url + page_path(entry, cat)
        out.append(f"- [{entry.string}]({url}): {first_sentence(entry.meaning)}")
    out += [
        "",
        "## Optional",
        "",
        f"- [errors.json]({cat.site.base_url}errors.json): every error spelling (and the client "
        "exception classes that stand for one error) mapped to its page, for programs",
        f"- [{LLMS_FULL}]({cat.site.base_url}{LLMS_FULL}): the text of every guide in one file",
    ]
    return "\n".join(out) + "\n"


def llms_full_txt(cat: Catalog, index: str, nav: list[Any], pages: dict[str, Page]) -> str:
    """llms.txt, then every page of the navigation (error pages included) as Markdown."""
    parts, seen = [index], set()
    error_pages = [f"{cat.site.errors_path}{entry.slug}.md" for entry in cat.errors]
    for source in [s for _title, sources in _nav_pages(nav) for s in sources] + error_pages:
        if source in pages and source not in seen:
            seen.add(source)
            parts.append(_section(pages[source]))
    return "\n\n---\n\n".join(parts).rstrip() + "\n"


def _section(page: Page) -> str:
    text = _INCLUDE.sub(r"\1(the script \2, shown in full on the page)", page.markdown)
    return f"Source: {page.url}\n\n{text.strip()}"


# -- MkDocs events ----------------------------------------------------------------------------


def on_pre_build(config: Any, **_: Any) -> None:
    _pages.clear()  # `mkdocs serve` builds again in the same process


def on_page_content(html: str, page: Any, config: Any, **_: Any) -> str:
    _pages[page.file.src_uri] = Page(
        title=page.title or "",
        url=config["site_url"] + page.url,
        description=" ".join((page.meta.get("description") or "").split()),
        markdown=page.markdown or "",
    )
    return html


def on_post_build(config: Any, **_: Any) -> None:
    cat = load_catalog()
    site = Path(config["site_dir"])
    index = llms_txt(cat, config["site_description"] or "", config["nav"], _pages)
    (site / LLMS).write_text(index, encoding="utf-8")
    full = llms_full_txt(cat, index, config["nav"], _pages)
    (site / LLMS_FULL).write_text(full, encoding="utf-8")
