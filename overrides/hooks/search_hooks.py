"""MkDocs hook: keep whole-script listings out of the search index.

The guides show each snippet in full inside a collapsed example ("??? example"): the same
scripts again and again, about a fifth of the index. Nobody troubleshooting a bot searches
for a script's source; they search its name (the example's title, still indexed) or the
error. Material's search skips any element marked `data-search-exclude`.
"""

from __future__ import annotations

import re
from typing import Any

_DETAILS = re.compile(r"<details\b.*?</details>", re.DOTALL)
_CODE = '<div class="highlight">'


def exclude_listings(html: str) -> str:
    return _DETAILS.sub(
        lambda m: m.group(0).replace(_CODE, '<div class="highlight" data-search-exclude>'), html
    )


def on_page_content(html: str, **_: Any) -> str:
    return exclude_listings(html)
