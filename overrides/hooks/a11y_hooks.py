"""MkDocs hook: accessible names Material's markup leaves out (found by axe-core).

- The search overlay is a `role="dialog"` without a name: it gets the search box's label.
- A navigation section with an index page (`navigation.indexes`) labels its `<nav>` with an
  element that holds only an icon, so the landmark has no name and collides with other
  unnamed landmarks (`landmark-unique`). Every section `<nav>` is labelled by its title
  instead, which always holds the section's name.

tests/test_site.py checks every labelled landmark of the built site has a name, so if a
Material upgrade changes this markup and the patterns stop matching, that test says so.
"""

from __future__ import annotations

import re
from typing import Any

_SEARCH_DIALOG = re.compile(r'(<div class="md-search" data-md-component="search" role="dialog")>')
_SEARCH_LABEL = re.compile(r'class="md-search__input"[^>]*?aria-label="([^"]+)"')
_SECTION_NAV = re.compile(
    r'(<nav class="md-nav" data-md-level="\d+" aria-labelledby=")(__nav[\w]*)_label'
    r'("[^>]*>\s*<label class="md-nav__title" for="\2")>'
)


def name_landmarks(html: str) -> str:
    label = _SEARCH_LABEL.search(html)
    if label:
        html = _SEARCH_DIALOG.sub(rf'\1 aria-label="{label.group(1)}">', html, count=1)
    return _SECTION_NAV.sub(r'\1\2_title\3 id="\2_title">', html)


def on_post_page(output: str, **_: Any) -> str:
    return name_landmarks(output)


def on_post_template(output_content: str, template_name: str, **_: Any) -> str:
    """The 404 page is a theme template, not a page: it gets the same names."""
    return name_landmarks(output_content) if template_name.endswith(".html") else output_content
