"""MkDocs hook: the theme's indentation left out of each page's HTML.

Material's templates indent the header, navigation and footer deeply, and on a page with a
long table of contents that indentation is a sixth of the HTML. Outside `<pre>` blocks
(and scripts, styles and text areas) the browser treats a line break followed by spaces
exactly like a line break alone, so dropping the indentation changes nothing a reader sees.
The page's own content (`<article>`) is left exactly as Markdown rendered it.
"""

from __future__ import annotations

import re
from typing import Any

_KEEP = re.compile(r"(<(article|pre|script|style|textarea)\b.*?</\2>)", re.DOTALL | re.IGNORECASE)
_INDENT = re.compile(r"\n[ \t\r\n]+")


def drop_indentation(html: str) -> str:
    parts = _KEEP.split(html)
    # split() gives: text, kept block, its tag name, text, kept block, tag name, ...
    out = []
    for i, part in enumerate(parts):
        if i % 3 == 0:
            out.append(_INDENT.sub("\n", part))
        elif i % 3 == 1:
            out.append(part)
    return "".join(out)


def on_post_page(output: str, **_: Any) -> str:
    return drop_indentation(output)
